package moderation_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/noaber/noaber/internal/account"
	"github.com/noaber/noaber/internal/dispatch"
	"github.com/noaber/noaber/internal/help"
	"github.com/noaber/noaber/internal/i18n"
	"github.com/noaber/noaber/internal/message"
	"github.com/noaber/noaber/internal/moderation"
	"github.com/noaber/noaber/internal/notify"
	"github.com/noaber/noaber/internal/report"
	"github.com/noaber/noaber/internal/store"
	"github.com/noaber/noaber/internal/testkit"
)

func TestAccessPerEdition(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, false)
		modA, modN := e.moderator("Mona", edA), e.moderator("Nina", national)
		member := e.member("Mark", edA)
		admin := e.member("Ada", edB)
		e.exec("UPDATE users SET role = ? WHERE id = ?", account.RoleAdmin, admin.ID)
		admin = e.user(admin.ID)
		a1, a2 := e.member("Anna", edA), e.member("Arie", edA)
		b1, b2 := e.member("Bea", edB), e.member("Bram", edB)
		repA := e.reportPerson(a1, a2, report.ReasonSpam)
		repB := e.reportPerson(b1, b2, report.ReasonHarassment)
		dec := moderation.Decision{Action: moderation.Warn, Reason: report.ReasonSpam}

		// A moderator of edition A: A's queue only, 403 on everything of B.
		q, err := e.mod.Queue(e.ctx, modA, "", "")
		if err != nil || len(q) != 1 || q[0].Report.ID != repA.ID {
			t.Fatalf("A's queue: %+v, %v", q, err)
		}
		_, err = e.mod.Queue(e.ctx, modA, edB, "")
		wantForbidden(t, err)
		_, err = e.mod.Case(e.ctx, modA, repB.ID)
		wantForbidden(t, err)
		_, err = e.mod.Act(e.ctx, modA, repB.ID, dec)
		wantForbidden(t, err)
		_, err = e.mod.ActOnPerson(e.ctx, modA, b2.ID, dec)
		wantForbidden(t, err)
		_, err = e.mod.Person(e.ctx, modA, b2.ID)
		wantForbidden(t, err)
		_, err = e.mod.AuditLog(e.ctx, modA, edB, "")
		wantForbidden(t, err)
		_, err = e.mod.FlagRules(e.ctx, modA, edB)
		wantForbidden(t, err)
		wantForbidden(t, e.mod.SaveFlagRules(e.ctx, modA, edB, `{}`))
		if eds, err := e.mod.Editions(e.ctx, modA); err != nil || len(eds) != 1 || eds[0].ID != edA {
			t.Errorf("A's editions: %+v, %v", eds, err)
		}
		if n := e.count("SELECT COUNT(*) FROM moderation_actions"); n != 0 {
			t.Fatalf("%d actions after refused ones", n)
		}

		// A member: 403 everywhere, also on their own edition.
		_, err = e.mod.Editions(e.ctx, member)
		wantForbidden(t, err)
		_, err = e.mod.Queue(e.ctx, member, "", "")
		wantForbidden(t, err)
		_, err = e.mod.Queue(e.ctx, member, edA, "")
		wantForbidden(t, err)
		_, err = e.mod.Case(e.ctx, member, repA.ID)
		wantForbidden(t, err)
		_, err = e.mod.Act(e.ctx, member, repA.ID, dec)
		wantForbidden(t, err)
		_, err = e.mod.AuditLog(e.ctx, member, "", "")
		wantForbidden(t, err)
		_, err = e.mod.FlagRules(e.ctx, member, edA)
		wantForbidden(t, err)

		// The national moderator and a platform admin see both.
		for _, who := range []*account.User{modN, admin} {
			q, err = e.mod.Queue(e.ctx, who, "", "")
			if err != nil || len(q) != 2 || q[0].Report.ID != repA.ID || q[1].Report.ID != repB.ID {
				t.Fatalf("%s's queue: %+v, %v", who.FirstName, q, err)
			}
			if q, _ = e.mod.Queue(e.ctx, who, edB, ""); len(q) != 1 || q[0].Report.ID != repB.ID {
				t.Errorf("%s's queue of B: %+v", who.FirstName, q)
			}
			if eds, _ := e.mod.Editions(e.ctx, who); len(eds) != 3 || eds[0].ID != national {
				t.Errorf("%s's editions: %+v", who.FirstName, eds)
			}
			if _, err := e.mod.Case(e.ctx, who, repB.ID); err != nil {
				t.Errorf("%s's case of B: %v", who.FirstName, err)
			}
		}
		e.act(modN, repB.ID, dec)
		if log, err := e.mod.AuditLog(e.ctx, modA, "", ""); err != nil || len(log) != 0 {
			t.Errorf("A's audit log shows B's action: %+v, %v", log, err)
		}
		if log, err := e.mod.AuditLog(e.ctx, modN, edB, ""); err != nil || len(log) != 1 {
			t.Errorf("the national audit log of B: %+v, %v", log, err)
		}
	})
}

