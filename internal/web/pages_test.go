package web_test

import (
	"context"
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

func TestLoginRefusesToRedirectElsewhere(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		id := e.member(t, account.SeedUser{Email: "els@example.org"})
		own := "/people/" + id
		cases := map[string]string{
			"/me/settings":          "/me/settings",
			"/people/x?y=1":         "/people/x?y=1",
			"https://evil.example/": own,
			"//evil.example/":       own,
			`/\evil.example/`:       own,
			"/%2F/evil.example":     "/%2F/evil.example", // a path on this site, harmless
			"javascript:alert(1)":   own,
			"http:/evil.example":    own,
			"evil.example":          own,
			"/\t/evil.example":      own,
			"":                      own,
		}
		for next, want := range cases {
			b := e.browser(t)
			// The login page keeps only a safe next in its form.
			p := b.get("/login?next="+url.QueryEscape(next)).expect(t, http.StatusOK)
			if want == own && next != "" && strings.Contains(p.body, `name="next"`) {
				t.Fatalf("login page kept next %q:\n%s", next, p.body)
			}
			b.post("/login", url.Values{"email": {"els@example.org"}, "password": {password}, "next": {next}}).
				expect(t, http.StatusSeeOther, want)
			// Signed in, the login page sends on at once, just as safely.
			b.get("/login?next="+url.QueryEscape(next)).expect(t, http.StatusSeeOther, want)
		}
	})
}

func TestMembersOnlyPagesSendVisitorsToLogin(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		b := e.browser(t)
		for path, next := range map[string]string{
			"/me/profile":         "/me/profile",
			"/me/settings":        "/me/settings",
			"/people/abc?saved=1": "/people/abc?saved=1",
		} {
			b.get(path).expect(t, http.StatusSeeOther, "/login?next="+url.QueryEscape(next))
		}
		b.post("/me/profile", url.Values{"first_name": {"X"}}).expect(t, http.StatusSeeOther)
		if countUsers(t, db) != 0 {
			t.Fatal("a user appeared")
		}
		// An invalid session cookie is simply not signed in.
		b.header.Set("Cookie", "noaber_session=forged")
		b.get("/me/profile").expect(t, http.StatusSeeOther)
	})
}

func TestPasswordResetFlow(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		e.member(t, account.SeedUser{Email: "els@example.org"})
		nl := i18n.NL
		b := e.browser(t)
		b.get("/forgot").expect(t, http.StatusOK).has(t, `id="email"`)
		same := b.post("/forgot", url.Values{"email": {"nobody@example.org"}}).expect(t, http.StatusOK)
		b.post("/forgot", url.Values{"email": {"els@example.org"}}).expect(t, http.StatusOK).has(t, tr(nl, "web.forgot_sent.text"))
		same.has(t, tr(nl, "web.forgot_sent.text"))

		link := e.lastLink(t, "els@example.org", "/reset")
		token := strings.TrimPrefix(link, "/reset?token=")
		b.get(link).expect(t, http.StatusOK).has(t, `name="token" value="`+token+`"`, `id="password"`)
		b.post("/reset", url.Values{"token": {token}, "password": {"kort"}}).expect(t, http.StatusUnprocessableEntity).
			has(t, tr(nl, "account.password_too_short", "min", account.MinPassword), `name="token" value="`+token+`"`)
		b.post("/reset", url.Values{"token": {token}, "password": {"a brand new password"}}).expect(t, http.StatusSeeOther, "/login?done=reset")
		// The link works once; after that it says so and offers a new one.
		b.get(link).expect(t, http.StatusGone).has(t, tr(nl, "account.link_invalid"), `href="/forgot"`)
		b.post("/reset", url.Values{"token": {token}, "password": {"another new password"}}).expect(t, http.StatusGone).has(t, `id="forgot-again"`)
		b.get("/reset?token=made-up").expect(t, http.StatusGone)

		b.post("/login", url.Values{"email": {"els@example.org"}, "password": {"a brand new password"}}).expect(t, http.StatusSeeOther)
	})
}

