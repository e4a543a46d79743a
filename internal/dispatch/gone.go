package dispatch

import (
	"context"
	"errors"

	"github.com/noaber/noaber/internal/store"
)

// HelperGone withdraws the open and scheduled invitations of a helper
// whose account was suspended or removed, in tx, and moves each of those
// dispatches on to the next helper, as a "no" would. The helper is not
// told: they can no longer sign in.
func (s *Service) HelperGone(ctx context.Context, tx *store.Tx, helperID string) error {
	requests := map[string]bool{}
	if err := collect(ctx, tx, requests, "SELECT request_id FROM invitations WHERE helper_id = ? AND status IN (?, ?)",
		helperID, InvScheduled, InvOpen); err != nil {
		return err
	}
	// Requests in a fixed order, each locked as every path locks it
	// (request row, then dispatch row), so two of these never deadlock.
	for _, id := range sortedKeys(requests) {
		d, err := lock(ctx, tx, id)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		// Read again under the lock: the helper may have answered since.
		res, err := tx.Exec(ctx, `UPDATE invitations SET status = ?, withdrawn_why = ?
			WHERE request_id = ? AND helper_id = ? AND status IN (?, ?)`,
			InvWithdrawn, WithdrawnHelperGone, id, helperID, InvScheduled, InvOpen)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 || d == nil || d.requestID == "" {
			continue
		}
		if err := s.advance(ctx, tx, d); err != nil {
			return err
		}
	}
	return nil
}
