package config

import (
	"flag"
	"io"
	"strings"
	"testing"
	"time"
)

func load(t *testing.T, env map[string]string, args ...string) (Config, error) {
	t.Helper()
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	read := Flags(fs, func(k string) string { return env[k] })
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	return read()
}

func TestDefaults(t *testing.T) {
	c, err := load(t, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.DatabaseURL != "noaber.db" || c.Listen != "localhost:8080" || c.BaseURL != "http://localhost:8080" || c.Secure() {
		t.Fatalf("unexpected defaults: %+v", c)
	}
}

func TestFlagWinsOverEnvironment(t *testing.T) {
	c, err := load(t, map[string]string{"NOABER_LISTEN": ":9000", "NOABER_DATABASE_URL": "postgres://x@y/z"}, "--listen", ":9100")
	if err != nil {
		t.Fatal(err)
	}
	if c.Listen != ":9100" || c.BaseURL != "http://localhost:9100" || c.DatabaseURL != "postgres://x@y/z" {
		t.Fatalf("got %+v", c)
	}
}

func TestEveryBadValueIsNamed(t *testing.T) {
	_, err := load(t, map[string]string{
		"NOABER_LISTEN":               "nonsense",
		"NOABER_BASE_URL":             "ftp://x",
		"NOABER_SECRET_KEY":           "short",
		"NOABER_LOG_LEVEL":            "loud",
		"NOABER_SMTP_PORT":            "70000",
		"NOABER_SMTP_TLS":             "maybe",
		"NOABER_TRUST_PROXY":          "perhaps",
		"NOABER_JOB_WORKERS":          "0",
		"NOABER_SMTP_FROM":            "not an address",
		"NOABER_GEOCODER":             "google",
		"NOABER_PDOK_URL":             "ftp://x",
		"NOABER_JOB_LEASE":            "1s",
		"NOABER_MESSAGE_DIGEST_DELAY": "soon",
		"NOABER_PUSH":                 "sometimes",
		"NOABER_VAPID_PUBLIC_KEY":     "only-one",
		"NOABER_VAPID_SUBJECT":        "http://insecure.example",
	})
	if err == nil {
		t.Fatal("no error for bad values")
	}
	for _, want := range []string{"NOABER_LISTEN", "NOABER_BASE_URL", "NOABER_SECRET_KEY", "NOABER_LOG_LEVEL",
		"NOABER_SMTP_PORT", "NOABER_SMTP_TLS", "NOABER_TRUST_PROXY", "NOABER_JOB_WORKERS", "NOABER_SMTP_FROM",
		"NOABER_GEOCODER", "NOABER_PDOK_URL", "NOABER_JOB_LEASE", "NOABER_MESSAGE_DIGEST_DELAY", "NOABER_PUSH",
		"NOABER_VAPID_PRIVATE_KEY", "NOABER_VAPID_SUBJECT"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not name %s:\n%v", want, err)
		}
	}
}

func TestHTTPSBaseURLIsSecure(t *testing.T) {
	c, err := load(t, nil, "--base-url", "https://noaber.example.nl/")
	if err != nil {
		t.Fatal(err)
	}
	if !c.Secure() || c.BaseURL != "https://noaber.example.nl" {
		t.Fatalf("got %+v", c)
	}
}

func TestABadDatabaseURLDoesNotShowItsPassword(t *testing.T) {
	_, err := load(t, map[string]string{"NOABER_DATABASE_URL": "postgres://noaber:s3cret@db:5x432/x"})
	if err == nil || strings.Contains(err.Error(), "s3cret") || !strings.Contains(err.Error(), "NOABER_DATABASE_URL") {
		t.Fatalf("got %v", err)
	}
}

func TestNotificationDefaults(t *testing.T) {
	c, err := load(t, map[string]string{"NOABER_SMTP_FROM": "Buurthulp <hallo@buurt.example>"})
	if err != nil {
		t.Fatal(err)
	}
	if !c.Push || c.DigestDelay != 15*time.Minute || c.JobLease != 5*time.Minute || c.VAPIDSubject != "mailto:hallo@buurt.example" {
		t.Fatalf("got push %v, digest %v, lease %v, subject %q", c.Push, c.DigestDelay, c.JobLease, c.VAPIDSubject)
	}
}
