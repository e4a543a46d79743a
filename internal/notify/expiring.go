package notify

import (
	"context"
	"fmt"
	"time"

	"github.com/noaber/noaber/internal/store"
)

// ExpiringWithin is how long before its end an open request warns its
// seeker ('expiring').
const ExpiringWithin = 24 * time.Hour

// expiringBatch is how many warnings one transaction writes.
const expiringBatch = 500

// WriteExpiring writes an 'expiring' notification for each open request
// that ends within ExpiringWithin and has none yet, and returns how many
// it wrote. The ExpiringKind job runs it every hour; running it again
// writes nothing twice (Add's unique key, and the NOT EXISTS that keeps
// the scan to requests not yet warned about). The range scan uses the
// index requests_open_expiry (status, expires_at).
func (s *Service) WriteExpiring(ctx context.Context) (int, error) {
	now := s.now().UTC().Truncate(time.Microsecond)
	written := 0
	for {
		n, more := 0, false
		err := s.db.InTx(ctx, func(tx *store.Tx) error {
			n, more = 0, false
			rows, err := tx.Query(ctx, `SELECT r.id, r.seeker_id FROM requests r
				WHERE r.status = 'open' AND r.expires_at > ? AND r.expires_at <= ?
				AND NOT EXISTS (SELECT 1 FROM notifications n WHERE n.user_id = r.seeker_id AND n.kind = ? AND n.ref = r.id)
				ORDER BY r.expires_at LIMIT ?`, now, now.Add(ExpiringWithin), Expiring, expiringBatch)
			if err != nil {
				return err
			}
			var found []Notice
			for rows.Next() {
				var id, seeker string
				if err := rows.Scan(&id, &seeker); err != nil {
					rows.Close()
					return err
				}
				found = append(found, Notice{UserID: seeker, Kind: Expiring, Ref: id, RequestID: id})
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
			for _, nt := range found {
				ok, err := Add(ctx, tx, nt, now)
				if err != nil {
					return err
				}
				if ok {
					n++
				}
			}
			more = len(found) == expiringBatch
			return nil
		})
		if err != nil {
			return written, fmt.Errorf("notify: expiring requests: %w", err)
		}
		written += n
		if !more {
			return written, nil
		}
	}
}
