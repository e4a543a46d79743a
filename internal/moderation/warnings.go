package moderation

import (
	"context"

	"github.com/noaber/noaber/internal/account"
	"github.com/noaber/noaber/internal/apperr"
)

// PendingWarnings lists the user's warnings not yet acknowledged, oldest
// first.
func (s *Service) PendingWarnings(ctx context.Context, userID string) ([]Warning, error) {
	rows, err := s.db.Query(ctx, `SELECT id, reason, note, created_at FROM warnings
		WHERE user_id = ? AND acknowledged_at IS NULL ORDER BY created_at, id`, userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Warning{}
	for rows.Next() {
		var w Warning
		if err := rows.Scan(&w.ID, &w.Reason, &w.Note, &w.CreatedAt); err != nil {
			return nil, err
		}
		w.CreatedAt = w.CreatedAt.UTC()
		out = append(out, w)
	}
	return out, rows.Err()
}

// Acknowledge marks one of the user's warnings read; someone else's, or
// one that does not exist, is not found. Acknowledging twice is fine.
func (s *Service) Acknowledge(ctx context.Context, userID, warningID string) error {
	var n int
	if err := s.db.QueryRow(ctx, "SELECT COUNT(*) FROM warnings WHERE id = ? AND user_id = ?", warningID, userID).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return apperr.NotFound()
	}
	_, err := s.db.Exec(ctx, "UPDATE warnings SET acknowledged_at = ? WHERE id = ? AND user_id = ? AND acknowledged_at IS NULL",
		stamp(s.opt.Now()), warningID, userID)
	return err
}

// FlagRules returns an edition's flag overrides (JSON) for editing.
func (s *Service) FlagRules(ctx context.Context, mod *account.User, editionID string) (string, error) {
	if err := s.access(ctx, mod, editionID); err != nil {
		return "", err
	}
	return s.reports.Overrides(ctx, editionID)
}

// SaveFlagRules stores an edition's flag overrides (see
// report.SaveOverrides).
func (s *Service) SaveFlagRules(ctx context.Context, mod *account.User, editionID, jsonText string) error {
	if err := s.access(ctx, mod, editionID); err != nil {
		return err
	}
	return s.reports.SaveOverrides(ctx, editionID, mod.ID, jsonText)
}
