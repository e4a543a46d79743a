package dispatch_test

import (
	"slices"
	"testing"
	"time"

	"github.com/noaber/noaber/internal/account"
	"github.com/noaber/noaber/internal/dispatch"
	"github.com/noaber/noaber/internal/help"
	"github.com/noaber/noaber/internal/notify"
	"github.com/noaber/noaber/internal/store"
	"github.com/noaber/noaber/internal/testkit"
)

func (e *env) setEdition(batch, answerMinutes int, maxKm float64, escalateHours int) {
	e.t.Helper()
	if _, err := e.db.Exec(e.ctx, `UPDATE editions SET dispatch_batch = ?, dispatch_answer_minutes = ?, dispatch_max_km = ?,
		dispatch_escalate_hours = ?`, batch, answerMinutes, maxKm, escalateHours); err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) status(requestID string) (status, reason string) {
	e.t.Helper()
	if err := e.db.QueryRow(e.ctx, "SELECT status, escalation FROM dispatches WHERE request_id = ?", requestID).Scan(&status, &reason); err != nil {
		e.t.Fatal(err)
	}
	return status, reason
}

func TestQuietHoursWaitForTheMorning(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		// 23:30 in Amsterdam (UTC+1 in November).
		e.clk.set(time.Date(2026, 11, 24, 22, 30, 0, 0, time.UTC))
		seeker := e.person("Sanne", zutphen)
		a := e.helper("Anna", 0.3, func(h *help.HelperSettings) { h.QuietStart, h.QuietEnd = "21:00", "08:00" })
		req := e.post(seeker, groceries())
		if got := e.invitedInOrder(req.ID); !slices.Equal(got, ids(a)) {
			t.Fatalf("invited %v", got)
		}
		if len(e.open(a)) != 0 {
			t.Fatal("Anna sees an invitation in her quiet hours")
		}
		if n := e.count("SELECT COUNT(*) FROM notifications WHERE user_id = ?", a.ID); n != 0 {
			t.Fatalf("%d notifications in quiet hours", n)
		}
		if p := e.progress(seeker, req.ID); p.Scheduled != 1 || p.Asked != 0 {
			t.Fatalf("progress %+v", p)
		}
		e.wait(8 * time.Hour) // 07:30: still quiet
		if len(e.open(a)) != 0 {
			t.Fatal("sent before 08:00")
		}
		e.wait(31 * time.Minute) // 08:01
		inv := e.open(a)
		if len(inv) != 1 {
			t.Fatal("not sent in the morning")
		}
		morning := time.Date(2026, 11, 25, 7, 0, 0, 0, time.UTC)
		if inv[0].SentAt.Before(morning) || !inv[0].DeadlineAt.Equal(inv[0].SentAt.Add(30*time.Minute)) {
			t.Fatalf("sent %v, deadline %v", inv[0].SentAt, inv[0].DeadlineAt)
		}

		// With a helper awake, the seeker need not wait for the morning.
		e.clk.set(time.Date(2026, 11, 25, 22, 30, 0, 0, time.UTC))
		owl := e.helper("Uil", 0.8, func(h *help.HelperSettings) { h.QuietStart, h.QuietEnd = "01:00", "09:00" })
		req2 := e.post(e.person("Sem", zutphen), groceries())
		if got := e.invitedInOrder(req2.ID); !slices.Equal(got, ids(owl)) {
			t.Fatalf("invited %v, want the helper who is awake (%s)", got, owl.ID)
		}
	})
}

func TestBlockedHelpersAreNeverInvited(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		seeker := e.person("Sanne", zutphen)
		a := e.helper("Anna", 0.3)
		b := e.helper("Bram", 0.5)
		c := e.helper("Cor", 0.7)
		if err := e.acc.Block(e.ctx, seeker, a.ID); err != nil { // the seeker blocked Anna
			t.Fatal(err)
		}
		if err := e.acc.Block(e.ctx, b, seeker.ID); err != nil { // Bram blocked the seeker
			t.Fatal(err)
		}
		req := e.post(seeker, groceries())
		if got := e.invitedInOrder(req.ID); !slices.Equal(got, ids(c)) {
			t.Fatalf("invited %v, want only Cor", got)
		}
		// Nor the seeker themself, when they help with the same thing.
		self := e.helper("Zelf", 0.1)
		req2 := e.post(self, groceries())
		if got := e.invitedInOrder(req2.ID); slices.Contains(got, self.ID) {
			t.Fatal("the seeker was invited for their own request")
		}
	})
}

