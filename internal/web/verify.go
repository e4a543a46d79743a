package web

import (
	"net/http"

	"github.com/noaber/noaber/internal/apperr"
)

// verifyForm shows a button instead of using the link's token at once:
// mail scanners open links, and a GET must not use up the token.
func (h *Handler) verifyForm(w http.ResponseWriter, r *http.Request, v *visit) error {
	h.render(w, r, http.StatusOK, "verify", &view{Data: r.URL.Query().Get("token")})
	return nil
}

// verify confirms the address of an account (or a new address it changes
// to). A used or old link gets a form to ask for a new one.
func (h *Handler) verify(w http.ResponseWriter, r *http.Request, v *visit) error {
	_, err := h.accounts.VerifyEmail(r.Context(), r.PostFormValue("token"))
	if e, ok := apperr.As(err); ok {
		f := readForm(r)
		status := f.setError(v.lang, e, nil)
		h.render(w, r, status, "verify_failed", &view{Form: f})
		return nil
	}
	if err != nil {
		return err
	}
	h.render(w, r, http.StatusOK, "verified", &view{})
	return nil
}

// verifyResend sends a new link; the answer is the same whether or not the
// address has an account that waits for one.
func (h *Handler) verifyResend(w http.ResponseWriter, r *http.Request, v *visit) error {
	f := readForm(r, "email")
	err := h.accounts.ResendVerification(r.Context(), f.get("email"), h.clientAddr(r))
	if e, ok := apperr.As(err); ok {
		h.render(w, r, f.setError(v.lang, e, nil), "verify_failed", &view{Form: f})
		return nil
	}
	if err != nil {
		return err
	}
	h.render(w, r, http.StatusOK, "verify_resent", &view{})
	return nil
}
