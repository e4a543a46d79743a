package web

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"

	"github.com/noaber/noaber/internal/i18n"
)

// The colours of the app shell: the header's brand colour (--brand in
// noaber.css) and the page's white.
const (
	themeColor      = "#00626b"
	backgroundColor = "#ffffff"
)

// appIcons are the icons a phone shows on its home screen.
var appIcons = []struct{ file, sizes, purpose string }{
	{"icons/app-192.png", "192x192", "any"},
	{"icons/app-512.png", "512x512", "any"},
	{"icons/app-maskable-512.png", "512x512", "maskable"},
}

type manifestIcon struct {
	Src     string `json:"src"`
	Sizes   string `json:"sizes"`
	Type    string `json:"type"`
	Purpose string `json:"purpose"`
}

type webManifest struct {
	ID              string         `json:"id"`
	Name            string         `json:"name"`
	ShortName       string         `json:"short_name"`
	Description     string         `json:"description"`
	Lang            string         `json:"lang"`
	Dir             string         `json:"dir"`
	StartURL        string         `json:"start_url"`
	Scope           string         `json:"scope"`
	Display         string         `json:"display"`
	BackgroundColor string         `json:"background_color"`
	ThemeColor      string         `json:"theme_color"`
	Icons           []manifestIcon `json:"icons"`
}

// manifest makes Noaber installable. Browsers fetch it without cookies,
// so the language comes from the language cookie when sent, else the
// browser's own language.
func (h *Handler) manifest(w http.ResponseWriter, r *http.Request) {
	lang := i18n.Match(r.Header.Get("Accept-Language"))
	if c, err := r.Cookie(langCookie); err == nil {
		if l, ok := i18n.Parse(c.Value); ok {
			lang = l
		}
	}
	m := webManifest{
		ID: "/", Name: "Noaber", ShortName: "Noaber", Description: i18n.T(lang, "web.app.description"),
		Lang: string(lang), Dir: "ltr", StartURL: "/", Scope: "/", Display: "standalone",
		BackgroundColor: backgroundColor, ThemeColor: themeColor,
	}
	for _, ic := range appIcons {
		m.Icons = append(m.Icons, manifestIcon{Src: h.static.url(ic.file), Sizes: ic.sizes, Type: "image/png", Purpose: ic.purpose})
	}
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		http.Error(w, "manifest", http.StatusInternalServerError)
		return
	}
	hd := w.Header()
	hd.Set("Content-Type", "application/manifest+json")
	hd.Set("Cache-Control", "public, max-age=3600")
	hd.Add("Vary", "Cookie, Accept-Language")
	hd.Set("Content-Length", strconv.Itoa(len(b)))
	w.Write(b)
}

// precached are the files the service worker keeps for offline use: the
// offline page and what it needs. Personal pages are never cached.
var precached = []string{"noaber.css", "noaber.js", "logo.svg", "icons/app-192.png", "icons/badge-96.png"}

// serviceWorkerScript is static/sw.js with a first line naming the
// current static files: a release that changes one changes the worker's
// bytes, and browsers then install the new worker, which drops the old
// cache. It is made once, when the pages are loaded.
func serviceWorkerScript(st *staticFiles) []byte {
	urls := []string{"/offline"}
	for _, f := range precached {
		urls = append(urls, st.url(f))
	}
	list, _ := json.Marshal(urls)
	sum := sha256.Sum256(list)
	var b bytes.Buffer
	fmt.Fprintf(&b, "var VERSION = %q;\nvar PRECACHE = %s;\nvar ICON = %q;\nvar BADGE = %q;\n",
		hex.EncodeToString(sum[:6]), list, st.url("icons/app-192.png"), st.url("icons/badge-96.png"))
	b.Write(st.files["sw.js"])
	return b.Bytes()
}

// serviceWorker serves the worker at the root, so it may control every
// page.
func (h *Handler) serviceWorker(w http.ResponseWriter, r *http.Request) {
	hd := w.Header()
	hd.Set("Content-Type", "text/javascript; charset=utf-8")
	// no-cache: the browser asks again each time, so an update is found.
	hd.Set("Cache-Control", "no-cache")
	hd.Set("Service-Worker-Allowed", "/")
	hd.Set("Content-Length", strconv.Itoa(len(h.sw)))
	w.Write(h.sw)
}

// offline is the page the service worker shows when the network is gone.
// It is the same for everybody (drawn as for a visitor who is not signed
// in), so caching it keeps nothing personal.
func (h *Handler) offline(w http.ResponseWriter, r *http.Request, v *visit) error {
	anon := &visit{lang: v.lang}
	r = r.WithContext(context.WithValue(r.Context(), visitKey{}, anon))
	h.render(w, r, http.StatusOK, "offline", &view{Path: "/offline"})
	return nil
}
