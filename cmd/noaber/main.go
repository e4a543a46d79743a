// Command noaber runs Noaber: the web pages, the JSON API and the
// background jobs in one binary, on SQLite or PostgreSQL.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

type command struct {
	name, usage, help string
	run               func(ctx context.Context, args []string, env *cliEnv) error
}

// cliEnv is what a command may touch, so tests can run commands in-process.
type cliEnv struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
}

var commands []command

func init() {
	commands = []command{
		{"serve", "serve [--demo] [flags]", "run the web pages, the API and the background jobs", runServe},
		{"migrate", "migrate [flags]", "bring the database schema up to date and exit", runMigrate},
		{"demo", "demo [flags]", "fill the database with a demo town (users with profiles)", runDemo},
		{"admin", "admin create --email ADDRESS [flags] < password", "create the first platform admin (password on standard input)", runAdmin},
		{"geo", "geo import FILE [--format auto|geonames|csv] [flags]", "load a postcode table (PC4 or PC6 with coordinates) for finding where people live", runGeo},
		{"backup", "backup --out FILE [flags]", "write a consistent copy of the live database (SQLite: VACUUM INTO; PostgreSQL: pg_dump)", runBackup},
		{"simulate", "simulate [--seed N] [--helpers N] [--requests N] [--days N] [--weights W] [--batch N] [--answer-minutes N] [--max-km KM] [--escalate-hours N] [--json]", "run the dispatcher on a made-up town with a fake clock and report match rate, speed and fairness", runSimulate},
		{"version", "version", "print the version", runVersion},
	}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	env := &cliEnv{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv}
	if err := run(ctx, os.Args[1:], env); err != nil {
		// Help that was asked for is an answer, as with Go's own flag
		// handling; usage shown for a missing command is not.
		if errors.Is(err, flag.ErrHelp) {
			return
		}
		if !errors.Is(err, errNoCommand) {
			fmt.Fprintln(os.Stderr, "noaber:", err)
		}
		os.Exit(2)
	}
}

// errNoCommand is run's answer to no arguments: the usage is printed and
// the exit status says nothing was done.
var errNoCommand = errors.New("no command given")

func run(ctx context.Context, args []string, env *cliEnv) error {
	if len(args) == 0 || args[0] == "help" || args[0] == "--help" || args[0] == "-h" {
		usage(env.stdout)
		if len(args) == 0 {
			return errNoCommand
		}
		return nil
	}
	for _, c := range commands {
		if c.name == args[0] {
			return c.run(ctx, args[1:], env)
		}
	}
	usage(env.stderr)
	return fmt.Errorf("unknown command %q", args[0])
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "Noaber: informal help between neighbours.\n\nUsage: noaber COMMAND [flags]\n\nCommands:")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, c.help)
	}
	fmt.Fprintln(w, "\nRun 'noaber COMMAND --help' for the flags of a command. Every flag can also be set\nwith its NOABER_* environment variable, shown in brackets.")
}

func newFlags(name string, env *cliEnv) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	for _, c := range commands {
		if c.name == name {
			fs.Usage = func() {
				fmt.Fprintf(env.stderr, "Usage: noaber %s\n\n%s.\n\nFlags:\n", c.usage, c.help)
				fs.PrintDefaults()
			}
		}
	}
	return fs
}

func runVersion(ctx context.Context, args []string, env *cliEnv) error {
	fs := newFlags("version", env)
	if err := fs.Parse(args); err != nil {
		return err
	}
	v := version
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && v == "dev" {
				v = "dev-" + s.Value[:min(12, len(s.Value))]
			}
		}
		fmt.Fprintf(env.stdout, "noaber %s (%s)\n", v, bi.GoVersion)
		return nil
	}
	fmt.Fprintf(env.stdout, "noaber %s\n", v)
	return nil
}
