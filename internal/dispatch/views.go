package dispatch

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"math"
	"time"
	"unicode/utf8"

	"github.com/noaber/noaber/internal/account"
	"github.com/noaber/noaber/internal/apperr"
	"github.com/noaber/noaber/internal/help"
	"github.com/noaber/noaber/internal/i18n"
	"github.com/noaber/noaber/internal/jobs"
	"github.com/noaber/noaber/internal/store"
)

// What helpers, seekers and coordinators see of dispatches.

// MaxInvitations bounds a helper's list.
const MaxInvitations = 50

const invitationColumns = `i.id, i.request_id, i.status, i.withdrawn_why, i.sent_at, i.deadline_at, i.answered_at, c.id`

func scanInvitation(rows interface{ Scan(...any) error }) (Invitation, string, error) {
	var inv Invitation
	var req string
	var sent, answered sql.NullTime
	var conv sql.NullString
	err := rows.Scan(&inv.ID, &req, &inv.Status, &inv.WithdrawnWhy, &sent, &inv.DeadlineAt, &answered, &conv)
	inv.SentAt, inv.AnsweredAt, inv.DeadlineAt = sent.Time.UTC(), answered.Time.UTC(), inv.DeadlineAt.UTC()
	if !answered.Valid {
		inv.AnsweredAt = time.Time{}
	}
	inv.ConversationID = conv.String
	return inv, req, err
}

