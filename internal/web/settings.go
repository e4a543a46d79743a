package web

import (
	"net/http"

	"github.com/noaber/noaber/internal/account"
	"github.com/noaber/noaber/internal/apperr"
	"github.com/noaber/noaber/internal/i18n"
)

// settingsPage says which of the page's forms the kept values and errors
// belong to ("email" or "password"), and where a change-of-address link
// was sent.
type settingsPage struct {
	Active    string
	SentTo    string
	Languages []i18n.Lang
	Blocked   []account.BlockedUser
}

func (h *Handler) settings(w http.ResponseWriter, r *http.Request, v *visit) error {
	vw := &view{}
	q := r.URL.Query()
	switch {
	case q.Has("blocked"):
		vw.Notice = "web.block.done"
	case q.Has("unblocked"):
		vw.Notice = "web.unblock.done"
	case q.Has("position"):
		vw.Notice = "web.position.saved"
	}
	return h.renderSettings(w, r, v, http.StatusOK, vw, settingsPage{})
}

// renderSettings adds what every settings page shows: the languages and
// the people the user blocked.
func (h *Handler) renderSettings(w http.ResponseWriter, r *http.Request, v *visit, status int, vw *view, p settingsPage) error {
	blocked, err := h.accounts.BlockedUsers(r.Context(), v.user)
	if err != nil {
		return err
	}
	p.Languages, p.Blocked = i18n.Supported, blocked
	vw.Data = p
	h.render(w, r, status, "settings", vw)
	return nil
}

// changeEmail sends a confirmation link to the new address; the address
// changes when that link is used.
func (h *Handler) changeEmail(w http.ResponseWriter, r *http.Request, v *visit) error {
	f := readForm(r, "new_email")
	err := h.accounts.ChangeEmail(r.Context(), v.user.ID, r.PostFormValue("current_password"), f.get("new_email"))
	if e, ok := apperr.As(err); ok {
		status := f.setError(v.lang, e, map[string]string{"current_password": "email_password"})
		return h.renderSettings(w, r, v, status, &view{Form: f}, settingsPage{Active: "email"})
	}
	if err != nil {
		return err
	}
	return h.renderSettings(w, r, v, http.StatusOK, &view{Notice: "web.settings.email.sent"}, settingsPage{SentTo: f.get("new_email")})
}

// changePassword ends every session, this one too (a stolen session must
// not outlive a new password), so the visitor logs in again.
func (h *Handler) changePassword(w http.ResponseWriter, r *http.Request, v *visit) error {
	f := readForm(r)
	err := h.accounts.ChangePassword(r.Context(), v.user.ID, r.PostFormValue("current_password"), r.PostFormValue("new_password"))
	if e, ok := apperr.As(err); ok {
		status := f.setError(v.lang, e, nil)
		return h.renderSettings(w, r, v, status, &view{Form: f}, settingsPage{Active: "password"})
	}
	if err != nil {
		return err
	}
	h.clearSessionCookie(w)
	http.Redirect(w, r, "/login?done=password", http.StatusSeeOther)
	return nil
}
