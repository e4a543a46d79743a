package message_test

import (
	"testing"
	"time"

	"github.com/noaber/noaber/internal/account"
	"github.com/noaber/noaber/internal/apperr"
	"github.com/noaber/noaber/internal/flag"
	"github.com/noaber/noaber/internal/live"
	"github.com/noaber/noaber/internal/message"
	"github.com/noaber/noaber/internal/store"
	"github.com/noaber/noaber/internal/testkit"
)

// dating is a first message the default rules hold (high severity).
const dating = "Ik vind je erg sexy. Stuur je een foto van jezelf?"

func (e *env) tx(fn func(tx *store.Tx) error) {
	e.t.Helper()
	if err := e.db.InTx(e.ctx, fn); err != nil {
		e.t.Fatal(err)
	}
}

// ids lists the ids of the messages u sees in conversation id.
func (e *env) ids(u *account.User, id string) []string {
	e.t.Helper()
	msgs, _, err := e.m.Messages(e.ctx, u, id, "", 0)
	if err != nil {
		e.t.Fatalf("Messages: %v", err)
	}
	out := []string{}
	for _, m := range msgs {
		out = append(out, m.ID)
	}
	return out
}

func (e *env) listed(u *account.User, id string) bool {
	e.t.Helper()
	list, err := e.m.List(e.ctx, u)
	if err != nil {
		e.t.Fatal(err)
	}
	for _, c := range list {
		if c.ID == id {
			return true
		}
	}
	return false
}

func TestHeldMessageReachesNobodyUntilReleased(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		anna, bram := e.person("Anna", zutphen), e.person("Bram", east(1))
		subA, subB := e.live.Subscribe(anna.ID), e.live.Subscribe(bram.ID)
		defer subA.Close()
		defer subB.Close()

		c, held := e.direct(anna, bram, dating)
		if !held.Held || !held.Mine {
			t.Fatalf("the dating message was not held: %+v", held)
		}
		if n := e.count("SELECT COUNT(*) FROM reports WHERE target_kind = 'message' AND target_id = ? AND source = 'flag' AND severity = 'high'", held.ID); n != 1 {
			t.Fatalf("%d high flags on the held message, want 1", n)
		}
		// Anna's own pages hear of it; she sees it, marked held.
		if ev := next(t, subA); ev.Kind != live.KindMessage || ev.MessageID != held.ID {
			t.Fatalf("Anna's event: %+v", ev)
		}
		msgs, _, err := e.m.Messages(e.ctx, anna, c.ID, "", 0)
		if err != nil || len(msgs) != 1 || !msgs[0].Held || msgs[0].Read {
			t.Fatalf("Anna's messages: %+v %v", msgs, err)
		}
		if m, err := e.m.Message(e.ctx, anna, held.ID); err != nil || !m.Held {
			t.Fatalf("Anna's message: %+v %v", m, err)
		}
		if !e.listed(anna, c.ID) || c.LastMessage != dating {
			t.Fatalf("Anna's list lacks her conversation: %+v", c)
		}

		// Bram: no unread count, no notification, nothing in his list or
		// the conversation.
		if n := e.unread(bram); n != 0 {
			t.Fatalf("Bram's unread %d, want 0", n)
		}
		if n := e.count("SELECT COUNT(*) FROM notifications WHERE user_id = ?", bram.ID); n != 0 {
			t.Fatalf("Bram has %d notifications", n)
		}
		if e.listed(bram, c.ID) {
			t.Fatal("Bram's list shows a conversation whose only message is held")
		}
		if got := e.ids(bram, c.ID); len(got) != 0 {
			t.Fatalf("Bram sees %v", got)
		}
		_, err = e.m.Message(e.ctx, bram, held.ID)
		wantCode(t, err, 404, "not_found")
		if cb := e.get(bram, c.ID); cb.LastMessage != "" || cb.Unread != 0 {
			t.Fatalf("Bram's view: %+v", cb)
		}

		// Released: delivered as if sent now.
		e.clk.add(time.Hour)
		e.tx(func(tx *store.Tx) error { return e.m.ReleaseHeld(e.ctx, tx, held.ID) })
		if ev := next(t, subB); ev.Kind != live.KindMessage || ev.MessageID != held.ID {
			t.Fatalf("Bram's first event: %+v (the held message must not have sent one)", ev)
		}
		if n := e.unread(bram); n != 1 {
			t.Fatalf("Bram's unread after release %d, want 1", n)
		}
		if n := e.count("SELECT COUNT(*) FROM notifications WHERE user_id = ? AND ref = ?", bram.ID, held.ID); n != 1 {
			t.Fatalf("%d notifications for the released message", n)
		}
		if got := e.ids(bram, c.ID); len(got) != 1 || got[0] != held.ID || !e.listed(bram, c.ID) {
			t.Fatalf("Bram after release: %v", got)
		}
		if m, _ := e.m.Message(e.ctx, anna, held.ID); m.Held {
			t.Fatal("still held for Anna")
		}
		// Releasing again does nothing.
		before := e.snapshot()
		e.tx(func(tx *store.Tx) error { return e.m.ReleaseHeld(e.ctx, tx, held.ID) })
		if e.snapshot() != before {
			t.Fatal("a second release changed rows")
		}
	})
}

