package api

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/routers/gorillamux"

	"github.com/noaber/noaber/internal/account"
	"github.com/noaber/noaber/internal/dispatch"
	"github.com/noaber/noaber/internal/geo"
	"github.com/noaber/noaber/internal/help"
	"github.com/noaber/noaber/internal/jobs"
	"github.com/noaber/noaber/internal/live"
	noabermail "github.com/noaber/noaber/internal/mail"
	"github.com/noaber/noaber/internal/message"
	"github.com/noaber/noaber/internal/moderation"
	"github.com/noaber/noaber/internal/notify"
	"github.com/noaber/noaber/internal/report"
	"github.com/noaber/noaber/internal/store"
	"github.com/noaber/noaber/internal/trust"
)

// trustEnv is every service wired as internal/app does it, trust and
// safety included, on one test clock. Jobs do not run by themselves; the
// e-mails they would send are read from the jobs table.
type trustEnv struct {
	*env
	queue      *jobs.Queue
	reports    *report.Service
	trust      *trust.Service
	moderation *moderation.Service
	messages   *message.Service
}

func newTrustEnv(t *testing.T, db *store.DB) *trustEnv {
	t.Helper()
	clk := &clock{now: time.Now().UTC().Truncate(time.Second)}
	q := jobs.New(db, jobs.Options{Now: clk.Now})
	q.Handle(noabermail.SendKind, func(context.Context, *jobs.Job) error { return nil })
	q.Handle(notify.DeliverKind, func(context.Context, *jobs.Job) error { return nil })
	svc := account.New(db, q, account.Options{
		BaseURL: "http://noaber.test", SecretKey: []byte("test"), PasswordMemoryKiB: 1024, Now: clk.Now,
	})
	reports := report.New(db, report.Options{Now: clk.Now})
	svc.SetProfileHook(reports.ProfileSaved)
	ts := trust.New(db, svc, trust.Options{Now: clk.Now})
	hs := help.New(db, q, svc, geo.NewResolver(db, geo.ResolverOptions{}), help.Options{Now: clk.Now, Reports: reports})
	ds := dispatch.New(db, q, svc, hs, dispatch.Options{Now: clk.Now})
	broker := live.New(db, "", nil)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); broker.Run(ctx) }()
	t.Cleanup(func() { broker.CloseAll(); cancel(); <-done })
	select {
	case <-broker.Ready():
	case <-time.After(30 * time.Second):
		t.Fatal("the live broker did not start listening")
	}
	ms := message.New(db, svc, hs, broker, message.Options{Now: clk.Now, Reports: reports})
	mod := moderation.New(db, q, svc, reports, hs, ds, ms, moderation.Options{Now: clk.Now, BaseURL: "http://noaber.test"})
	ns := notify.New(db, clk.Now)
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusNotFound)
		io.WriteString(w, "<!doctype html><title>page</title>")
	})
	New(Deps{Accounts: svc, Help: hs, Dispatch: ds, Notify: ns, Messages: ms, Live: broker,
		Reports: reports, Moderation: mod, Trust: ts, BaseURL: "http://noaber.test", TrustProxy: true}).Register(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	t.Cleanup(broker.CloseAll)
	spec := loadSpec(t)
	router, err := gorillamux.NewRouter(spec)
	if err != nil {
		t.Fatalf("openapi router: %v", err)
	}
	return &trustEnv{env: &env{t: t, db: db, svc: svc, srv: srv, router: router, spec: spec, clock: clk},
		queue: q, reports: reports, trust: ts, moderation: mod, messages: ms}
}

// grantRole gives n role in the edition with the given slug.
func (e *trustEnv) grantRole(t *testing.T, n *neighbour, slug, role string) {
	t.Helper()
	if err := e.svc.GrantRole(context.Background(), n.email, slug, role); err != nil {
		t.Fatal(err)
	}
}

// user reads a user as the services see them.
func (e *trustEnv) user(t *testing.T, n *neighbour) *account.User {
	t.Helper()
	u, err := e.svc.User(context.Background(), n.id)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
