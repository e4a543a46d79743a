package api

import "net/http"

// getUser shows another member's public profile with their trust
// signals. Unknown and hidden users both answer 404.
func (h *Handler) getUser(w http.ResponseWriter, r *http.Request, s *session) error {
	p, err := h.accounts.Profile(r.Context(), s.user, r.PathValue("id"), lang(r))
	if err != nil {
		return err
	}
	sig, err := h.trust.Signals(r.Context(), p.ID)
	if err != nil {
		return err
	}
	h.writeJSON(w, r, http.StatusOK, profileFrom(p, sig))
	return nil
}