func TestHeldMessageInAGoingConversation(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		anna, bram := e.person("Anna", zutphen), e.person("Bram", east(1))
		c, first := e.direct(anna, bram, "Hoi Bram, kan ik je helpen met de tuin?")
		subB := e.live.Subscribe(bram.ID)
		defer subB.Close()
		e.clk.add(time.Minute)
		held := e.send(anna, c.ID, "Stuur me even een giftcard van 50 euro.")
		if !held.Held {
			t.Fatalf("not held: %+v", held)
		}
		e.clk.add(time.Minute)
		after := e.send(anna, c.ID, "Tot morgen!")
		// Bram's pages hear of the next message only.
		if ev := next(t, subB); ev.MessageID != after.ID {
			t.Fatalf("Bram's event: %+v", ev)
		}
		if got := e.ids(bram, c.ID); len(got) != 2 || got[0] != first.ID || got[1] != after.ID {
			t.Fatalf("Bram sees %v", got)
		}
		if got := e.ids(anna, c.ID); len(got) != 3 || got[1] != held.ID {
			t.Fatalf("Anna sees %v", got)
		}
		if n := e.unread(bram); n != 2 {
			t.Fatalf("Bram's unread %d, want 2", n)
		}
		// What a live connection missed skips it too.
		missed, err := e.m.After(e.ctx, bram, c.ID, first.ID)
		if err != nil || len(missed) != 1 || missed[0].ID != after.ID {
			t.Fatalf("After: %+v %v", missed, err)
		}
		// The list shows Bram the newest message he may see.
		e.clk.add(time.Minute)
		e.send(anna, c.ID, "Ik stuur je mijn IBAN: NL91ABNA0417164300, maak je het over?")
		if cb := e.get(bram, c.ID); cb.LastMessage != "Tot morgen!" {
			t.Fatalf("Bram's preview %q", cb.LastMessage)
		}
	})
}

