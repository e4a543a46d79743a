package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/noaber/noaber/internal/geo"
	"github.com/noaber/noaber/internal/help"
	"github.com/noaber/noaber/internal/i18n"
	"github.com/noaber/noaber/internal/testkit"
)

// TestMessages is the browser test of issue "Private messages,
// notifications by e-mail and web push, and the installable app", with
// two browser contexts side by side: the helper accepts an invitation;
// seeker and helper each have the conversation open and each sees the
// other's message appear without reloading; the seeker marks the help
// done and thanks the helper; the thank-you shows on the helper's
// profile. Every page is checked with axe and for console errors.
func TestMessages(t *testing.T) {
	b := testkit.NewBrowser(t)
	for _, engine := range testkit.Engines(t) {
		t.Run(string(engine), func(t *testing.T) {
			n := startApp(t, testkit.NewDatabaseURL(t, engine))
			ctx := context.Background()
			home := geo.Point{Lat: 52.2215, Lng: 6.8937}
			seeker := &resident{email: "marieke@example.org", first: "Marieke", surname: "Jansen", postcode: "7511 JK", house: "137h",
				town: "Enschede", municipality: "0153", pos: home, lang: i18n.NL}
			helper := &resident{email: "bert@example.org", first: "Bert", surname: "Kok", postcode: "7512 KL", house: "20",
				town: "Enschede", municipality: "0153", pos: geo.Point{Lat: home.Lat + 0.01, Lng: home.Lng}, lang: i18n.NL}
			seedResidents(t, n, seeker, helper)
			helpsAnytime(t, n, helper)
			rv, err := n.app.Help.CreateRequest(ctx, seeker.user(t, n), help.RequestInput{CategoryID: "groceries",
				Answers: map[string]string{"what": "Wie haalt zaterdag mijn boodschappen?"}, WhenKind: help.WhenFlexible,
				PlaceKind: help.PlaceHome}, i18n.NL)
			if err != nil {
				t.Fatal(err)
			}
			inv := waitForInvitation(t, n, helper, rv.ID)

			// The helper says yes and goes to the conversation.
			hctx := b.NewContext(t, testkit.WithLanguage("nl-NL,nl"))
			hp := &pages{t: t, ctx: hctx}
			login(t, hp, n, helper, i18n.NL)
			testkit.Visit(hctx, n.base+"/invitations/"+inv)
			hp.check("invitation", i18n.NL)
			testkit.Submit(hctx, "#accept")
			hp.check("invitation accepted", i18n.NL)
			testkit.Submit(hctx, `a[href^="/messages/"]`)
			hp.check("conversation (helper)", i18n.NL)
			convURL := testkit.Location(hctx)
			if !strings.Contains(convURL, "/messages/") {
				t.Fatalf("the accepted invitation leads to %s, want a conversation", convURL)
			}

			// The seeker opens the same conversation from the header.
			sctx := b.NewContext(t, testkit.WithLanguage("nl-NL,nl"))
			sp := &pages{t: t, ctx: sctx}
			login(t, sp, n, seeker, i18n.NL)
			testkit.Submit(sctx, "#messages-link")
			sp.check("conversations", i18n.NL)
			sp.hasText("main", "Bert K.")
			testkit.Visit(sctx, convURL)
			sp.check("conversation (seeker)", i18n.NL)
			noAddress(t, sp, "conversation", helper)

			// Both pages get a marker that a reload would wipe out.
			markPage(t, hp)
			markPage(t, sp)

			hello := "Hoi Marieke, ik kan zaterdag om 10 uur langskomen."
			testkit.Fill(hctx, "#message-body", hello)
			testkit.Click(hctx, `#message-form button[type="submit"]`)
			waitMessage(t, sp, hello)
			waitMessage(t, hp, hello)

			reply := "Fijn Bert! Mijn adres is Hoofdstraat 1, bel maar aan."
			testkit.Fill(sctx, "#message-body", reply)
			testkit.Click(sctx, `#message-form button[type="submit"]`)
			waitMessage(t, hp, reply)
			waitMessage(t, sp, reply)
			// The helper's page is open, so the seeker's message is read,
			// and the seeker's page shows that without reloading.
			waitJS(t, sp, "the read marker on the seeker's message",
				`document.querySelectorAll("#messages li.message .read-marker").length > 0`)
			stillMarked(t, hp)
			stillMarked(t, sp)

			// Done, and a thank-you note on the helper's profile.
			testkit.Submit(sctx, "#mark-done")
			sp.check("conversation done", i18n.NL)
			thanks := "Dank je wel Bert, wat fijn dat je kwam!"
			testkit.Fill(sctx, "#thanks-body", thanks)
			testkit.Submit(sctx, `#thanks-form button[type="submit"]`)
			sp.check("thanked", i18n.NL)
			if got, err := n.app.Help.Request(ctx, seeker.user(t, n), rv.ID, i18n.NL); err != nil || got.Status != "done" {
				t.Errorf("the request after marking done: %+v, %v; want status done", got, err)
			}
			testkit.Visit(hctx, n.base+"/people/"+helper.id)
			hp.check("helper's profile", i18n.NL)
			hp.hasText("#thanks", thanks)
			hp.hasText("#thanks", "Marieke J.")
		})
	}
}

// markPage sets a value in the page's window that only lives until the
// page reloads.
func markPage(t *testing.T, p *pages) {
	t.Helper()
	if got := p.js(`(window.__noReload = "still here")`); got != "still here" {
		t.Fatalf("could not mark the page: %q", got)
	}
}

// stillMarked fails when the page was reloaded since markPage.
func stillMarked(t *testing.T, p *pages) {
	t.Helper()
	if got := p.js(`String(window.__noReload)`); got != "still here" {
		t.Errorf("%s was reloaded (marker %q); messages should arrive live", testkit.Location(p.ctx), got)
	}
}

// waitMessage waits until the conversation on the page shows a message
// with text, without reloading it.
func waitMessage(t *testing.T, p *pages, text string) {
	t.Helper()
	waitJS(t, p, "message "+text, `Array.from(document.querySelectorAll("#messages li.message")).some(li => li.textContent.includes(`+jsQuote(text)+`))`)
}

// waitJS polls a JavaScript condition on the page for up to 15 s.
func waitJS(t *testing.T, p *pages, what, cond string) {
	t.Helper()
	end := time.Now().Add(15 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(p.ctx, 5*time.Second)
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`Boolean(`+cond+`)`))
		cancel()
		if err == nil && ok {
			return
		}
		if time.Now().After(end) {
			t.Fatalf("%s: still waiting for %s after 15 s (last error %v)", testkit.Location(p.ctx), what, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func jsQuote(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)
	return `"` + r.Replace(s) + `"`
}
