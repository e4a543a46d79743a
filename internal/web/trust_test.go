package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/noaber/noaber/internal/i18n"
	"github.com/noaber/noaber/internal/store"
	"github.com/noaber/noaber/internal/testkit"
)

const nl = i18n.NL

// New house rules: a member is sent to /me/house-rules before any other
// page until they accept; a page that was open while the rules changed
// again gets 409 with the newest text; only a coordinator may publish.
func TestHouseRulesPublishAndAccept(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newTrustEnv(t, db)
		coord := e.coordinator(t, "coco@example.org", "Coco")
		member := e.person(t, "mila@example.org", "Mila", 1)
		c, m := e.as(t, coord), e.as(t, member)
		edit := "/coordinator/editions/" + nationalEdition + "/house-rules"

		// The built-in rules to start with, for members and visitors.
		m.get("/me/help").expect(t, http.StatusOK)
		e.browser(t).get("/house-rules").expect(t, http.StatusOK).has(t, tr(nl, "web.rules.dating.title"), tr(nl, "web.rules.version", "version", 1))

		// Not a coordinator: the page does not exist, and nothing changes.
		m.get(edit).expect(t, http.StatusNotFound)
		m.post(edit, url.Values{"body_nl": {"Alles mag."}}).expect(t, http.StatusNotFound)
		m.get("/me/help").expect(t, http.StatusOK)

		// The coordinator starts from the built-in text, is warned, and
		// must write Dutch.
		c.get(edit).expect(t, http.StatusOK).has(t, `id="rules-warning"`, tr(nl, "web.trust.rules_edit.warning_title"),
			"# "+tr(nl, "web.rules.dating.title"))
		c.post(edit, url.Values{"body_nl": {"  "}, "body_en": {"Only English."}}).expect(t, http.StatusUnprocessableEntity).
			has(t, tr(nl, "account.house_rules_required"), `href="#body_nl"`, "Only English.")
		c.post(edit, url.Values{"body_nl": {"# Samen\n\nWees aardig voor elkaar in Enschede."}, "body_en": {"Be kind in Enschede."}}).
			expect(t, http.StatusSeeOther, edit+"?published=2")
		c.get(edit+"?published=2").expect(t, http.StatusOK).has(t, tr(nl, "web.trust.rules_edit.published"), "Wees aardig voor elkaar in Enschede.")

		// The member must read and accept them before anything else.
		m.get("/me/help").expect(t, http.StatusSeeOther, "/me/house-rules")
		m.get("/search").expect(t, http.StatusSeeOther, "/me/house-rules")
		page := m.get("/me/house-rules").expect(t, http.StatusOK)
		page.has(t, tr(nl, "web.trust.rules.changed_title"), "<h2>Samen</h2>", "Wees aardig voor elkaar in Enschede.", `name="version" value="2"`).
			hasNot(t, tr(nl, "web.rules.dating.title"))
		m.get("/house-rules").expect(t, http.StatusOK).has(t, "Wees aardig voor elkaar in Enschede.", tr(nl, "web.rules.version", "version", 2))
		en := e.browser(t)
		en.post("/language", url.Values{"lang": {"en"}, "return": {"/house-rules"}})
		en.get("/house-rules").expect(t, http.StatusOK).has(t, "Be kind in Enschede.")

		// Meanwhile the rules change again: accepting version 2 is too late.
		c.post(edit, url.Values{"body_nl": {"Versie drie: wees eerlijk."}}).expect(t, http.StatusSeeOther, edit+"?published=3")
		stale := m.post("/me/house-rules", url.Values{"version": {"2"}}).expect(t, http.StatusConflict)
		stale.has(t, tr(nl, "account.rules_version_stale"), "Versie drie: wees eerlijk.", `name="version" value="3"`).
			hasNot(t, "Wees aardig voor elkaar")
		m.get("/me/help").expect(t, http.StatusSeeOther, "/me/house-rules")
		m.post("/me/house-rules", url.Values{"version": {"drie"}}).expect(t, http.StatusConflict)

		m.post("/me/house-rules", url.Values{"version": {"3"}}).expect(t, http.StatusSeeOther, "/")
		m.get("/me/help").expect(t, http.StatusOK)
		m.get("/me/house-rules").expect(t, http.StatusOK).has(t, tr(nl, "web.trust.rules.already")).hasNot(t, `id="rules-accept"`)
		// The coordinator who wrote them is not asked to accept them.
		c.get("/me/help").expect(t, http.StatusOK)
	})
}

