package store

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Migration is one numbered schema change.
type Migration struct {
	Version int
	Name    string
	SQL     string
}

// Migrations returns the embedded migrations in order.
func Migrations() ([]Migration, error) {
	entries, err := fs.ReadDir(migrationFiles, "migrations")
	if err != nil {
		return nil, err
	}
	var out []Migration
	for _, e := range entries {
		name := e.Name()
		num, _, ok := strings.Cut(name, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil {
			return nil, fmt.Errorf("migration file %q does not start with a number and '_'", name)
		}
		b, err := migrationFiles.ReadFile("migrations/" + name)
		if err != nil {
			return nil, err
		}
		out = append(out, Migration{Version: v, Name: name, SQL: string(b)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	for i := 1; i < len(out); i++ {
		if out[i].Version == out[i-1].Version {
			return nil, fmt.Errorf("two migrations numbered %d", out[i].Version)
		}
	}
	return out, nil
}

// The schema is written once in PostgreSQL's type names; for SQLite these
// few words are swapped for the names the modernc driver maps to Go types
// (it parses TIMESTAMP columns into time.Time). Sections between
// "-- postgres only" / "-- sqlite only" and "-- end" apply to one engine.
var sqliteTypes = strings.NewReplacer("TIMESTAMPTZ", "TIMESTAMP", "BYTEA", "BLOB", "BIGINT", "INTEGER")

var engineBlock = regexp.MustCompile(`(?s)-- (postgres|sqlite) only\n(.*?)-- end\n`)

func forEngine(sql string, e Engine) string {
	sql = engineBlock.ReplaceAllStringFunc(sql, func(m string) string {
		sub := engineBlock.FindStringSubmatch(m)
		if Engine(sub[1]) == e {
			return sub[2]
		}
		return ""
	})
	if e == SQLite {
		sql = sqliteTypes.Replace(sql)
	}
	return sql
}

// Migrate applies the migrations that have not run yet, each in its own
// transaction. Several instances may start at once: on PostgreSQL an
// advisory lock serialises them; on SQLite the immediate transaction does.
func (db *DB) Migrate(ctx context.Context) (applied int, err error) {
	migs, err := Migrations()
	if err != nil {
		return 0, err
	}
	conn, err := db.write.Conn(ctx)
	if err != nil {
		return 0, fmt.Errorf("migrate: %w", err)
	}
	defer conn.Close()
	if db.engine == Postgres {
		if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock(7261004)"); err != nil {
			return 0, fmt.Errorf("migrate: take lock: %w", err)
		}
		defer conn.ExecContext(context.Background(), "SELECT pg_advisory_unlock(7261004)")
	}
	if _, err := conn.ExecContext(ctx, forEngine(`CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY,
		name TEXT NOT NULL,
		applied_at TIMESTAMPTZ NOT NULL)`, db.engine)); err != nil {
		return 0, fmt.Errorf("migrate: create schema_migrations: %w", err)
	}
	for _, m := range migs {
		tx, err := conn.BeginTx(ctx, nil)
		if err != nil {
			return applied, fmt.Errorf("migrate: begin: %w", err)
		}
		var n int
		if err := tx.QueryRowContext(ctx, db.rebind("SELECT COUNT(*) FROM schema_migrations WHERE version = ?"), m.Version).Scan(&n); err != nil {
			tx.Rollback()
			return applied, fmt.Errorf("migrate: %w", err)
		}
		if n > 0 {
			tx.Rollback()
			continue
		}
		if _, err := tx.ExecContext(ctx, forEngine(m.SQL, db.engine)); err != nil {
			tx.Rollback()
			return applied, fmt.Errorf("migration %s: %w", m.Name, err)
		}
		if _, err := tx.ExecContext(ctx, db.rebind("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)"),
			m.Version, m.Name, time.Now().UTC()); err != nil {
			tx.Rollback()
			return applied, fmt.Errorf("migration %s: record: %w", m.Name, err)
		}
		if err := tx.Commit(); err != nil {
			return applied, fmt.Errorf("migration %s: commit: %w", m.Name, err)
		}
		applied++
	}
	return applied, nil
}

// Version returns the highest applied migration (0 for a new database).
func (db *DB) Version(ctx context.Context) (int, error) {
	var v int
	err := db.QueryRow(ctx, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations").Scan(&v)
	return v, err
}
