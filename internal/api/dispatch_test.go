package api

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/noaber/noaber/internal/geo"
	"github.com/noaber/noaber/internal/store"
	"github.com/noaber/noaber/internal/testkit"
)

// nationalEdition is the edition every place belongs to unless a local one
// covers it (migration 001); the test town Terneuzen has none.
const nationalEdition = "00000000-0000-7000-8000-000000000001"

// dispatchWorld is the help tests' town with the dispatcher running: Els
// asks, Piet, Anna and Bram help nearby, Karel helps 30 km away, Mo only
// looks on, Cor will coordinate the national edition and Dirk another one.
type dispatchWorld struct {
	*helpWorld
	d       *dispatchEnv
	cor     *neighbour
	dirk    *neighbour
	helpers []*neighbour // the three near Els
}

func newDispatchWorld(t *testing.T, db *store.DB) *dispatchWorld {
	t.Helper()
	d := newDispatchEnv(t, db)
	e := d.env
	addPostcodes(t, db)
	w := &dispatchWorld{d: d, helpWorld: &helpWorld{e: e,
		els:   e.neighbourAt(t, "els@example.nl", "Els", "4531 EK", "117-hs", geo.Point{Lat: 51.33582, Lng: 3.82764}),
		piet:  e.neighbourAt(t, "piet@example.nl", "Piet", "4532 AB", "58-zw", geo.Point{Lat: 51.32811, Lng: 3.84102}),
		anna:  e.neighbourAt(t, "anna@example.nl", "Anna", "4533 RT", "203-rd", geo.Point{Lat: 51.33421, Lng: 3.83013}),
		bram:  e.neighbourAt(t, "bram@example.nl", "Bram", "4535 XY", "74-th", geo.Point{Lat: 51.34021, Lng: 3.81877}),
		karel: e.neighbourAt(t, "karel@example.nl", "Karel", "4461 ZW", "166-qq", geo.Point{Lat: 51.60582, Lng: 3.82764}),
		mo:    e.neighbourAt(t, "mo@example.nl", "Mo", "4537 PQ", "9-kl", geo.Point{Lat: 51.33301, Lng: 3.82499}),
	}}
	w.cor = e.neighbourAt(t, "cor@example.nl", "Cor", "4538 MN", "31-vw", geo.Point{Lat: 51.32001, Lng: 3.80499})
	w.dirk = e.neighbourAt(t, "dirk@example.nl", "Dirk", "4539 GH", "12-gz", geo.Point{Lat: 51.31001, Lng: 3.86499})
	w.helpers = []*neighbour{w.piet, w.anna, w.bram}
	// Every day, every part of it, quiet only at night: whether someone is
	// invited depends on the dispatcher's other rules alone.
	all := []string{"morning", "afternoon", "evening"}
	body := jsonBody(t, map[string]any{
		"categories": []string{"groceries"}, "radius_km": 5,
		"availability": map[string][]string{"mon": all, "tue": all, "wed": all, "thu": all, "fri": all, "sat": all, "sun": all},
		"quiet_start":  "23:00", "quiet_end": "06:00", "weekly_max": 20, "paused_until": nil,
	})
	for _, h := range append(slices.Clone(w.helpers), w.karel) {
		e.do(t, scenario{method: "PUT", path: "/api/v1/me/helper-settings", token: h.token, body: body, status: 200})
	}
	w.fillAnswers(t)
	return w
}

func (w *dispatchWorld) everyone() []*neighbour {
	return append(w.helpWorld.everyone(), w.cor, w.dirk)
}

// post has Els ask for groceries tomorrow afternoon and lets the
// dispatcher start; it returns the request id.
func (w *dispatchWorld) post(t *testing.T) string {
	t.Helper()
	var r HelpRequest
	w.e.do(t, scenario{method: "POST", path: "/api/v1/requests", token: w.els.token, body: w.request(t, nil), status: 201}).decode(t, &r)
	w.d.runJobs(t)
	return r.ID
}

// invitations is h's invitation list, kept for the privacy sweep.
func (w *dispatchWorld) invitations(t *testing.T, h *neighbour) []Invitation {
	t.Helper()
	var out []Invitation
	w.do(t, scenario{method: "GET", path: "/api/v1/invitations", token: h.token, status: 200,
		after: w.sweep.watch(h, "invitations")}).decode(t, &out)
	return out
}

