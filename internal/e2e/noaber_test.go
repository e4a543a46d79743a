package e2e

import (
	"bytes"
	"context"
	"log/slog"
	"net"
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
	return testkit.APIToken(t, n.base, r.email, seedPassword)
}
