package api

import (
	"net/http"

	"github.com/noaber/noaber/internal/i18n"
)

type verifyEmailRequest struct {
	Token string `json:"token"`
}

func (h *Handler) verifyEmail(w http.ResponseWriter, r *http.Request) error {
	var req verifyEmailRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	if err := required("token", req.Token); err != nil {
		return err
	}
	u, err := h.accounts.VerifyEmail(r.Context(), req.Token)
	if err != nil {
		return err
	}
	h.writeJSON(w, r, http.StatusOK, meFrom(u))
	return nil
}

type emailRequest struct {
	Email string `json:"email"`
}

// resendVerification answers 202 whether or not the address has an
// account that waits for verification.
func (h *Handler) resendVerification(w http.ResponseWriter, r *http.Request) error {
	var req emailRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	if err := required("email", req.Email); err != nil {
		return err
	}
	if err := h.accounts.ResendVerification(r.Context(), req.Email, h.clientAddr(r)); err != nil {
		return err
	}
	h.writeJSON(w, r, http.StatusAccepted, Message{i18n.T(lang(r), "api.verification_resent")})
	return nil
}
