package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	neturl "net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/noaber/noaber/internal/demo"
	"github.com/noaber/noaber/internal/store"
	"github.com/noaber/noaber/internal/testkit"
)

// cli runs a command in-process, as main does, with the environment given
// (and nothing from the real one).
type cli struct {
	env map[string]string
}

type result struct {
	stdout, stderr string
	err            error
}

func (c cli) run(t *testing.T, stdin string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var stdout, stderr bytes.Buffer
	env := map[string]string{"NOABER_LOG_LEVEL": "error"}
	for k, v := range c.env {
		env[k] = v
	}
	err := run(ctx, args, &cliEnv{
		stdin: strings.NewReader(stdin), stdout: &stdout, stderr: &stderr,
		getenv: func(k string) string { return env[k] },
	})
	return result{stdout.String(), stderr.String(), err}
}

func onDB(url string) cli { return cli{env: map[string]string{"NOABER_DATABASE_URL": url}} }

func TestNoArgumentsPrintsUsage(t *testing.T) {
	r := cli{}.run(t, "")
	if !errors.Is(r.err, errNoCommand) {
		t.Errorf("error %v, want errNoCommand (exit status 2)", r.err)
	}
	for _, c := range commands {
		if !strings.Contains(r.stdout, "  "+c.name+" ") {
			t.Errorf("usage does not list %s:\n%s", c.name, r.stdout)
		}
	}
}

func TestUnknownCommand(t *testing.T) {
	r := cli{}.run(t, "", "frobnicate")
	if r.err == nil || !strings.Contains(r.err.Error(), `unknown command "frobnicate"`) {
		t.Errorf("error %v, want it to name the unknown command", r.err)
	}
	if !strings.Contains(r.stderr, "Usage: noaber COMMAND") {
		t.Errorf("no usage on stderr:\n%s", r.stderr)
	}
}

func TestHelpOfEachCommand(t *testing.T) {
	configFlags := []string{"-database", "NOABER_DATABASE_URL", "-listen", "NOABER_LISTEN", "-smtp-tls", "NOABER_SMTP_TLS", "NOABER_SECRET_KEY"}
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{[]string{"serve", "--help"}, append([]string{"Usage: noaber serve", "-demo"}, configFlags...)},
		{[]string{"migrate", "--help"}, append([]string{"Usage: noaber migrate"}, configFlags...)},
		{[]string{"demo", "--help"}, append([]string{"Usage: noaber demo"}, configFlags...)},
		{[]string{"admin", "create", "--help"}, append([]string{"Usage: noaber admin create", "-email", "-first-name", "-postcode"}, configFlags...)},
		{[]string{"backup", "--help"}, append([]string{"Usage: noaber backup", "-out"}, configFlags...)},
		{[]string{"version", "--help"}, []string{"Usage: noaber version"}},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			r := cli{}.run(t, "", tc.args...)
			if !errors.Is(r.err, flag.ErrHelp) {
				t.Errorf("error %v, want flag.ErrHelp (exit status 0, nothing done)", r.err)
			}
			for _, w := range tc.want {
				if !strings.Contains(r.stderr, w) {
					t.Errorf("help does not contain %q:\n%s", w, r.stderr)
				}
			}
		})
	}
	// "admin --help" without the action still says what to type.
	if r := (cli{}).run(t, "", "admin", "--help"); r.err != nil || !strings.Contains(r.stdout, "noaber admin create") {
		t.Errorf("admin --help: %v\n%s", r.err, r.stdout)
	}
}

func TestBadConfigurationNamesTheVariable(t *testing.T) {
	db := filepath.Join(t.TempDir(), "noaber.db")
	for _, tc := range []struct {
		name, value, want string
	}{
		{"NOABER_LISTEN", "nonsense", `"nonsense"`},
		{"NOABER_SMTP_TLS", "maybe", `"maybe"`},
		{"NOABER_JOB_WORKERS", "lots", `"lots"`},
		{"NOABER_SECRET_KEY", "short", "at least 32"},
		{"NOABER_DATABASE_URL", "mysql://db/noaber", `"mysql"`},
	} {
		for _, args := range [][]string{{"serve"}, {"migrate"}, {"demo"}, {"backup", "--out", "x.db"}, {"admin", "create", "--email", "a@example.nl"}} {
			t.Run(tc.name+"/"+args[0], func(t *testing.T) {
				c := onDB(db)
				c.env[tc.name] = tc.value
				r := c.run(t, "een lang wachtwoord\n", args...)
				if r.err == nil {
					t.Fatalf("%s=%s accepted", tc.name, tc.value)
				}
				if msg := r.err.Error(); !strings.Contains(msg, tc.name) || !strings.Contains(msg, tc.want) {
					t.Errorf("error does not name %s and say %s: %v", tc.name, tc.want, msg)
				}
				// A secret is not repeated where it may end up in a log.
				if tc.name == "NOABER_SECRET_KEY" && strings.Contains(r.err.Error(), tc.value) {
					t.Errorf("error repeats the secret: %v", r.err)
				}
			})
		}
	}
	if _, err := os.Stat(db); err == nil {
		t.Errorf("a command with a bad configuration created the database %s", db)
	}
}

