package report

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/noaber/noaber/internal/account"
	"github.com/noaber/noaber/internal/apperr"
	"github.com/noaber/noaber/internal/store"
)

var targetKinds = []string{TargetPerson, TargetRequest, TargetOffer, TargetMessage}

// File writes a member's report. See the contract above.
func (s *Service) File(ctx context.Context, reporter *account.User, in Input) (*Filed, error) {
	in.Note = strings.TrimSpace(in.Note)
	in.TargetID = strings.TrimSpace(in.TargetID)
	var c apperr.Collector
	if !slices.Contains(targetKinds, in.TargetKind) {
		c.Add("target_kind", "report.error.target_kind")
	}
	if !slices.Contains(Reasons, in.Reason) {
		c.Add("reason", "report.error.reason")
	}
	switch {
	case utf8.RuneCountInString(in.Note) > MaxNote:
		c.Add("note", "report.error.note_long", "max", MaxNote)
	case in.Note == "" && in.Reason == ReasonOther:
		c.Add("note", "report.error.note_required")
	}
	if err := c.Err(); err != nil {
		return nil, err
	}
	severity := "low"
	if in.Reason == ReasonUnsafe {
		severity = "high"
	}
	var filed *Filed
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		subject, edition, err := s.target(ctx, tx, reporter.ID, in.TargetKind, in.TargetID)
		if err != nil {
			return err
		}
		if subject == reporter.ID {
			return apperr.New(http.StatusUnprocessableEntity, "self_report", "report.error.self")
		}
		// The same open item again is the first report, also past the
		// daily limit: nothing new is written.
		first, err := s.openReport(ctx, tx, reporter.ID, in.TargetKind, in.TargetID)
		if err == nil {
			filed = first
			return nil
		}
		if !errors.Is(err, store.ErrNotFound) {
			return err
		}
		now := stamp(s.opt.Now())
		var n int
		if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM reports WHERE reporter_id = ? AND created_at > ?",
			reporter.ID, now.Add(-24*time.Hour)).Scan(&n); err != nil {
			return err
		}
		if n >= MaxPerDay {
			return apperr.RateLimited("report.error.rate_limited", "max", MaxPerDay)
		}
		id := newID()
		if _, err := tx.Exec(ctx, `INSERT INTO reports (id, edition_id, source, reporter_id, subject_id, target_kind, target_id,
				reason, note, severity, status, created_at)
			VALUES (?, ?, 'member', ?, ?, ?, ?, ?, ?, ?, 'open', ?)`,
			id, edition, reporter.ID, subject, in.TargetKind, in.TargetID, in.Reason, in.Note, severity, now); err != nil {
			return err
		}
		filed = &Filed{ID: id, TargetKind: in.TargetKind, TargetID: in.TargetID, Reason: in.Reason, Note: in.Note,
			Outcome: OutcomePending, CreatedAt: now}
		return nil
	})
	if errors.Is(err, store.ErrConflict) {
		// Another request of the same member filed it at the same moment.
		return s.openReport(ctx, s.db, reporter.ID, in.TargetKind, in.TargetID)
	}
	return filed, err
}

// target finds the person a reported item belongs to and their edition,
// if the reporter can see the item: a person who was not removed (also one
// the reporter blocked: blocking often comes before reporting), a request
// or offer not hidden from the reporter by a block, a message in the
// reporter's own conversation that was delivered to them. Anything else
// is not found.
func (s *Service) target(ctx context.Context, q store.Querier, reporterID, kind, id string) (subject, edition string, err error) {
	var row *store.Row
	switch kind {
	case TargetPerson:
		row = q.QueryRow(ctx, "SELECT u.id, u.edition_id FROM users u WHERE u.id = ? AND u.status <> ?", id, account.StatusRemoved)
	case TargetRequest:
		row = q.QueryRow(ctx, `SELECT u.id, u.edition_id FROM requests r JOIN users u ON u.id = r.seeker_id
			WHERE r.id = ? AND u.status <> ? AND u.id NOT IN `+account.BlockedIDs, id, account.StatusRemoved, reporterID, reporterID)
	case TargetOffer:
		row = q.QueryRow(ctx, `SELECT u.id, u.edition_id FROM offers o JOIN users u ON u.id = o.user_id
			WHERE o.id = ? AND u.status <> ? AND u.id NOT IN `+account.BlockedIDs, id, account.StatusRemoved, reporterID, reporterID)
	case TargetMessage:
		row = q.QueryRow(ctx, `SELECT u.id, u.edition_id FROM messages m
			JOIN conversations c ON c.id = m.conversation_id JOIN users u ON u.id = m.sender_id
			WHERE m.id = ? AND (c.seeker_id = ? OR c.helper_id = ?) AND m.held_at IS NULL AND m.hidden_at IS NULL`,
			id, reporterID, reporterID)
	default:
		return "", "", apperr.NotFound()
	}
	if err := row.Scan(&subject, &edition); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return "", "", apperr.NotFound()
		}
		return "", "", err
	}
	return subject, edition, nil
}

func (s *Service) openReport(ctx context.Context, q store.Querier, reporterID, kind, id string) (*Filed, error) {
	r, err := Scan(q.QueryRow(ctx, "SELECT "+Columns+` FROM reports r
		WHERE r.reporter_id = ? AND r.target_kind = ? AND r.target_id = ? AND r.status = 'open'`, reporterID, kind, id))
	if err != nil {
		return nil, err
	}
	f := filedOf(r)
	return &f, nil
}

// filedOf is a report as its reporter sees it.
func filedOf(r Report) Filed {
	return Filed{ID: r.ID, TargetKind: r.TargetKind, TargetID: r.TargetID, Reason: r.Reason, Note: r.Note,
		Outcome: outcomeOf(r.Status, r.Outcome), CreatedAt: r.CreatedAt, ClosedAt: r.ClosedAt}
}

// outcomeOf is what a reporter is told of a report with this status and
// action: pending, or in general terms whether action was taken.
func outcomeOf(status, action string) string {
	switch {
	case status == StatusOpen:
		return OutcomePending
	case action == "dismiss":
		return OutcomeNone
	}
	return OutcomeAction
}

// MaxFiled is how many reports Filed lists.
const MaxFiled = 100

// Filed lists the reporter's own reports, newest first.
func (s *Service) Filed(ctx context.Context, reporter *account.User) ([]Filed, error) {
	rows, err := s.db.Query(ctx, "SELECT "+Columns+` FROM reports r WHERE r.reporter_id = ?
		ORDER BY r.created_at DESC, r.id DESC LIMIT ?`, reporter.ID, MaxFiled)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Filed{}
	for rows.Next() {
		r, err := Scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, filedOf(r))
	}
	return out, rows.Err()
}
