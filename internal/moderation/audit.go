package moderation

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/noaber/noaber/internal/account"
	"github.com/noaber/noaber/internal/apperr"
	"github.com/noaber/noaber/internal/store"
)

// The audit log is append-only: this package only ever INSERTs into
// moderation_actions, and the database's triggers refuse UPDATE and
// DELETE on both engines.

// insertAction writes one row of the audit log in tx.
func insertAction(ctx context.Context, tx *store.Tx, a *Action) error {
	var until any
	if !a.Until.IsZero() {
		until = a.Until
	}
	_, err := tx.Exec(ctx, `INSERT INTO moderation_actions (id, edition_id, actor_id, subject_id, report_id, action, reason, note, until, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		a.ID, a.EditionID, store.Null(a.ActorID), a.SubjectID, store.Null(a.ReportID), a.Action, a.Reason, a.Note, until, a.CreatedAt)
	return err
}

// actions reads audit rows matching where, newest first.
func (s *Service) actions(ctx context.Context, where string, args []any, limit int) ([]Action, error) {
	rows, err := s.db.Query(ctx, `SELECT a.id, a.edition_id, a.actor_id, au.first_name, au.surname, au.show_full_surname,
			a.subject_id, su.first_name, su.surname, su.show_full_surname, a.report_id, a.action, a.reason, a.note, a.until, a.created_at
		FROM moderation_actions a
		LEFT JOIN users au ON au.id = a.actor_id
		LEFT JOIN users su ON su.id = a.subject_id
		WHERE `+where+` ORDER BY a.created_at DESC, a.id DESC LIMIT ?`, append(args, limit)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Action{}
	for rows.Next() {
		var a Action
		var actor, aFirst, aSur, sFirst, sSur, reportID sql.NullString
		var aFull, sFull sql.NullBool
		var until sql.NullTime
		if err := rows.Scan(&a.ID, &a.EditionID, &actor, &aFirst, &aSur, &aFull, &a.SubjectID, &sFirst, &sSur, &sFull,
			&reportID, &a.Action, &a.Reason, &a.Note, &until, &a.CreatedAt); err != nil {
			return nil, err
		}
		a.ActorID, a.ReportID = actor.String, reportID.String
		if aFirst.Valid {
			a.ActorName = account.DisplayName(aFirst.String, aSur.String, aFull.Bool)
		}
		if sFirst.Valid {
			a.SubjectName = account.DisplayName(sFirst.String, sSur.String, sFull.Bool)
		}
		a.Until, a.CreatedAt = nullTime(until), a.CreatedAt.UTC()
		out = append(out, a)
	}
	return out, rows.Err()
}

// AuditLog lists actions of one edition ("" all mod covers), newest
// first, at most QueuePage older than the action with id before.
func (s *Service) AuditLog(ctx context.Context, mod *account.User, editionID, before string) ([]Action, error) {
	sc, err := s.scopeOf(ctx, mod)
	if err != nil {
		return nil, err
	}
	where, args := "1 = 1", []any{}
	switch {
	case editionID != "":
		if !sc.covers(editionID) {
			return nil, errNotModerator()
		}
		where, args = "a.edition_id = ?", []any{editionID}
	case !sc.all:
		where = "a.edition_id IN (" + store.Placeholders(len(sc.editions)) + ")"
		for _, e := range sc.editions {
			args = append(args, e)
		}
	}
	if before != "" {
		var at time.Time
		if err := s.db.QueryRow(ctx, "SELECT created_at FROM moderation_actions WHERE id = ?", before).Scan(&at); err != nil {
			if errors.Is(err, store.ErrNotFound) {
				return nil, apperr.NotFound()
			}
			return nil, err
		}
		where += " AND (a.created_at < ? OR (a.created_at = ? AND a.id < ?))"
		args = append(args, at, at, before)
	}
	return s.actions(ctx, where, args, QueuePage)
}