func TestSettings(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		e.member(t, account.SeedUser{Email: "els@example.org"})
		nl := i18n.NL
		b := e.browser(t)
		b.login("els@example.org")
		b.get("/me/settings").expect(t, http.StatusOK).has(t, "els@example.org", `id="new_email"`, `id="email_password"`,
			`id="current_password"`, `id="new_password"`, `id="lang-en"`, `id="everywhere-submit"`)

		// Changing the address sends a link to the new one; nothing changes until it is used.
		b.post("/me/settings/email", url.Values{"new_email": {"els@new.example"}, "current_password": {password}}).
			expect(t, http.StatusOK).has(t, tr(nl, "web.settings.email.sent"), "els@new.example")
		link := e.lastLink(t, "els@new.example", "/verify")
		b.post("/verify", url.Values{"token": {strings.TrimPrefix(link, "/verify?token=")}}).expect(t, http.StatusOK)
		b.get("/me/settings").expect(t, http.StatusOK).has(t, "els@new.example")

		// Language: stored with the account, so another browser gets it too.
		b.post("/language", url.Values{"lang": {"en"}, "return": {"/me/settings"}}).expect(t, http.StatusSeeOther, "/me/settings")
		b.get("/me/settings").expect(t, http.StatusOK).has(t, `<html lang="en">`, tr(i18n.EN, "web.settings.title"))
		other := e.browser(t)
		other.login("els@new.example")
		other.get("/me/settings").expect(t, http.StatusOK).has(t, `<html lang="en">`)

		// A new password ends every session, this one too.
		b.post("/me/settings/password", url.Values{"current_password": {password}, "new_password": {"a brand new password"}}).
			expect(t, http.StatusSeeOther, "/login?done=password")
		b.get("/me/settings").expect(t, http.StatusSeeOther)
		other.get("/me/settings").expect(t, http.StatusSeeOther)
	})
}

func TestLogoutEverywhere(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		e.member(t, account.SeedUser{Email: "els@example.org"})
		a, b := e.browser(t), e.browser(t)
		a.login("els@example.org")
		b.login("els@example.org")
		p := a.post("/logout-everywhere", url.Values{}).expect(t, http.StatusSeeOther, "/login?done=everywhere")
		if c := p.header.Get("Set-Cookie"); !strings.Contains(c, "noaber_session=;") || !strings.Contains(c, "Max-Age=0") {
			t.Fatalf("cookie not cleared: %q", c)
		}
		b.get("/me/profile").expect(t, http.StatusSeeOther)
	})
}

func TestStatusPagesAndPublicPages(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		b := e.browser(t)
		noindex := `<meta name="robots" content="noindex">`

		home := b.get("/").expect(t, http.StatusOK).has(t, `id="ask-help"`, `id="offer-help"`, `href="/signup"`, `id="language-button"`, `href="#main"`, `<main id="main"`).hasNot(t, noindex)
		if home.header.Get("Content-Language") != "nl" {
			t.Fatalf("Content-Language %q", home.header.Get("Content-Language"))
		}
		b.get("/house-rules").expect(t, http.StatusOK).has(t, tr(i18n.NL, "web.rules.dating.text"), tr(i18n.NL, "web.rules.version", "version", account.RulesVersion)).hasNot(t, noindex)
		b.get("/login").expect(t, http.StatusOK).has(t, noindex)
		b.get("/signup").expect(t, http.StatusOK).has(t, noindex)

		b.get("/nothing/here").expect(t, http.StatusNotFound).has(t, tr(i18n.NL, "web.error.not_found.title"), noindex)
		m := b.do("PUT", "/login", url.Values{}).expect(t, http.StatusMethodNotAllowed).has(t, tr(i18n.NL, "web.error.method.title"))
		if allow := m.header.Get("Allow"); !strings.Contains(allow, "GET") || !strings.Contains(allow, "POST") {
			t.Fatalf("Allow %q", allow)
		}
		b.header.Set("Accept-Language", "en")
		b.get("/nothing/here").expect(t, http.StatusNotFound).has(t, `<html lang="en">`, tr(i18n.EN, "web.error.not_found.title"))

		// Signed in, the home buttons lead to asking and to helping.
		e.member(t, account.SeedUser{Email: "els@example.org"})
		b.login("els@example.org")
		b.get("/").expect(t, http.StatusOK).has(t, `id="ask-help" href="/ask"`, `id="offer-help" href="/me/helper"`)

		r := b.get("/robots.txt").expect(t, http.StatusOK).has(t, "Disallow: /people/")
		if !strings.HasPrefix(r.header.Get("Content-Type"), "text/plain") {
			t.Fatalf("robots.txt is %s", r.header.Get("Content-Type"))
		}
	})
}