func TestWeeklyMaximumAndPause(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		a := e.helper("Anna", 0.3, func(h *help.HelperSettings) { h.WeeklyMax = 1 })
		b := e.helper("Bram", 0.6)
		s1, s2 := e.person("Sanne", zutphen), e.person("Sem", zutphen)
		r1 := e.post(s1, groceries())
		if got := e.invitedInOrder(r1.ID); !slices.Equal(got, ids(a)) {
			t.Fatalf("first request: %v", got)
		}
		r2 := e.post(s2, groceries())
		if got := e.invitedInOrder(r2.ID); !slices.Equal(got, ids(b)) {
			t.Fatalf("second request: %v, want Bram (Anna reached her weekly maximum)", got)
		}
		// Both seekers found help elsewhere. A week later Anna can be
		// asked again.
		for _, r := range []struct {
			u  *account.User
			id string
		}{{s1, r1.ID}, {s2, r2.ID}} {
			if err := e.help.CancelRequest(e.ctx, r.u, r.id); err != nil {
				t.Fatal(err)
			}
		}
		e.wait(7*24*time.Hour + time.Minute)
		wantCode(t, e.d.Decline(e.ctx, b, e.firstInvitation(b, r2.ID), 14), 409, "invitation_withdrawn")
		r3 := e.post(e.person("Saar", zutphen), groceries())
		if got := e.invitedInOrder(r3.ID); !slices.Equal(got, ids(a)) {
			t.Fatalf("a week later: %v, want Anna again (%s)", got, a.ID)
		}
		if err := e.d.Decline(e.ctx, a, e.open(a)[0].ID, 14); err != nil {
			t.Fatal(err)
		}
		if got := e.invitedInOrder(r3.ID); !slices.Equal(got, ids(a, b)) {
			t.Fatalf("after Anna's no: %v", got)
		}
		r4 := e.post(e.person("Stijn", zutphen), groceries())
		if got := e.invitedInOrder(r4.ID); slices.Contains(got, a.ID) {
			t.Fatal("Anna was invited while she paused herself")
		}
	})
}

func (e *env) firstInvitation(u *account.User, requestID string) string {
	e.t.Helper()
	var id string
	if err := e.db.QueryRow(e.ctx, "SELECT id FROM invitations WHERE helper_id = ? AND request_id = ?", u.ID, requestID).Scan(&id); err != nil {
		e.t.Fatal(err)
	}
	return id
}

func TestAvailabilityInTheRequestedTime(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		// Anna only helps on weekday mornings; the request is on Saturday afternoon.
		a := e.helper("Anna", 0.3, func(h *help.HelperSettings) {
			h.Availability = help.Availability{}
			for d := 0; d < 5; d++ {
				h.Availability[d][0] = true
			}
		})
		b := e.helper("Bram", 0.6)
		in := groceries()
		in.WhenKind, in.Date, in.From, in.To = help.WhenWindow, "2026-11-28", "14:00", "16:00"
		req := e.post(e.person("Sanne", zutphen), in)
		if got := e.invitedInOrder(req.ID); !slices.Equal(got, ids(b)) {
			t.Fatalf("invited %v, want Bram (Anna is not available then)", got)
		}
		in.Date, in.From, in.To = "2026-11-26", "09:00", "11:00" // Thursday morning
		req2 := e.post(e.person("Sem", zutphen), in)
		if got := e.invitedInOrder(req2.ID); !slices.Equal(got, ids(a)) {
			t.Fatalf("invited %v, want Anna on a Thursday morning", got)
		}
	})
}

