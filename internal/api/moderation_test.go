package api

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/noaber/noaber/internal/account"
	"github.com/noaber/noaber/internal/geo"
	"github.com/noaber/noaber/internal/i18n"
	"github.com/noaber/noaber/internal/store"
	"github.com/noaber/noaber/internal/testkit"
	"github.com/noaber/noaber/internal/trust"
)

// trustWorld is a small town for trust and safety: Piet writes to Els,
// Anna is a bystander, Mod moderates the national edition (A), ModB the
// edition of Gent (B), Cor coordinates the national edition.
type trustWorld struct {
	*helpWorld
	t               *trustEnv
	mod, modB, cor  *neighbour
	conversationID  string
	messageID       string // Piet's first message to Els
	reportOnMessage string // Els's report of that message
	reportOnPerson  string // Els's report of Piet
	englishHeaders  map[string]string
	nationalQueue   string
	gentQueue       string
	pietPrivateBits []string
}

func newTrustWorld(t *testing.T, db *store.DB) *trustWorld {
	t.Helper()
	te := newTrustEnv(t, db)
	e := te.env
	addPostcodes(t, db)
	if _, err := db.Exec(context.Background(), "INSERT INTO editions (id, slug, name, created_at) VALUES ('ed-gent', 'gent', 'Gent helpt', ?)", e.clock.Now()); err != nil {
		t.Fatal(err)
	}
	w := &trustWorld{t: te, helpWorld: &helpWorld{e: e,
		els:  e.neighbourAt(t, "els@example.nl", "Els", "4531 EK", "117-hs", geo.Point{Lat: 51.33582, Lng: 3.82764}),
		piet: e.neighbourAt(t, "piet@example.nl", "Piet", "4532 AB", "58-zw", geo.Point{Lat: 51.32811, Lng: 3.84102}),
		anna: e.neighbourAt(t, "anna@example.nl", "Anna", "4533 RT", "203-rd", geo.Point{Lat: 51.33421, Lng: 3.83013}),
	},
		mod:  e.neighbourAt(t, "mod@example.nl", "Mod", "4531 AB", "1-mm", geo.Point{Lat: 51.33741, Lng: 3.81932}),
		modB: e.neighbourAt(t, "modb@example.nl", "Modb", "4531 AB", "2-mm", geo.Point{Lat: 51.33741, Lng: 3.81932}),
		cor:  e.neighbourAt(t, "cor@example.nl", "Cor", "4531 AB", "3-mm", geo.Point{Lat: 51.33741, Lng: 3.81932}),
	}
	te.grantRole(t, w.mod, "nederland", account.RoleModerator)
	te.grantRole(t, w.modB, "gent", account.RoleModerator)
	te.grantRole(t, w.cor, "nederland", account.RoleCoordinator)
	w.nationalQueue = "/api/v1/moderation/queue?edition=" + nationalEdition
	w.gentQueue = "/api/v1/moderation/queue?edition=ed-gent"
	w.pietPrivateBits = []string{"piet@example.nl", "4532", "58-zw", "51.328", "3.841"}

	started := w.start(t, w.piet, w.els, "Hoi Els, zal ik morgen je boodschappen doen?")
	w.conversationID, w.messageID = started.Conversation.ID, started.Message.ID
	return w
}

// start has from open a direct conversation with to.
func (w *trustWorld) start(t *testing.T, from, to *neighbour, body string) StartedConversation {
	t.Helper()
	var sc StartedConversation
	w.e.do(t, scenario{method: "POST", path: "/api/v1/conversations", token: from.token,
		body: fmt.Sprintf(`{"user_id":%q,"body":%q}`, to.id, body), status: 201}).decode(t, &sc)
	return sc
}

