package message_test

import (
	"strings"
	"testing"
	"time"

	"github.com/noaber/noaber/internal/account"
	"github.com/noaber/noaber/internal/help"
	"github.com/noaber/noaber/internal/live"
	"github.com/noaber/noaber/internal/message"
	"github.com/noaber/noaber/internal/store"
	"github.com/noaber/noaber/internal/testkit"
)

func TestDoneClosesTheMatchedRequestAndTheSeekerThanksOnce(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		seeker := e.person("Sanne", zutphen)
		helper := e.helper("Henk", 0.5)
		req := e.post(seeker, false)
		m := e.accept(helper)
		conv := m.ConversationID
		e.send(helper, conv, "Ik kom om drie uur.")

		// Thanks before it is done, and from the helper: refused.
		before := e.snapshot()
		wantCode(t, e.m.Thank(e.ctx, seeker, conv, "Dank je wel!"), 409, "not_done")
		if e.get(seeker, conv).CanThank {
			t.Fatal("CanThank before done")
		}

		sub := e.live.Subscribe(seeker.ID)
		defer sub.Close()
		if err := e.m.MarkDone(e.ctx, helper, conv); err != nil {
			t.Fatal(err)
		}
		ev := next(t, sub)
		// On PostgreSQL the event of the helper's message, sent before the
		// subscription, may still come in through LISTEN first.
		for ev.Kind == live.KindMessage {
			ev = next(t, sub)
		}
		if ev.Kind != live.KindDone || ev.ConversationID != conv {
			t.Fatalf("seeker's event: %+v", ev)
		}
		var status string
		if err := db.QueryRow(e.ctx, "SELECT status FROM requests WHERE id = ?", req.ID).Scan(&status); err != nil {
			t.Fatal(err)
		}
		if status != help.StatusDone {
			t.Fatalf("request is %s, want done", status)
		}
		if c := e.get(seeker, conv); !c.Done || c.DoneAt.IsZero() || !c.CanThank || c.Thanked {
			t.Fatalf("seeker's view when done: %+v", c)
		}
		if c := e.get(helper, conv); c.CanThank {
			t.Fatal("the helper may thank")
		}
		before = e.snapshot()
		wantCode(t, e.m.MarkDone(e.ctx, seeker, conv), 409, "already_done")
		wantCode(t, e.m.MarkDone(e.ctx, e.person("Piet", zutphen), conv), 404, "not_found")
		wantCode(t, e.m.Thank(e.ctx, helper, conv, "Graag gedaan"), 403, "not_seeker")
		wantField(t, e.m.Thank(e.ctx, seeker, conv, "  "), "body", "message.thanks_empty")
		wantField(t, e.m.Thank(e.ctx, seeker, conv, strings.Repeat("a", message.MaxThanks+1)), "body", "message.thanks_too_long")
		if e.snapshot() != before {
			t.Fatal("a refused MarkDone or Thank wrote something")
		}

		if err := e.m.Thank(e.ctx, seeker, conv, "Dank je wel, Henk! Heel fijn."); err != nil {
			t.Fatal(err)
		}
		if ev := next(t, sub); ev.Kind != live.KindDone {
			t.Fatalf("seeker's event after thanks: %+v", ev)
		}
		wantCode(t, e.m.Thank(e.ctx, seeker, conv, "Nog een keer dank"), 409, "already_thanked")
		if c := e.get(helper, conv); !c.Thanked || c.CanThank || c.ThanksNote == nil ||
			c.ThanksNote.Body != "Dank je wel, Henk! Heel fijn." || c.ThanksNote.FromID != seeker.ID {
			t.Fatalf("after thanks, as the helper sees it: %+v", c)
		}
		if c := e.get(seeker, conv); c.ThanksNote == nil || c.ThanksNote.FromName != seeker.DisplayName() {
			t.Fatalf("after thanks, as the seeker sees it: %+v", c)
		}
		list, err := e.m.ThanksFor(e.ctx, e.person("Piet", zutphen), helper.ID)
		if err != nil || len(list) != 1 || list[0].Body != "Dank je wel, Henk! Heel fijn." || list[0].FromID != seeker.ID ||
			list[0].FromName != seeker.DisplayName() {
			t.Fatalf("thanks: %+v %v", list, err)
		}
	})
}

func TestDoneLeavesARequestOfAnotherHelperAlone(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		seeker := e.person("Sanne", zutphen)
		helper := e.helper("Henk", 0.5)
		other := e.person("Olga", east(1))
		req := e.post(seeker, false)
		c, _, err := e.m.Start(e.ctx, other, message.StartInput{RequestID: req.ID, Body: "Ik kan ook helpen"})
		if err != nil {
			t.Fatal(err)
		}
		e.accept(helper)
		if err := e.m.MarkDone(e.ctx, other, c.ID); err != nil {
			t.Fatal(err)
		}
		if n := e.count("SELECT COUNT(*) FROM requests WHERE id = ? AND status = ?", req.ID, help.StatusMatched); n != 1 {
			t.Fatal("another neighbour's 'done' closed the request Henk said yes to")
		}
	})
}

func TestThanksForHidesBlockedPeople(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		helper := e.person("Henk", zutphen)
		thank := func(name, body string) *account.User {
			seeker := e.person(name, east(1))
			c, _ := e.direct(seeker, helper, "Kun je helpen?")
			if err := e.m.MarkDone(e.ctx, helper, c.ID); err != nil {
				t.Fatal(err)
			}
			if err := e.m.Thank(e.ctx, seeker, c.ID, body); err != nil {
				t.Fatal(err)
			}
			e.clk.add(time.Minute)
			return seeker
		}
		anna := thank("Anna", "Dank van Anna")
		thank("Bram", "Dank van Bram")
		viewer := e.person("Vera", zutphen)

		list, err := e.m.ThanksFor(e.ctx, viewer, helper.ID)
		if err != nil || len(list) != 2 || list[0].Body != "Dank van Bram" || list[1].Body != "Dank van Anna" {
			t.Fatalf("newest first: %+v %v", list, err)
		}
		if err := e.acc.Block(e.ctx, viewer, anna.ID); err != nil {
			t.Fatal(err)
		}
		list, _ = e.m.ThanksFor(e.ctx, viewer, helper.ID)
		if len(list) != 1 || list[0].Body != "Dank van Bram" {
			t.Fatalf("with Anna blocked: %+v", list)
		}
		// Henk himself sees both.
		if own, _ := e.m.ThanksFor(e.ctx, helper, helper.ID); len(own) != 2 {
			t.Fatalf("own thanks: %d", len(own))
		}
		// Someone who blocked the viewer, or whom the viewer blocked, or
		// who is gone: not found.
		if err := e.acc.Block(e.ctx, helper, viewer.ID); err != nil {
			t.Fatal(err)
		}
		_, err = e.m.ThanksFor(e.ctx, viewer, helper.ID)
		wantCode(t, err, 404, "not_found")
		other := e.person("Olga", zutphen)
		e.exec("UPDATE users SET status = 'removed' WHERE id = ?", helper.ID)
		_, err = e.m.ThanksFor(e.ctx, other, helper.ID)
		wantCode(t, err, 404, "not_found")
		_, err = e.m.ThanksFor(e.ctx, other, "no-such-user")
		wantCode(t, err, 404, "not_found")
	})
}
