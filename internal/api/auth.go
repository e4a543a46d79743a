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
// never looked at: that is why the API needs no CSRF protection.
func (h *Handler) authed(fn authedFunc) http.Handler {
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
		if err := interstitial(u, r); err != nil {
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

// interstitial refuses a write while the user must first acknowledge a
// moderator's warning, then accept new house rules (the pages send them
// to those pages instead, web/session.go). Reading keeps working, and so
// do the way out of each (acknowledging, accepting) and ending tokens.
func interstitial(u *account.User, r *http.Request) error {
	if r.Method == http.MethodGet || r.Method == http.MethodHead || r.Method == http.MethodOptions {
		return nil
	}
	switch r.Pattern {
	case "DELETE /api/v1/tokens/current", "POST /api/v1/tokens/revoke-all":
		return nil
	}
	switch {
	case u.WarningPending:
		if r.Pattern == "POST /api/v1/me/warnings/{id}/acknowledge" {
			return nil
		}
		return apperr.New(http.StatusForbidden, "warning_pending", "api.warning_pending")
	case u.RulesOutdated:
		if r.Pattern == "POST /api/v1/me/house-rules/accept" {
			return nil
		}
		return apperr.New(http.StatusForbidden, "house_rules_not_accepted", "api.house_rules_not_accepted")
	}
	return nil
}
