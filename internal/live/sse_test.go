package live

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/noaber/noaber/internal/store"
	"github.com/noaber/noaber/internal/testkit"
)

// sseServer serves a stream for the user in ?u= the way a page handler
// does: subscribe, catch up, ServeSSE, close. ServeSSE's result goes to
// the returned channel.
func sseServer(t *testing.T, b *Broker, catchUp []Frame, render func(Event) ([]Frame, error)) (*httptest.Server, chan error) {
	t.Helper()
	results := make(chan error, 10)
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sub := b.Subscribe(r.URL.Query().Get("u"))
		defer sub.Close()
		results <- ServeSSE(w, r, sub, catchUp, render)
	}))
	return srv, results
}

// start starts srv and closes it at the end of the test, after the
// streams' own clean-ups ended their requests (Close waits for them).
func start(t *testing.T, srv *httptest.Server) {
	srv.Start()
	t.Cleanup(srv.Close)
}

func renderMessage(ev Event) ([]Frame, error) {
	if ev.Kind == KindRead {
		return nil, nil // the test page ignores read markers
	}
	return []Frame{{ID: ev.MessageID, Event: ev.Kind, Data: []byte("<li>\r\n" + ev.MessageID + "\n</li>")}}, nil
}

// stream opens the event stream and returns its reader and a cancel.
func stream(t *testing.T, srv *httptest.Server, user string) (*http.Response, *bufio.Reader, context.CancelFunc) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL+"/?u="+user, nil)
	res, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { res.Body.Close() })
	return res, bufio.NewReader(res.Body), cancel
}

// readFrame reads up to and including the next blank line.
func readFrame(t *testing.T, r *bufio.Reader) string {
	t.Helper()
	type result struct {
		s   string
		err error
	}
	c := make(chan result, 1)
	go func() {
		var sb strings.Builder
		for {
			line, err := r.ReadString('\n')
			sb.WriteString(line)
			if err != nil || line == "\n" {
				c <- result{sb.String(), err}
				return
			}
		}
	}()
	select {
	case res := <-c:
		if res.err != nil {
			t.Fatalf("stream ended after %q: %v", res.s, res.err)
		}
		return res.s
	case <-time.After(patience):
		t.Fatal("no frame arrived")
	}
	return ""
}

func waitResult(t *testing.T, results chan error) {
	t.Helper()
	select {
	case err := <-results:
		if err != nil {
			t.Fatalf("ServeSSE = %v, want nil", err)
		}
	case <-time.After(patience):
		t.Fatal("ServeSSE did not return")
	}
}

func TestServeSSEWritesCatchUpThenEvents(t *testing.T) {
	db := testkit.NewDB(t, store.SQLite)
	b := New(db, "", quiet)
	catchUp := []Frame{
		{ID: "m0", Event: KindMessage, Data: []byte("earlier\nmissed")},
		{ID: "x\nevent: evil", Event: "done\r\n", Data: []byte("one")},
	}
	srv, _ := sseServer(t, b, catchUp, renderMessage)
	start(t, srv)
	res, r, _ := stream(t, srv, "ann")
	for h, want := range map[string]string{
		"Content-Type":      "text/event-stream",
		"Cache-Control":     "no-store",
		"X-Accel-Buffering": "no",
	} {
		if got := res.Header.Get(h); got != want {
			t.Errorf("%s = %q, want %q", h, got, want)
		}
	}
	want := []string{
		"retry: 3000\n\n",
		"id: m0\nevent: message\ndata: earlier\ndata: missed\n\n",
		// A line break cannot smuggle in a field.
		"id: xevent: evil\nevent: done\ndata: one\n\n",
	}
	for _, w := range want {
		if got := readFrame(t, r); got != w {
			t.Fatalf("frame %q, want %q", got, w)
		}
	}
	// The stream is open, so ann is subscribed. A read marker renders to
	// nothing and is skipped; the message after it comes through.
	publish(t, db, b, Event{UserID: "ann", Kind: KindRead, ConversationID: "c1"}, msg("ann", "m1"), msg("bob", "m2"))
	if got, w := readFrame(t, r), "id: m1\nevent: message\ndata: <li>\ndata: m1\ndata: </li>\n\n"; got != w {
		t.Fatalf("frame %q, want %q", got, w)
	}
}

