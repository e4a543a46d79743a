package api

import (
	"net/http"
	"strings"

	"github.com/noaber/noaber/internal/account"
	"github.com/noaber/noaber/internal/apperr"
)

// session is the signed-in caller of an authenticated route.
type session struct {
	user  *account.User
	token string
}

type publicFunc func(w http.ResponseWriter, r *http.Request) error
type authedFunc func(w http.ResponseWriter, r *http.Request, s *session) error

// public adapts a handler that returns its error.
func (h *Handler) public(fn publicFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := fn(w, r); err != nil {
			h.fail(w, r, err)
		}
	})
}

// authed adapts a handler that needs a valid API bearer token. Cookies are
// never looked at: that is why the API needs no CSRF protection. Its
// writes wait behind the interstitial, unless the route is a way out of it.
func (h *Handler) authed(fn authedFunc) http.Handler { return h.authedOut(0, fn) }

// authedOut is authed for a route that stays open while the user must do
// what out names first.
func (h *Handler) authedOut(out wayOut, fn authedFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		token, ok := bearer(r)
		if !ok {
			h.fail(w, r, apperr.New(http.StatusUnauthorized, "unauthorized", "api.token_missing"))
			return
		}
		u, err := h.accounts.Authenticate(r.Context(), token, account.APISession)
		if err != nil {
			if e, ok := apperr.As(err); ok && (e.Status == http.StatusUnauthorized || e.Status == http.StatusNotFound) {
				err = apperr.New(http.StatusUnauthorized, "unauthorized", "api.token_invalid")
			}
			h.fail(w, r, err)
			return
		}
		r = r.WithContext(withUser(r.Context(), u))
		if err := interstitial(u, r.Method, out); err != nil {
			h.fail(w, r, err)
			return
		}
		if err := fn(w, r, &session{user: u, token: token}); err != nil {
			h.fail(w, r, err)
		}
	})
}

// bearer returns the token of an "Authorization: Bearer <token>" header.
func bearer(r *http.Request) (string, bool) {
	scheme, token, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	token = strings.TrimSpace(token)
	if !ok || !strings.EqualFold(scheme, "Bearer") || token == "" || len(token) > 200 {
		return "", false
	}
	return token, true
}

// wayOut marks, in the route table, a write that stays open while the
// user must first acknowledge a warning or accept new house rules.
type wayOut uint8

const (
	outOfWarning wayOut = 1 << iota // acknowledging a warning
	outOfRules                      // accepting house rules

	outOfAll = outOfWarning | outOfRules // ending tokens
)

// interstitial refuses a write while the user must first acknowledge a
// moderator's warning, then accept new house rules (the pages send them
// to those pages instead, web/session.go). Reading keeps working, and so
// does a route that is the way out of what waits.
func interstitial(u *account.User, method string, out wayOut) error {
	if method == http.MethodGet || method == http.MethodHead || method == http.MethodOptions {
		return nil
	}
	if u.WarningPending {
		if out&outOfWarning != 0 {
			return nil
		}
		return apperr.New(http.StatusForbidden, "warning_pending", "api.warning_pending")
	}
	if u.RulesOutdated && out&outOfRules == 0 {
		return apperr.New(http.StatusForbidden, "house_rules_not_accepted", "api.house_rules_not_accepted")
	}
	return nil
}
