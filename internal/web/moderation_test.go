package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/noaber/noaber/internal/account"
	"github.com/noaber/noaber/internal/i18n"
	"github.com/noaber/noaber/internal/moderation"
	"github.com/noaber/noaber/internal/report"
	"github.com/noaber/noaber/internal/store"
	"github.com/noaber/noaber/internal/testkit"
)

var caseLinkRE = regexp.MustCompile(`href="/moderation/reports/([0-9a-f-]{36})"`)

// caseLinks are the reports a queue page links to, in its order.
func caseLinks(p page) []string {
	var ids []string
	for _, m := range caseLinkRE.FindAllStringSubmatch(p.body, -1) {
		ids = append(ids, m[1])
	}
	return ids
}

// The report form: the reasons with their explanations, what is
// reported, errors by the field with the note kept, the thank-you, and
// the member's own list with the outcome in general terms.
func TestReportForm(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newModEnv(t, db)
		seeker := e.person(t, "marieke@example.org", "Marieke", 0)
		helper := e.person(t, "bram@example.org", "Bram", 2)
		req := e.ask(t, seeker, "Boodschappen halen bij de Jumbo", false)
		h := e.as(t, helper)

		// The request page links to the form; one's own request does not.
		h.get("/requests/"+req.ID).expect(t, http.StatusOK).has(t, `id="report-request"`, `href="/report?kind=request&amp;id=`+req.ID+`"`)
		e.as(t, seeker).get("/requests/"+req.ID).expect(t, http.StatusOK).hasNot(t, `id="report-request"`)

		form := h.get("/report?kind=request&id="+req.ID).expect(t, http.StatusOK)
		form.has(t, `id="report-form"`, req.Title, `name="kind" value="request"`, `name="id" value="`+req.ID+`"`, `id="note"`,
			`href="/requests/`+req.ID+`"`)
		for _, r := range report.Reasons {
			form.has(t, `id="reason-`+r+`"`, tr(i18n.NL, "moderation.reason."+r), tr(i18n.NL, "web.report.reason."+r+".hint"))
		}

		// Unknown kinds and items are not found.
		h.get("/report?kind=house&id="+req.ID).expect(t, http.StatusNotFound)
		h.get("/report?kind=request&id=00000000-0000-7000-8000-00000000dead").expect(t, http.StatusNotFound)

		// No reason: 422, the error by the radio buttons, the note kept.
		post := url.Values{"kind": {"request"}, "id": {req.ID}, "note": {"Hij vraagt <geld>"}}
		bad := h.post("/report", post).expect(t, http.StatusUnprocessableEntity)
		bad.has(t, `id="error-summary"`, `href="#reason-dating"`, `id="reason-error"`, "Hij vraagt &lt;geld&gt;")
		_, err := e.reports.File(context.Background(), helper, report.Input{TargetKind: "request", TargetID: req.ID, Note: "x"})
		assertDutchError(t, bad, err)
		// "Something else" needs a note.
		other := h.post("/report", url.Values{"kind": {"request"}, "id": {req.ID}, "reason": {"other"}}).expect(t, http.StatusUnprocessableEntity)
		other.has(t, `id="note-error"`, `value="other" aria-describedby="reason-other-hint" checked`)
		if n := countWhere(t, db, "SELECT COUNT(*) FROM reports"); n != 0 {
			t.Fatalf("%d reports after bad input, want 0", n)
		}

		post.Set("reason", report.ReasonMoney)
		sent := h.post("/report", post).expect(t, http.StatusOK)
		sent.has(t, `id="report-sent"`, tr(i18n.NL, "web.report_sent.text"), `href="/me/reports"`)
		if n := countWhere(t, db, "SELECT COUNT(*) FROM reports WHERE source = 'member'"); n != 1 {
			t.Fatalf("%d reports, want 1", n)
		}
		mine := h.get("/me/reports").expect(t, http.StatusOK)
		mine.has(t, `id="my-reports"`, tr(i18n.NL, "web.my_reports.kind.request"), tr(i18n.NL, "moderation.reason.money"),
			tr(i18n.NL, "web.my_reports.outcome.pending"))
		// The seeker's own list is empty: reports are private.
		e.as(t, seeker).get("/me/reports").expect(t, http.StatusOK).has(t, `id="my-reports-none"`)

		// In English too.
		h.post("/language", url.Values{"lang": {"en"}, "return": {"/"}}).expect(t, http.StatusSeeOther)
		h.get("/report?kind=request&id="+req.ID).expect(t, http.StatusOK).
			has(t, tr(i18n.EN, "web.report.reason.dating.hint"), tr(i18n.EN, "web.report.send"))
	})
}

