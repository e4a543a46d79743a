package message_test

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/noaber/noaber/internal/account"
	"github.com/noaber/noaber/internal/live"
	"github.com/noaber/noaber/internal/message"
	"github.com/noaber/noaber/internal/notify"
	"github.com/noaber/noaber/internal/store"
	"github.com/noaber/noaber/internal/testkit"
)

func TestSendUnreadAndReadMarkers(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		anna, bram := e.person("Anna", zutphen), e.person("Bram", east(1))
		subB, subA := e.live.Subscribe(bram.ID), e.live.Subscribe(anna.ID)
		defer subB.Close()
		defer subA.Close()

		c, first := e.direct(anna, bram, "  Hoi Bram, zal ik je helpen met de tuin?  ")
		if first.Body != "Hoi Bram, zal ik je helpen met de tuin?" || !first.Mine || first.SenderName != anna.DisplayName() {
			t.Fatalf("first message: %+v", first)
		}
		if ev := next(t, subB); ev.Kind != live.KindMessage || ev.ConversationID != c.ID || ev.MessageID != first.ID {
			t.Fatalf("Bram's event: %+v", ev)
		}
		if ev := next(t, subA); ev.Kind != live.KindMessage || ev.MessageID != first.ID {
			t.Fatalf("Anna's other tabs' event: %+v", ev)
		}
		e.clk.add(time.Minute)
		e.send(anna, c.ID, "Ik heb morgen tijd.")
		next(t, subB)
		next(t, subA)

		if n := e.unread(bram); n != 2 {
			t.Fatalf("Bram's unread total %d, want 2", n)
		}
		if n := e.unread(anna); n != 0 {
			t.Fatalf("Anna's unread total %d, want 0", n)
		}
		cb := e.get(bram, c.ID)
		if cb.Unread != 2 || cb.Role != message.RoleHelper || cb.Other.DisplayName != anna.DisplayName() || cb.Other.Town != "Zutphen" ||
			!cb.Other.Active || cb.Kind != message.KindDirect || cb.LastMessage != "Ik heb morgen tijd." || cb.LastFromMe || !cb.CanSend {
			t.Fatalf("Bram's view: %+v", cb)
		}
		msgs, more, err := e.m.Messages(e.ctx, anna, c.ID, "", 0)
		if err != nil || more || len(msgs) != 2 || msgs[0].ID != first.ID || msgs[1].Read {
			t.Fatalf("Anna's messages before Bram read: %+v %v %v", msgs, more, err)
		}
		if got := e.count("SELECT COUNT(*) FROM notifications WHERE user_id = ? AND conversation_id = ? AND read_at IS NULL",
			bram.ID, c.ID); got != 2 {
			t.Fatalf("Bram has %d unread message notifications", got)
		}

		// Bram reads: his count, his notifications, and Anna's page hears.
		e.clk.add(time.Minute)
		if err := e.m.MarkRead(e.ctx, bram, c.ID); err != nil {
			t.Fatal(err)
		}
		if ev := next(t, subA); ev.Kind != live.KindRead || ev.ConversationID != c.ID {
			t.Fatalf("Anna's read event: %+v", ev)
		}
		if n := e.unread(bram); n != 0 {
			t.Fatalf("Bram's unread total after reading %d", n)
		}
		if got := e.count("SELECT COUNT(*) FROM notifications WHERE user_id = ? AND conversation_id = ? AND read_at IS NULL",
			bram.ID, c.ID); got != 0 {
			t.Fatalf("%d message notifications still unread", got)
		}
		msgs, _, _ = e.m.Messages(e.ctx, anna, c.ID, "", 0)
		if !msgs[0].Read || !msgs[1].Read {
			t.Fatalf("Anna's messages not marked read: %+v", msgs)
		}
		if ca := e.get(anna, c.ID); ca.OtherReadAt.IsZero() || ca.Role != message.RoleSeeker || !ca.LastFromMe {
			t.Fatalf("Anna's view: %+v", ca)
		}
		// Bram's own message is not "read" until Anna reads it.
		e.clk.add(time.Minute)
		reply := e.send(bram, c.ID, "Graag!")
		msgs, _, _ = e.m.Messages(e.ctx, bram, c.ID, "", 0)
		if last := msgs[len(msgs)-1]; last.ID != reply.ID || last.Read || !last.Mine || msgs[0].Mine || msgs[0].Read {
			t.Fatalf("Bram's messages: %+v", msgs)
		}
		if n := e.unread(anna); n != 1 {
			t.Fatalf("Anna's unread %d, want 1", n)
		}

		// Reading again with nothing new changes nothing (and tells nobody).
		before := e.snapshot()
		if err := e.m.MarkRead(e.ctx, bram, c.ID); err != nil {
			t.Fatal(err)
		}
		if e.snapshot() != before {
			t.Fatal("a second MarkRead changed rows")
		}
		wantCode(t, e.m.MarkRead(e.ctx, e.person("Cor", zutphen), c.ID), 404, "not_found")
	})
}

