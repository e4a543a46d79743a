package web_test

import (
	"context"
	"testing"
	"time"

	"github.com/noaber/noaber/internal/account"
	"github.com/noaber/noaber/internal/moderation"
	"github.com/noaber/noaber/internal/report"
	"github.com/noaber/noaber/internal/store"
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
	e, s := newWired(t, db, wiring{messages: true, reports: true, moderation: true})
	return &modEnv{convEnv: &convEnv{dispatchEnv: e, msg: s.msg, live: s.live}, reports: s.reports, mod: s.mod}
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
