// Package store opens Noaber's database (embedded SQLite or PostgreSQL),
// applies the embedded migrations and gives the domain packages one small
// query API that works the same on both engines.
//
// Queries are written once with `?` placeholders; on PostgreSQL they are
// rebound to $1..$n. Times are always passed from Go in UTC (never NOW() in
// SQL) so both engines store and compare them the same way and tests can use
// a fake clock.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	_ "modernc.org/sqlite"             // registers the "sqlite" driver
)

// Engine names a database engine.
type Engine string

const (
	SQLite   Engine = "sqlite"
	Postgres Engine = "postgres"
)

// DB is an open Noaber database. On SQLite writes go through a pool of one
// connection (SQLite has a single writer; queueing in Go is cheaper than
// retrying on SQLITE_BUSY) and reads through a separate pool. On PostgreSQL
// both are the same pool.
type DB struct {
	engine Engine
	// URL is the URL the database was opened with (for backups).
	URL   string
	write *sql.DB
	read  *sql.DB
	path  string // SQLite file path
}

// Open opens the database named by rawURL: a postgres:// or postgresql://
// URL selects PostgreSQL; anything else (a path, or sqlite:PATH / file:PATH)
// is a SQLite file.
func Open(ctx context.Context, rawURL string) (*DB, error) {
	if strings.HasPrefix(rawURL, "postgres://") || strings.HasPrefix(rawURL, "postgresql://") {
		return openPostgres(ctx, rawURL)
	}
	return openSQLite(ctx, rawURL)
}

func openPostgres(ctx context.Context, rawURL string) (*DB, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		// url's error repeats the whole URL, password included.
		return nil, fmt.Errorf("database URL is not a valid URL: %v", errors.Unwrap(err))
	}
	q := u.Query()
	// Noaber promises that an acknowledged write survives a crash.
	if q.Get("synchronous_commit") == "" {
		q.Set("synchronous_commit", "on")
	}
	if q.Get("timezone") == "" {
		q.Set("timezone", "UTC")
	}
	u.RawQuery = q.Encode()
	pool, err := sql.Open("pgx", u.String())
	if err != nil {
		return nil, fmt.Errorf("open postgresql: %w", err)
	}
	pool.SetMaxOpenConns(20)
	pool.SetMaxIdleConns(10)
	pool.SetConnMaxIdleTime(5 * time.Minute)
	if err := pool.PingContext(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("connect to postgresql at %s: %w", redact(u), err)
	}
	return &DB{engine: Postgres, URL: rawURL, write: pool, read: pool}, nil
}

// sqlitePragmas: busy_timeout first so that the following pragmas wait for
// a lock instead of failing; synchronous(FULL) because NORMAL in WAL mode can
// lose the last commits on power loss; _txlock=immediate so a transaction
// that reads and then writes takes the write lock up front instead of failing
// with "database is locked" on upgrade.
const sqlitePragmas = "_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_pragma=foreign_keys(1)&_pragma=mmap_size(2147483648)&_pragma=cache_size(-32768)&_txlock=immediate&_time_format=sqlite"

