package dispatch_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/noaber/noaber/internal/account"
	"github.com/noaber/noaber/internal/dispatch"
	"github.com/noaber/noaber/internal/i18n"
	"github.com/noaber/noaber/internal/jobs"
	"github.com/noaber/noaber/internal/notify"
	"github.com/noaber/noaber/internal/store"
	"github.com/noaber/noaber/internal/testkit"
)

// reopen opens a second handle on the same database, as another process
// would.
func reopen(t *testing.T, db *store.DB) *store.DB {
	t.Helper()
	other, err := store.Open(context.Background(), db.URL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { other.Close() })
	return other
}

// An instance dies in the middle of a dispatch step (its job claimed, its
// transaction never committed), another dies with an invitation waiting
// for its deadline: each restart carries on where the database says,
// nobody is invited twice and no deadline is lost.
func TestRestartInTheMiddleOfADispatch(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		clk := &clock{t: startTime}
		first := newEnvAt(t, db, clk)
		seeker := first.person("Sanne", zutphen)
		a := first.helper("Anna", 0.3)
		b := first.helper("Bram", 0.6)
		req, err := first.help.CreateRequest(first.ctx, seeker, groceries(), i18n.NL)
		if err != nil {
			t.Fatal(err)
		}
		// The first instance claimed the start job and died with it.
		if _, err := db.Exec(first.ctx, `UPDATE jobs SET state = 'running', attempts = 1, locked_by = 'dead:1:x',
			locked_until = ? WHERE kind = ?`, clk.now().Add(jobs.DefaultLease), dispatch.JobStart); err != nil {
			t.Fatal(err)
		}

		second := newEnvAt(t, reopen(t, db), clk)
		second.run()
		if n := len(second.invitedInOrder(req.ID)); n != 0 {
			t.Fatal("the dead instance's job ran before its lease ended")
		}
		second.wait(jobs.DefaultLease + time.Second)
		if got := second.invitedInOrder(req.ID); !slices.Equal(got, ids(a)) {
			t.Fatalf("after the lease: invited %v, want Anna", got)
		}
		// The second instance dies too, with Anna's deadline pending.
		third := newEnvAt(t, reopen(t, db), clk)
		third.run()
		third.run()
		if got := third.invitedInOrder(req.ID); !slices.Equal(got, ids(a)) {
			t.Fatalf("a restart invited again: %v", got)
		}
		third.wait(30 * time.Minute)
		if got := third.invitedInOrder(req.ID); !slices.Equal(got, ids(a, b)) {
			t.Fatalf("after Anna's deadline: %v, want Anna then Bram", got)
		}
		if n := third.count("SELECT COUNT(*) FROM notifications WHERE kind = 'invitation'"); n != 2 {
			t.Fatalf("%d invitation notifications, want 2", n)
		}
		// The escalation deadline survived both deaths.
		third.wait(24 * time.Hour)
		if st, why := third.status(req.ID); st != dispatch.Escalated {
			t.Fatalf("dispatch %s %s a day later", st, why)
		}
	})
}

// Two instances run their job workers on one database: every invitation
// is written and announced exactly once.
func TestTwoInstancesInviteEachHelperOnce(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		clk := &clock{t: startTime}
		setup := newEnvAt(t, db, clk)
		var helpers []*account.User
		for i := 0; i < 12; i++ {
			helpers = append(helpers, setup.helper(fmt.Sprintf("H%02d", i), 0.1+float64(i)*0.07))
		}
		var seekers []*account.User
		for i := 0; i < 16; i++ {
			seekers = append(seekers, setup.person(fmt.Sprintf("S%02d", i), zutphen))
		}
		ctx, cancel := context.WithCancel(context.Background())
		var wg sync.WaitGroup
		instances := make([]*env, 2)
		for i := range instances {
			d := db
			if i > 0 {
				d = reopen(t, db)
			}
			e := newEnvAt(t, d, clk)
			e.q = jobs.New(d, jobs.Options{Now: clk.now, PollInterval: 5 * time.Millisecond, Workers: 3})
			// Delivering the notifications by push and e-mail is
			// internal/notify's to test; here they only must not fail.
			e.q.Handle(notify.DeliverKind, func(context.Context, *jobs.Job) error { return nil })
			e.d = dispatch.New(d, e.q, e.acc, e.help, dispatch.Options{Now: clk.now})
			instances[i] = e
			wg.Add(1)
			go func() { defer wg.Done(); e.q.Run(ctx) }()
		}
		defer func() { cancel(); wg.Wait() }()

		// Seekers post on both instances at once.
		var posted sync.WaitGroup
		reqs := make([]string, len(seekers))
		for i, s := range seekers {
			posted.Add(1)
			go func() {
				defer posted.Done()
				v, err := instances[i%2].help.CreateRequest(ctx, s, groceries(), i18n.NL)
				if err != nil {
					t.Error(err)
					return
				}
				reqs[i] = v.ID
			}()
		}
		posted.Wait()
		if t.Failed() {
			return
		}
		waitFor := func(what string, ok func() bool) {
			t.Helper()
			for deadline := time.Now().Add(30 * time.Second); !ok(); time.Sleep(10 * time.Millisecond) {
				if time.Now().After(deadline) {
					t.Fatalf("timed out waiting for %s", what)
				}
			}
		}
		sent := func() int {
			return setup.count("SELECT COUNT(*) FROM invitations WHERE sent_at IS NOT NULL")
		}
		// The clock jumps only when no job is running: a jump of half an
		// hour in the middle of a job would end its lease (five minutes),
		// which no real clock does.
		idle := func() bool { return setup.count("SELECT COUNT(*) FROM jobs WHERE state = 'running'") == 0 }
		waitFor("a first invitation for every request", func() bool { return sent() >= len(reqs) && idle() })
		// Every deadline passes at once; both instances race for the jobs.
		clk.add(31 * time.Minute)
		waitFor("a second invitation for every request", func() bool { return sent() >= 2*len(reqs) && idle() })
		clk.add(31 * time.Minute)
		waitFor("a third invitation for every request", func() bool { return sent() >= 3*len(reqs) && idle() })
		time.Sleep(100 * time.Millisecond) // let anything doubled show up

		if n := sent(); n != 3*len(reqs) {
			t.Fatalf("%d invitations sent, want %d", n, 3*len(reqs))
		}
		if n := setup.count("SELECT COUNT(*) FROM notifications WHERE kind = 'invitation'"); n != 3*len(reqs) {
			t.Fatalf("%d invitation notifications for %d invitations", n, 3*len(reqs))
		}
		for _, r := range reqs {
			if n := setup.count("SELECT COUNT(*) FROM invitations WHERE request_id = ? AND status = 'open'", r); n != 1 {
				t.Fatalf("request %s has %d open invitations, want 1 (batch 1)", r, n)
			}
		}
		if n := setup.count("SELECT COUNT(*) FROM jobs WHERE state = 'failed' OR last_error <> ''"); n != 0 {
			t.Fatalf("%d jobs failed", n)
		}
		t.Logf("jobs run by %d workers", setup.count("SELECT COUNT(DISTINCT locked_by) FROM jobs WHERE state = 'done'"))
	})
}