var joinLinkRE = regexp.MustCompile(`value="` + regexp.QuoteMeta(baseURL) + `/join/([A-Za-z0-9_-]+)"`)

// A neighbourhood-watch group: registered, shared by link, confirmed by a
// coordinator, after which its members show the badge; leaving and
// revoking take it away again, and a revoked member cannot come back.
func TestWatchGroupBadge(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newTrustEnv(t, db)
		coord := e.coordinator(t, "coco@example.org", "Coco")
		admin := e.person(t, "anton@example.org", "Anton", 1)
		joiner := e.person(t, "jet@example.org", "Jet", 2)
		other := e.person(t, "olaf@example.org", "Olaf", 3)
		c, a, j, o := e.as(t, coord), e.as(t, admin), e.as(t, joiner), e.as(t, other)
		const name = "Buurtpreventie De Hoven"
		badge := tr(nl, "web.trust.watch", "name", name)

		a.get("/me/watch-groups").expect(t, http.StatusOK).has(t, `id="admin-none"`, `id="register-form"`)
		a.post("/me/watch-groups", url.Values{"name": {""}, "area": {"De Hoven"}}).expect(t, http.StatusUnprocessableEntity).
			has(t, tr(nl, "trust.name_required"), `href="#name"`, `value="De Hoven"`)
		p := a.post("/me/watch-groups", url.Values{"name": {name}, "area": {"De Hoven"}}).expect(t, http.StatusSeeOther)
		loc := p.header.Get("Location")
		id, ok := strings.CutPrefix(strings.TrimSuffix(loc, "?created=1"), "/me/watch-groups/")
		if !ok || id == "" || strings.Contains(id, "/") {
			t.Fatalf("registered to %q", loc)
		}
		group := "/me/watch-groups/" + id
		page := a.get(loc).expect(t, http.StatusOK).has(t, tr(nl, "web.watch.created"), name, tr(nl, "web.watch.status.pending"), `id="invite-link"`)
		m := joinLinkRE.FindStringSubmatch(page.body)
		if m == nil {
			t.Fatalf("no invite link as a full address:\n%s", page.body)
		}
		join := "/join/" + m[1]
		a.get("/me/watch-groups").expect(t, http.StatusOK).has(t, `href="`+group+`"`, tr(nl, "web.watch.status.pending"))

		// Joining through the link.
		j.get(join).expect(t, http.StatusOK).has(t, name, "De Hoven", `id="join"`, tr(nl, "web.watch.join.button"))
		j.post(join, url.Values{}).expect(t, http.StatusSeeOther, "/me/watch-groups?joined=1")
		j.get("/me/watch-groups?joined=1").expect(t, http.StatusOK).has(t, tr(nl, "web.watch.joined"))
		// Others may not manage the group.
		j.get(group).expect(t, http.StatusNotFound)
		j.post(group+"/revoke", url.Values{"user": {admin.ID}}).expect(t, http.StatusNotFound)
		j.post(group+"/new-link", url.Values{}).expect(t, http.StatusNotFound)
		e.browser(t).get(join).expect(t, http.StatusSeeOther, "/login?next="+url.QueryEscape(join))

		// No badge before a coordinator confirms the group.
		o.get("/people/"+joiner.ID).expect(t, http.StatusOK).hasNot(t, badge)
		a.get("/coordinator/watch-groups").expect(t, http.StatusNotFound)
		a.post("/coordinator/watch-groups/"+id+"/confirm", url.Values{}).expect(t, http.StatusNotFound)
		o.get("/people/"+joiner.ID).expect(t, http.StatusOK).hasNot(t, badge)

		c.get("/coordinator/watch-groups").expect(t, http.StatusOK).has(t, name, `id="confirm-`+id+`"`, "Anton",
			`href="/coordinator/editions/`+nationalEdition+`/house-rules"`)
		c.post("/coordinator/watch-groups/"+id+"/confirm", url.Values{}).expect(t, http.StatusSeeOther, "/coordinator/watch-groups?confirmed=1")
		c.get("/coordinator/watch-groups?confirmed=1").expect(t, http.StatusOK).has(t, `id="pending-none"`, tr(nl, "web.watch.pending.confirmed"))

		o.get("/people/"+joiner.ID).expect(t, http.StatusOK).has(t, `id="trust-signals"`, badge)
		o.get("/people/"+admin.ID).expect(t, http.StatusOK).has(t, badge)
		a.get(group).expect(t, http.StatusOK).has(t, tr(nl, "web.watch.status.confirmed"), `id="member-`+joiner.ID+`"`, `id="revoke-`+joiner.ID+`"`).
			hasNot(t, `id="revoke-`+admin.ID+`"`)

		// Leaving takes the badge away; joining again brings it back.
		j.post(group+"/leave", url.Values{}).expect(t, http.StatusSeeOther, "/me/watch-groups?left=1")
		o.get("/people/"+joiner.ID).expect(t, http.StatusOK).hasNot(t, badge)
		j.post(join, url.Values{}).expect(t, http.StatusSeeOther, "/me/watch-groups?joined=1")
		o.get("/people/"+joiner.ID).expect(t, http.StatusOK).has(t, badge)

		// Revoked: no badge, and the link does not let them back in.
		a.post(group+"/revoke", url.Values{"user": {joiner.ID}}).expect(t, http.StatusSeeOther, group+"?revoked=1")
		o.get("/people/"+joiner.ID).expect(t, http.StatusOK).hasNot(t, badge)
		j.post(join, url.Values{}).expect(t, http.StatusConflict).has(t, tr(nl, "trust.membership_revoked"))
		o.get("/people/"+joiner.ID).expect(t, http.StatusOK).hasNot(t, badge)
		a.post(group+"/revoke", url.Values{"user": {admin.ID}}).expect(t, http.StatusConflict).has(t, tr(nl, "trust.revoke_self"))

		// A new link: the old one stops working.
		a.post(group+"/new-link", url.Values{}).expect(t, http.StatusSeeOther, group+"?new_link=1")
		fresh := joinLinkRE.FindStringSubmatch(a.get(group).expect(t, http.StatusOK).body)
		if fresh == nil || fresh[1] == m[1] {
			t.Fatalf("new link %v, old %s", fresh, m[1])
		}
		o.get(join).expect(t, http.StatusNotFound)
		o.get("/join/"+fresh[1]).expect(t, http.StatusOK)

		// Closing asks first; then every member loses the badge.
		a.post(group+"/close", url.Values{}).expect(t, http.StatusOK).has(t, `id="confirm-close"`)
		o.get("/people/"+admin.ID).expect(t, http.StatusOK).has(t, badge)
		a.post(group+"/close", url.Values{"confirm": {"1"}}).expect(t, http.StatusSeeOther, "/me/watch-groups?closed=1")
		o.get("/people/"+admin.ID).expect(t, http.StatusOK).hasNot(t, badge)
		o.get("/join/"+fresh[1]).expect(t, http.StatusNotFound)
		a.get("/me/watch-groups").expect(t, http.StatusOK).has(t, tr(nl, "web.watch.status.closed"))
	})
}

