package help

import (
	"context"
	"time"

	"github.com/noaber/noaber/internal/store"
)

// MarkDone moves a matched request to done, in tx: its seeker and helper
// marked the help done in their conversation (internal/message). A request
// in any other status is left as it is.
func MarkDone(ctx context.Context, tx *store.Tx, requestID string, at time.Time) error {
	_, err := tx.Exec(ctx, "UPDATE requests SET status = ?, closed_at = ?, updated_at = ? WHERE id = ? AND status = ?",
		StatusDone, at.UTC(), at.UTC(), requestID, StatusMatched)
	return err
}