// A moderator works through the queue: the header link, the queue oldest
// first, the case with the context and the action forms preselected, and
// a suspension that ends the person's session at once; the reporter sees
// that action was taken, the audit log has the line, and lifting it on
// the person's page lets them in again.
func TestModerationQueueCaseAct(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newModEnv(t, db)
		ctx := context.Background()
		seeker := e.person(t, "marieke@example.org", "Marieke", 0)
		pest := e.person(t, "bram@example.org", "Bram", 2)
		modU := e.person(t, "mo@example.org", "Mo", 1)
		e.moderator(t, modU, "nederland")
		req := e.ask(t, seeker, "Boodschappen halen bij de Jumbo", false)
		p := e.as(t, pest)
		conv := started(t, p.post("/requests/"+req.ID+"/respond", url.Values{"body": {"Ik kan morgen helpen"}}))
		p.post("/messages/"+conv, url.Values{"body": {"Stuur me eerst 50 euro voor de benzine"}}).expect(t, http.StatusSeeOther)
		msgs := e.messageIDs(t, conv)
		bad := msgs[len(msgs)-1]
		s := e.as(t, seeker)
		// The seeker reports the message from the conversation.
		s.get("/messages/"+conv).expect(t, http.StatusOK).has(t, `id="report-`+bad+`"`, `id="report-person"`)
		s.get("/report?kind=message&id="+bad+"&back=/messages/"+conv).expect(t, http.StatusOK).
			has(t, tr(i18n.NL, "web.report.about.message"), `name="back" value="/messages/`+conv+`"`)
		s.post("/report", url.Values{"kind": {"message"}, "id": {bad}, "reason": {report.ReasonMoney}, "note": {"Hij wil geld"},
			"back": {"/messages/" + conv}}).expect(t, http.StatusOK).has(t, `href="/messages/`+conv+`"`)

		m := e.as(t, modU)
		home := m.get("/me/help").expect(t, http.StatusOK)
		home.has(t, `id="nav-moderation"`, `href="/moderation"`)
		s.get("/me/help").expect(t, http.StatusOK).hasNot(t, `id="nav-moderation"`)

		q := m.get("/moderation").expect(t, http.StatusOK)
		q.has(t, `id="queue"`, "Bram", tr(i18n.NL, "moderation.reason.money"), `href="/moderation/audit"`)
		ids := caseLinks(q)
		if len(ids) == 0 {
			t.Fatalf("the queue links to no report:\n%s", q.body)
		}
		var rid string
		for _, id := range ids {
			c, err := e.mod.Case(ctx, modU, id)
			if err != nil {
				t.Fatal(err)
			}
			if c.Report.Source == report.SourceMember {
				rid = id
			}
		}
		if rid == "" {
			t.Fatalf("the member's report is not in the queue: %v", ids)
		}

		c := m.get("/moderation/reports/"+rid).expect(t, http.StatusOK)
		c.has(t, "Stuur me eerst 50 euro voor de benzine", "Ik kan morgen helpen", "Hij wil geld", "Marieke",
			`href="/moderation/people/`+pest.ID+`"`, tr(i18n.NL, "web.moderation.case.reported"))
		for _, a := range []string{"dismiss", "warn", "suspend", "remove"} {
			c.has(t, `id="act-`+a+`"`, `id="act-`+a+`-summary"`, `id="act-`+a+`-confirm"`, `name="action" value="`+a+`"`)
		}
		// Preselected: the report's reason, dismissing with "no breach", the first period.
		c.has(t, `<option value="money" selected>`, `<option value="no_violation" selected>`,
			`<option value="14" selected>`, `<option value="0">`+tr(i18n.NL, "web.moderation.days_forever"))
		c.hasNot(t, privateParts(2)...)
		c.hasNot(t, pest.Email, seeker.Email)

		// A note that is too long comes back by its field, in the open form.
		long := strings.Repeat("x", moderation.MaxNote+1)
		tooLong := m.post("/moderation/reports/"+rid+"/action", url.Values{"action": {"suspend"}, "reason": {"money"}, "days": {"14"}, "note": {long}}).
			expect(t, http.StatusUnprocessableEntity)
		tooLong.has(t, `id="error-summary"`, `href="#note-suspend"`, `id="note-suspend-error"`, `<details class="card" id="act-suspend" open>`)

		// The three clicks' last one: confirm the suspension as the form stands.
		m.post("/moderation/reports/"+rid+"/action", url.Values{"action": {"suspend"}, "reason": {"money"}, "days": {"14"}, "note": {""}}).
			expect(t, http.StatusSeeOther, "/moderation?done=suspend")
		done := m.get("/moderation?done=suspend").expect(t, http.StatusOK)
		done.has(t, `id="notice"`, tr(i18n.NL, "web.moderation.done.suspend"))
		if strings.Contains(done.body, `href="/moderation/reports/`+rid+`"`) {
			t.Fatalf("the handled report is still in the queue:\n%s", done.body)
		}
		// The suspended person is signed out at once.
		p.get("/me/help").expect(t, http.StatusSeeOther)
		if loc := p.get("/me/help").header.Get("Location"); !strings.HasPrefix(loc, "/login") {
			t.Fatalf("the suspended person goes to %q, want the login page", loc)
		}
		// The seeker's conversation says so.
		s.get("/messages/"+conv).expect(t, http.StatusOK).has(t, `id="conversation-closed"`,
			tr(i18n.NL, "web.conversation.closed.suspended", "name", pest.DisplayName()))
		// The reporter learns that action was taken, not which.
		s.get("/me/reports").expect(t, http.StatusOK).has(t, tr(i18n.NL, "web.my_reports.outcome.action")).
			hasNot(t, tr(i18n.NL, "web.moderation.action.suspend"))
		// The closed case shows the outcome and no forms.
		m.get("/moderation/reports/"+rid).expect(t, http.StatusOK).has(t, `id="report-outcome"`).hasNot(t, `id="act-suspend"`)
		// Acting twice on it is a conflict, shown on the page.
		m.post("/moderation/reports/"+rid+"/action", url.Values{"action": {"warn"}, "reason": {"money"}}).expect(t, http.StatusConflict).
			has(t, `id="error-summary"`)

		audit := m.get("/moderation/audit").expect(t, http.StatusOK)
		audit.has(t, `id="audit"`, tr(i18n.NL, "web.moderation.action.suspend"), tr(i18n.NL, "moderation.reason.money"),
			`href="/moderation/people/`+pest.ID+`"`, tr(i18n.NL, "web.moderation.by", "name", modU.DisplayName()))

		// The person's page: history, and lifting the suspension.
		pp := m.get("/moderation/people/"+pest.ID).expect(t, http.StatusOK)
		pp.has(t, tr(i18n.NL, "web.moderation.status.suspended"), `id="act-lift"`, `action="/moderation/people/`+pest.ID+`/action"`).
			hasNot(t, `id="act-suspend"`)
		m.post("/moderation/people/"+pest.ID+"/action", url.Values{"action": {"lift"}, "reason": {"no_violation"}}).
			expect(t, http.StatusSeeOther, "/moderation/people/"+pest.ID+"?done=lift")
		m.get("/moderation/people/"+pest.ID+"?done=lift").expect(t, http.StatusOK).
			has(t, tr(i18n.NL, "web.moderation.done.lift"), tr(i18n.NL, "web.moderation.status.active"), `id="act-suspend"`)
		p2 := e.as(t, pest)
		p2.get("/me/help").expect(t, http.StatusOK)
	})
}