// A coordinator of a member's edition marks them known to the
// organisation (with a VOG date); everyone sees it on the profile and in
// the member's invitations. Nobody else may, and cannot even see the form.
func TestVouchOnProfileAndInvitation(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newTrustEnv(t, db)
		coord := e.coordinator(t, "coco@example.org", "Coco")
		seeker := e.person(t, "sanne@example.org", "Sanne", 0)
		helper := e.helper(t, "henk@example.org", "Henk", 1)
		c, s, hp := e.as(t, coord), e.as(t, seeker), e.as(t, helper)
		profile := "/people/" + seeker.ID
		known := tr(nl, "web.trust.vouch", "organisation", "Welzijn Enschede")

		// A member sees no form and may not vouch.
		hp.get(profile).expect(t, http.StatusOK).hasNot(t, `id="vouch-form"`, known).
			has(t, `href="/report?kind=person&amp;id=`+seeker.ID+`"`)
		hp.post(profile+"/vouch", url.Values{"organisation": {"Welzijn Enschede"}}).expect(t, http.StatusNotFound)
		hp.post(profile+"/unvouch", url.Values{}).expect(t, http.StatusNotFound)
		hp.get(profile).expect(t, http.StatusOK).hasNot(t, known)
		// Nor on one's own profile.
		s.post(profile+"/vouch", url.Values{"organisation": {"Eigen club"}}).expect(t, http.StatusNotFound)

		// The coordinator: wrong input is sent back with the message.
		c.get(profile).expect(t, http.StatusOK).has(t, `id="vouch-form"`, tr(nl, "web.vouch.title")).hasNot(t, `id="unvouch"`)
		c.post(profile+"/vouch", url.Values{"organisation": {""}}).expect(t, http.StatusUnprocessableEntity).
			has(t, tr(nl, "trust.organisation_required"), `href="#organisation"`)
		c.post(profile+"/vouch", url.Values{"organisation": {"Welzijn Enschede"}, "vog": {"1"}, "vog_checked_on": {"gisteren"}}).
			expect(t, http.StatusUnprocessableEntity).has(t, tr(nl, "web.vouch.date_invalid"), `value="Welzijn Enschede"`)
		c.post(profile+"/vouch", url.Values{"organisation": {"Welzijn Enschede"}, "vog": {"1"}, "vog_checked_on": {"2027-01-05"}}).
			expect(t, http.StatusUnprocessableEntity).has(t, tr(nl, "trust.vog_future"))
		hp.get(profile).expect(t, http.StatusOK).hasNot(t, known)

		c.post(profile+"/vouch", url.Values{"organisation": {"Welzijn Enschede"}, "vog": {"1"}, "vog_checked_on": {"2026-11-02"}}).
			expect(t, http.StatusSeeOther, profile+"?vouched=1")
		c.get(profile+"?vouched=1").expect(t, http.StatusOK).has(t, tr(nl, "web.vouch.done"), `id="unvouch"`, `value="2026-11-02"`)
		vog := tr(nl, "web.trust.vog", "date", "2 "+tr(nl, "web.month.11")+" 2026")
		hp.get(profile).expect(t, http.StatusOK).has(t, `id="trust-vouch-0"`, known, vog)

		// The helper sees it in the invitation to the seeker's request.
		rv := e.ask(t, seeker, "Boodschappen voor deze week", false)
		inv := e.openInvitation(t, helper, rv.ID)
		hp.get("/invitations/"+inv.ID).expect(t, http.StatusOK).has(t, `id="trust-signals"`, known, vog, tr(nl, "web.profile.verified"))
		hp.get("/invitations").expect(t, http.StatusOK).has(t, known)

		// Withdrawn: gone everywhere.
		c.post(profile+"/unvouch", url.Values{}).expect(t, http.StatusSeeOther, profile+"?unvouched=1")
		hp.get(profile).expect(t, http.StatusOK).hasNot(t, known)
		hp.get("/invitations/"+inv.ID).expect(t, http.StatusOK).hasNot(t, known)
	})
}

