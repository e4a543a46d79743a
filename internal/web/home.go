package web

import "net/http"

// home explains the idea in one sentence and offers the two ways in.
func (h *Handler) home(w http.ResponseWriter, r *http.Request, v *visit) error {
	h.render(w, r, http.StatusOK, "home", &view{})
	return nil
}
