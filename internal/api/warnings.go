package api

import "net/http"

// myWarnings lists the moderators' warnings the caller has not
// acknowledged yet, oldest first. While one waits, every write but
// acknowledging it answers 403 warning_pending (auth.go).
func (h *Handler) myWarnings(w http.ResponseWriter, r *http.Request, s *session) error {
	ws, err := h.moderation.PendingWarnings(r.Context(), s.user.ID)
	if err != nil {
		return err
	}
	h.writeJSON(w, r, http.StatusOK, warningsFrom(ws, lang(r)))
	return nil
}

// acknowledgeWarning marks one of the caller's warnings read; twice is
// fine, someone else's is 404.
func (h *Handler) acknowledgeWarning(w http.ResponseWriter, r *http.Request, s *session) error {
	if err := h.moderation.Acknowledge(r.Context(), s.user.ID, r.PathValue("id")); err != nil {
		return err
	}
	noContent(w)
	return nil
}
