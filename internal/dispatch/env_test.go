package dispatch_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/noaber/noaber/internal/account"
	"github.com/noaber/noaber/internal/apperr"
	"github.com/noaber/noaber/internal/dispatch"
	"github.com/noaber/noaber/internal/geo"
	"github.com/noaber/noaber/internal/help"
	"github.com/noaber/noaber/internal/i18n"
	"github.com/noaber/noaber/internal/jobs"
	"github.com/noaber/noaber/internal/store"
)

// Tuesday 24 November 2026, 10:00 in Amsterdam: awake for default quiet
// hours.
var startTime = time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)

// zutphen is the centre of the test town; helpers are placed east of it
// at the given km.
var zutphen = geo.Point{Lat: 52.1383, Lng: 6.2014}

func east(km float64) geo.Point {
	return geo.Point{Lat: zutphen.Lat, Lng: zutphen.Lng + km/(111.32*0.6140)}
}

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }
func (c *clock) set(t time.Time)     { c.mu.Lock(); c.t = t; c.mu.Unlock() }

// env is one town: accounts, help, jobs and the dispatcher on one
// database, with a clock the test moves.
type env struct {
	t    *testing.T
	ctx  context.Context
	db   *store.DB
	clk  *clock
	acc  *account.Service
	help *help.Service
	q    *jobs.Queue
	d    *dispatch.Service
	n    int
}

func newEnv(t *testing.T, db *store.DB) *env {
	return newEnvAt(t, db, &clock{t: startTime})
}

// newEnvAt builds the services on db with clk: a second call on the same
// database is a restarted instance.
func newEnvAt(t *testing.T, db *store.DB, clk *clock) *env {
	resolver := geo.NewResolver(db, geo.ResolverOptions{})
	q := jobs.New(db, jobs.Options{Now: clk.now})
	acc := account.New(db, q, account.Options{PasswordMemoryKiB: 1024, Now: clk.now, Resolver: resolver})
	acc.OnPositionChange(help.ReindexHelper)
	h := help.New(db, q, acc, resolver, help.Options{Now: clk.now})
	d := dispatch.New(db, q, acc, h, dispatch.Options{Now: clk.now})
	return &env{t: t, ctx: context.Background(), db: db, clk: clk, acc: acc, help: h, q: q, d: d}
}

// person makes a verified user at p who offers the given categories.
func (e *env) person(name string, p geo.Point, offers ...string) *account.User {
	e.t.Helper()
	e.n++
	su := account.SeedUser{Email: fmt.Sprintf("%s%d@example.nl", name, e.n), FirstName: name, Surname: "de Vries",
		Postcode: "7201AB", Town: "Zutphen", Offers: offers,
		Location: geo.Location{Point: p, Town: "Zutphen", MunicipalityCode: "0301", Source: geo.SourceTown}}
	ids, err := e.acc.Seed(e.ctx, []account.SeedUser{su}, "a long password")
	if err != nil {
		e.t.Fatal(err)
	}
	return e.user(ids[0])
}

func (e *env) user(id string) *account.User {
	e.t.Helper()
	u, err := e.acc.User(e.ctx, id)
	if err != nil {
		e.t.Fatal(err)
	}
	return u
}

// helper makes a helper for groceries at km east of the centre, with
// settings changed by opt.
func (e *env) helper(name string, km float64, opt ...func(*help.HelperSettings)) *account.User {
	e.t.Helper()
	u := e.person(name, east(km), "groceries")
	hs := help.HelperSettings{Categories: []string{"groceries"}, RadiusKm: 25, QuietStart: "22:00", QuietEnd: "07:00", WeeklyMax: 10}
	for d := range hs.Availability {
		for p := range hs.Availability[d] {
			hs.Availability[d][p] = true
		}
	}
	for _, o := range opt {
		o(&hs)
	}
	if err := e.help.SaveHelperSettings(e.ctx, u, hs); err != nil {
		e.t.Fatal(err)
	}
	return e.user(u.ID)
}

func groceries() help.RequestInput {
	return help.RequestInput{CategoryID: "groceries", Answers: map[string]string{"what": "Boodschappen bij de Albert Heijn"},
		WhenKind: help.WhenFlexible, PlaceKind: help.PlaceHome}
}

// post posts a request and runs the jobs that are due.
func (e *env) post(seeker *account.User, in help.RequestInput) *help.RequestView {
	e.t.Helper()
	v, err := e.help.CreateRequest(e.ctx, seeker, in, i18n.NL)
	if err != nil {
		e.t.Fatalf("CreateRequest: %v", err)
	}
	e.run()
	return v
}

// run runs the jobs due now.
func (e *env) run() {
	e.t.Helper()
	for i := 0; i < 10; i++ {
		n, err := e.q.RunDue(e.ctx)
		if err != nil {
			e.t.Fatalf("jobs: %v", err)
		}
		if n == 0 {
			return
		}
	}
}

// wait moves the clock on by d and runs what became due.
func (e *env) wait(d time.Duration) {
	e.clk.add(d)
	e.run()
}

// open returns the helper's open invitations.
func (e *env) open(u *account.User) []dispatch.Invitation {
	e.t.Helper()
	list, err := e.d.Invitations(e.ctx, u, i18n.NL)
	if err != nil {
		e.t.Fatal(err)
	}
	var out []dispatch.Invitation
	for _, inv := range list {
		if inv.Status == dispatch.InvOpen {
			out = append(out, inv)
		}
	}
	return out
}

// invitedInOrder lists the helpers invited for a request, in order.
func (e *env) invitedInOrder(requestID string) []string {
	e.t.Helper()
	rows, err := e.db.Query(e.ctx, "SELECT helper_id FROM invitations WHERE request_id = ? ORDER BY rank_no", requestID)
	if err != nil {
		e.t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			e.t.Fatal(err)
		}
		out = append(out, id)
	}
	return out
}

func (e *env) progress(seeker *account.User, id string) *dispatch.Progress {
	e.t.Helper()
	p, err := e.d.Progress(e.ctx, seeker, id)
	if err != nil {
		e.t.Fatal(err)
	}
	return p
}

func (e *env) count(q string, args ...any) int {
	e.t.Helper()
	var n int
	if err := e.db.QueryRow(e.ctx, q, args...).Scan(&n); err != nil {
		e.t.Fatal(err)
	}
	return n
}

// wantCode checks err is an apperr with the given status and code.
func wantCode(t *testing.T, err error, status int, code string) {
	t.Helper()
	ae, ok := apperr.As(err)
	if !ok || ae.Status != status || ae.Code != code {
		t.Fatalf("got %v, want %d %s", err, status, code)
	}
	if ae.Key != "" {
		for _, l := range i18n.Supported {
			if !i18n.Has(l, ae.Key) {
				t.Errorf("key %s missing in %s", ae.Key, l)
			}
		}
	}
}

func ids(us ...*account.User) []string {
	out := make([]string, len(us))
	for i, u := range us {
		out[i] = u.ID
	}
	return out
}
