package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/noaber/noaber/internal/account"
	"github.com/noaber/noaber/internal/dispatch"
	"github.com/noaber/noaber/internal/geo"
	"github.com/noaber/noaber/internal/help"
	"github.com/noaber/noaber/internal/i18n"
	"github.com/noaber/noaber/internal/testkit"
)

// TestDispatch is the browser test of issue "The dispatcher": a seeker in
// Enschede posts a request for groceries; the nearest helper, A, gets the
// invitation (badge, notification, invitation page with a town and a
// rough distance but no address) and says "not this time"; the next
// nearest, B, then gets it and says yes; the seeker's request page shows
// that it is matched and B's first name, and never A's. A third helper,
// farther still, is never asked. A coordinator sees the ranking and an
// escalated request from a town without helpers. Every page is checked
// with axe and for console errors.
func TestDispatch(t *testing.T) {
	b := testkit.NewBrowser(t)
	for _, engine := range testkit.Engines(t) {
		t.Run(string(engine), func(t *testing.T) {
			n := startApp(t, testkit.NewDatabaseURL(t, engine))
			ctx := context.Background()
			// North of the seeker: A at 0.3 km, B at 1.2 km, C at 1.7 km,
			// each in a grid cell of their own but A's; all three within
			// the 2 km of the preview.
			home := geo.Point{Lat: 52.2215, Lng: 6.8937}
			north := func(km float64) geo.Point { return geo.Point{Lat: home.Lat + km/111.0, Lng: home.Lng} }
			seeker := &resident{email: "marieke@example.org", first: "Marieke", surname: "Jansen", postcode: "7511 JK", house: "137h",
				town: "Enschede", municipality: "0153", pos: home, lang: i18n.NL}
			helperA := &resident{email: "ahmed@example.org", first: "Ahmed", surname: "Bakir", postcode: "7511 HR", house: "4",
				town: "Enschede", municipality: "0153", pos: north(0.3), lang: i18n.NL}
			helperB := &resident{email: "bert@example.org", first: "Bert", surname: "Kok", postcode: "7512 KL", house: "20",
				town: "Enschede", municipality: "0153", pos: north(1.2), lang: i18n.NL}
			helperC := &resident{email: "corrie@example.org", first: "Corrie", surname: "Smit", postcode: "7513 PR", house: "8",
				town: "Enschede", municipality: "0153", pos: north(1.7), lang: i18n.NL}
			coord := &resident{email: "coco@example.org", first: "Coco", surname: "Dijkstra", postcode: "7514 AB", house: "1",
				town: "Enschede", municipality: "0153", pos: north(5), lang: i18n.NL}
			lonely := &resident{email: "lonneke@example.org", first: "Lonneke", surname: "Visser", postcode: "8011 PK", house: "5",
				town: "Zwolle", municipality: "0193", pos: geo.Point{Lat: 52.5168, Lng: 6.0830}, lang: i18n.NL}
			seedResidents(t, n, seeker, helperA, helperB, helperC, coord, lonely)
			for _, h := range []*resident{helperA, helperB, helperC} {
				helpsAnytime(t, n, h)
			}
			if err := n.app.Accounts.GrantRole(ctx, coord.email, "nederland", account.RoleCoordinator); err != nil {
				t.Fatal(err)
			}
			if geo.Snap(helperB.pos) == geo.Snap(helperC.pos) {
				t.Fatal("B and C share a grid cell; the test needs B clearly nearer")
			}

			requestURL, title := askGroceries(t, b, n, seeker, i18n.NL, "nl-NL,nl", false)
			if requestURL == "" {
				t.FailNow()
			}
			requestID := requestURL[strings.LastIndex(requestURL, "/")+1:]

			// The dispatcher's first step is a job: A, the nearest, is asked.
			invA := waitForInvitation(t, n, helperA, requestID)
			noInvitation(t, n, helperB, requestID)
			noInvitation(t, n, helperC, requestID)

			t.Run("helper-A-declines", func(t *testing.T) {
				ctx := b.NewContext(t, testkit.WithLanguage("nl-NL,nl"))
				pg := &pages{t: t, ctx: ctx}
				login(t, pg, n, helperA, i18n.NL)
				pg.hasText("#notification-badge", "1")
				testkit.Submit(ctx, "#nav-notifications")
				pg.check("notifications", i18n.NL)
				pg.hasText("#notifications", i18n.T(i18n.NL, "web.notifications.invitation", "title", title))
				testkit.Submit(ctx, `#notifications a[href="/invitations/`+invA+`"]`)
				pg.check("invitation", i18n.NL)
				pg.hasText("#invitation-title", title)
				pg.hasText("#invitation-town", "Enschede")
				pg.hasText("#invitation-distance", i18n.T(i18n.NL, "web.distance.near"))
				pg.hasText("#invitation-seeker", "Marieke J.")
				before, _, _ := strings.Cut(i18n.T(i18n.NL, "web.invitation.deadline"), "{moment}")
				pg.hasText("#invitation-deadline", before)
				noAddress(t, pg, "invitation", seeker)
				testkit.Submit(ctx, "#decline")
				pg.check("invitation declined", i18n.NL)
				pg.hasText("#notice", i18n.T(i18n.NL, "web.invitation.declined_notice"))
				pg.hasText("#invitation-status", i18n.T(i18n.NL, "web.invitation.status.declined"))
				testkit.Submit(ctx, "#invitations-link")
				pg.check("invitations after declining", i18n.NL)
				pg.hasText("#invitations-recent", title)
			})

			// The "no" moves the search on to B, not to C who lives farther.
			invB := waitForInvitation(t, n, helperB, requestID)
			noInvitation(t, n, helperC, requestID)

			t.Run("helper-B-accepts", func(t *testing.T) {
				ctx := b.NewContext(t, testkit.WithLanguage("nl-NL,nl"))
				pg := &pages{t: t, ctx: ctx}
				login(t, pg, n, helperB, i18n.NL)
				testkit.Visit(ctx, n.base+"/invitations")
				pg.check("invitations", i18n.NL)
				testkit.Submit(ctx, `#invitations-open a[href="/invitations/`+invB+`"]`)
				pg.check("invitation", i18n.NL)
				pg.hasText("#invitation-title", title)
				inv, err := n.app.Dispatch.Invitation(context.Background(), helperB.user(t, n), invB, i18n.NL)
				if err != nil {
					t.Fatal(err)
				}
				if inv.Request.DistanceKm < 1 {
					t.Fatalf("B is %d km from the seeker, want at least 1", inv.Request.DistanceKm)
				}
				pg.hasText("#invitation-distance", i18n.T(i18n.NL, "web.invitation.around_km", "n", inv.Request.DistanceKm))
				noAddress(t, pg, "invitation", seeker)
				testkit.Submit(ctx, "#accept")
				pg.check("invitation accepted", i18n.NL)
				pg.hasText("#notice", i18n.T(i18n.NL, "web.invitation.accepted_notice"))
				pg.hasText("#conversation-placeholder", "Marieke J.")
			})

			t.Run("seeker-sees-matched", func(t *testing.T) {
				ctx := b.NewContext(t, testkit.WithLanguage("nl-NL,nl"))
				pg := &pages{t: t, ctx: ctx}
				login(t, pg, n, seeker, i18n.NL)
				pg.hasText("#notification-badge", "1")
				testkit.Visit(ctx, requestURL)
				pg.check("matched request", i18n.NL)
				pg.hasText("#request-status", i18n.T(i18n.NL, "web.status."+help.StatusMatched))
				pg.hasText("#progress-text", i18n.T(i18n.NL, "web.progress.matched", "name", "Bert K."))
				pg.hasText("#progress-helper", "Bert")
				if s := testkit.Text(ctx, "#progress"); strings.Contains(s, "Ahmed") {
					t.Errorf("the seeker's progress names A, who said no:\n%s", s)
				}
				noAddress(t, pg, "the seeker's own request", helperB)
				if got := requestStatus(t, n, seeker, requestURL); got != help.StatusMatched {
					t.Errorf("the request is %q in the database, want %q", got, help.StatusMatched)
				}
			})
			noInvitation(t, n, helperC, requestID)

			// A request from a town without helpers goes to the coordinators.
			far, err := n.app.Help.CreateRequest(ctx, lonely.user(t, n), help.RequestInput{CategoryID: "groceries",
				Answers: map[string]string{"what": "Wie doet boodschappen in Zwolle?"}, WhenKind: help.WhenFlexible, PlaceKind: help.PlaceHome}, i18n.NL)
			if err != nil {
				t.Fatal(err)
			}
			waitFor(t, n, "the escalation of the request in Zwolle", func() bool {
				list, err := n.app.Dispatch.Escalations(ctx, coord.user(t, n))
				return err == nil && len(list) == 1 && list[0].RequestID == far.ID
			})

			t.Run("coordinator", func(t *testing.T) {
				ctx := b.NewContext(t, testkit.WithLanguage("nl-NL,nl"))
				pg := &pages{t: t, ctx: ctx}
				login(t, pg, n, coord, i18n.NL)
				testkit.Submit(ctx, "#nav-coordinator")
				pg.check("coordinator", i18n.NL)
				pg.hasText("#escalations", "Wie doet boodschappen in Zwolle?")
				pg.hasText("#escalations", "Lonneke V.")
				testkit.Submit(ctx, `#escalations a[href="/coordinator/requests/`+far.ID+`"]`)
				pg.check("escalated request", i18n.NL)
				testkit.WaitVisible(ctx, "#resolve")
				noAddress(t, pg, "escalated request", lonely)

				// Why A and B were asked in that order.
				testkit.Visit(ctx, n.base+"/coordinator/requests/"+requestID)
				pg.check("matched request explained", i18n.NL)
				pg.hasText("#rank-1", "Ahmed B.")
				pg.hasText("#rank-1", i18n.T(i18n.NL, "web.invitation.short.declined"))
				pg.hasText("#rank-2", "Bert K.")
				pg.hasText("#rank-2", i18n.T(i18n.NL, "web.invitation.short.accepted"))
				for _, r := range []*resident{seeker, helperA, helperB} {
					noAddress(t, pg, "ranking", r)
				}

				testkit.Visit(ctx, n.base+"/coordinator")
				testkit.Submit(ctx, "#edition-settings-nederland")
				pg.check("edition settings", i18n.NL)
				if got := testkit.Value(ctx, "#batch"); got != "1" {
					t.Errorf("the batch field holds %q, want 1", got)
				}
			})

			t.Run("lonely-seeker-sees-escalated", func(t *testing.T) {
				ctx := b.NewContext(t, testkit.WithLanguage("nl-NL,nl"))
				pg := &pages{t: t, ctx: ctx}
				login(t, pg, n, lonely, i18n.NL)
				testkit.Visit(ctx, n.base+"/requests/"+far.ID)
				pg.check("escalated request of the seeker", i18n.NL)
				pg.hasText("#progress-text", i18n.T(i18n.NL, "web.progress.escalated"))
				testkit.WaitVisible(ctx, "#progress-options")
			})
		})
	}
}