// file has n report an item and returns the report's id.
func (w *trustWorld) file(t *testing.T, n *neighbour, kind, id, reason, note string) string {
	t.Helper()
	var f FiledReport
	w.e.do(t, scenario{method: "POST", path: "/api/v1/reports", token: n.token,
		body: fmt.Sprintf(`{"target_kind":%q,"target_id":%q,"reason":%q,"note":%q}`, kind, id, reason, note), status: 201}).decode(t, &f)
	if f.ID == "" || f.Outcome != "pending" || f.ClosedAt != nil {
		t.Fatalf("a new report: %+v", f)
	}
	return f.ID
}

func TestReports(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		w := newTrustWorld(t, db)
		e, els, piet, anna := w.e, w.els, w.piet, w.anna
		report := func(kind, id, reason, note string) string {
			return fmt.Sprintf(`{"target_kind":%q,"target_id":%q,"reason":%q,"note":%q}`, kind, id, reason, note)
		}
		reports := func() int { return e.count(t, "SELECT COUNT(*) FROM reports WHERE source = 'member'") }
		e.run(t, []scenario{
			{name: "reporting needs a token", method: "POST", path: "/api/v1/reports", body: report("person", piet.id, "spam", ""), status: 401},
			{name: "a person", method: "POST", path: "/api/v1/reports", token: els.token,
				body: report("person", piet.id, "harassment", "Hij blijft maar berichten sturen."), status: 201,
				contains: []string{`"target_kind":"person"`, `"target_id":"` + piet.id + `"`, `"reason":"harassment"`, `"outcome":"pending"`, `"closed_at":null`},
				excludes: w.pietPrivateBits},
			{name: "a message of her own conversation", method: "POST", path: "/api/v1/reports", token: els.token,
				body: report("message", w.messageID, "dating", ""), status: 201, contains: []string{`"target_kind":"message"`, `"outcome":"pending"`}},
			{name: "an unknown kind", method: "POST", path: "/api/v1/reports", token: els.token, headers: english,
				body: report("house", piet.id, "spam", ""), status: 422, contains: []string{`"code":"invalid"`, `"field":"target_kind"`}},
			{name: "an unknown reason", method: "POST", path: "/api/v1/reports", token: els.token,
				body: report("person", piet.id, "rude", ""), status: 422, contains: []string{`"field":"reason"`}},
			{name: "other without a note", method: "POST", path: "/api/v1/reports", token: anna.token,
				body: report("person", piet.id, "other", " "), status: 422, contains: []string{`"field":"note"`}},
			{name: "a note too long", method: "POST", path: "/api/v1/reports", token: anna.token,
				body: report("person", piet.id, "spam", strings.Repeat("x", 1001)), status: 422, contains: []string{`"field":"note"`}},
			{name: "a message in someone else's conversation", method: "POST", path: "/api/v1/reports", token: anna.token,
				body: report("message", w.messageID, "dating", ""), status: 404, contains: []string{`"code":"not_found"`}},
			{name: "yourself", method: "POST", path: "/api/v1/reports", token: anna.token,
				body: report("person", anna.id, "spam", ""), status: 422, contains: []string{`"code":"self_report"`}},
			{name: "a person who does not exist", method: "POST", path: "/api/v1/reports", token: anna.token,
				body: report("person", "01a209ea-0000-7000-8000-000000000000", "spam", ""), status: 404},
			{name: "a field that does not exist", method: "POST", path: "/api/v1/reports", token: anna.token,
				body: `{"target_kind":"person","target_id":"x","reason":"spam","severity":"high"}`, status: 400,
				contains: []string{`"code":"unknown_field"`}},
		})
		if n := reports(); n != 2 {
			t.Errorf("%d member reports after two good ones and eight refused, want 2", n)
		}
		var mine []FiledReport
		e.do(t, scenario{method: "GET", path: "/api/v1/me/reports", token: els.token, status: 200}).decode(t, &mine)
		if len(mine) != 2 || mine[0].TargetKind != "message" || mine[1].TargetKind != "person" {
			t.Errorf("Els's reports, newest first: %+v", mine)
		}
		e.do(t, scenario{name: "nobody else sees them", method: "GET", path: "/api/v1/me/reports", token: anna.token, status: 200, contains: []string{`[]`}})
	})
}