// Invitations lists the helper's invitations: open ones first (soonest
// deadline first), then the answered and closed ones of the last 30 days.
func (s *Service) Invitations(ctx context.Context, helper *account.User, lang i18n.Lang) ([]Invitation, error) {
	rows, err := s.db.Query(ctx, `SELECT `+invitationColumns+` FROM invitations i
		LEFT JOIN conversations c ON c.request_id = i.request_id AND c.helper_id = i.helper_id AND i.status = 'accepted'
		WHERE i.helper_id = ? AND i.created_at > ? AND i.status <> ?
		ORDER BY CASE WHEN i.status = 'open' THEN 0 ELSE 1 END, CASE WHEN i.status = 'open' THEN i.deadline_at END, i.created_at DESC
		LIMIT ?`, helper.ID, s.now().Add(-30*24*time.Hour), InvScheduled, MaxInvitations)
	if err != nil {
		return nil, err
	}
	var list []Invitation
	var reqs []string
	for rows.Next() {
		inv, req, err := scanInvitation(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		list = append(list, inv)
		reqs = append(reqs, req)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	views, err := s.help.RequestsForInvitee(ctx, helper, reqs, lang)
	if err != nil {
		return nil, err
	}
	out := []Invitation{}
	for i, inv := range list {
		if v, ok := views[reqs[i]]; ok { // left out: blocked since
			inv.Request = v
			out = append(out, inv)
		}
	}
	return out, nil
}

// Invitation returns one of the helper's invitations; apperr.NotFound for
// anyone else's, and for one that is still scheduled.
func (s *Service) Invitation(ctx context.Context, helper *account.User, id string, lang i18n.Lang) (*Invitation, error) {
	inv, req, err := scanInvitation(s.db.QueryRow(ctx, `SELECT `+invitationColumns+` FROM invitations i
		LEFT JOIN conversations c ON c.request_id = i.request_id AND c.helper_id = i.helper_id AND i.status = 'accepted'
		WHERE i.id = ? AND i.helper_id = ? AND i.status <> ?`, id, helper.ID, InvScheduled))
	if errors.Is(err, store.ErrNotFound) {
		return nil, apperr.NotFound()
	}
	if err != nil {
		return nil, err
	}
	views, err := s.help.RequestsForInvitee(ctx, helper, []string{req}, lang)
	if err != nil {
		return nil, err
	}
	v, ok := views[req]
	if !ok {
		return nil, apperr.NotFound()
	}
	inv.Request = v
	return &inv, nil
}

// Progress is the search for one of the seeker's requests; apperr.NotFound
// for anyone else's.
func (s *Service) Progress(ctx context.Context, seeker *account.User, requestID string) (*Progress, error) {
	var owner string
	var showOnly bool
	err := s.db.QueryRow(ctx, "SELECT seeker_id, show_only FROM requests WHERE id = ?", requestID).Scan(&owner, &showOnly)
	if errors.Is(err, store.ErrNotFound) || (err == nil && owner != seeker.ID) {
		return nil, apperr.NotFound()
	}
	if err != nil {
		return nil, err
	}
	p := &Progress{}
	var helper sql.NullString
	var escalated sql.NullTime
	err = s.db.QueryRow(ctx, "SELECT status, helper_id, escalated_at FROM dispatches WHERE request_id = ?", requestID).
		Scan(&p.Status, &helper, &escalated)
	if errors.Is(err, store.ErrNotFound) {
		p.Status = Off
		return p, nil
	}
	if err != nil {
		return nil, err
	}
	if escalated.Valid {
		p.EscalatedAt = escalated.Time.UTC()
	}
	counts, err := s.counts(ctx, []string{requestID})
	if err != nil {
		return nil, err
	}
	c := counts[requestID]
	p.Asked, p.Declined, p.NoAnswer, p.Waiting, p.Scheduled = c.asked, c.declined, c.noAnswer, c.waiting, c.scheduled
	if p.Status == Matched && helper.Valid {
		people, err := help.People(ctx, s.db, []string{helper.String})
		if err != nil {
			return nil, err
		}
		if h, ok := people[helper.String]; ok {
			p.Helper = &h
		}
		var conv sql.NullString
		err = s.db.QueryRow(ctx, "SELECT id FROM conversations WHERE request_id = ? AND helper_id = ?", requestID, helper.String).Scan(&conv)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return nil, err
		}
		p.ConversationID = conv.String
	}
	return p, nil
}

type tally struct{ asked, declined, noAnswer, waiting, scheduled int }

// counts tallies the invitations of requests by what became of them.
func (s *Service) counts(ctx context.Context, ids []string) (map[string]tally, error) {
	out := map[string]tally{}
	if len(ids) == 0 {
		return out, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	rows, err := s.db.Query(ctx, `SELECT request_id, status, COUNT(*) FROM invitations
		WHERE request_id IN (`+store.Placeholders(len(ids))+`) GROUP BY request_id, status`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id, st string
		var n int
		if err := rows.Scan(&id, &st, &n); err != nil {
			return nil, err
		}
		t := out[id]
		switch st {
		case InvScheduled:
			t.scheduled += n
		case InvOpen:
			t.waiting += n
		case InvDeclined:
			t.declined += n
		case InvExpired:
			t.noAnswer += n
		}
		if st != InvScheduled {
			t.asked += n
		}
		out[id] = t
	}
	return out, rows.Err()
}

// MaxEscalations bounds a coordinator's list.
const MaxEscalations = 200

// Escalations lists the open escalations of the editions in which coord is
// a coordinator, oldest first; apperr.Forbidden when coord is none.
func (s *Service) Escalations(ctx context.Context, coord *account.User) ([]Escalation, error) {
	eds, err := s.accounts.EditionsWithRole(ctx, coord, account.RoleCoordinator)
	if err != nil {
		return nil, err
	}
	if len(eds) == 0 {
		return nil, apperr.Forbidden()
	}
	args := make([]any, 0, len(eds)+1)
	for _, e := range eds {
		args = append(args, e.ID)
	}
	rows, err := s.db.Query(ctx, `SELECT d.request_id, d.edition_id, d.escalation, d.escalated_at, r.title, r.category_id,
		r.town, u.id, u.first_name, u.surname, u.show_full_surname
		FROM dispatches d JOIN requests r ON r.id = d.request_id JOIN users u ON u.id = r.seeker_id
		WHERE d.status = 'escalated' AND d.resolved_at IS NULL AND d.edition_id IN (`+store.Placeholders(len(eds))+`)
		ORDER BY d.escalated_at, d.request_id LIMIT ?`, append(args, MaxEscalations)...)
	if err != nil {
		return nil, err
	}
	out := []Escalation{}
	var ids []string
	for rows.Next() {
		var e Escalation
		var first, sur string
		var full bool
		if err := rows.Scan(&e.RequestID, &e.EditionID, &e.Reason, &e.EscalatedAt, &e.Title, &e.CategoryID, &e.Town,
			&e.Seeker.ID, &first, &sur, &full); err != nil {
			rows.Close()
			return nil, err
		}
		e.EscalatedAt = e.EscalatedAt.UTC()
		e.Seeker.DisplayName = account.DisplayName(first, sur, full)
		out = append(out, e)
		ids = append(ids, e.RequestID)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	counts, err := s.counts(ctx, ids)
	if err != nil {
		return nil, err
	}
	for i := range out {
		c := counts[out[i].RequestID]
		out[i].Asked, out[i].Declined, out[i].NoAnswer = c.asked, c.declined, c.noAnswer
	}
	return out, nil
}

// coordinated reads the dispatch of a request for a coordinator of its
// edition; apperr.NotFound for anyone else and for a request without one.
func (s *Service) coordinated(ctx context.Context, q store.Querier, coord *account.User, requestID string) (editionID, status string, err error) {
	err = q.QueryRow(ctx, "SELECT edition_id, status FROM dispatches WHERE request_id = ?", requestID).Scan(&editionID, &status)
	if errors.Is(err, store.ErrNotFound) {
		return "", "", apperr.NotFound()
	}
	if err != nil {
		return "", "", err
	}
	ok, err := s.accounts.HasRole(ctx, coord, editionID, account.RoleCoordinator)
	if err != nil {
		return "", "", err
	}
	if !ok {
		return "", "", apperr.NotFound()
	}
	return editionID, status, nil
}

// Explain shows a coordinator of the request's edition how it was
// dispatched; apperr.NotFound for anyone else.
func (s *Service) Explain(ctx context.Context, coord *account.User, requestID string) (*Explanation, error) {
	if _, _, err := s.coordinated(ctx, s.db, coord, requestID); err != nil {
		return nil, err
	}
	x := &Explanation{RequestID: requestID, Weights: s.opt.Weights, Invitations: []Ranked{}}
	if err := s.db.QueryRow(ctx, `SELECT r.title, d.status, d.radius_km FROM dispatches d JOIN requests r ON r.id = d.request_id
		WHERE d.request_id = ?`, requestID).Scan(&x.Title, &x.Status, &x.RadiusKm); err != nil {
		return nil, err
	}
	rows, err := s.db.Query(ctx, `SELECT rank_no, helper_id, status, why, sent_at, answered_at FROM invitations
		WHERE request_id = ? ORDER BY rank_no`, requestID)
	if err != nil {
		return nil, err
	}
	var helpers []string
	for rows.Next() {
		var r Ranked
		var w string
		var sent, answered sql.NullTime
		if err := rows.Scan(&r.Rank, &r.Helper.ID, &r.Status, &w, &sent, &answered); err != nil {
			rows.Close()
			return nil, err
		}
		var parts why
		_ = json.Unmarshal([]byte(w), &parts)
		r.Km, r.Fit, r.Reliability, r.Recent, r.Score = parts.Km, parts.Fit, parts.Reliability, parts.Recent, parts.Score
		if sent.Valid {
			r.SentAt = sent.Time.UTC()
		}
		if answered.Valid {
			r.AnsweredAt = answered.Time.UTC()
		}
		x.Invitations = append(x.Invitations, r)
		helpers = append(helpers, r.Helper.ID)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	people, err := help.People(ctx, s.db, helpers)
	if err != nil {
		return nil, err
	}
	for i := range x.Invitations {
		if p, ok := people[x.Invitations[i].Helper.ID]; ok {
			x.Invitations[i].Helper = p
		}
	}
	return x, nil
}

// Resolve takes an escalated request off the list, with a note (at most
// MaxResolutionNote characters; 422 field "note").
func (s *Service) Resolve(ctx context.Context, coord *account.User, requestID, note string) error {
	if utf8.RuneCountInString(note) > MaxResolutionNote {
		return apperr.Invalid(apperr.FieldError{Field: "note", Key: "dispatch.note_too_long", Args: []any{"max", MaxResolutionNote}})
	}
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		if _, _, err := s.coordinated(ctx, tx, coord, requestID); err != nil {
			return err
		}
		d, err := lock(ctx, tx, requestID)
		if err != nil {
			return err
		}
		if d.status != Escalated {
			return apperr.New(409, "not_escalated", "dispatch.not_escalated")
		}
		now := s.now()
		_, err = tx.Exec(ctx, `UPDATE dispatches SET resolved_at = ?, resolved_by = ?, resolution_note = ?, updated_at = ?
			WHERE request_id = ?`, now, coord.ID, note, now, requestID)
		return err
	})
}

// Retry starts the search again for an escalated request that is still
// open: the helpers asked before are not asked again.
func (s *Service) Retry(ctx context.Context, coord *account.User, requestID string) error {
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		if _, _, err := s.coordinated(ctx, tx, coord, requestID); err != nil {
			return err
		}
		d, err := lock(ctx, tx, requestID)
		if err != nil {
			return err
		}
		t, err := help.DispatchTarget(ctx, tx, requestID)
		if err != nil {
			return err
		}
		if d.status != Escalated || t.Status != help.StatusOpen {
			return apperr.New(409, "not_escalated", "dispatch.not_escalated")
		}
		set, err := editionSettings(ctx, tx, d.editionID)
		if err != nil {
			return err
		}
		now := s.now()
		esc := escalateAt(set, t.When, now)
		if _, err := tx.Exec(ctx, `UPDATE dispatches SET status = ?, escalate_at = ?, escalated_at = NULL, escalation = '',
			resolved_at = ?, resolved_by = ?, updated_at = ? WHERE request_id = ?`,
			Searching, esc, now, coord.ID, now, requestID); err != nil {
			return err
		}
		if err := s.jobs.Enqueue(ctx, tx, JobStart, requestRef{requestID}); err != nil {
			return err
		}
		return s.jobs.Enqueue(ctx, tx, JobEscalate, requestRef{requestID}, jobs.At(esc))
	})
}

