// Package e2e drives the whole of Noaber, started in-process on a real
// database with a real SMTP server, through headless Chromium, as a
// neighbour would use it.
package e2e

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/noaber/noaber/internal/i18n"
	"github.com/noaber/noaber/internal/mail"
	"github.com/noaber/noaber/internal/testkit"
)

// person is who signs up in one run.
type person struct {
	email, password    string
	firstName, surname string
	postcode, house    string
	town, bio          string
	displayName        string // what others see: first name and the initial of the surname
	offer, ask, speaks string // a category offered, one asked for, a language spoken
	offerName, askName string // the categories' names in the run's language
	speaksName         string // the language's name in the run's language
	switchOnHome       bool   // switch the interface language with the visible switch on the home page
	lang               i18n.Lang
	otherLang          i18n.Lang
	browserLang        i18n.Lang // the language the browser asks for (Accept-Language)
}

// TestFoundation is issue "Foundation" end to end: sign up, confirm the
// e-mail address from the mail, log in, fill in the profile, see it, log
// out, once in Dutch and once in English, on every database engine.
// Every page is checked with axe and for console errors (which is where
// the browser reports what the Content-Security-Policy blocked).
func TestFoundation(t *testing.T) {
	b := testkit.NewBrowser(t)
	for _, engine := range testkit.Engines(t) {
		t.Run(string(engine), func(t *testing.T) {
			base, sink, logs := startNoaber(t, testkit.NewDatabaseURL(t, engine))

			t.Run("nl", func(t *testing.T) {
				journey(t, b, base, sink, person{
					email: "fenna@example.org", password: "zomer aan de dinkel",
					firstName: "Fenna", surname: "de Vries", postcode: "7511 AB", house: "12a", town: "Enschede",
					bio:         "Ik woon hier al twintig jaar en fiets graag.",
					displayName: "Fenna V.",
					offer:       "garden", offerName: "Tuin", ask: "transport", askName: "Vervoer",
					speaks: "uk", speaksName: "Oekraïens",
					lang: i18n.NL, otherLang: i18n.EN, browserLang: i18n.NL,
				})
			})
			t.Run("en", func(t *testing.T) {
				// The browser asks for Dutch; the visitor picks English
				// with the switch, and everything after follows that
				// choice, the e-mail too.
				journey(t, b, base, sink, person{
					email: "sam@example.org", password: "a quiet walk by the river",
					firstName: "Sam", surname: "Smith", postcode: "1012AB", house: "3", town: "Amsterdam",
					bio:         "New in town, happy to walk dogs.",
					displayName: "Sam S.",
					offer:       "groceries", offerName: "Groceries", ask: "garden", askName: "Garden",
					speaks: "de", speaksName: "German",
					switchOnHome: true,
					lang:         i18n.EN, otherLang: i18n.NL, browserLang: i18n.NL,
				})
			})
			for _, l := range []struct {
				lang   i18n.Lang
				accept string
			}{{i18n.NL, "nl-NL,nl"}, {i18n.EN, "en-GB,en"}} {
				t.Run("bad-postcode-"+string(l.lang), func(t *testing.T) {
					badPostcode(t, b, base, l.lang, l.accept)
				})
			}
			t.Run("job-log", func(t *testing.T) {
				// The mails above were sent by the job workers; what they
				// log must reach the logger the operator configured (level,
				// text or JSON), like everything else Noaber logs.
				deadline := time.Now().Add(5 * time.Second)
				for !strings.Contains(logs.String(), "kind="+mail.SendKind) {
					if time.Now().After(deadline) {
						t.Fatalf("Noaber's log at level debug has no line about the %s jobs that ran; the job workers log elsewhere", mail.SendKind)
					}
					time.Sleep(50 * time.Millisecond)
				}
			})
		})
	}
}