func TestModerationAccess(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		w := newTrustWorld(t, db)
		e, els, piet, anna, mod, modB := w.e, w.els, w.piet, w.anna, w.mod, w.modB
		id := w.file(t, els, "message", w.messageID, "dating", "")
		caseURL := "/api/v1/moderation/reports/" + id
		act := `{"action":"warn","reason":"dating","note":"Noaber is geen datingsite."}`
		scs := []scenario{}
		for _, n := range []*neighbour{anna, els} {
			scs = append(scs,
				scenario{name: "the queue for a member", method: "GET", path: "/api/v1/moderation/queue", token: n.token, status: 403,
					contains: []string{`"code":"not_moderator"`}},
				scenario{name: "a case for a member", method: "GET", path: caseURL, token: n.token, status: 403},
				scenario{name: "acting as a member", method: "POST", path: caseURL + "/actions", token: n.token, body: act, status: 403},
				scenario{name: "a person's history for a member", method: "GET", path: "/api/v1/moderation/users/" + piet.id, token: n.token, status: 403},
				scenario{name: "acting on a person as a member", method: "POST", path: "/api/v1/moderation/users/" + piet.id + "/actions", token: n.token, body: act, status: 403},
				scenario{name: "the audit log for a member", method: "GET", path: "/api/v1/moderation/audit-log", token: n.token, status: 403},
			)
		}
		scs = append(scs,
			scenario{name: "edition A's queue for B's moderator", method: "GET", path: w.nationalQueue, token: modB.token, status: 403},
			scenario{name: "B's own queue does not hold A's report", method: "GET", path: w.gentQueue, token: modB.token, status: 200,
				contains: []string{`"items":[]`, `"id":"ed-gent"`}, excludes: []string{id}},
			scenario{name: "every queue B's moderator covers", method: "GET", path: "/api/v1/moderation/queue", token: modB.token, status: 200,
				excludes: []string{id}},
			scenario{name: "A's case for B's moderator", method: "GET", path: caseURL, token: modB.token, status: 403},
			scenario{name: "acting on A's report as B's moderator", method: "POST", path: caseURL + "/actions", token: modB.token, body: act, status: 403},
			scenario{name: "A's person for B's moderator", method: "GET", path: "/api/v1/moderation/users/" + piet.id, token: modB.token, status: 403},
			scenario{name: "A's audit log for B's moderator", method: "GET", path: "/api/v1/moderation/audit-log?edition=" + nationalEdition, token: modB.token, status: 403},
			scenario{name: "A's queue for A's moderator", method: "GET", path: w.nationalQueue, token: mod.token, status: 200,
				contains: []string{`"id":"` + id + `"`, `"subject":{"id":"` + piet.id + `","display_name":"Piet T."}`, `"next":null`},
				excludes: w.pietPrivateBits},
			scenario{name: "A's case for A's moderator", method: "GET", path: caseURL, token: mod.token, status: 200,
				contains: []string{`"status":"open"`, `"town":"Terneuzen"`, `"reported":true`, "Hoi Els, zal ik morgen", `"display_name":"Els T."`},
				excludes: w.pietPrivateBits},
			scenario{name: "Piet's history for A's moderator", method: "GET", path: "/api/v1/moderation/users/" + piet.id, token: mod.token, status: 200,
				contains: []string{`"id":"` + id + `"`, `"status":"active"`}, excludes: w.pietPrivateBits},
		)
		e.run(t, scs)
		if n := e.count(t, "SELECT COUNT(*) FROM moderation_actions"); n != 0 {
			t.Errorf("%d actions after refused ones", n)
		}
		if n := e.count(t, "SELECT COUNT(*) FROM reports WHERE id = ? AND status = 'open'", id); n != 1 {
			t.Errorf("the report is no longer open after refused actions")
		}
	})
}

