package demo_test

import (
	"context"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/noaber/noaber/internal/account"
	"github.com/noaber/noaber/internal/demo"
	"github.com/noaber/noaber/internal/geo"
	"github.com/noaber/noaber/internal/help"
	"github.com/noaber/noaber/internal/i18n"
	"github.com/noaber/noaber/internal/jobs"
	"github.com/noaber/noaber/internal/message"
	"github.com/noaber/noaber/internal/moderation"
	"github.com/noaber/noaber/internal/report"
	"github.com/noaber/noaber/internal/store"
	"github.com/noaber/noaber/internal/testkit"
	"github.com/noaber/noaber/internal/trust"
)

func TestFillMakesATownOnceAndTheDemoLoginWorks(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		q := jobs.New(db, jobs.Options{})
		accounts := account.New(db, q, account.Options{SecretKey: []byte("k"), PasswordMemoryKiB: 1024})
		hs := help.New(db, q, accounts, geo.NewResolver(db, geo.ResolverOptions{}), help.Options{})
		accounts.OnPositionChange(help.ReindexHelper)
		reports := report.New(db, report.Options{})
		ms := message.New(db, accounts, hs, nil, message.Options{Reports: reports})
		svc := demo.Services{Accounts: accounts, Help: hs, Messages: ms, Reports: reports, Trust: trust.New(db, accounts, trust.Options{})}
		n, err := demo.Fill(ctx, db, svc)
		if err != nil {
			t.Fatal(err)
		}
		if n < 250 {
			t.Fatalf("demo town has %d users, want a few hundred", n)
		}
		if again, err := demo.Fill(ctx, db, svc); err != nil || again != 0 {
			t.Fatalf("second fill made %d users (%v), want 0", again, err)
		}
		var helpers, seekers int
		db.QueryRow(ctx, "SELECT COUNT(DISTINCT user_id) FROM user_help WHERE kind = 'offer'").Scan(&helpers)
		db.QueryRow(ctx, "SELECT COUNT(DISTINCT user_id) FROM user_help WHERE kind = 'ask'").Scan(&seekers)
		if helpers < n/3 || seekers < n/5 {
			t.Fatalf("%d helpers and %d seekers of %d users", helpers, seekers, n)
		}
		_, u, err := accounts.Login(ctx, demo.LoginEmail, demo.Password, "127.0.0.1", "", account.WebSession)
		if err != nil {
			t.Fatalf("demo login: %v", err)
		}
		if !u.HasPosition || u.EditionID != demo.EditionID {
			t.Fatalf("demo user not placed in the Zutphen edition: %+v", u)
		}
		p, err := accounts.Profile(ctx, u, u.ID, i18n.NL)
		if err != nil || p.Town != demo.Town || len(p.Offers) == 0 {
			t.Fatalf("demo profile %+v, %v", p, err)
		}
		if p.MemberSince.After(time.Now()) {
			t.Fatal("member since lies in the future")
		}
		// Requests and offers to find, and helpers to find them.
		res, err := hs.Search(ctx, u, help.SearchQuery{Kind: help.KindRequests, RadiusKm: 10}, i18n.NL)
		if err != nil || len(res.Requests) < 10 {
			t.Fatalf("demo search finds %d requests (%v)", len(res.Requests), err)
		}
		offers, err := hs.Search(ctx, u, help.SearchQuery{Kind: help.KindOffers, RadiusKm: 10}, i18n.NL)
		if err != nil || len(offers.Offers) < 5 {
			t.Fatalf("demo search finds %d offers (%v)", len(offers.Offers), err)
		}
		pv, err := hs.Preview(ctx, u, "groceries", help.PlaceHome, "", "")
		if err != nil || pv.Few {
			t.Fatalf("demo preview for groceries: %+v %v", pv, err)
		}
		// Conversations to read: one going on, one where the demo login
		// thanked a helper, one where it was thanked.
		convs, err := ms.List(ctx, u)
		if err != nil || len(convs) != 3 {
			t.Fatalf("demo conversations: %d (%v), want 3", len(convs), err)
		}
		if unread, err := ms.UnreadTotal(ctx, u.ID); err != nil || unread == 0 {
			t.Fatalf("demo login has %d unread messages (%v), want some to show the badge", unread, err)
		}
		thanked, err := ms.ThanksFor(ctx, u, u.ID)
		if err != nil || len(thanked) != 1 {
			t.Fatalf("thank-you notes on the demo profile: %+v (%v), want 1", thanked, err)
		}
		// The demo login coordinates the Zutphen edition.
		if ok, err := accounts.HasRole(ctx, u, demo.EditionID, account.RoleCoordinator); err != nil || !ok {
			t.Fatalf("demo login is not a coordinator of %s (%v)", demo.EditionName, err)
		}
		// It moderates the edition too, and finds a held message (flagged
		// by the rules) and a member's report in the queue.
		mod := moderation.New(db, q, accounts, svc.Reports, hs, nil, ms, moderation.Options{})
		queue, err := mod.Queue(ctx, u, demo.EditionID, "")
		if err != nil {
			t.Fatal(err)
		}
		var flagged, reported bool
		for _, it := range queue {
			flagged = flagged || (it.Report.Source == report.SourceFlag && it.Report.TargetKind == report.TargetMessage)
			reported = reported || it.Report.Source == report.SourceMember
		}
		if !flagged || !reported {
			t.Fatalf("demo queue %+v: want a flagged message and a member's report", queue)
		}
		var held int
		db.QueryRow(ctx, "SELECT COUNT(*) FROM messages WHERE held_at IS NOT NULL").Scan(&held)
		if held != 1 {
			t.Fatalf("%d held messages in the demo, want 1", held)
		}
		// Trust signals: members of its confirmed watch group and helpers
		// known to the volunteer centre.
		var members, vouched int
		db.QueryRow(ctx, `SELECT COUNT(*) FROM watch_members m JOIN watch_groups g ON g.id = m.group_id
			WHERE g.confirmed_at IS NOT NULL AND m.revoked_at IS NULL`).Scan(&members)
		db.QueryRow(ctx, "SELECT COUNT(*) FROM vouches WHERE revoked_at IS NULL").Scan(&vouched)
		if members < 8 || vouched != 4 {
			t.Fatalf("demo watch group has %d members and %d people are vouched for; want 9 and 4", members, vouched)
		}
	})
}

func TestEveryDemoUserIsValid(t *testing.T) {
	for _, u := range demo.People(newRand()) {
		if _, ok := account.NormalizePostcode(u.Postcode); !ok {
			t.Errorf("%s has postcode %q", u.Email, u.Postcode)
		}
		if _, ok := account.NormalizeEmail(u.Email); !ok {
			t.Errorf("bad e-mail %q", u.Email)
		}
	}
}

func newRand() *rand.Rand { return rand.New(rand.NewPCG(1, 2)) }
