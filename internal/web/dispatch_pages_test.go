package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/noaber/noaber/internal/account"
	"github.com/noaber/noaber/internal/dispatch"
	"github.com/noaber/noaber/internal/geo"
	"github.com/noaber/noaber/internal/help"
	"github.com/noaber/noaber/internal/i18n"
	"github.com/noaber/noaber/internal/notify"
	"github.com/noaber/noaber/internal/store"
	"github.com/noaber/noaber/internal/testkit"
)

// dispatchClock is the time of the services in these tests: Tuesday 24
// November 2026, 10:00 in Amsterdam, outside every helper's quiet hours
// whenever the test runs. The test moves it on to pass deadlines.
type dispatchClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *dispatchClock) now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *dispatchClock) add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// dispatchEnv is env with help, the dispatcher and notifications wired
// into the pages, on one clock.
type dispatchEnv struct {
	*env
	clk    *dispatchClock
	help   *help.Service
	d      *dispatch.Service
	notify *notify.Service
}

func newDispatchEnv(t *testing.T, db *store.DB) *dispatchEnv {
	t.Helper()
	e, _ := newWired(t, db, wiring{})
	return e
}

// The members live in Enschede, north of its centre by some km, all at
// the same private address (which nobody else may see).
const (
	privatePostcode = "7511AB"
	privateHouse    = "97b"
)

func (e *dispatchEnv) person(t *testing.T, email, first string, northKm float64) *account.User {
	t.Helper()
	p := geo.Point{Lat: enschede.Lat + northKm/111.0, Lng: enschede.Lng}
	ids, err := e.acc.Seed(context.Background(), []account.SeedUser{{Email: email, FirstName: first, Surname: "de Vries",
		Postcode: privatePostcode, HouseNumber: privateHouse, Town: "Enschede",
		Location: geo.Location{Point: p, Town: "Enschede", MunicipalityCode: "0153", Source: geo.SourceAddress}}}, password)
	if err != nil {
		t.Fatal(err)
	}
	return e.userByID(t, ids[0])
}

