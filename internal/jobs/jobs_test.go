package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"log/slog"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/noaber/noaber/internal/store"
	"github.com/noaber/noaber/internal/testkit"
)

// clock is a fake clock the tests move by hand, so backoff and leases are
// tested without waiting.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2026, 3, 14, 9, 30, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func enqueue(t testing.TB, db *store.DB, q *Queue, kind string, payload any, opts ...EnqueueOption) {
	t.Helper()
	err := db.InTx(context.Background(), func(tx *store.Tx) error {
		return q.Enqueue(context.Background(), tx, kind, payload, opts...)
	})
	if err != nil {
		t.Fatalf("enqueue %s: %v", kind, err)
	}
}

func runDue(t *testing.T, q *Queue, want int) {
	t.Helper()
	n, err := q.RunDue(context.Background())
	if err != nil {
		t.Fatalf("RunDue: %v", err)
	}
	if n != want {
		t.Fatalf("RunDue ran %d jobs, want %d", n, want)
	}
}

type row struct {
	State      string
	Attempts   int
	LastError  string
	RunAt      time.Time
	FinishedAt *time.Time
}

// onlyJob reads the single job of kind.
func onlyJob(t *testing.T, db *store.DB, kind string) row {
	t.Helper()
	var r row
	var finished *time.Time
	err := db.QueryRow(context.Background(),
		"SELECT state, attempts, last_error, run_at, finished_at FROM jobs WHERE kind = ?", kind).
		Scan(&r.State, &r.Attempts, &r.LastError, &r.RunAt, &finished)
	if err != nil {
		t.Fatalf("read job %s: %v", kind, err)
	}
	r.RunAt = r.RunAt.UTC()
	if finished != nil {
		f := finished.UTC()
		r.FinishedAt = &f
	}
	return r
}

func countJobs(t *testing.T, db *store.DB, where string, args ...any) int {
	t.Helper()
	var n int
	if err := db.QueryRow(context.Background(), "SELECT COUNT(*) FROM jobs WHERE "+where, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestRolledBackJobNeverRuns(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		q := New(db, Options{Now: newClock().Now})
		ran := 0
		q.Handle("mail", func(ctx context.Context, job *Job) error { ran++; return nil })
		oops := errors.New("the change failed")
		err := db.InTx(ctx, func(tx *store.Tx) error {
			if err := q.Enqueue(ctx, tx, "mail", map[string]string{"to": "a@example.org"}); err != nil {
				return err
			}
			return oops
		})
		if !errors.Is(err, oops) {
			t.Fatalf("InTx: %v", err)
		}
		runDue(t, q, 0)
		if ran != 0 || countJobs(t, db, "1 = 1") != 0 {
			t.Fatalf("rolled-back job exists or ran (ran %d)", ran)
		}
	})
}

func TestCommittedJobRunsOnce(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		clk := newClock()
		q := New(db, Options{Now: clk.Now})
		type mail struct{ To string }
		var got []Job
		q.Handle("mail", func(ctx context.Context, job *Job) error {
			var m mail
			if err := job.Decode(&m); err != nil {
				return err
			}
			if m.To != "a@example.org" {
				t.Errorf("payload decoded to %+v", m)
			}
			got = append(got, *job)
			return nil
		})
		enqueue(t, db, q, "mail", mail{To: "a@example.org"})
		runDue(t, q, 1)
		runDue(t, q, 0)
		if len(got) != 1 || got[0].Attempt != 1 || got[0].Kind != "mail" || len(got[0].ID) != 36 {
			t.Fatalf("handler saw %+v, want one first attempt of mail with a UUID", got)
		}
		r := onlyJob(t, db, "mail")
		if r.State != "done" || r.Attempts != 1 || r.FinishedAt == nil || !r.FinishedAt.Equal(clk.Now()) {
			t.Fatalf("job after success: %+v", r)
		}
	})
}

