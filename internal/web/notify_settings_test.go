package web_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/noaber/noaber/internal/account"
	"github.com/noaber/noaber/internal/apperr"
	"github.com/noaber/noaber/internal/i18n"
	"github.com/noaber/noaber/internal/jobs"
	"github.com/noaber/noaber/internal/mail"
	"github.com/noaber/noaber/internal/notify"
	"github.com/noaber/noaber/internal/push"
	"github.com/noaber/noaber/internal/server"
	"github.com/noaber/noaber/internal/store"
	"github.com/noaber/noaber/internal/testkit"
	"github.com/noaber/noaber/internal/web"
)

// notifyEnv is env with the notification service, its delivery (e-mail
// into the SMTP sink, push when asked for) and the pages behind the real
// server middleware, so the cross-origin check is part of the test.
type notifyEnv struct {
	*env
	notify *notify.Service
	vapid  string // "" when push is off
}

func newNotifyEnv(t *testing.T, db *store.DB, pushOn bool) *notifyEnv {
	t.Helper()
	e := &env{db: db, sink: testkit.NewSMTPSink(t)}
	e.q = jobs.New(db, jobs.Options{})
	mail.RegisterSender(e.q, mail.NewSender(mail.SMTPConfig{Host: e.sink.Host(), Port: e.sink.Port(), From: "Noaber <noreply@noaber.test>", TLS: "none"}))
	e.acc = account.New(db, e.q, account.Options{BaseURL: baseURL, SecretKey: []byte("test"), PasswordMemoryKiB: 1024})
	ns := notify.New(db, nil)
	opt := notify.DeliveryOptions{Queue: e.q, BaseURL: baseURL, SecretKey: []byte("test")}
	ne := &notifyEnv{env: e, notify: ns}
	if pushOn {
		keys, err := push.GenerateKeys()
		if err != nil {
			t.Fatal(err)
		}
		opt.Push, opt.VAPIDPublicKey, ne.vapid = push.NewSender(keys, "mailto:test@noaber.test"), keys.Public, keys.Public
	}
	ns.Deliver(opt)
	h, err := web.New(web.Deps{Accounts: e.acc, Notify: ns, BaseURL: baseURL})
	if err != nil {
		t.Fatal(err)
	}
	e.srv = httptest.NewServer(server.New(server.Options{BaseURL: baseURL, Logger: slog.New(slog.DiscardHandler)}, h.Register))
	t.Cleanup(e.srv.Close)
	return ne
}