func journey(t *testing.T, b *testkit.Browser, base string, sink *testkit.SMTPSink, p person) {
	ctx := b.NewContext(t, testkit.WithLanguage(string(p.browserLang)))
	pg := &pages{t: t, ctx: ctx}
	tr := func(key string, args ...any) string { return i18n.T(p.lang, key, args...) }

	// Home page.
	testkit.Visit(ctx, base+"/")
	if p.switchOnHome {
		pg.check("home ("+string(p.browserLang)+")", p.browserLang)
		pg.hasText("#page-title", i18n.T(p.browserLang, "web.home.heading"))
		// The switch names the language it switches to, in that language.
		pg.hasText("#language-button", i18n.T(p.lang, "web.language."+string(p.lang)))
		testkit.Submit(ctx, "#language-button")
		if loc := testkit.Location(ctx); loc != base+"/" {
			t.Fatalf("the language switch on the home page went to %s, want the home page again", loc)
		}
	}
	pg.check("home", p.lang)
	pg.hasText("#page-title", tr("web.home.heading"))
	pg.hasText("#language-button", i18n.T(p.otherLang, "web.language."+string(p.otherLang)))

	// Sign up, every field.
	testkit.Submit(ctx, "#nav-signup")
	pg.check("sign-up", p.lang)
	pg.hasText("#page-title", tr("web.signup.title"))
	if got := pg.title(); got != tr("web.signup.title")+" – Noaber" {
		t.Errorf("sign-up page: <title> %q, want %q", got, tr("web.signup.title")+" – Noaber")
	}
	testkit.Fill(ctx, "#email", p.email)
	testkit.Fill(ctx, "#password", p.password)
	testkit.Fill(ctx, "#first_name", p.firstName)
	testkit.Fill(ctx, "#surname", p.surname)
	testkit.Fill(ctx, "#postcode", p.postcode)
	testkit.Fill(ctx, "#house_number", p.house)
	testkit.Fill(ctx, "#town", p.town)
	testkit.Click(ctx, "#accept_rules")
	if s := testkit.Submit(ctx, "#signup-submit"); s != 200 {
		t.Fatalf("sign-up: status %d after sending the form", s)
	}

	// "Check your e-mail".
	if loc := testkit.Location(ctx); loc != base+"/signup/sent" {
		t.Fatalf("after sign-up the browser is on %s, want %s/signup/sent", loc, base)
	}
	pg.check("check your e-mail", p.lang)
	pg.hasText("#page-title", tr("web.signup_sent.title"))

	// The mail, in the visitor's language, with the link.
	m := sink.WaitFor(t, func(m testkit.Mail) bool {
		return len(m.To) == 1 && strings.EqualFold(m.To[0], p.email)
	}, 30*time.Second)
	if want := tr("mail.verify.subject", "site", mail.SiteName); m.Subject != want {
		t.Errorf("verification mail: subject %q, want %q", m.Subject, want)
	}
	if got := m.Header.Get("Content-Language"); got != string(p.lang) {
		t.Errorf("verification mail: Content-Language %q, want %q", got, p.lang)
	}
	if want := tr("mail.greeting", "name", p.firstName); !strings.Contains(m.Text, want) {
		t.Errorf("verification mail: text has no %q:\n%s", want, m.Text)
	}
	if want := tr("mail.verify.action"); !strings.Contains(m.Text, want) || !strings.Contains(m.HTML, want) {
		t.Errorf("verification mail: text or HTML part lacks %q", want)
	}
	link := m.Link(base + "/verify?token=")
	if link == "" {
		t.Fatalf("verification mail has no link to %s/verify:\n%s", base, m.Text)
	}

	// Open the link and confirm.
	if s := testkit.Visit(ctx, link); s != 200 {
		t.Fatalf("verification link: status %d", s)
	}
	pg.check("confirm e-mail", p.lang)
	pg.hasText("#page-title", tr("web.verify.title"))
	testkit.Submit(ctx, "#verify-submit")
	pg.check("e-mail confirmed", p.lang)
	pg.hasText("#page-title", tr("web.verified.title"))

	// Log in.
	testkit.Submit(ctx, "#verified-next")
	if loc := testkit.Location(ctx); !strings.HasPrefix(loc, base+"/login") {
		t.Fatalf("the button on the confirmed page went to %s, want the login page", loc)
	}
	pg.check("log in", p.lang)
	pg.hasText("#page-title", tr("web.login.title"))
	testkit.Fill(ctx, "#email", p.email)
	testkit.Fill(ctx, "#password", p.password)
	testkit.Submit(ctx, "#login-submit")
	profileURL := testkit.Location(ctx)
	if !strings.HasPrefix(profileURL, base+"/people/") {
		t.Fatalf("after logging in the browser is on %s, want the own profile", profileURL)
	}
	pg.check("own profile, empty", p.lang)
	pg.hasText("#profile-name", p.displayName)
	testkit.WaitVisible(ctx, "#nav-logout")

	// Edit the profile.
	testkit.Submit(ctx, "#profile-edit")
	pg.check("edit profile", p.lang)
	pg.hasText("#page-title", tr("web.profile_edit.title"))
	if got := testkit.Value(ctx, "#town"); got != p.town {
		t.Errorf("edit profile: town %q, want %q from sign-up", got, p.town)
	}
	testkit.Fill(ctx, "#bio", p.bio)
	testkit.Click(ctx, "#offers-"+p.offer)
	testkit.Click(ctx, "#asks-"+p.ask)
	testkit.Click(ctx, "#languages-"+p.speaks)
	testkit.Submit(ctx, "#profile-submit")

	// The saved profile.
	if loc := testkit.Location(ctx); !strings.HasPrefix(loc, strings.SplitN(profileURL, "?", 2)[0]) {
		t.Fatalf("after saving the profile the browser is on %s, want %s", loc, profileURL)
	}
	pg.check("saved profile", p.lang)
	pg.hasText("#notice", tr("web.profile.saved"))
	pg.hasText("#profile-name", p.displayName)
	pg.hasText("#profile-town", p.town)
	pg.hasText("#profile-bio", p.bio)
	pg.hasText("#profile-offers", p.offerName)
	pg.hasText("#profile-asks", p.askName)
	pg.hasText("#profile-languages", p.speaksName)
	pg.hasText("#offers-title", tr("web.profile.offers"))
	if body := testkit.Text(ctx, "main"); strings.Contains(body, p.surname) || strings.Contains(body, p.email) ||
		strings.Contains(body, p.house) && strings.Contains(body, p.postcode) {
		t.Errorf("the profile page shows the full surname, e-mail address or address:\n%s", body)
	}

	// Log out, and stay out.
	testkit.Submit(ctx, "#nav-logout")
	pg.check("logged out", p.lang)
	pg.hasText("#notice", tr("web.login.notice.logout"))
	testkit.WaitVisible(ctx, "#nav-login")
	testkit.Visit(ctx, base+"/me/profile")
	if loc := testkit.Location(ctx); !strings.HasPrefix(loc, base+"/login?") {
		t.Fatalf("after logging out /me/profile is %s, want a redirect to the login page", loc)
	}
	pg.check("login after a members-only page", p.lang)
	testkit.WaitVisible(ctx, "#login-submit")
	testkit.Visit(ctx, profileURL)
	if loc := testkit.Location(ctx); !strings.HasPrefix(loc, base+"/login?") {
		t.Fatalf("after logging out the profile %s is %s, want a redirect to the login page", profileURL, loc)
	}
}