// TestModerationSuspend acts on a report through the API: it closes the
// report, the reporter sees that action was taken, and the suspended
// person's token stops working at once.
func TestModerationSuspend(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		w := newTrustWorld(t, db)
		e, els, piet, mod := w.e, w.els, w.piet, w.mod
		id := w.file(t, els, "message", w.messageID, "dating", "Hij vroeg of ik alleen woon.")
		actions := "/api/v1/moderation/reports/" + id + "/actions"
		e.run(t, []scenario{
			{name: "GET /me works for Piet", method: "GET", path: "/api/v1/me", token: piet.token, status: 200},
			{name: "an unknown action", method: "POST", path: actions, token: mod.token, body: `{"action":"ban","reason":"dating"}`, status: 422,
				contains: []string{`"field":"action"`}},
			{name: "no reason", method: "POST", path: actions, token: mod.token, body: `{"action":"suspend","reason":""}`, status: 422,
				contains: []string{`"field":"reason"`}},
			{name: "too many days", method: "POST", path: actions, token: mod.token, body: `{"action":"suspend","reason":"dating","days":4000}`, status: 422,
				contains: []string{`"field":"days"`}},
			{name: "suspend for a week", method: "POST", path: actions, token: mod.token,
				body: `{"action":"suspend","reason":"dating","note":"Daten mag niet.","days":7}`, status: 201,
				contains: []string{`"action":"suspend"`, `"reason":"dating"`, `"report_id":"` + id + `"`, `"subject":{"id":"` + piet.id + `"`,
					`"actor":{"id":"` + mod.id + `"`, `"until":"`}},
			{name: "Piet's token stops working at once", method: "GET", path: "/api/v1/me", token: piet.token, status: 401},
			{name: "Piet cannot log in again", method: "POST", path: "/api/v1/tokens",
				body: `{"email":"piet@example.nl","password":"lange zin van Piet"}`, status: 403, contains: []string{`"code":"account_suspended"`}},
			{name: "the report is closed", method: "GET", path: "/api/v1/moderation/reports/" + id, token: mod.token, status: 200,
				contains: []string{`"status":"closed"`, `"outcome":"suspend"`, `"status":"suspended"`}},
			{name: "acting on a closed report", method: "POST", path: actions, token: mod.token, body: `{"action":"dismiss","reason":"no_violation"}`,
				status: 409, contains: []string{`"code":"report_closed"`}},
			{name: "the reporter sees that action was taken", method: "GET", path: "/api/v1/me/reports", token: els.token, status: 200,
				contains: []string{`"outcome":"action"`}, excludes: []string{`suspend`}},
			{name: "the queue is empty", method: "GET", path: w.nationalQueue, token: mod.token, status: 200, contains: []string{`"items":[]`}},
			{name: "the audit log has the action", method: "GET", path: "/api/v1/moderation/audit-log", token: mod.token, status: 200,
				contains: []string{`"action":"suspend"`, `"report_id":"` + id + `"`, `"next":null`}},
			{name: "Els's conversation says Piet is suspended", method: "GET", path: "/api/v1/conversations/" + w.conversationID, token: els.token,
				status: 200, contains: []string{`"can_send":false`, `"closed":"suspended"`}},
		})
		if n := e.count(t, "SELECT COUNT(*) FROM sessions WHERE user_id = ?", piet.id); n != 0 {
			t.Errorf("Piet still has %d sessions", n)
		}
	})
}