func TestQueueAndCase(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, false)
		mod := e.moderator("Mona", edA)
		anna, bert, carla := e.member("Anna", edA), e.member("Bert", edA), e.member("Carla", edA)
		conv, _ := e.direct(anna, bert, "Hallo Bert, kun je zaterdag helpen?")
		other, _ := e.direct(carla, bert, "Hoi Bert, ben je er morgen?")
		var ids []string
		for i := 0; i < 12; i++ {
			e.clk.add(time.Minute)
			from := bert
			if i%2 == 1 {
				from = anna
			}
			ids = append(ids, e.send(from, conv.ID, "Bericht "+string(rune('a'+i))).ID)
			e.send(carla, other.ID, "Tussendoor")
		}
		reported := ids[6] // from Bert
		e.clk.add(time.Minute)
		f, err := e.r.File(e.ctx, anna, report.Input{TargetKind: report.TargetMessage, TargetID: reported, Reason: report.ReasonHarassment})
		if err != nil {
			t.Fatal(err)
		}
		e.clk.add(time.Minute)
		f2 := e.reportPerson(carla, bert, report.ReasonOther)
		e.clk.add(time.Minute)
		f3, err := e.r.File(e.ctx, carla, report.Input{TargetKind: report.TargetMessage, TargetID: ids[8], Reason: report.ReasonSpam})
		if err == nil {
			t.Fatalf("Carla reported a message of another conversation: %+v", f3)
		}

		c, err := e.mod.Case(e.ctx, mod, f.ID)
		if err != nil {
			t.Fatal(err)
		}
		if c.Item.Text != "Bericht g" || c.Subject.ID != bert.ID || c.ReporterName != account.DisplayName("Anna", "de Vries", false) ||
			c.Suggested != report.ReasonHarassment {
			t.Errorf("case: item %+v subject %+v reporter %q suggested %q", c.Item, c.Subject, c.ReporterName, c.Suggested)
		}
		if len(c.Context) != 2*moderation.ContextAround+1 {
			t.Fatalf("context of %d messages", len(c.Context))
		}
		for i, m := range c.Context {
			if m.ID != ids[i+1] || m.Reported != (m.ID == reported) {
				t.Errorf("context %d: %+v, want %s", i, m, ids[i+1])
			}
			if m.Body == "Tussendoor" {
				t.Error("the context shows a message of another conversation")
			}
		}
		if len(c.OtherReports) != 1 || c.OtherReports[0].ID != f2.ID {
			t.Errorf("other reports: %+v", c.OtherReports)
		}

		q, err := e.mod.Queue(e.ctx, mod, edA, "")
		if err != nil || len(q) != 2 || q[0].Report.ID != f.ID || q[1].Report.ID != f2.ID || q[0].Summary != "Bericht g" ||
			q[0].SubjectName != account.DisplayName("Bert", "de Vries", false) || q[0].Others != 0 || q[1].Others != 0 {
			t.Fatalf("queue: %+v, %v", q, err)
		}
		if q, _ = e.mod.Queue(e.ctx, mod, edA, f.ID); len(q) != 1 || q[0].Report.ID != f2.ID {
			t.Errorf("the page after the first: %+v", q)
		}
		_, err = e.mod.Case(e.ctx, mod, "no-such-report")
		wantCode(t, err, http.StatusNotFound, "not_found")

		// Dismiss closes it: off the queue, in the history, the reporter
		// gets the outcome.
		e.act(mod, f.ID, moderation.Decision{Action: moderation.Dismiss, Reason: moderation.ReasonNoViolation})
		if q, _ = e.mod.Queue(e.ctx, mod, "", ""); len(q) != 1 || q[0].Report.ID != f2.ID {
			t.Errorf("queue after dismissing: %+v", q)
		}
		_, err = e.mod.Act(e.ctx, mod, f.ID, moderation.Decision{Action: moderation.Warn, Reason: report.ReasonSpam})
		wantCode(t, err, http.StatusConflict, "report_closed")
		p, err := e.mod.Person(e.ctx, mod, bert.ID)
		if err != nil || len(p.OtherReports) != 2 || len(p.Actions) != 1 || p.Actions[0].Action != moderation.Dismiss {
			t.Errorf("person: %+v, %v", p, err)
		}
		filed, _ := e.r.Filed(e.ctx, anna)
		if len(filed) != 1 || filed[0].Outcome != report.OutcomeNone {
			t.Errorf("Anna's reports: %+v", filed)
		}
		if e.count("SELECT COUNT(*) FROM notifications WHERE user_id = ? AND kind = ? AND ref = ?", anna.ID, notify.ReportOutcome, f.ID) != 1 {
			t.Error("no outcome notification for the reporter")
		}

		// A second open report on Bert: each counts the other.
		e.clk.add(time.Minute)
		f4 := e.reportPerson(anna, bert, report.ReasonHarassment)
		if q, _ = e.mod.Queue(e.ctx, mod, "", ""); len(q) != 2 || q[1].Report.ID != f4.ID || q[0].Others != 1 || q[1].Others != 1 {
			t.Errorf("queue with two reports on Bert: %+v", q)
		}
	})
}