func (e *dispatchEnv) userByID(t *testing.T, id string) *account.User {
	t.Helper()
	u, err := e.acc.User(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// helper is a person who helps with groceries up to 10 km, at any time,
// with quiet hours at night.
func (e *dispatchEnv) helper(t *testing.T, email, first string, northKm float64) *account.User {
	t.Helper()
	u := e.person(t, email, first, northKm)
	hs := help.HelperSettings{Categories: []string{"groceries"}, RadiusKm: 10, QuietStart: "22:00", QuietEnd: "07:00", WeeklyMax: 10}
	for d := range hs.Availability {
		for p := range hs.Availability[d] {
			hs.Availability[d][p] = true
		}
	}
	if err := e.help.SaveHelperSettings(context.Background(), u, hs); err != nil {
		t.Fatal(err)
	}
	return e.userByID(t, u.ID)
}

// ask posts a request for groceries (whenever suits) and runs the jobs, so
// the first invitation goes out.
func (e *dispatchEnv) ask(t *testing.T, seeker *account.User, what string, showOnly bool) *help.RequestView {
	t.Helper()
	rv, err := e.help.CreateRequest(context.Background(), seeker, help.RequestInput{CategoryID: "groceries",
		Answers: map[string]string{"what": what}, WhenKind: help.WhenFlexible, PlaceKind: help.PlaceHome, ShowOnly: showOnly}, i18n.NL)
	if err != nil {
		t.Fatal(err)
	}
	e.run(t)
	return rv
}

func (e *dispatchEnv) run(t *testing.T) {
	t.Helper()
	for range 10 {
		n, err := e.q.RunDue(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			return
		}
	}
}

// openInvitation is the helper's one open invitation for the request.
func (e *dispatchEnv) openInvitation(t *testing.T, u *account.User, requestID string) *dispatch.Invitation {
	t.Helper()
	list, err := e.d.Invitations(context.Background(), u, i18n.NL)
	if err != nil {
		t.Fatal(err)
	}
	for _, inv := range list {
		if inv.Request.ID == requestID && inv.Status == dispatch.InvOpen {
			return &inv
		}
	}
	t.Fatalf("%s has no open invitation for %s: %+v", u.FirstName, requestID, list)
	return nil
}

func (e *dispatchEnv) invitationStatus(t *testing.T, id string) string {
	t.Helper()
	var s string
	if err := e.db.QueryRow(context.Background(), "SELECT status FROM invitations WHERE id = ?", id).Scan(&s); err != nil {
		t.Fatal(err)
	}
	return s
}

// privateParts are the ways a page could give away where a member lives.
func privateParts(northKm float64) []string {
	p := geo.Point{Lat: enschede.Lat + northKm/111.0, Lng: enschede.Lng}
	c := geo.Snap(p)
	return []string{privatePostcode, "7511 AB", privateHouse,
		strconv.FormatFloat(p.Lat, 'f', 3, 64), strconv.FormatFloat(p.Lng, 'f', 3, 64),
		strconv.FormatFloat(c.Lat, 'f', 3, 64), strconv.FormatFloat(c.Lng, 'f', 3, 64)}
}

// A helper sees the badge, the notification and the invitation (town,
// rough distance, the seeker's display name, the deadline, never the
// address) and answers with one tap; a "no" moves the search on to the
// next neighbour, who says yes; the seeker follows it all on the request
// page.
func TestInvitationPagesAnswerAndProgress(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newDispatchEnv(t, db)
		seeker := e.person(t, "sanne@example.org", "Sanne", 0)
		anna := e.helper(t, "anna@example.org", "Anna", 0.2)
		bram := e.helper(t, "bram@example.org", "Bram", 2.5)
		req := e.ask(t, seeker, "Wie haalt boodschappen bij de Jumbo?", false)
		inv := e.openInvitation(t, anna, req.ID)

		a := e.browser(t)
		a.login("anna@example.org")
		a.get("/me/help").expect(t, http.StatusOK).has(t, `id="nav-notifications"`, `id="notification-badge"`, `>1<span class="visually-hidden">`)

		// The list names the request and leads to the invitation; opening
		// it marks it read, so the badge is gone on the next page.
		n := a.get("/notifications").expect(t, http.StatusOK)
		n.has(t, tr(i18n.NL, "web.notifications.invitation", "title", req.Title), `href="/invitations/`+inv.ID+`"`, tr(i18n.NL, "web.notifications.new"))
		n.hasNot(t, `id="notification-badge"`, `id="mark-all-read"`)
		a.get("/me/help").expect(t, http.StatusOK).hasNot(t, `id="notification-badge"`)

		a.get("/invitations").expect(t, http.StatusOK).has(t, `id="invitations-open"`, `href="/invitations/`+inv.ID+`"`, req.Title)
		p := a.get("/invitations/"+inv.ID).expect(t, http.StatusOK)
		p.has(t, `id="invitation-title"`, req.Title, `id="invitation-town"`, "Enschede", `id="invitation-distance"`,
			tr(i18n.NL, "web.distance.near"), seeker.DisplayName(), `id="invitation-deadline"`,
			`id="accept"`, `id="decline"`, `id="pause"`, `name="pause_days" value="14"`, tr(i18n.NL, "web.invitation.accept"))
		p.hasNot(t, privateParts(0)...)
		p.hasNot(t, "de Vries")

		// Someone else's invitation is not found, and they cannot answer it.
		b := e.browser(t)
		b.login("bram@example.org")
		b.get("/invitations/"+inv.ID).expect(t, http.StatusNotFound)
		b.post("/invitations/"+inv.ID+"/accept", url.Values{}).expect(t, http.StatusNotFound)
		if s := e.invitationStatus(t, inv.ID); s != dispatch.InvOpen {
			t.Fatalf("after Bram's try Anna's invitation is %s", s)
		}

		// The seeker sees progress without names.
		s := e.browser(t)
		s.login("sanne@example.org")
		s.get("/requests/"+req.ID).expect(t, http.StatusOK).has(t, `id="progress"`,
			i18n.N(i18n.NL, "web.progress.asked", 1), i18n.N(i18n.NL, "web.progress.waiting", 1)).hasNot(t, "Anna")

		// A pause of a year is refused, and nothing changes.
		bad := a.post("/invitations/"+inv.ID+"/decline", url.Values{"pause_days": {"365"}}).expect(t, http.StatusUnprocessableEntity)
		bad.has(t, `id="error-summary"`, tr(i18n.NL, "dispatch.pause_days_invalid", "max", dispatch.MaxPauseDays), `href="#pause"`)
		if s := e.invitationStatus(t, inv.ID); s != dispatch.InvOpen {
			t.Fatalf("after a bad pause the invitation is %s", s)
		}

		// "Deze keer niet".
		a.post("/invitations/"+inv.ID+"/decline", url.Values{}).expect(t, http.StatusSeeOther, "/invitations/"+inv.ID+"?declined=1")
		a.get("/invitations/"+inv.ID+"?declined=1").expect(t, http.StatusOK).
			has(t, tr(i18n.NL, "web.invitation.declined_notice"), `id="invitation-status"`, tr(i18n.NL, "web.invitation.status.declined")).
			hasNot(t, `id="accept"`)
		// Answering twice says so, and changes nothing.
		twice := a.post("/invitations/"+inv.ID+"/accept", url.Values{}).expect(t, http.StatusConflict)
		twice.has(t, `id="error-summary"`, tr(i18n.NL, "dispatch.invitation_answered"), `id="invitation-status"`)
		if s := e.invitationStatus(t, inv.ID); s != dispatch.InvDeclined {
			t.Fatalf("after answering twice the invitation is %s", s)
		}
		s.get("/requests/"+req.ID).expect(t, http.StatusOK).has(t, i18n.N(i18n.NL, "web.progress.asked", 2),
			i18n.N(i18n.NL, "web.progress.declined", 1), i18n.N(i18n.NL, "web.progress.waiting", 1))

		// Bram, farther away, is next; he says yes.
		binv := e.openInvitation(t, bram, req.ID)
		b.get("/me/help").expect(t, http.StatusOK).has(t, `id="notification-badge"`)
		bp := b.get("/invitations/"+binv.ID).expect(t, http.StatusOK).has(t, tr(i18n.NL, "web.invitation.around_km", "n", binv.Request.DistanceKm))
		bp.hasNot(t, privateParts(0)...)
		if binv.Request.DistanceKm < 2 {
			t.Fatalf("Bram is %d km away, want at least 2", binv.Request.DistanceKm)
		}
		b.post("/invitations/"+binv.ID+"/accept", url.Values{}).expect(t, http.StatusSeeOther, "/invitations/"+binv.ID+"?accepted=1")
		b.get("/invitations/"+binv.ID+"?accepted=1").expect(t, http.StatusOK).
			has(t, tr(i18n.NL, "web.invitation.accepted_notice"), `id="conversation-placeholder"`, seeker.DisplayName())

		// The seeker sees who helps, by first name, and the badge for it.
		s.get("/me/help").expect(t, http.StatusOK).has(t, `id="notification-badge"`)
		sr := s.get("/requests/"+req.ID).expect(t, http.StatusOK)
		sr.has(t, tr(i18n.NL, "web.progress.matched", "name", bram.DisplayName()), "Bram", `aria-current="step"`)
		sr.hasNot(t, `id="notification-badge"`)
	})
}