// TestWarningInterstitial: a warned member can read but not write until
// they acknowledge the warning.
func TestWarningInterstitial(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		w := newTrustWorld(t, db)
		e, piet, anna, mod := w.e, w.piet, w.anna, w.mod
		second := e.login(t, piet.email, "lange zin van Piet")
		var a AuditAction
		e.do(t, scenario{method: "POST", path: "/api/v1/moderation/users/" + piet.id + "/actions", token: mod.token,
			body: `{"action":"warn","reason":"dating","note":"Noaber is geen datingsite."}`, status: 201}).decode(t, &a)
		if a.Action != "warn" || a.ReportID != nil || a.Subject.ID != piet.id {
			t.Fatalf("the warning action: %+v", a)
		}
		var ws []Warning
		e.run(t, []scenario{
			{name: "GET /me says a warning waits", method: "GET", path: "/api/v1/me", token: piet.token, status: 200,
				contains: []string{`"warning_pending":true`, `"house_rules_outdated":false`}},
			{name: "a write is refused", method: "PATCH", path: "/api/v1/me", token: piet.token, headers: english, body: `{"bio":"Ik help graag."}`,
				status: 403, contains: []string{`"code":"warning_pending"`, "warning"}},
			{name: "so is a message", method: "POST", path: "/api/v1/conversations/" + w.conversationID + "/messages", token: piet.token,
				body: `{"body":"Hallo?"}`, status: 403, contains: []string{`"code":"warning_pending"`}},
			{name: "and accepting house rules first", method: "POST", path: "/api/v1/me/house-rules/accept", token: piet.token,
				body: `{"version":1}`, status: 403, contains: []string{`"code":"warning_pending"`}},
			{name: "reading still works", method: "GET", path: "/api/v1/conversations", token: piet.token, status: 200},
			{name: "the warning", method: "GET", path: "/api/v1/me/warnings", token: piet.token, headers: english, status: 200,
				contains: []string{`"reason":"dating"`, `"reason_text":"Dating or a sexual approach"`, `"note":"Noaber is geen datingsite."`},
				after:    func(t *testing.T, r *response) { r.decode(t, &ws) }},
			{name: "ending a token still works", method: "DELETE", path: "/api/v1/tokens/current", token: second, status: 204},
		})
		if len(ws) != 1 || ws[0].ID == "" {
			t.Fatalf("warnings: %+v", ws)
		}
		ack := "/api/v1/me/warnings/" + ws[0].ID + "/acknowledge"
		e.run(t, []scenario{
			{name: "someone else's warning", method: "POST", path: ack, token: anna.token, status: 404},
			{name: "still pending for Piet", method: "GET", path: "/api/v1/me", token: piet.token, status: 200, contains: []string{`"warning_pending":true`}},
			{name: "acknowledge", method: "POST", path: ack, token: piet.token, status: 204},
			{name: "twice is fine", method: "POST", path: ack, token: piet.token, status: 204},
			{name: "no warning waits", method: "GET", path: "/api/v1/me", token: piet.token, status: 200, contains: []string{`"warning_pending":false`}},
			{name: "the list is empty", method: "GET", path: "/api/v1/me/warnings", token: piet.token, status: 200, contains: []string{`[]`}},
			{name: "the write works", method: "PATCH", path: "/api/v1/me", token: piet.token, body: `{"bio":"Ik help graag."}`, status: 200,
				contains: []string{`"bio":"Ik help graag."`}},
		})
	})
}