func TestDecisionValidation(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, false)
		mod := e.moderator("Mona", edA)
		anna, bert := e.member("Anna", edA), e.member("Bert", edA)
		f := e.reportPerson(anna, bert, report.ReasonSpam)
		for _, c := range []struct {
			d          moderation.Decision
			field, key string
		}{
			{moderation.Decision{Action: "ban", Reason: report.ReasonSpam}, "action", "moderation.error.action"},
			{moderation.Decision{Action: moderation.Warn}, "reason", "moderation.error.reason"},
			{moderation.Decision{Action: moderation.Warn, Reason: moderation.ReasonNoViolation}, "reason", "moderation.error.reason_no_violation"},
			{moderation.Decision{Action: moderation.Warn, Reason: report.ReasonOther}, "note", "moderation.error.note_required"},
			{moderation.Decision{Action: moderation.Warn, Reason: report.ReasonSpam, Note: strings.Repeat("x", moderation.MaxNote+1)}, "note", "moderation.error.note_long"},
			{moderation.Decision{Action: moderation.Suspend, Reason: report.ReasonSpam, Days: -1}, "days", "moderation.error.days"},
			{moderation.Decision{Action: moderation.Suspend, Reason: report.ReasonSpam, Days: moderation.MaxDays + 1}, "days", "moderation.error.days"},
		} {
			_, err := e.mod.Act(e.ctx, mod, f.ID, c.d)
			wantField(t, err, c.field, c.key)
		}
		_, err := e.mod.ActOnPerson(e.ctx, mod, bert.ID, moderation.Decision{Action: moderation.Dismiss, Reason: moderation.ReasonNoViolation})
		wantField(t, err, "action", "moderation.error.action")
		_, err = e.mod.Act(e.ctx, mod, f.ID, moderation.Decision{Action: moderation.Lift, Reason: moderation.ReasonNoViolation})
		wantCode(t, err, http.StatusConflict, "not_suspended")
		if n := e.count("SELECT COUNT(*) FROM moderation_actions"); n != 0 {
			t.Errorf("%d actions written by refused decisions", n)
		}
		if e.count("SELECT COUNT(*) FROM reports WHERE id = ? AND status = 'open'", f.ID) != 1 {
			t.Error("a refused decision closed the report")
		}
	})
}