func TestHiddenMessagesAreGoneForBoth(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		anna, bram, cor := e.person("Anna", zutphen), e.person("Bram", east(1)), e.person("Cor", east(2))
		c, m1 := e.direct(anna, bram, "Hoi Bram, zal ik je helpen?")
		e.clk.add(time.Minute)
		m2 := e.send(anna, c.ID, "Ik kan morgen om tien uur.")
		if n := e.unread(bram); n != 2 {
			t.Fatalf("unread %d", n)
		}
		e.tx(func(tx *store.Tx) error { return e.m.HideMessage(e.ctx, tx, m2.ID) })
		for _, u := range []*account.User{anna, bram} {
			if got := e.ids(u, c.ID); len(got) != 1 || got[0] != m1.ID {
				t.Fatalf("%s sees %v", u.FirstName, got)
			}
			_, err := e.m.Message(e.ctx, u, m2.ID)
			wantCode(t, err, 404, "not_found")
			if cv := e.get(u, c.ID); cv.LastMessage != m1.Body {
				t.Fatalf("%s's preview %q", u.FirstName, cv.LastMessage)
			}
		}
		if n := e.unread(bram); n != 1 {
			t.Fatalf("Bram's unread after hiding an unread message %d, want 1", n)
		}
		if n := e.count("SELECT COUNT(*) FROM notifications WHERE ref = ? AND read_at IS NULL", m2.ID); n != 0 {
			t.Fatal("the hidden message's notification is still unread")
		}

		// A read message hidden does not lower the count below what is unread.
		if err := e.m.MarkRead(e.ctx, bram, c.ID); err != nil {
			t.Fatal(err)
		}
		e.clk.add(time.Minute)
		m3 := e.send(anna, c.ID, "Zeg het maar.")
		e.tx(func(tx *store.Tx) error { return e.m.HideMessage(e.ctx, tx, m1.ID) })
		if n := e.unread(bram); n != 1 {
			t.Fatalf("hiding a read message changed the unread count to %d", n)
		}

		// Held messages of a suspended sender disappear, delivered ones stay.
		cc, cm := e.direct(cor, bram, "Hoi Bram, ik woon ook in Zutphen.")
		e.clk.add(time.Minute)
		ch := e.send(cor, cc.ID, dating)
		e.tx(func(tx *store.Tx) error { return e.m.HideHeldFrom(e.ctx, tx, cor.ID) })
		if got := e.ids(cor, cc.ID); len(got) != 1 || got[0] != cm.ID {
			t.Fatalf("Cor sees %v after HideHeldFrom (held %s)", got, ch.ID)
		}
		e.tx(func(tx *store.Tx) error { return e.m.ReleaseHeld(e.ctx, tx, ch.ID) })
		if got := e.ids(bram, cc.ID); len(got) != 1 {
			t.Fatalf("releasing a hidden message delivered it: %v", got)
		}

		// A removed sender: all of it, for both, and Bram's count.
		e.tx(func(tx *store.Tx) error { return e.m.HideAllFrom(e.ctx, tx, anna.ID) })
		for _, u := range []*account.User{anna, bram} {
			if got := e.ids(u, c.ID); len(got) != 0 {
				t.Fatalf("%s sees %v after HideAllFrom (m3 %s)", u.FirstName, got, m3.ID)
			}
		}
		if cb := e.get(bram, c.ID); cb.Unread != 0 || cb.LastMessage != "" {
			t.Fatalf("Bram's view after HideAllFrom: %+v", cb)
		}
		if n := e.count("SELECT COUNT(*) FROM notifications WHERE user_id = ? AND read_at IS NULL AND conversation_id = ?", bram.ID, c.ID); n != 0 {
			t.Fatalf("%d unread notifications of hidden messages", n)
		}
		// Cor's delivered message stays.
		if got := e.ids(bram, cc.ID); len(got) != 1 || got[0] != cm.ID {
			t.Fatalf("Cor's message to Bram: %v", got)
		}
	})
}

func TestSafetyHintOnAFirstMessageWithAPhoneNumber(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		anna, bram := e.person("Anna", zutphen), e.person("Bram", east(1))
		c, m := e.direct(anna, bram, "Hoi Bram, ik help je graag met de boodschappen. Bel me op 06-12345678.")
		if m.Hint != flag.HintContactFirstMessage || m.Held {
			t.Fatalf("first message with a phone number: hint %q held %v", m.Hint, m.Held)
		}
		// Delivered all the same.
		if n := e.unread(bram); n != 1 {
			t.Fatalf("Bram's unread %d, want 1", n)
		}
		// Bram's first message to someone he does not know yet gets it too.
		reply := e.send(bram, c.ID, "Fijn! Mijn nummer is 06-87654321.")
		if reply.Hint != flag.HintContactFirstMessage || reply.Held {
			t.Fatalf("reply: hint %q held %v", reply.Hint, reply.Held)
		}
		// Once talking, swapping numbers is how help gets arranged.
		again := e.send(anna, c.ID, "Of bel me thuis: 0575-123456.")
		if again.Hint != "" || again.Held {
			t.Fatalf("second message: hint %q held %v", again.Hint, again.Held)
		}
	})
}

