package moderation

import (
	"context"
	"database/sql"
	"errors"
	"slices"

	"github.com/noaber/noaber/internal/account"
	"github.com/noaber/noaber/internal/apperr"
	"github.com/noaber/noaber/internal/report"
	"github.com/noaber/noaber/internal/store"
)

// MaxHistory is how many earlier reports and actions a case shows.
const MaxHistory = 50

// Case returns one report with its context (open or closed). A report of
// an edition mod does not cover is 403, as is one that does not exist for
// someone who moderates nowhere.
func (s *Service) Case(ctx context.Context, mod *account.User, reportID string) (*Case, error) {
	r, err := s.reportFor(ctx, mod, reportID)
	if err != nil {
		return nil, err
	}
	c := &Case{Report: r, Suggested: suggested(r.Reason)}
	if r.ReporterID != "" {
		if c.ReporterName, err = s.name(ctx, r.ReporterID); err != nil {
			return nil, err
		}
	}
	subject, err := s.subject(ctx, s.db, r.SubjectID)
	if err != nil {
		return nil, err
	}
	c.Subject = *subject
	if c.Item, err = s.item(ctx, r.TargetKind, r.TargetID, subject); err != nil {
		return nil, err
	}
	if r.TargetKind == report.TargetMessage {
		if c.Context, err = s.around(ctx, r.TargetID); err != nil {
			return nil, err
		}
	}
	if err := s.history(ctx, c, r.SubjectID, r.ID); err != nil {
		return nil, err
	}
	return c, nil
}

// Person returns the person with their reports and actions, newest first.
func (s *Service) Person(ctx context.Context, mod *account.User, userID string) (*Case, error) {
	subject, err := s.subjectFor(ctx, mod, userID)
	if err != nil {
		return nil, err
	}
	c := &Case{Subject: *subject}
	if c.Item, err = s.item(ctx, report.TargetPerson, userID, subject); err != nil {
		return nil, err
	}
	return c, s.history(ctx, c, userID, "")
}

// suggested is the reason the form preselects for a report's reason.
func suggested(reason string) string {
	switch {
	case slices.Contains(Reasons, reason):
		return reason
	case reason == "link" || reason == report.ReasonContacts:
		return report.ReasonSpam
	}
	return ""
}

func (s *Service) name(ctx context.Context, userID string) (string, error) {
	var first, surname string
	var full bool
	err := s.db.QueryRow(ctx, "SELECT first_name, surname, show_full_surname FROM users WHERE id = ?", userID).Scan(&first, &surname, &full)
	if errors.Is(err, store.ErrNotFound) {
		return "", nil
	}
	return account.DisplayName(first, surname, full), err
}

// subject reads the person a report is about: no e-mail, postcode or
// position.
func (s *Service) subject(ctx context.Context, q store.Querier, userID string) (*Subject, error) {
	var sub Subject
	var first, surname string
	var full bool
	var until sql.NullTime
	err := q.QueryRow(ctx, `SELECT id, first_name, surname, show_full_surname, town, edition_id, status, suspended_until, created_at
		FROM users WHERE id = ?`, userID).Scan(&sub.ID, &first, &surname, &full, &sub.Town, &sub.EditionID, &sub.Status, &until, &sub.MemberSince)
	if errors.Is(err, store.ErrNotFound) {
		return nil, apperr.NotFound()
	}
	if err != nil {
		return nil, err
	}
	sub.DisplayName = account.DisplayName(first, surname, full)
	sub.SuspendedUntil, sub.MemberSince = nullTime(until), sub.MemberSince.UTC()
	return &sub, nil
}