func TestFutureJobWaitsForItsTime(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		clk := newClock()
		q := New(db, Options{Now: clk.Now})
		q.Handle("remind", func(ctx context.Context, job *Job) error { return nil })
		enqueue(t, db, q, "remind", nil, At(clk.Now().Add(24*time.Hour)))
		runDue(t, q, 0)
		clk.Advance(24*time.Hour - time.Microsecond)
		runDue(t, q, 0)
		clk.Advance(time.Microsecond)
		runDue(t, q, 1)
	})
}

func TestFailureRetriesWithBackoffThenFails(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		clk := newClock()
		q := New(db, Options{Now: clk.Now})
		var attempts []int
		q.Handle("flaky", func(ctx context.Context, job *Job) error {
			attempts = append(attempts, job.Attempt)
			return errors.New("mail server said 451")
		})
		enqueue(t, db, q, "flaky", nil, MaxAttempts(3))
		for attempt := 1; attempt <= 2; attempt++ {
			runDue(t, q, 1)
			r := onlyJob(t, db, "flaky")
			wait := r.RunAt.Sub(clk.Now())
			full := backoffBase << (attempt - 1)
			if r.State != "pending" || r.LastError != "mail server said 451" || wait < full/2 || wait > full {
				t.Fatalf("after attempt %d: %+v (wait %v, want %v..%v)", attempt, r, wait, full/2, full)
			}
			runDue(t, q, 0) // not due yet
			clk.Advance(wait)
		}
		runDue(t, q, 1)
		r := onlyJob(t, db, "flaky")
		if r.State != "failed" || r.Attempts != 3 || r.FinishedAt == nil || r.LastError != "mail server said 451" {
			t.Fatalf("after the last attempt: %+v", r)
		}
		clk.Advance(2 * backoffMax)
		runDue(t, q, 0)
		if len(attempts) != 3 || attempts[0] != 1 || attempts[2] != 3 {
			t.Fatalf("handler saw attempts %v", attempts)
		}
	})
}

func TestBackoffIsCapped(t *testing.T) {
	for _, a := range []int{1, 5, 9, 10, 30, 1000} {
		d := backoff(a)
		if d <= 0 || d > backoffMax {
			t.Errorf("backoff(%d) = %v, want in (0, %v]", a, d, backoffMax)
		}
	}
	if d := backoff(100); d < backoffMax/2 {
		t.Errorf("backoff(100) = %v, want at least %v", d, backoffMax/2)
	}
}

func TestPermanentErrorFailsAtOnce(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		q := New(db, Options{Now: newClock().Now})
		q.Handle("mail", func(ctx context.Context, job *Job) error {
			return Permanent(errors.New("address does not exist"))
		})
		enqueue(t, db, q, "mail", nil)
		runDue(t, q, 1)
		r := onlyJob(t, db, "mail")
		if r.State != "failed" || r.Attempts != 1 || !strings.Contains(r.LastError, "address does not exist") {
			t.Fatalf("job after a permanent error: %+v", r)
		}
	})
}

func TestPanicIsAFailure(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		clk := newClock()
		q := New(db, Options{Now: clk.Now})
		q.Handle("boom", func(ctx context.Context, job *Job) error {
			if job.Attempt == 1 {
				var m map[string]int
				m["x"] = 1 // a real runtime panic, not a friendly one
			}
			return nil
		})
		enqueue(t, db, q, "boom", nil)
		runDue(t, q, 1)
		r := onlyJob(t, db, "boom")
		if r.State != "pending" || !strings.HasPrefix(r.LastError, "panic: assignment to entry in nil map") {
			t.Fatalf("job after a panic: %+v", r)
		}
		clk.Advance(backoffMax)
		runDue(t, q, 1)
		if r := onlyJob(t, db, "boom"); r.State != "done" || r.Attempts != 2 {
			t.Fatalf("job after the retry: %+v", r)
		}
	})
}

