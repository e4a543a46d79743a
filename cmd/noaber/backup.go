package main

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/noaber/noaber/internal/app"
	"github.com/noaber/noaber/internal/config"
)

func runBackup(ctx context.Context, args []string, env *cliEnv) error {
	fs := newFlags("backup", env)
	out := fs.String("out", "", "file to write the copy to (must not exist)")
	read := config.Flags(fs, env.getenv)
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg, err := read()
	if err != nil {
		return fmt.Errorf("configuration:\n%w", err)
	}
	if *out == "" {
		return errors.New("backup: give the file to write with --out")
	}
	if _, err := os.Stat(*out); err == nil {
		return fmt.Errorf("backup: %s exists already; choose a new file", *out)
	}
	db, err := app.Open(ctx, cfg, app.NewLogger(cfg))
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.Backup(ctx, *out); err != nil {
		return err
	}
	st, err := os.Stat(*out)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "backup of the %s database written to %s (%d bytes)\n", db.Engine(), *out, st.Size())
	return nil
}
