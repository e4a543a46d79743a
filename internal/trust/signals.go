package trust

import (
	"context"
	"database/sql"
	"time"

	"github.com/noaber/noaber/internal/apperr"
	"github.com/noaber/noaber/internal/store"
)

// chunk bounds an IN list: SQLite limits the number of parameters of one
// statement, and a list of search results never needs more.
const chunk = 500

// Signals returns one person's signals; not found for an unknown id.
func (s *Service) Signals(ctx context.Context, userID string) (*Signals, error) {
	all, err := s.SignalsFor(ctx, []string{userID})
	if err != nil {
		return nil, err
	}
	sig, ok := all[userID]
	if !ok {
		return nil, apperr.NotFound()
	}
	return &sig, nil
}

// SignalsFor returns the signals of several people in three queries per
// chunk of ids: the counts (verified e-mail, people helped, thanks), the
// groups and the vouches. Unknown ids are left out of the map.
func (s *Service) SignalsFor(ctx context.Context, userIDs []string) (map[string]Signals, error) {
	out := map[string]Signals{}
	seen := map[string]bool{}
	var ids []string
	for _, id := range userIDs {
		if id != "" && !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	for len(ids) > 0 {
		n := min(chunk, len(ids))
		if err := s.signalsChunk(ctx, ids[:n], out); err != nil {
			return nil, err
		}
		ids = ids[n:]
	}
	return out, nil
}

func (s *Service) signalsChunk(ctx context.Context, ids []string, out map[string]Signals) error {
	in := "(" + store.Placeholders(len(ids)) + ")"
	args := make([]any, 0, 3*len(ids))
	for range 3 {
		for _, id := range ids {
			args = append(args, id)
		}
	}
	// "Helped" counts different people, so a neighbour who does the
	// shopping for one person every week is not counted fifty times.
	rows, err := s.db.Query(ctx, `SELECT 'u', id, CASE WHEN email_verified_at IS NULL THEN 0 ELSE 1 END FROM users WHERE id IN `+in+`
		UNION ALL SELECT 'h', helper_id, COUNT(DISTINCT seeker_id) FROM conversations
			WHERE helper_id IN `+in+` AND done_at IS NOT NULL GROUP BY helper_id
		UNION ALL SELECT 't', to_id, COUNT(*) FROM thanks WHERE to_id IN `+in+` GROUP BY to_id`, args...)
	if err != nil {
		return err
	}
	counts := map[string]*Signals{}
	var order []string
	for rows.Next() {
		var kind, id string
		var n int
		if err := rows.Scan(&kind, &id, &n); err != nil {
			rows.Close()
			return err
		}
		sig := counts[id]
		if sig == nil {
			sig = &Signals{}
			counts[id] = sig
		}
		switch kind {
		case "u":
			sig.EmailVerified = n > 0
			order = append(order, id)
		case "h":
			sig.Helped = n
		case "t":
			sig.Thanks = n
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}

	idArgs := args[:len(ids)]
	rows, err = s.db.Query(ctx, `SELECT wm.user_id, wg.name FROM watch_members wm JOIN watch_groups wg ON wg.id = wm.group_id
		WHERE wm.user_id IN `+in+` AND `+groupBadge+`
		ORDER BY wg.name, wg.id`, idArgs...)
	if err != nil {
		return err
	}
	for rows.Next() {
		var id, name string
		if err := rows.Scan(&id, &name); err != nil {
			rows.Close()
			return err
		}
		if sig := counts[id]; sig != nil {
			sig.WatchGroups = append(sig.WatchGroups, name)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}

	rows, err = s.db.Query(ctx, `SELECT user_id, organisation, vog_checked_on, created_at FROM vouches
		WHERE user_id IN `+in+` AND revoked_at IS NULL ORDER BY created_at, id`, idArgs...)
	if err != nil {
		return err
	}
	for rows.Next() {
		var id string
		var v Vouch
		var vog sql.NullTime
		if err := rows.Scan(&id, &v.Organisation, &vog, &v.CreatedAt); err != nil {
			rows.Close()
			return err
		}
		v.CreatedAt = v.CreatedAt.UTC()
		if vog.Valid {
			v.VOGCheckedOn = vog.Time.UTC()
		}
		if sig := counts[id]; sig != nil {
			sig.Vouches = append(sig.Vouches, v)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, id := range order {
		out[id] = *counts[id]
	}
	return nil
}

// vogDay is the day a VOG was checked, as stored: midnight UTC of the
// date, so the date reads the same everywhere.
func vogDay(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}
