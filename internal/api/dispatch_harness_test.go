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
	"github.com/noaber/noaber/internal/notify"
	"github.com/noaber/noaber/internal/store"
)

// dispatchEnv is newHelpEnv with the dispatcher and the notifications
// wired in as internal/app does it, on one test clock. Nothing runs in the
// background: a test moves the dispatch on with runJobs.
type dispatchEnv struct {
	*env
	queue *jobs.Queue
}

// newDispatchEnv starts the clock at 10:00 in the Netherlands tomorrow, so
// that no invitation waits for the end of anyone's quiet hours.
func newDispatchEnv(t *testing.T, db *store.DB) *dispatchEnv {
	t.Helper()
	d := time.Now().In(amsterdam)
	clk := &clock{now: time.Date(d.Year(), d.Month(), d.Day()+1, 10, 0, 0, 0, amsterdam).UTC()}
	q := jobs.New(db, jobs.Options{Now: clk.Now})
	// The mails are read from the jobs table (lastLink); sending them is
	// another package's test.
	q.Handle(noabermail.SendKind, func(context.Context, *jobs.Job) error { return nil })
	// Delivery by push and e-mail is the notify package's test; here the
	// in-app notifications are what counts.
	q.Handle(notify.DeliverKind, func(context.Context, *jobs.Job) error { return nil })
	svc := account.New(db, q, account.Options{
		BaseURL: "http://noaber.test", SecretKey: []byte("test"), PasswordMemoryKiB: 1024, Now: clk.Now,
	})
	hs := help.New(db, q, svc, geo.NewResolver(db, geo.ResolverOptions{}), help.Options{Now: clk.Now})
	ds := dispatch.New(db, q, svc, hs, dispatch.Options{Now: clk.Now})
	ns := notify.New(db, clk.Now)
	return &dispatchEnv{env: serve(t, db, clk, Deps{Accounts: svc, Help: hs, Dispatch: ds, Notify: ns}), queue: q}
}

// runJobs runs every job that is due on the test clock: starting a
// dispatch, sending, deadlines, escalation.
func (e *dispatchEnv) runJobs(t *testing.T) {
	t.Helper()
	if _, err := e.queue.RunDue(context.Background()); err != nil {
		t.Fatalf("run due jobs: %v", err)
	}
	// A dispatch job that failed, for good or for now, is a bug here.
	var kind, msg string
	err := e.db.QueryRow(context.Background(), "SELECT kind, last_error FROM jobs WHERE last_error <> '' ORDER BY created_at LIMIT 1").Scan(&kind, &msg)
	if err == nil {
		t.Fatalf("job %s failed: %s", kind, msg)
	}
}

// grant makes n a coordinator of the edition with the given slug.
func (e *dispatchEnv) grant(t *testing.T, n *neighbour, slug string) {
	t.Helper()
	if err := e.svc.GrantRole(context.Background(), n.email, slug, account.RoleCoordinator); err != nil {
		t.Fatal(err)
	}
}