func TestUnexpectedArgument(t *testing.T) {
	r := onDB(filepath.Join(t.TempDir(), "noaber.db")).run(t, "", "migrate", "now")
	if r.err == nil || !strings.Contains(r.err.Error(), `unexpected argument "now"`) {
		t.Errorf("error %v, want it to name the argument", r.err)
	}
}

var versionRE = regexp.MustCompile(`^database schema is at version (\d+)\n$`)

func TestMigrate(t *testing.T) {
	for _, e := range testkit.Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			c := onDB(testkit.NewDatabaseURL(t, e))
			first := c.run(t, "", "migrate")
			if first.err != nil {
				t.Fatal(first.err)
			}
			m := versionRE.FindStringSubmatch(first.stdout)
			if m == nil || m[1] == "0" {
				t.Fatalf("migrate said %q, want the schema version", first.stdout)
			}
			// A second run has nothing to do and says the same.
			if again := c.run(t, "", "migrate"); again.err != nil || again.stdout != first.stdout {
				t.Errorf("second migrate: %v %q, want %q", again.err, again.stdout, first.stdout)
			}
		})
	}
}

func TestDemoFillsOnce(t *testing.T) {
	for _, e := range testkit.Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			url := testkit.NewDatabaseURL(t, e)
			c := onDB(url)
			r := c.run(t, "", "demo")
			if r.err != nil {
				t.Fatal(r.err)
			}
			if !strings.Contains(r.stdout, "filled with") || !strings.Contains(r.stdout, demo.LoginEmail) {
				t.Errorf("first demo said:\n%s", r.stdout)
			}
			if n := countUsers(t, url); n < demo.Users*9/10 {
				t.Errorf("%d users after demo, want about %d", n, demo.Users)
			}
			r = c.run(t, "", "demo")
			if r.err != nil {
				t.Fatal(r.err)
			}
			if !strings.Contains(r.stdout, "already there") {
				t.Errorf("second demo said:\n%s", r.stdout)
			}
		})
	}
}

func TestAdminCreate(t *testing.T) {
	for _, e := range testkit.Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			url := testkit.NewDatabaseURL(t, e)
			c := onDB(url)
			args := []string{"admin", "create", "--email", "Beheer@Example.nl", "--first-name", "Bea", "--surname", "Heer",
				"--postcode", "7201 AB", "--town", "Zutphen"}
			r := c.run(t, "een lang wachtwoord\n", args...)
			if r.err != nil {
				t.Fatal(r.err)
			}
			if !strings.Contains(r.stdout, "admin beheer@example.nl created") {
				t.Errorf("admin create said %q", r.stdout)
			}
			db := openDB(t, url)
			var role string
			var verified bool
			if err := db.QueryRow(context.Background(),
				"SELECT role, email_verified_at IS NOT NULL FROM users WHERE email = ?", "beheer@example.nl").Scan(&role, &verified); err != nil {
				t.Fatal(err)
			}
			if role != "admin" || !verified {
				t.Errorf("role %q, verified %v; want admin, verified", role, verified)
			}

			r = c.run(t, "een ander wachtwoord\n", args...)
			if r.err == nil || !strings.Contains(r.err.Error(), "--email: This e-mail address already has an account") {
				t.Errorf("second admin with the same address: %v", r.err)
			}
		})
	}
}

func TestAdminCreateRejects(t *testing.T) {
	c := onDB(filepath.Join(t.TempDir(), "noaber.db"))
	for _, tc := range []struct {
		name, stdin string
		args        []string
		want        string
	}{
		{"short password", "kort\n", []string{"--email", "a@example.nl"}, "--password: Your password needs at least 10 characters"},
		{"bad e-mail", "een lang wachtwoord\n", []string{"--email", "not-an-address"}, "--email: This is not a valid e-mail address"},
		{"no e-mail", "een lang wachtwoord\n", nil, "--email:"},
		{"bad postcode", "een lang wachtwoord\n", []string{"--email", "a@example.nl", "--postcode", "123"}, "--postcode:"},
		{"no password", "", []string{"--email", "a@example.nl"}, "password on standard input"},
		{"no action", "", nil, "usage: noaber admin create"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := []string{"admin", "create"}
			if tc.name == "no action" {
				args = args[:1]
			}
			r := c.run(t, tc.stdin, append(args, tc.args...)...)
			if r.err == nil || !strings.Contains(r.err.Error(), tc.want) {
				t.Errorf("error %v, want it to contain %q", r.err, tc.want)
			}
		})
	}
}