// Too late: another neighbour said yes first, or the time passed. The
// page says so plainly and nothing changes.
func TestInvitationAnsweredTooLate(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newDispatchEnv(t, db)
		ctx := context.Background()
		// Two at a time, so both Anna and Bram are asked.
		if _, err := db.Exec(ctx, "UPDATE editions SET dispatch_batch = 2"); err != nil {
			t.Fatal(err)
		}
		seeker := e.person(t, "sanne@example.org", "Sanne", 0)
		anna := e.helper(t, "anna@example.org", "Anna", 0.2)
		bram := e.helper(t, "bram@example.org", "Bram", 0.4)
		// Cor, farther, is not asked while the two are.
		cor := e.helper(t, "cor@example.org", "Cor", 0.6)
		req := e.ask(t, seeker, "Wie haalt boodschappen bij de Jumbo?", false)
		ainv, binv := e.openInvitation(t, anna, req.ID), e.openInvitation(t, bram, req.ID)
		if _, err := e.d.Accept(ctx, bram, binv.ID); err != nil {
			t.Fatal(err)
		}
		a := e.browser(t)
		a.login("anna@example.org")
		a.get("/invitations/"+ainv.ID).expect(t, http.StatusOK).has(t, tr(i18n.NL, "web.invitation.status.withdrawn_matched")).hasNot(t, `id="accept"`)
		a.get("/notifications").expect(t, http.StatusOK).has(t, tr(i18n.NL, "web.notifications.invitation_withdrawn", "title", req.Title))
		a.post("/invitations/"+ainv.ID+"/accept", url.Values{}).expect(t, http.StatusConflict).
			has(t, `id="error-summary"`, tr(i18n.NL, "dispatch.already_matched"))
		if s := e.invitationStatus(t, ainv.ID); s != dispatch.InvWithdrawn {
			t.Fatalf("Anna's invitation is %s", s)
		}
		a.get("/invitations").expect(t, http.StatusOK).has(t, `id="invitations-recent"`, tr(i18n.NL, "web.invitation.short.withdrawn_matched"), `id="invitations-none"`)

		// A deadline that passed.
		if list, _ := e.d.Invitations(ctx, cor, i18n.NL); len(list) != 0 {
			t.Fatalf("Cor was asked: %+v", list)
		}
		req2 := e.ask(t, seeker, "Wie laat de hond uit?", false)
		// Who is asked now also depends on fairness; one of them is.
		var inv2 *dispatch.Invitation
		var late *browser
		for _, h := range []*account.User{anna, bram, cor} {
			list, _ := e.d.Invitations(ctx, h, i18n.NL)
			for _, inv := range list {
				if inv.Request.ID == req2.ID && inv.Status == dispatch.InvOpen && inv2 == nil {
					inv2 = &inv
					late = e.browser(t)
					late.login(h.Email)
				}
			}
		}
		if inv2 == nil {
			t.Fatal("nobody was asked for the second request")
		}
		e.clk.add(31 * time.Minute)
		late.post("/invitations/"+inv2.ID+"/accept", url.Values{}).expect(t, http.StatusConflict).
			has(t, `id="error-summary"`, tr(i18n.NL, "dispatch.invitation_expired"))
		e.run(t)
		late.get("/invitations/"+inv2.ID).expect(t, http.StatusOK).has(t, tr(i18n.NL, "web.invitation.status.expired"))
	})
}

