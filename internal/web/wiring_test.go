package web_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/noaber/noaber/internal/account"
	"github.com/noaber/noaber/internal/dispatch"
	"github.com/noaber/noaber/internal/geo"
	"github.com/noaber/noaber/internal/help"
	"github.com/noaber/noaber/internal/jobs"
	"github.com/noaber/noaber/internal/live"
	"github.com/noaber/noaber/internal/message"
	"github.com/noaber/noaber/internal/moderation"
	"github.com/noaber/noaber/internal/notify"
	"github.com/noaber/noaber/internal/report"
	"github.com/noaber/noaber/internal/store"
	"github.com/noaber/noaber/internal/testkit"
	"github.com/noaber/noaber/internal/trust"
	"github.com/noaber/noaber/internal/web"
)

// wiring is what a page test wires in beside accounts, help, the
// dispatcher and notifications. Each part is wired as internal/app wires
// it; what is left out stays nil in web.Deps.
type wiring struct {
	messages   bool // conversations, with the live broker
	reports    bool // flag checks of requests, offers, messages and profiles
	moderation bool // needs messages and reports
	trust      bool
}

// wired is what newWired built besides the dispatchEnv; nil for what the
// wiring left out.
type wired struct {
	msg     *message.Service
	live    *live.Broker
	reports *report.Service
	mod     *moderation.Service
	trust   *trust.Service
}

// newWired builds the services on one clock and serves the pages on them.
// newDispatchEnv, newConvEnv, newModEnv and newTrustEnv are its wirings.
func newWired(t *testing.T, db *store.DB, w wiring) (*dispatchEnv, wired) {
	t.Helper()
	var s wired
	clk := &dispatchClock{t: time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)}
	e := &env{db: db, sink: testkit.NewSMTPSink(t)}
	e.q = jobs.New(db, jobs.Options{Now: clk.now})
	resolver := geo.NewResolver(db, geo.ResolverOptions{})
	e.acc = account.New(db, e.q, account.Options{BaseURL: baseURL, SecretKey: []byte("test"), PasswordMemoryKiB: 1024, Resolver: resolver, Now: clk.now})
	e.acc.OnPositionChange(help.ReindexHelper)
	if w.reports {
		s.reports = report.New(db, report.Options{Now: clk.now})
		e.acc.SetProfileHook(s.reports.ProfileSaved)
	}
	hs := help.New(db, e.q, e.acc, resolver, help.Options{Now: clk.now, Reports: s.reports})
	ds := dispatch.New(db, e.q, e.acc, hs, dispatch.Options{Now: clk.now})
	ns := notify.New(db, clk.now)
	if w.messages {
		s.live = startBroker(t, db)
		s.msg = message.New(db, e.acc, hs, s.live, message.Options{Now: clk.now, Reports: s.reports})
	}
	if w.moderation {
		s.mod = moderation.New(db, e.q, e.acc, s.reports, hs, ds, s.msg, moderation.Options{Now: clk.now, BaseURL: baseURL})
	}
	if w.trust {
		s.trust = trust.New(db, e.acc, trust.Options{Now: clk.now})
	}
	h, err := web.New(web.Deps{Accounts: e.acc, Help: hs, Dispatch: ds, Notify: ns, Messages: s.msg, Live: s.live,
		Reports: s.reports, Moderation: s.mod, Trust: s.trust, BaseURL: baseURL, Logger: slog.New(slog.NewTextHandler(testLog{t}, nil))})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	h.Register(mux)
	e.srv = httptest.NewServer(mux)
	t.Cleanup(e.srv.Close)
	return &dispatchEnv{env: e, clk: clk, help: hs, d: ds, notify: ns}, s
}

// startBroker runs a live broker until the test ends; on PostgreSQL it
// listens for the events of other connections.
func startBroker(t *testing.T, db *store.DB) *live.Broker {
	t.Helper()
	dsn := ""
	if db.Engine() == store.Postgres {
		dsn = db.URL
	}
	broker := live.New(db, dsn, slog.New(slog.DiscardHandler))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { broker.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	select {
	case <-broker.Ready():
	case <-time.After(30 * time.Second):
		t.Fatal("the live broker did not start listening")
	}
	return broker
}

// testLog shows the pages' log (a failed page's error) in the test's
// output.
type testLog struct{ t *testing.T }

func (l testLog) Write(p []byte) (int, error) {
	l.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

// as is a browser signed in as u.
func (e *dispatchEnv) as(t *testing.T, u *account.User) *browser {
	t.Helper()
	b := e.browser(t)
	b.login(u.Email)
	return b
}