func TestHouseRulesAPI(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		w := newTrustWorld(t, db)
		e, els, cor := w.e, w.els, w.cor
		var hr HouseRules
		e.do(t, scenario{method: "GET", path: "/api/v1/house-rules", token: els.token, headers: english, status: 200,
			contains: []string{`"version":1`, `"body":""`, `"accepted":true`, `"published_at":null`, `"url":"http://noaber.test/house-rules"`,
				"Noaber is not a dating site"}}).decode(t, &hr)
		if len(hr.Sections) != len(builtinRules) || hr.Intro == "" || hr.EditionID != nationalEdition {
			t.Fatalf("the built-in rules: %+v", hr)
		}
		v, err := e.svc.PublishHouseRules(context.Background(), w.t.user(t, cor), nationalEdition, map[i18n.Lang]string{
			i18n.NL: "Wees aardig.\n\nVraag nooit om geld.", i18n.EN: "Be kind.\n\nNever ask for money."})
		if err != nil || v != 2 {
			t.Fatalf("publish: version %d, %v", v, err)
		}
		e.run(t, []scenario{
			{name: "GET /me says the rules changed", method: "GET", path: "/api/v1/me", token: els.token, status: 200,
				contains: []string{`"house_rules_outdated":true`, `"warning_pending":false`}},
			{name: "a write is refused", method: "PATCH", path: "/api/v1/me", token: els.token, body: `{"bio":"Hallo"}`, status: 403,
				contains: []string{`"code":"house_rules_not_accepted"`}},
			{name: "the new rules", method: "GET", path: "/api/v1/house-rules", token: els.token, headers: english, status: 200,
				contains: []string{`"version":2`, `"body":"Be kind.\n\nNever ask for money."`, `"sections":[]`, `"accepted":false`, `"intro":""`}},
			{name: "accepting the old version", method: "POST", path: "/api/v1/me/house-rules/accept", token: els.token, body: `{"version":1}`,
				status: 409, contains: []string{`"code":"rules_version_stale"`}},
			{name: "no version", method: "POST", path: "/api/v1/me/house-rules/accept", token: els.token, body: `{}`, status: 422,
				contains: []string{`"field":"version"`}},
			{name: "accepting the new version", method: "POST", path: "/api/v1/me/house-rules/accept", token: els.token, body: `{"version":2}`, status: 204},
			{name: "GET /me is clear", method: "GET", path: "/api/v1/me", token: els.token, status: 200, contains: []string{`"house_rules_outdated":false`}},
			{name: "the write works", method: "PATCH", path: "/api/v1/me", token: els.token, body: `{"bio":"Hallo"}`, status: 200},
			{name: "accepted", method: "GET", path: "/api/v1/house-rules", token: els.token, status: 200, contains: []string{`"accepted":true`}},
		})
	})
}

func TestTrustSignalsAPI(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		w := newTrustWorld(t, db)
		e, els, piet, anna, cor := w.e, w.els, w.piet, w.anna, w.cor
		ctx := context.Background()
		trustURL := "/api/v1/users/" + piet.id + "/trust"
		e.run(t, []scenario{
			{name: "a new member", method: "GET", path: trustURL, token: els.token, status: 200,
				contains: []string{`{"email_verified":true,"watch_groups":[],"vouches":[],"helped":0,"thanks":0}`}},
			{name: "an unknown member", method: "GET", path: "/api/v1/users/01a209ea-0000-7000-8000-000000000000/trust", token: els.token, status: 404},
			{name: "an unknown invite", method: "POST", path: "/api/v1/watch-groups/join", token: piet.token, body: `{"token":"nope"}`, status: 404},
			{name: "no invite", method: "POST", path: "/api/v1/watch-groups/join", token: piet.token, body: `{"token":""}`, status: 422,
				contains: []string{`"field":"token"`}},
		})

		g, err := w.t.trust.RegisterGroup(ctx, w.t.user(t, anna), "Buurtpreventie Zuid", "Terneuzen-Zuid")
		if err != nil {
			t.Fatal(err)
		}
		if err := w.t.trust.ConfirmGroup(ctx, w.t.user(t, cor), g.ID); err != nil {
			t.Fatal(err)
		}
		admin, err := w.t.trust.AdminGroups(ctx, w.t.user(t, anna))
		if err != nil || len(admin) != 1 || admin[0].InviteToken == "" {
			t.Fatalf("Anna's groups: %+v, %v", admin, err)
		}
		vog := e.clock.Now().AddDate(0, -1, 0)
		if err := w.t.trust.Vouch(ctx, w.t.user(t, cor), piet.id, trust.VouchInput{Organisation: "Humanitas Terneuzen", VOGCheckedOn: &vog}); err != nil {
			t.Fatal(err)
		}
		day := vog.Format(time.DateOnly) // the day in vog's own zone (UTC)
		e.run(t, []scenario{
			{name: "join", method: "POST", path: "/api/v1/watch-groups/join", token: piet.token, body: fmt.Sprintf(`{"token":%q}`, admin[0].InviteToken),
				status: 200, contains: []string{`"id":"` + g.ID + `"`, `"name":"Buurtpreventie Zuid"`, `"area":"Terneuzen-Zuid"`}},
			{name: "the signals", method: "GET", path: trustURL, token: els.token, status: 200,
				contains: []string{`"watch_groups":["Buurtpreventie Zuid"]`, `"vouches":[{"organisation":"Humanitas Terneuzen","vog_checked_on":"` + day + `"}]`}},
			{name: "on the profile", method: "GET", path: "/api/v1/users/" + piet.id, token: els.token, status: 200,
				contains: []string{`"trust":{"email_verified":true,"watch_groups":["Buurtpreventie Zuid"]`, "Humanitas Terneuzen"},
				excludes: w.pietPrivateBits},
		})
	})
}