// The seeker's choice to invite only helpers with a trust signal: on the
// form with its explanation, in the preview, stored, shown on the request
// and kept when the request is changed.
func TestTrustedOnlyRequest(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newTrustEnv(t, db)
		seeker := e.person(t, "sanne@example.org", "Sanne", 0)
		other := e.person(t, "olaf@example.org", "Olaf", 1)
		s, o := e.as(t, seeker), e.as(t, other)
		he := &helpEnv{env: e.env, help: e.help}
		trustedOnly := func(id string) bool {
			t.Helper()
			var v bool
			if err := db.QueryRow(context.Background(), "SELECT trusted_only FROM requests WHERE id = ?", id).Scan(&v); err != nil {
				t.Fatal(err)
			}
			return v
		}

		vals := he.askValues(t, "trusted_only", "1")
		step3 := cloneForm(vals)
		step3.Set("step", "2")
		step3.Set("go", "next")
		s.post("/ask", step3).expect(t, http.StatusOK).has(t, `name="trusted_only"`, tr(nl, "web.trust.ask.trusted_only"),
			tr(nl, "web.trust.ask.trusted_only_hint"))
		step4 := cloneForm(vals)
		step4.Set("step", "3")
		step4.Set("go", "next")
		s.post("/ask", step4).expect(t, http.StatusOK).has(t, `id="preview-trusted-only"`, `name="trusted_only" value="1"`)

		id := s.postRequest(vals)
		if !trustedOnly(id) {
			t.Fatal("trusted_only not stored")
		}
		s.get("/requests/"+id).expect(t, http.StatusOK).has(t, `id="request-trusted-only"`)
		o.get("/requests/"+id).expect(t, http.StatusOK).hasNot(t, `id="request-trusted-only"`)
		s.get("/requests/"+id+"/edit").expect(t, http.StatusOK).has(t, `name="trusted_only" value="1" checked`)

		// Changed without the tick: every helper may be invited again.
		edit := he.askValues(t)
		s.post("/requests/"+id+"/edit", edit).expect(t, http.StatusSeeOther, "/requests/"+id+"?saved=1")
		if trustedOnly(id) {
			t.Fatal("trusted_only still set after the edit without it")
		}
		s.get("/requests/"+id).expect(t, http.StatusOK).hasNot(t, `id="request-trusted-only"`)

		// Without the tick from the start it is not stored either.
		if id := s.postRequest(he.askValues(t)); trustedOnly(id) {
			t.Fatal("trusted_only stored without the tick")
		}
	})
}

