package api

import "net/http"

// listNotifications is the list behind the bell, newest first, with the
// count for its badge.
func (h *Handler) listNotifications(w http.ResponseWriter, r *http.Request, s *session) error {
	ns, err := h.notify.List(r.Context(), s.user.ID)
	if err != nil {
		return err
	}
	unread, err := h.notify.Unread(r.Context(), s.user.ID)
	if err != nil {
		return err
	}
	h.writeJSON(w, r, http.StatusOK, notificationsFrom(unread, ns))
	return nil
}

type markReadBody struct {
	ID string `json:"id"`
}

// markNotificationsRead marks one notification read, or all of them when
// no id is given. Someone else's id, or an unknown one, changes nothing:
// the answer is the same, so it tells nothing about other people.
func (h *Handler) markNotificationsRead(w http.ResponseWriter, r *http.Request, s *session) error {
	var b markReadBody
	if err := decodeOptional(w, r, &b); err != nil {
		return err
	}
	if err := h.notify.MarkRead(r.Context(), s.user.ID, b.ID); err != nil {
		return err
	}
	noContent(w)
	return nil
}
