package moderation_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/noaber/noaber/internal/account"
	"github.com/noaber/noaber/internal/apperr"
	"github.com/noaber/noaber/internal/dispatch"
	"github.com/noaber/noaber/internal/geo"
	"github.com/noaber/noaber/internal/help"
	"github.com/noaber/noaber/internal/i18n"
	"github.com/noaber/noaber/internal/jobs"
	"github.com/noaber/noaber/internal/live"
	"github.com/noaber/noaber/internal/mail"
	"github.com/noaber/noaber/internal/message"
	"github.com/noaber/noaber/internal/moderation"
	"github.com/noaber/noaber/internal/report"
	"github.com/noaber/noaber/internal/store"
	"github.com/noaber/noaber/internal/testkit"
)

// Tuesday 24 November 2026, 10:00 in Amsterdam.
var startTime = time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)

var zutphen = geo.Point{Lat: 52.1383, Lng: 6.2014}

func east(km float64) geo.Point {
	return geo.Point{Lat: zutphen.Lat, Lng: zutphen.Lng + km/(111.32*0.6140)}
}

// The national edition (migration 001) and two local ones the tests make.
const (
	national = "00000000-0000-7000-8000-000000000001"
	edA      = "00000000-0000-7000-8000-00000000000a"
	edB      = "00000000-0000-7000-8000-00000000000b"
)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// env is one town with every service moderation acts through, on one
// database, a clock the test moves and (with mails) an SMTP sink.
type env struct {
	t    testing.TB
	ctx  context.Context
	db   *store.DB
	clk  *clock
	q    *jobs.Queue
	acc  *account.Service
	help *help.Service
	d    *dispatch.Service
	m    *message.Service
	r    *report.Service
	mod  *moderation.Service
	sink *testkit.SMTPSink
	n    int
}

func newEnv(t testing.TB, db *store.DB, withMail bool) *env {
	clk := &clock{t: startTime}
	resolver := geo.NewResolver(db, geo.ResolverOptions{})
	q := jobs.New(db, jobs.Options{Now: clk.now, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	acc := account.New(db, q, account.Options{PasswordMemoryKiB: 1024, Now: clk.now, Resolver: resolver})
	acc.OnPositionChange(help.ReindexHelper)
	r := report.New(db, report.Options{Now: clk.now})
	acc.SetProfileHook(r.ProfileSaved)
	h := help.New(db, q, acc, resolver, help.Options{Now: clk.now, Reports: r})
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
	m := message.New(db, acc, h, b, message.Options{Now: clk.now, Reports: r})
	mod := moderation.New(db, q, acc, r, h, d, m, moderation.Options{Now: clk.now, BaseURL: "https://noaber.test/"})
	e := &env{t: t, ctx: context.Background(), db: db, clk: clk, q: q, acc: acc, help: h, d: d, m: m, r: r, mod: mod}
	if withMail {
		e.sink = testkit.NewSMTPSink(t)
		mail.RegisterSender(q, mail.NewSender(mail.SMTPConfig{
			Host: e.sink.Host(), Port: e.sink.Port(), TLS: mail.TLSNone, From: "Noaber <noreply@noaber.test>", Timeout: 5 * time.Second,
		}))
	} else {
		// Mails are queued; without a sender the test leaves them be.
		q.Handle(mail.SendKind, func(context.Context, *jobs.Job) error { return nil })
	}
	for _, ed := range []struct{ id, slug, name string }{{edA, "zutphen", "Noaber Zutphen"}, {edB, "deventer", "Noaber Deventer"}} {
		e.exec("INSERT INTO editions (id, slug, name, is_national, created_at) VALUES (?, ?, ?, FALSE, ?)", ed.id, ed.slug, ed.name, startTime)
	}
	return e
}

// person makes a verified user of an edition at p who offers the given
// categories.
func (e *env) person(name, edition string, lang i18n.Lang, p geo.Point, offers ...string) *account.User {
	e.t.Helper()
	e.n++
	su := account.SeedUser{Email: fmt.Sprintf("%s%d@example.nl", strings.ToLower(name), e.n), FirstName: name, Surname: "de Vries",
		Postcode: "7201AB", Town: "Zutphen", Offers: offers, Locale: lang,
		Location: geo.Location{Point: p, Town: "Zutphen", MunicipalityCode: "0301", Source: geo.SourceTown}}
	ids, err := e.acc.Seed(e.ctx, []account.SeedUser{su}, "a long password")
	if err != nil {
		e.t.Fatal(err)
	}
	e.exec("UPDATE users SET edition_id = ? WHERE id = ?", edition, ids[0])
	return e.user(ids[0])
}

func (e *env) member(name, edition string) *account.User {
	return e.person(name, edition, i18n.NL, east(1))
}

// moderator makes a moderator of the given edition.
func (e *env) moderator(name, edition string) *account.User {
	e.t.Helper()
	u := e.member(name, edition)
	e.exec("INSERT INTO edition_roles (user_id, edition_id, role, created_at) VALUES (?, ?, ?, ?)", u.ID, edition, account.RoleModerator, startTime)
	return u
}

func (e *env) user(id string) *account.User {
	e.t.Helper()
	u, err := e.acc.User(e.ctx, id)
	if err != nil {
		e.t.Fatal(err)
	}
	return u
}

// helper makes an always available helper for groceries at km east of
// the centre.
func (e *env) helper(name, edition string, km float64) *account.User {
	e.t.Helper()
	u := e.person(name, edition, i18n.NL, east(km), "groceries")
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

// post posts a request for groceries and runs the jobs that are due (the
// dispatcher invites).
func (e *env) post(seeker *account.User) *help.RequestView {
	e.t.Helper()
	in := help.RequestInput{CategoryID: "groceries", Answers: map[string]string{"what": "Boodschappen bij de Albert Heijn"},
		WhenKind: help.WhenFlexible, PlaceKind: help.PlaceHome}
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
	for i := 0; i < 20; i++ {
		n, err := e.q.RunDue(e.ctx)
		if err != nil {
			e.t.Fatalf("jobs: %v", err)
		}
		if n == 0 {
			return
		}
	}
}

// report files a member's report about a person.
func (e *env) reportPerson(reporter, subject *account.User, reason string) report.Filed {
	e.t.Helper()
	f, err := e.r.File(e.ctx, reporter, report.Input{TargetKind: report.TargetPerson, TargetID: subject.ID, Reason: reason, Note: "Zie zijn berichten"})
	if err != nil {
		e.t.Fatal(err)
	}
	return *f
}

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

func (e *env) act(mod *account.User, reportID string, d moderation.Decision) *moderation.Action {
	e.t.Helper()
	a, err := e.mod.Act(e.ctx, mod, reportID, d)
	if err != nil {
		e.t.Fatalf("Act %s: %v", d.Action, err)
	}
	return a
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

func newID() string { return uuid.Must(uuid.NewV7()).String() }

func wantCode(t testing.TB, err error, status int, code string) {
	t.Helper()
	ae, ok := apperr.As(err)
	if !ok || ae.Status != status || ae.Code != code {
		t.Fatalf("got %v, want %d %s", err, status, code)
	}
	wantKeys(t, ae)
}

func wantForbidden(t testing.TB, err error) {
	t.Helper()
	wantCode(t, err, http.StatusForbidden, "not_moderator")
}

func wantField(t testing.TB, err error, field, key string) {
	t.Helper()
	ae, ok := apperr.As(err)
	if !ok || ae.Status != http.StatusUnprocessableEntity || ae.Field(field) != key {
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
