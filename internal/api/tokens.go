package api

import (
	"net/http"

	"github.com/noaber/noaber/internal/account"
)

type createTokenRequest struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

// createToken logs in: the answer holds a new bearer token.
func (h *Handler) createToken(w http.ResponseWriter, r *http.Request) error {
	var req createTokenRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	token, u, err := h.accounts.Login(r.Context(), req.Email, req.Password, h.clientAddr(r), r.UserAgent(), account.APISession)
	if err != nil {
		return err
	}
	// The service does not hand back the session row; its lifetime is a
	// fixed span from now, so this is the moment it ends unless used.
	expires := h.now().Add(account.SessionTTL(account.APISession))
	h.writeJSON(w, r, http.StatusCreated, Token{Token: token, ExpiresAt: timeJSON(expires), User: meFrom(u)})
	return nil
}

func (h *Handler) deleteCurrentToken(w http.ResponseWriter, r *http.Request, s *session) error {
	if err := h.accounts.Logout(r.Context(), s.token); err != nil {
		return err
	}
	noContent(w)
	return nil
}

func (h *Handler) revokeAllTokens(w http.ResponseWriter, r *http.Request, s *session) error {
	if err := h.accounts.LogoutEverywhere(r.Context(), s.user.ID); err != nil {
		return err
	}
	noContent(w)
	return nil
}
