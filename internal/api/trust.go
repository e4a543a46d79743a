package api

import "net/http"

// userTrust answers another member's trust signals. The profile is read
// first: a user the caller may not see (unknown, blocked, removed) is 404
// here too.
func (h *Handler) userTrust(w http.ResponseWriter, r *http.Request, s *session) error {
	p, err := h.accounts.Profile(r.Context(), s.user, r.PathValue("id"), lang(r))
	if err != nil {
		return err
	}
	sig, err := h.trust.Signals(r.Context(), p.ID)
	if err != nil {
		return err
	}
	h.writeJSON(w, r, http.StatusOK, trustFrom(sig))
	return nil
}

// joinWatchGroup makes the caller a member of a neighbourhood-watch group
// through the token of its invite link.
func (h *Handler) joinWatchGroup(w http.ResponseWriter, r *http.Request, s *session) error {
	var b JoinWatchGroupInput
	if err := decode(w, r, &b); err != nil {
		return err
	}
	if err := required("token", b.Token); err != nil {
		return err
	}
	g, err := h.trust.Join(r.Context(), s.user, b.Token)
	if err != nil {
		return err
	}
	h.writeJSON(w, r, http.StatusOK, WatchGroup{ID: g.ID, Name: g.Name, Area: g.Area})
	return nil
}
