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
	"github.com/noaber/noaber/internal/web"
)

// modEnv is convEnv with trust and safety wired in as the app wires it:
// reports and flags (help, messages and profiles checked by the report
// service) and moderation acting through every domain.
type modEnv struct {
	*convEnv
	reports *report.Service
	mod     *moderation.Service
}

func newModEnv(t *testing.T, db *store.DB) *modEnv {
	t.Helper()
	clk := &dispatchClock{t: time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)}
	e := &env{db: db, sink: testkit.NewSMTPSink(t)}
	e.q = jobs.New(db, jobs.Options{Now: clk.now})
	resolver := geo.NewResolver(db, geo.ResolverOptions{})
	e.acc = account.New(db, e.q, account.Options{BaseURL: baseURL, SecretKey: []byte("test"), PasswordMemoryKiB: 1024, Resolver: resolver, Now: clk.now})
	e.acc.OnPositionChange(help.ReindexHelper)
	rs := report.New(db, report.Options{Now: clk.now})
	e.acc.SetProfileHook(rs.ProfileSaved)
	hs := help.New(db, e.q, e.acc, resolver, help.Options{Now: clk.now, Reports: rs})
	ds := dispatch.New(db, e.q, e.acc, hs, dispatch.Options{Now: clk.now})
	ns := notify.New(db, clk.now)
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
	ms := message.New(db, e.acc, hs, broker, message.Options{Now: clk.now, Reports: rs})
	mod := moderation.New(db, e.q, e.acc, rs, hs, ds, ms, moderation.Options{Now: clk.now, BaseURL: baseURL})
	h, err := web.New(web.Deps{Accounts: e.acc, Help: hs, Dispatch: ds, Notify: ns, Messages: ms, Live: broker,
		Reports: rs, Moderation: mod, BaseURL: baseURL, Logger: slog.New(slog.NewTextHandler(testLog{t}, nil))})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	h.Register(mux)
	e.srv = httptest.NewServer(mux)
	t.Cleanup(e.srv.Close)
	ce := &convEnv{dispatchEnv: &dispatchEnv{env: e, clk: clk, help: hs, d: ds, notify: ns}, msg: ms, live: broker}
	return &modEnv{convEnv: ce, reports: rs, mod: mod}
}

// testLog shows the pages' log (a failed page's error) in the test's
// output.
type testLog struct{ t *testing.T }

func (l testLog) Write(p []byte) (int, error) {
	l.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

// moderator makes u a moderator of the edition with the slug.
func (e *modEnv) moderator(t *testing.T, u *account.User, editionSlug string) {
	t.Helper()
	if err := e.acc.GrantRole(context.Background(), u.Email, editionSlug, account.RoleModerator); err != nil {
		t.Fatal(err)
	}
}

// edition adds a local edition (no area of its own: nobody lives there
// unless a test moves them) and returns its id.
func (e *modEnv) edition(t *testing.T, slug, name string) string {
	t.Helper()
	id := "00000000-0000-7000-8000-0000000000b2"
	if _, err := e.db.Exec(context.Background(), "INSERT INTO editions (id, slug, name, is_national, created_at) VALUES (?, ?, ?, ?, ?)",
		id, slug, name, false, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	return id
}

// fileReport files a member's report directly and returns its id.
func (e *modEnv) fileReport(t *testing.T, by *account.User, kind, id, reason, note string) string {
	t.Helper()
	f, err := e.reports.File(context.Background(), by, report.Input{TargetKind: kind, TargetID: id, Reason: reason, Note: note})
	if err != nil {
		t.Fatal(err)
	}
	return f.ID
}
