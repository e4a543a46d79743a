package dispatch_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/noaber/noaber/internal/account"
	"github.com/noaber/noaber/internal/apperr"
	"github.com/noaber/noaber/internal/dispatch"
	"github.com/noaber/noaber/internal/notify"
	"github.com/noaber/noaber/internal/store"
	"github.com/noaber/noaber/internal/testkit"
)

// snapshot is every row a wrong answer could change.
func (e *env) snapshot() string {
	e.t.Helper()
	var out string
	for _, q := range []string{
		"SELECT id || status || COALESCE(withdrawn_why, '') FROM invitations ORDER BY id",
		"SELECT request_id || status || COALESCE(helper_id, '') FROM dispatches ORDER BY request_id",
		"SELECT id || status FROM requests ORDER BY id",
		"SELECT id FROM conversations ORDER BY id",
		"SELECT user_id || kind || ref FROM notifications ORDER BY id",
		"SELECT user_id || COALESCE(CAST(paused_until AS TEXT), '') FROM helper_settings ORDER BY user_id",
	} {
		rows, err := e.db.Query(e.ctx, q)
		if err != nil {
			e.t.Fatal(err)
		}
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				e.t.Fatal(err)
			}
			out += s + "\n"
		}
		rows.Close()
	}
	return out
}

func TestWrongAnswersChangeNothing(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		e.setEdition(2, 30, 10, 24)
		seeker := e.person("Sanne", zutphen)
		a := e.helper("Anna", 0.3)
		b := e.helper("Bram", 0.6)
		c := e.helper("Cor", 0.9)
		req := e.post(seeker, groceries())
		invA, invB := e.open(a)[0].ID, e.open(b)[0].ID

		before := e.snapshot()
		// Someone else's invitation, one that does not exist, bad pause.
		wantCode(t, func() error { _, err := e.d.Accept(e.ctx, c, invA); return err }(), 404, "not_found")
		wantCode(t, e.d.Decline(e.ctx, seeker, invA, 0), 404, "not_found")
		wantCode(t, func() error { _, err := e.d.Accept(e.ctx, a, "no-such-id"); return err }(), 404, "not_found")
		err := e.d.Decline(e.ctx, a, invA, dispatch.MaxPauseDays+1)
		if ae, ok := apperr.As(err); !ok || ae.Field("pause_days") != "dispatch.pause_days_invalid" {
			t.Fatalf("bad pause: %v", err)
		}
		if after := e.snapshot(); after != before {
			t.Fatalf("a wrong answer changed rows:\n%s\nwas\n%s", after, before)
		}

		// Answering twice.
		if err := e.d.Decline(e.ctx, a, invA, 0); err != nil {
			t.Fatal(err)
		}
		before = e.snapshot()
		wantCode(t, e.d.Decline(e.ctx, a, invA, 0), 409, "invitation_answered")
		wantCode(t, func() error { _, err := e.d.Accept(e.ctx, a, invA); return err }(), 409, "invitation_answered")
		if after := e.snapshot(); after != before {
			t.Fatal("answering twice changed rows")
		}

		// Cor was invited after Anna's no; Bram says yes: Cor's is withdrawn.
		invC := e.open(c)[0].ID
		if _, err := e.d.Accept(e.ctx, b, invB); err != nil {
			t.Fatal(err)
		}
		before = e.snapshot()
		wantCode(t, func() error { _, err := e.d.Accept(e.ctx, c, invC); return err }(), 409, "already_matched")
		wantCode(t, func() error { _, err := e.d.Accept(e.ctx, b, invB); return err }(), 409, "invitation_answered")
		if after := e.snapshot(); after != before {
			t.Fatal("accepting a withdrawn invitation changed rows")
		}
		if n := e.count("SELECT COUNT(*) FROM notifications WHERE user_id = ? AND kind = ?", c.ID, notify.InvitationWithdrawn); n != 1 {
			t.Fatalf("Cor got %d withdrawn notifications", n)
		}
		_ = req
	})
}