// EditionSettings returns how an edition dispatches, to a coordinator of
// that edition; apperr.NotFound for anyone else and for an edition that
// does not exist.
func (s *Service) EditionSettings(ctx context.Context, coord *account.User, editionID string) (EditionSettings, error) {
	ok, err := s.accounts.HasRole(ctx, coord, editionID, account.RoleCoordinator)
	if err != nil {
		return EditionSettings{}, err
	}
	if !ok {
		return EditionSettings{}, apperr.NotFound()
	}
	set, err := editionSettings(ctx, s.db, editionID)
	if errors.Is(err, store.ErrNotFound) {
		return set, apperr.NotFound()
	}
	return set, err
}

// SaveEditionSettings changes how an edition dispatches (coordinators of
// that edition only: apperr.NotFound for others). Field errors: "batch",
// "answer_minutes", "max_km", "escalate_hours".
func (s *Service) SaveEditionSettings(ctx context.Context, coord *account.User, editionID string, in EditionSettings) error {
	ok, err := s.accounts.HasRole(ctx, coord, editionID, account.RoleCoordinator)
	if err != nil {
		return err
	}
	if !ok {
		return apperr.NotFound()
	}
	var c apperr.Collector
	if in.Batch < 1 || in.Batch > 5 {
		c.Add("batch", "dispatch.batch_invalid", "min", 1, "max", 5)
	}
	if in.AnswerMinutes < 5 || in.AnswerMinutes > 240 {
		c.Add("answer_minutes", "dispatch.answer_minutes_invalid", "min", 5, "max", 240)
	}
	if math.IsNaN(in.MaxKm) || in.MaxKm < 1 || in.MaxKm > help.MaxRadiusKm {
		c.Add("max_km", "dispatch.max_km_invalid", "min", 1, "max", help.MaxRadiusKm)
	}
	if in.EscalateHours < 1 || in.EscalateHours > 72 {
		c.Add("escalate_hours", "dispatch.escalate_hours_invalid", "min", 1, "max", 72)
	}
	if err := c.Err(); err != nil {
		return err
	}
	res, err := s.db.Exec(ctx, `UPDATE editions SET dispatch_batch = ?, dispatch_answer_minutes = ?, dispatch_max_km = ?,
		dispatch_escalate_hours = ? WHERE id = ?`, in.Batch, in.AnswerMinutes, in.MaxKm, in.EscalateHours, editionID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return apperr.NotFound()
	}
	return nil
}
