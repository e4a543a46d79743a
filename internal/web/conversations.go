package web

import (
	"crypto/rand"
	"net/http"
	"net/url"
	"strconv"

	"github.com/noaber/noaber/internal/apperr"
	"github.com/noaber/noaber/internal/flag"
	"github.com/noaber/noaber/internal/i18n"
	"github.com/noaber/noaber/internal/message"
)

type conversationsPage struct {
	List []message.Conversation
}

// conversations lists the user's conversations, the latest activity
// first (the service's order).
func (h *Handler) conversations(w http.ResponseWriter, r *http.Request, v *visit) error {
	list, err := h.messages.List(r.Context(), v.user)
	if err != nil {
		return err
	}
	h.render(w, r, http.StatusOK, "messages", &view{Data: conversationsPage{List: list}})
	return nil
}

type conversationPage struct {
	C        *message.Conversation
	Messages []message.Message
	// Older says there are older messages than the first one shown;
	// Before is the id the "older messages" link pages back from.
	Older  bool
	Before string
	// Paged: an older page is shown, not the newest messages (the live
	// updates then stay off).
	Paged bool
	// Last is the newest message shown: the live stream starts after it.
	Last string
	// Key is the idempotency key of the send form: a double submit
	// posts the message once.
	Key string
	// Hint is a safety hint for the sender after sending (a flag.Hint
	// constant), "" for none.
	Hint string
	// Thanks is the seeker's note, once given.
	Thanks    *message.Thanks
	MaxBody   int
	MaxThanks int
}

// conversationView shows a conversation, newest at the bottom, and marks
// it read.
func (h *Handler) conversationView(w http.ResponseWriter, r *http.Request, v *visit) error {
	vw := &view{}
	q := r.URL.Query()
	switch {
	case q.Has("done"):
		vw.Notice = "web.conversation.done_notice"
	case q.Has("thanked"):
		vw.Notice = "web.conversation.thanked_notice"
	}
	if q.Has("held") {
		vw.Notice = "web.conversation.held_notice"
	}
	return h.renderConversation(w, r, v, http.StatusOK, vw, true)
}

// conversationSend sends a message. Success goes back to the page (PRG);
// an error shows the page again with the text kept and the reason by
// the field.
func (h *Handler) conversationSend(w http.ResponseWriter, r *http.Request, v *visit) error {
	id := r.PathValue("id")
	f := readForm(r, "body", "key")
	// The text is kept as typed (the service trims it).
	body := f.Values.Get("body")
	m, err := h.messages.Send(r.Context(), v.user, id, body, f.get("key"))
	if err != nil {
		return h.conversationFailed(w, r, v, err, map[string]string{"body": "message-body"}, "message-body", body)
	}
	http.Redirect(w, r, sentLink(id, m), http.StatusSeeOther)
	return nil
}

// conversationRead marks the conversation read: the script calls it when
// a message arrives while the page is in view.
func (h *Handler) conversationRead(w http.ResponseWriter, r *http.Request, v *visit) error {
	if err := h.messages.MarkRead(r.Context(), v.user, r.PathValue("id")); err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// conversationDone marks the help done.
func (h *Handler) conversationDone(w http.ResponseWriter, r *http.Request, v *visit) error {
	id := r.PathValue("id")
	if err := h.messages.MarkDone(r.Context(), v.user, id); err != nil {
		return h.conversationFailed(w, r, v, err, nil, "", "")
	}
	http.Redirect(w, r, "/messages/"+id+"?done=1#done", http.StatusSeeOther)
	return nil
}

// conversationThanks leaves the seeker's thank-you note.
func (h *Handler) conversationThanks(w http.ResponseWriter, r *http.Request, v *visit) error {
	id := r.PathValue("id")
	f := readForm(r, "body")
	body := f.Values.Get("body")
	if err := h.messages.Thank(r.Context(), v.user, id, body); err != nil {
		return h.conversationFailed(w, r, v, err, map[string]string{"body": "thanks-body"}, "thanks-body", body)
	}
	http.Redirect(w, r, "/messages/"+id+"?thanked=1#thanks-given", http.StatusSeeOther)
	return nil
}

// conversationFailed shows the conversation again with what went wrong;
// the text the user typed stays in field. Someone else's conversation is
// the ordinary 404.
func (h *Handler) conversationFailed(w http.ResponseWriter, r *http.Request, v *visit, err error, ids map[string]string, field, text string) error {
	e, ok := apperr.As(err)
	if !ok || e.Status == http.StatusNotFound {
		return err
	}
	f := &form{Values: map[string][]string{}, Errors: map[string]string{}}
	if field != "" {
		f.Values.Set(field, text)
	}
	status := f.setError(v.lang, e, ids)
	return h.renderConversation(w, r, v, status, &view{Form: f}, false)
}

// renderConversation reads the conversation as the viewer sees it and
// renders it. markRead: opening the page reads the messages.
func (h *Handler) renderConversation(w http.ResponseWriter, r *http.Request, v *visit, status int, vw *view, markRead bool) error {
	ctx := r.Context()
	id := r.PathValue("id")
	c, err := h.messages.Get(ctx, v.user, id)
	if err != nil {
		return err
	}
	before := r.URL.Query().Get("before")
	if markRead && c.Unread > 0 && before == "" {
		if err := h.messages.MarkRead(ctx, v.user, id); err != nil {
			return err
		}
		c.Unread = 0
	}
	msgs, older, err := h.messages.Messages(ctx, v.user, id, before, message.PageSize)
	if err != nil {
		return err
	}
	p := conversationPage{C: c, Messages: msgs, Older: older, Paged: before != "",
		Key: rand.Text(), MaxBody: message.MaxBody, MaxThanks: message.MaxThanks}
	if len(msgs) > 0 {
		p.Before = msgs[0].ID
		p.Last = msgs[len(msgs)-1].ID
	}
	p.Thanks = c.ThanksNote
	if hint := r.URL.Query().Get("hint"); senderHints[hint] {
		p.Hint = hint
	}
	vw.Data = p
	h.render(w, r, status, "conversation", vw)
	return nil
}

// senderHints are the safety hints the page can show after sending.
var senderHints = map[string]bool{flag.HintContactFirstMessage: true}

// sentLink is where the sender goes after sending m: back to the
// conversation, told when the message waits for a moderator or with a
// gentle safety hint.
func sentLink(conv string, m *message.Message) string {
	q := url.Values{}
	if m != nil && m.Held {
		q.Set("held", "1")
	}
	if m != nil && senderHints[m.Hint] {
		q.Set("hint", m.Hint)
	}
	link := "/messages/" + conv
	if len(q) > 0 {
		link += "?" + q.Encode()
	}
	return link + "#bottom"
}

// MessagesBadge is the unread message count as the header shows it.
func (v *view) MessagesBadge() string {
	if v.UnreadMessages > 99 {
		return "99+"
	}
	return strconv.Itoa(v.UnreadMessages)
}

// N is a plural text in the page's language ("1 bedankje", "3 bedankjes").
func (v *view) N(key string, n int) string { return i18n.N(v.Lang, key, n) }
