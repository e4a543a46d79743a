package api

import (
	"net/http"

	"github.com/noaber/noaber/internal/i18n"
)

// requestPasswordReset answers 202 whether or not the address has an
// account.
func (h *Handler) requestPasswordReset(w http.ResponseWriter, r *http.Request) error {
	var req emailRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	if err := required("email", req.Email); err != nil {
		return err
	}
	if err := h.accounts.RequestPasswordReset(r.Context(), req.Email, h.clientAddr(r)); err != nil {
		return err
	}
	h.writeJSON(w, r, http.StatusAccepted, Message{i18n.T(lang(r), "api.password_reset_requested")})
	return nil
}

type confirmResetRequest struct {
	Token       string `json:"token"`
	NewPassword string `json:"new_password"`
}

func (h *Handler) confirmPasswordReset(w http.ResponseWriter, r *http.Request) error {
	var req confirmResetRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	if err := required("token", req.Token); err != nil {
		return err
	}
	err := h.accounts.ResetPassword(r.Context(), req.Token, req.NewPassword)
	if err != nil {
		return renameFields(err, map[string]string{"password": "new_password"})
	}
	noContent(w)
	return nil
}