func TestRadiusWidensThenEscalates(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		seeker := e.person("Sanne", zutphen)
		far := e.helper("Verre", 3.5)
		tooFar := e.helper("Ver", 12) // beyond the edition's 10 km
		req := e.post(seeker, groceries())
		if got := e.invitedInOrder(req.ID); !slices.Equal(got, ids(far)) {
			t.Fatalf("invited %v, want the helper 3.5 km away", got)
		}
		var radius float64
		if err := db.QueryRow(e.ctx, "SELECT radius_km FROM dispatches WHERE request_id = ?", req.ID).Scan(&radius); err != nil || radius != 5 {
			t.Fatalf("radius %v (%v), want the 5 km step", radius, err)
		}
		if err := e.d.Decline(e.ctx, far, e.open(far)[0].ID, 0); err != nil {
			t.Fatal(err)
		}
		if got := e.invitedInOrder(req.ID); slices.Contains(got, tooFar.ID) {
			t.Fatal("invited a helper beyond the edition's maximum")
		}
		if st, why := e.status(req.ID); st != dispatch.Escalated || why != dispatch.ReasonExhausted {
			t.Fatalf("dispatch %s %s, want escalated: exhausted", st, why)
		}
		p := e.progress(seeker, req.ID)
		if p.Status != dispatch.Escalated || p.Declined != 1 || p.EscalatedAt.IsZero() {
			t.Fatalf("progress %+v", p)
		}
	})
}

func TestEscalationAfterTheDeadline(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		seeker := e.person("Sanne", zutphen)
		var helpers []*account.User
		for i := 0; i < 60; i++ {
			helpers = append(helpers, e.helper("Stil", 0.1+float64(i)*0.05))
		}
		admin, err := e.acc.CreateAdmin(e.ctx, account.SignupInput{Email: "coord@example.nl", Password: "a long password",
			FirstName: "Coby", Surname: "Oord", Postcode: "7201AB", Town: "Zutphen"})
		if err != nil {
			t.Fatal(err)
		}
		req := e.post(seeker, groceries())
		// Nobody answers; every half hour the next neighbour is asked,
		// except at night.
		for i := 0; i < 47; i++ {
			e.wait(30 * time.Minute)
		}
		if st, _ := e.status(req.ID); st != dispatch.Searching {
			t.Fatalf("status %s after 23.5 hours", st)
		}
		e.wait(31 * time.Minute)
		st, why := e.status(req.ID)
		if st != dispatch.Escalated || why != dispatch.ReasonDeadline {
			t.Fatalf("dispatch %s %s after 24 hours, want escalated: deadline", st, why)
		}
		p := e.progress(seeker, req.ID)
		// 24 hours, less the helpers' quiet night (22:00-07:00), at one
		// neighbour per half hour.
		if p.Asked < 28 || p.NoAnswer != p.Asked {
			t.Fatalf("progress %+v", p)
		}
		// No new invitations after escalation.
		asked := len(e.invitedInOrder(req.ID))
		e.wait(3 * time.Hour)
		if got := len(e.invitedInOrder(req.ID)); got != asked {
			t.Fatalf("%d invitations after escalation, was %d", got, asked)
		}
		// The coordinator (an admin here: the edition has no coordinators)
		// and the seeker were told; the list shows it.
		for _, u := range []struct {
			id, kind string
		}{{admin.ID, notify.Escalation}, {seeker.ID, notify.Escalated}} {
			if n := e.count("SELECT COUNT(*) FROM notifications WHERE user_id = ? AND kind = ?", u.id, u.kind); n != 1 {
				t.Fatalf("%s: %d %s notifications", u.id, n, u.kind)
			}
		}
		list, err := e.d.Escalations(e.ctx, admin)
		if err != nil || len(list) != 1 || list[0].RequestID != req.ID || list[0].Reason != dispatch.ReasonDeadline || list[0].Asked != p.Asked {
			t.Fatalf("escalations %+v %v", list, err)
		}
		_ = helpers
	})
}