func TestUnknownKindFails(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		q := New(db, Options{Now: newClock().Now})
		enqueue(t, db, q, "nobody-handles-this", nil)
		runDue(t, q, 1)
		r := onlyJob(t, db, "nobody-handles-this")
		if r.State != "failed" || !strings.Contains(r.LastError, `no handler for job kind "nobody-handles-this"`) {
			t.Fatalf("job of an unknown kind: %+v", r)
		}
	})
}

func TestUniqueKeyDedupesWhilePending(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		q := New(db, Options{Now: newClock().Now})
		ran := 0
		q.Handle("digest", func(ctx context.Context, job *Job) error { ran++; return nil })
		enqueue(t, db, q, "digest", 1, UniqueKey("digest:u1"))
		enqueue(t, db, q, "digest", 2, UniqueKey("digest:u1"))
		// Twice in one transaction too.
		err := db.InTx(ctx, func(tx *store.Tx) error {
			for i := 0; i < 2; i++ {
				if err := q.Enqueue(ctx, tx, "digest", 3, UniqueKey("digest:u1")); err != nil {
					return err
				}
			}
			return q.Enqueue(ctx, tx, "digest", 4, UniqueKey("digest:u2"))
		})
		if err != nil {
			t.Fatal(err)
		}
		if n := countJobs(t, db, "unique_key = ?", "digest:u1"); n != 1 {
			t.Fatalf("%d pending jobs with one key, want 1", n)
		}
		runDue(t, q, 2)
		enqueue(t, db, q, "digest", 5, UniqueKey("digest:u1"))
		if n := countJobs(t, db, "unique_key = ? AND state = 'pending'", "digest:u1"); n != 1 {
			t.Fatalf("after the first one was done: %d pending jobs with the key, want 1", n)
		}
		runDue(t, q, 1)
		if ran != 3 {
			t.Fatalf("ran %d jobs, want 3", ran)
		}
	})
}

func TestExpiredLeaseRunsAgain(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		clk := newClock()
		opt := Options{Now: clk.Now, Lease: time.Minute}
		dead := New(db, opt)
		alive := New(db, opt)
		var attempts []int
		alive.Handle("mail", func(ctx context.Context, job *Job) error {
			attempts = append(attempts, job.Attempt)
			return nil
		})
		enqueue(t, db, alive, "mail", nil)
		// The dead worker claims the job and never finishes it.
		claimedByDead, err := dead.claim(ctx, 10)
		if err != nil || len(claimedByDead) != 1 {
			t.Fatalf("claim: %v, %d jobs", err, len(claimedByDead))
		}
		runDue(t, alive, 0) // still leased
		clk.Advance(time.Minute)
		runDue(t, alive, 1)
		r := onlyJob(t, db, "mail")
		if r.State != "done" || len(attempts) != 1 || attempts[0] != 2 || !strings.Contains(r.LastError, "lease expired") {
			t.Fatalf("job after the lease expired: %+v, attempts %v", r, attempts)
		}
		// The old worker waking up must not overwrite the outcome.
		state, err := dead.finish(ctx, claimedByDead[0], errors.New("late"))
		if err != nil || state != "" {
			t.Fatalf("late finish: state %q, err %v; want it ignored", state, err)
		}
		if r := onlyJob(t, db, "mail"); r.State != "done" {
			t.Fatalf("late finish changed the job: %+v", r)
		}
	})
}

func TestWorkersThatKeepDyingGiveUp(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		clk := newClock()
		opt := Options{Now: clk.Now, Lease: time.Minute}
		q := New(db, opt)
		q.Handle("oom", func(ctx context.Context, job *Job) error { return nil })
		enqueue(t, db, q, "oom", nil, MaxAttempts(2))
		for i := 0; i < 2; i++ {
			if c, err := New(db, opt).claim(ctx, 1); err != nil || len(c) != 1 {
				t.Fatalf("claim %d: %v, %d jobs", i, err, len(c))
			}
			clk.Advance(time.Minute)
		}
		runDue(t, q, 1)
		if r := onlyJob(t, db, "oom"); r.State != "failed" || !strings.Contains(r.LastError, "lease expired on 2 attempts") {
			t.Fatalf("job whose workers kept dying: %+v", r)
		}
	})
}

