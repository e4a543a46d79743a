package account

import (
	"context"
	"time"

	"github.com/noaber/noaber/internal/apperr"
	"github.com/noaber/noaber/internal/store"
)

// BlockedUser is someone the user blocked, as listed in their settings.
type BlockedUser struct {
	ID          string
	DisplayName string
	Since       time.Time
}

// Block makes blocker and the user blockedID invisible to each other:
// neither sees the other's profile, requests or offers, and nothing later
// connects them. Blocking someone twice is not an error; blocking someone
// who does not exist (or yourself) is not found.
func (s *Service) Block(ctx context.Context, blocker *User, blockedID string) error {
	if blockedID == blocker.ID {
		return apperr.NotFound()
	}
	var n int
	if err := s.db.QueryRow(ctx, "SELECT COUNT(*) FROM users WHERE id = ?", blockedID).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return apperr.NotFound()
	}
	_, err := s.db.Exec(ctx, `INSERT INTO blocks (blocker_id, blocked_id, created_at) VALUES (?, ?, ?)
		ON CONFLICT (blocker_id, blocked_id) DO NOTHING`, blocker.ID, blockedID, s.now())
	return err
}

// Unblock lifts a block the user made.
func (s *Service) Unblock(ctx context.Context, blocker *User, blockedID string) error {
	res, err := s.db.Exec(ctx, "DELETE FROM blocks WHERE blocker_id = ? AND blocked_id = ?", blocker.ID, blockedID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return apperr.NotFound()
	}
	return nil
}

// BlockedUsers lists whom the user blocked, newest first.
func (s *Service) BlockedUsers(ctx context.Context, u *User) ([]BlockedUser, error) {
	rows, err := s.db.Query(ctx, `SELECT u.id, u.first_name, u.surname, u.show_full_surname, b.created_at
		FROM blocks b JOIN users u ON u.id = b.blocked_id
		WHERE b.blocker_id = ? ORDER BY b.created_at DESC`, u.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []BlockedUser{}
	for rows.Next() {
		var b BlockedUser
		var first, sur string
		var full bool
		if err := rows.Scan(&b.ID, &first, &sur, &full, &b.Since); err != nil {
			return nil, err
		}
		b.DisplayName, b.Since = DisplayName(first, sur, full), b.Since.UTC()
		out = append(out, b)
	}
	return out, rows.Err()
}

// BlockedIDs is a subquery of everyone a user blocked or was blocked by
// (blocking works both ways); bind the user's id twice. Queries that must
// leave such people out write "x NOT IN " + BlockedIDs.
const BlockedIDs = `(SELECT blocked_id FROM blocks WHERE blocker_id = ? UNION SELECT blocker_id FROM blocks WHERE blocked_id = ?)`

// BlockedEitherWay reports whether a and b blocked each other in either
// direction.
func BlockedEitherWay(ctx context.Context, q store.Querier, a, b string) (bool, error) {
	var n int
	err := q.QueryRow(ctx, `SELECT COUNT(*) FROM blocks
		WHERE (blocker_id = ? AND blocked_id = ?) OR (blocker_id = ? AND blocked_id = ?)`, a, b, b, a).Scan(&n)
	return n > 0, err
}

// BlockedWith is everyone userID blocked or was blocked by.
func BlockedWith(ctx context.Context, q store.Querier, userID string) (map[string]bool, error) {
	rows, err := q.Query(ctx, "SELECT blocked_id FROM blocks WHERE blocker_id = ? UNION SELECT blocker_id FROM blocks WHERE blocked_id = ?", userID, userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out[id] = true
	}
	return out, rows.Err()
}