// The seeker's progress block: nobody invited for a request that is only
// shown; an honest escalation with what to do when nobody can help.
func TestProgressOffAndEscalated(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newDispatchEnv(t, db)
		seeker := e.person(t, "sanne@example.org", "Sanne", 0)
		s := e.browser(t)
		s.login("sanne@example.org")

		off := e.ask(t, seeker, "Alleen laten zien", true)
		s.get("/requests/"+off.ID).expect(t, http.StatusOK).has(t, `id="progress"`, tr(i18n.NL, "web.progress.off")).hasNot(t, `id="progress-steps"`)

		// Nobody helps with groceries anywhere: the request goes to the
		// coordinators at once.
		lonely := e.ask(t, seeker, "Niemand in de buurt", false)
		p := s.get("/requests/"+lonely.ID).expect(t, http.StatusOK)
		p.has(t, `id="progress"`, tr(i18n.NL, "web.progress.escalated"), `id="progress-options"`,
			tr(i18n.NL, "web.progress.option_wider"), tr(i18n.NL, "web.progress.option_someone"), `href="/requests/`+lonely.ID+`/edit"`)
		// The seeker is told in a notification too; the page marked it read.
		ns, err := e.notify.List(context.Background(), seeker.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(ns) != 1 || ns[0].Kind != notify.Escalated || !ns[0].Read {
			t.Fatalf("the seeker's notifications: %+v", ns)
		}
		// Others see no progress block on the request.
		e.person(t, "vera@example.org", "Vera", 0.3)
		v := e.browser(t)
		v.login("vera@example.org")
		v.get("/requests/"+lonely.ID).expect(t, http.StatusOK).hasNot(t, `id="progress"`)
	})
}

