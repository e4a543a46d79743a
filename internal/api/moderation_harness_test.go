package api

import (
	"context"
	"testing"
	"time"

	"github.com/noaber/noaber/internal/account"
	"github.com/noaber/noaber/internal/dispatch"
	"github.com/noaber/noaber/internal/geo"
	"github.com/noaber/noaber/internal/help"
	"github.com/noaber/noaber/internal/jobs"
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
	trust *trust.Service
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
	broker := startBroker(t, db)
	ms := message.New(db, svc, hs, broker, message.Options{Now: clk.Now, Reports: reports})
	mod := moderation.New(db, q, svc, reports, hs, ds, ms, moderation.Options{Now: clk.Now, BaseURL: "http://noaber.test"})
	ns := notify.New(db, clk.Now)
	e := serve(t, db, clk, Deps{Accounts: svc, Help: hs, Dispatch: ds, Notify: ns, Messages: ms, Live: broker,
		Reports: reports, Moderation: mod, Trust: ts})
	return &trustEnv{env: e, trust: ts}
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
