package live

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"syscall"
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

	// The response is buffered by net/http already (no bufio of our own:
	// 4 KB less per open stream); send flushes it to the client. The
	// deadline is set before anything is written: a write that fills the
	// buffer goes out at once.
	bw := &errWriter{w: w}
	deadline := func() error {
		if err := rc.SetWriteDeadline(time.Now().Add(writeWindow)); err != nil && !errors.Is(err, http.ErrNotSupported) {
			return err
		}
		return nil
	}
	send := func() error {
		if bw.err != nil {
			return bw.err
		}
		return rc.Flush()
	}
	// gone turns a write error into nil when the client went away (the
	// request's context may learn of it a moment after the write does) or
	// stopped reading.
	gone := func(err error) error {
		if r.Context().Err() != nil || errors.Is(err, syscall.EPIPE) || errors.Is(err, syscall.ECONNRESET) ||
			errors.Is(err, net.ErrClosed) || errors.Is(err, os.ErrDeadlineExceeded) {
			return nil
		}
		return fmt.Errorf("live: write event stream: %w", err)
	}

	if err := deadline(); err != nil {
		return gone(err)
	}
	bw.WriteString(fmt.Sprintf("retry: %d\n\n", retryMillis))
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
			if err := deadline(); err != nil {
				return gone(err)
			}
			for _, f := range frames {
				writeFrame(bw, f)
			}
		case <-tick.C:
			if err := deadline(); err != nil {
				return gone(err)
			}
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
func writeFrame(w *errWriter, f Frame) {
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

// errWriter keeps the first write error, so a frame is written without
// checking every line.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) WriteString(s string) {
	if e.err == nil {
		_, e.err = io.WriteString(e.w, s)
	}
}

var lineBreaks = strings.NewReplacer("\r", "", "\n", "", "\x00", "")

func oneLine(s string) string { return lineBreaks.Replace(s) }
