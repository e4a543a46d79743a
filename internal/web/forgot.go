package web

import (
	"net/http"

	"github.com/noaber/noaber/internal/apperr"
)

func (h *Handler) forgotForm(w http.ResponseWriter, r *http.Request, v *visit) error {
	h.render(w, r, http.StatusOK, "forgot", &view{})
	return nil
}

// forgot sends a reset link. The answer is the same whether or not the
// address has an account.
func (h *Handler) forgot(w http.ResponseWriter, r *http.Request, v *visit) error {
	f := readForm(r, "email")
	err := h.accounts.RequestPasswordReset(r.Context(), f.get("email"), h.clientAddr(r))
	if e, ok := apperr.As(err); ok {
		h.render(w, r, f.setError(v.lang, e, nil), "forgot", &view{Form: f})
		return nil
	}
	if err != nil {
		return err
	}
	h.render(w, r, http.StatusOK, "forgot_sent", &view{})
	return nil
}