func TestLanguageSwitchIsAPostWithASafeReturn(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		b := e.browser(t)
		b.get("/").has(t, `action="/language"`, `value="en"`, `lang="en"`, "English")
		b.post("/language", url.Values{"lang": {"en"}, "return": {"//evil.example"}}).expect(t, http.StatusSeeOther, "/")
		b.get("/login").expect(t, http.StatusOK).has(t, `<html lang="en">`, tr(i18n.EN, "web.login.title"), "Nederlands")
		// Unknown languages change nothing.
		b.post("/language", url.Values{"lang": {"xx"}, "return": {"/login"}}).expect(t, http.StatusSeeOther, "/login")
		b.get("/login").has(t, `<html lang="en">`)
		b.post("/language", url.Values{"lang": {"nl"}, "return": {"/login?next=%2Fme%2Fprofile"}}).expect(t, http.StatusSeeOther, "/login?next=%2Fme%2Fprofile")
		b.get("/login").has(t, `<html lang="nl">`)
	})
}

func TestStaticFilesAreCachedAndPagesUseNoInlineCode(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		b := e.browser(t)
		home := b.get("/")
		css := regexp.MustCompile(`href="(/static/noaber\.css\?v=[0-9a-f]+)"`).FindStringSubmatch(home.body)
		if css == nil {
			t.Fatalf("no stylesheet link:\n%s", home.body)
		}
		p := b.get(css[1]).expect(t, http.StatusOK)
		if cc := p.header.Get("Cache-Control"); !strings.Contains(cc, "immutable") {
			t.Fatalf("Cache-Control %q", cc)
		}
		if !strings.HasPrefix(p.header.Get("Content-Type"), "text/css") {
			t.Fatalf("Content-Type %q", p.header.Get("Content-Type"))
		}
		b.get("/static/noaber.js").expect(t, http.StatusOK)
		b.get("/static/icons/basket.svg").expect(t, http.StatusOK)
		b.get("/static/nope.css").expect(t, http.StatusNotFound)

		// A strict Content-Security-Policy allows no inline script or style.
		e.member(t, account.SeedUser{Email: "els@example.org", Offers: []string{"groceries"}})
		b.login("els@example.org")
		inline := regexp.MustCompile(`(?i)<script>|<script [^>]*>[^<]|<style|\sstyle="|\son[a-z]+="`)
		for _, path := range []string{"/", "/house-rules", "/me/profile", "/me/settings", "/nothing"} {
			if m := inline.FindString(b.get(path).body); m != "" {
				t.Fatalf("%s has inline code %q", path, m)
			}
		}
	})
}

func TestLanguageSwitchAfterAFormReturnsToAPageThatExists(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		e.member(t, account.SeedUser{Email: "els@example.org"})
		b := e.browser(t)
		b.login("els@example.org")
		b.post("/me/settings/password", url.Values{}).expect(t, http.StatusUnprocessableEntity).has(t, `name="return" value="/me/settings"`)
		b.post("/reset", url.Values{"token": {"abc"}, "password": {"x"}}).has(t, `name="return" value="/reset?token=abc"`)
		b.post("/signup", url.Values{}).has(t, `name="return" value="/signup"`)
	})
}

func TestLoginRenewsTheSessionID(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		e.member(t, account.SeedUser{Email: "els@example.org"})
		b := e.browser(t)
		b.login("els@example.org")
		u, _ := url.Parse(e.srv.URL)
		session := func() string {
			for _, c := range b.c.Jar.Cookies(u) {
				if c.Name == "noaber_session" {
					return c.Value
				}
			}
			return ""
		}
		old := session()
		// Logging in again from a signed-in browser gives a new session id
		// and ends the old one.
		b.login("els@example.org")
		if fresh := session(); old == "" || fresh == "" || fresh == old {
			t.Fatalf("session id not renewed: %q -> %q", old, fresh)
		}
		if _, err := e.acc.Authenticate(context.Background(), old, account.WebSession); err == nil {
			t.Fatal("the session from before the login still works")
		}
		b.get("/me/profile").expect(t, http.StatusOK)
	})
}
