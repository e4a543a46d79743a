package main

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/noaber/noaber/internal/app"
	"github.com/noaber/noaber/internal/config"
	"github.com/noaber/noaber/internal/geo"
)

const geoUsage = "usage: noaber geo import FILE [--format auto|geonames|csv] [flags] (see noaber geo import --help)"

func runGeo(ctx context.Context, args []string, env *cliEnv) error {
	if len(args) == 0 || args[0] != "import" {
		if len(args) > 0 && (args[0] == "--help" || args[0] == "-h") {
			fmt.Fprintln(env.stdout, "Usage: noaber geo import FILE [--format auto|geonames|csv] [flags]")
			return nil
		}
		return errors.New(geoUsage)
	}
	fs := newFlags("geo", env)
	format := fs.String("format", geo.FormatAuto, "format of FILE: geonames (GeoNames' NL.txt, tab-separated), csv (a header with postcode, lat, lng and optionally town/woonplaats, municipality_code/gemeentecode), or auto")
	read := config.Flags(fs, env.getenv)
	// FILE may stand before or after the flags.
	var files []string
	rest := args[1:]
	for {
		if err := fs.Parse(rest); err != nil {
			return err
		}
		if fs.NArg() == 0 {
			break
		}
		files = append(files, fs.Arg(0))
		rest = fs.Args()[1:]
	}
	if len(files) != 1 {
		return errors.New(geoUsage)
	}
	switch *format {
	case geo.FormatAuto, geo.FormatGeoNames, geo.FormatCSV:
	default:
		return fmt.Errorf("geo import: --format %q: want auto, geonames or csv", *format)
	}
	cfg, err := read()
	if err != nil {
		return fmt.Errorf("configuration:\n%w", err)
	}
	f, err := os.Open(files[0])
	if err != nil {
		return fmt.Errorf("geo import: %w", err)
	}
	defer f.Close()
	db, err := app.Open(ctx, cfg, app.NewLogger(cfg))
	if err != nil {
		return err
	}
	defer db.Close()
	n, err := geo.ImportPostcodes(ctx, db, f, *format)
	fmt.Fprintf(env.stdout, "%d postcodes loaded from %s into the %s database\n", n, files[0], db.Engine())
	if err != nil {
		return fmt.Errorf("geo import: %w", err)
	}
	return nil
}
