// Package jobs is Noaber's durable background job queue, stored in the
// same database as everything else. A job is enqueued inside the
// transaction of the change that causes it (an outbox): it exists exactly
// when the change does. Workers on any number of instances claim due jobs
// with a lease, run them, retry failures with backoff, and pick up jobs whose
// worker died when the lease runs out.
//
// Delivery is at least once: a worker that dies after its handler's side
// effect but before recording success leaves the job to run again when the
// lease expires. Handlers that talk to the outside world build an
// idempotency key from Job.ID.
package jobs

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/google/uuid"

	"github.com/noaber/noaber/internal/store"
)

// Job is one claimed job as a handler sees it.
type Job struct {
	ID      string
	Kind    string
	Payload json.RawMessage
	Attempt int // 1 on the first run
}

// Decode unmarshals the payload into v.
func (j *Job) Decode(v any) error { return json.Unmarshal(j.Payload, v) }

// Handler runs a job. Returning an error retries it later (with backoff)
// until MaxAttempts; wrap the error with Permanent to give up at once.
// The context ends when the job's lease does: a handler must finish within
// Options.Lease, or another instance may run the job again.
type Handler func(ctx context.Context, job *Job) error

// Permanent marks an error that a retry cannot fix.
func Permanent(err error) error { return &permanentError{err} }

type permanentError struct{ err error }

func (e *permanentError) Error() string { return "permanent: " + e.err.Error() }
func (e *permanentError) Unwrap() error { return e.err }

// IsPermanent reports whether err was marked with Permanent.
func IsPermanent(err error) bool {
	var p *permanentError
	return errors.As(err, &p)
}

// Options tune a Queue. Zero values take the defaults.
type Options struct {
	Workers      int           // concurrent jobs per instance (default 4)
	PollInterval time.Duration // how often to look for due jobs (default 1s)
	Lease        time.Duration // how long a claimed job is ours (default 5m)
	Now          func() time.Time
	Logger       *slog.Logger // slog.Default() when nil
}

// Defaults for Options and EnqueueOption.
const (
	DefaultWorkers      = 4
	DefaultPollInterval = time.Second
	DefaultLease        = 5 * time.Minute
	DefaultMaxAttempts  = 10
)

// EnqueueOption changes how a job is enqueued.
type EnqueueOption func(*enqueueOptions)

type enqueueOptions struct {
	runAt       time.Time
	uniqueKey   string
	maxAttempts int
}

// At runs the job no earlier than t.
func At(t time.Time) EnqueueOption { return func(o *enqueueOptions) { o.runAt = t } }

// UniqueKey makes the enqueue a no-op while a pending or running job with
// the same key exists.
func UniqueKey(k string) EnqueueOption { return func(o *enqueueOptions) { o.uniqueKey = k } }

// MaxAttempts sets how often the job is tried before it is marked failed
// (default 10).
func MaxAttempts(n int) EnqueueOption { return func(o *enqueueOptions) { o.maxAttempts = n } }

// Queue is the job queue of one instance.
type Queue struct {
	db       *store.DB
	opt      Options
	handlers map[string]Handler
	periodic map[string]time.Duration
	// worker names this instance in locked_by, so an operator can tell
	// which instance holds a job.
	worker string
	wake   chan struct{}
}

