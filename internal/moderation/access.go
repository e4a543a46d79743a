package moderation

import (
	"context"
	"errors"
	"net/http"
	"slices"

	"github.com/noaber/noaber/internal/account"
	"github.com/noaber/noaber/internal/apperr"
	"github.com/noaber/noaber/internal/report"
	"github.com/noaber/noaber/internal/store"
)

// errNotModerator is the answer for anyone who may not moderate (an
// edition): the same for a member and for a moderator of another edition,
// and never a hint of what a report holds.
func errNotModerator() error {
	return apperr.New(http.StatusForbidden, "not_moderator", "moderation.error.not_moderator")
}

// scope is what a moderator covers: every edition, or the listed ones.
type scope struct {
	all      bool
	editions []string
}

func (sc scope) covers(editionID string) bool {
	return sc.all || slices.Contains(sc.editions, editionID)
}

// scopeOf reads what mod covers: a platform admin and a moderator of the
// national edition every edition, a moderator of editions those; anyone
// else gets 403.
func (s *Service) scopeOf(ctx context.Context, mod *account.User) (scope, error) {
	if mod == nil {
		return scope{}, errNotModerator()
	}
	if mod.IsAdmin() {
		return scope{all: true}, nil
	}
	eds, err := s.accounts.EditionsWithRole(ctx, mod, account.RoleModerator)
	if err != nil {
		return scope{}, err
	}
	if len(eds) == 0 {
		return scope{}, errNotModerator()
	}
	var sc scope
	for _, e := range eds {
		sc.all = sc.all || e.National
		sc.editions = append(sc.editions, e.ID)
	}
	return sc, nil
}

// access checks that mod covers editionID.
func (s *Service) access(ctx context.Context, mod *account.User, editionID string) error {
	sc, err := s.scopeOf(ctx, mod)
	if err != nil {
		return err
	}
	if !sc.covers(editionID) {
		return errNotModerator()
	}
	return nil
}

// reportFor reads a report of an edition mod covers. Someone who
// moderates nowhere gets 403 before the report is looked up, so a report
// that does not exist is 404 only to a moderator.
func (s *Service) reportFor(ctx context.Context, mod *account.User, reportID string) (report.Report, error) {
	sc, err := s.scopeOf(ctx, mod)
	if err != nil {
		return report.Report{}, err
	}
	r, err := report.Get(ctx, s.db, reportID)
	if errors.Is(err, store.ErrNotFound) {
		return report.Report{}, apperr.NotFound()
	}
	if err != nil {
		return report.Report{}, err
	}
	if !sc.covers(r.EditionID) {
		return report.Report{}, errNotModerator()
	}
	return r, nil
}

// subjectFor reads a person of an edition mod covers, as reportFor does
// a report.
func (s *Service) subjectFor(ctx context.Context, mod *account.User, userID string) (*Subject, error) {
	sc, err := s.scopeOf(ctx, mod)
	if err != nil {
		return nil, err
	}
	sub, err := s.subject(ctx, s.db, userID)
	if err != nil {
		return nil, err
	}
	if !sc.covers(sub.EditionID) {
		return nil, errNotModerator()
	}
	return sub, nil
}

// Editions lists the editions whose queue mod may see, the national one
// first.
func (s *Service) Editions(ctx context.Context, mod *account.User) ([]account.Edition, error) {
	sc, err := s.scopeOf(ctx, mod)
	if err != nil {
		return nil, err
	}
	rows, err := s.db.Query(ctx, "SELECT id, slug, name, is_national FROM editions ORDER BY is_national DESC, name")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []account.Edition
	for rows.Next() {
		var e account.Edition
		if err := rows.Scan(&e.ID, &e.Slug, &e.Name, &e.National); err != nil {
			return nil, err
		}
		if sc.covers(e.ID) {
			out = append(out, e)
		}
	}
	return out, rows.Err()
}