// item reads the reported item; one that is gone (deleted with its
// conversation) is the kind and id alone.
func (s *Service) item(ctx context.Context, kind, id string, subject *Subject) (Item, error) {
	it := Item{Kind: kind, ID: id, Hidden: subject.Status == account.StatusRemoved}
	var err error
	switch kind {
	case report.TargetMessage:
		var held, hidden sql.NullTime
		err = s.db.QueryRow(ctx, "SELECT body, held_at, hidden_at, created_at FROM messages WHERE id = ?", id).
			Scan(&it.Text, &held, &hidden, &it.CreatedAt)
		it.Held, it.Hidden = held.Valid, hidden.Valid
	case report.TargetRequest:
		err = s.db.QueryRow(ctx, "SELECT title, body, created_at FROM requests WHERE id = ?", id).Scan(&it.Title, &it.Text, &it.CreatedAt)
	case report.TargetOffer:
		err = s.db.QueryRow(ctx, "SELECT title, body, created_at FROM offers WHERE id = ?", id).Scan(&it.Title, &it.Text, &it.CreatedAt)
	case report.TargetPerson:
		err = s.db.QueryRow(ctx, "SELECT bio, created_at FROM users WHERE id = ?", id).Scan(&it.Text, &it.CreatedAt)
	}
	if errors.Is(err, store.ErrNotFound) {
		return Item{Kind: kind, ID: id}, nil
	}
	it.CreatedAt = it.CreatedAt.UTC()
	return it, err
}

// around reads ContextAround messages before and after a message, from
// its own conversation only, oldest first.
func (s *Service) around(ctx context.Context, messageID string) ([]ContextMessage, error) {
	var convID string
	var at sql.NullTime
	err := s.db.QueryRow(ctx, "SELECT conversation_id, created_at FROM messages WHERE id = ?", messageID).Scan(&convID, &at)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	const cols = `SELECT m.id, m.sender_id, u.first_name, u.surname, u.show_full_surname, m.body, m.held_at, m.created_at
		FROM messages m JOIN users u ON u.id = m.sender_id WHERE m.conversation_id = ? AND `
	before, err := s.contextMessages(ctx, cols+`(m.created_at < ? OR (m.created_at = ? AND m.id < ?))
		ORDER BY m.created_at DESC, m.id DESC LIMIT ?`, convID, at.Time, at.Time, messageID, ContextAround)
	if err != nil {
		return nil, err
	}
	slices.Reverse(before)
	self, err := s.contextMessages(ctx, cols+"m.id = ?", convID, messageID)
	if err != nil {
		return nil, err
	}
	for i := range self {
		self[i].Reported = true
	}
	after, err := s.contextMessages(ctx, cols+`(m.created_at > ? OR (m.created_at = ? AND m.id > ?))
		ORDER BY m.created_at, m.id LIMIT ?`, convID, at.Time, at.Time, messageID, ContextAround)
	if err != nil {
		return nil, err
	}
	return append(append(before, self...), after...), nil
}

func (s *Service) contextMessages(ctx context.Context, q string, args ...any) ([]ContextMessage, error) {
	rows, err := s.db.Query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ContextMessage
	for rows.Next() {
		var m ContextMessage
		var first, surname string
		var full bool
		var held sql.NullTime
		if err := rows.Scan(&m.ID, &m.SenderID, &first, &surname, &full, &m.Body, &held, &m.CreatedAt); err != nil {
			return nil, err
		}
		m.SenderName, m.Held, m.CreatedAt = account.DisplayName(first, surname, full), held.Valid, m.CreatedAt.UTC()
		out = append(out, m)
	}
	return out, rows.Err()
}

// history fills the other reports and the actions on a person, newest
// first, leaving out the report the case is about.
func (s *Service) history(ctx context.Context, c *Case, userID, reportID string) error {
	rows, err := s.db.Query(ctx, "SELECT "+report.Columns+` FROM reports r WHERE r.subject_id = ? AND r.id <> ?
		ORDER BY r.created_at DESC, r.id DESC LIMIT ?`, userID, reportID, MaxHistory)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		r, err := report.Scan(rows)
		if err != nil {
			return err
		}
		c.OtherReports = append(c.OtherReports, r)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	c.Actions, err = s.actions(ctx, "a.subject_id = ?", []any{userID}, MaxHistory)
	return err
}
