package web

import (
	"bytes"
	"context"
	"errors"
	"net/http"

	"github.com/noaber/noaber/internal/apperr"
	"github.com/noaber/noaber/internal/live"
	"github.com/noaber/noaber/internal/message"
)

// conversationEvents streams what changes in one conversation while its
// page is open (Server-Sent Events): new messages as ready HTML, rendered
// here with the page's own template so escaping is the same, and "read"
// and "done". Events carry ids only; each message is read again as this
// viewer may see it.
func (h *Handler) conversationEvents(w http.ResponseWriter, r *http.Request, v *visit) error {
	ctx := r.Context()
	id := r.PathValue("id")
	if _, err := h.messages.Get(ctx, v.user, id); err != nil {
		return err
	}
	// Subscribe before reading what was missed, so that nothing falls in
	// between; a message in both is sent once.
	sub := h.live.Subscribe(v.user.ID)
	defer sub.Close()

	// A reconnect says where it was (Last-Event-ID); the first connection
	// of a page says which message the page showed last.
	after := r.Header.Get("Last-Event-ID")
	if after == "" {
		after = r.URL.Query().Get("after")
	}
	sent := map[string]bool{}
	var catchUp []live.Frame
	if after != "" {
		msgs, err := h.messages.After(ctx, v.user, id, after)
		if err != nil {
			if _, ok := apperr.As(err); !ok {
				return err
			}
			msgs = nil // an unknown id: nothing to catch up with
		}
		for i := range msgs {
			f, err := h.messageFrame(v, &msgs[i])
			if err != nil {
				return err
			}
			catchUp = append(catchUp, f)
			sent[msgs[i].ID] = true
		}
		if len(msgs) == message.PageSize {
			// More was missed than one page holds: the page reloads.
			catchUp = append(catchUp, live.Frame{Event: "reload", Data: []byte("1")})
		}
	}

	render := func(ev live.Event) ([]live.Frame, error) {
		if ev.ConversationID != id {
			return nil, nil
		}
		switch ev.Kind {
		case live.KindMessage:
			if sent[ev.MessageID] {
				return nil, nil
			}
			m, err := h.messages.Message(ctx, v.user, ev.MessageID)
			if err != nil {
				if _, ok := apperr.As(err); ok {
					return nil, nil // gone or no longer visible
				}
				return nil, err
			}
			f, err := h.messageFrame(v, m)
			if err != nil {
				return nil, err
			}
			return []live.Frame{f}, nil
		case live.KindRead:
			return []live.Frame{{Event: "read", Data: []byte("1")}}, nil
		case live.KindDone:
			return []live.Frame{{Event: "done", Data: []byte("1")}}, nil
		}
		return nil, nil
	}
	// The stream has begun: an error can only be logged.
	if err := live.ServeSSE(w, r, sub, catchUp, render); err != nil && !errors.Is(err, context.Canceled) && ctx.Err() == nil {
		h.log.Warn("conversation events", "conversation", id, "err", err)
	}
	return nil
}

// messageFrame is one message as an SSE "message" event: the list item
// the page shows, with the message id as the event id.
func (h *Handler) messageFrame(v *visit, m *message.Message) (live.Frame, error) {
	t, ok := h.pages.byName["conversation"]
	if !ok {
		return live.Frame{}, errors.New("web: no conversation page")
	}
	var buf bytes.Buffer
	vw := &view{Lang: v.lang, User: v.user, Page: "conversation"}
	if err := t.ExecuteTemplate(&buf, "message", map[string]any{"V": vw, "M": m}); err != nil {
		return live.Frame{}, err
	}
	return live.Frame{ID: m.ID, Event: "message", Data: bytes.TrimSpace(buf.Bytes())}, nil
}
