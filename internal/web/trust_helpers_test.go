package web_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/noaber/noaber/internal/account"
	"github.com/noaber/noaber/internal/dispatch"
	"github.com/noaber/noaber/internal/geo"
	"github.com/noaber/noaber/internal/help"
	"github.com/noaber/noaber/internal/jobs"
	"github.com/noaber/noaber/internal/notify"
	"github.com/noaber/noaber/internal/report"
	"github.com/noaber/noaber/internal/store"
	"github.com/noaber/noaber/internal/testkit"
	"github.com/noaber/noaber/internal/trust"
	"github.com/noaber/noaber/internal/web"
)

// nationalEdition is the edition every seeded member belongs to.
const nationalEdition = account.NationalEditionID

// trustEnv is dispatchEnv with the trust service and the flag checks of
// requests and offers (the report service) wired in, as the app does.
type trustEnv struct {
	*dispatchEnv
	trust *trust.Service
}

func newTrustEnv(t *testing.T, db *store.DB) *trustEnv {
	t.Helper()
	clk := &dispatchClock{t: time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)}
	e := &env{db: db, sink: testkit.NewSMTPSink(t)}
	e.q = jobs.New(db, jobs.Options{Now: clk.now})
	resolver := geo.NewResolver(db, geo.ResolverOptions{})
	e.acc = account.New(db, e.q, account.Options{BaseURL: baseURL, SecretKey: []byte("test"), PasswordMemoryKiB: 1024, Resolver: resolver, Now: clk.now})
	e.acc.OnPositionChange(help.ReindexHelper)
	reports := report.New(db, report.Options{Now: clk.now})
	hs := help.New(db, e.q, e.acc, resolver, help.Options{Now: clk.now, Reports: reports})
	ds := dispatch.New(db, e.q, e.acc, hs, dispatch.Options{Now: clk.now})
	ns := notify.New(db, clk.now)
	ts := trust.New(db, e.acc, trust.Options{Now: clk.now})
	h, err := web.New(web.Deps{Accounts: e.acc, Help: hs, Dispatch: ds, Notify: ns, Reports: reports, Trust: ts, BaseURL: baseURL})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	h.Register(mux)
	e.srv = httptest.NewServer(mux)
	t.Cleanup(e.srv.Close)
	return &trustEnv{dispatchEnv: &dispatchEnv{env: e, clk: clk, help: hs, d: ds, notify: ns}, trust: ts}
}

// coordinator makes a member who coordinates the national edition.
func (e *trustEnv) coordinator(t *testing.T, email, first string) *account.User {
	t.Helper()
	u := e.person(t, email, first, 0.2)
	if err := e.acc.GrantRole(context.Background(), email, "nederland", account.RoleCoordinator); err != nil {
		t.Fatal(err)
	}
	return u
}

// signedIn is a browser signed in as u.
func (e *trustEnv) signedIn(t *testing.T, u *account.User) *browser {
	t.Helper()
	b := e.browser(t)
	b.login(u.Email)
	return b
}