// Every kind of notification has its own text and link; more unread than
// the list shows leaves the "mark all read" button, which marks all.
func TestNotificationsListAndMarkAllRead(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newDispatchEnv(t, db)
		ctx := context.Background()
		u := e.person(t, "sanne@example.org", "Sanne", 0)
		req := e.ask(t, u, "Wie haalt boodschappen?", true)
		now := e.clk.now()
		kinds := []struct{ kind, ref, link, key string }{
			{notify.Invitation, "inv-1", "/invitations/inv-1", "web.notifications.invitation"},
			{notify.InvitationWithdrawn, "inv-2", "/invitations/inv-2", "web.notifications.invitation_withdrawn"},
			{notify.Matched, req.ID, "/requests/" + req.ID, "web.notifications.matched"},
			{notify.Escalated, req.ID, "/requests/" + req.ID, "web.notifications.escalated"},
			{notify.Escalation, req.ID, "/coordinator/requests/" + req.ID, "web.notifications.escalation"},
		}
		err := db.InTx(ctx, func(tx *store.Tx) error {
			for i := 0; i < notify.MaxList; i++ {
				if _, err := notify.Add(ctx, tx, notify.Notice{UserID: u.ID, Kind: notify.Invitation, Ref: fmt.Sprintf("old-%d", i), RequestID: req.ID}, now.Add(-time.Hour)); err != nil {
					return err
				}
			}
			for i, k := range kinds {
				if _, err := notify.Add(ctx, tx, notify.Notice{UserID: u.ID, Kind: k.kind, Ref: k.ref, RequestID: req.ID}, now.Add(time.Duration(i)*time.Second)); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		b := e.browser(t)
		b.login("sanne@example.org")
		b.get("/me/help").expect(t, http.StatusOK).has(t, `id="notification-badge"`, `>55<`)
		p := b.get("/notifications").expect(t, http.StatusOK)
		for _, k := range kinds {
			p.has(t, tr(i18n.NL, k.key, "title", req.Title), `href="`+k.link+`"`)
		}
		// 55 unread, 50 shown and marked read: 5 remain.
		p.has(t, `id="mark-all-read"`, `id="notification-badge"`, `>5<`)
		if n, _ := e.notify.Unread(ctx, u.ID); n != 5 {
			t.Fatalf("%d unread after opening the list, want 5", n)
		}
		b.post("/notifications/read", url.Values{}).expect(t, http.StatusSeeOther, "/notifications?read=1")
		b.get("/notifications?read=1").expect(t, http.StatusOK).has(t, tr(i18n.NL, "web.notifications.all_read")).hasNot(t, `id="mark-all-read"`, `id="notification-badge"`)
		if n, _ := e.notify.Unread(ctx, u.ID); n != 0 {
			t.Fatalf("%d unread after marking all read", n)
		}
		// Visitors who are not signed in are sent to the login page.
		anon := e.browser(t)
		anon.get("/notifications").expect(t, http.StatusSeeOther, "/login?next=%2Fnotifications")
		anon.get("/").expect(t, http.StatusOK).hasNot(t, `id="nav-notifications"`)
	})
}

// Coordinator pages: not there for others (404, no link); for a
// coordinator the escalation list, why helpers ranked where they did,
// resolving with a note, searching again, and the edition's settings.
func TestCoordinatorPages(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newDispatchEnv(t, db)
		ctx := context.Background()
		const national = "00000000-0000-7000-8000-000000000001"
		seeker := e.person(t, "sanne@example.org", "Sanne", 0)
		coco := e.person(t, "coco@example.org", "Coco", 0.5)
		if err := e.acc.GrantRole(ctx, "coco@example.org", "nederland", account.RoleCoordinator); err != nil {
			t.Fatal(err)
		}
		lonely := e.ask(t, seeker, "Niemand in de buurt", false)
		other := e.ask(t, seeker, "Ook niemand", false)

		// Not a coordinator: as if the pages did not exist.
		s := e.browser(t)
		s.login("sanne@example.org")
		s.get("/me/help").expect(t, http.StatusOK).hasNot(t, `id="nav-coordinator"`)
		for _, path := range []string{"/coordinator", "/coordinator/requests/" + lonely.ID, "/coordinator/editions/" + national + "/settings"} {
			s.get(path).expect(t, http.StatusNotFound).has(t, tr(i18n.NL, "web.error.not_found.title"))
		}
		s.post("/coordinator/requests/"+lonely.ID+"/resolve", url.Values{"note": {"x"}}).expect(t, http.StatusNotFound)
		s.post("/coordinator/requests/"+lonely.ID+"/retry", url.Values{}).expect(t, http.StatusNotFound)
		s.post("/coordinator/editions/"+national+"/settings", url.Values{"batch": {"3"}, "answer_minutes": {"30"}, "max_km": {"10"}, "escalate_hours": {"24"}}).
			expect(t, http.StatusNotFound)
		if set, _ := e.d.EditionSettings(ctx, coco, national); set.Batch != 1 {
			t.Fatalf("a non-coordinator changed the batch to %d", set.Batch)
		}

		c := e.browser(t)
		c.login("coco@example.org")
		list := c.get("/coordinator").expect(t, http.StatusOK)
		list.has(t, `id="nav-coordinator"`, `id="escalations"`, `href="/coordinator/requests/`+lonely.ID+`"`, lonely.Title,
			seeker.DisplayName(), tr(i18n.NL, "web.coordinator.reason."+dispatch.ReasonExhausted), `href="/coordinator/editions/`+national+`/settings"`,
			`href="/coordinator/editions/`+national+`/house-rules"`, `href="/coordinator/watch-groups"`)
		list.hasNot(t, privateParts(0)...)
		ex := c.get("/coordinator/requests/"+lonely.ID).expect(t, http.StatusOK)
		ex.has(t, `id="page-title"`, lonely.Title, tr(i18n.NL, "web.coordinator.status.escalated"), `id="ranking-none"`, `id="resolve"`, `id="retry"`, `id="note"`)

		// A note that is too long is refused with the field marked.
		long := strings.Repeat("x", dispatch.MaxResolutionNote+1)
		bad := c.post("/coordinator/requests/"+lonely.ID+"/resolve", url.Values{"note": {long}}).expect(t, http.StatusUnprocessableEntity)
		bad.has(t, `id="error-summary"`, `id="note-error"`, `href="#note"`, tr(i18n.NL, "dispatch.note_too_long", "max", dispatch.MaxResolutionNote))
		c.post("/coordinator/requests/"+lonely.ID+"/resolve", url.Values{"note": {"Gebeld, de buurvrouw helpt."}}).
			expect(t, http.StatusSeeOther, "/coordinator?resolved=1")
		c.get("/coordinator?resolved=1").expect(t, http.StatusOK).has(t, tr(i18n.NL, "web.coordinator.resolved")).
			hasNot(t, `id="escalation-`+lonely.ID+`"`).has(t, `id="escalation-`+other.ID+`"`)

		// Searching again: a helper has since joined and is asked.
		anna := e.helper(t, "anna@example.org", "Anna", 0.2)
		c.post("/coordinator/requests/"+other.ID+"/retry", url.Values{}).expect(t, http.StatusSeeOther, "/coordinator/requests/"+other.ID+"?retried=1")
		e.run(t)
		e.openInvitation(t, anna, other.ID)
		r := c.get("/coordinator/requests/"+other.ID+"?retried=1").expect(t, http.StatusOK)
		r.has(t, tr(i18n.NL, "web.coordinator.retried"), `id="ranking"`, `id="rank-1"`, anna.DisplayName(), tr(i18n.NL, "web.invitation.short.open")).hasNot(t, `id="resolve"`)
		// Retrying what is no longer escalated says so.
		c.post("/coordinator/requests/"+other.ID+"/retry", url.Values{}).expect(t, http.StatusConflict).
			has(t, `id="error-summary"`, tr(i18n.NL, "dispatch.not_escalated"))

		// The edition's settings.
		path := "/coordinator/editions/" + national + "/settings"
		c.get(path).expect(t, http.StatusOK).has(t, `id="batch" name="batch" type="number" value="1"`, `value="30"`, `value="10"`, `value="24"`)
		wrong := c.post(path, url.Values{"batch": {"9"}, "answer_minutes": {"1"}, "max_km": {"tien"}, "escalate_hours": {"100"}}).expect(t, http.StatusUnprocessableEntity)
		wrong.has(t, `id="error-summary"`, `id="batch-error"`, `id="answer_minutes-error"`, `id="max_km-error"`, `id="escalate_hours-error"`,
			tr(i18n.NL, "dispatch.batch_invalid", "min", 1, "max", 5), `value="tien"`)
		c.post(path, url.Values{"batch": {"2"}, "answer_minutes": {"45"}, "max_km": {"7,5"}, "escalate_hours": {"12"}}).expect(t, http.StatusSeeOther, path+"?saved=1")
		c.get(path+"?saved=1").expect(t, http.StatusOK).has(t, tr(i18n.NL, "web.edition_settings.saved"), `value="2"`, `value="45"`, `value="7.5"`, `value="12"`)
		if set, _ := e.d.EditionSettings(ctx, coco, national); set != (dispatch.EditionSettings{Batch: 2, AnswerMinutes: 45, MaxKm: 7.5, EscalateHours: 12}) {
			t.Fatalf("settings %+v", set)
		}
		c.get("/coordinator/editions/00000000-0000-7000-8000-00000000dead/settings").expect(t, http.StatusNotFound)
	})
}