func TestPeriodicKeepsOneScheduled(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		clk := newClock()
		ran := 0
		newQueue := func() *Queue {
			q := New(db, Options{Now: clk.Now})
			q.Periodic("cleanup-tokens", time.Hour, func(ctx context.Context, job *Job) error {
				ran++
				if ran == 2 {
					return Permanent(errors.New("even a failure schedules the next run"))
				}
				return nil
			})
			return q
		}
		a, b := newQueue(), newQueue()
		runDue(t, a, 1) // scheduled at start and due at once
		runDue(t, b, 0) // the other instance finds it scheduled
		if n := countJobs(t, db, "state = 'pending'"); n != 1 {
			t.Fatalf("%d pending periodic jobs, want 1", n)
		}
		clk.Advance(time.Hour)
		runDue(t, b, 1)
		clk.Advance(time.Hour)
		runDue(t, a, 1)
		if ran != 3 || countJobs(t, db, "state = 'pending'") != 1 || countJobs(t, db, "state = 'failed'") != 1 {
			t.Fatalf("ran %d times; want 3 runs, one pending, one failed", ran)
		}
	})
}

func TestCleanupDeletesOldFinishedJobs(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		clk := newClock()
		q := New(db, Options{Now: clk.Now})
		q.Handle("ok", func(ctx context.Context, job *Job) error { return nil })
		q.Handle("bad", func(ctx context.Context, job *Job) error { return Permanent(errors.New("no")) })
		enqueue(t, db, q, "ok", nil)
		enqueue(t, db, q, "bad", nil)
		runDue(t, q, 2)
		clk.Advance(KeepDone + time.Second)
		enqueue(t, db, q, "ok", nil) // recent and pending: stays
		n, err := q.Cleanup(ctx)
		if err != nil || n != 1 {
			t.Fatalf("Cleanup after a week: %d, %v; want the old done job deleted", n, err)
		}
		c, err := q.Counts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if c != (Counts{Pending: 1, Due: 1, Failed: 1}) {
			t.Fatalf("counts %+v", c)
		}
		clk.Advance(KeepFailed)
		if n, err := q.Cleanup(ctx); err != nil || n != 1 {
			t.Fatalf("Cleanup after a month: %d, %v; want the failed job deleted", n, err)
		}
	})
}

func TestEnqueueRejectsBadInput(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		q := New(db, Options{})
		err := db.InTx(ctx, func(tx *store.Tx) error { return q.Enqueue(ctx, tx, "x", json.RawMessage("{not json")) })
		if err == nil {
			t.Fatal("invalid raw JSON payload was accepted")
		}
		err = db.InTx(ctx, func(tx *store.Tx) error { return q.Enqueue(ctx, tx, "x", func() {}) })
		if err == nil {
			t.Fatal("unencodable payload was accepted")
		}
		if n := countJobs(t, db, "1 = 1"); n != 0 {
			t.Fatalf("%d jobs stored", n)
		}
	})
}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", d, what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestEnqueueWakesWorkersAfterCommit(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		// The poll is an hour away: only the wake-up can run the job.
		q := New(db, Options{PollInterval: time.Hour})
		var ran atomic.Int32
		q.Handle("first", func(ctx context.Context, job *Job) error { ran.Add(1); return nil })
		q.Handle("second", func(ctx context.Context, job *Job) error { ran.Add(10); return nil })
		enqueue(t, db, q, "first", nil) // found by the poll at start
		stopped := make(chan error)
		go func() { stopped <- q.Run(ctx) }()
		waitFor(t, 10*time.Second, "the first job", func() bool { return ran.Load() == 1 })
		enqueue(t, db, q, "second", nil)
		waitFor(t, 10*time.Second, "the second job", func() bool { return ran.Load() == 11 })
		cancel()
		if err := <-stopped; err != nil {
			t.Fatalf("Run: %v", err)
		}
	})
}

