// Package jobs is Noaber's durable background job queue, stored in the
// same database as everything else. A job is enqueued inside the
// transaction of the change that causes it (an outbox): it exists exactly
// when the change does. Workers on any number of instances claim due jobs
// with a lease, run them, retry failures with backoff, and pick up jobs whose
// worker died when the lease runs out.
package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"time"

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
}

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
}

// New returns a queue on db.
func New(db *store.DB, opt Options) *Queue {
	return &Queue{db: db, opt: opt, handlers: map[string]Handler{}}
}

// Handle registers the handler for kind. Call before Run.
func (q *Queue) Handle(kind string, h Handler) { q.handlers[kind] = h }

// Enqueue writes a job in tx; it becomes visible to workers when tx commits.
func (q *Queue) Enqueue(ctx context.Context, tx *store.Tx, kind string, payload any, opts ...EnqueueOption) error {
	return errors.New("jobs: not implemented yet")
}

// Run claims and runs due jobs until ctx is done, then waits for the jobs
// in progress to finish.
func (q *Queue) Run(ctx context.Context) error { return errors.New("jobs: not implemented yet") }

// RunDue runs every job that is due now, one after another, and returns how
// many ran: for tests and for commands that run without workers.
func (q *Queue) RunDue(ctx context.Context) (int, error) {
	return 0, errors.New("jobs: not implemented yet")
}