func TestSuspendAndLift(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, false)
		mod := e.moderator("Mona", edA)
		anna := e.member("Anna", edA)
		bert := e.helper("Bert", edA, 1)
		other := e.member("Olga", edA)
		token, _, err := e.acc.Login(e.ctx, bert.Email, "a long password", "192.0.2.1", "test", account.WebSession)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.acc.Authenticate(e.ctx, token, account.WebSession); err != nil {
			t.Fatalf("before: %v", err)
		}
		own := e.post(bert)   // Bert's own open request
		asked := e.post(anna) // Bert is invited to help Anna
		invs, err := e.d.Invitations(e.ctx, bert, i18n.NL)
		if err != nil || len(invs) == 0 || invs[0].Status != dispatch.InvOpen {
			t.Fatalf("Bert has no open invitation: %+v, %v", invs, err)
		}
		f := e.reportPerson(anna, bert, report.ReasonDating)
		f2 := e.reportPerson(other, bert, report.ReasonHarassment)

		a := e.act(mod, f.ID, moderation.Decision{Action: moderation.Suspend, Reason: report.ReasonDating, Note: "Stuurt vrouwen berichten", Days: 14})
		if want := startTime.Add(14 * 24 * time.Hour); !a.Until.Equal(e.clk.now().Add(14*24*time.Hour)) || a.Until.Before(want) {
			t.Errorf("until %v", a.Until)
		}
		if _, err := e.acc.Authenticate(e.ctx, token, account.WebSession); err == nil {
			t.Error("the suspended user's session still works")
		}
		if u := e.user(bert.ID); u.Status != account.StatusSuspended || !u.SuspendedUntil.Equal(a.Until) {
			t.Errorf("account: %s until %v", u.Status, u.SuspendedUntil)
		}
		if e.count("SELECT COUNT(*) FROM requests WHERE id = ? AND status = ?", own.ID, help.StatusCancelled) != 1 {
			t.Error("the suspended user's open request was not cancelled")
		}
		if e.count("SELECT COUNT(*) FROM invitations WHERE helper_id = ? AND status = 'open'", bert.ID) != 0 {
			t.Error("an invitation to the suspended user is still open")
		}
		if e.count("SELECT COUNT(*) FROM requests WHERE id = ? AND status = 'open'", asked.ID) != 1 {
			t.Error("Anna's request closed with Bert's suspension")
		}
		// Both reports on the person are closed by the suspension, each
		// reporter hears of it.
		if e.count("SELECT COUNT(*) FROM reports WHERE subject_id = ? AND status = 'closed' AND outcome = 'suspend' AND action_id = ?", bert.ID, a.ID) != 2 {
			t.Error("the reports on Bert were not closed")
		}
		for _, r := range []string{f.ID, f2.ID} {
			if e.count("SELECT COUNT(*) FROM notifications WHERE kind = ? AND ref = ?", notify.ReportOutcome, r) != 1 {
				t.Errorf("no outcome notification for report %s", r)
			}
		}
		if e.count("SELECT COUNT(*) FROM jobs WHERE kind = ? AND state = 'pending'", moderation.LiftKind) != 1 {
			t.Error("no lift job")
		}

		// Not yet: a day before the end nothing changes.
		e.clk.add(13 * 24 * time.Hour)
		e.run()
		if u := e.user(bert.ID); u.Status != account.StatusSuspended {
			t.Fatalf("lifted early: %s", u.Status)
		}
		e.clk.add(24*time.Hour + time.Second)
		e.run()
		if u := e.user(bert.ID); u.Status != account.StatusActive {
			t.Fatalf("after the period: %s", u.Status)
		}
		log, err := e.mod.AuditLog(e.ctx, mod, edA, "")
		if err != nil || len(log) != 2 || log[0].Action != moderation.Lift || log[0].ActorID != "" || log[0].Reason != moderation.ReasonExpired ||
			log[1].ID != a.ID || log[1].ActorID != mod.ID || log[1].Reason != report.ReasonDating || log[1].Note != "Stuurt vrouwen berichten" {
			t.Fatalf("audit log: %+v, %v", log, err)
		}

		// An indefinite suspension has no job; a moderator lifts it.
		s2, err := e.mod.ActOnPerson(e.ctx, mod, bert.ID, moderation.Decision{Action: moderation.Suspend, Reason: report.ReasonHarassment})
		if err != nil || !s2.Until.IsZero() {
			t.Fatalf("indefinitely: %+v, %v", s2, err)
		}
		if u := e.user(bert.ID); u.Status != account.StatusSuspended || !u.SuspendedUntil.IsZero() {
			t.Errorf("indefinitely: %s until %v", u.Status, u.SuspendedUntil)
		}
		if e.count("SELECT COUNT(*) FROM jobs WHERE kind = ? AND state = 'pending'", moderation.LiftKind) != 0 {
			t.Error("a lift job for an indefinite suspension")
		}
		if _, err := e.mod.ActOnPerson(e.ctx, mod, bert.ID, moderation.Decision{Action: moderation.Lift, Reason: moderation.ReasonNoViolation}); err != nil {
			t.Fatal(err)
		}
		if u := e.user(bert.ID); u.Status != account.StatusActive {
			t.Errorf("after lifting: %s", u.Status)
		}
	})
}

