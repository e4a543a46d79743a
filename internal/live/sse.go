package live

import (
	"bufio"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// Frame is one Server-Sent Event.
type Frame struct {
	ID    string // the SSE id (for Last-Event-ID); "" for none
	Event string // the SSE event name
	Data  []byte // one or more lines
}

var (
	// heartbeat is how often an idle stream sends a comment, well inside
	// the minute after which proxies commonly drop a quiet connection.
	heartbeat = 25 * time.Second
	// writeWindow is how long one write may take before the client is
	// taken for gone. The server's WriteTimeout would otherwise end every
	// stream after 90 s; the deadline is moved before each write.
	writeWindow = 30 * time.Second
)

// retryMillis is what the browser waits before reconnecting.
const retryMillis = 3000

// ServeSSE streams sub's events to the client until it goes away or the
// server shuts down, as text/event-stream with a heartbeat comment so
// proxies keep the connection open. render turns an event into frames
// (none to skip it); catchUp, when not nil, is written first (what the
// client missed, e.g. after Last-Event-ID).
//
// It also returns when the subscription ends (the broker ends those that
// missed events, and all of them on CloseAll): the browser then reconnects
// after 3 s with Last-Event-ID. The caller subscribes before building
// catchUp (so nothing falls between the two) and closes sub after ServeSSE
// returns. A client that goes away is not an error; nil is returned.
func ServeSSE(w http.ResponseWriter, r *http.Request, sub *Subscription, catchUp []Frame, render func(Event) ([]Frame, error)) error {
	rc := http.NewResponseController(w)
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no") // nginx: do not buffer the stream
	w.WriteHeader(http.StatusOK)

	bw := bufio.NewWriter(w)
	// send writes what bw holds and flushes it to the client, with a fresh
	// write deadline.
	send := func() error {
		if err := rc.SetWriteDeadline(time.Now().Add(writeWindow)); err != nil && !errors.Is(err, http.ErrNotSupported) {
			return err
		}
		if err := bw.Flush(); err != nil {
			return err
		}
		return rc.Flush()
	}
	// gone turns a write error into nil when the client went away.
	gone := func(err error) error {
		if r.Context().Err() != nil {
			return nil
		}
		return fmt.Errorf("live: write event stream: %w", err)
	}

	fmt.Fprintf(bw, "retry: %d\n\n", retryMillis)
	for _, f := range catchUp {
		writeFrame(bw, f)
	}
	if err := send(); err != nil {
		return gone(err)
	}

	tick := time.NewTicker(heartbeat)
	defer tick.Stop()
	for {
		select {
		case <-r.Context().Done():
			return nil
		case ev, ok := <-sub.C:
			if !ok {
				return nil
			}
			frames, err := render(ev)
			if err != nil {
				return fmt.Errorf("live: render %s event: %w", ev.Kind, err)
			}
			if len(frames) == 0 {
				continue
			}
			for _, f := range frames {
				writeFrame(bw, f)
			}
		case <-tick.C:
			bw.WriteString(": ping\n\n")
		}
		if err := send(); err != nil {
			return gone(err)
		}
	}
}

// writeFrame writes f in the event-stream format: a data: line per line of
// Data. Line breaks in ID and Event would end the field early (and let the
// rest be read as other fields), so they are dropped.
func writeFrame(w *bufio.Writer, f Frame) {
	if f.ID != "" {
		w.WriteString("id: " + oneLine(f.ID) + "\n")
	}
	if f.Event != "" {
		w.WriteString("event: " + oneLine(f.Event) + "\n")
	}
	data := strings.ReplaceAll(string(f.Data), "\r\n", "\n")
	data = strings.ReplaceAll(data, "\r", "\n")
	for _, line := range strings.Split(data, "\n") {
		w.WriteString("data: " + line + "\n")
	}
	w.WriteString("\n")
}

var lineBreaks = strings.NewReplacer("\r", "", "\n", "", "\x00", "")

func oneLine(s string) string { return lineBreaks.Replace(s) }
