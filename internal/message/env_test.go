package message_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
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
	"github.com/noaber/noaber/internal/live"
	"github.com/noaber/noaber/internal/message"
	"github.com/noaber/noaber/internal/report"
	"github.com/noaber/noaber/internal/store"
)

// Tuesday 24 November 2026, 10:00 in Amsterdam.
var startTime = time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)

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

// env is one town: accounts, help, the dispatcher, the live broker and
// messages on one database, with a clock the test moves.
type env struct {
	t    testing.TB
	ctx  context.Context
	db   *store.DB
	clk  *clock
	acc  *account.Service
	help *help.Service
	q    *jobs.Queue
	d    *dispatch.Service
	live *live.Broker
	m    *message.Service
	n    int

	reports *report.Service
}

func newEnv(t testing.TB, db *store.DB) *env {
	clk := &clock{t: startTime}
	resolver := geo.NewResolver(db, geo.ResolverOptions{})
	// The delivery jobs the messages queue have no handler here: quiet.
	q := jobs.New(db, jobs.Options{Now: clk.now, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	acc := account.New(db, q, account.Options{PasswordMemoryKiB: 1024, Now: clk.now, Resolver: resolver})
	acc.OnPositionChange(help.ReindexHelper)
	h := help.New(db, q, acc, resolver, help.Options{Now: clk.now})
	d := dispatch.New(db, q, acc, h, dispatch.Options{Now: clk.now})
	b := live.New(db, "", nil)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { b.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	select {
	case <-b.Ready():
	case <-time.After(30 * time.Second):
		t.Fatal("live broker not ready")
	}
	// The real flag rules, as the app wires them.
	reports := report.New(db, report.Options{Now: clk.now})
	m := message.New(db, acc, h, b, message.Options{Now: clk.now, Reports: reports})
	return &env{t: t, ctx: context.Background(), db: db, clk: clk, acc: acc, help: h, q: q, d: d, live: b, m: m, reports: reports}
}

// person makes a verified user at p who offers the given categories, a
// member for a month (past the limits of new accounts).
func (e *env) person(name string, p geo.Point, offers ...string) *account.User {
	e.t.Helper()
	return e.personSince(name, p, e.clk.now().Add(-30*24*time.Hour), offers...)
}

// personSince makes a verified user who signed up at created.
func (e *env) personSince(name string, p geo.Point, created time.Time, offers ...string) *account.User {
	e.t.Helper()
	e.n++
	su := account.SeedUser{Email: fmt.Sprintf("%s%d@example.nl", strings.ToLower(name), e.n), FirstName: name, Surname: "de Vries",
		Postcode: "7201AB", Town: "Zutphen", Offers: offers, CreatedAt: created,
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

// helper makes a helper for groceries at km east of the centre, always
// available.
func (e *env) helper(name string, km float64) *account.User {
	e.t.Helper()
	u := e.person(name, east(km), "groceries")
	hs := help.HelperSettings{Categories: []string{"groceries"}, RadiusKm: 25, QuietStart: "22:00", QuietEnd: "07:00", WeeklyMax: 10}
	for d := range hs.Availability {
		for p := range hs.Availability[d] {
			hs.Availability[d][p] = true
		}
	}
	if err := e.help.SaveHelperSettings(e.ctx, u, hs); err != nil {
		e.t.Fatal(err)
	}
	return e.user(u.ID)
}

// post posts a request for groceries (only shown when showOnly: nobody is
// invited) and runs the jobs that are due.
func (e *env) post(seeker *account.User, showOnly bool) *help.RequestView {
	e.t.Helper()
	in := help.RequestInput{CategoryID: "groceries", Answers: map[string]string{"what": "Boodschappen bij de Albert Heijn"},
		WhenKind: help.WhenFlexible, PlaceKind: help.PlaceHome, ShowOnly: showOnly}
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

// accept lets helper accept their open invitation.
func (e *env) accept(helper *account.User) *dispatch.Match {
	e.t.Helper()
	list, err := e.d.Invitations(e.ctx, helper, i18n.NL)
	if err != nil {
		e.t.Fatal(err)
	}
	for _, inv := range list {
		if inv.Status == dispatch.InvOpen {
			m, err := e.d.Accept(e.ctx, helper, inv.ID)
			if err != nil {
				e.t.Fatal(err)
			}
			return m
		}
	}
	e.t.Fatalf("%s has no open invitation", helper.FirstName)
	return nil
}

// direct starts a conversation from a profile with a first message.
func (e *env) direct(from, to *account.User, body string) (*message.Conversation, *message.Message) {
	e.t.Helper()
	c, m, err := e.m.Start(e.ctx, from, message.StartInput{UserID: to.ID, Body: body})
	if err != nil {
		e.t.Fatalf("Start: %v", err)
	}
	return c, m
}

func (e *env) send(from *account.User, convID, body string) *message.Message {
	e.t.Helper()
	m, err := e.m.Send(e.ctx, from, convID, body, "")
	if err != nil {
		e.t.Fatalf("Send: %v", err)
	}
	return m
}

func (e *env) get(u *account.User, id string) *message.Conversation {
	e.t.Helper()
	c, err := e.m.Get(e.ctx, u, id)
	if err != nil {
		e.t.Fatalf("Get: %v", err)
	}
	return c
}

func (e *env) count(q string, args ...any) int {
	e.t.Helper()
	var n int
	if err := e.db.QueryRow(e.ctx, q, args...).Scan(&n); err != nil {
		e.t.Fatal(err)
	}
	return n
}

func (e *env) exec(q string, args ...any) {
	e.t.Helper()
	if _, err := e.db.Exec(e.ctx, q, args...); err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) unread(u *account.User) int {
	e.t.Helper()
	n, err := e.m.UnreadTotal(e.ctx, u.ID)
	if err != nil {
		e.t.Fatal(err)
	}
	return n
}

// snapshot is every row a refused write could change.
func (e *env) snapshot() string {
	e.t.Helper()
	var out string
	for _, q := range []string{
		"SELECT id || ':' || body FROM messages ORDER BY id",
		`SELECT id || ':' || seeker_unread || ':' || helper_unread || ':' || COALESCE(CAST(last_message_at AS TEXT), '') ||
			COALESCE(CAST(done_at AS TEXT), '') FROM conversations ORDER BY id`,
		"SELECT id || ':' || user_id || ':' || kind FROM notifications ORDER BY id",
		"SELECT id || ':' || kind FROM jobs WHERE kind = 'notify.deliver' ORDER BY id",
		"SELECT id FROM thanks ORDER BY id",
		"SELECT id || ':' || status FROM requests ORDER BY id",
	} {
		rows, err := e.db.Query(e.ctx, q)
		if err != nil {
			e.t.Fatal(err)
		}
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				e.t.Fatal(err)
			}
			out += s + "\n"
		}
		rows.Close()
	}
	return out
}

// wantCode checks err is an apperr with the given status and code, whose
// key is in every catalog.
func wantCode(t testing.TB, err error, status int, code string) {
	t.Helper()
	ae, ok := apperr.As(err)
	if !ok || ae.Status != status || ae.Code != code {
		t.Fatalf("got %v, want %d %s", err, status, code)
	}
	wantKeys(t, ae)
}

// wantField checks err is a validation error of field with key.
func wantField(t testing.TB, err error, field, key string) {
	t.Helper()
	ae, ok := apperr.As(err)
	if !ok || ae.Status != 422 || ae.Field(field) != key {
		t.Fatalf("got %v, want 422 %s: %s", err, field, key)
	}
	wantKeys(t, ae)
}

func wantKeys(t testing.TB, ae *apperr.Error) {
	t.Helper()
	keys := []string{ae.Key}
	for _, f := range ae.Fields {
		keys = append(keys, f.Key)
	}
	for _, k := range keys {
		for _, l := range i18n.Supported {
			if !i18n.Has(l, k) {
				t.Errorf("key %s missing in %s", k, l)
			}
		}
	}
}

// events collects what a subscription receives until the test asks.
func next(t testing.TB, sub *live.Subscription) live.Event {
	t.Helper()
	select {
	case ev, ok := <-sub.C:
		if !ok {
			t.Fatal("subscription ended")
		}
		return ev
	case <-time.After(10 * time.Second):
		t.Fatal("no event within 10 s")
	}
	return live.Event{}
}
