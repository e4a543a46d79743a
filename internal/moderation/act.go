package moderation

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/noaber/noaber/internal/account"
	"github.com/noaber/noaber/internal/apperr"
	"github.com/noaber/noaber/internal/notify"
	"github.com/noaber/noaber/internal/report"
	"github.com/noaber/noaber/internal/store"
)

// ReasonExpired is the reason of the system's Lift when a suspension's
// period ran out (actor NULL in the audit log).
const ReasonExpired = "expired"

// Actions lists every action a moderator can take.
var Actions = []string{Dismiss, Warn, Suspend, Remove, Lift}

// checkDecision validates a decision; onReport says whether it is about
// a report (only then can it be Dismiss).
func checkDecision(d Decision, onReport bool) (Decision, error) {
	d.Note = strings.TrimSpace(d.Note)
	var c apperr.Collector
	if !slices.Contains(Actions, d.Action) || (d.Action == Dismiss && !onReport) {
		c.Add("action", "moderation.error.action")
	}
	switch {
	case !slices.Contains(Reasons, d.Reason):
		c.Add("reason", "moderation.error.reason")
	case d.Reason == ReasonNoViolation && (d.Action == Warn || d.Action == Suspend || d.Action == Remove):
		// Acting against someone needs a broken rule.
		c.Add("reason", "moderation.error.reason_no_violation")
	}
	switch {
	case utf8.RuneCountInString(d.Note) > MaxNote:
		c.Add("note", "moderation.error.note_long", "max", MaxNote)
	case d.Note == "" && d.Reason == report.ReasonOther:
		c.Add("note", "moderation.error.note_required")
	}
	if d.Action == Suspend && (d.Days < 0 || d.Days > MaxDays) {
		c.Add("days", "moderation.error.days", "max", MaxDays)
	}
	if d.Action != Suspend {
		d.Days = 0
	}
	return d, c.Err()
}

// Act applies a decision to a report's subject and closes the report.
func (s *Service) Act(ctx context.Context, mod *account.User, reportID string, d Decision) (*Action, error) {
	if _, err := s.reportFor(ctx, mod, reportID); err != nil {
		return nil, err
	}
	d, err := checkDecision(d, true)
	if err != nil {
		return nil, err
	}
	var a *Action
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		// Read again in the transaction: two moderators may act at once.
		r, err := report.Get(ctx, tx, reportID)
		if err != nil {
			return err
		}
		if r.Status != report.StatusOpen {
			return apperr.New(http.StatusConflict, "report_closed", "moderation.error.report_closed")
		}
		a, err = s.apply(ctx, tx, mod.ID, r.SubjectID, r.EditionID, &r, d)
		return err
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}

// ActOnPerson applies Warn, Suspend, Remove or Lift to a person without a
// report.
func (s *Service) ActOnPerson(ctx context.Context, mod *account.User, userID string, d Decision) (*Action, error) {
	sub, err := s.subjectFor(ctx, mod, userID)
	if err != nil {
		return nil, err
	}
	if d, err = checkDecision(d, false); err != nil {
		return nil, err
	}
	var a *Action
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		a, err = s.apply(ctx, tx, mod.ID, userID, sub.EditionID, nil, d)
		return err
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}

// person is what an action needs to know about its subject, read in its
// transaction.
type person struct {
	ID, EditionID, EditionName, Email, FirstName, Locale, Status string
	SuspendedUntil                                               time.Time
}

func readPerson(ctx context.Context, tx *store.Tx, userID string) (*person, error) {
	var p person
	var until sql.NullTime
	err := tx.QueryRow(ctx, `SELECT u.id, u.edition_id, e.name, u.email, u.first_name, u.locale, u.status, u.suspended_until
		FROM users u JOIN editions e ON e.id = u.edition_id WHERE u.id = ?`, userID).
		Scan(&p.ID, &p.EditionID, &p.EditionName, &p.Email, &p.FirstName, &p.Locale, &p.Status, &until)
	if errors.Is(err, store.ErrNotFound) {
		return nil, apperr.NotFound()
	}
	p.SuspendedUntil = nullTime(until)
	return &p, err
}

// apply writes the action, its effects, the closing of the reports it
// settles, the reporters' outcome notifications and the e-mail to the
// person, all in tx. actorID "" is the system; r is nil for an action
// without a report.
func (s *Service) apply(ctx context.Context, tx *store.Tx, actorID, subjectID, editionID string, r *report.Report, d Decision) (*Action, error) {
	p, err := readPerson(ctx, tx, subjectID)
	if err != nil {
		return nil, err
	}
	switch {
	case d.Action == Lift && p.Status != account.StatusSuspended:
		return nil, apperr.New(http.StatusConflict, "not_suspended", "moderation.error.not_suspended")
	case d.Action != Dismiss && d.Action != Lift && p.Status == account.StatusRemoved:
		return nil, apperr.New(http.StatusConflict, "account_removed", "moderation.error.account_removed")
	}
	now := stamp(s.opt.Now())
	a := &Action{ID: uuid.Must(uuid.NewV7()).String(), EditionID: editionID, ActorID: actorID, SubjectID: subjectID,
		Action: d.Action, Reason: d.Reason, Note: d.Note, CreatedAt: now}
	if r != nil {
		a.ReportID = r.ID
	}
	if d.Action == Suspend && d.Days > 0 {
		a.Until = now.Add(time.Duration(d.Days) * 24 * time.Hour)
	}
	if err := insertAction(ctx, tx, a); err != nil {
		return nil, fmt.Errorf("moderation: audit row for %s of %s: %w", d.Action, subjectID, err)
	}
	if err := s.effects(ctx, tx, a, r, now); err != nil {
		return nil, fmt.Errorf("moderation: %s %s: %w", d.Action, subjectID, err)
	}
	if err := s.closeReports(ctx, tx, a, r, now); err != nil {
		return nil, fmt.Errorf("moderation: close reports after %s of %s: %w", d.Action, subjectID, err)
	}
	if d.Action != Dismiss {
		if err := s.mailPerson(ctx, tx, p, a); err != nil {
			return nil, err
		}
	}
	return a, nil
}

