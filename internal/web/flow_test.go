package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/noaber/noaber/internal/account"
	"github.com/noaber/noaber/internal/i18n"
	"github.com/noaber/noaber/internal/store"
	"github.com/noaber/noaber/internal/testkit"
)

func TestSignupVerifyLoginEditViewLogout(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		b := e.browser(t)
		nl := i18n.NL

		b.get("/signup").expect(t, http.StatusOK).has(t, `id="email"`, `id="password"`, `id="first_name"`, `id="accept_rules"`, tr(nl, "web.field.postcode_hint"))
		b.post("/signup", url.Values{
			"email": {"anna@example.org"}, "password": {password}, "first_name": {"Anna"}, "surname": {"de Jong"},
			"postcode": {"7511 AB"}, "house_number": {"97b"}, "town": {"Enschede"}, "accept_rules": {"1"},
		}).expect(t, http.StatusSeeOther, "/signup/sent")
		b.get("/signup/sent").expect(t, http.StatusOK).has(t, tr(nl, "web.signup_sent.title"))

		// Not verified yet: logging in says so.
		b.post("/login", url.Values{"email": {"anna@example.org"}, "password": {password}}).
			expect(t, http.StatusForbidden).has(t, tr(nl, "account.email_not_verified"))

		link := e.lastLink(t, "anna@example.org", "/verify")
		// Opening the link (as a mail scanner does) does not use it up.
		b.get(link).expect(t, http.StatusOK).has(t, `id="verify-submit"`)
		b.get(link).expect(t, http.StatusOK)
		token := strings.TrimPrefix(link, "/verify?token=")
		b.post("/verify", url.Values{"token": {token}}).expect(t, http.StatusOK).has(t, tr(nl, "web.verified.title"))
		// A used link gets a clear message and a way to get a new one.
		b.post("/verify", url.Values{"token": {token}}).expect(t, http.StatusGone).
			has(t, tr(nl, "account.link_invalid"), `id="resend-form"`)
		b.post("/verify/resend", url.Values{"email": {"anna@example.org"}}).expect(t, http.StatusOK).has(t, tr(nl, "web.verify_resent.text"))
		b.post("/verify/resend", url.Values{"email": {"nobody@example.org"}}).expect(t, http.StatusOK).has(t, tr(nl, "web.verify_resent.text"))

		p := b.post("/login", url.Values{"email": {"anna@example.org"}, "password": {password}}).expect(t, http.StatusSeeOther)
		loc := p.header.Get("Location")
		if !strings.HasPrefix(loc, "/people/") {
			t.Fatalf("login went to %q", loc)
		}
		id := strings.TrimPrefix(loc, "/people/")
		if c := p.header.Get("Set-Cookie"); !strings.Contains(c, "noaber_session=") || !strings.Contains(c, "HttpOnly") ||
			!strings.Contains(c, "SameSite=Lax") || !strings.Contains(c, "Path=/") || !strings.Contains(c, "Max-Age=") {
			t.Fatalf("session cookie %q", c)
		}

		b.get("/me/profile").expect(t, http.StatusOK).has(t, `value="Anna"`, `value="7511 AB"`, `id="asks-groceries"`, `id="offers-garden"`, `id="languages-uk"`)
		b.post("/me/profile", url.Values{
			"first_name": {"Anna"}, "surname": {"de Jong"}, "postcode": {"7511AB"}, "house_number": {"97b"}, "town": {"Enschede"},
			"bio": {"Ik woon hier al 30 jaar & help graag <echt>."}, "asks": {"transport"}, "offers": {"groceries", "garden"},
			"languages": {"nl", "uk"},
		}).expect(t, http.StatusSeeOther, "/people/"+id+"?saved=1")

		b.get("/people/"+id+"?saved=1").expect(t, http.StatusOK).
			has(t, tr(nl, "web.profile.saved"), `id="profile-name"`, "Anna J.", "Enschede",
				"Ik woon hier al 30 jaar &amp; help graag &lt;echt&gt;.", "Boodschappen", "Tuin", "Vervoer",
				tr(nl, "web.language.uk"), tr(nl, "web.profile.verified"), `id="profile-edit"`)

		b.post("/logout", url.Values{}).expect(t, http.StatusSeeOther, "/login?done=logout")
		b.get("/login?done=logout").expect(t, http.StatusOK).has(t, tr(nl, "web.login.notice.logout"))
		b.get("/me/profile").expect(t, http.StatusSeeOther, "/login?next=%2Fme%2Fprofile")
	})
}

func TestProfileIsPrivate(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		owner := e.member(t, account.SeedUser{Email: "owner@example.org", FirstName: "Karin", Surname: "Oosterhuis",
			Postcode: "7511AB", HouseNumber: "97b", Town: "Enschede", Bio: "Hallo!", Offers: []string{"pets"}})
		e.member(t, account.SeedUser{Email: "viewer@example.org"})

		anon := e.browser(t)
		anon.get("/people/"+owner).expect(t, http.StatusSeeOther, "/login?next=%2Fpeople%2F"+owner)

		v := e.browser(t)
		v.login("viewer@example.org")
		v.get("/people/"+owner).expect(t, http.StatusOK).
			has(t, "Karin O.", "Enschede", "Hallo!", tr(i18n.NL, "web.profile.member_since", "date", "")[:8]).
			hasNot(t, "owner@example.org", "7511", "97b", "Oosterhuis", `id="profile-edit"`)

		// Unknown ids look like any missing page.
		missing := v.get("/people/00000000-0000-7000-8000-00000000dead").expect(t, http.StatusNotFound)
		other := v.get("/no/such/page").expect(t, http.StatusNotFound)
		// The pages differ only in where the language switch returns to.
		ret := regexp.MustCompile(`name="return" value="[^"]*"`)
		if ret.ReplaceAllString(missing.body, "") != ret.ReplaceAllString(other.body, "") {
			t.Fatalf("a missing profile and a missing page differ:\n%s\n---\n%s", missing.body, other.body)
		}
		missing.has(t, tr(i18n.NL, "web.error.not_found.title"))
	})
}