// badPostcode sends the sign-up form with a postcode that is not Dutch:
// the page comes back in the visitor's language with the error summary,
// the field's own error, and the values typed so far.
func badPostcode(t *testing.T, b *testkit.Browser, base string, lang i18n.Lang, accept string) {
	ctx := b.NewContext(t, testkit.WithLanguage(accept))
	pg := &pages{t: t, ctx: ctx}
	tr := func(key string, args ...any) string { return i18n.T(lang, key, args...) }

	testkit.Visit(ctx, base+"/signup")
	pg.check("sign-up", lang)
	pg.hasText("#page-title", tr("web.signup.title"))
	testkit.Fill(ctx, "#email", "wrong-postcode@example.org")
	testkit.Fill(ctx, "#password", "een lang genoeg wachtwoord")
	testkit.Fill(ctx, "#first_name", "Joris")
	testkit.Fill(ctx, "#surname", "Bakker")
	testkit.Fill(ctx, "#postcode", "12345")
	testkit.Fill(ctx, "#house_number", "7")
	testkit.Fill(ctx, "#town", "Hengelo")
	testkit.Click(ctx, "#accept_rules")
	pg.status = testkit.Submit(ctx, "#signup-submit")
	if pg.status != http.StatusUnprocessableEntity {
		t.Errorf("sign-up with a bad postcode: status %d, want 422", pg.status)
	}

	pg.check("sign-up with a bad postcode", lang)
	pg.hasText("#error-summary", tr("error.invalid"))
	pg.hasText("#error-summary", tr("account.postcode_invalid"))
	pg.hasText("#postcode-error", tr("account.postcode_invalid"))
	if href := pg.js(`document.querySelector("#error-summary a").getAttribute("href")`); href != "#postcode" {
		t.Errorf("the error summary links to %q, want #postcode", href)
	}
	if inv := pg.js(`document.querySelector("#postcode").getAttribute("aria-invalid") || ""`); inv != "true" {
		t.Errorf("the postcode field has aria-invalid=%q, want true", inv)
	}
	if f := pg.js(`document.activeElement ? document.activeElement.id : ""`); f != "error-summary" {
		t.Errorf("after sending the form the focus is on %q, want the error summary", f)
	}
	for sel, want := range map[string]string{
		"#email": "wrong-postcode@example.org", "#first_name": "Joris", "#surname": "Bakker",
		"#postcode": "12345", "#house_number": "7", "#town": "Hengelo",
	} {
		if got := testkit.Value(ctx, sel); got != want {
			t.Errorf("after the error %s is %q, want the typed %q kept", sel, got, want)
		}
	}
	if got := pg.js(`document.querySelector("#accept_rules").checked ? "checked" : ""`); got != "checked" {
		t.Errorf("after the error the house rules box is no longer ticked")
	}
	// A password is never sent back into the page.
	if got := testkit.Value(ctx, "#password"); got != "" {
		t.Errorf("after the error the password field holds %q", got)
	}
}