// effects does what an action does to the account, its sessions, its
// requests, offers and invitations, and its messages.
func (s *Service) effects(ctx context.Context, tx *store.Tx, a *Action, r *report.Report, now time.Time) error {
	heldMessage := ""
	if r != nil && r.TargetKind == report.TargetMessage {
		var held sql.NullTime
		err := tx.QueryRow(ctx, "SELECT held_at FROM messages WHERE id = ?", r.TargetID).Scan(&held)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		if held.Valid {
			heldMessage = r.TargetID
		}
	}
	switch a.Action {
	case Dismiss:
		if heldMessage != "" {
			return s.messages.ReleaseHeld(ctx, tx, heldMessage)
		}
	case Warn:
		if _, err := tx.Exec(ctx, "INSERT INTO warnings (id, user_id, reason, note, created_at) VALUES (?, ?, ?, ?, ?)",
			a.ID, a.SubjectID, a.Reason, a.Note, now); err != nil {
			return err
		}
		if heldMessage != "" {
			return s.messages.HideMessage(ctx, tx, heldMessage)
		}
	case Suspend:
		var until *time.Time
		if !a.Until.IsZero() {
			until = &a.Until
		}
		if err := account.Suspend(ctx, tx, a.SubjectID, until, now); err != nil {
			return err
		}
		if err := s.withdraw(ctx, tx, a.SubjectID); err != nil {
			return err
		}
		if err := s.messages.HideHeldFrom(ctx, tx, a.SubjectID); err != nil {
			return err
		}
		if until != nil {
			return s.scheduleLift(ctx, tx, a, now)
		}
	case Remove:
		if err := account.Close(ctx, tx, a.SubjectID, now); err != nil {
			return err
		}
		if err := s.withdraw(ctx, tx, a.SubjectID); err != nil {
			return err
		}
		return s.messages.HideAllFrom(ctx, tx, a.SubjectID)
	case Lift:
		return account.Reinstate(ctx, tx, a.SubjectID, now)
	}
	return nil
}

// withdraw takes a suspended or removed person's help out of the open:
// their requests and offers, and the invitations to them.
func (s *Service) withdraw(ctx context.Context, tx *store.Tx, userID string) error {
	if err := s.help.WithdrawUser(ctx, tx, userID); err != nil {
		return err
	}
	return s.dispatch.HelperGone(ctx, tx, userID)
}

// closeReports closes the reports an action settles and tells each member
// who reported one the outcome, in general terms. Dismiss and Warn settle
// the open reports on the same item; Suspend and Remove every open report
// on the person; Lift only its own report.
func (s *Service) closeReports(ctx context.Context, tx *store.Tx, a *Action, r *report.Report, now time.Time) error {
	where, args := "", []any{}
	switch {
	case a.Action == Suspend || a.Action == Remove:
		where, args = "subject_id = ?", []any{a.SubjectID}
		if r != nil {
			where, args = "(subject_id = ? OR id = ?)", []any{a.SubjectID, r.ID}
		}
	case r == nil:
		return nil
	case a.Action == Dismiss || a.Action == Warn:
		where, args = "((target_kind = ? AND target_id = ?) OR id = ?)", []any{r.TargetKind, r.TargetID, r.ID}
	default:
		where, args = "id = ?", []any{r.ID}
	}
	rows, err := tx.Query(ctx, `UPDATE reports SET status = 'closed', outcome = ?, action_id = ?, closed_at = ?
		WHERE status = 'open' AND `+where+` RETURNING id, reporter_id`, append([]any{a.Action, a.ID, now}, args...)...)
	if err != nil {
		return err
	}
	type closed struct{ id, reporter string }
	var list []closed
	for rows.Next() {
		var c closed
		var reporter sql.NullString
		if err := rows.Scan(&c.id, &reporter); err != nil {
			rows.Close()
			return err
		}
		c.reporter = reporter.String
		list = append(list, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, c := range list {
		if c.reporter == "" {
			continue
		}
		if _, err := notify.Add(ctx, tx, notify.Notice{UserID: c.reporter, Kind: notify.ReportOutcome, Ref: c.id}, now); err != nil {
			return err
		}
	}
	return nil
}

// stamp is a time in the form both engines store and compare alike.
func stamp(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }
