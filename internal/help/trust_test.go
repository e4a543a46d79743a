package help_test

import (
	"context"
	"slices"
	"testing"

	"github.com/noaber/noaber/internal/account"
	"github.com/noaber/noaber/internal/flag"
	"github.com/noaber/noaber/internal/geo"
	"github.com/noaber/noaber/internal/help"
	"github.com/noaber/noaber/internal/i18n"
	"github.com/noaber/noaber/internal/report"
	"github.com/noaber/noaber/internal/store"
	"github.com/noaber/noaber/internal/testkit"
)

// withReports gives e a help service that checks texts with the flag
// rules.
func (e *env) withReports() {
	rep := report.New(e.db, report.Options{Now: e.clk.now})
	e.help = help.New(e.db, nil, e.acc, geo.NewResolver(e.db, geo.ResolverOptions{}), help.Options{Now: e.clk.now, Reports: rep})
}

func TestTrustedOnlyIsStored(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		seeker := e.user(enschede)
		in := groceries("Boodschappen bij de supermarkt")
		in.TrustedOnly = true
		v := e.request(seeker, in)
		if !v.TrustedOnly {
			t.Fatal("the new request's view is not trusted-only")
		}
		target, err := help.DispatchTarget(e.ctx, db, v.ID)
		if err != nil || !target.TrustedOnly {
			t.Fatalf("DispatchTarget %+v %v", target, err)
		}
		other, err := e.help.Request(e.ctx, e.user(near), v.ID, i18n.NL)
		if err != nil || !other.TrustedOnly {
			t.Fatalf("as others see it: %+v %v", other, err)
		}
		in.TrustedOnly = false
		v, err = e.help.UpdateRequest(e.ctx, seeker, v.ID, in, i18n.NL)
		if err != nil || v.TrustedOnly {
			t.Fatalf("after switching it off: %+v %v", v, err)
		}
		if target, _ = help.DispatchTarget(e.ctx, db, v.ID); target.TrustedOnly {
			t.Fatal("DispatchTarget still trusted-only")
		}
	})
}

// Contact details in a request or offer: it is saved, the author gets a
// hint, and a moderator gets a flag.
func TestFlagHintsOnRequestsAndOffers(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		e.withReports()
		seeker := e.user(enschede)
		flags := func(kind, id string) int {
			t.Helper()
			var n int
			if err := db.QueryRow(e.ctx, "SELECT COUNT(*) FROM reports WHERE source = 'flag' AND target_kind = ? AND target_id = ? AND subject_id = ?",
				kind, id, seeker.ID).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}

		clean := e.request(seeker, groceries("Boodschappen bij de supermarkt"))
		if clean.Hint != "" || flags(report.TargetRequest, clean.ID) != 0 {
			t.Fatalf("a clean request got hint %q / a flag", clean.Hint)
		}
		phone := e.request(seeker, groceries("Boodschappen, bel me op 06-12345678"))
		if phone.Hint != flag.HintContactPublic {
			t.Fatalf("hint %q, want %q", phone.Hint, flag.HintContactPublic)
		}
		if flags(report.TargetRequest, phone.ID) == 0 {
			t.Fatal("no flag for a phone number in a request")
		}
		if got, err := e.help.Request(e.ctx, e.user(near), phone.ID, i18n.NL); err != nil || got.Hint != "" {
			t.Fatalf("the request is not there for others, or carries the hint: %+v %v", got, err)
		}

		// Changing a clean request to one with an e-mail address.
		upd, err := e.help.UpdateRequest(e.ctx, seeker, clean.ID, groceries("Boodschappen, mail els@example.nl"), i18n.NL)
		if err != nil || upd.Hint != flag.HintContactPublic || flags(report.TargetRequest, clean.ID) == 0 {
			t.Fatalf("update: %+v %v (flags %d)", upd, err, flags(report.TargetRequest, clean.ID))
		}

		o, err := e.help.CreateOffer(e.ctx, seeker, help.OfferInput{CategoryID: "groceries", Title: "Ik doe boodschappen",
			Body: "App me op 0612345678"}, i18n.NL)
		if err != nil || o.Hint != flag.HintContactPublic || flags(report.TargetOffer, o.ID) == 0 {
			t.Fatalf("offer: %+v %v", o, err)
		}
		o2, err := e.help.CreateOffer(e.ctx, seeker, help.OfferInput{CategoryID: "groceries", Title: "Ik doe boodschappen",
			Body: "Op zaterdag heb ik tijd."}, i18n.NL)
		if err != nil || o2.Hint != "" || flags(report.TargetOffer, o2.ID) != 0 {
			t.Fatalf("clean offer: %+v %v", o2, err)
		}
	})
}

func TestWithdrawUser(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		var closed []string
		e.help.SetRequestHooks(help.RequestHooks{Closed: func(ctx context.Context, tx *store.Tx, ids []string) error {
			closed = append(closed, ids...)
			return nil
		}})
		gone := e.user(enschede)
		other := e.user(near)
		open := e.request(gone, groceries("Open vraag"))
		matched := e.request(gone, groceries("Gematchte vraag"))
		done := e.request(gone, groceries("Klaar"))
		kept := e.request(other, groceries("Van iemand anders"))
		if _, err := db.Exec(e.ctx, "UPDATE requests SET status = ? WHERE id = ?", help.StatusMatched, matched.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(e.ctx, "UPDATE requests SET status = ? WHERE id = ?", help.StatusDone, done.ID); err != nil {
			t.Fatal(err)
		}
		offer := func(u *account.User) string {
			o, err := e.help.CreateOffer(e.ctx, u, help.OfferInput{CategoryID: "groceries", Title: "Boodschappen"}, i18n.NL)
			if err != nil {
				t.Fatal(err)
			}
			return o.ID
		}
		goneOffer, keptOffer := offer(gone), offer(other)

		e.clk.add(1)
		for i := 0; i < 2; i++ { // a second run changes nothing
			if err := db.InTx(e.ctx, func(tx *store.Tx) error { return e.help.WithdrawUser(e.ctx, tx, gone.ID) }); err != nil {
				t.Fatal(err)
			}
		}
		slices.Sort(closed)
		want := []string{open.ID, matched.ID}
		slices.Sort(want)
		if !slices.Equal(closed, want) {
			t.Fatalf("Closed hook got %v, want %v", closed, want)
		}
		status := func(table, id string) string {
			t.Helper()
			var s string
			if err := db.QueryRow(e.ctx, "SELECT status FROM "+table+" WHERE id = ?", id).Scan(&s); err != nil {
				t.Fatal(err)
			}
			return s
		}
		for id, w := range map[string]string{open.ID: help.StatusCancelled, matched.ID: help.StatusCancelled,
			done.ID: help.StatusDone, kept.ID: help.StatusOpen} {
			if got := status("requests", id); got != w {
				t.Errorf("request %s: %s, want %s", id, got, w)
			}
		}
		if n := e.count("requests WHERE closed_at IS NOT NULL"); n != 2 {
			t.Errorf("%d requests with closed_at, want 2", n)
		}
		if got := status("offers", goneOffer); got != help.OfferClosed {
			t.Errorf("the user's offer is %s", got)
		}
		if got := status("offers", keptOffer); got != help.OfferActive {
			t.Errorf("someone else's offer is %s", got)
		}
	})
}

// A suspended or removed user's requests and offers are gone from search
// and from the pages of others (and their invitations' requests).
func TestInactiveUsersAreLeftOut(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		author := e.user(enschede)
		viewer := e.user(near)
		req := e.request(author, groceries("Boodschappen voor de hond"))
		o, err := e.help.CreateOffer(e.ctx, author, help.OfferInput{CategoryID: "groceries", Title: "Boodschappen voor jou"}, i18n.NL)
		if err != nil {
			t.Fatal(err)
		}
		visible := func() (request, offer, search, invitee bool) {
			t.Helper()
			_, errR := e.help.Request(e.ctx, viewer, req.ID, i18n.NL)
			_, errO := e.help.Offer(e.ctx, viewer, o.ID, i18n.NL)
			rs, err := e.help.Search(e.ctx, viewer, help.SearchQuery{Kind: help.KindRequests}, i18n.NL)
			if err != nil {
				t.Fatal(err)
			}
			os, err := e.help.Search(e.ctx, viewer, help.SearchQuery{Kind: help.KindOffers}, i18n.NL)
			if err != nil {
				t.Fatal(err)
			}
			inv, err := e.help.RequestsForInvitee(e.ctx, viewer, []string{req.ID}, i18n.NL)
			if err != nil {
				t.Fatal(err)
			}
			return errR == nil, errO == nil, len(rs.Requests) == 1 && len(os.Offers) == 1, len(inv) == 1
		}
		if r, of, s, i := visible(); !r || !of || !s || !i {
			t.Fatalf("while active: request %v, offer %v, search %v, invitee %v", r, of, s, i)
		}
		for _, status := range []string{account.StatusSuspended, account.StatusRemoved} {
			if _, err := db.Exec(e.ctx, "UPDATE users SET status = ? WHERE id = ?", status, author.ID); err != nil {
				t.Fatal(err)
			}
			if r, of, s, i := visible(); r || of || s || i {
				t.Fatalf("%s: request %v, offer %v, search %v, invitee %v", status, r, of, s, i)
			}
		}
	})
}
