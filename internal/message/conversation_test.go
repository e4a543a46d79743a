package message_test

import (
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/noaber/noaber/internal/account"
	"github.com/noaber/noaber/internal/help"
	"github.com/noaber/noaber/internal/i18n"
	"github.com/noaber/noaber/internal/message"
	"github.com/noaber/noaber/internal/store"
	"github.com/noaber/noaber/internal/testkit"
)

func TestStartRules(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		seeker, helper, other := e.person("Sanne", zutphen), e.person("Henk", east(1)), e.person("Olga", east(2))
		req := e.post(seeker, true)

		before := e.snapshot()
		_, _, err := e.m.Start(e.ctx, helper, message.StartInput{Body: "Hoi"})
		wantField(t, err, "request_id", "message.target_one")
		_, _, err = e.m.Start(e.ctx, helper, message.StartInput{RequestID: req.ID, UserID: seeker.ID, Body: "Hoi"})
		wantField(t, err, "request_id", "message.target_one")
		_, _, err = e.m.Start(e.ctx, seeker, message.StartInput{RequestID: req.ID, Body: "Hoi"})
		wantCode(t, err, 422, "own_request")
		_, _, err = e.m.Start(e.ctx, seeker, message.StartInput{UserID: seeker.ID, Body: "Hoi"})
		wantCode(t, err, 422, "self")
		_, _, err = e.m.Start(e.ctx, helper, message.StartInput{UserID: "no-such-user", Body: "Hoi"})
		wantCode(t, err, 404, "not_found")
		_, _, err = e.m.Start(e.ctx, helper, message.StartInput{RequestID: "no-such-request", Body: "Hoi"})
		wantCode(t, err, 404, "not_found")
		_, _, err = e.m.Start(e.ctx, helper, message.StartInput{RequestID: req.ID, Body: "   "})
		wantField(t, err, "body", "message.body_empty")
		if e.snapshot() != before {
			t.Fatal("a refused Start wrote something")
		}

		// The helper responds to the request: a request conversation.
		c, m, err := e.m.Start(e.ctx, helper, message.StartInput{RequestID: req.ID, Body: "Ik kan morgen boodschappen doen."})
		if err != nil {
			t.Fatal(err)
		}
		if c.Kind != message.KindRequest || c.RequestID != req.ID || c.Role != message.RoleHelper || c.Other.ID != seeker.ID ||
			c.About != req.Title || c.LastMessage != m.Body || !c.LastFromMe {
			t.Fatalf("conversation: %+v", c)
		}
		// Responding again continues it.
		e.clk.add(time.Minute)
		c2, _, err := e.m.Start(e.ctx, helper, message.StartInput{RequestID: req.ID, Body: "Of overmorgen?"})
		if err != nil || c2.ID != c.ID {
			t.Fatalf("second Start: %+v %v", c2, err)
		}
		if n := e.count("SELECT COUNT(*) FROM conversations"); n != 1 {
			t.Fatalf("%d conversations, want 1", n)
		}
		if cs := e.get(seeker, c.ID); cs.Unread != 2 || cs.Role != message.RoleSeeker {
			t.Fatalf("seeker's view: %+v", cs)
		}

		// From a profile, either way round: one direct conversation.
		d1, _ := e.direct(helper, other, "Hoi Olga")
		d2, _ := e.direct(other, helper, "Hoi Henk")
		if d1.ID != d2.ID || d1.Kind != message.KindDirect || d2.Role != message.RoleHelper {
			t.Fatalf("direct: %+v %+v", d1, d2)
		}

		// A request of someone the viewer blocked is not found.
		if err := e.acc.Block(e.ctx, other, seeker.ID); err != nil {
			t.Fatal(err)
		}
		_, _, err = e.m.Start(e.ctx, other, message.StartInput{RequestID: req.ID, Body: "Hoi"})
		wantCode(t, err, 404, "not_found")

		// A closed request: not found for a stranger, closed for the
		// helper who talks about it.
		if err := e.help.CancelRequest(e.ctx, seeker, req.ID); err != nil {
			t.Fatal(err)
		}
		before = e.snapshot()
		_, _, err = e.m.Start(e.ctx, helper, message.StartInput{RequestID: req.ID, Body: "Nog nodig?"})
		wantCode(t, err, 409, "request_closed")
		stranger := e.person("Piet", east(1))
		_, _, err = e.m.Start(e.ctx, stranger, message.StartInput{RequestID: req.ID, Body: "Nog nodig?"})
		wantCode(t, err, 404, "not_found")
		if e.snapshot() != before {
			t.Fatal("Start on a closed request wrote something")
		}
		// The conversation itself goes on.
		e.send(helper, c.ID, "Jammer, misschien een volgende keer.")
	})
}

func TestStartAboutAnOffer(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		helper, seeker := e.person("Henk", zutphen), e.person("Sanne", east(1))
		o, err := e.help.CreateOffer(e.ctx, helper, help.OfferInput{CategoryID: "groceries", Title: "Boodschappen op zaterdag",
			Body: "Ik ga elke zaterdag naar de markt."}, i18n.NL)
		if err != nil {
			t.Fatal(err)
		}
		_, _, err = e.m.Start(e.ctx, helper, message.StartInput{OfferID: o.ID, Body: "Hoi"})
		wantCode(t, err, 422, "own_offer")
		c, _, err := e.m.Start(e.ctx, seeker, message.StartInput{OfferID: o.ID, Body: "Wil je ook voor mij iets meenemen?"})
		if err != nil {
			t.Fatal(err)
		}
		if c.Kind != message.KindOffer || c.OfferID != o.ID || c.Role != message.RoleSeeker || c.Other.ID != helper.ID || c.About != o.Title {
			t.Fatalf("offer conversation: %+v", c)
		}
		c2, _, err := e.m.Start(e.ctx, seeker, message.StartInput{OfferID: o.ID, Body: "Nog één ding"})
		if err != nil || c2.ID != c.ID {
			t.Fatalf("second Start: %+v %v", c2, err)
		}
		if err := e.help.CloseOffer(e.ctx, helper, o.ID); err != nil {
			t.Fatal(err)
		}
		_, _, err = e.m.Start(e.ctx, e.person("Piet", east(1)), message.StartInput{OfferID: o.ID, Body: "Hoi"})
		wantCode(t, err, 404, "not_found")
	})
}

func TestOpenFindsTheConversationOfAnEarlierResponse(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		seeker := e.person("Sanne", zutphen)
		helper := e.helper("Henk", 0.5)
		req := e.post(seeker, false)
		c, _, err := e.m.Start(e.ctx, helper, message.StartInput{RequestID: req.ID, Body: "Ik kan helpen!"})
		if err != nil {
			t.Fatal(err)
		}
		// Henk is invited and says yes: the dispatcher opens the same one.
		m := e.accept(helper)
		if m.ConversationID != c.ID {
			t.Fatalf("accept opened %s, want the earlier %s", m.ConversationID, c.ID)
		}
		if n := e.count("SELECT COUNT(*) FROM conversations"); n != 1 {
			t.Fatalf("%d conversations", n)
		}
		var pair, started string
		if err := db.QueryRow(e.ctx, "SELECT pair_key, started_by FROM conversations WHERE id = ?", c.ID).Scan(&pair, &started); err != nil {
			t.Fatal(err)
		}
		want := seeker.ID + ":" + helper.ID
		if helper.ID < seeker.ID {
			want = helper.ID + ":" + seeker.ID
		}
		if pair != want || started != helper.ID {
			t.Fatalf("pair_key %s started_by %s", pair, started)
		}
		// Opening it again in a transaction finds it too.
		err = db.InTx(e.ctx, func(tx *store.Tx) error {
			id, err := message.Open(e.ctx, tx, req.ID, seeker.ID, helper.ID, e.clk.now())
			if err == nil && id != c.ID {
				t.Errorf("Open gave %s", id)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}

func TestAcceptOpensAConversationBothSee(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		seeker := e.person("Sanne", zutphen)
		helper := e.helper("Henk", 0.5)
		req := e.post(seeker, false)
		m := e.accept(helper)
		for _, who := range []*account.User{seeker, helper} {
			list, err := e.m.List(e.ctx, who)
			if err != nil || len(list) != 1 {
				t.Fatalf("%s's list: %+v %v", who.FirstName, list, err)
			}
			c := list[0]
			wantRole := map[bool]string{true: message.RoleSeeker, false: message.RoleHelper}[who == seeker]
			if c.ID != m.ConversationID || c.Role != wantRole || c.About != req.Title || !c.LastMessageAt.IsZero() || c.LastMessage != "" {
				t.Fatalf("%s's conversation: %+v", who.FirstName, c)
			}
		}
	})
}

func TestListAndGet(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		anna, bram, cor, dirk := e.person("Anna", zutphen), e.person("Bram", east(1)), e.person("Cor", east(2)), e.person("Dirk", east(3))
		ab, _ := e.direct(anna, bram, "Eerste")
		e.clk.add(time.Minute)
		ac, _ := e.direct(anna, cor, "Tweede")
		e.clk.add(time.Minute)
		ad, _ := e.direct(dirk, anna, strings.Repeat("lang ", 40))
		e.clk.add(time.Minute)
		e.send(bram, ab.ID, "Nieuwste")

		list, err := e.m.List(e.ctx, anna)
		if err != nil {
			t.Fatal(err)
		}
		var order []string
		for _, c := range list {
			order = append(order, c.ID)
		}
		if fmt.Sprint(order) != fmt.Sprint([]string{ab.ID, ad.ID, ac.ID}) {
			t.Fatalf("order %v, want newest activity first", order)
		}
		if list[0].LastMessage != "Nieuwste" || list[0].LastFromMe || list[0].Unread != 1 || list[0].Other.DisplayName != bram.DisplayName() {
			t.Fatalf("with Bram: %+v", list[0])
		}
		if got := list[1].LastMessage; utf8.RuneCountInString(got) != 120 || !strings.HasSuffix(got, "…") {
			t.Fatalf("preview %q (%d)", got, utf8.RuneCountInString(got))
		}
		if list[2].LastFromMe != true || list[2].Unread != 0 {
			t.Fatalf("with Cor: %+v", list[2])
		}

		// Blocks and gone accounts: still listed, closed.
		if err := e.acc.Block(e.ctx, cor, anna.ID); err != nil {
			t.Fatal(err)
		}
		e.exec("UPDATE users SET status = 'removed' WHERE id = ?", dirk.ID)
		list, _ = e.m.List(e.ctx, anna)
		if len(list) != 3 {
			t.Fatalf("%d conversations listed", len(list))
		}
		for _, c := range list {
			want := map[string]string{ab.ID: "", ac.ID: "blocked", ad.ID: "removed"}[c.ID]
			if c.Closed != want || c.CanSend != (want == "") {
				t.Fatalf("%s: Closed %q CanSend %v, want %q", c.Other.DisplayName, c.Closed, c.CanSend, want)
			}
		}
		if c := e.get(anna, ad.ID); c.Other.Active || c.Closed != "removed" {
			t.Fatalf("removed: %+v", c)
		}
		// Unread from a blocked conversation is not in the badge.
		e.clk.add(time.Minute)
		if err := e.acc.Unblock(e.ctx, cor, anna.ID); err != nil {
			t.Fatal(err)
		}
		e.send(cor, ac.ID, "Sorry")
		if n := e.unread(anna); n != 3 {
			t.Fatalf("unread %d, want 3", n)
		}
		if err := e.acc.Block(e.ctx, anna, cor.ID); err != nil {
			t.Fatal(err)
		}
		if n := e.unread(anna); n != 2 {
			t.Fatalf("unread with Cor blocked %d, want 2", n)
		}

		// Not one of the two: not found; and someone with none: an empty list.
		stranger := e.person("Eva", zutphen)
		_, err = e.m.Get(e.ctx, stranger, ab.ID)
		wantCode(t, err, 404, "not_found")
		if l, err := e.m.List(e.ctx, stranger); err != nil || l == nil || len(l) != 0 {
			t.Fatalf("stranger's list %v %v", l, err)
		}
	})
}