func TestLiftJobLeavesANewerSuspension(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, false)
		mod := e.moderator("Mona", edA)
		bert := e.member("Bert", edA)
		if _, err := e.mod.ActOnPerson(e.ctx, mod, bert.ID, moderation.Decision{Action: moderation.Suspend, Reason: report.ReasonSpam, Days: 7}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.mod.ActOnPerson(e.ctx, mod, bert.ID, moderation.Decision{Action: moderation.Suspend, Reason: report.ReasonSpam, Days: 30}); err != nil {
			t.Fatal(err)
		}
		e.clk.add(8 * 24 * time.Hour)
		e.run()
		if u := e.user(bert.ID); u.Status != account.StatusSuspended {
			t.Fatalf("the 7-day job lifted the 30-day suspension: %s", u.Status)
		}
		e.clk.add(23 * 24 * time.Hour)
		e.run()
		if u := e.user(bert.ID); u.Status != account.StatusActive {
			t.Fatalf("after 31 days: %s", u.Status)
		}
	})
}

func TestRemove(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, false)
		mod := e.moderator("Mona", edA)
		anna := e.member("Anna", edA)
		bert := e.helper("Bert", edA, 1)
		conv, _ := e.direct(bert, anna, "Hallo Anna, ik woon om de hoek.")
		e.send(bert, conv.ID, "Zal ik morgen langskomen?")
		own := e.post(bert)
		viewer := e.helper("Vera", edA, 2)
		if res, err := e.help.Search(e.ctx, viewer, help.SearchQuery{}, i18n.NL); err != nil || !slices.ContainsFunc(res.Requests, func(r help.RequestView) bool { return r.ID == own.ID }) {
			t.Fatalf("before: the request is not in search: %v", err)
		}
		f := e.reportPerson(anna, bert, report.ReasonMoney)
		e.act(mod, f.ID, moderation.Decision{Action: moderation.Remove, Reason: report.ReasonMoney})

		if u := e.user(bert.ID); u.Status != account.StatusRemoved {
			t.Errorf("status %s", u.Status)
		}
		if _, err := e.acc.Profile(e.ctx, anna, bert.ID, i18n.NL); err == nil {
			t.Error("the removed user's profile is still shown")
		} else {
			wantCode(t, err, http.StatusNotFound, "not_found")
		}
		if n := e.count("SELECT COUNT(*) FROM messages WHERE sender_id = ? AND hidden_at IS NULL", bert.ID); n != 0 {
			t.Errorf("%d of the removed user's messages still shown", n)
		}
		// Anna's conversation no longer shows them (or is gone).
		if msgs, _, err := e.m.Messages(e.ctx, anna, conv.ID, "", 50); err == nil &&
			slices.ContainsFunc(msgs, func(m message.Message) bool { return m.SenderID == bert.ID }) {
			t.Error("the removed user's messages still show in the conversation")
		}
		res, err := e.help.Search(e.ctx, viewer, help.SearchQuery{}, i18n.NL)
		if err != nil {
			t.Fatal(err)
		}
		if slices.ContainsFunc(res.Requests, func(r help.RequestView) bool { return r.ID == own.ID }) {
			t.Error("the removed user's request is still in search")
		}
		_, err = e.mod.ActOnPerson(e.ctx, mod, bert.ID, moderation.Decision{Action: moderation.Warn, Reason: report.ReasonMoney})
		wantCode(t, err, http.StatusConflict, "account_removed")
	})
}

