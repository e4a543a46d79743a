package api

import "net/http"

// blockUser hides the caller and another user from each other. Blocking
// twice is fine; an unknown user (or oneself) is 404.
func (h *Handler) blockUser(w http.ResponseWriter, r *http.Request, s *session) error {
	if err := h.accounts.Block(r.Context(), s.user, r.PathValue("id")); err != nil {
		return err
	}
	noContent(w)
	return nil
}

func (h *Handler) unblockUser(w http.ResponseWriter, r *http.Request, s *session) error {
	if err := h.accounts.Unblock(r.Context(), s.user, r.PathValue("id")); err != nil {
		return err
	}
	noContent(w)
	return nil
}

func (h *Handler) myBlocks(w http.ResponseWriter, r *http.Request, s *session) error {
	bs, err := h.accounts.BlockedUsers(r.Context(), s.user)
	if err != nil {
		return err
	}
	h.writeJSON(w, r, http.StatusOK, blockedFrom(bs))
	return nil
}