func TestBackupSQLite(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "noaber.db")
	c := onDB(src)
	if r := c.run(t, "een lang wachtwoord\n", "admin", "create", "--email", "beheer@example.nl"); r.err != nil {
		t.Fatal(r.err)
	}
	out := filepath.Join(dir, "copy.db")
	r := c.run(t, "", "backup", "--out", out)
	if r.err != nil {
		t.Fatal(r.err)
	}
	if !strings.Contains(r.stdout, "backup of the sqlite database written to "+out) {
		t.Errorf("backup said %q", r.stdout)
	}
	if got, want := userEmails(t, out), userEmails(t, src); strings.Join(got, ",") != strings.Join(want, ",") || len(got) != 1 {
		t.Errorf("users in the copy %v, in the original %v", got, want)
	}

	before, _ := os.ReadFile(out)
	r = c.run(t, "", "backup", "--out", out)
	if r.err == nil || !strings.Contains(r.err.Error(), "exists already") {
		t.Errorf("backup over an existing file: %v", r.err)
	}
	if after, _ := os.ReadFile(out); !bytes.Equal(before, after) {
		t.Errorf("the refused backup changed the existing file")
	}
	if r := c.run(t, "", "backup"); r.err == nil || !strings.Contains(r.err.Error(), "--out") {
		t.Errorf("backup without --out: %v", r.err)
	}
}

func TestBackupPostgres(t *testing.T) {
	url := testkit.NewDatabaseURL(t, store.Postgres)
	pgRestore, err := exec.LookPath("pg_restore")
	if err != nil {
		t.Skip("pg_restore is not installed")
	}
	c := onDB(url)
	if r := c.run(t, "een lang wachtwoord\n", "admin", "create", "--email", "beheer@example.nl"); r.err != nil {
		t.Fatal(r.err)
	}
	out := filepath.Join(t.TempDir(), "noaber.dump")
	r := c.run(t, "", "backup", "--out", out)
	if r.err != nil {
		t.Fatal(r.err)
	}
	if !strings.Contains(r.stdout, "backup of the postgres database written to "+out) {
		t.Errorf("backup said %q", r.stdout)
	}
	list, err := exec.Command(pgRestore, "--list", out).CombinedOutput()
	if err != nil {
		t.Fatalf("pg_restore --list: %v\n%s", err, list)
	}
	// Only this Noaber's schema, with its tables and their data.
	schema := searchPathOf(t, url)
	for _, w := range []string{"TABLE " + schema + " users ", "TABLE DATA " + schema + " users ", "TABLE " + schema + " jobs "} {
		if !strings.Contains(string(list), w) {
			t.Errorf("pg_restore --list has no %q:\n%s", w, list)
		}
	}
	if r := c.run(t, "", "backup", "--out", out); r.err == nil || !strings.Contains(r.err.Error(), "exists already") {
		t.Errorf("backup over an existing file: %v", r.err)
	}
}

func TestVersion(t *testing.T) {
	r := cli{}.run(t, "", "version")
	if r.err != nil || !strings.HasPrefix(r.stdout, "noaber ") {
		t.Errorf("version: %v %q", r.err, r.stdout)
	}
}

func openDB(t *testing.T, url string) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func countUsers(t *testing.T, url string) int {
	t.Helper()
	var n int
	if err := openDB(t, url).QueryRow(context.Background(), "SELECT COUNT(*) FROM users").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func userEmails(t *testing.T, url string) []string {
	t.Helper()
	rows, err := openDB(t, url).Query(context.Background(), "SELECT email FROM users ORDER BY email")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var e string
		if err := rows.Scan(&e); err != nil {
			t.Fatal(err)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func searchPathOf(t *testing.T, dbURL string) string {
	t.Helper()
	u, err := neturl.Parse(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	schema, _, _ := strings.Cut(u.Query().Get("search_path"), ",")
	if schema == "" {
		t.Fatalf("no search_path in %s", dbURL)
	}
	return schema
}
