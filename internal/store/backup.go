package store

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"strings"
)

// Backup writes a consistent copy of the live database to path, while
// Noaber keeps running. SQLite: VACUUM INTO (a transactionally consistent,
// compacted copy). PostgreSQL: pg_dump in its custom format (restore with
// pg_restore); pg_dump must be installed (Debian: postgresql-client).
func (db *DB) Backup(ctx context.Context, path string) error {
	if db.engine == SQLite {
		if strings.Contains(path, "'") {
			return fmt.Errorf("backup path %q must not contain a quote", path)
		}
		if _, err := db.read.ExecContext(ctx, "VACUUM INTO '"+path+"'"); err != nil {
			return fmt.Errorf("backup to %s: %w", path, err)
		}
		return nil
	}
	bin, err := exec.LookPath("pg_dump")
	if err != nil {
		return fmt.Errorf("backup needs pg_dump (Debian package postgresql-client): %w", err)
	}
	args := []string{"--format=custom", "--no-owner", "--file", path}
	if sp := searchPath(db.URL); sp != "" {
		// A database shared by several Noabers, each in its own schema.
		args = append(args, "--schema", sp)
	}
	cmd := exec.CommandContext(ctx, bin, append(args, "--dbname", stripParams(db.URL))...)
	if out, err := cmd.CombinedOutput(); err != nil {
		os.Remove(path)
		return fmt.Errorf("pg_dump: %v: %s", err, strings.TrimSpace(string(out)))
	}
	return nil
}

// Connection settings that pgx takes as URL parameters but libpq tools
// (pg_dump) refuse.
var pgxOnlyParams = []string{"search_path", "synchronous_commit", "timezone", "pool_max_conns"}

func stripParams(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	q := u.Query()
	for _, p := range pgxOnlyParams {
		q.Del(p)
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// searchPath returns the first schema of the URL's search_path parameter.
func searchPath(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	first, _, _ := strings.Cut(u.Query().Get("search_path"), ",")
	return strings.TrimSpace(first)
}
