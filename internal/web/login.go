package web

import (
	"net/http"

	"github.com/noaber/noaber/internal/account"
	"github.com/noaber/noaber/internal/apperr"
)

// loginNotices are the messages other pages can send a visitor to the
// login page with (?done=...); only these keys, so a link cannot put
// arbitrary text on the page.
var loginNotices = map[string]string{
	"logout":     "web.login.notice.logout",
	"everywhere": "web.login.notice.everywhere",
	"reset":      "web.login.notice.reset",
	"password":   "web.login.notice.password",
}

type loginPage struct {
	Next string
}

func (h *Handler) loginForm(w http.ResponseWriter, r *http.Request, v *visit) error {
	next := safeNext(r.URL.Query().Get("next"))
	if v.user != nil {
		http.Redirect(w, r, h.afterLogin(v.user, next), http.StatusSeeOther)
		return nil
	}
	h.render(w, r, http.StatusOK, "login", &view{
		Data: loginPage{Next: next}, Notice: loginNotices[r.URL.Query().Get("done")],
	})
	return nil
}

// login starts a session and goes on to the page the visitor wanted, if
// that is a page on this site, else to their profile.
func (h *Handler) login(w http.ResponseWriter, r *http.Request, v *visit) error {
	f := readForm(r, "email")
	next := safeNext(r.PostFormValue("next"))
	token, u, err := h.accounts.Login(r.Context(), f.get("email"), r.PostFormValue("password"),
		h.clientAddr(r), r.UserAgent(), account.WebSession)
	if e, ok := apperr.As(err); ok {
		h.render(w, r, f.setError(v.lang, e, nil), "login", &view{Form: f, Data: loginPage{Next: next}})
		return nil
	}
	if err != nil {
		return err
	}
	// A new session id at every login; the one this browser had ends.
	if v.token != "" {
		if err := h.accounts.Logout(r.Context(), v.token); err != nil {
			return err
		}
	}
	h.setSessionCookie(w, token)
	http.Redirect(w, r, h.afterLogin(u, next), http.StatusSeeOther)
	return nil
}

func (h *Handler) afterLogin(u *account.User, next string) string {
	if next != "" {
		return next
	}
	return "/people/" + u.ID
}

// logout ends this browser's session.
func (h *Handler) logout(w http.ResponseWriter, r *http.Request, v *visit) error {
	if v.token != "" {
		if err := h.accounts.Logout(r.Context(), v.token); err != nil {
			return err
		}
	}
	h.clearSessionCookie(w)
	http.Redirect(w, r, "/login?done=logout", http.StatusSeeOther)
	return nil
}

// logoutEverywhere ends every session of the account, in browsers and apps.
func (h *Handler) logoutEverywhere(w http.ResponseWriter, r *http.Request, v *visit) error {
	if err := h.accounts.LogoutEverywhere(r.Context(), v.user.ID); err != nil {
		return err
	}
	h.clearSessionCookie(w)
	http.Redirect(w, r, "/login?done=everywhere", http.StatusSeeOther)
	return nil
}