// helpsAnytime makes r a helper for groceries within 3 km, available
// every day, with quiet hours well away from now so that invitations go
// out at once whenever the test runs.
func helpsAnytime(t *testing.T, n *noaber, r *resident) {
	t.Helper()
	h := time.Now().In(amsterdam(t)).Hour()
	hs := help.HelperSettings{Categories: []string{"groceries"}, RadiusKm: 3, WeeklyMax: 5,
		QuietStart: fmt.Sprintf("%02d:00", (h+6)%24), QuietEnd: fmt.Sprintf("%02d:00", (h+8)%24)}
	for d := range hs.Availability {
		for p := range hs.Availability[d] {
			hs.Availability[d][p] = true
		}
	}
	if err := n.app.Help.SaveHelperSettings(context.Background(), r.user(t, n), hs); err != nil {
		t.Fatalf("helper settings of %s: %v", r.first, err)
	}
}

// waitFor runs the due jobs until cond holds; the app's own workers run
// them too, so this only makes the test independent of their poll.
func waitFor(t *testing.T, n *noaber, what string, cond func() bool) {
	t.Helper()
	ctx := context.Background()
	for end := time.Now().Add(30 * time.Second); !cond(); {
		if time.Now().After(end) {
			t.Fatalf("still waiting for %s after 30 s", what)
		}
		if _, err := n.app.Jobs.RunDue(ctx); err != nil {
			t.Fatalf("jobs: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// waitForInvitation waits until r has an open invitation for the request
// and returns its id.
func waitForInvitation(t *testing.T, n *noaber, r *resident, requestID string) string {
	t.Helper()
	var id string
	waitFor(t, n, r.first+"'s invitation", func() bool {
		id = openInvitation(t, n, r, requestID)
		return id != ""
	})
	return id
}

func openInvitation(t *testing.T, n *noaber, r *resident, requestID string) string {
	t.Helper()
	list, err := n.app.Dispatch.Invitations(context.Background(), r.user(t, n), i18n.NL)
	if err != nil {
		t.Fatalf("invitations of %s: %v", r.first, err)
	}
	for _, inv := range list {
		if inv.Request.ID == requestID && inv.Status == dispatch.InvOpen {
			return inv.ID
		}
	}
	return ""
}

// noInvitation fails when r was invited for the request at all.
func noInvitation(t *testing.T, n *noaber, r *resident, requestID string) {
	t.Helper()
	list, err := n.app.Dispatch.Invitations(context.Background(), r.user(t, n), i18n.NL)
	if err != nil {
		t.Fatalf("invitations of %s: %v", r.first, err)
	}
	for _, inv := range list {
		if inv.Request.ID == requestID {
			t.Fatalf("%s was invited (%s), and should not have been yet", r.first, inv.Status)
		}
	}
}