func (e *notifyEnv) settings(t *testing.T, email string) *notify.Settings {
	t.Helper()
	s, err := e.notify.Settings(context.Background(), e.userByEmail(t, email))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func (e *notifyEnv) userByEmail(t *testing.T, email string) *account.User {
	t.Helper()
	var id string
	if err := e.db.QueryRow(context.Background(), "SELECT id FROM users WHERE email = ?", email).Scan(&id); err != nil {
		t.Fatal(err)
	}
	u, err := e.acc.User(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func prefOf(t *testing.T, s *notify.Settings, kind string) notify.Pref {
	t.Helper()
	for _, p := range s.Prefs {
		if p.Kind == kind {
			return p
		}
	}
	t.Fatalf("no pref for %s in %+v", kind, s.Prefs)
	return notify.Pref{}
}

func TestNotifySettingsShowAndSave(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newNotifyEnv(t, db, true)
		e.member(t, account.SeedUser{Email: "els@example.org"})
		b := e.browser(t)
		b.login("els@example.org")

		b.get("/me/settings").expect(t, http.StatusOK).has(t, `href="/me/notifications"`)
		p := b.get("/me/notifications").expect(t, http.StatusOK)
		p.has(t, `<form method="post" action="/me/notifications" novalidate class="form" id="notify-settings">`,
			`name="email_invitation"`, `name="push_invitation"`, `name="email_message"`, `name="push_expiring"`,
			`name="quiet_start"`, `name="quiet_end"`, `id="push-enable"`, `data-vapid-key="`+e.vapid+`"`,
			tr(i18n.NL, "web.notifyset.in_app"), tr(i18n.NL, "web.notifyset.kind.invitation"),
			tr(i18n.NL, "web.notifyset.kind.message.hint"), tr(i18n.NL, "web.notifyset.quiet_start"),
			tr(i18n.NL, "web.notifyset.push.unsupported"), tr(i18n.NL, "web.notifyset.devices_none"))
		// Escalations are for coordinators only.
		p.hasNot(t, `name="email_escalation"`)
		for _, k := range e.settings(t, "els@example.org").Prefs {
			if k.Email && !strings.Contains(p.body, `id="email_`+k.Kind+`" name="email_`+k.Kind+`" value="1" checked`) {
				t.Fatalf("e-mail for %s is on but not ticked", k.Kind)
			}
		}

		b.post("/me/notifications", url.Values{
			"email_invitation": {"1"}, "push_matched": {"1"}, "push_message": {"1"},
			"quiet_start": {"22:30"}, "quiet_end": {"07:15"},
		}).expect(t, http.StatusSeeOther, "/me/notifications?saved=1")
		s := e.settings(t, "els@example.org")
		if got := prefOf(t, s, notify.Invitation); !got.Email || got.Push {
			t.Fatalf("invitation %+v, want e-mail only", got)
		}
		if got := prefOf(t, s, notify.Matched); got.Email || !got.Push {
			t.Fatalf("matched %+v, want push only", got)
		}
		if got := prefOf(t, s, notify.Expiring); got.Email || got.Push {
			t.Fatalf("expiring %+v, want neither", got)
		}
		if s.QuietStart != "22:30" || s.QuietEnd != "07:15" {
			t.Fatalf("quiet hours %s-%s", s.QuietStart, s.QuietEnd)
		}
		b.get("/me/notifications?saved=1").expect(t, http.StatusOK).has(t, tr(i18n.NL, "web.notifyset.saved"),
			`id="email_invitation" name="email_invitation" value="1" checked`, `id="push_matched" name="push_matched" value="1" checked`,
			`value="22:30"`, `value="07:15"`).hasNot(t, `id="push_invitation" name="push_invitation" value="1" checked`)

		// A time that is not one: 422, in Dutch, with the ticks kept and
		// nothing saved.
		want, ok := apperr.As(e.notify.SaveSettings(context.Background(), e.userByEmail(t, "els@example.org"), notify.SettingsInput{QuietStart: "25:99", QuietEnd: "07:00"}))
		if !ok || want.Field("quiet_start") == "" {
			t.Fatalf("the service takes 25:99: %v", want)
		}
		b.post("/me/notifications", url.Values{"email_expiring": {"1"}, "quiet_start": {"25:99"}, "quiet_end": {"07:00"}}).
			expect(t, http.StatusUnprocessableEntity).
			has(t, `id="error-summary"`, `href="#quiet_start"`, tr(i18n.NL, want.Field("quiet_start")), `value="25:99"`,
				`id="email_expiring" name="email_expiring" value="1" checked`)
		if s := e.settings(t, "els@example.org"); s.QuietStart != "22:30" || prefOf(t, s, notify.Expiring).Email {
			t.Fatalf("a refused form changed the settings: %+v", s)
		}

		// In English, too.
		b.post("/language", url.Values{"lang": {"en"}, "return": {"/me/notifications"}}).expect(t, http.StatusSeeOther)
		b.get("/me/notifications").expect(t, http.StatusOK).has(t, `<html lang="en">`, tr(i18n.EN, "web.notifyset.title"),
			tr(i18n.EN, "web.notifyset.kind.invitation"), tr(i18n.EN, "web.notifyset.quiet_hint"))
		b.post("/me/notifications", url.Values{"quiet_start": {"later"}, "quiet_end": {"07:00"}}).
			expect(t, http.StatusUnprocessableEntity).has(t, tr(i18n.EN, want.Field("quiet_start")))

		// Not signed in: the login page.
		e.browser(t).get("/me/notifications").expect(t, http.StatusSeeOther, "/login?next=%2Fme%2Fnotifications")
	})
}

func TestNotifySettingsWithoutPush(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newNotifyEnv(t, db, false)
		e.member(t, account.SeedUser{Email: "els@example.org"})
		b := e.browser(t)
		b.login("els@example.org")
		before := prefOf(t, e.settings(t, "els@example.org"), notify.Matched)
		b.get("/me/notifications").expect(t, http.StatusOK).has(t, `id="push-off"`, `name="email_matched"`).
			hasNot(t, `name="push_matched"`, `id="push-enable"`, "push.js")
		b.post("/me/notifications", url.Values{"quiet_start": {"21:00"}, "quiet_end": {"08:00"}}).expect(t, http.StatusSeeOther)
		after := prefOf(t, e.settings(t, "els@example.org"), notify.Matched)
		if after.Email || after.Push != before.Push {
			t.Fatalf("matched %+v after saving without push (was %+v): e-mail off, push kept", after, before)
		}
	})
}

