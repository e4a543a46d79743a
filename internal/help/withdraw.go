package help

import (
	"context"
	"time"

	"github.com/noaber/noaber/internal/store"
)

// WithdrawUser closes what a suspended or removed user has out in the
// open, in tx: their open and matched requests are cancelled (the Closed
// hook stops their dispatches and withdraws the invitations) and their
// active offers closed. Running it again changes nothing.
func (s *Service) WithdrawUser(ctx context.Context, tx *store.Tx, userID string) error {
	now := s.now()
	if _, err := s.closeRequests(ctx, tx, StatusCancelled, now, "seeker_id = ? AND status IN (?, ?)",
		userID, StatusOpen, StatusMatched); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, "UPDATE offers SET status = ?, updated_at = ? WHERE user_id = ? AND status = ?",
		OfferClosed, now, userID, OfferActive)
	return err
}

// closeRequests gives the requests that cond (with args) selects the
// closed status (cancelled or expired), in tx, and runs the Closed hook on
// them, which stops their dispatches; it returns how many it closed.
func (s *Service) closeRequests(ctx context.Context, tx *store.Tx, status string, now time.Time, cond string, args ...any) (int, error) {
	rows, err := tx.Query(ctx, "UPDATE requests SET status = ?, closed_at = ?, updated_at = ? WHERE "+cond+" RETURNING id",
		append([]any{status, now, now}, args...)...)
	if err != nil {
		return 0, err
	}
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return 0, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	if len(ids) > 0 && s.hooks.Closed != nil {
		if err := s.hooks.Closed(ctx, tx, ids); err != nil {
			return 0, err
		}
	}
	return len(ids), nil
}