func TestWarnUntilAcknowledged(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, false)
		mod := e.moderator("Mona", edA)
		anna, bert := e.member("Anna", edA), e.member("Bert", edA)
		f := e.reportPerson(anna, bert, report.ReasonHarassment)
		a := e.act(mod, f.ID, moderation.Decision{Action: moderation.Warn, Reason: report.ReasonHarassment, Note: "Eerste keer"})
		ws, err := e.mod.PendingWarnings(e.ctx, bert.ID)
		if err != nil || len(ws) != 1 || ws[0].ID != a.ID || ws[0].Reason != report.ReasonHarassment {
			t.Fatalf("pending: %+v, %v", ws, err)
		}
		if u := e.user(bert.ID); u.Status != account.StatusActive {
			t.Errorf("a warning changed the status to %s", u.Status)
		}
		wantCode(t, e.mod.Acknowledge(e.ctx, anna.ID, a.ID), http.StatusNotFound, "not_found")
		if ws, _ = e.mod.PendingWarnings(e.ctx, bert.ID); len(ws) != 1 {
			t.Fatal("someone else acknowledged the warning")
		}
		if err := e.mod.Acknowledge(e.ctx, bert.ID, a.ID); err != nil {
			t.Fatal(err)
		}
		if err := e.mod.Acknowledge(e.ctx, bert.ID, a.ID); err != nil {
			t.Errorf("twice: %v", err)
		}
		if ws, _ = e.mod.PendingWarnings(e.ctx, bert.ID); len(ws) != 0 {
			t.Errorf("after acknowledging: %+v", ws)
		}
	})
}

func TestAuditLogIsAppendOnly(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, false)
		mod := e.moderator("Mona", edA)
		anna, bert := e.member("Anna", edA), e.member("Bert", edA)
		var want []string
		for _, d := range []moderation.Decision{
			{Action: moderation.Dismiss, Reason: moderation.ReasonNoViolation},
			{Action: moderation.Warn, Reason: report.ReasonSpam},
			{Action: moderation.Suspend, Reason: report.ReasonOther, Note: "Reclame voor zijn bedrijf", Days: 7},
			{Action: moderation.Lift, Reason: moderation.ReasonNoViolation},
			{Action: moderation.Remove, Reason: report.ReasonSpam},
		} {
			e.clk.add(time.Minute)
			f := e.reportPerson(anna, bert, report.ReasonSpam)
			a := e.act(mod, f.ID, d)
			want = append([]string{a.ID}, want...)
		}
		log, err := e.mod.AuditLog(e.ctx, mod, "", "")
		if err != nil || len(log) != len(want) {
			t.Fatalf("audit log: %+v, %v", log, err)
		}
		for i, a := range log {
			if a.ID != want[i] || a.ActorID != mod.ID || a.ActorName == "" || a.SubjectID != bert.ID || a.Reason == "" || a.ReportID == "" {
				t.Errorf("entry %d: %+v", i, a)
			}
		}
		if page, _ := e.mod.AuditLog(e.ctx, mod, "", log[1].ID); len(page) != 3 || page[0].ID != log[2].ID {
			t.Errorf("the page before %s: %+v", log[1].ID, page)
		}
		for _, q := range []string{
			"UPDATE moderation_actions SET reason = 'spam'",
			"UPDATE moderation_actions SET note = '' WHERE id = '" + log[0].ID + "'",
			"DELETE FROM moderation_actions",
			"DELETE FROM moderation_actions WHERE id = '" + log[0].ID + "'",
		} {
			if _, err := db.Exec(e.ctx, q); err == nil || !strings.Contains(err.Error(), "append-only") {
				t.Errorf("%s: %v", q, err)
			}
		}
		if n := e.count("SELECT COUNT(*) FROM moderation_actions"); n != len(want) {
			t.Errorf("%d actions after the refused changes", n)
		}
	})
}
