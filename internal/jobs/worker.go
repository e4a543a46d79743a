package jobs

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/noaber/noaber/internal/store"
)

// Retention of finished jobs. Done jobs are kept for a week rather than
// deleted on success, so an operator can see what ran and when (and the
// counts mean something); failed jobs stay longer because someone has to
// look at them.
const (
	KeepDone   = 7 * 24 * time.Hour
	KeepFailed = 30 * 24 * time.Hour
)

const (
	backoffBase = 10 * time.Second
	backoffMax  = time.Hour
	// maxErrorLen bounds last_error: a panic stack or an HTML error page
	// from a remote server must not bloat the table.
	maxErrorLen = 4000
	// housekeeping is how often Run deletes old jobs and checks that
	// every periodic job is scheduled.
	housekeeping = time.Hour
)

// claimed is a job this instance holds the lease on.
type claimed struct {
	Job
	maxAttempts int
}

// backoff is the wait before attempt+1: 10s·2^(attempt-1) capped at an hour,
// of which a random half is dropped so that jobs failing together (a mail
// server down) do not all come back in the same second.
func backoff(attempt int) time.Duration {
	d := backoffMax
	if attempt < 20 {
		d = min(backoffBase<<max(attempt-1, 0), backoffMax)
	}
	return d/2 + rand.N(d/2+1)
}

// claim takes up to limit due jobs: pending ones whose run_at has passed,
// and running ones whose lease expired because their worker died. On
// PostgreSQL SKIP LOCKED lets several instances claim at once without
// waiting on or taking each other's rows; SQLite serialises writers, so
// the plain subquery is enough there.
func (q *Queue) claim(ctx context.Context, limit int) ([]*claimed, error) {
	now := q.now()
	lock := ""
	if q.db.Engine() == store.Postgres {
		lock = "FOR UPDATE SKIP LOCKED"
	}
	query := `UPDATE jobs SET state = 'running', locked_by = ?, locked_until = ?, attempts = attempts + 1,
			last_error = CASE WHEN state = 'running' THEN 'lease expired: worker ' || COALESCE(locked_by, '') || ' did not finish attempt ' || attempts ELSE last_error END
		WHERE id IN (SELECT id FROM jobs
			WHERE (state = 'pending' AND run_at <= ?) OR (state = 'running' AND locked_until <= ?)
			ORDER BY run_at LIMIT ? ` + lock + `)
		RETURNING id, kind, payload, attempts, max_attempts`
	var out []*claimed
	err := q.db.InTx(ctx, func(tx *store.Tx) error {
		out = out[:0]
		rows, err := tx.Query(ctx, query, q.worker, now.Add(q.opt.Lease).Truncate(time.Microsecond), now, now, limit)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			c := &claimed{}
			var payload string
			if err := rows.Scan(&c.ID, &c.Kind, &payload, &c.Attempt, &c.maxAttempts); err != nil {
				return err
			}
			c.Payload = []byte(payload)
			out = append(out, c)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("jobs: claim: %w", err)
	}
	return out, nil
}

// run runs one claimed job and records the outcome. The handler gets a
// context that outlives ctx (a stopping instance finishes what it started)
// but ends before the lease does.
func (q *Queue) run(ctx context.Context, c *claimed) {
	log := q.opt.Logger.With("job", c.ID, "kind", c.Kind, "attempt", c.Attempt)
	var err error
	h, ok := q.handlers[c.Kind]
	switch {
	case !ok:
		err = Permanent(fmt.Errorf("no handler for job kind %q on worker %s", c.Kind, q.worker))
	case c.Attempt > c.maxAttempts:
		// Only a job whose workers kept dying gets here: each claim counts.
		err = Permanent(fmt.Errorf("lease expired on %d attempts (max %d); not trying again", c.Attempt-1, c.maxAttempts))
	default:
		hctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), q.opt.Lease*9/10)
		start := time.Now()
		err = safeCall(hctx, h, &c.Job)
		cancel()
		log = log.With("took", time.Since(start).Round(time.Millisecond))
	}
	state, ferr := q.finish(context.WithoutCancel(ctx), c, err)
	switch {
	case ferr != nil:
		log.Error("jobs: recording the outcome failed; the job runs again when its lease expires", "err", ferr, "job_err", err)
	case state == "":
		log.Warn("jobs: lease was lost before the job finished; another worker has it", "err", err)
	case state == "done":
		log.Debug("jobs: done")
	case state == "failed":
		log.Error("jobs: failed for good", "err", err)
	default:
		log.Warn("jobs: failed, will retry", "err", err)
	}
}

// safeCall runs h, turning a panic into an error so that one bad job cannot
// take the instance down.
func safeCall(ctx context.Context, h Handler, job *Job) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v\n%s", p, debug.Stack())
		}
	}()
	return h(ctx, job)
}

