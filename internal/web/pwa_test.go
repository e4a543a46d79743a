package web_test

import (
	"bytes"
	"encoding/json"
	"image/png"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/noaber/noaber/internal/account"
	"github.com/noaber/noaber/internal/i18n"
	"github.com/noaber/noaber/internal/store"
	"github.com/noaber/noaber/internal/testkit"
)

func TestManifestAndIcons(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		b := e.browser(t)
		p := b.get("/manifest.webmanifest").expect(t, http.StatusOK)
		if ct := p.header.Get("Content-Type"); ct != "application/manifest+json" {
			t.Fatalf("Content-Type %q", ct)
		}
		var m struct {
			Name, Scope, Display, Lang string
			ShortName                  string `json:"short_name"`
			StartURL                   string `json:"start_url"`
			BackgroundColor            string `json:"background_color"`
			ThemeColor                 string `json:"theme_color"`
			Icons                      []struct{ Src, Sizes, Type, Purpose string }
		}
		if err := json.Unmarshal([]byte(p.body), &m); err != nil {
			t.Fatalf("manifest is not JSON: %v\n%s", err, p.body)
		}
		if m.Name != "Noaber" || m.ShortName == "" || m.StartURL != "/" || m.Scope != "/" || m.Display != "standalone" || m.Lang != "nl" {
			t.Fatalf("manifest %+v", m)
		}
		if m.ThemeColor != "#00626b" || m.BackgroundColor != "#ffffff" {
			t.Fatalf("colours %s on %s", m.ThemeColor, m.BackgroundColor)
		}
		sizes := map[string]bool{}
		for _, ic := range m.Icons {
			img := b.get(ic.Src).expect(t, http.StatusOK)
			if ct := img.header.Get("Content-Type"); ct != "image/png" || ic.Type != "image/png" {
				t.Fatalf("%s: Content-Type %q, manifest says %q", ic.Src, ct, ic.Type)
			}
			cfg, err := png.DecodeConfig(bytes.NewReader([]byte(img.body)))
			if err != nil {
				t.Fatalf("%s: %v", ic.Src, err)
			}
			if got := strconv.Itoa(cfg.Width) + "x" + strconv.Itoa(cfg.Height); got != ic.Sizes {
				t.Fatalf("%s is %s, manifest says %s", ic.Src, got, ic.Sizes)
			}
			sizes[ic.Sizes+" "+ic.Purpose] = true
		}
		for _, want := range []string{"192x192 any", "512x512 any", "512x512 maskable"} {
			if !sizes[want] {
				t.Fatalf("no %s icon in %+v", want, m.Icons)
			}
		}

		// The visitor's language.
		b.header.Set("Accept-Language", "en-GB,en;q=0.9")
		en := b.get("/manifest.webmanifest").expect(t, http.StatusOK)
		if !strings.Contains(en.body, `"lang": "en"`) || !strings.Contains(en.body, tr(i18n.EN, "web.app.description")) {
			t.Fatalf("English manifest:\n%s", en.body)
		}

		// Every page links the manifest, the theme colour and a home
		// screen icon for iPhones.
		home := b.get("/").expect(t, http.StatusOK).has(t, `<link rel="manifest" href="/manifest.webmanifest">`, `<meta name="theme-color" content="#00626b">`)
		touch := regexp.MustCompile(`<link rel="apple-touch-icon" href="([^"]+)">`).FindStringSubmatch(home.body)
		if touch == nil {
			t.Fatalf("no apple-touch-icon:\n%s", home.body)
		}
		if ct := b.get(touch[1]).expect(t, http.StatusOK).header.Get("Content-Type"); ct != "image/png" {
			t.Fatalf("apple-touch-icon is %q", ct)
		}
	})
}

func TestServiceWorker(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		b := e.browser(t)
		p := b.get("/sw.js").expect(t, http.StatusOK)
		for k, want := range map[string]string{
			"Content-Type":           "text/javascript; charset=utf-8",
			"Cache-Control":          "no-cache",
			"Service-Worker-Allowed": "/",
		} {
			if got := p.header.Get(k); got != want {
				t.Fatalf("%s = %q, want %q", k, got, want)
			}
		}
		for _, s := range []string{`addEventListener("push"`, `addEventListener("notificationclick"`, `addEventListener("fetch"`,
			"showNotification(", "openWindow(", `"/offline"`} {
			if !strings.Contains(p.body, s) {
				t.Fatalf("sw.js lacks %s:\n%s", s, p.body)
			}
		}
		// It keeps the very files the pages link, so offline the page
		// finds its style.
		home := b.get("/").body
		for _, re := range []string{`href="(/static/noaber\.css\?v=[0-9a-f]+)"`, `src="(/static/noaber\.js\?v=[0-9a-f]+)"`} {
			m := regexp.MustCompile(re).FindStringSubmatch(home)
			if m == nil || !strings.Contains(p.body, `"`+m[1]+`"`) {
				t.Fatalf("sw.js does not precache %v", m)
			}
		}
		// noaber.js registers it for the whole site.
		if js := b.get("/static/noaber.js").body; !strings.Contains(js, `register("/sw.js", { scope: "/" })`) {
			t.Fatal("noaber.js does not register the service worker")
		}
	})
}

func TestOfflinePage(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		b := e.browser(t)
		b.get("/offline").expect(t, http.StatusOK).has(t, tr(i18n.NL, "web.offline.title"), tr(i18n.NL, "web.offline.text"), `id="offline-retry"`)

		// Signed in it is the same page for everybody: the service worker
		// may keep it.
		id := e.member(t, account.SeedUser{Email: "els@example.org"})
		b.login("els@example.org")
		b.get("/").has(t, `id="nav-profile"`)
		off := b.get("/offline").expect(t, http.StatusOK).has(t, `id="nav-login"`)
		if strings.Contains(off.body, id) || strings.Contains(off.body, "nav-profile") || strings.Contains(off.body, "Els") {
			t.Fatalf("the offline page is personal:\n%s", off.body)
		}
		b.post("/language", url.Values{"lang": {"en"}, "return": {"/offline"}}).expect(t, http.StatusSeeOther, "/offline")
		b.get("/offline").has(t, tr(i18n.EN, "web.offline.title"))
	})
}
