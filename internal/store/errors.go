package store

import (
	"database/sql"
	"errors"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// ErrNotFound means the row asked for does not exist.
var ErrNotFound = errors.New("store: not found")

// ErrConflict means a unique constraint refused the write.
var ErrConflict = errors.New("store: conflict with an existing row")

// errRetry marks a transaction that may succeed when run again
// (PostgreSQL serialization failure or deadlock).
var errRetry = errors.New("store: transaction must be retried")

// storeError keeps the driver's message while matching the store's own
// sentinel errors with errors.Is.
type storeError struct {
	kind error
	err  error
}

func (e *storeError) Error() string        { return e.kind.Error() + ": " + e.err.Error() }
func (e *storeError) Is(target error) bool { return target == e.kind }
func (e *storeError) Unwrap() error        { return e.err }

// translate turns driver errors into the store's errors, once, at the
// boundary, so domain code never imports a driver.
func translate(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch pgErr.Code {
		case "23505":
			return &storeError{ErrConflict, err}
		case "40001", "40P01":
			return &storeError{errRetry, err}
		}
		return err
	}
	var sqErr *sqlite.Error
	if errors.As(err, &sqErr) {
		switch sqErr.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return &storeError{ErrConflict, err}
		}
		return err
	}
	return err
}

// rebind rewrites `?` placeholders to PostgreSQL's $1..$n, leaving `?`
// inside string literals and quoted identifiers alone.
func (db *DB) rebind(q string) string {
	if db.engine != Postgres || !strings.Contains(q, "?") {
		return q
	}
	var b strings.Builder
	b.Grow(len(q) + 8)
	n := 0
	var quote byte
	for i := 0; i < len(q); i++ {
		c := q[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
		case c == '?':
			n++
			b.WriteByte('$')
			b.WriteString(itoa(n))
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

func itoa(n int) string {
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoa(n/10) + string(rune('0'+n%10))
}
