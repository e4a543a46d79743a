package api

import (
	"net/http"
)

// The helper's side of the dispatcher: the invitations Noaber sent on a
// seeker's behalf, and the one-tap answers to them. Whose invitation it
// is, and whether it can still be answered, is the dispatcher's rule; an
// invitation of someone else answers 404 like one that does not exist.

func (h *Handler) listInvitations(w http.ResponseWriter, r *http.Request, s *session) error {
	vs, err := h.dispatch.Invitations(r.Context(), s.user, lang(r))
	if err != nil {
		return err
	}
	h.writeJSON(w, r, http.StatusOK, listFrom(vs, invitationFrom))
	return nil
}

func (h *Handler) getInvitation(w http.ResponseWriter, r *http.Request, s *session) error {
	v, err := h.dispatch.Invitation(r.Context(), s.user, r.PathValue("id"), lang(r))
	if err != nil {
		return err
	}
	h.writeJSON(w, r, http.StatusOK, invitationFrom(v))
	return nil
}

func (h *Handler) acceptInvitation(w http.ResponseWriter, r *http.Request, s *session) error {
	m, err := h.dispatch.Accept(r.Context(), s.user, r.PathValue("id"))
	if err != nil {
		return err
	}
	h.writeJSON(w, r, http.StatusOK, Match{RequestID: m.RequestID, ConversationID: m.ConversationID})
	return nil
}

type declineBody struct {
	PauseDays int `json:"pause_days"`
}

// declineInvitation says "not this time"; the body is optional, so that a
// one-tap "no" needs none.
func (h *Handler) declineInvitation(w http.ResponseWriter, r *http.Request, s *session) error {
	var b declineBody
	if err := decodeOptional(w, r, &b); err != nil {
		return err
	}
	if err := h.dispatch.Decline(r.Context(), s.user, r.PathValue("id"), b.PauseDays); err != nil {
		return err
	}
	noContent(w)
	return nil
}

// decodeOptional is decode for a body that may be left out: no body at
// all leaves dst as it is.
func decodeOptional(w http.ResponseWriter, r *http.Request, dst any) error {
	if r.ContentLength == 0 && r.Header.Get("Content-Type") == "" {
		return nil
	}
	return decode(w, r, dst)
}
