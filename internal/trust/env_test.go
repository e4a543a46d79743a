package trust_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/noaber/noaber/internal/account"
	"github.com/noaber/noaber/internal/apperr"
	"github.com/noaber/noaber/internal/i18n"
	"github.com/noaber/noaber/internal/store"
	"github.com/noaber/noaber/internal/trust"
)

var startTime = time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)

// otherEdition is a local edition beside the national one.
const otherEdition = "ed-gent"

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

type env struct {
	t     *testing.T
	ctx   context.Context
	db    *store.DB
	clk   *clock
	acc   *account.Service
	trust *trust.Service
	n     int
}

func newEnv(t *testing.T, db *store.DB) *env {
	clk := &clock{t: startTime}
	acc := account.New(db, nil, account.Options{PasswordMemoryKiB: 1024, Now: clk.now})
	e := &env{t: t, ctx: context.Background(), db: db, clk: clk, acc: acc,
		trust: trust.New(db, acc, trust.Options{Now: clk.now})}
	e.exec("INSERT INTO editions (id, slug, name, created_at) VALUES (?, 'gent', 'Gent helpt', ?)", otherEdition, startTime)
	return e
}

func (e *env) exec(q string, args ...any) {
	e.t.Helper()
	if _, err := e.db.Exec(e.ctx, q, args...); err != nil {
		e.t.Fatalf("%s: %v", q, err)
	}
}

func (e *env) count(q string, args ...any) int {
	e.t.Helper()
	var n int
	if err := e.db.QueryRow(e.ctx, q, args...).Scan(&n); err != nil {
		e.t.Fatal(err)
	}
	return n
}

// person makes a verified member of the national edition.
func (e *env) person(name string) *account.User {
	e.t.Helper()
	e.n++
	ids, err := e.acc.Seed(e.ctx, []account.SeedUser{{Email: fmt.Sprintf("%s%d@example.nl", name, e.n),
		FirstName: name, Surname: "de Boer", Postcode: "7511AB", Town: "Enschede"}}, "a long password")
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

// coordinator makes a coordinator of the edition.
func (e *env) coordinator(name, editionID string) *account.User {
	e.t.Helper()
	u := e.person(name)
	e.exec("INSERT INTO edition_roles (user_id, edition_id, role, created_at) VALUES (?, ?, 'coordinator', ?)", u.ID, editionID, startTime)
	return u
}

// moveTo puts a user in another edition.
func (e *env) moveTo(u *account.User, editionID string) *account.User {
	e.t.Helper()
	e.exec("UPDATE users SET edition_id = ? WHERE id = ?", editionID, u.ID)
	return e.user(u.ID)
}

func (e *env) signals(u *account.User) trust.Signals {
	e.t.Helper()
	s, err := e.trust.Signals(e.ctx, u.ID)
	if err != nil {
		e.t.Fatal(err)
	}
	return *s
}

// doneHelp records help helper gave seeker, marked done.
func (e *env) doneHelp(seeker, helper *account.User) string {
	e.t.Helper()
	id := uuid.Must(uuid.NewV7()).String()
	e.exec(`INSERT INTO conversations (id, seeker_id, helper_id, created_at, kind, pair_key, done_at, done_by)
		VALUES (?, ?, ?, ?, 'request', '', ?, ?)`, id, seeker.ID, helper.ID, startTime, startTime, seeker.ID)
	return id
}

// thank records a thank-you note from seeker to helper.
func (e *env) thank(seeker, helper *account.User) {
	e.t.Helper()
	conv := uuid.Must(uuid.NewV7()).String()
	e.exec(`INSERT INTO conversations (id, seeker_id, helper_id, created_at, kind, pair_key)
		VALUES (?, ?, ?, ?, 'request', '')`, conv, seeker.ID, helper.ID, startTime)
	e.exec("INSERT INTO thanks (id, conversation_id, from_id, to_id, body, created_at) VALUES (?, ?, ?, ?, 'Dank je!', ?)",
		uuid.Must(uuid.NewV7()).String(), conv, seeker.ID, helper.ID, startTime)
}

// wantStatus checks err is an apperr with the status (and code, when
// given), whose keys are in both catalogs.
func wantStatus(t *testing.T, err error, status int, code string) {
	t.Helper()
	ae, ok := apperr.As(err)
	if !ok || ae.Status != status || (code != "" && ae.Code != code) {
		t.Fatalf("got %v, want %d %s", err, status, code)
	}
	for _, l := range i18n.Supported {
		if ae.Key != "error.not_found" && !i18n.Has(l, ae.Key) {
			t.Errorf("key %s is missing in %s", ae.Key, l)
		}
	}
}

// wantField checks err is invalid input with key on field.
func wantField(t *testing.T, err error, field, key string) {
	t.Helper()
	ae, ok := apperr.As(err)
	if !ok || ae.Status != 422 {
		t.Fatalf("got %v, want 422 with %s on %s", err, key, field)
	}
	if got := ae.Field(field); got != key {
		t.Fatalf("field %s: got %q (%v), want %q", field, got, ae, key)
	}
	for _, l := range i18n.Supported {
		if !i18n.Has(l, key) {
			t.Errorf("key %s is missing in %s", key, l)
		}
	}
}
