package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"

	"github.com/noaber/noaber/internal/account"
	"github.com/noaber/noaber/internal/apperr"
	"github.com/noaber/noaber/internal/i18n"
	"github.com/noaber/noaber/internal/server"
)

// Cookie names.
const (
	sessionCookie = "noaber_session"
	langCookie    = "noaber_lang"
)

// visit is what every page knows about the request: who is signed in and
// which language to answer in.
type visit struct {
	user  *account.User
	token string
	lang  i18n.Lang
}

type visitKey struct{}

func visitOf(r *http.Request) *visit {
	if v, ok := r.Context().Value(visitKey{}).(*visit); ok {
		return v
	}
	return &visit{lang: i18n.Default}
}

// pageFunc is a page handler; an error it returns is rendered as the 500
// page (or, for an *apperr.Error it did not handle, as its status page).
type pageFunc func(w http.ResponseWriter, r *http.Request, v *visit) error

// page looks up the session and the language, then runs fn.
func (h *Handler) page(fn pageFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v, err := h.lookup(r)
		r = r.WithContext(context.WithValue(r.Context(), visitKey{}, v))
		if err == nil {
			err = fn(w, r, v)
		}
		if err != nil {
			h.fail(w, r, err)
		}
	})
}

// member is page for signed-in users only; others go to the login page,
// which sends them back here afterwards.
func (h *Handler) member(fn pageFunc) http.Handler {
	return h.page(func(w http.ResponseWriter, r *http.Request, v *visit) error {
		if v.user == nil {
			next := r.URL.Path
			if r.Method != http.MethodGet {
				// Coming back to a form's target by GET would be a 405.
				next = "/"
				if ref := r.Referer(); ref != "" {
					if u, err := url.Parse(ref); err == nil && u.Host == r.Host {
						next = u.Path
					}
				}
			} else if r.URL.RawQuery != "" {
				next += "?" + r.URL.RawQuery
			}
			http.Redirect(w, r, "/login?next="+url.QueryEscape(safeNext(next)), http.StatusSeeOther)
			return nil
		}
		if to := interstitial(v.user, r.URL.Path); to != "" {
			http.Redirect(w, r, to, http.StatusSeeOther)
			return nil
		}
		return fn(w, r, v)
	})
}

// interstitial is the page a member must pass before any other: a
// moderator's warning to acknowledge, then new house rules to accept; ""
// when there is none or the path is that page (or one that must stay
// reachable: reading the rules, signing out).
func interstitial(u *account.User, path string) string {
	to := ""
	switch {
	case u.WarningPending:
		to = "/me/warnings"
	case u.RulesOutdated:
		to = "/me/house-rules"
	default:
		return ""
	}
	if strings.HasPrefix(path, to) || path == "/house-rules" || path == "/logout" || path == "/logout-everywhere" {
		return ""
	}
	return to
}

// lookup reads the session cookie and picks the language: a signed-in
// user's own choice wins, then the language cookie of an anonymous
// visitor, then the browser's Accept-Language.
func (h *Handler) lookup(r *http.Request) (*visit, error) {
	v := &visit{lang: i18n.Default}
	if c, err := r.Cookie(langCookie); err == nil {
		if l, ok := i18n.Parse(c.Value); ok {
			v.lang = l
		} else {
			v.lang = i18n.Match(r.Header.Get("Accept-Language"))
		}
	} else {
		v.lang = i18n.Match(r.Header.Get("Accept-Language"))
	}
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" {
		return v, nil
	}
	u, err := h.accounts.Authenticate(r.Context(), c.Value, account.WebSession)
	if err != nil {
		if _, ok := apperr.As(err); ok {
			return v, nil // an old or unknown cookie: simply not signed in
		}
		return v, err
	}
	v.user, v.token = u, c.Value
	if l, ok := i18n.Parse(string(u.Locale)); ok {
		v.lang = l
	}
	return v, nil
}

func (h *Handler) setSessionCookie(w http.ResponseWriter, token string) {
	http.SetCookie(w, &http.Cookie{
		Name: sessionCookie, Value: token, Path: "/",
		MaxAge:   int(account.SessionTTL(account.WebSession).Seconds()),
		HttpOnly: true, Secure: h.secureCookies, SameSite: http.SameSiteLaxMode,
	})
}

func (h *Handler) clearSessionCookie(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{
		Name: sessionCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: h.secureCookies, SameSite: http.SameSiteLaxMode,
	})
}

// clientAddr is the address rate limits count per (see server.ClientAddr).
func (h *Handler) clientAddr(r *http.Request) string { return server.ClientAddr(r, h.trustProxy) }

// safeNext returns p when it is a path on this site, else "". It refuses
// absolute URLs, scheme-relative "//host" and "/\host" (which browsers
// treat as "//host"), and control characters.
func safeNext(p string) string {
	if p == "" || p[0] != '/' || len(p) > 1000 {
		return ""
	}
	if len(p) > 1 && (p[1] == '/' || p[1] == '\\') {
		return ""
	}
	for _, c := range p {
		if c < 0x20 || c == 0x7f || c == '\\' {
			return ""
		}
	}
	u, err := url.Parse(p)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil {
		return ""
	}
	return p
}