// Only moderators reach the moderation pages, and only for their own
// editions: a member and a moderator of another edition get 403 with
// the error page, for reading and for acting.
func TestModerationAccess(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newModEnv(t, db)
		seeker := e.person(t, "marieke@example.org", "Marieke", 0)
		pest := e.person(t, "bram@example.org", "Bram", 2)
		modB := e.person(t, "mo@example.org", "Mo", 1)
		bID := e.edition(t, "arnhem", "Noaber Arnhem")
		e.moderator(t, modB, "arnhem")
		rid := e.fileReport(t, seeker, report.TargetPerson, pest.ID, report.ReasonHarassment, "Hij blijft berichten sturen")

		national := account.NationalEditionID
		gets := []string{"/moderation", "/moderation/reports/" + rid, "/moderation/people/" + pest.ID, "/moderation/audit",
			"/moderation/editions/" + national + "/rules"}
		posts := map[string]url.Values{
			"/moderation/reports/" + rid + "/action":      {"action": {"suspend"}, "reason": {"harassment"}, "days": {"0"}},
			"/moderation/people/" + pest.ID + "/action":   {"action": {"remove"}, "reason": {"harassment"}},
			"/moderation/editions/" + national + "/rules": {"overrides": {"{}"}},
		}
		member := e.as(t, seeker)
		for _, path := range gets {
			member.get(path).expect(t, http.StatusForbidden).has(t, tr(i18n.NL, "web.moderation.forbidden.title")).
				hasNot(t, "Bram", "Hij blijft")
		}
		for path, f := range posts {
			member.post(path, f).expect(t, http.StatusForbidden)
		}

		b := e.as(t, modB)
		b.get("/moderation").expect(t, http.StatusOK).has(t, `id="queue-empty"`, `href="/moderation/editions/`+bID+`/rules"`).
			hasNot(t, rid, "Bram")
		b.get("/moderation?edition="+national).expect(t, http.StatusForbidden)
		b.get("/moderation/audit?edition="+national).expect(t, http.StatusForbidden)
		b.get("/moderation/editions/"+bID+"/rules").expect(t, http.StatusOK).has(t, `id="overrides"`, "Noaber Arnhem")
		for _, path := range gets[1:3] {
			b.get(path).expect(t, http.StatusForbidden).hasNot(t, "Bram", "Hij blijft")
		}
		b.get("/moderation/editions/"+national+"/rules").expect(t, http.StatusForbidden)
		for path, f := range posts {
			b.post(path, f).expect(t, http.StatusForbidden)
		}
		// A moderator of both editions chooses one above the queue and the log.
		both := e.person(t, "noor@example.org", "Noor", 1.5)
		e.moderator(t, both, "nederland")
		e.moderator(t, both, "arnhem")
		nb := e.as(t, both)
		nb.get("/moderation").expect(t, http.StatusOK).has(t, `id="edition-filter"`, `action="/moderation"`, `<option value="`+bID+`">Noaber Arnhem</option>`, rid)
		nb.get("/moderation?edition="+bID).expect(t, http.StatusOK).has(t, `<option value="`+bID+`" selected>`, `id="queue-empty"`).hasNot(t, rid)
		nb.get("/moderation/audit?edition="+bID).expect(t, http.StatusOK).has(t, `id="edition-filter"`, `action="/moderation/audit"`, `<option value="`+bID+`" selected>`)
		if n := countWhere(t, db, "SELECT COUNT(*) FROM reports WHERE status = 'open'"); n != 1 {
			t.Fatalf("%d open reports after the refused actions, want 1", n)
		}
		if u := e.userByID(t, pest.ID); u.Status != account.StatusActive {
			t.Fatalf("the reported person is %s after refused actions", u.Status)
		}
	})
}