// A phone number in a request or offer is posted all the same, with a
// gentle hint to its author that strangers can read it.
func TestContactDetailsHint(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newTrustEnv(t, db)
		seeker := e.person(t, "sanne@example.org", "Sanne", 0)
		other := e.person(t, "olaf@example.org", "Olaf", 1)
		s, o := e.as(t, seeker), e.as(t, other)
		he := &helpEnv{env: e.env, help: e.help}
		hint := tr(nl, "web.trust.hint.contact_public")

		vals := he.askValues(t)
		for k := range vals {
			if strings.HasPrefix(k, "answer-") {
				vals.Set(k, "Boodschappen halen, bel me op 06 12345678")
				break
			}
		}
		vals.Set("step", "4")
		vals.Set("go", "post")
		loc := s.post("/ask", vals).expect(t, http.StatusSeeOther).header.Get("Location")
		m := regexp.MustCompile(`^/requests/([^/?]+)\?posted=1&hint=contact_public$`).FindStringSubmatch(loc)
		if m == nil {
			t.Fatalf("posted to %q, want the hint on the redirect", loc)
		}
		s.get(loc).expect(t, http.StatusOK).has(t, `id="safety-hint"`, hint)
		o.get(loc).expect(t, http.StatusOK).hasNot(t, `id="safety-hint"`)
		// An unknown hint in the address shows nothing.
		s.get("/requests/"+m[1]+"?hint=whatever").expect(t, http.StatusOK).hasNot(t, `id="safety-hint"`)

		// A request without contact details gets no hint.
		plain := s.postRequest(he.askValues(t))
		s.get("/requests/"+plain).expect(t, http.StatusOK).hasNot(t, `id="safety-hint"`)

		// The same for an offer.
		loc = s.post("/offers/new", url.Values{"category": {"groceries"}, "title": {"Ik doe boodschappen"},
			"body": {"Mail me gerust: sanne@example.org"}}).expect(t, http.StatusSeeOther).header.Get("Location")
		if !strings.HasSuffix(loc, "?posted=1&hint=contact_public") {
			t.Fatalf("offer posted to %q, want the hint", loc)
		}
		s.get(loc).expect(t, http.StatusOK).has(t, hint)
		o.get(loc).expect(t, http.StatusOK).hasNot(t, hint)
	})
}

