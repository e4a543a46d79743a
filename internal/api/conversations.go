package api

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/noaber/noaber/internal/apperr"
	"github.com/noaber/noaber/internal/message"
)

// Conversations between two neighbours. Who may read or write what is the
// message service's rule: someone else's conversation answers 404 like
// one that does not exist, and a block or a removed account closes it for
// writing (403 blocked, 410 recipient_gone).

// idempotencyKey is the client's key for a message: a retry with the same
// key answers the message the first try wrote, and writes nothing.
func idempotencyKey(r *http.Request) string { return r.Header.Get("Idempotency-Key") }

// keyField names the header where the service names its field.
var keyField = map[string]string{"client_key": "Idempotency-Key"}

func (h *Handler) listConversations(w http.ResponseWriter, r *http.Request, s *session) error {
	cs, err := h.messages.List(r.Context(), s.user)
	if err != nil {
		return err
	}
	total, err := h.messages.UnreadTotal(r.Context(), s.user.ID)
	if err != nil {
		return err
	}
	out := Conversations{Conversations: make([]Conversation, 0, len(cs)), UnreadTotal: total}
	for i := range cs {
		out.Conversations = append(out.Conversations, conversationFrom(&cs[i]))
	}
	h.writeJSON(w, r, http.StatusOK, out)
	return nil
}

// startConversation opens the conversation about a request or an offer,
// or with a member, and sends its first message; an existing one
// continues with this message.
func (h *Handler) startConversation(w http.ResponseWriter, r *http.Request, s *session) error {
	var b StartConversationInput
	if err := decode(w, r, &b); err != nil {
		return err
	}
	c, m, err := h.messages.Start(r.Context(), s.user, message.StartInput{
		RequestID: b.RequestID, OfferID: b.OfferID, UserID: b.UserID, Body: b.Body, ClientKey: idempotencyKey(r),
	})
	if err != nil {
		return renameFields(err, keyField)
	}
	w.Header().Set("Location", h.baseURL+"/api/v1/conversations/"+c.ID)
	h.writeJSON(w, r, http.StatusCreated, StartedConversation{Conversation: conversationFrom(c), Message: conversationMessageFrom(m)})
	return nil
}

func (h *Handler) getConversation(w http.ResponseWriter, r *http.Request, s *session) error {
	c, err := h.messages.Get(r.Context(), s.user, r.PathValue("id"))
	if err != nil {
		return err
	}
	h.writeJSON(w, r, http.StatusOK, conversationFrom(c))
	return nil
}

// listMessages pages backwards: the newest page first, then ?before= the
// oldest id of the page for the one before it. Reading does not mark the
// conversation read; POST .../read does, when the user has seen it.
func (h *Handler) listMessages(w http.ResponseWriter, r *http.Request, s *session) error {
	q := r.URL.Query()
	limit := message.PageSize
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return apperr.Invalid(apperr.FieldError{Field: "limit", Key: "api.parameter_integer"})
		}
		limit = min(n, message.PageSize)
	}
	ms, more, err := h.messages.Messages(r.Context(), s.user, r.PathValue("id"), q.Get("before"), limit)
	if err != nil {
		return err
	}
	out := Messages{Messages: make([]ConversationMessage, 0, len(ms)), HasMore: more}
	for i := range ms {
		out.Messages = append(out.Messages, conversationMessageFrom(&ms[i]))
	}
	h.writeJSON(w, r, http.StatusOK, out)
	return nil
}

// sendMessage answers 201 with the message, also for a retry with the
// same Idempotency-Key (the same message, written once), so a client that
// lost the first answer can simply send again.
func (h *Handler) sendMessage(w http.ResponseWriter, r *http.Request, s *session) error {
	var b BodyInput
	if err := decode(w, r, &b); err != nil {
		return err
	}
	m, err := h.messages.Send(r.Context(), s.user, r.PathValue("id"), b.Body, idempotencyKey(r))
	if err != nil {
		return renameFields(err, keyField)
	}
	h.writeJSON(w, r, http.StatusCreated, conversationMessageFrom(m))
	return nil
}

func (h *Handler) readConversation(w http.ResponseWriter, r *http.Request, s *session) error {
	if err := h.messages.MarkRead(r.Context(), s.user, r.PathValue("id")); err != nil {
		return err
	}
	noContent(w)
	return nil
}

func (h *Handler) doneConversation(w http.ResponseWriter, r *http.Request, s *session) error {
	if err := h.messages.MarkDone(r.Context(), s.user, r.PathValue("id")); err != nil {
		return err
	}
	noContent(w)
	return nil
}

func (h *Handler) thankConversation(w http.ResponseWriter, r *http.Request, s *session) error {
	var b BodyInput
	if err := decode(w, r, &b); err != nil {
		return err
	}
	id := r.PathValue("id")
	if err := h.messages.Thank(r.Context(), s.user, id, b.Body); err != nil {
		return err
	}
	// Answer the note as it now shows on the helper's profile: the newest
	// from the caller there (one per conversation, and this one is new).
	c, err := h.messages.Get(r.Context(), s.user, id)
	if err != nil {
		return err
	}
	ts, err := h.messages.ThanksFor(r.Context(), s.user, c.Other.ID)
	if err != nil {
		return err
	}
	for _, t := range thanksFrom(ts).Thanks {
		if t.From.ID == s.user.ID {
			h.writeJSON(w, r, http.StatusCreated, t)
			return nil
		}
	}
	// Written, but the profile does not show it (the helper's account was
	// removed meanwhile): answer what was written, without an id.
	h.writeJSON(w, r, http.StatusCreated, ThanksNote{From: PersonRef{ID: s.user.ID, DisplayName: s.user.DisplayName()},
		Body: strings.TrimSpace(b.Body), CreatedAt: timeJSON(h.now())})
	return nil
}

func (h *Handler) userThanks(w http.ResponseWriter, r *http.Request, s *session) error {
	ts, err := h.messages.ThanksFor(r.Context(), s.user, r.PathValue("id"))
	if err != nil {
		return err
	}
	h.writeJSON(w, r, http.StatusOK, thanksFrom(ts))
	return nil
}
