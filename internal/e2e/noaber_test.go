package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/noaber/noaber/internal/app"
	"github.com/noaber/noaber/internal/config"
	"github.com/noaber/noaber/internal/testkit"
)

// noaber is one running instance of the whole app.
type noaber struct {
	base string // "http://127.0.0.1:port"
	sink *testkit.SMTPSink
	logs *logBuffer
	app  *app.App // for seeding a world directly through the services
}

// startNoaber starts the whole app on a listener of its own, with mail
// going to an SMTP sink, and stops it when the test ends. The app's log is
// shown only when the test fails.
func startNoaber(t *testing.T, databaseURL string) (string, *testkit.SMTPSink, *logBuffer) {
	t.Helper()
	n := startApp(t, databaseURL)
	return n.base, n.sink, n.logs
}

// startApp is startNoaber that also hands back the app, so a test can
// create users, requests and offers through its services.
func startApp(t *testing.T, databaseURL string) *noaber {
	t.Helper()
	sink := testkit.NewSMTPSink(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	cfg := config.Config{
		DatabaseURL: databaseURL,
		Listen:      addr,
		BaseURL:     "http://" + addr,
		LogLevel:    slog.LevelDebug,
		LogFormat:   "text",
		JobWorkers:  2,
		SMTP:        config.SMTP{Host: sink.Host(), Port: sink.Port(), From: "Noaber <noreply@noaber.test>", TLS: "none"},
	}
	logs := &logBuffer{}
	logger := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: cfg.LogLevel}))

	ctx, stop := context.WithCancel(context.Background())
	a, err := app.New(ctx, cfg, logger, app.Options{PasswordMemoryKiB: 1024, JobPoll: 50 * time.Millisecond})
	if err != nil {
		stop()
		ln.Close()
		t.Fatalf("start Noaber: %v", err)
	}
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx, ln, nil) }()
	t.Cleanup(func() {
		stop()
		if err := <-done; err != nil {
			t.Errorf("Noaber stopped with: %v", err)
		}
		if err := a.Close(); err != nil {
			t.Errorf("close the database: %v", err)
		}
		if t.Failed() {
			t.Logf("Noaber's log:\n%s", logs.String())
		}
	})
	return &noaber{base: cfg.BaseURL, sink: sink, logs: logs, app: a}
}

// logBuffer keeps the app's log; handlers write from many goroutines.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// token logs r in through the API and returns the bearer token.
func token(t *testing.T, n *noaber, r *resident) string {
	t.Helper()
	status, body := post(t, n.base+"/api/v1/tokens", "", map[string]any{"email": r.email, "password": seedPassword})
	if status != http.StatusCreated && status != http.StatusOK {
		t.Fatalf("token for %s: %d %s", r.first, status, body)
	}
	var v struct {
		Token string `json:"token"`
	}
	if err := json.Unmarshal([]byte(body), &v); err != nil || v.Token == "" {
		t.Fatalf("token answer %s: %v", body, err)
	}
	return v.Token
}

// post sends v as JSON to url, with the bearer token when not "", and
// returns the status and body.
func post(t *testing.T, url, token string, v any) (int, string) {
	t.Helper()
	b, _ := json.Marshal(v)
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := (&http.Client{Timeout: 30 * time.Second}).Do(req)
	if err != nil {
		t.Fatalf("POST %s: %v", url, err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(out)
}
