package web

import (
	"net/http"

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
}

func (h *Handler) settings(w http.ResponseWriter, r *http.Request, v *visit) error {
	h.render(w, r, http.StatusOK, "settings", &view{Data: settingsPage{Languages: i18n.Supported}})
	return nil
}

// changeEmail sends a confirmation link to the new address; the address
// changes when that link is used.
func (h *Handler) changeEmail(w http.ResponseWriter, r *http.Request, v *visit) error {
	f := readForm(r, "new_email")
	err := h.accounts.ChangeEmail(r.Context(), v.user.ID, r.PostFormValue("current_password"), f.get("new_email"))
	if e, ok := apperr.As(err); ok {
		status := f.setError(v.lang, e, map[string]string{"current_password": "email_password"})
		h.render(w, r, status, "settings", &view{Form: f, Data: settingsPage{Active: "email", Languages: i18n.Supported}})
		return nil
	}
	if err != nil {
		return err
	}
	h.render(w, r, http.StatusOK, "settings", &view{
		Notice: "web.settings.email.sent",
		Data:   settingsPage{SentTo: f.get("new_email"), Languages: i18n.Supported},
	})
	return nil
}

// changePassword ends every session, this one too (a stolen session must
// not outlive a new password), so the visitor logs in again.
func (h *Handler) changePassword(w http.ResponseWriter, r *http.Request, v *visit) error {
	f := readForm(r)
	err := h.accounts.ChangePassword(r.Context(), v.user.ID, r.PostFormValue("current_password"), r.PostFormValue("new_password"))
	if e, ok := apperr.As(err); ok {
		status := f.setError(v.lang, e, nil)
		h.render(w, r, status, "settings", &view{Form: f, Data: settingsPage{Active: "password", Languages: i18n.Supported}})
		return nil
	}
	if err != nil {
		return err
	}
	h.clearSessionCookie(w)
	http.Redirect(w, r, "/login?done=password", http.StatusSeeOther)
	return nil
}