// open returns the helpers with an open invitation for the request.
func (w *dispatchWorld) open(t *testing.T, requestID string) map[*neighbour]Invitation {
	t.Helper()
	out := map[*neighbour]Invitation{}
	for _, h := range append(slices.Clone(w.helpers), w.karel, w.mo) {
		for _, inv := range w.invitations(t, h) {
			if inv.Request.ID == requestID && inv.Status == "open" {
				out[h] = inv
			}
		}
	}
	return out
}

// invitedOnce is the one helper with an open invitation for the request
// (the default batch is one).
func (w *dispatchWorld) invitedOnce(t *testing.T, requestID string) (*neighbour, Invitation) {
	t.Helper()
	open := w.open(t, requestID)
	if len(open) != 1 {
		t.Fatalf("%d helpers have an open invitation for %s, want 1", len(open), requestID)
	}
	for h, inv := range open {
		return h, inv
	}
	panic("unreachable")
}

// progress is the seeker's view of the search.
func (w *dispatchWorld) progress(t *testing.T, requestID string) Progress {
	t.Helper()
	var p Progress
	w.do(t, scenario{method: "GET", path: "/api/v1/requests/" + requestID + "/progress", token: w.els.token, status: 200,
		after: w.sweep.watch(w.els, "progress")}).decode(t, &p)
	return p
}

func (w *dispatchWorld) notifications(t *testing.T, n *neighbour) Notifications {
	t.Helper()
	var out Notifications
	w.do(t, scenario{method: "GET", path: "/api/v1/notifications", token: n.token, status: 200,
		after: w.sweep.watch(n, "notifications")}).decode(t, &out)
	return out
}

func (w *dispatchWorld) displayName(t *testing.T, n *neighbour) string {
	t.Helper()
	var me Me
	w.e.do(t, scenario{method: "GET", path: "/api/v1/me", token: n.token, status: 200}).decode(t, &me)
	return me.DisplayName
}

// hasNotification says whether ns holds one of kind about id: the
// invitation for invitation kinds, else the request.
func hasNotification(ns Notifications, kind, id string) bool {
	for _, n := range ns.Items {
		about := n.RequestID
		if strings.HasPrefix(kind, "invitation") {
			about = n.InvitationID
		}
		if n.Kind == kind && about != nil && *about == id {
			return true
		}
	}
	return false
}

// do is env.do that also runs the scenario's after-func (the privacy
// sweep's watch).
func (w *dispatchWorld) do(t *testing.T, sc scenario) *response {
	t.Helper()
	res := w.e.do(t, sc)
	if sc.after != nil {
		sc.after(t, res)
	}
	return res
}

func invPath(id string, action ...string) string {
	return strings.Join(append([]string{"/api/v1/invitations/" + id}, action...), "/")
}