func TestMessagesPages(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		anna, bram := e.person("Anna", zutphen), e.person("Bram", east(1))
		c, first := e.direct(anna, bram, "bericht 0")
		ids := []string{first.ID}
		for i := 1; i < message.PageSize+10; i++ {
			if i%7 != 0 { // some share a moment: the id orders them
				e.clk.add(time.Second)
			}
			from := anna
			if i%2 == 1 {
				from = bram
			}
			ids = append(ids, e.send(from, c.ID, fmt.Sprintf("bericht %d", i)).ID)
		}
		page, more, err := e.m.Messages(e.ctx, bram, c.ID, "", 0)
		if err != nil || !more || len(page) != message.PageSize {
			t.Fatalf("newest page: %d %v %v", len(page), more, err)
		}
		if page[0].ID != ids[10] || page[len(page)-1].ID != ids[len(ids)-1] {
			t.Fatal("the newest page is not the newest messages, oldest first")
		}
		older, more, err := e.m.Messages(e.ctx, bram, c.ID, page[0].ID, 0)
		if err != nil || more || len(older) != 10 || older[0].ID != ids[0] || older[9].ID != ids[9] {
			t.Fatalf("older page: %d %v %v", len(older), more, err)
		}
		small, more, _ := e.m.Messages(e.ctx, bram, c.ID, "", 3)
		if len(small) != 3 || !more || small[2].ID != ids[len(ids)-1] {
			t.Fatalf("limit 3: %d %v", len(small), more)
		}
		after, err := e.m.After(e.ctx, anna, c.ID, ids[len(ids)-4])
		if err != nil || len(after) != 3 || after[0].ID != ids[len(ids)-3] || after[2].ID != ids[len(ids)-1] {
			t.Fatalf("after: %d %v", len(after), err)
		}
		if after, _ := e.m.After(e.ctx, anna, c.ID, ids[0]); len(after) != message.PageSize || after[0].ID != ids[1] {
			t.Fatalf("after the first: %d", len(after))
		}
		m, err := e.m.Message(e.ctx, anna, ids[5])
		if err != nil || m.Body != "bericht 5" || m.SenderName != bram.DisplayName() || m.Mine || m.ConversationID != c.ID {
			t.Fatalf("Message: %+v %v", m, err)
		}

		stranger := e.person("Eva", zutphen)
		_, err = e.m.Message(e.ctx, stranger, ids[5])
		wantCode(t, err, 404, "not_found")
		_, _, err = e.m.Messages(e.ctx, stranger, c.ID, "", 0)
		wantCode(t, err, 404, "not_found")
		_, err = e.m.After(e.ctx, stranger, c.ID, ids[0])
		wantCode(t, err, 404, "not_found")
		// A cursor from another conversation.
		other, om := e.direct(stranger, anna, "Hoi")
		_, _, err = e.m.Messages(e.ctx, anna, c.ID, om.ID, 0)
		wantField(t, err, "before", "message.cursor_invalid")
		_, err = e.m.After(e.ctx, anna, c.ID, om.ID)
		wantField(t, err, "after", "message.cursor_invalid")
		_ = other
	})
}