// A warned member sees the warning before any other page until they
// acknowledge it; then Noaber works as before.
func TestWarningInterstitial(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newModEnv(t, db)
		seeker := e.person(t, "marieke@example.org", "Marieke", 0)
		pest := e.person(t, "bram@example.org", "Bram", 2)
		modU := e.person(t, "mo@example.org", "Mo", 1)
		e.moderator(t, modU, "nederland")
		rid := e.fileReport(t, seeker, report.TargetPerson, pest.ID, report.ReasonDating, "Hij vraagt me steeds mee uit")
		p := e.as(t, pest)
		p.get("/me/warnings").expect(t, http.StatusOK).has(t, `id="warnings-none"`)

		m := e.as(t, modU)
		c := m.get("/moderation/reports/"+rid).expect(t, http.StatusOK)
		c.has(t, `<option value="dating" selected>`, "Hij vraagt me steeds mee uit")
		m.post("/moderation/reports/"+rid+"/action", url.Values{"action": {"warn"}, "reason": {"dating"}, "note": {"Noaber is geen datingsite."}}).
			expect(t, http.StatusSeeOther, "/moderation?done=warn")

		for _, path := range []string{"/search", "/me/help", "/messages", "/me/settings"} {
			p.get(path).expect(t, http.StatusSeeOther, "/me/warnings")
		}
		w := p.get("/me/warnings").expect(t, http.StatusOK)
		w.has(t, tr(i18n.NL, "moderation.reason.dating"), "Noaber is geen datingsite.", tr(i18n.NL, "web.warnings.acknowledge"))
		m2 := regexp.MustCompile(`action="/me/warnings/([^/"]+)/acknowledge"`).FindStringSubmatch(w.body)
		if m2 == nil {
			t.Fatalf("no acknowledge form:\n%s", w.body)
		}
		// Someone else cannot acknowledge it.
		e.as(t, seeker).post("/me/warnings/"+m2[1]+"/acknowledge", url.Values{}).expect(t, http.StatusNotFound)
		p.get("/search").expect(t, http.StatusSeeOther, "/me/warnings")

		p.post("/me/warnings/"+m2[1]+"/acknowledge", url.Values{}).expect(t, http.StatusSeeOther, "/")
		p.get("/search").expect(t, http.StatusOK)
		p.get("/me/warnings").expect(t, http.StatusOK).has(t, `id="warnings-none"`)
	})
}