// finish records the outcome of a run and returns the state the job is now
// in, or "" when this worker no longer held the lease (it expired and
// another worker claimed the job: its outcome counts, not ours).
func (q *Queue) finish(ctx context.Context, c *claimed, jobErr error) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	now := q.now()
	state := "done"
	if jobErr != nil {
		state = "pending"
		if IsPermanent(jobErr) || c.Attempt >= c.maxAttempts {
			state = "failed"
		}
	}
	owned := ` WHERE id = ? AND state = 'running' AND locked_by = ? AND attempts = ?`
	err := q.db.InTx(ctx, func(tx *store.Tx) error {
		var err error
		var res interface{ RowsAffected() (int64, error) }
		switch state {
		case "done":
			res, err = tx.Exec(ctx, `UPDATE jobs SET state = 'done', finished_at = ?, locked_until = NULL`+owned,
				now, c.ID, q.worker, c.Attempt)
		case "failed":
			res, err = tx.Exec(ctx, `UPDATE jobs SET state = 'failed', finished_at = ?, last_error = ?, locked_until = NULL`+owned,
				now, errorText(jobErr), c.ID, q.worker, c.Attempt)
		default:
			res, err = tx.Exec(ctx, `UPDATE jobs SET state = 'pending', run_at = ?, last_error = ?, locked_by = NULL, locked_until = NULL`+owned,
				now.Add(backoff(c.Attempt)).Truncate(time.Microsecond), errorText(jobErr), c.ID, q.worker, c.Attempt)
		}
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			state = ""
			return nil
		}
		if every, ok := q.periodic[c.Kind]; ok && state != "pending" {
			// In the same transaction: the next run exists exactly when
			// this one is recorded as over. The unique key is free now
			// because this job just left pending/running.
			return insert(ctx, tx, c.Kind, "{}", now.Add(every), now, periodicKey(c.Kind), 0)
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	return state, nil
}

func errorText(err error) string {
	s := err.Error()
	if len(s) > maxErrorLen {
		s = strings.ToValidUTF8(s[:maxErrorLen], "") + "…"
	}
	return s
}

// ensurePeriodic schedules every periodic kind that has no pending or
// running job, to run now. The unique key makes this a no-op for kinds that
// are scheduled, also when several instances start at once.
func (q *Queue) ensurePeriodic(ctx context.Context) error {
	if len(q.periodic) == 0 {
		return nil
	}
	now := q.now()
	err := q.db.InTx(ctx, func(tx *store.Tx) error {
		for kind := range q.periodic {
			if err := insert(ctx, tx, kind, "{}", now, now, periodicKey(kind), 0); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("jobs: schedule periodic jobs: %w", err)
	}
	return nil
}

// Cleanup deletes done jobs older than KeepDone and failed jobs older than
// KeepFailed, and returns how many it deleted. Run calls it every hour.
func (q *Queue) Cleanup(ctx context.Context) (int64, error) {
	now := q.now()
	res, err := q.db.Exec(ctx, `DELETE FROM jobs WHERE (state = 'done' AND finished_at < ?) OR (state = 'failed' AND finished_at < ?)`,
		now.Add(-KeepDone), now.Add(-KeepFailed))
	if err != nil {
		return 0, fmt.Errorf("jobs: cleanup: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("jobs: cleanup: %w", err)
	}
	return n, nil
}

// Run claims and runs due jobs until ctx is done, then waits for the jobs
// in progress to finish and returns nil. It looks for due jobs every
// PollInterval, when a job is enqueued on this instance (see Notify), and,
// while there is a backlog, as soon as a worker is free.
func (q *Queue) Run(ctx context.Context) error {
	log := q.opt.Logger.With("worker", q.worker)
	q.housekeeping(ctx, log)
	workers := q.opt.Workers
	var wg sync.WaitGroup
	// Buffered for every worker so a finishing job never blocks, also
	// after the loop below has stopped reading.
	free := make(chan struct{}, workers)
	busy := 0
	backlog := false
	poll := time.NewTimer(0)
	defer poll.Stop()
	house := time.NewTicker(housekeeping)
	defer house.Stop()
	for {
		look := false
		select {
		case <-ctx.Done():
			log.Info("jobs: stopping; waiting for running jobs", "running", busy)
			wg.Wait()
			return nil
		case <-free:
			busy--
			look = backlog
		case <-q.wake:
			look = true
		case <-poll.C:
			look = true
			poll.Reset(q.opt.PollInterval)
		case <-house.C:
			q.housekeeping(ctx, log)
		}
		if !look {
			continue
		}
		if busy >= workers {
			backlog = true
			continue
		}
		jobs, err := q.claim(ctx, workers-busy)
		if err != nil {
			if ctx.Err() == nil {
				log.Error("jobs: cannot claim jobs", "err", err)
			}
			continue
		}
		backlog = len(jobs) == workers-busy
		for _, c := range jobs {
			busy++
			wg.Add(1)
			go func() {
				defer wg.Done()
				q.run(ctx, c)
				free <- struct{}{}
			}()
		}
	}
}

func (q *Queue) housekeeping(ctx context.Context, log *slog.Logger) {
	if err := q.ensurePeriodic(ctx); err != nil && ctx.Err() == nil {
		log.Error("jobs: housekeeping", "err", err)
	}
	n, err := q.Cleanup(ctx)
	if err != nil && ctx.Err() == nil {
		log.Error("jobs: housekeeping", "err", err)
	} else if n > 0 {
		log.Info("jobs: deleted old finished jobs", "deleted", n)
	}
}

// RunDue runs every job that is due now, one after another, and returns how
// many ran: for tests and for commands that run without workers. A job that
// fails is retried only when it is due again, so this always ends.
func (q *Queue) RunDue(ctx context.Context) (int, error) {
	if err := q.ensurePeriodic(ctx); err != nil {
		return 0, err
	}
	n := 0
	for {
		if err := ctx.Err(); err != nil {
			return n, err
		}
		jobs, err := q.claim(ctx, 1)
		if err != nil {
			return n, err
		}
		if len(jobs) == 0 {
			return n, nil
		}
		q.run(ctx, jobs[0])
		n++
	}
}