func TestDispatchInvitations(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		w := newDispatchWorld(t, db)
		e, els, mo := w.e, w.els, w.mo
		reqID := w.post(t)

		h1, inv1 := w.invitedOnce(t, reqID)
		if inv1.Request.Town != "Terneuzen" || inv1.Request.DistanceKm == nil || *inv1.Request.DistanceKm != w.km(h1, els) ||
			inv1.Request.Mine || inv1.Request.Place != nil || inv1.Request.Seeker.ID != els.id {
			t.Errorf("the invitation's request is not as another member sees it: %+v", inv1.Request)
		}
		if inv1.AnsweredAt != nil || inv1.WithdrawnReason != nil || inv1.ConversationID != nil {
			t.Errorf("a fresh invitation has answer fields: %+v", inv1)
		}
		deadline, err := time.Parse(time.RFC3339, inv1.DeadlineAt)
		if err != nil || !deadline.After(e.clock.Now()) {
			t.Errorf("deadline_at %q is not in the future (now %s)", inv1.DeadlineAt, e.clock.Now())
		}
		if p := w.progress(t, reqID); p.Status != "searching" || p.Asked != 1 || p.Waiting != 1 || p.Helper != nil {
			t.Errorf("progress after the first invitation: %+v", p)
		}
		if ns := w.notifications(t, h1); ns.Unread != 1 || !hasNotification(ns, "invitation", inv1.ID) {
			t.Errorf("%s's notifications after the invitation: %+v", h1.email, ns)
		}

		e.run(t, []scenario{
			{name: "the invitation", method: "GET", path: invPath(inv1.ID), token: h1.token, status: 200,
				contains: []string{`"status":"open"`, `"withdrawn_reason":null`, `"answered_at":null`, `"town":"Terneuzen"`, `"name":"Boodschappen"`},
				excludes: []string{`"place"`}, after: w.sweep.watch(h1, "invitation")},
			{name: "the invitation in English", method: "GET", path: invPath(inv1.ID), token: h1.token, headers: english, status: 200,
				contains: []string{`"name":"Groceries"`}, after: w.sweep.watch(h1, "invitation")},
			{name: "someone else's invitation", method: "GET", path: invPath(inv1.ID), token: mo.token, status: 404,
				contains: []string{`"code":"not_found"`}},
			{name: "the seeker cannot open it either", method: "GET", path: invPath(inv1.ID), token: els.token, status: 404},
			{name: "accepting someone else's invitation", method: "POST", path: invPath(inv1.ID, "accept"), token: mo.token, status: 404,
				contains: []string{`"code":"not_found"`}},
			{name: "declining someone else's invitation", method: "POST", path: invPath(inv1.ID, "decline"), token: mo.token, status: 404},
			{name: "an unknown invitation", method: "POST", path: invPath("no-such-invitation", "accept"), token: h1.token, status: 404},
			{name: "invitations need a token", method: "GET", path: "/api/v1/invitations", status: 401},
			{name: "a pause that is too long", method: "POST", path: invPath(inv1.ID, "decline"), token: h1.token,
				body: `{"pause_days":91}`, status: 422, contains: []string{`"code":"invalid"`, `"field":"pause_days"`}},
			{name: "a negative pause", method: "POST", path: invPath(inv1.ID, "decline"), token: h1.token,
				body: `{"pause_days":-1}`, status: 422, contains: []string{`"field":"pause_days"`}},
			{name: "a pause that is not a number", method: "POST", path: invPath(inv1.ID, "decline"), token: h1.token,
				body: `{"pause_days":"soon"}`, status: 400, contains: []string{`"code":"malformed_body"`}},
			{name: "an unknown field", method: "POST", path: invPath(inv1.ID, "decline"), token: h1.token,
				body: `{"pause":3}`, status: 400, contains: []string{`"code":"unknown_field"`}},
			{name: "nothing was answered", method: "GET", path: invPath(inv1.ID), token: h1.token, status: 200,
				contains: []string{`"status":"open"`, `"answered_at":null`}},
			{name: "progress is the seeker's", method: "GET", path: "/api/v1/requests/" + reqID + "/progress", token: h1.token, status: 404},
			{name: "progress of an unknown request", method: "GET", path: "/api/v1/requests/nothing/progress", token: els.token, status: 404},
		})

		// Not this time, and a pause of three days.
		e.run(t, []scenario{
			{name: "decline with a pause", method: "POST", path: invPath(inv1.ID, "decline"), token: h1.token, body: `{"pause_days":3}`, status: 204},
			{name: "declining twice", method: "POST", path: invPath(inv1.ID, "decline"), token: h1.token, status: 409,
				contains: []string{`"code":"invitation_answered"`}},
			{name: "accepting after declining", method: "POST", path: invPath(inv1.ID, "accept"), token: h1.token, status: 409,
				contains: []string{`"code":"invitation_answered"`}},
			{name: "declined", method: "GET", path: invPath(inv1.ID), token: h1.token, status: 200,
				contains: []string{`"status":"declined"`}, excludes: []string{`"answered_at":null`}},
			{name: "the pause is in the helper settings", method: "GET", path: "/api/v1/me/helper-settings", token: h1.token, status: 200,
				excludes: []string{`"paused_until":null`}},
		})

		// The dispatcher moves on to the next helper.
		w.d.runJobs(t)
		h2, inv2 := w.invitedOnce(t, reqID)
		if h2 == h1 {
			t.Fatalf("%s was invited twice", h1.email)
		}
		if p := w.progress(t, reqID); p.Asked != 2 || p.Declined != 1 || p.Waiting != 1 {
			t.Errorf("progress after a decline: %+v", p)
		}

		// h2 lets the deadline pass.
		deadline, err = time.Parse(time.RFC3339, inv2.DeadlineAt)
		if err != nil {
			t.Fatal(err)
		}
		e.clock.Advance(deadline.Sub(e.clock.Now()) + time.Minute)
		w.d.runJobs(t)
		e.run(t, []scenario{
			{name: "accepting too late", method: "POST", path: invPath(inv2.ID, "accept"), token: h2.token, status: 409,
				contains: []string{`"code":"invitation_expired"`}},
			{name: "declining too late", method: "POST", path: invPath(inv2.ID, "decline"), token: h2.token, status: 409,
				contains: []string{`"code":"invitation_expired"`}},
			{name: "expired", method: "GET", path: invPath(inv2.ID), token: h2.token, status: 200, contains: []string{`"status":"expired"`}},
		})

		h3, inv3 := w.invitedOnce(t, reqID)
		if h3 == h1 || h3 == h2 {
			t.Fatalf("%s was invited twice", h3.email)
		}
		if p := w.progress(t, reqID); p.Asked != 3 || p.Declined != 1 || p.NoAnswer != 1 || p.Waiting != 1 || p.Helper != nil {
			t.Errorf("progress after a deadline passed: %+v", p)
		}

		// h3 says yes.
		var m Match
		w.do(t, scenario{method: "POST", path: invPath(inv3.ID, "accept"), token: h3.token, status: 200,
			contains: []string{`"request_id":"` + reqID + `"`}, after: w.sweep.watch(h3, "accept")}).decode(t, &m)
		if m.ConversationID == "" {
			t.Fatalf("accept without a conversation: %+v", m)
		}
		e.run(t, []scenario{
			{name: "accepting twice", method: "POST", path: invPath(inv3.ID, "accept"), token: h3.token, status: 409,
				contains: []string{`"code":"invitation_answered"`}},
			{name: "declining after accepting", method: "POST", path: invPath(inv3.ID, "decline"), token: h3.token, status: 409,
				contains: []string{`"code":"invitation_answered"`}},
			{name: "accepted", method: "GET", path: invPath(inv3.ID), token: h3.token, status: 200,
				contains: []string{`"status":"accepted"`, `"conversation_id":"` + m.ConversationID + `"`}, after: w.sweep.watch(h3, "accepted")},
			{name: "the request is matched", method: "GET", path: "/api/v1/requests/" + reqID, token: els.token, status: 200,
				contains: []string{`"status":"matched"`}},
		})
		w.d.runJobs(t)
		p := w.progress(t, reqID)
		if p.Status != "matched" || p.Helper == nil || p.Helper.ID != h3.id || p.Helper.DisplayName != w.displayName(t, h3) ||
			p.ConversationID == nil || *p.ConversationID != m.ConversationID {
			t.Errorf("progress after the match: %+v (helper %+v)", p, p.Helper)
		}
		if ns := w.notifications(t, els); !hasNotification(ns, "matched", reqID) {
			t.Errorf("Els was not told of the match: %+v", ns)
		}
		if invs := w.invitations(t, w.karel); len(invs) != 0 {
			t.Errorf("Karel, 30 km away, was invited: %+v", invs)
		}
		if invs := w.invitations(t, h1); len(invs) != 1 || invs[0].Status != "declined" {
			t.Errorf("%s's list after declining: %+v", h1.email, invs)
		}

		// A second request, cancelled while someone is invited: h1 is paused.
		req2 := w.post(t)
		hx, invx := w.invitedOnce(t, req2)
		if hx == h1 {
			t.Errorf("%s was invited while paused", h1.email)
		}
		e.do(t, scenario{method: "POST", path: "/api/v1/requests/" + req2 + "/cancel", token: els.token, status: 204})
		w.d.runJobs(t)
		e.run(t, []scenario{
			{name: "accepting for a cancelled request", method: "POST", path: invPath(invx.ID, "accept"), token: hx.token, status: 409,
				contains: []string{`"code":"invitation_withdrawn"`}},
			{name: "withdrawn", method: "GET", path: invPath(invx.ID), token: hx.token, status: 200,
				contains: []string{`"status":"withdrawn"`, `"withdrawn_reason":"closed"`}, after: w.sweep.watch(hx, "withdrawn")},
			{name: "the seeker's progress after cancelling", method: "GET", path: "/api/v1/requests/" + req2 + "/progress", token: els.token,
				status: 200, contains: []string{`"status":"stopped"`}},
		})
		if ns := w.notifications(t, hx); !hasNotification(ns, "invitation_withdrawn", invx.ID) {
			t.Errorf("%s was not told the invitation was withdrawn: %+v", hx.email, ns)
		}

		w.sweep.check(t, e, w.everyone())
	})
}