func TestRunFinishesRunningJobsOnStop(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		ctx, cancel := context.WithCancel(context.Background())
		q := New(db, Options{PollInterval: 10 * time.Millisecond})
		started := make(chan struct{})
		q.Handle("slow", func(hctx context.Context, job *Job) error {
			close(started)
			time.Sleep(200 * time.Millisecond)
			return hctx.Err() // the handler's context outlives Run's
		})
		enqueue(t, db, q, "slow", nil)
		stopped := make(chan error)
		go func() { stopped <- q.Run(ctx) }()
		<-started
		cancel()
		if err := <-stopped; err != nil {
			t.Fatalf("Run: %v", err)
		}
		if r := onlyJob(t, db, "slow"); r.State != "done" {
			t.Fatalf("job running at stop: %+v, want done", r)
		}
	})
}

// TestTwoInstancesRunEachJobOnce runs two queues, each on its own
// connection pool as two instances would, against one database.
func TestTwoInstancesRunEachJobOnce(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		const jobs = 200
		other, err := store.Open(context.Background(), db.URL)
		if err != nil {
			t.Fatal(err)
		}
		defer other.Close()
		var runs sync.Map // job id -> *atomic.Int32
		var total atomic.Int32
		handler := func(ctx context.Context, job *Job) error {
			n, _ := runs.LoadOrStore(job.ID, new(atomic.Int32))
			n.(*atomic.Int32).Add(1)
			total.Add(1)
			return nil
		}
		opt := Options{Workers: 4, PollInterval: 5 * time.Millisecond}
		qs := []*Queue{New(db, opt), New(other, opt)}
		for _, q := range qs {
			q.Handle("count", handler)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		var wg sync.WaitGroup
		for _, q := range qs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if err := q.Run(ctx); err != nil {
					t.Errorf("Run: %v", err)
				}
			}()
		}
		// Enqueue while both run, from both instances, in small batches.
		for i := 0; i < jobs; i += 10 {
			q := qs[i/10%2]
			err := q.db.InTx(ctx, func(tx *store.Tx) error {
				for j := i; j < i+10; j++ {
					if err := q.Enqueue(ctx, tx, "count", j); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		waitFor(t, 50*time.Second, "all jobs done", func() bool {
			return countJobs(t, db, "state = 'done'") == jobs
		})
		cancel()
		wg.Wait()
		distinct := 0
		runs.Range(func(id, n any) bool {
			distinct++
			if c := n.(*atomic.Int32).Load(); c != 1 {
				t.Errorf("job %s ran %d times", id, c)
			}
			return true
		})
		if distinct != jobs || total.Load() != jobs {
			t.Fatalf("%d distinct jobs ran %d times, want %d once each", distinct, total.Load(), jobs)
		}
		var byBoth int
		if err := db.QueryRow(context.Background(), "SELECT COUNT(DISTINCT locked_by) FROM jobs").Scan(&byBoth); err != nil {
			t.Fatal(err)
		}
		t.Logf("%d jobs, claimed by %d workers", jobs, byBoth)
	})
}

func BenchmarkEnqueueAndRun(b *testing.B) {
	db := testkit.NewDB(b, store.SQLite)
	ctx := context.Background()
	q := New(db, Options{})
	q.Handle("noop", func(ctx context.Context, job *Job) error { return nil })
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		enqueue(b, db, q, "noop", i)
		if n, err := q.RunDue(ctx); err != nil || n != 1 {
			b.Fatalf("RunDue: %d, %v", n, err)
		}
	}
}

// TestMain keeps the queue's logging out of the test output unless -v.
func TestMain(m *testing.M) {
	flag.Parse()
	if !testing.Verbose() {
		slog.SetDefault(slog.New(slog.NewTextHandler(io.Discard, nil)))
	}
	os.Exit(m.Run())
}
