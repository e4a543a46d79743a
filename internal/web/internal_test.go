package web

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestSafeNext(t *testing.T) {
	for in, want := range map[string]string{
		"/people/1":                     "/people/1",
		"/me/profile?x=1#asks":          "/me/profile?x=1#asks",
		"":                              "",
		"people":                        "",
		"//evil.example":                "",
		"/\\evil.example":               "",
		"/a\\b":                         "",
		"https://evil.example":          "",
		"/\x00":                         "",
		"/\r\nSet-Cookie: x=1":          "",
		"/" + strings.Repeat("a", 2000): "",
	} {
		if got := safeNext(in); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestClientAddr(t *testing.T) {
	r := httptest.NewRequest("GET", "/", nil)
	r.RemoteAddr = "192.0.2.7:5555"
	r.Header.Set("X-Forwarded-For", "203.0.113.9, 198.51.100.1")
	if got := (&Handler{}).clientAddr(r); got != "192.0.2.7" {
		t.Errorf("without a trusted proxy: %q", got)
	}
	// Behind our proxy, its entry (the last) counts; the client can put
	// anything in front of it.
	if got := (&Handler{trustProxy: true}).clientAddr(r); got != "198.51.100.1" {
		t.Errorf("with a trusted proxy: %q", got)
	}
}

func TestATemplateErrorIsACleanServerError(t *testing.T) {
	h, err := New(Deps{})
	if err != nil {
		t.Fatal(err)
	}
	w := httptest.NewRecorder()
	r := httptest.NewRequest("GET", "/", nil)
	// A profile page without its data fails inside the template, after
	// the layout has begun: the visitor must get the whole 500 page only.
	h.render(w, r, http.StatusOK, "profile", &view{Data: 42})
	if w.Code != http.StatusInternalServerError {
		t.Fatalf("status %d", w.Code)
	}
	body := w.Body.String()
	if strings.Count(body, "<html") != 1 || !strings.Contains(body, `id="error-page"`) {
		t.Fatalf("not one clean error page:\n%s", body)
	}
}

func TestEveryPageParsesAndEveryIconExists(t *testing.T) {
	h, err := New(Deps{})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"basket", "car", "people", "tools", "leaf", "paw", "phone", "letter", "speech", "pan", "heart", "dots", "check", "pin", "globe", "logo"} {
		if _, ok := h.static.icons[name]; !ok {
			t.Errorf("icon %s is missing", name)
		}
	}
	for _, name := range []string{"home", "house_rules", "signup", "signup_sent", "verify", "verified", "verify_failed", "verify_resent",
		"login", "forgot", "forgot_sent", "reset", "reset_failed", "profile", "profile_edit", "settings", "error"} {
		if _, ok := h.pages.byName[name]; !ok {
			t.Errorf("page %s is missing", name)
		}
	}
}
