package api

import (
	"net/http"

	"github.com/noaber/noaber/internal/trust"
)

// UserProfile is a member's public profile with their trust signals.
type UserProfile struct {
	PublicProfile
	Trust TrustSignals `json:"trust"`
}

// getUser shows another member's public profile. Unknown and hidden users
// both answer 404.
func (h *Handler) getUser(w http.ResponseWriter, r *http.Request, s *session) error {
	p, err := h.accounts.Profile(r.Context(), s.user, r.PathValue("id"), lang(r))
	if err != nil {
		return err
	}
	out := UserProfile{PublicProfile: profileFrom(p), Trust: trustFrom(&trust.Signals{EmailVerified: p.EmailVerified})}
	// The account tests' harness has no trust service; the app always
	// wires one.
	if h.trust != nil {
		sig, err := h.trust.Signals(r.Context(), p.ID)
		if err != nil {
			return err
		}
		out.Trust = trustFrom(sig)
	}
	h.writeJSON(w, r, http.StatusOK, out)
	return nil
}
