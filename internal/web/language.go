package web

import (
	"net/http"
	"time"

	"github.com/noaber/noaber/internal/i18n"
)

// setLanguage switches the interface language and goes back to the page
// the visitor came from. A cookie remembers the choice; for a signed-in
// user it is also stored with the account (so e-mails follow it).
func (h *Handler) setLanguage(w http.ResponseWriter, r *http.Request, v *visit) error {
	lang, ok := i18n.Parse(r.PostFormValue("lang"))
	back := safeNext(r.PostFormValue("return"))
	if back == "" {
		back = "/"
	}
	if !ok {
		http.Redirect(w, r, back, http.StatusSeeOther)
		return nil
	}
	if v.user != nil {
		if err := h.accounts.SetLocale(r.Context(), v.user.ID, lang); err != nil {
			return err
		}
	}
	http.SetCookie(w, &http.Cookie{
		Name: langCookie, Value: string(lang), Path: "/", MaxAge: int((365 * 24 * time.Hour).Seconds()),
		HttpOnly: true, Secure: h.secureCookies, SameSite: http.SameSiteLaxMode,
	})
	http.Redirect(w, r, back, http.StatusSeeOther)
	return nil
}
