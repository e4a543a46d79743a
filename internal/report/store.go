package report

import (
	"context"
	"database/sql"
	"time"

	"github.com/google/uuid"

	"github.com/noaber/noaber/internal/store"
)

// Columns are the columns Scan reads, for queries on the reports table
// (aliased r) in this package and in internal/moderation.
const Columns = `r.id, r.edition_id, r.source, r.reporter_id, r.subject_id, r.target_kind, r.target_id,
	r.reason, r.note, r.evidence, r.severity, r.status, r.outcome, r.created_at, r.closed_at`

// Scanner is a *store.Row or *sql.Rows.
type Scanner interface{ Scan(dest ...any) error }

// Scan reads the Columns of a row, and any extra columns selected after
// them into extra.
func Scan(row Scanner, extra ...any) (Report, error) {
	var r Report
	var reporter, outcome sql.NullString
	var closed sql.NullTime
	dest := append([]any{&r.ID, &r.EditionID, &r.Source, &reporter, &r.SubjectID, &r.TargetKind, &r.TargetID,
		&r.Reason, &r.Note, &r.Evidence, &r.Severity, &r.Status, &outcome, &r.CreatedAt, &closed}, extra...)
	if err := row.Scan(dest...); err != nil {
		return r, err
	}
	r.ReporterID, r.Outcome = reporter.String, outcome.String
	r.CreatedAt = r.CreatedAt.UTC()
	if closed.Valid {
		r.ClosedAt = closed.Time.UTC()
	}
	return r, nil
}

// Get returns one report (open or closed); store.ErrNotFound when there
// is none.
func Get(ctx context.Context, q store.Querier, id string) (Report, error) {
	return Scan(q.QueryRow(ctx, "SELECT "+Columns+" FROM reports r WHERE r.id = ?", id))
}

// insertFlag writes a flag report unless the item is already flagged
// for the same reason and still open (the partial unique index
// reports_flag_once). It reports whether it wrote one.
func insertFlag(ctx context.Context, tx *store.Tx, r Report, now time.Time) (bool, error) {
	res, err := tx.Exec(ctx, `INSERT INTO reports (id, edition_id, source, subject_id, target_kind, target_id,
			reason, evidence, severity, status, created_at)
		VALUES (?, ?, 'flag', ?, ?, ?, ?, ?, ?, 'open', ?)
		ON CONFLICT (target_kind, target_id, reason) WHERE status = 'open' AND source = 'flag' DO NOTHING`,
		newID(), r.EditionID, r.SubjectID, r.TargetKind, r.TargetID, r.Reason, r.Evidence, r.Severity, now)
	if err != nil {
		return false, err
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

func newID() string { return uuid.Must(uuid.NewV7()).String() }

// stamp is a time in the form both engines store and compare alike.
func stamp(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }
