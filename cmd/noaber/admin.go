package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/noaber/noaber/internal/account"
	"github.com/noaber/noaber/internal/app"
	"github.com/noaber/noaber/internal/apperr"
	"github.com/noaber/noaber/internal/config"
	"github.com/noaber/noaber/internal/i18n"
)

func runAdmin(ctx context.Context, args []string, env *cliEnv) error {
	if len(args) > 0 && args[0] == "grant" {
		return runGrant(ctx, args[1:], env)
	}
	if len(args) == 0 || args[0] != "create" {
		if len(args) > 0 && (args[0] == "--help" || args[0] == "-h") {
			fmt.Fprintln(env.stdout, "Usage: noaber admin create --email ADDRESS --first-name NAME --surname NAME --postcode '1234 AB' --town TOWN [flags] < password")
			fmt.Fprintln(env.stdout, "       noaber admin grant --email ADDRESS --edition SLUG --role coordinator|moderator")
			return nil
		}
		return errors.New("usage: noaber admin create --email ADDRESS ... or noaber admin grant --email ADDRESS --edition SLUG --role coordinator (see noaber admin --help)")
	}
	fs := newFlags("admin", env)
	var in account.SignupInput
	fs.StringVar(&in.Email, "email", "", "e-mail address of the admin (required)")
	fs.StringVar(&in.FirstName, "first-name", "Admin", "first name")
	fs.StringVar(&in.Surname, "surname", "Noaber", "surname")
	fs.StringVar(&in.Postcode, "postcode", "1012 JS", "postcode")
	fs.StringVar(&in.Town, "town", "Amsterdam", "town")
	read := config.Flags(fs, env.getenv)
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	cfg, err := read()
	if err != nil {
		return fmt.Errorf("configuration:\n%w", err)
	}
	sc := bufio.NewScanner(env.stdin)
	if !sc.Scan() {
		return errors.New("give the password on standard input, e.g. 'noaber admin create --email a@b.nl < password.txt'")
	}
	in.Password = strings.TrimRight(sc.Text(), "\r\n")
	in.Locale = i18n.NL
	a, err := app.New(ctx, cfg, app.NewLogger(cfg), app.Options{})
	if err != nil {
		return err
	}
	defer a.Close()
	u, err := a.Accounts.CreateAdmin(ctx, in)
	if ae, ok := apperr.As(err); ok {
		var msgs []string
		for _, f := range ae.Fields {
			msgs = append(msgs, "--"+strings.ReplaceAll(f.Field, "_", "-")+": "+i18n.T(i18n.EN, f.Key, f.Args...))
		}
		return errors.New(strings.Join(msgs, "\n"))
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "admin %s created (id %s)\n", u.Email, u.ID)
	return nil
}

// runGrant gives an existing account a role in an edition, e.g. makes a
// municipality's neighbourhood worker a coordinator of its edition.
func runGrant(ctx context.Context, args []string, env *cliEnv) error {
	fs := newFlags("admin grant", env)
	email := fs.String("email", "", "e-mail address of the account (required)")
	edition := fs.String("edition", "nederland", "slug of the edition")
	role := fs.String("role", account.RoleCoordinator, "coordinator or moderator")
	read := config.Flags(fs, env.getenv)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *email == "" {
		return errors.New("--email is required")
	}
	cfg, err := read()
	if err != nil {
		return fmt.Errorf("configuration:\n%w", err)
	}
	a, err := app.New(ctx, cfg, app.NewLogger(cfg), app.Options{})
	if err != nil {
		return err
	}
	defer a.Close()
	if err := a.Accounts.GrantRole(ctx, *email, *edition, *role); err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "%s is now %s of edition %s\n", *email, *role, *edition)
	return nil
}