func TestExpiredAndCancelled(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		seeker := e.person("Sanne", zutphen)
		a := e.helper("Anna", 0.3)
		b := e.helper("Bram", 0.6)
		req := e.post(seeker, groceries())
		invA := e.open(a)[0].ID

		// The deadline passed but its job has not run yet: still too late.
		e.clk.add(31 * time.Minute)
		before := e.snapshot()
		wantCode(t, func() error { _, err := e.d.Accept(e.ctx, a, invA); return err }(), 409, "invitation_expired")
		if e.snapshot() != before {
			t.Fatal("a late yes changed rows")
		}
		e.run()
		wantCode(t, func() error { _, err := e.d.Accept(e.ctx, a, invA); return err }(), 409, "invitation_expired")
		invB := e.open(b)[0].ID

		// The seeker cancels: Bram's invitation is withdrawn and he is told.
		if err := e.help.CancelRequest(e.ctx, seeker, req.ID); err != nil {
			t.Fatal(err)
		}
		wantCode(t, func() error { _, err := e.d.Accept(e.ctx, b, invB); return err }(), 409, "invitation_withdrawn")
		if st, _ := e.status(req.ID); st != dispatch.Stopped {
			t.Fatalf("dispatch %s after cancel", st)
		}
		if n := e.count("SELECT COUNT(*) FROM notifications WHERE user_id = ? AND kind = ?", b.ID, notify.InvitationWithdrawn); n != 1 {
			t.Fatalf("Bram got %d withdrawn notifications", n)
		}
		e.wait(time.Hour)
		if n := len(e.invitedInOrder(req.ID)); n != 2 {
			t.Fatalf("%d invitations after cancel", n)
		}

		// A request that expires stops its dispatch the same way.
		in := groceries()
		in.WhenKind, in.Date, in.From, in.To = "window", "2026-11-24", "12:00", "13:00"
		req2 := e.post(e.person("Sem", zutphen), in)
		e.wait(4 * time.Hour)
		if _, err := e.help.ExpireDue(e.ctx); err != nil {
			t.Fatal(err)
		}
		if st, _ := e.status(req2.ID); st != dispatch.Stopped {
			t.Fatalf("dispatch %s after expiry", st)
		}
		if n := e.count("SELECT COUNT(*) FROM invitations WHERE request_id = ? AND status IN ('open', 'scheduled')", req2.ID); n != 0 {
			t.Fatalf("%d invitations still open after expiry", n)
		}
	})
}

func TestSoonRequestsGetShorterDeadlines(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		a := e.helper("Anna", 0.3)
		in := groceries()
		// 10:00 now; help wanted from 11:00: a quarter of the hour left.
		in.WhenKind, in.Date, in.From, in.To = "window", "2026-11-24", "11:00", "12:00"
		e.post(e.person("Sanne", zutphen), in)
		inv := e.open(a)
		if len(inv) != 1 || inv[0].DeadlineAt.Sub(inv[0].SentAt) != 15*time.Minute {
			t.Fatalf("invitations %+v, want a 15 minute deadline", inv)
		}
	})
}

func TestShowOnlyInvitesNobody(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		e.helper("Anna", 0.3)
		seeker := e.person("Sanne", zutphen)
		in := groceries()
		in.ShowOnly = true
		req := e.post(seeker, in)
		if n := len(e.invitedInOrder(req.ID)); n != 0 {
			t.Fatalf("%d invitations for a show-only request", n)
		}
		if p := e.progress(seeker, req.ID); p.Status != dispatch.Off {
			t.Fatalf("progress %+v", p)
		}
		wantCode(t, func() error { _, err := e.d.Progress(e.ctx, e.person("Nosy", zutphen), req.ID); return err }(), 404, "not_found")
	})
}

// Fifty helpers say yes at the same moment: exactly one wins.
func TestExactlyOneAcceptWins(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		const n = 50
		e.setEdition(n, 30, 10, 24) // all fifty invited at once (beyond what a coordinator may set)
		seeker := e.person("Sanne", zutphen)
		var helpers []*account.User
		for i := 0; i < n; i++ {
			helpers = append(helpers, e.helper(fmt.Sprintf("H%02d", i), 0.1+float64(i)*0.01))
		}
		req := e.post(seeker, groceries())
		invs := make([]string, n)
		for i, h := range helpers {
			open := e.open(h)
			if len(open) != 1 {
				t.Fatalf("helper %d has %d open invitations", i, len(open))
			}
			invs[i] = open[0].ID
		}
		var wg sync.WaitGroup
		start := make(chan struct{})
		errs := make([]error, n)
		for i := range helpers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				_, errs[i] = e.d.Accept(e.ctx, helpers[i], invs[i])
			}()
		}
		close(start)
		wg.Wait()
		winner := -1
		for i, err := range errs {
			if err == nil {
				if winner >= 0 {
					t.Fatalf("helpers %d and %d both won", winner, i)
				}
				winner = i
				continue
			}
			if ae, ok := apperr.As(err); !ok || ae.Code != "already_matched" {
				t.Fatalf("helper %d: %v", i, err)
			}
		}
		if winner < 0 {
			t.Fatal("nobody won")
		}
		if got := e.count("SELECT COUNT(*) FROM invitations WHERE request_id = ? AND status = 'accepted'", req.ID); got != 1 {
			t.Fatalf("%d accepted invitations", got)
		}
		if got := e.count("SELECT COUNT(*) FROM invitations WHERE request_id = ? AND status = 'withdrawn' AND withdrawn_why = 'matched'", req.ID); got != n-1 {
			t.Fatalf("%d withdrawn invitations, want %d", got, n-1)
		}
		if got := e.count("SELECT COUNT(*) FROM conversations WHERE request_id = ?", req.ID); got != 1 {
			t.Fatalf("%d conversations", got)
		}
		p := e.progress(seeker, req.ID)
		if p.Status != dispatch.Matched || p.Helper == nil || p.Helper.ID != helpers[winner].ID {
			t.Fatalf("progress %+v, winner %s", p, helpers[winner].ID)
		}
	})
}