func TestDispatchNotifications(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		w := newDispatchWorld(t, db)
		e, mo := w.e, w.mo
		req1 := w.post(t)
		h, inv := w.invitedOnce(t, req1)
		e.do(t, scenario{method: "POST", path: invPath(inv.ID, "decline"), token: h.token, status: 204})
		w.d.runJobs(t)
		h2, _ := w.invitedOnce(t, req1)
		w.post(t) // a second request, so that there may be more than one
		ns := w.notifications(t, h2)
		if ns.Unread < 1 || len(ns.Items) != ns.Unread {
			t.Fatalf("%s's notifications: %+v", h2.email, ns)
		}
		first := ns.Items[0]
		if first.Read || first.Kind != "invitation" || first.RequestID == nil || first.RequestTitle == nil || *first.RequestTitle == "" {
			t.Errorf("an invitation notification: %+v", first)
		}
		e.run(t, []scenario{
			{name: "someone else's notification changes nothing", method: "POST", path: "/api/v1/notifications/read", token: mo.token,
				body: fmt.Sprintf(`{"id":%q}`, first.ID), status: 204},
			{name: "an unknown one neither", method: "POST", path: "/api/v1/notifications/read", token: h2.token,
				body: `{"id":"no-such-notification"}`, status: 204},
			{name: "a wrong body", method: "POST", path: "/api/v1/notifications/read", token: h2.token, body: `{"id":5}`, status: 400,
				contains: []string{`"code":"malformed_body"`}},
			{name: "notifications need a token", method: "GET", path: "/api/v1/notifications", status: 401},
		})
		if after := w.notifications(t, h2); after.Unread != ns.Unread {
			t.Errorf("unread went from %d to %d without %s marking anything", ns.Unread, after.Unread, h2.email)
		}
		e.do(t, scenario{method: "POST", path: "/api/v1/notifications/read", token: h2.token, body: fmt.Sprintf(`{"id":%q}`, first.ID), status: 204})
		after := w.notifications(t, h2)
		if after.Unread != ns.Unread-1 || after.Items[0].ID != first.ID || !after.Items[0].Read {
			t.Errorf("after marking one read: %+v", after)
		}
		// A notification of someone else is still unread.
		if hn := w.notifications(t, h); hn.Unread == 0 {
			t.Errorf("%s's notifications were marked read by %s", h.email, h2.email)
		}
		e.do(t, scenario{method: "POST", path: "/api/v1/notifications/read", token: h2.token, body: `{}`, status: 204})
		if all := w.notifications(t, h2); all.Unread != 0 || len(all.Items) != len(ns.Items) {
			t.Errorf("after marking all read: %+v", all)
		}
		// Without a body, too.
		e.do(t, scenario{method: "POST", path: "/api/v1/notifications/read", token: h.token, status: 204})
		if hn := w.notifications(t, h); hn.Unread != 0 {
			t.Errorf("%s still has %d unread after marking all read", h.email, hn.Unread)
		}
	})
}