func TestServeSSEReturnsWhenTheClientGoes(t *testing.T) {
	db := testkit.NewDB(t, store.SQLite)
	b := New(db, "", quiet)
	srv, results := sseServer(t, b, nil, renderMessage)
	start(t, srv)
	_, r, cancel := stream(t, srv, "ann")
	readFrame(t, r)
	if got := b.Connections(); got != 1 {
		t.Fatalf("Connections = %d, want 1", got)
	}
	cancel()
	waitResult(t, results)
	// The handler closes the subscription once ServeSSE returns.
	deadline := time.Now().Add(patience)
	for b.Connections() != 0 {
		if time.Now().After(deadline) {
			t.Fatal("subscription still open after the client left")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestServeSSEReturnsWhenTheSubscriptionEnds(t *testing.T) {
	db := testkit.NewDB(t, store.SQLite)
	b := New(db, "", quiet)
	srv, results := sseServer(t, b, nil, renderMessage)
	start(t, srv)
	_, r, _ := stream(t, srv, "ann")
	readFrame(t, r)
	b.CloseAll()
	waitResult(t, results)
	if rest, err := io.ReadAll(r); err != nil || len(rest) != 0 {
		t.Fatalf("after the end: %q, %v; want a clean end of stream", rest, err)
	}
}

// TestServeSSEHeartbeatOutlivesWriteTimeout: an idle stream sends ping
// comments, and keeps going well past the server's WriteTimeout because
// ServeSSE moves the write deadline before each write.
func TestServeSSEHeartbeatOutlivesWriteTimeout(t *testing.T) {
	defer func(h time.Duration) { heartbeat = h }(heartbeat)
	heartbeat = 20 * time.Millisecond
	db := testkit.NewDB(t, store.SQLite)
	b := New(db, "", quiet)
	srv, _ := sseServer(t, b, nil, renderMessage)
	srv.Config.WriteTimeout = 100 * time.Millisecond
	start(t, srv)
	_, r, _ := stream(t, srv, "ann")
	readFrame(t, r)
	start := time.Now()
	pings := 0
	for time.Since(start) < 4*srv.Config.WriteTimeout {
		if got := readFrame(t, r); got != ": ping\n\n" {
			t.Fatalf("frame %q, want a ping", got)
		}
		pings++
	}
	publish(t, db, b, msg("ann", "late"))
	for {
		got := readFrame(t, r)
		if got == ": ping\n\n" {
			continue
		}
		if !strings.HasPrefix(got, "id: late\n") {
			t.Fatalf("frame %q, want the late message", got)
		}
		break
	}
	t.Logf("%d pings", pings)
}

// TestServeSSEWithoutWriteDeadlines: a ResponseWriter that cannot set
// deadlines (a recorder, some middleware) still gets its stream.
func TestServeSSEWithoutWriteDeadlines(t *testing.T) {
	db := testkit.NewDB(t, store.SQLite)
	b := New(db, "", quiet)
	sub := b.Subscribe("ann")
	defer sub.Close()
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // the client is already gone after the catch-up
	r := httptest.NewRequestWithContext(ctx, "GET", "/", nil)
	w := httptest.NewRecorder()
	err := ServeSSE(w, r, sub, []Frame{{Event: "hello", Data: []byte("x")}}, renderMessage)
	if err != nil {
		t.Fatalf("ServeSSE = %v", err)
	}
	if got, want := w.Body.String(), "retry: 3000\n\nevent: hello\ndata: x\n\n"; got != want {
		t.Fatalf("body %q, want %q", got, want)
	}
	if !w.Flushed {
		t.Fatal("not flushed")
	}
}