// TestTrustedOnlyAndHints: the new request fields and the hints.
func TestTrustedOnlyAndHints(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		w := newTrustWorld(t, db)
		e, els, piet := w.e, w.els, w.piet
		w.fillAnswers(t)
		var r HelpRequest
		e.do(t, scenario{method: "POST", path: "/api/v1/requests", token: els.token, body: w.request(t, func(m map[string]any) {
			m["trusted_only"] = true
			m["show_only"] = true
		}), status: 201, contains: []string{`"trusted_only":true`}, excludes: []string{`"hint"`}}).decode(t, &r)
		e.run(t, []scenario{
			{name: "the helper sees it too", method: "GET", path: "/api/v1/requests/" + r.ID, token: piet.token, status: 200,
				contains: []string{`"trusted_only":true`}, excludes: []string{`"hint"`}},
			{name: "patch it off", method: "PATCH", path: "/api/v1/requests/" + r.ID, token: els.token, body: `{"trusted_only":false}`, status: 200,
				contains: []string{`"trusted_only":false`}},
			{name: "a phone number in an offer", method: "POST", path: "/api/v1/offers", token: piet.token,
				body:   `{"category":"groceries","title":"Boodschappen doen","body":"Bel me gerust op 06-12345678, dan doe ik je boodschappen."}`,
				status: 201, contains: []string{`"hint":"contact_public"`}},
		})
		var sc StartedConversation
		e.do(t, scenario{method: "POST", path: "/api/v1/conversations", token: els.token,
			body: fmt.Sprintf(`{"user_id":%q,"body":"Hoi Piet, bel me op 06-12345678."}`, w.anna.id), status: 201,
			contains: []string{`"held":false`, `"safety_hint":"contact_first_message"`}}).decode(t, &sc)
		e.do(t, scenario{name: "the hint is for the sender only", method: "GET", path: "/api/v1/conversations/" + sc.Conversation.ID + "/messages",
			token: w.anna.token, status: 200, contains: []string{`"held":false`}, excludes: []string{"safety_hint"}})
	})
}

// TestHeldMessage: a message the rules hold shows to its sender alone,
// marked held, and waits in the queue as a flag.
func TestHeldMessage(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		w := newTrustWorld(t, db)
		e, piet, els, mod := w.e, w.piet, w.els, w.mod
		var m ConversationMessage
		e.do(t, scenario{method: "POST", path: "/api/v1/conversations/" + w.conversationID + "/messages", token: piet.token,
			body: `{"body":"Stuur je me een paar naaktfoto's? Je bent zo sexy."}`, status: 201,
			contains: []string{`"held":true`, `"mine":true`}}).decode(t, &m)
		e.run(t, []scenario{
			{name: "the sender sees it, held", method: "GET", path: "/api/v1/conversations/" + w.conversationID + "/messages", token: piet.token,
				status: 200, contains: []string{`"id":"` + m.ID + `"`, `"held":true`}},
			{name: "the other never sees it", method: "GET", path: "/api/v1/conversations/" + w.conversationID + "/messages", token: els.token,
				status: 200, excludes: []string{m.ID, "naaktfoto"}},
			{name: "it waits in the queue", method: "GET", path: w.nationalQueue, token: mod.token, status: 200,
				contains: []string{`"target_id":"` + m.ID + `"`, `"source":"flag"`, `"severity":"high"`}},
		})
	})
}