func TestDispatchCoordinators(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		w := newDispatchWorld(t, db)
		e, els, mo, cor, dirk := w.e, w.els, w.mo, w.cor, w.dirk
		ctx := context.Background()
		if _, err := db.Exec(ctx, "INSERT INTO editions (id, slug, name, created_at) VALUES ('ed-gent', 'gent', 'Gent helpt', ?)", e.clock.Now()); err != nil {
			t.Fatal(err)
		}
		w.d.grant(t, dirk, "gent")
		settings := "/api/v1/editions/" + nationalEdition + "/dispatch-settings"

		// Before Cor is a coordinator, none of this is for him.
		req1 := w.post(t)
		for _, n := range []*neighbour{cor, mo} {
			e.run(t, []scenario{
				{name: "escalations of a non-coordinator", method: "GET", path: "/api/v1/escalations", token: n.token, status: 403,
					contains: []string{`"code":"forbidden"`}},
				{name: "explain for a non-coordinator", method: "GET", path: "/api/v1/requests/" + req1 + "/dispatch", token: n.token, status: 404},
				{name: "settings for a non-coordinator", method: "GET", path: settings, token: n.token, status: 404},
				{name: "changing settings as a non-coordinator", method: "PUT", path: settings, token: n.token,
					body: `{"batch":2,"answer_minutes":30,"max_km":10,"escalate_hours":24}`, status: 404},
			})
		}
		e.run(t, []scenario{
			{name: "the seeker cannot see how it was dispatched", method: "GET", path: "/api/v1/requests/" + req1 + "/dispatch", token: els.token, status: 404},
			{name: "a coordinator of another edition", method: "GET", path: "/api/v1/requests/" + req1 + "/dispatch", token: dirk.token, status: 404},
			{name: "another edition's settings", method: "GET", path: settings, token: dirk.token, status: 404},
			{name: "changing another edition's settings", method: "PUT", path: settings, token: dirk.token,
				body: `{"batch":2,"answer_minutes":30,"max_km":10,"escalate_hours":24}`, status: 404},
			{name: "their own edition's settings", method: "GET", path: "/api/v1/editions/ed-gent/dispatch-settings", token: dirk.token, status: 200,
				contains: []string{`"batch":1`, `"answer_minutes":30`, `"max_km":10`, `"escalate_hours":24`}},
			{name: "an edition that does not exist", method: "GET", path: "/api/v1/editions/nothing/dispatch-settings", token: dirk.token, status: 404},
			{name: "no escalations in their edition", method: "GET", path: "/api/v1/escalations", token: dirk.token, status: 200,
				contains: []string{`[]`}},
		})

		w.d.grant(t, cor, "nederland")
		e.run(t, []scenario{
			{name: "the defaults", method: "GET", path: settings, token: cor.token, status: 200,
				contains: []string{`"batch":1`, `"answer_minutes":30`, `"max_km":10`, `"escalate_hours":24`}},
			{name: "wrong settings", method: "PUT", path: settings, token: cor.token, headers: english,
				body: `{"batch":0,"answer_minutes":1,"max_km":30,"escalate_hours":0}`, status: 422,
				contains: []string{`"field":"batch"`, `"field":"answer_minutes"`, `"field":"max_km"`, `"field":"escalate_hours"`}},
			{name: "a batch too large", method: "PUT", path: settings, token: cor.token,
				body: `{"batch":6,"answer_minutes":30,"max_km":10,"escalate_hours":24}`, status: 422, contains: []string{`"field":"batch"`}},
			{name: "settings of the wrong type", method: "PUT", path: settings, token: cor.token,
				body: `{"batch":"two","answer_minutes":30,"max_km":10,"escalate_hours":24}`, status: 400},
			{name: "nothing changed", method: "GET", path: settings, token: cor.token, status: 200,
				contains: []string{`"batch":1`, `"answer_minutes":30`, `"max_km":10`, `"escalate_hours":24`}},
			{name: "two at a time", method: "PUT", path: settings, token: cor.token,
				body: `{"batch":2,"answer_minutes":20,"max_km":8,"escalate_hours":12}`, status: 200,
				contains: []string{`"batch":2`, `"answer_minutes":20`, `"max_km":8`, `"escalate_hours":12}`}},
			{name: "how the first request was dispatched", method: "GET", path: "/api/v1/requests/" + req1 + "/dispatch", token: cor.token,
				status: 200, contains: []string{`"rank":1`, `"weights":{`}, after: w.sweep.watch(cor, "explain")},
		})

		// Two helpers are asked at once; one wins, the other is too late.
		req2 := w.post(t)
		open := w.open(t, req2)
		if len(open) != 2 {
			t.Fatalf("%d helpers invited with a batch of 2", len(open))
		}
		var hs []*neighbour
		for h := range open {
			hs = append(hs, h)
		}
		e.do(t, scenario{method: "POST", path: invPath(open[hs[0]].ID, "accept"), token: hs[0].token, status: 200})
		e.run(t, []scenario{
			{name: "the second yes", method: "POST", path: invPath(open[hs[1]].ID, "accept"), token: hs[1].token, status: 409,
				contains: []string{`"code":"already_matched"`}},
			{name: "withdrawn for the match", method: "GET", path: invPath(open[hs[1]].ID), token: hs[1].token, status: 200,
				contains: []string{`"status":"withdrawn"`, `"withdrawn_reason":"matched"`}},
		})
		var x DispatchExplanation
		w.do(t, scenario{method: "GET", path: "/api/v1/requests/" + req2 + "/dispatch", token: cor.token, status: 200,
			after: w.sweep.watch(cor, "explain")}).decode(t, &x)
		if x.RequestID != req2 || x.Status != "matched" || len(x.Invitations) != 2 {
			t.Errorf("explanation of a matched request: %+v", x)
		}
		for _, r := range x.Invitations {
			if r.Helper.DisplayName == "" || r.Rank < 1 || r.SentAt == nil {
				t.Errorf("a ranked helper: %+v", r)
			}
		}

		e.run(t, []scenario{
			{name: "resolving a request that is not on the list", method: "POST", path: "/api/v1/escalations/" + req2 + "/resolve", token: cor.token,
				body: `{"note":"?"}`, status: 409, contains: []string{`"code":"not_escalated"`}},
			{name: "retrying a request that is not on the list", method: "POST", path: "/api/v1/escalations/" + req2 + "/retry", token: cor.token,
				status: 409, contains: []string{`"code":"not_escalated"`}},
			{name: "resolving an unknown request", method: "POST", path: "/api/v1/escalations/nothing/resolve", token: cor.token, status: 404},
		})

		// A request every helper declines ends on the coordinators' list.
		req3 := w.post(t)
		for range 3 {
			for h, inv := range w.open(t, req3) {
				e.do(t, scenario{method: "POST", path: invPath(inv.ID, "decline"), token: h.token, status: 204})
			}
			w.d.runJobs(t)
		}
		if p := w.progress(t, req3); p.Status != "escalated" || p.EscalatedAt == nil || p.Declined != 3 {
			t.Fatalf("progress after everyone declined: %+v", p)
		}
		var es []Escalation
		w.do(t, scenario{method: "GET", path: "/api/v1/escalations", token: cor.token, status: 200,
			after: w.sweep.watch(cor, "escalations")}).decode(t, &es)
		if len(es) != 1 || es[0].RequestID != req3 || es[0].Reason != "exhausted" || es[0].Seeker.ID != els.id ||
			es[0].Town != "Terneuzen" || es[0].Category.ID != "groceries" || es[0].EditionID != nationalEdition || es[0].Declined != 3 {
			t.Fatalf("escalations: %+v", es)
		}
		if ns := w.notifications(t, els); !hasNotification(ns, "escalated", req3) {
			t.Errorf("Els was not told: %+v", ns)
		}
		if ns := w.notifications(t, cor); !hasNotification(ns, "escalation", req3) {
			t.Errorf("Cor was not told: %+v", ns)
		}
		resolve := "/api/v1/escalations/" + req3 + "/resolve"
		e.run(t, []scenario{
			{name: "not on another edition's list", method: "GET", path: "/api/v1/escalations", token: dirk.token, status: 200,
				contains: []string{`[]`}},
			{name: "resolving as a non-coordinator", method: "POST", path: resolve, token: mo.token, body: `{"note":"ik"}`, status: 404},
			{name: "resolving as another edition's coordinator", method: "POST", path: resolve, token: dirk.token, body: `{"note":"ik"}`, status: 404},
			{name: "retrying as a non-coordinator", method: "POST", path: "/api/v1/escalations/" + req3 + "/retry", token: mo.token, status: 404},
			{name: "retry", method: "POST", path: "/api/v1/escalations/" + req3 + "/retry", token: cor.token, status: 204},
		})
		// Everyone within reach was asked: nobody is asked twice, and the
		// request is back on the list.
		w.d.runJobs(t)
		if open := w.open(t, req3); len(open) != 0 {
			t.Errorf("helpers asked again after a retry: %d", len(open))
		}
		if p := w.progress(t, req3); p.Status != "escalated" || p.Asked != 3 {
			t.Errorf("progress after a retry with nobody left to ask: %+v", p)
		}
		e.run(t, []scenario{
			{name: "a note too long", method: "POST", path: resolve, token: cor.token, body: jsonBody(t, map[string]string{"note": strings.Repeat("a", 1001)}),
				status: 422, contains: []string{`"field":"note"`}},
			{name: "still on the list", method: "GET", path: "/api/v1/escalations", token: cor.token, status: 200,
				contains: []string{req3}},
			{name: "resolve", method: "POST", path: resolve, token: cor.token, body: `{"note":"Ik heb Els gebeld; haar zoon gaat."}`, status: 204},
			{name: "off the list", method: "GET", path: "/api/v1/escalations", token: cor.token, status: 200,
				excludes: []string{req3}},
		})

		w.sweep.check(t, e, w.everyone())
	})
}
