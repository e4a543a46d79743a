package live_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/noaber/noaber/internal/live"
	"github.com/noaber/noaber/internal/server"
	"github.com/noaber/noaber/internal/store"
	"github.com/noaber/noaber/internal/testkit"
)

// Capacity measurement, not run in CI:
//
//	NOABER_SSE_CONNECTIONS=10000 go test -count=1 -run TestSSEConnections -v ./internal/live/
//
// The server (this process) holds the streams; the clients run in a second
// process (this test binary again, as TestSSEClientProcess), so that each
// side has its own file descriptor limit. With NOABER_TEST_POSTGRES_URL and
// NOABER_SSE_ENGINE=postgres the event goes through pg_notify and LISTEN.
const (
	connectionsEnv = "NOABER_SSE_CONNECTIONS"
	clientAddrEnv  = "NOABER_SSE_CLIENT_ADDR"
)

func TestSSEConnections(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv(connectionsEnv))
	if n <= 0 || os.Getenv(clientAddrEnv) != "" {
		t.Skipf("a measurement: set %s=10000 to run it", connectionsEnv)
	}
	engine := store.SQLite
	if os.Getenv("NOABER_SSE_ENGINE") == "postgres" {
		engine = store.Postgres
	}
	db := testkit.NewDB(t, engine)
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	b := live.New(db, "", logger)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go b.Run(ctx)
	<-b.Ready()

	before := heap()
	gBefore := runtime.NumGoroutine()

	render := func(ev live.Event) ([]live.Frame, error) {
		return []live.Frame{{ID: ev.MessageID, Event: ev.Kind, Data: []byte(ev.ConversationID)}}, nil
	}
	srv := server.NewHTTPServer("127.0.0.1:0", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sub := b.Subscribe(r.URL.Query().Get("u"))
		defer sub.Close()
		live.ServeSSE(w, r, sub, nil, render)
	}))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	defer srv.Close()

	cmd := exec.Command(os.Args[0], "-test.run=^TestSSEClientProcess$", "-test.v")
	cmd.Env = append(os.Environ(), clientAddrEnv+"="+ln.Addr().String(), fmt.Sprintf("%s=%d", connectionsEnv, n))
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdin, _ := cmd.StdinPipe()
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	lines := bufio.NewScanner(out)
	expect := func(word string) {
		t.Helper()
		for lines.Scan() {
			line := lines.Text()
			if strings.HasPrefix(line, "client: ") {
				t.Log(line)
			}
			if line == word {
				return
			}
		}
		t.Fatalf("client process ended before %q: %v", word, lines.Err())
	}
	expect("connected")
	for b.Connections() != n {
		time.Sleep(10 * time.Millisecond)
	}
	connectTime := time.Since(start)
	after := heap()
	goroutines := runtime.NumGoroutine() - gBefore

	// One event for every connected user, published in one transaction.
	t0 := time.Now()
	err = db.InTx(ctx, func(tx *store.Tx) error {
		for i := 0; i < n; i++ {
			ev := live.Event{UserID: "u" + strconv.Itoa(i), Kind: live.KindMessage, ConversationID: "c", MessageID: "m" + strconv.Itoa(i)}
			if err := b.Publish(ctx, tx, ev); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	committed := time.Since(t0)
	expect("received")
	fanOut := time.Since(t0)

	t.Logf("engine %s: %d open SSE connections (all subscribed after %v)", engine, n, connectTime.Round(time.Millisecond))
	t.Logf("heap in use %.1f MB -> %.1f MB: %.1f KB per connection; stacks %.1f MB: %.1f KB per connection",
		mb(before.HeapInuse), mb(after.HeapInuse), kb(after.HeapInuse-before.HeapInuse)/float64(n),
		mb(after.StackInuse), kb(after.StackInuse-before.StackInuse)/float64(n))
	t.Logf("runtime Sys %.1f MB, RSS %s; goroutines +%d (%.1f per connection)",
		mb(after.Sys), rss(), goroutines, float64(goroutines)/float64(n))
	t.Logf("one event to each of %d users: published and committed in %v, all %d clients had it after %v",
		n, committed.Round(time.Millisecond), n, fanOut.Round(time.Millisecond))

	stdin.Close() // the client hangs up
	cmd.Wait()
	deadline := time.Now().Add(time.Minute)
	for b.Connections() != 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if got := b.Connections(); got != 0 {
		t.Fatalf("%d subscriptions still open after the clients left", got)
	}
}

// TestSSEClientProcess is the client side of TestSSEConnections: it opens
// the streams, says "connected" once all have their first frame, and
// "received" once every stream got an event; it hangs up when its stdin
// closes.
func TestSSEClientProcess(t *testing.T) {
	addr := os.Getenv(clientAddrEnv)
	if addr == "" {
		t.Skip("the client side of TestSSEConnections")
	}
	n, _ := strconv.Atoi(os.Getenv(connectionsEnv))
	conns := make([]net.Conn, n)
	var wg sync.WaitGroup
	var received atomic.Int64
	var failed atomic.Int64
	gotAll := make(chan struct{})
	sem := make(chan struct{}, 100) // connects at a time: the listen backlog
	for i := 0; i < n; i++ {
		wg.Add(1)
		sem <- struct{}{}
		go func(i int) {
			defer wg.Done()
			defer func() { <-sem }()
			c, err := net.Dial("tcp", addr)
			if err != nil {
				failed.Add(1)
				fmt.Fprintf(os.Stderr, "dial %d: %v\n", i, err)
				return
			}
			conns[i] = c
			fmt.Fprintf(c, "GET /events?u=u%d HTTP/1.1\r\nHost: noaber\r\n\r\n", i)
			r := bufio.NewReaderSize(c, 512)
			if !readUntil(r, "retry: 3000") {
				failed.Add(1)
				return
			}
			go func() {
				if readUntil(r, "data: c") && received.Add(1) == int64(n) {
					close(gotAll)
				}
			}()
		}(i)
	}
	wg.Wait()
	if failed.Load() > 0 {
		t.Fatalf("%d connections failed", failed.Load())
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	fmt.Printf("client: %d streams open, client heap %.1f MB\n", n, mb(ms.HeapInuse))
	fmt.Println("connected")
	<-gotAll
	fmt.Println("received")
	io.Copy(io.Discard, os.Stdin)
	for _, c := range conns {
		c.Close()
	}
}

// readUntil reads lines until one contains s; false at the end of the
// stream.
func readUntil(r *bufio.Reader, s string) bool {
	for {
		line, err := r.ReadSlice('\n')
		if bytes.Contains(line, []byte(s)) {
			return true
		}
		if err != nil && err != bufio.ErrBufferFull {
			return false
		}
	}
}

func heap() runtime.MemStats {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms
}

func mb(b uint64) float64 { return float64(b) / (1 << 20) }
func kb(b uint64) float64 { return float64(b) / (1 << 10) }

func rss() string {
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return "unknown"
	}
	for _, line := range strings.Split(string(status), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			return strings.TrimSpace(v)
		}
	}
	return "unknown"
}