// pages checks what every page must do.
type pages struct {
	t   *testing.T
	ctx context.Context
	// seen is how many console lines earlier pages already accounted for.
	seen int
	// status is the error status the next checked page is expected to
	// have been answered with (0: none).
	status int
}

// check runs axe on the page, makes sure the browser console is clean and
// that the page says it is in lang.
func (p *pages) check(name string, lang i18n.Lang) {
	p.t.Helper()
	testkit.WaitVisible(p.ctx, "main")
	testkit.CheckA11y(p.t, p.ctx)
	all := testkit.ConsoleErrors(p.ctx)
	loc := testkit.Location(p.ctx)
	var errs []string
	for _, e := range all[p.seen:] {
		// Chromium logs every page answered with an error status, also a
		// form sent back with 422 on purpose; that is the page itself, not
		// something it loaded or ran.
		if p.status >= 400 && e == fmt.Sprintf("error: Failed to load resource: the server responded with a status of %d (%s) (%s)",
			p.status, http.StatusText(p.status), loc) {
			continue
		}
		errs = append(errs, e)
	}
	p.seen, p.status = len(all), 0
	if len(errs) > 0 {
		p.t.Errorf("%s page (%s): the browser console has:\n  %s", name, loc, strings.Join(errs, "\n  "))
	}
	if got := p.js(`document.documentElement.lang`); got != string(lang) {
		p.t.Errorf("%s page (%s): <html lang=%q>, want %q", name, testkit.Location(p.ctx), got, lang)
	}
}

// hasText fails the test when the element's visible text lacks want.
func (p *pages) hasText(selector, want string) {
	p.t.Helper()
	if got := testkit.Text(p.ctx, selector); !strings.Contains(got, want) {
		p.t.Errorf("%s on %s: text %q, want it to contain %q", selector, testkit.Location(p.ctx), got, want)
	}
}

// title is the document's <title>, which Text cannot read (not visible).
func (p *pages) title() string {
	p.t.Helper()
	return p.js(`document.title`)
}

// js evaluates a JavaScript expression with a string result on the page.
func (p *pages) js(expr string) string {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, 15*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[string](expr))
	if err != nil {
		p.t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}