// The flag rules of an edition: shown as JSON, a mistake comes back by
// the field with the text kept, a good change is saved.
func TestModerationRules(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newModEnv(t, db)
		modU := e.person(t, "mo@example.org", "Mo", 1)
		e.moderator(t, modU, "nederland")
		m := e.as(t, modU)
		path := "/moderation/editions/" + account.NationalEditionID + "/rules"
		m.get(path).expect(t, http.StatusOK).has(t, `id="rules-form"`, `id="overrides"`, "Noaber Nederland")
		bad := m.post(path, url.Values{"overrides": {`{"dating": [`}}).expect(t, http.StatusUnprocessableEntity)
		bad.has(t, `id="error-summary"`, `href="#overrides"`, `id="overrides-error"`, `{&#34;dating&#34;: [`)
		m.post(path, url.Values{"overrides": {""}}).expect(t, http.StatusSeeOther, path+"?saved=1")
		m.get(path+"?saved=1").expect(t, http.StatusOK).has(t, tr(i18n.NL, "web.moderation.rules.saved"))
	})
}

// A dating message is held: its sender sees it with "Wacht op controle",
// the other does not see it at all, and it waits in the queue as a flag;
// dismissing the flag delivers it. A phone number in a first message
// gets a gentle safety hint after sending.
func TestHeldMessageAndSafetyHint(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newModEnv(t, db)
		seeker := e.person(t, "marieke@example.org", "Marieke", 0)
		pest := e.person(t, "bram@example.org", "Bram", 2)
		kind := e.person(t, "sanne@example.org", "Sanne", 1)
		modU := e.person(t, "mo@example.org", "Mo", 3)
		e.moderator(t, modU, "nederland")
		req := e.ask(t, seeker, "Boodschappen halen bij de Jumbo", false)
		dating := "Zullen we een keer daten? Je bent zo sexy"

		p := e.as(t, pest)
		sent := p.post("/requests/"+req.ID+"/respond", url.Values{"body": {dating}})
		sent.expect(t, http.StatusSeeOther)
		loc := sent.header.Get("Location")
		if !strings.Contains(loc, "held=1") {
			t.Fatalf("after a held message the sender goes to %q, want held=1", loc)
		}
		conv := regexp.MustCompile(`^/messages/([^/?#]+)`).FindStringSubmatch(loc)[1]
		mine := p.get(strings.TrimSuffix(loc, "#bottom")).expect(t, http.StatusOK)
		mine.has(t, dating, tr(i18n.NL, "web.conversation.held"), tr(i18n.NL, "web.conversation.held_notice"))
		s := e.as(t, seeker)
		s.get("/messages").expect(t, http.StatusOK).hasNot(t, dating)
		if other := s.get("/messages/" + conv); other.status == http.StatusOK {
			other.hasNot(t, dating, tr(i18n.NL, "web.conversation.held"))
		}

		m := e.as(t, modU)
		q := m.get("/moderation").expect(t, http.StatusOK)
		q.has(t, tr(i18n.NL, "web.moderation.source.flag"), tr(i18n.NL, "moderation.reason.dating"), dating)
		ids := caseLinks(q)
		if len(ids) != 1 {
			t.Fatalf("queue has %d reports, want the one flag:\n%s", len(ids), q.body)
		}
		c := m.get("/moderation/reports/"+ids[0]).expect(t, http.StatusOK)
		c.has(t, `id="item-held"`, dating, `<option value="dating" selected>`)
		m.post("/moderation/reports/"+ids[0]+"/action", url.Values{"action": {"dismiss"}, "reason": {"no_violation"}}).
			expect(t, http.StatusSeeOther, "/moderation?done=dismiss")
		s.get("/messages/"+conv).expect(t, http.StatusOK).has(t, dating)
		p.get("/messages/"+conv).expect(t, http.StatusOK).hasNot(t, tr(i18n.NL, "web.conversation.held"))

		// A phone number in a first message: delivered, with a hint.
		k := e.as(t, kind)
		hinted := k.post("/requests/"+req.ID+"/respond", url.Values{"body": {"Ik help graag! Bel me op 06-12345678"}})
		hinted.expect(t, http.StatusSeeOther)
		hl := hinted.header.Get("Location")
		if !strings.Contains(hl, "hint=contact_first_message") || strings.Contains(hl, "held=1") {
			t.Fatalf("after a first message with a phone number the sender goes to %q", hl)
		}
		k.get(strings.TrimSuffix(hl, "#bottom")).expect(t, http.StatusOK).
			has(t, `id="safety-hint"`, tr(i18n.NL, "web.conversation.hint.contact_first_message"))
		// The hint is only shown for known hints.
		kc := regexp.MustCompile(`^/messages/([^/?#]+)`).FindStringSubmatch(hl)[1]
		k.get("/messages/"+kc+"?hint=bogus").expect(t, http.StatusOK).hasNot(t, `id="safety-hint"`)
	})
}

// When a suspension runs out the system lifts it; the audit log and the
// person's history name that reason in words.
func TestModerationSuspensionExpires(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newModEnv(t, db)
		pest := e.person(t, "bram@example.org", "Bram", 2)
		modU := e.person(t, "mo@example.org", "Mo", 1)
		e.moderator(t, modU, "nederland")
		d := moderation.Decision{Action: moderation.Suspend, Reason: report.ReasonMoney, Days: moderation.SuspendDays[0]}
		if _, err := e.mod.ActOnPerson(context.Background(), e.userByID(t, modU.ID), pest.ID, d); err != nil {
			t.Fatal(err)
		}
		e.clk.add(time.Duration(moderation.SuspendDays[0]+1) * 24 * time.Hour)
		e.run(t)

		m := e.as(t, modU)
		for _, path := range []string{"/moderation/audit", "/moderation/people/" + pest.ID} {
			m.get(path).expect(t, http.StatusOK).has(t, tr(i18n.NL, "web.moderation.action.lift"),
				tr(i18n.NL, "moderation.reason.expired"), tr(i18n.NL, "web.moderation.by_system")).
				hasNot(t, "moderation.reason.")
		}
	})
}