func TestNotifyEmailStatusAndRetry(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newNotifyEnv(t, db, true)
		id := e.member(t, account.SeedUser{Email: "els@example.org"})
		b := e.browser(t)
		b.login("els@example.org")
		b.get("/me/notifications").expect(t, http.StatusOK).hasNot(t, `id="email-disabled"`, `id="email-unverified"`)

		failed := time.Date(2026, 3, 4, 12, 0, 0, 0, time.UTC)
		if _, err := db.Exec(context.Background(), "UPDATE users SET email_failures = 5, email_disabled_at = ? WHERE id = ?", failed, id); err != nil {
			t.Fatal(err)
		}
		b.get("/me/notifications").expect(t, http.StatusOK).
			has(t, `id="email-disabled"`, `id="email-retry"`, `action="/me/notifications/email-retry"`, "4 maart 2026", "els@example.org")
		b.post("/me/notifications/email-retry", url.Values{}).expect(t, http.StatusSeeOther, "/me/notifications?retried=1")
		if e.settings(t, "els@example.org").EmailDisabled {
			t.Fatal("e-mail still disabled after a retry")
		}
		b.get("/me/notifications?retried=1").has(t, tr(i18n.NL, "web.notifyset.email.retried")).hasNot(t, `id="email-disabled"`)

		if _, err := db.Exec(context.Background(), "UPDATE users SET email_verified_at = NULL WHERE id = ?", id); err != nil {
			t.Fatal(err)
		}
		b.get("/me/notifications").expect(t, http.StatusOK).has(t, `id="email-unverified"`, tr(i18n.NL, "web.notifyset.email.unverified"))
	})
}

// postJSON sends body as JSON with b's cookies, as push.js does.
func (b *browser) postJSON(path, body string) page {
	b.t.Helper()
	req, err := http.NewRequest("POST", b.e.srv.URL+path, strings.NewReader(body))
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.Header.Set("User-Agent", "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36")
	for k, v := range b.header {
		req.Header[k] = v
	}
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		b.t.Fatal(err)
	}
	return page{status: resp.StatusCode, header: resp.Header, body: string(raw)}
}

func subscriptionJSON(sub push.Subscription) string {
	b, _ := json.Marshal(map[string]any{"endpoint": sub.Endpoint, "expirationTime": nil, "keys": map[string]string{"p256dh": sub.P256dh, "auth": sub.Auth}})
	return string(b)
}

func TestPushSubscribeAndRemove(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newNotifyEnv(t, db, true)
		e.member(t, account.SeedUser{Email: "els@example.org"})
		e.member(t, account.SeedUser{Email: "jan@example.org"})
		b := e.browser(t)
		b.login("els@example.org")

		sub := testkit.NewPushEndpoint(t).Subscription()
		p := b.postJSON("/me/push", subscriptionJSON(sub)).expect(t, http.StatusNoContent)
		if p.body != "" {
			t.Fatalf("204 with a body %q", p.body)
		}
		devs := e.settings(t, "els@example.org").Devices
		if len(devs) != 1 || !strings.Contains(devs[0].UserAgent, "Android") {
			t.Fatalf("devices %+v, want the one with this browser's user agent", devs)
		}
		dev := devs[0].ID
		b.get("/me/notifications").expect(t, http.StatusOK).has(t, `<ul class="links devices" id="devices">`,
			tr(i18n.NL, "web.notifyset.device.on", "browser", "Chrome", "os", "Android"), `action="/me/push/`+dev+`/delete"`).
			hasNot(t, `id="devices-none"`, "Mozilla/5.0")

		// Bad keys and bad JSON: a problem document in the user's language.
		bad := sub
		bad.P256dh = "bm90LWEta2V5"
		p = b.postJSON("/me/push", subscriptionJSON(bad)).expect(t, http.StatusUnprocessableEntity)
		if ct := p.header.Get("Content-Type"); ct != "application/problem+json" {
			t.Fatalf("Content-Type %q", ct)
		}
		var prob struct {
			Status int    `json:"status"`
			Code   string `json:"code"`
			Detail string `json:"detail"`
			Errors []struct{ Field, Detail string }
		}
		if err := json.Unmarshal([]byte(p.body), &prob); err != nil {
			t.Fatalf("problem %q: %v", p.body, err)
		}
		if prob.Status != 422 || len(prob.Errors) != 1 || prob.Errors[0].Field != "p256dh" || prob.Errors[0].Detail == "" || strings.HasPrefix(prob.Errors[0].Detail, "notify.") {
			t.Fatalf("problem %+v, want one translated error on p256dh", prob)
		}
		b.postJSON("/me/push", `{"endpoint": 12`).expect(t, http.StatusUnprocessableEntity).has(t, tr(i18n.NL, "web.notifyset.push.bad_json"))
		if n := len(e.settings(t, "els@example.org").Devices); n != 1 {
			t.Fatalf("%d devices after bad subscriptions, want 1", n)
		}

		// The same as a plain form.
		sub2 := testkit.NewPushEndpoint(t).Subscription()
		b.post("/me/push", url.Values{"endpoint": {sub2.Endpoint}, "p256dh": {sub2.P256dh}, "auth": {sub2.Auth}}).
			expect(t, http.StatusSeeOther, "/me/notifications?subscribed=1")
		b.post("/me/push", url.Values{"endpoint": {"ftp://x"}, "p256dh": {sub2.P256dh}, "auth": {sub2.Auth}}).
			expect(t, http.StatusUnprocessableEntity).has(t, `id="error-summary"`, `id="notify-settings"`)
		if n := len(e.settings(t, "els@example.org").Devices); n != 2 {
			t.Fatalf("%d devices, want 2", n)
		}

		// Someone else's device is not found, and stays.
		other := e.browser(t)
		other.login("jan@example.org")
		other.post("/me/push/"+dev+"/delete", url.Values{}).expect(t, http.StatusNotFound)
		if n := len(e.settings(t, "els@example.org").Devices); n != 2 {
			t.Fatalf("%d devices after someone else's delete, want 2", n)
		}
		b.post("/me/push/"+dev+"/delete", url.Values{}).expect(t, http.StatusSeeOther, "/me/notifications?removed=1")
		for _, d := range e.settings(t, "els@example.org").Devices {
			if d.ID == dev {
				t.Fatal("the removed device is still there")
			}
		}
		if p := b.get("/me/notifications?removed=1").has(t, tr(i18n.NL, "web.notifyset.push.removed")); strings.Contains(p.body, dev) {
			t.Fatal("the removed device is still listed")
		}

		// A cross-site page cannot subscribe someone's browser.
		req, _ := http.NewRequest("POST", e.srv.URL+"/me/push", strings.NewReader(subscriptionJSON(sub)))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		res, err := b.c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusForbidden {
			t.Fatalf("cross-site subscribe: status %d, want 403", res.StatusCode)
		}
	})
}

