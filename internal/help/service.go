package help

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/noaber/noaber/internal/account"
	"github.com/noaber/noaber/internal/apperr"
	"github.com/noaber/noaber/internal/geo"
	"github.com/noaber/noaber/internal/jobs"
	"github.com/noaber/noaber/internal/report"
	"github.com/noaber/noaber/internal/store"
)

// Options tune the Service.
type Options struct {
	Now func() time.Time
	// Reports checks the texts of requests and offers with the flag rules
	// (internal/report); nil in tests that do not need it.
	Reports *report.Service
}

// Service is the help domain.
type Service struct {
	db       *store.DB
	jobs     *jobs.Queue
	accounts *account.Service
	geo      *geo.Resolver
	opt      Options
	hooks    RequestHooks
}

// ExpireJob is the periodic job that runs ExpireDue.
const ExpireJob = "help.expire"

// New returns the help service, and registers its periodic expiry job on
// q (when q is given) so that it runs wherever the queue runs.
func New(db *store.DB, q *jobs.Queue, accounts *account.Service, resolver *geo.Resolver, opt Options) *Service {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	s := &Service{db: db, jobs: q, accounts: accounts, geo: resolver, opt: opt}
	if q != nil {
		q.Periodic(ExpireJob, 10*time.Minute, func(ctx context.Context, _ *jobs.Job) error {
			_, err := s.ExpireDue(ctx)
			return err
		})
	}
	return s
}

func (s *Service) now() time.Time { return s.opt.Now().UTC().Truncate(time.Microsecond) }

// Amsterdam is the time zone of every date and time people type (and of
// quiet hours and parts of the day, for the dispatcher).
var Amsterdam = account.Amsterdam

// The contract the pages and the API use. Every error a user should see is
// an *apperr.Error (keys in catalog help.json, field names as in the JSON
// API: "category", "answers.<question id>", "when_kind", "date", "from",
// "to", "weekday", "place_kind", "postcode", "house_number", "title",
// "body", "radius_km", "availability", "quiet_start", "quiet_end",
// "weekly_max", "paused_until", "categories", "kind", "sort", "limit",
// "cursor", "words"); "not found" and "not allowed" are both
// apperr.NotFound().

// errNoPosition is the answer when a user has no stored position and the
// action needs one (asking for help at home, offering, searching).
func errNoPosition() *apperr.Error {
	return apperr.New(422, "no_position", "help.no_position")
}

// errClosed is the answer for changing a request or offer that is closed.
func errClosed(key string) *apperr.Error { return apperr.New(409, "closed", key) }

// position is where a user is, as stored in the users table.
type position struct {
	Has              bool
	Point, Cell      geo.Point
	Town             string
	MunicipalityCode string
	EditionID        string
}

// positionOf is where u is, as stored (never a point a client sends). The
// pages and the API read the user afresh for every request, so the rules
// here take the position from it instead of reading it again.
func positionOf(u *account.User) position {
	return position{Has: u.HasPosition, Point: u.Position, Cell: u.Cell, Town: u.Town,
		MunicipalityCode: u.MunicipalityCode, EditionID: u.EditionID}
}

// userPosition reads a user's stored position by id (for the helper index
// hook, which runs inside the transaction that moved the user).
func userPosition(ctx context.Context, q store.Querier, userID string) (position, error) {
	var p position
	var lat, lng, clat, clng sql.NullFloat64
	err := q.QueryRow(ctx, `SELECT lat, lng, cell_lat, cell_lng, town, municipality_code, edition_id
		FROM users WHERE id = ?`, userID).Scan(&lat, &lng, &clat, &clng, &p.Town, &p.MunicipalityCode, &p.EditionID)
	if errors.Is(err, store.ErrNotFound) {
		return p, apperr.NotFound()
	}
	if err != nil {
		return p, err
	}
	if lat.Valid && lng.Valid && clat.Valid && clng.Valid {
		p.Has = true
		p.Point = geo.Point{Lat: lat.Float64, Lng: lng.Float64}
		p.Cell = geo.Point{Lat: clat.Float64, Lng: clng.Float64}
	}
	return p, nil
}
