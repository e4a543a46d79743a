package api

import "net/http"

// requestProgress shows the seeker how the search for a helper goes,
// without names until someone said yes. Anyone else's request answers 404.
func (h *Handler) requestProgress(w http.ResponseWriter, r *http.Request, s *session) error {
	id := r.PathValue("id")
	p, err := h.dispatch.Progress(r.Context(), s.user, id)
	if err != nil {
		return err
	}
	h.writeJSON(w, r, http.StatusOK, progressFrom(id, p))
	return nil
}