func TestUnsubscribeOneClick(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newNotifyEnv(t, db, false)
		id := e.member(t, account.SeedUser{Email: "els@example.org"})
		if !prefOf(t, e.settings(t, "els@example.org"), notify.Invitation).Email {
			t.Fatal("e-mail about invitations is off before the test")
		}
		tok := e.notify.UnsubscribeToken(id, notify.Invitation)
		about := tr(i18n.NL, "web.notifyset.kind.invitation.about")

		// The link in the e-mail only asks; opening it changes nothing
		// (mail scanners open links).
		anon := e.browser(t)
		anon.get("/u/"+tok).expect(t, http.StatusOK).
			has(t, tr(i18n.NL, "web.unsubscribe.ask", "about", about), `action="/u/`+tok+`"`, `id="unsubscribe-submit"`, `<meta name="robots" content="noindex">`)
		if !prefOf(t, e.settings(t, "els@example.org"), notify.Invitation).Email {
			t.Fatal("GET /u/{token} turned e-mail off")
		}

		// RFC 8058: the mail provider POSTs from its servers, without
		// cookies, Origin or Sec-Fetch-Site.
		for range 2 { // twice is fine
			req, _ := http.NewRequest("POST", e.srv.URL+"/u/"+tok, strings.NewReader("List-Unsubscribe=One-Click"))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			p := page{status: res.StatusCode, header: res.Header, body: string(body)}
			p.expect(t, http.StatusOK).has(t, tr(i18n.NL, "web.unsubscribe.done", "about", about), `href="/me/notifications"`)
		}
		s := e.settings(t, "els@example.org")
		if p := prefOf(t, s, notify.Invitation); p.Email {
			t.Fatalf("invitation %+v after unsubscribing, want e-mail off", p)
		}
		if !prefOf(t, s, notify.Matched).Email {
			t.Fatal("unsubscribing from invitations turned off another kind")
		}

		// In English for an English visitor.
		anon.header.Set("Accept-Language", "en")
		anon.get("/u/"+e.notify.UnsubscribeToken(id, notify.Message)).expect(t, http.StatusOK).
			has(t, tr(i18n.EN, "web.unsubscribe.ask", "about", tr(i18n.EN, "web.notifyset.kind.message.about")))

		// A token that is not one (or was changed) is not found.
		anon.get("/u/nonsense").expect(t, http.StatusNotFound)
		forged := e.notify.UnsubscribeToken(id, notify.Matched)
		forged = forged[:len(forged)-2] + "AA"
		anon.post("/u/"+forged, url.Values{"List-Unsubscribe": {"One-Click"}}).expect(t, http.StatusNotFound)
		if !prefOf(t, e.settings(t, "els@example.org"), notify.Matched).Email {
			t.Fatal("a forged token turned e-mail off")
		}
	})
}
