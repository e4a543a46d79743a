package api

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/noaber/noaber/internal/store"
	"github.com/noaber/noaber/internal/testkit"
)

// sseEvent is one event read off a stream.
type sseEvent struct {
	id, name string
	data     string
	raw      string
}

// openStream opens GET /api/v1/events for token and returns its events as
// they arrive. The handler subscribes before it answers, so whatever is
// sent after this returns reaches the stream.
func openStream(t *testing.T, e *env, token string) <-chan sseEvent {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	req, err := http.NewRequestWithContext(ctx, "GET", e.srv.URL+"/api/v1/events", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "text/event-stream" {
		res.Body.Close()
		t.Fatalf("events: status %d, Content-Type %q", res.StatusCode, res.Header.Get("Content-Type"))
	}
	out := make(chan sseEvent, 16)
	go func() {
		defer close(out)
		defer res.Body.Close()
		sc := bufio.NewScanner(res.Body)
		var ev sseEvent
		for sc.Scan() {
			line := sc.Text()
			if line == "" {
				if ev.name != "" || ev.data != "" {
					out <- ev
				}
				ev = sseEvent{}
				continue
			}
			ev.raw += line + "\n"
			field, value, _ := strings.Cut(line, ":")
			value = strings.TrimPrefix(value, " ")
			switch field {
			case "id":
				ev.id = value
			case "event":
				ev.name = value
			case "data":
				ev.data += value
			}
		}
	}()
	return out
}

// next is the next event of the stream; the wait only guards against a
// hang, it is not what the test measures.
func next(t *testing.T, events <-chan sseEvent) sseEvent {
	t.Helper()
	select {
	case ev, ok := <-events:
		if !ok {
			t.Fatal("the event stream ended")
		}
		return ev
	case <-time.After(20 * time.Second):
		t.Fatal("no event within 20 s")
	}
	return sseEvent{}
}

// TestEventStream checks GET /events: Els's stream gets the message Piet
// sends her, as she sees it, and his read marker; not the messages of
// other people's conversations; and never anyone's address.
func TestEventStream(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		w := newMessageWorld(t, db, false)
		e, els, piet, anna, mo := w.e, w.els, w.piet, w.anna, w.mo
		first := w.start(t, piet, fmt.Sprintf(`{"request_id":%q}`, w.requestID), "Ik kan helpen")
		c := first.Conversation

		events := openStream(t, e, els.token)
		// Someone else's conversation first: Els must not hear of it.
		theirs := w.start(t, anna, fmt.Sprintf(`{"user_id":%q}`, mo.id), "Hoi Mo, ik woon in de 4533 RT").Conversation
		var sent ConversationMessage
		e.do(t, scenario{method: "POST", path: conv(c.ID, "/messages"), token: piet.token,
			body: `{"body":"Ik neem ook melk mee"}`, status: 201}).decode(t, &sent)

		// On PostgreSQL the event of Piet's first message, sent before the
		// stream opened, may still be on its way: it may come first.
		ev := next(t, events)
		for ev.name == "message" && ev.id == first.Message.ID {
			ev = next(t, events)
		}
		raw := ev.raw
		if strings.Contains(ev.data, theirs.ID) {
			t.Fatalf("Els got an event of Anna's and Mo's conversation: %s", ev.raw)
		}
		if ev.name != "message" || ev.id != sent.ID {
			t.Fatalf("first event: %q id %q, want message %s:\n%s", ev.name, ev.id, sent.ID, ev.raw)
		}
		var d EventData
		if err := json.Unmarshal([]byte(ev.data), &d); err != nil {
			t.Fatalf("event data %q: %v", ev.data, err)
		}
		if d.ConversationID != c.ID || d.MessageID != sent.ID || d.Message == nil || d.Message.Body != "Ik neem ook melk mee" ||
			d.Message.Mine || d.Message.SenderID != piet.id {
			t.Fatalf("message event as Els sees it: %s", ev.data)
		}
		var v any
		json.Unmarshal([]byte(ev.data), &v)
		if err := e.spec.Components.Schemas["EventData"].Value.VisitJSON(v); err != nil {
			t.Errorf("event data does not match the document: %v", err)
		}

		// Her own message reaches her other pages too, as hers.
		var mine ConversationMessage
		e.do(t, scenario{method: "POST", path: conv(c.ID, "/messages"), token: els.token,
			body: `{"body":"Top, tot morgen"}`, status: 201}).decode(t, &mine)
		ev = next(t, events)
		if ev.name != "message" || ev.id != mine.ID || !strings.Contains(ev.data, `"mine":true`) {
			t.Fatalf("her own message: %s", ev.raw)
		}
		raw += ev.raw

		e.do(t, scenario{method: "POST", path: conv(c.ID, "/read"), token: piet.token, status: 204})
		ev = next(t, events)
		if ev.name != "read" || !strings.Contains(ev.data, `"conversation_id":"`+c.ID+`"`) || strings.Contains(ev.data, `"message"`) {
			t.Fatalf("read event: %s", ev.raw)
		}

		raw += ev.raw

		// Nothing of where anyone lives.
		for _, k := range []string{`"lat"`, `"lng"`, `"postcode"`, `"house_number"`, `"email"`} {
			if strings.Contains(raw, k) {
				t.Errorf("the stream holds the key %s: %s", k, raw)
			}
		}
		for _, o := range w.everyone() {
			pc := strings.ReplaceAll(o.postcode, " ", "")
			for _, s := range append([]string{o.email, pc, o.postcode, o.houseNumber}, append(coordinateDigits(o.pos.Lat), coordinateDigits(o.pos.Lng)...)...) {
				if strings.Contains(raw, s) {
					t.Errorf("the stream holds %q of %s: %s", s, o.email, raw)
				}
			}
		}
	})
}