func TestNewAccountsStartFewConversationsADay(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		others := make([]*account.User, 12)
		for i := range others {
			others[i] = e.person("Buur", east(float64(i%5)))
		}
		nina := e.personSince("Nina", zutphen, e.clk.now())
		var first *message.Conversation
		for i := 0; i < 3; i++ {
			c, _ := e.direct(nina, others[i], "Hoi, zal ik je helpen met de boodschappen?")
			if i == 0 {
				first = c
			}
		}
		before := e.snapshot()
		_, _, err := e.m.Start(e.ctx, nina, message.StartInput{UserID: others[3].ID, Body: "Hoi, zal ik je helpen?"})
		wantCode(t, err, 429, "contact_limit")
		if ae, _ := apperr.As(err); len(ae.Args) != 2 || ae.Args[1] != 3 {
			t.Fatalf("the message does not say the cap: %v", ae.Args)
		}
		if e.snapshot() != before {
			t.Fatal("a refused start wrote something")
		}
		// Writing on in a conversation she has is fine, also through Start.
		e.send(nina, first.ID, "Ben je er nog?")
		if _, _, err := e.m.Start(e.ctx, nina, message.StartInput{UserID: others[0].ID, Body: "Nog een vraag."}); err != nil {
			t.Fatalf("Start in an existing conversation: %v", err)
		}
		// Someone new writing to her does not count against her.
		e.direct(others[11], nina, "Welkom in de buurt!")

		// A day later the cap is higher and yesterday's count has passed.
		e.clk.add(25 * time.Hour)
		for i := 3; i < 8; i++ {
			e.direct(nina, others[i], "Hoi, zal ik je helpen?")
		}
		_, _, err = e.m.Start(e.ctx, nina, message.StartInput{UserID: others[8].ID, Body: "Hoi, zal ik je helpen?"})
		wantCode(t, err, 429, "contact_limit")

		// A vouched newcomer gets twice as many; the flag rules still
		// put her in the queue (more than 5 on one day in the first week).
		vera := e.personSince("Vera", zutphen, e.clk.now())
		e.exec(`INSERT INTO vouches (id, user_id, edition_id, organisation, vouched_by, created_at)
			VALUES ('v1', ?, ?, 'Welzijn Zutphen', ?, ?)`, vera.ID, vera.EditionID, others[0].ID, e.clk.now())
		for i := 0; i < 6; i++ {
			e.direct(vera, others[i], "Hoi, zal ik je helpen?")
		}
		_, _, err = e.m.Start(e.ctx, vera, message.StartInput{UserID: others[6].ID, Body: "Hoi, zal ik je helpen?"})
		wantCode(t, err, 429, "contact_limit")
		if n := e.count("SELECT COUNT(*) FROM reports WHERE subject_id = ? AND reason = 'contacts'", vera.ID); n != 1 {
			t.Fatalf("%d contact flags on Vera, want 1", n)
		}

		// After the first week: no cap.
		old := e.personSince("Olga", zutphen, e.clk.now().Add(-8*24*time.Hour))
		for i := 0; i < 10; i++ {
			e.direct(old, others[i], "Hoi, zal ik je helpen?")
		}
	})
}

func TestConversationWithASuspendedAccount(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		anna, bram, cor := e.person("Anna", zutphen), e.person("Bram", east(1)), e.person("Cor", east(2))
		c, _ := e.direct(anna, bram, "Hoi Bram, help je me met de tuin?")
		if err := e.m.MarkDone(e.ctx, anna, c.ID); err != nil {
			t.Fatal(err)
		}
		if err := e.m.Thank(e.ctx, anna, c.ID, "Dank je wel, de tuin is prachtig."); err != nil {
			t.Fatal(err)
		}
		if list, err := e.m.ThanksFor(e.ctx, cor, bram.ID); err != nil || len(list) != 1 {
			t.Fatalf("thanks before: %+v %v", list, err)
		}

		e.tx(func(tx *store.Tx) error { return account.Suspend(e.ctx, tx, bram.ID, nil, e.clk.now()) })
		ca := e.get(anna, c.ID)
		if ca.Closed != "suspended" || ca.CanSend || ca.Other.Active {
			t.Fatalf("Anna's view of a suspended Bram: %+v", ca)
		}
		_, err := e.m.Send(e.ctx, anna, c.ID, "Ben je er nog?", "")
		wantCode(t, err, 410, "recipient_gone")
		if ae, _ := apperr.As(err); ae.Key != "message.recipient_suspended" {
			t.Fatalf("key %s", ae.Key)
		}

		// The suspended author's thank-you note leaves others' profiles.
		e.tx(func(tx *store.Tx) error { return account.Reinstate(e.ctx, tx, bram.ID, e.clk.now()) })
		e.tx(func(tx *store.Tx) error { return account.Suspend(e.ctx, tx, anna.ID, nil, e.clk.now()) })
		if list, err := e.m.ThanksFor(e.ctx, cor, bram.ID); err != nil || len(list) != 0 {
			t.Fatalf("thanks from a suspended author: %+v %v", list, err)
		}
		e.tx(func(tx *store.Tx) error { return account.Close(e.ctx, tx, anna.ID, e.clk.now()) })
		if list, err := e.m.ThanksFor(e.ctx, cor, bram.ID); err != nil || len(list) != 0 {
			t.Fatalf("thanks from a removed author: %+v %v", list, err)
		}
		if cb := e.get(bram, c.ID); cb.Closed != "removed" || cb.CanSend {
			t.Fatalf("Bram's view of a removed Anna: %+v", cb)
		}
	})
}