func TestSendWritesOneNotificationAndOneDeliveryJob(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		anna, bram := e.person("Anna", zutphen), e.person("Bram", east(1))
		c, m := e.direct(anna, bram, "Hallo")
		var notID, kind, ref, conv string
		if err := db.QueryRow(e.ctx, "SELECT id, kind, ref, conversation_id FROM notifications WHERE user_id = ?", bram.ID).
			Scan(&notID, &kind, &ref, &conv); err != nil {
			t.Fatal(err)
		}
		if kind != notify.Message || ref != m.ID || conv != c.ID {
			t.Fatalf("notification %s %s %s", kind, ref, conv)
		}
		if n := e.count("SELECT COUNT(*) FROM notifications"); n != 1 {
			t.Fatalf("%d notifications, want 1 (none for the sender)", n)
		}
		if n := e.count("SELECT COUNT(*) FROM jobs WHERE kind = ?", notify.DeliverKind); n != 1 {
			t.Fatalf("%d delivery jobs, want 1", n)
		}
		if n := e.count("SELECT COUNT(*) FROM jobs WHERE kind = ? AND payload LIKE ?", notify.DeliverKind, "%"+notID+"%"); n != 1 {
			t.Fatal("the delivery job is not about the notification")
		}
	})
}

func TestRefusedSendsWriteNothing(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		anna, bram, cor, dirk := e.person("Anna", zutphen), e.person("Bram", east(1)), e.person("Cor", east(2)), e.person("Dirk", east(3))
		ab, _ := e.direct(anna, bram, "Hallo Bram")
		ac, _ := e.direct(anna, cor, "Hallo Cor")
		ad, _ := e.direct(anna, dirk, "Hallo Dirk")
		if err := e.acc.Block(e.ctx, bram, anna.ID); err != nil { // Bram blocked Anna
			t.Fatal(err)
		}
		if err := e.acc.Block(e.ctx, anna, cor.ID); err != nil { // Anna blocked Cor
			t.Fatal(err)
		}
		e.exec("UPDATE users SET status = 'removed' WHERE id = ?", dirk.ID)
		stranger := e.person("Eva", zutphen)

		before := e.snapshot()
		unreadB := e.unread(bram)
		// To someone who blocked you, and back.
		_, err := e.m.Send(e.ctx, anna, ab.ID, "Ben je er nog?", "")
		wantCode(t, err, 403, "blocked")
		_, err = e.m.Send(e.ctx, bram, ab.ID, "Ik wil niet meer", "")
		wantCode(t, err, 403, "blocked")
		// Someone you blocked.
		_, err = e.m.Send(e.ctx, anna, ac.ID, "Toch nog iets", "")
		wantCode(t, err, 403, "blocked")
		// Into a conversation you are not part of, or that does not exist.
		_, err = e.m.Send(e.ctx, stranger, ad.ID, "Mag ik meedoen?", "")
		wantCode(t, err, 404, "not_found")
		_, err = e.m.Send(e.ctx, stranger, "no-such-conversation", "Hallo", "")
		wantCode(t, err, 404, "not_found")
		// Empty, only spaces, too long.
		_, err = e.m.Send(e.ctx, anna, ad.ID, "", "")
		wantField(t, err, "body", "message.body_empty")
		_, err = e.m.Send(e.ctx, anna, ad.ID, " \n\t ", "")
		wantField(t, err, "body", "message.body_empty")
		_, err = e.m.Send(e.ctx, anna, ad.ID, strings.Repeat("é", message.MaxBody+1), "")
		wantField(t, err, "body", "message.body_too_long")
		_, err = e.m.Send(e.ctx, anna, ad.ID, "bel\x00l", "")
		wantField(t, err, "body", "message.body_invalid")
		_, err = e.m.Send(e.ctx, anna, ad.ID, "Hallo", strings.Repeat("k", message.MaxClientKey+1))
		wantField(t, err, "client_key", "message.client_key_invalid")
		// To a removed account.
		_, err = e.m.Send(e.ctx, anna, ad.ID, "Hallo Dirk?", "")
		wantCode(t, err, 410, "recipient_gone")
		e.exec("UPDATE users SET status = 'suspended' WHERE id = ?", dirk.ID)
		_, err = e.m.Send(e.ctx, anna, ad.ID, "Hallo Dirk?", "")
		wantCode(t, err, 410, "recipient_gone")
		// Starting a new one with them is refused the same way.
		_, _, err = e.m.Start(e.ctx, anna, message.StartInput{UserID: dirk.ID, Body: "Hoi"})
		wantCode(t, err, 404, "not_found")
		_, _, err = e.m.Start(e.ctx, anna, message.StartInput{UserID: bram.ID, Body: "Hoi"})
		wantCode(t, err, 404, "not_found")

		if after := e.snapshot(); after != before {
			t.Fatalf("a refused send changed rows:\n%s\nwas\n%s", after, before)
		}
		if e.unread(bram) != unreadB {
			t.Fatal("Bram's unread count changed")
		}
		// Exactly MaxBody characters is fine.
		e.exec("UPDATE users SET status = 'active' WHERE id = ?", dirk.ID)
		if _, err := e.m.Send(e.ctx, anna, ad.ID, strings.Repeat("é", message.MaxBody), ""); err != nil {
			t.Fatal(err)
		}
	})
}

