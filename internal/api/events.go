package api

import (
	"encoding/json"
	"net/http"

	"github.com/noaber/noaber/internal/live"
)

// events streams the caller's live events (all their conversations) as
// Server-Sent Events until the client goes away. Events carry ids; a new
// message comes with the message itself, fetched as the caller may see it
// (one they may no longer see, say after a block, is left out).
//
// There is no catch-up after Last-Event-ID here: a client that reconnects
// fetches GET /conversations again, which has every unread count. Browsers
// cannot send a bearer token with EventSource; the web pages have their
// own stream, signed in by the session cookie.
func (h *Handler) events(w http.ResponseWriter, r *http.Request, s *session) error {
	sub := h.live.Subscribe(s.user.ID)
	defer sub.Close()
	render := func(ev live.Event) ([]live.Frame, error) {
		d := EventData{ConversationID: ev.ConversationID, MessageID: ev.MessageID}
		f := live.Frame{Event: ev.Kind}
		if ev.Kind == live.KindMessage {
			m, err := h.messages.Message(r.Context(), s.user, ev.MessageID)
			if err != nil {
				return nil, nil
			}
			cm := conversationMessageFrom(m)
			d.Message, f.ID = &cm, m.ID
		}
		data, err := json.Marshal(d)
		if err != nil {
			return nil, err
		}
		f.Data = data
		return []live.Frame{f}, nil
	}
	// The status line is out once the stream starts: an error from here on
	// can only be logged.
	if err := live.ServeSSE(w, r, sub, nil, render); err != nil {
		h.log.WarnContext(r.Context(), "api: event stream ended", "user", s.user.ID, "err", err)
	}
	return nil
}
