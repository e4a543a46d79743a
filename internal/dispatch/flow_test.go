package dispatch_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/noaber/noaber/internal/dispatch"
	"github.com/noaber/noaber/internal/notify"
	"github.com/noaber/noaber/internal/store"
	"github.com/noaber/noaber/internal/testkit"
)

// The whole round: nearest first, a "no" moves on, a "yes" matches, the
// others are withdrawn, and the seeker sees it all without names until
// the match.
func TestDeclineMovesOnAcceptMatches(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		seeker := e.person("Sanne", zutphen)
		a := e.helper("Anna", 0.3)
		b := e.helper("Bram", 0.6)
		c := e.helper("Cor", 0.9)
		req := e.post(seeker, groceries())

		if got := e.invitedInOrder(req.ID); !slices.Equal(got, ids(a)) {
			t.Fatalf("invited %v, want only the nearest %v", got, ids(a))
		}
		inv := e.open(a)
		if len(inv) != 1 || inv[0].Request.ID != req.ID || inv[0].Request.Town != "Zutphen" {
			t.Fatalf("Anna's invitations: %+v", inv)
		}
		if !inv[0].DeadlineAt.Equal(startTime.Add(30 * time.Minute)) {
			t.Fatalf("deadline %v, want 30 minutes", inv[0].DeadlineAt)
		}
		p := e.progress(seeker, req.ID)
		if p.Status != dispatch.Searching || p.Asked != 1 || p.Waiting != 1 || p.Helper != nil {
			t.Fatalf("progress %+v", p)
		}

		if err := e.d.Decline(e.ctx, a, inv[0].ID, 0); err != nil {
			t.Fatal(err)
		}
		if got := e.invitedInOrder(req.ID); !slices.Equal(got, ids(a, b)) {
			t.Fatalf("after a no: invited %v, want %v", got, ids(a, b))
		}
		p = e.progress(seeker, req.ID)
		if p.Asked != 2 || p.Declined != 1 || p.Waiting != 1 {
			t.Fatalf("progress %+v", p)
		}

		m, err := e.d.Accept(e.ctx, b, e.open(b)[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		if m.RequestID != req.ID || m.ConversationID == "" {
			t.Fatalf("match %+v", m)
		}
		p = e.progress(seeker, req.ID)
		if p.Status != dispatch.Matched || p.Helper == nil || !strings.HasPrefix(p.Helper.DisplayName, "Bram") || p.ConversationID != m.ConversationID {
			t.Fatalf("progress after yes: %+v", p)
		}
		if got := e.count("SELECT COUNT(*) FROM requests WHERE id = ? AND status = 'matched'", req.ID); got != 1 {
			t.Fatal("the request is not matched")
		}
		// Nobody else is asked once matched, even when time passes.
		e.wait(2 * time.Hour)
		if got := e.invitedInOrder(req.ID); !slices.Equal(got, ids(a, b)) {
			t.Fatalf("after the match: invited %v", got)
		}
		_ = c
		// The seeker was told; Bram has his conversation.
		ns, err := notify.New(db, e.clk.now).List(e.ctx, seeker.ID)
		if err != nil || len(ns) != 1 || ns[0].Kind != notify.Matched {
			t.Fatalf("seeker's notifications %+v %v", ns, err)
		}
		all, err := e.d.Invitations(e.ctx, b, "nl")
		if err != nil || len(all) != 1 || all[0].Status != dispatch.InvAccepted || all[0].ConversationID != m.ConversationID {
			t.Fatalf("Bram's invitations %+v %v", all, err)
		}
	})
}
