package e2e

import (
	"context"
	"strings"
	"testing"

	"github.com/noaber/noaber/internal/account"
	"github.com/noaber/noaber/internal/geo"
	"github.com/noaber/noaber/internal/help"
	"github.com/noaber/noaber/internal/i18n"
	"github.com/noaber/noaber/internal/testkit"
)

// TestModeration is the browser test of issue "Trust and safety": a
// neighbour answers a request with a dating message; it is held and
// flagged (its sender sees "Wacht op controle", the seeker sees
// nothing); a moderator opens the queue and suspends the sender in three
// clicks (the report, the suspend action, confirm); the sender's next
// page is the login page. Every page is checked with axe and for console
// errors.
func TestModeration(t *testing.T) {
	b := testkit.NewBrowser(t)
	for _, engine := range testkit.Engines(t) {
		t.Run(string(engine), func(t *testing.T) {
			n := startApp(t, testkit.NewDatabaseURL(t, engine))
			ctx := context.Background()
			home := geo.Point{Lat: 52.2215, Lng: 6.8937}
			seeker := &resident{email: "marieke@example.org", first: "Marieke", surname: "Jansen", postcode: "7511 JK", house: "137h",
				town: "Enschede", municipality: "0153", pos: home, lang: i18n.NL}
			pest := &resident{email: "bram@example.org", first: "Bram", surname: "Kok", postcode: "7512 KL", house: "20",
				town: "Enschede", municipality: "0153", pos: geo.Point{Lat: home.Lat + 0.01, Lng: home.Lng}, lang: i18n.NL}
			mod := &resident{email: "mo@example.org", first: "Mo", surname: "Bakker", postcode: "7513 AB", house: "3",
				town: "Enschede", municipality: "0153", pos: geo.Point{Lat: home.Lat - 0.01, Lng: home.Lng}, lang: i18n.NL}
			seedResidents(t, n, seeker, pest, mod)
			if err := n.app.Accounts.GrantRole(ctx, mod.email, "nederland", account.RoleModerator); err != nil {
				t.Fatal(err)
			}
			rv, err := n.app.Help.CreateRequest(ctx, seeker.user(t, n), help.RequestInput{CategoryID: "groceries",
				Answers: map[string]string{"what": "Wie haalt zaterdag mijn boodschappen?"}, WhenKind: help.WhenFlexible,
				PlaceKind: help.PlaceHome}, i18n.NL)
			if err != nil {
				t.Fatal(err)
			}

			// The dating message: held, shown to its sender as being checked.
			dating := "Zullen we een keer daten? Je bent zo sexy"
			pctx := b.NewContext(t, testkit.WithLanguage("nl-NL,nl"))
			pp := &pages{t: t, ctx: pctx}
			login(t, pp, n, pest, i18n.NL)
			testkit.Visit(pctx, n.base+"/requests/"+rv.ID)
			pp.check("request", i18n.NL)
			testkit.Fill(pctx, "#respond-body", dating)
			testkit.Submit(pctx, "#respond-send")
			pp.check("conversation with a held message", i18n.NL)
			convURL := testkit.Location(pctx)
			if !strings.Contains(convURL, "/messages/") {
				t.Fatalf("after sending, the sender is on %s, want the conversation", convURL)
			}
			pp.hasText("#messages", dating)
			pp.hasText("#messages", "Wacht op controle")
			conv := strings.TrimPrefix(strings.SplitN(strings.SplitN(convURL, "?", 2)[0], "#", 2)[0], n.base+"/messages/")

			// The seeker does not see it.
			msgs, _, err := n.app.Messages.Messages(ctx, seeker.user(t, n), conv, "", 50)
			if err == nil {
				for _, m := range msgs {
					if strings.Contains(m.Body, "daten") {
						t.Fatalf("the seeker sees the held message: %+v", m)
					}
				}
			}
			// It is flagged: the moderator's queue has it.
			queue, err := n.app.Moderation.Queue(ctx, mod.user(t, n), "", "")
			if err != nil || len(queue) == 0 {
				t.Fatalf("the queue after the dating message: %+v, %v", queue, err)
			}

			// The seeker cannot open the moderation pages (403); she reports
			// Bram through the form, which passes axe with and without an error.
			sctx := b.NewContext(t, testkit.WithLanguage("nl-NL,nl"))
			sp := &pages{t: t, ctx: sctx}
			login(t, sp, n, seeker, i18n.NL)
			if st := testkit.Visit(sctx, n.base+"/moderation"); st != 403 {
				t.Errorf("a member opening /moderation gets %d, want 403", st)
			}
			sp.status = 403
			sp.check("403 for a member", i18n.NL)
			testkit.Visit(sctx, n.base+"/report?kind=person&id="+pest.id)
			sp.check("report form", i18n.NL)
			testkit.Submit(sctx, "#report-send")
			sp.status = 422
			sp.check("report form with an error", i18n.NL)
			testkit.Click(sctx, "#reason-harassment")
			testkit.Submit(sctx, "#report-send")
			sp.check("report sent", i18n.NL)
			sp.hasText("main", "Bedankt")
			testkit.Submit(sctx, "#my-reports-link")
			sp.check("my reports", i18n.NL)
			// The moderator: the queue, then three clicks.
			mctx := b.NewContext(t, testkit.WithLanguage("nl-NL,nl"))
			mp := &pages{t: t, ctx: mctx}
			login(t, mp, n, mod, i18n.NL)
			testkit.Visit(mctx, n.base+"/moderation")
			mp.check("moderation queue", i18n.NL)
			mp.hasText("#queue", "Bram K.")
			clicks := 0
			testkit.Submit(mctx, `#queue a[href^="/moderation/reports/"]`)
			clicks++
			caseURL := testkit.Location(mctx)
			if !strings.Contains(caseURL, "/moderation/reports/") {
				t.Fatalf("the queue's link leads to %s, want a report", caseURL)
			}
			mp.check("moderation case", i18n.NL)
			mp.hasText("#item", dating)
			testkit.Click(mctx, "#act-suspend-summary")
			clicks++
			if loc := testkit.Location(mctx); loc != caseURL {
				t.Fatalf("opening the suspend form went to %s", loc)
			}
			testkit.Submit(mctx, "#act-suspend-confirm")
			clicks++
			if clicks != 3 {
				t.Fatalf("%d clicks, want 3", clicks)
			}
			if loc := testkit.Location(mctx); !strings.HasSuffix(loc, "/moderation?done=suspend") {
				t.Fatalf("after suspending the moderator is on %s, want the queue", loc)
			}
			mp.check("moderation queue after suspending", i18n.NL)
			mp.hasText("#notice", "geschorst")
			if u := pest.user(t, n); u.Status != account.StatusSuspended {
				t.Fatalf("after the three clicks the sender's account is %q", u.Status)
			}

			// The sender's next page load goes to the login page.
			testkit.Visit(pctx, n.base+"/me/help")
			if loc := testkit.Location(pctx); !strings.HasPrefix(loc, n.base+"/login") {
				t.Fatalf("the suspended sender is on %s, want the login page", loc)
			}
			pp.check("login after suspension", i18n.NL)

			// The other moderation pages pass axe too.
			testkit.Visit(mctx, n.base+"/moderation/people/"+pest.id)
			mp.check("person's history", i18n.NL)
			mp.hasText("#subject-status", "Geschorst")
			testkit.Visit(mctx, n.base+"/moderation/audit")
			mp.check("audit log", i18n.NL)
			mp.hasText("#audit", "Geschorst")
			testkit.Visit(mctx, caseURL)
			mp.check("closed case", i18n.NL)
			testkit.Visit(mctx, n.base+"/moderation/editions/"+account.NationalEditionID+"/rules")
			mp.check("flag rules", i18n.NL)

		})
	}
}
