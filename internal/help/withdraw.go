package help

import (
	"context"

	"github.com/noaber/noaber/internal/store"
)

// WithdrawUser closes what a suspended or removed user has out in the
// open, in tx: their open and matched requests are cancelled (the Closed
// hook stops their dispatches and withdraws the invitations) and their
// active offers closed. Running it again changes nothing.
func (s *Service) WithdrawUser(ctx context.Context, tx *store.Tx, userID string) error {
	now := s.now()
	rows, err := tx.Query(ctx, `UPDATE requests SET status = ?, closed_at = ?, updated_at = ?
		WHERE seeker_id = ? AND status IN (?, ?) RETURNING id`,
		StatusCancelled, now, now, userID, StatusOpen, StatusMatched)
	if err != nil {
		return err
	}
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	if len(ids) > 0 && s.hooks.Closed != nil {
		if err := s.hooks.Closed(ctx, tx, ids); err != nil {
			return err
		}
	}
	_, err = tx.Exec(ctx, "UPDATE offers SET status = ?, updated_at = ? WHERE user_id = ? AND status = ?",
		OfferClosed, now, userID, OfferActive)
	return err
}
