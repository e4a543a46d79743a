package dispatch_test

import (
	"slices"
	"testing"
	"time"

	"github.com/noaber/noaber/internal/account"
	"github.com/noaber/noaber/internal/dispatch"
	"github.com/noaber/noaber/internal/store"
	"github.com/noaber/noaber/internal/testkit"
	"github.com/noaber/noaber/internal/trust"
)

// vouch gives u a trust signal: a coordinator of u's edition vouches.
func (e *env) vouch(u *account.User) {
	e.t.Helper()
	coord := e.person("Coordinator", zutphen)
	if _, err := e.db.Exec(e.ctx, "INSERT INTO edition_roles (user_id, edition_id, role, created_at) VALUES (?, ?, 'coordinator', ?)",
		coord.ID, u.EditionID, e.clk.now()); err != nil {
		e.t.Fatal(err)
	}
	ts := trust.New(e.db, e.acc, trust.Options{Now: e.clk.now})
	if err := ts.Vouch(e.ctx, coord, u.ID, trust.VouchInput{Organisation: "Welzijn Zutphen"}); err != nil {
		e.t.Fatal(err)
	}
}

// suspend suspends u and withdraws their invitations, in one
// transaction, as moderation does.
func (e *env) suspend(u *account.User) {
	e.t.Helper()
	if err := e.db.InTx(e.ctx, func(tx *store.Tx) error {
		if err := account.Suspend(e.ctx, tx, u.ID, nil, e.clk.now()); err != nil {
			return err
		}
		return e.d.HelperGone(e.ctx, tx, u.ID)
	}); err != nil {
		e.t.Fatal(err)
	}
	e.run()
}

// A seeker who asks for trusted helpers only: the nearer helper without a
// signal is skipped, and never asked later either.
func TestTrustedOnlyInvitesOnlyHelpersWithASignal(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		seeker := e.person("Sanne", zutphen)
		a := e.helper("Anna", 0.3)
		b := e.helper("Bram", 0.6)
		c := e.helper("Cor", 0.9)
		e.vouch(b)
		in := groceries()
		in.TrustedOnly = true
		req := e.post(seeker, in)
		if got := e.invitedInOrder(req.ID); !slices.Equal(got, ids(b)) {
			t.Fatalf("invited %v, want only Bram %v (Anna %s is nearer, without a signal)", got, ids(b), a.ID)
		}
		if err := e.d.Decline(e.ctx, b, e.open(b)[0].ID, 0); err != nil {
			t.Fatal(err)
		}
		if got := e.invitedInOrder(req.ID); !slices.Equal(got, ids(b)) {
			t.Fatalf("after Bram's no: invited %v", got)
		}
		if st, reason := e.status(req.ID); st != dispatch.Escalated || reason != dispatch.ReasonExhausted {
			t.Fatalf("dispatch %s %s, want escalated: nobody else has a signal", st, reason)
		}

		// The same request without the wish asks the nearest first.
		req2 := e.post(seeker, groceries())
		if got := e.invitedInOrder(req2.ID); !slices.Equal(got, ids(a)) {
			t.Fatalf("without trusted-only: invited %v, want Anna", got)
		}
		_ = c
	})
}

// A helper whose account is suspended while invited: the invitation is
// withdrawn and the next helper is asked at once, and a suspended helper
// is never asked for a new request.
func TestHelperGoneMovesOn(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		seeker := e.person("Sanne", zutphen)
		a := e.helper("Anna", 0.3)
		b := e.helper("Bram", 0.6)
		req := e.post(seeker, groceries())
		if got := e.invitedInOrder(req.ID); !slices.Equal(got, ids(a)) {
			t.Fatalf("invited %v, want Anna", got)
		}

		e.clk.add(time.Minute)
		e.suspend(a)
		if got := e.count("SELECT COUNT(*) FROM invitations WHERE helper_id = ? AND status = ? AND withdrawn_why = ?",
			a.ID, dispatch.InvWithdrawn, dispatch.WithdrawnHelperGone); got != 1 {
			t.Fatalf("%d of Anna's invitations withdrawn, want 1", got)
		}
		if got := e.invitedInOrder(req.ID); !slices.Equal(got, ids(a, b)) {
			t.Fatalf("after Anna was suspended: invited %v, want Anna then Bram", got)
		}
		if got := e.open(b); len(got) != 1 || got[0].Request.ID != req.ID {
			t.Fatalf("Bram's open invitations %+v", got)
		}
		if p := e.progress(seeker, req.ID); p.Status != dispatch.Searching || p.Waiting != 1 {
			t.Fatalf("progress %+v", p)
		}
		// Her deadline job, when it comes, changes nothing.
		e.wait(30 * time.Minute)
		if got := e.count("SELECT COUNT(*) FROM invitations WHERE helper_id = ? AND status = ?", a.ID, dispatch.InvWithdrawn); got != 1 {
			t.Fatal("Anna's withdrawn invitation changed after its deadline")
		}

		// A second call, and a call for someone with no invitations, do
		// nothing.
		before := e.invitedInOrder(req.ID)
		if err := db.InTx(e.ctx, func(tx *store.Tx) error {
			if err := e.d.HelperGone(e.ctx, tx, a.ID); err != nil {
				return err
			}
			return e.d.HelperGone(e.ctx, tx, seeker.ID)
		}); err != nil {
			t.Fatal(err)
		}
		if got := e.invitedInOrder(req.ID); !slices.Equal(got, before) {
			t.Fatalf("a repeated HelperGone invited %v", got)
		}

		req2 := e.post(e.person("Sem", zutphen), groceries())
		if got := e.invitedInOrder(req2.ID); !slices.Equal(got, ids(b)) {
			t.Fatalf("new request: invited %v, want Bram (Anna is suspended)", got)
		}
	})
}
