package web

import (
	"net/http"

	"github.com/noaber/noaber/internal/apperr"
)

// resetForm asks for a new password, or says clearly that the link no
// longer works. Checking does not use up the link.
func (h *Handler) resetForm(w http.ResponseWriter, r *http.Request, v *visit) error {
	token := r.URL.Query().Get("token")
	err := h.accounts.CheckResetToken(r.Context(), token)
	if e, ok := apperr.As(err); ok {
		h.renderResetFailed(w, r, v, e)
		return nil
	}
	if err != nil {
		return err
	}
	h.render(w, r, http.StatusOK, "reset", &view{Data: token})
	return nil
}

// reset sets the new password; every session ends, so the visitor logs in
// again with it.
func (h *Handler) reset(w http.ResponseWriter, r *http.Request, v *visit) error {
	token := r.PostFormValue("token")
	err := h.accounts.ResetPassword(r.Context(), token, r.PostFormValue("password"))
	if e, ok := apperr.As(err); ok {
		if len(e.Fields) == 0 {
			h.renderResetFailed(w, r, v, e)
			return nil
		}
		f := readForm(r)
		h.render(w, r, f.setError(v.lang, e, nil), "reset", &view{Form: f, Data: token})
		return nil
	}
	if err != nil {
		return err
	}
	h.clearSessionCookie(w)
	http.Redirect(w, r, "/login?done=reset", http.StatusSeeOther)
	return nil
}

func (h *Handler) renderResetFailed(w http.ResponseWriter, r *http.Request, v *visit, e *apperr.Error) {
	f := readForm(r)
	h.render(w, r, f.setError(v.lang, e, nil), "reset_failed", &view{Form: f})
}