// New returns a queue on db.
func New(db *store.DB, opt Options) *Queue {
	if opt.Workers <= 0 {
		opt.Workers = DefaultWorkers
	}
	if opt.PollInterval <= 0 {
		opt.PollInterval = DefaultPollInterval
	}
	if opt.Lease <= 0 {
		opt.Lease = DefaultLease
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Logger == nil {
		opt.Logger = slog.Default()
	}
	return &Queue{
		db:       db,
		opt:      opt,
		handlers: map[string]Handler{},
		periodic: map[string]time.Duration{},
		worker:   workerName(),
		wake:     make(chan struct{}, 1),
	}
}

func workerName() string {
	host, _ := os.Hostname()
	b := make([]byte, 4)
	rand.Read(b)
	return fmt.Sprintf("%s:%d:%s", host, os.Getpid(), hex.EncodeToString(b))
}

// now is the queue's clock in the form both engines store and compare the
// same way.
func (q *Queue) now() time.Time { return q.opt.Now().UTC().Truncate(time.Microsecond) }

// Handle registers the handler for kind. Call before Run.
func (q *Queue) Handle(kind string, h Handler) { q.handlers[kind] = h }

// Periodic registers h for kind and keeps exactly one job of that kind
// scheduled across all instances: Run (at start and then hourly) and RunDue
// enqueue one to run at once when none is pending or running, and each run
// that ends (done, or failed for good) schedules the next one `every` later,
// in the same transaction that records the outcome. A failed attempt is
// retried with backoff as usual. Call before Run.
func (q *Queue) Periodic(kind string, every time.Duration, h Handler) {
	if every < time.Second {
		// A shorter period would keep a worker busy with little else.
		every = time.Second
	}
	q.handlers[kind] = h
	q.periodic[kind] = every
}

func periodicKey(kind string) string { return "periodic:" + kind }

// Notify wakes this instance's workers to look for due jobs now instead of
// at the next poll. Enqueue arranges it after the commit by itself.
func (q *Queue) Notify() {
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

// Enqueue writes a job in tx; it becomes visible to workers when tx commits.
// payload is stored as JSON (a json.RawMessage as it is). With UniqueKey,
// an enqueue while a pending or running job has the same key does nothing.
func (q *Queue) Enqueue(ctx context.Context, tx *store.Tx, kind string, payload any, opts ...EnqueueOption) error {
	now := q.now()
	runAt, err := EnqueueAt(ctx, tx, now, kind, payload, opts...)
	if err != nil {
		return err
	}
	if !runAt.After(now) {
		tx.AfterCommit(q.Notify)
	}
	return nil
}

// EnqueueAt is Enqueue for code that holds a transaction but not the queue
// (a notification written deep inside another package's change): the job
// is the same, only no worker is woken, so it starts within the workers'
// poll interval. now is the enqueue time; it returns when the job is due.
func EnqueueAt(ctx context.Context, tx *store.Tx, now time.Time, kind string, payload any, opts ...EnqueueOption) (time.Time, error) {
	if kind == "" {
		return time.Time{}, errors.New("jobs: enqueue: empty kind")
	}
	var o enqueueOptions
	for _, f := range opts {
		f(&o)
	}
	var body []byte
	switch p := payload.(type) {
	case json.RawMessage:
		if !json.Valid(p) {
			return time.Time{}, fmt.Errorf("jobs: enqueue %s: payload is not valid JSON", kind)
		}
		body = p
	default:
		var err error
		if body, err = json.Marshal(payload); err != nil {
			return time.Time{}, fmt.Errorf("jobs: enqueue %s: encode payload: %w", kind, err)
		}
	}
	now = now.UTC().Truncate(time.Microsecond)
	runAt := now
	if !o.runAt.IsZero() {
		runAt = o.runAt.UTC().Truncate(time.Microsecond)
	}
	if err := insert(ctx, tx, kind, string(body), runAt, now, o.uniqueKey, o.maxAttempts); err != nil {
		return time.Time{}, fmt.Errorf("jobs: enqueue %s: %w", kind, err)
	}
	return runAt, nil
}

// insert is shared by Enqueue and the periodic scheduler. The conflict
// target names the partial unique index, so a duplicate key is skipped
// while an id collision (impossible with UUIDv7) would still fail.
func insert(ctx context.Context, tx *store.Tx, kind, payload string, runAt, now time.Time, uniqueKey string, maxAttempts int) error {
	id, err := uuid.NewV7()
	if err != nil {
		return err
	}
	if maxAttempts <= 0 {
		maxAttempts = DefaultMaxAttempts
	}
	// SQLite compares times as text: a nanosecond left on one side would
	// make equal instants compare unequal.
	runAt = runAt.Truncate(time.Microsecond)
	var key any
	if uniqueKey != "" {
		key = uniqueKey
	}
	_, err = tx.Exec(ctx, `INSERT INTO jobs (id, kind, payload, state, run_at, attempts, max_attempts, last_error, unique_key, created_at)
		VALUES (?, ?, ?, 'pending', ?, 0, ?, '', ?, ?)
		ON CONFLICT (unique_key) WHERE unique_key IS NOT NULL AND state IN ('pending', 'running') DO NOTHING`,
		id.String(), kind, payload, runAt, maxAttempts, key, now)
	return err
}

// Counts is how many jobs are in each state, for metrics and the admin
// pages.
type Counts struct {
	Pending, Running, Done, Failed int
	// Due is the part of Pending whose run_at has passed: a number that
	// keeps growing means the workers do not keep up.
	Due int
}

// Counts returns how many jobs are in each state.
func (q *Queue) Counts(ctx context.Context) (Counts, error) {
	var c Counts
	rows, err := q.db.Query(ctx, `SELECT state, COUNT(*) FROM jobs GROUP BY state`)
	if err != nil {
		return c, fmt.Errorf("jobs: counts: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var state string
		var n int
		if err := rows.Scan(&state, &n); err != nil {
			return c, fmt.Errorf("jobs: counts: %w", err)
		}
		switch state {
		case "pending":
			c.Pending = n
		case "running":
			c.Running = n
		case "done":
			c.Done = n
		case "failed":
			c.Failed = n
		}
	}
	if err := rows.Err(); err != nil {
		return c, fmt.Errorf("jobs: counts: %w", err)
	}
	err = q.db.QueryRow(ctx, `SELECT COUNT(*) FROM jobs WHERE state = 'pending' AND run_at <= ?`, q.now()).Scan(&c.Due)
	if err != nil {
		return c, fmt.Errorf("jobs: counts: %w", err)
	}
	return c, nil
}
