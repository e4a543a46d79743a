// Package testkit holds what tests share: real databases on both engines,
// an in-process SMTP server, a headless browser and the fixture world.
package testkit

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/noaber/noaber/internal/store"
)

// PostgresURLEnv names the variable that points the tests at a PostgreSQL
// server (make test sets it). In CI it must be set: the store tests are
// not allowed to skip PostgreSQL there.
const PostgresURLEnv = "NOABER_TEST_POSTGRES_URL"

// Engines lists the engines the tests run on here.
func Engines(t testing.TB) []store.Engine {
	t.Helper()
	if os.Getenv(PostgresURLEnv) == "" {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is not set in CI: run the tests with 'make test'", PostgresURLEnv)
		}
		return []store.Engine{store.SQLite}
	}
	return []store.Engine{store.SQLite, store.Postgres}
}

// ForEachEngine runs fn as a subtest on a fresh, migrated database of each
// engine.
func ForEachEngine(t *testing.T, fn func(t *testing.T, db *store.DB)) {
	t.Helper()
	for _, e := range Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			fn(t, NewDB(t, e))
		})
	}
}

// NewDB returns a fresh, migrated database of the given engine, removed at
// the end of the test.
func NewDB(t testing.TB, e store.Engine) *store.DB {
	t.Helper()
	url := NewDatabaseURL(t, e)
	ctx := context.Background()
	db, err := store.Open(ctx, url)
	if err != nil {
		t.Fatalf("open %s: %v", e, err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatalf("migrate %s: %v", e, err)
	}
	return db
}

// NewDatabaseURL returns the URL of a new, empty database of the given
// engine: a file in a temporary folder for SQLite, a schema of its own on
// the test server for PostgreSQL (dropped at the end of the test).
func NewDatabaseURL(t testing.TB, e store.Engine) string {
	t.Helper()
	if e == store.SQLite {
		return filepath.Join(t.TempDir(), "noaber.db")
	}
	base := os.Getenv(PostgresURLEnv)
	if base == "" {
		t.Skipf("%s is not set", PostgresURLEnv)
	}
	b := make([]byte, 6)
	rand.Read(b)
	schema := "t_" + hex.EncodeToString(b)
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("open postgres: %v", err)
	}
	defer admin.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		a, err := sql.Open("pgx", base)
		if err != nil {
			return
		}
		defer a.Close()
		// Bounded: a connection left open in a transaction must fail
		// the run with a message, not hang it.
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if _, err := a.ExecContext(ctx, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("parse %s: %v", PostgresURLEnv, err)
	}
	q := u.Query()
	q.Set("search_path", schema+",public")
	u.RawQuery = q.Encode()
	return u.String()
}