func openSQLite(ctx context.Context, raw string) (*DB, error) {
	path := strings.TrimPrefix(strings.TrimPrefix(raw, "sqlite://"), "sqlite:")
	path = strings.TrimPrefix(path, "file:")
	if i := strings.IndexByte(path, '?'); i >= 0 {
		path = path[:i]
	}
	if path == "" || path == ":memory:" {
		return nil, fmt.Errorf("sqlite database needs a file path, got %q", raw)
	}
	dsn := "file:" + path + "?" + sqlitePragmas
	w, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	if err := w.PingContext(ctx); err != nil {
		w.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	r, err := sql.Open("sqlite", dsn)
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	r.SetMaxOpenConns(8)
	r.SetMaxIdleConns(8)
	return &DB{engine: SQLite, URL: raw, write: w, read: r, path: path}, nil
}

// Path returns the SQLite file path ("" on PostgreSQL).
func (db *DB) Path() string { return db.path }

// Close closes the database.
func (db *DB) Close() error {
	err := db.write.Close()
	if db.read != db.write {
		err = errors.Join(err, db.read.Close())
	}
	return err
}

// Ping checks that the database answers (for /readyz).
func (db *DB) Ping(ctx context.Context) error { return db.read.PingContext(ctx) }

// Stats returns the connection pool statistics of the write pool.
func (db *DB) Stats() sql.DBStats { return db.write.Stats() }

// Querier is what both *DB and *Tx offer, so domain functions can run
// inside or outside a transaction.
// Null is v as a query argument, or NULL when v is its type's zero value
// ("", 0): for optional columns that Go code keeps as plain values.
func Null[T comparable](v T) any {
	var zero T
	if v == zero {
		return nil
	}
	return v
}

// Placeholders returns n comma-separated placeholders for an IN list.
func Placeholders(n int) string {
	if n <= 0 {
		return ""
	}
	return strings.Repeat("?, ", n-1) + "?"
}

type Querier interface {
	Exec(ctx context.Context, query string, args ...any) (sql.Result, error)
	Query(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRow(ctx context.Context, query string, args ...any) *Row
	Engine() Engine
}

// Row wraps *sql.Row so that a missing row becomes ErrNotFound and driver
// errors become the store's own errors.
type Row struct {
	row *sql.Row
}

// Scan copies the row's columns into dest; ErrNotFound when there was no row.
func (r *Row) Scan(dest ...any) error {
	return translate(r.row.Scan(dest...))
}

// Exec runs a statement on the write pool.
func (db *DB) Exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	res, err := db.write.ExecContext(ctx, db.rebind(query), args...)
	return res, translate(err)
}

// Query runs a query on the read pool.
func (db *DB) Query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	rows, err := db.read.QueryContext(ctx, db.rebind(query), args...)
	return rows, translate(err)
}

// QueryRow runs a query that returns at most one row on the read pool.
func (db *DB) QueryRow(ctx context.Context, query string, args ...any) *Row {
	return &Row{row: db.read.QueryRowContext(ctx, db.rebind(query), args...)}
}

// Engine returns the database engine.
func (db *DB) Engine() Engine { return db.engine }

// Tx is a database transaction.
type Tx struct {
	tx       *sql.Tx
	db       *DB
	afterFns []func()
}

// Exec runs a statement in the transaction.
func (tx *Tx) Exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	res, err := tx.tx.ExecContext(ctx, tx.db.rebind(query), args...)
	return res, translate(err)
}

// Query runs a query in the transaction.
func (tx *Tx) Query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	rows, err := tx.tx.QueryContext(ctx, tx.db.rebind(query), args...)
	return rows, translate(err)
}

// QueryRow runs a query that returns at most one row in the transaction.
func (tx *Tx) QueryRow(ctx context.Context, query string, args ...any) *Row {
	return &Row{row: tx.tx.QueryRowContext(ctx, tx.db.rebind(query), args...)}
}

// Engine returns the engine of the transaction's database.
func (tx *Tx) Engine() Engine { return tx.db.engine }

// AfterCommit registers fn to run after the transaction commits (never
// after a rollback): the place to wake a worker for a job queued in it.
func (tx *Tx) AfterCommit(fn func()) { tx.afterFns = append(tx.afterFns, fn) }

// InTx runs fn in a transaction on the write pool and commits it when fn
// returns nil. On PostgreSQL a serialization failure or deadlock is retried
// a few times; fn must therefore not have effects outside the transaction
// (use AfterCommit).
func (db *DB) InTx(ctx context.Context, fn func(tx *Tx) error) error {
	const attempts = 5
	var err error
	for i := 0; i < attempts; i++ {
		err = db.inTxOnce(ctx, fn)
		if !errors.Is(err, errRetry) {
			return err
		}
		time.Sleep(time.Duration(i+1) * 5 * time.Millisecond)
	}
	return err
}

func (db *DB) inTxOnce(ctx context.Context, fn func(tx *Tx) error) (err error) {
	sqlTx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", translate(err))
	}
	tx := &Tx{tx: sqlTx, db: db}
	defer func() {
		if p := recover(); p != nil {
			_ = sqlTx.Rollback()
			panic(p)
		}
	}()
	if err := fn(tx); err != nil {
		_ = sqlTx.Rollback()
		return err
	}
	if err := sqlTx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", translate(err))
	}
	for _, f := range tx.afterFns {
		f()
	}
	return nil
}

func redact(u *url.URL) string {
	c := *u
	if c.User != nil {
		c.User = url.User(c.User.Username())
	}
	c.RawQuery = ""
	return c.String()
}