// Every trust page passes axe in a real browser, in both languages where
// the page has a form: the house rules to accept and to publish, the
// watch-group pages, the join page, the coordinator's list, a profile
// with badges and the vouch form, an invitation with badges, and the
// ask step with the trusted-only choice.
func TestTrustPagesAreAccessible(t *testing.T) {
	db := testkit.NewDB(t, store.SQLite)
	e := newTrustEnv(t, db)
	ctx := context.Background()
	br := testkit.NewBrowser(t)
	coord := e.coordinator(t, "coco@example.org", "Coco")
	seeker := e.person(t, "sanne@example.org", "Sanne", 0)
	helper := e.helper(t, "henk@example.org", "Henk", 1)
	g, err := e.trust.RegisterGroup(ctx, helper, "Buurtpreventie De Hoven", "De Hoven")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.trust.Join(ctx, seeker, g.InviteToken); err != nil {
		t.Fatal(err)
	}
	rv := e.ask(t, seeker, "Boodschappen voor deze week", false)
	inv := e.openInvitation(t, helper, rv.ID)

	login := func(email string) context.Context {
		t.Helper()
		bc := br.NewContext(t)
		testkit.Visit(bc, e.srv.URL+"/login")
		testkit.Fill(bc, "#email", email)
		testkit.Fill(bc, "#password", password)
		testkit.Submit(bc, "#login-submit")
		return bc
	}
	check := func(bc context.Context, path string, want int) {
		t.Helper()
		if got := testkit.Visit(bc, e.srv.URL+path); got != want {
			t.Fatalf("%s: status %d, want %d", path, got, want)
		}
		testkit.CheckA11y(t, bc)
	}

	c := login(coord.Email)
	check(c, "/coordinator/watch-groups", http.StatusOK)
	check(c, "/coordinator/editions/"+nationalEdition+"/house-rules", http.StatusOK)
	check(c, "/people/"+seeker.ID, http.StatusOK)
	// The vouch form sent back with its errors.
	testkit.Fill(c, "#organisation", "")
	if got := testkit.Submit(c, "#vouch-submit"); got != http.StatusUnprocessableEntity {
		t.Fatalf("empty vouch: status %d", got)
	}
	testkit.CheckA11y(t, c)

	h := login(helper.Email)
	check(h, "/me/watch-groups", http.StatusOK)
	check(h, "/me/watch-groups/"+g.ID, http.StatusOK)
	check(h, "/invitations/"+inv.ID, http.StatusOK)
	check(h, "/invitations", http.StatusOK)
	check(h, "/me/settings", http.StatusOK)

	s := login(seeker.Email)
	check(s, "/join/"+g.InviteToken, http.StatusOK)
	check(s, "/people/"+helper.ID, http.StatusOK)
	check(s, "/ask?category=groceries", http.StatusOK)
	tpl, err := e.help.Template(ctx, i18n.NL, "groceries")
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range tpl.Questions {
		testkit.Fill(s, "#answer-"+q.ID, "Boodschappen bij de supermarkt")
	}
	if got := testkit.Submit(s, "#ask-next"); got != http.StatusOK {
		t.Fatalf("ask step 2: status %d", got)
	}
	testkit.CheckA11y(t, s) // step 3, with the trusted-only choice

	if _, err := e.acc.PublishHouseRules(ctx, coord, nationalEdition, map[i18n.Lang]string{i18n.NL: "# Samen\n\nWees aardig."}); err != nil {
		t.Fatal(err)
	}
	check(s, "/me/house-rules", http.StatusOK)
	check(s, "/house-rules", http.StatusOK)
}
