package main

import (
	"context"
	"fmt"

	"github.com/noaber/noaber/internal/app"
	"github.com/noaber/noaber/internal/config"
	"github.com/noaber/noaber/internal/demo"
)

func loadConfig(name string, args []string, env *cliEnv, extra func(fs interface {
	BoolVar(*bool, string, bool, string)
})) (config.Config, error) {
	fs := newFlags(name, env)
	if extra != nil {
		extra(fs)
	}
	read := config.Flags(fs, env.getenv)
	if err := fs.Parse(args); err != nil {
		return config.Config{}, err
	}
	if fs.NArg() > 0 {
		return config.Config{}, fmt.Errorf("%s: unexpected argument %q", name, fs.Arg(0))
	}
	cfg, err := read()
	if err != nil {
		return cfg, fmt.Errorf("configuration:\n%w", err)
	}
	return cfg, nil
}

func runServe(ctx context.Context, args []string, env *cliEnv) error {
	var withDemo bool
	cfg, err := loadConfig("serve", args, env, func(fs interface {
		BoolVar(*bool, string, bool, string)
	}) {
		fs.BoolVar(&withDemo, "demo", false, "fill the database with the demo town first (once)")
	})
	if err != nil {
		return err
	}
	logger := app.NewLogger(cfg)
	a, err := app.New(ctx, cfg, logger, app.Options{})
	if err != nil {
		return err
	}
	defer a.Close()
	if withDemo {
		n, err := demo.Fill(ctx, a.DB, demo.Services{Accounts: a.Accounts, Help: a.Help, Messages: a.Messages, Reports: a.Reports, Trust: a.Trust})
		if err != nil {
			return fmt.Errorf("demo: %w", err)
		}
		if n > 0 {
			logger.Info("demo town filled", "users", n)
		}
		fmt.Fprintf(env.stdout, "Demo town %s: log in as %s with password %q\n", demo.Town, demo.LoginEmail, demo.Password)
	}
	return a.Run(ctx, nil, func(addr string) {
		fmt.Fprintf(env.stdout, "Noaber is running at %s (database: %s)\n", cfg.BaseURL, a.DB.Engine())
	})
}

func runMigrate(ctx context.Context, args []string, env *cliEnv) error {
	cfg, err := loadConfig("migrate", args, env, nil)
	if err != nil {
		return err
	}
	db, err := app.Open(ctx, cfg, app.NewLogger(cfg))
	if err != nil {
		return err
	}
	defer db.Close()
	v, err := db.Version(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "database schema is at version %d\n", v)
	return nil
}

func runDemo(ctx context.Context, args []string, env *cliEnv) error {
	cfg, err := loadConfig("demo", args, env, nil)
	if err != nil {
		return err
	}
	a, err := app.New(ctx, cfg, app.NewLogger(cfg), app.Options{})
	if err != nil {
		return err
	}
	defer a.Close()
	n, err := demo.Fill(ctx, a.DB, demo.Services{Accounts: a.Accounts, Help: a.Help, Messages: a.Messages, Reports: a.Reports, Trust: a.Trust})
	if err != nil {
		return err
	}
	if n == 0 {
		fmt.Fprintln(env.stdout, "the demo town is already there")
	} else {
		fmt.Fprintf(env.stdout, "demo town %s filled with %d users\n", demo.Town, n)
	}
	fmt.Fprintf(env.stdout, "log in as %s with password %q\n", demo.LoginEmail, demo.Password)
	return nil
}