func TestClientKeyMakesARetrySendOnce(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		anna, bram := e.person("Anna", zutphen), e.person("Bram", east(1))
		c, _, err := e.m.Start(e.ctx, anna, message.StartInput{UserID: bram.ID, Body: "Hallo", ClientKey: "k1"})
		if err != nil {
			t.Fatal(err)
		}
		m1, err := e.m.Send(e.ctx, anna, c.ID, "Kom je morgen?", "k2")
		if err != nil {
			t.Fatal(err)
		}
		before := e.snapshot()
		e.clk.add(time.Second)
		m2, err := e.m.Send(e.ctx, anna, c.ID, "Kom je morgen?", "k2")
		if err != nil || m2.ID != m1.ID || !m2.CreatedAt.Equal(m1.CreatedAt) || m2.Body != m1.Body {
			t.Fatalf("retry: %+v %v, first %+v", m2, err, m1)
		}
		// The retried Start returns the conversation and its first message.
		c2, first, err := e.m.Start(e.ctx, anna, message.StartInput{UserID: bram.ID, Body: "Hallo", ClientKey: "k1"})
		if err != nil || c2.ID != c.ID || first.Body != "Hallo" {
			t.Fatalf("retried Start: %+v %+v %v", c2, first, err)
		}
		if e.snapshot() != before {
			t.Fatal("a retry wrote something")
		}
		if e.unread(bram) != 2 {
			t.Fatalf("Bram's unread %d, want 2", e.unread(bram))
		}
		// Bram may use the same key: keys are per sender.
		if _, err := e.m.Send(e.ctx, bram, c.ID, "Ja", "k2"); err != nil {
			t.Fatal(err)
		}
		// A key used in another conversation is a client's mistake.
		cor := e.person("Cor", east(2))
		other, _ := e.direct(anna, cor, "Hoi Cor")
		before = e.snapshot()
		_, err = e.m.Send(e.ctx, anna, other.ID, "Kom je morgen?", "k2")
		wantField(t, err, "client_key", "message.client_key_used")
		if e.snapshot() != before {
			t.Fatal("a reused key wrote something")
		}
	})
}

// Two people who start a conversation with each other at the same moment,
// and a double tap sent on two connections, each end up once.
func TestConcurrentStartsAndRetries(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		anna, bram := e.person("Anna", zutphen), e.person("Bram", east(1))
		var wg sync.WaitGroup
		convs := make([]string, 2)
		errs := make([]error, 4)
		for i, pair := range [][2]*account.User{{anna, bram}, {bram, anna}} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				c, _, err := e.m.Start(e.ctx, pair[0], message.StartInput{UserID: pair[1].ID, Body: "Hoi!"})
				if err == nil {
					convs[i] = c.ID
				}
				errs[i] = err
			}()
		}
		wg.Wait()
		if errs[0] != nil || errs[1] != nil || convs[0] != convs[1] {
			t.Fatalf("concurrent starts: %v %v %v", convs, errs[0], errs[1])
		}
		msgs := make([]*message.Message, 2)
		for i := range msgs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				msgs[i], errs[2+i] = e.m.Send(e.ctx, anna, convs[0], "Dubbel getikt", "tap-1")
			}()
		}
		wg.Wait()
		if errs[2] != nil || errs[3] != nil || msgs[0].ID != msgs[1].ID {
			t.Fatalf("double tap: %v %v", errs[2], errs[3])
		}
		if n := e.count("SELECT COUNT(*) FROM messages WHERE body = 'Dubbel getikt'"); n != 1 {
			t.Fatalf("%d copies of the double tap", n)
		}
		if n := e.count("SELECT COUNT(*) FROM conversations"); n != 1 {
			t.Fatalf("%d conversations", n)
		}
	})
}
