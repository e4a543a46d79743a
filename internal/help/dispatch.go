package help

import (
	"context"
	"database/sql"
	"time"

	"github.com/noaber/noaber/internal/account"
	"github.com/noaber/noaber/internal/geo"
	"github.com/noaber/noaber/internal/i18n"
	"github.com/noaber/noaber/internal/store"
)

// What the dispatcher (internal/dispatch) needs from the help domain: to
// hear when a request is posted or closes, to read a request's facts, to
// mark it matched, and to pause a helper. The hooks run inside the
// transaction of the change, so a dispatch starts and stops atomically
// with its request.

// RequestHooks are called inside the transaction that posts or closes
// requests.
type RequestHooks struct {
	// Posted: a request was posted (also when ShowOnly: the hook decides).
	Posted func(ctx context.Context, tx *store.Tx, t *Target) error
	// Closed: requests were cancelled or expired.
	Closed func(ctx context.Context, tx *store.Tx, requestIDs []string) error
}

// SetRequestHooks installs the hooks (once, at start).
func (s *Service) SetRequestHooks(h RequestHooks) { s.hooks = h }

// Target is a request as the dispatcher sees it: exact place included
// (for distances only; it never leaves the server).
type Target struct {
	ID         string
	EditionID  string
	SeekerID   string
	CategoryID string
	Point      geo.Point
	When       When
	ShowOnly   bool
	// TrustedOnly: invite only helpers with a trust signal
	// (trust.HasSignalSQL).
	TrustedOnly bool
	Status      string
	CreatedAt   time.Time
	ExpiresAt   time.Time
}

// DispatchTarget reads request id for the dispatcher, in q (a transaction
// or the database).
func DispatchTarget(ctx context.Context, q store.Querier, id string) (*Target, error) {
	var t Target
	var start, end sql.NullTime
	var weekday sql.NullInt64
	err := q.QueryRow(ctx, `SELECT id, edition_id, seeker_id, category_id, lat, lng, when_kind, starts_at, ends_at, weekday,
		show_only, trusted_only, status, created_at, expires_at FROM requests WHERE id = ?`, id).
		Scan(&t.ID, &t.EditionID, &t.SeekerID, &t.CategoryID, &t.Point.Lat, &t.Point.Lng, &t.When.Kind, &start, &end,
			&weekday, &t.ShowOnly, &t.TrustedOnly, &t.Status, &t.CreatedAt, &t.ExpiresAt)
	if err != nil {
		return nil, err
	}
	t.CreatedAt, t.ExpiresAt = t.CreatedAt.UTC(), t.ExpiresAt.UTC()
	switch {
	case t.When.Kind == WhenWindow && start.Valid && end.Valid:
		t.When.Start, t.When.End = start.Time.UTC(), end.Time.UTC()
	case t.When.Kind == WhenWeekly && start.Valid && end.Valid:
		t.When.Weekday = int(weekday.Int64)
		t.When.From, t.When.To = start.Time.In(Amsterdam).Format("15:04"), end.Time.In(Amsterdam).Format("15:04")
	}
	return &t, nil
}

// MarkMatched moves an open request to matched, in tx; a request that is
// no longer open gets the usual "closed" conflict.
func MarkMatched(ctx context.Context, tx *store.Tx, requestID string, now time.Time) error {
	res, err := tx.Exec(ctx, "UPDATE requests SET status = ?, updated_at = ? WHERE id = ? AND status = ?",
		StatusMatched, now, requestID, StatusOpen)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errClosed("help.request_closed")
	}
	return nil
}

// PauseHelper pauses a helper until a moment (no invitations, not counted
// in previews), in tx. It never shortens a pause that lasts longer.
func PauseHelper(ctx context.Context, tx *store.Tx, userID string, until, now time.Time) error {
	_, err := tx.Exec(ctx, `UPDATE helper_settings SET paused_until = ?, updated_at = ?
		WHERE user_id = ? AND (paused_until IS NULL OR paused_until < ?)`, until.UTC(), now, userID, until.UTC())
	return err
}

// RequestsForInvitee returns the views of requests a helper was invited
// for, whatever their status now, as that helper may see them: a town and
// a distance between snapped cells, never the place. A request across a
// block, or of a seeker who was suspended or removed, is left out.
func (s *Service) RequestsForInvitee(ctx context.Context, viewer *account.User, ids []string, lang i18n.Lang) (map[string]RequestView, error) {
	out := map[string]RequestView{}
	if len(ids) == 0 {
		return out, nil
	}
	cats, err := s.categoryMap(ctx, lang)
	if err != nil {
		return nil, err
	}
	args := make([]any, 0, len(ids)+2)
	for _, id := range ids {
		args = append(args, id)
	}
	args = append(args, viewer.ID, viewer.ID)
	rows, err := s.db.Query(ctx, "SELECT "+requestColumns+` FROM requests r JOIN users u ON u.id = r.seeker_id
		WHERE r.id IN (`+store.Placeholders(len(ids))+`) AND u.status = 'active'
		AND r.seeker_id NOT IN `+account.BlockedIDs,
		args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	pos := positionOf(viewer)
	for rows.Next() {
		r, err := scanRequest(rows)
		if err != nil {
			return nil, err
		}
		out[r.view.ID] = r.finish(viewer.ID, pos, cats, lang)
	}
	return out, rows.Err()
}

// People returns how users appear to others (display names), by id.
func People(ctx context.Context, q store.Querier, ids []string) (map[string]Person, error) {
	out := map[string]Person{}
	if len(ids) == 0 {
		return out, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	rows, err := q.Query(ctx, "SELECT id, first_name, surname, show_full_surname FROM users WHERE id IN ("+
		store.Placeholders(len(ids))+")", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id, first, sur string
		var full bool
		if err := rows.Scan(&id, &first, &sur, &full); err != nil {
			return nil, err
		}
		out[id] = Person{ID: id, DisplayName: account.DisplayName(first, sur, full)}
	}
	return out, rows.Err()
}
