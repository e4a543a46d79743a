package dispatch_test

import (
	"slices"
	"testing"
	"time"

	"github.com/noaber/noaber/internal/account"
	"github.com/noaber/noaber/internal/apperr"
	"github.com/noaber/noaber/internal/dispatch"
	"github.com/noaber/noaber/internal/store"
	"github.com/noaber/noaber/internal/testkit"
)

// Of two helpers as near, the one asked less this week goes first, and a
// coordinator can see why.
func TestFairnessAndTheExplanation(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		busy := e.helper("Druk", 0.50)
		fresh := e.helper("Fris", 0.52)
		// Druk was asked three times this week while Fris was away (each
		// seeker then found help elsewhere and cancelled).
		pause := func(until any) {
			if _, err := db.Exec(e.ctx, "UPDATE helper_settings SET paused_until = ? WHERE user_id = ?", until, fresh.ID); err != nil {
				t.Fatal(err)
			}
		}
		pause(startTime.Add(time.Hour))
		for i := 0; i < 3; i++ {
			seeker := e.person("S", zutphen)
			r := e.post(seeker, groceries())
			if got := e.invitedInOrder(r.ID); !slices.Equal(got, ids(busy)) {
				t.Fatalf("warm-up %d invited %v", i, got)
			}
			if err := e.help.CancelRequest(e.ctx, seeker, r.ID); err != nil {
				t.Fatal(err)
			}
		}
		pause(nil)
		req := e.post(e.person("Sanne", zutphen), groceries())
		if got := e.invitedInOrder(req.ID); !slices.Equal(got, ids(fresh)) {
			t.Fatalf("invited %v, want Fris (asked less this week) before Druk", got)
		}

		coord := e.person("Coby", zutphen)
		if _, err := e.d.Explain(e.ctx, coord, req.ID); !isNotFound(err) {
			t.Fatalf("a member saw the explanation: %v", err)
		}
		if err := e.acc.GrantRole(e.ctx, coord.Email, "nederland", account.RoleCoordinator); err != nil {
			t.Fatal(err)
		}
		x, err := e.d.Explain(e.ctx, coord, req.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(x.Invitations) != 1 || x.Weights != dispatch.DefaultWeights() {
			t.Fatalf("explanation %+v", x)
		}
		r := x.Invitations[0]
		want := 0.52*1 - 0.5*1 - 0.75*2 + 0*0.5 // km·distance − fit·fit − reliability·reliability + recent·fairness
		if r.Rank != 1 || r.Helper.ID != fresh.ID || r.Recent != 0 || r.Km != 1 || r.Reliability != 0.75 || r.Fit != 0.5 ||
			r.Score < want-0.02 || r.Score > want+0.02 || r.Status != dispatch.InvOpen {
			t.Fatalf("ranked %+v, want score %.2f", r, want)
		}
	})
}

func isNotFound(err error) bool {
	ae, ok := apperr.As(err)
	return ok && ae.Status == 404
}
