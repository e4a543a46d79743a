package message

import (
	"context"
	"errors"

	"github.com/google/uuid"

	"github.com/noaber/noaber/internal/account"
	"github.com/noaber/noaber/internal/apperr"
	"github.com/noaber/noaber/internal/help"
	"github.com/noaber/noaber/internal/live"
	"github.com/noaber/noaber/internal/store"
)

// MaxThanksList is how many thank-you notes ThanksFor returns at most.
const MaxThanksList = 50

// MarkDone marks the help done (either side); a matched request of this
// conversation's helper becomes done too. Errors: 404, 409 already_done.
func (s *Service) MarkDone(ctx context.Context, me *account.User, id string) error {
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		c, err := member(ctx, tx, me, id)
		if err != nil {
			return err
		}
		if !c.doneAt.IsZero() {
			return apperr.New(409, "already_done", "message.already_done")
		}
		now := s.now()
		// Conditional, so that of two marking it at once one is told.
		res, err := tx.Exec(ctx, "UPDATE conversations SET done_at = ?, done_by = ? WHERE id = ? AND done_at IS NULL", now, me.ID, c.id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.New(409, "already_done", "message.already_done")
		}
		if c.kind == KindRequest && c.requestID != "" {
			// Only the helper who said yes closes the request: another
			// neighbour who responded may talk about it too.
			var n int
			if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM dispatches WHERE request_id = ? AND helper_id = ?",
				c.requestID, c.helperID).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				if err := help.MarkDone(ctx, tx, c.requestID, now); err != nil {
					return err
				}
			}
		}
		return s.publish(ctx, tx, live.KindDone, c.id, "", c.seekerID, c.helperID)
	})
}

// Thank leaves the seeker's thank-you note (1 to MaxThanks characters)
// once the help is done; one per conversation. Errors: 404, 422 field
// "body", 403 not_seeker, 409 not_done or already_thanked, 403 blocked,
// 410 recipient_gone.
func (s *Service) Thank(ctx context.Context, me *account.User, id, body string) error {
	body, err := checkText(body, MaxThanks, "body", "message.thanks")
	if err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		c, err := member(ctx, tx, me, id)
		if err != nil {
			return err
		}
		if c.role(me.ID) != RoleSeeker {
			return apperr.New(403, "not_seeker", "message.not_seeker")
		}
		if c.doneAt.IsZero() {
			return apperr.New(409, "not_done", "message.not_done")
		}
		var n int
		if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM thanks WHERE conversation_id = ?", c.id).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return apperr.New(409, "already_thanked", "message.already_thanked")
		}
		if err := canSend(ctx, tx, me, c); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO thanks (id, conversation_id, from_id, to_id, body, created_at)
			VALUES (?, ?, ?, ?, ?, ?)`, uuid.Must(uuid.NewV7()).String(), c.id, me.ID, c.helperID, body, s.now()); err != nil {
			if errors.Is(err, store.ErrConflict) {
				return apperr.New(409, "already_thanked", "message.already_thanked")
			}
			return err
		}
		return s.publish(ctx, tx, live.KindDone, c.id, "", c.seekerID, c.helperID)
	})
}

// ThanksFor returns the thank-you notes a user received, newest first (at
// most MaxThanksList), as viewer may see them: none from people the
// viewer blocked or was blocked by, none from suspended or removed
// authors, and not found for a user the viewer may not see (blocked
// either way, or not active).
func (s *Service) ThanksFor(ctx context.Context, viewer *account.User, userID string) ([]Thanks, error) {
	if userID != viewer.ID {
		var status string
		err := s.db.QueryRow(ctx, "SELECT status FROM users WHERE id = ?", userID).Scan(&status)
		if err != nil {
			return nil, notFound(err)
		}
		if status != account.StatusActive {
			return nil, apperr.NotFound()
		}
		if blocked, err := account.BlockedEitherWay(ctx, s.db, viewer.ID, userID); err != nil || blocked {
			if err != nil {
				return nil, err
			}
			return nil, apperr.NotFound()
		}
	}
	rows, err := s.db.Query(ctx, `SELECT t.id, t.from_id, u.first_name, u.surname, u.show_full_surname, t.body, t.created_at
		FROM thanks t JOIN users u ON u.id = t.from_id
		WHERE t.to_id = ? AND u.status = ? AND t.from_id NOT IN `+account.BlockedIDs+`
		ORDER BY t.created_at DESC, t.id DESC LIMIT ?`, userID, account.StatusActive, viewer.ID, viewer.ID, MaxThanksList)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Thanks{}
	for rows.Next() {
		var t Thanks
		var from account.User
		if err := rows.Scan(&t.ID, &t.FromID, &from.FirstName, &from.Surname, &from.ShowFullSurname, &t.Body, &t.CreatedAt); err != nil {
			return nil, err
		}
		t.FromName, t.CreatedAt = from.DisplayName(), t.CreatedAt.UTC()
		out = append(out, t)
	}
	return out, rows.Err()
}
