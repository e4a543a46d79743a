package help

import (
	"context"
	"database/sql"
	"errors"
	"math"
	"sort"

	"github.com/noaber/noaber/internal/account"
	"github.com/noaber/noaber/internal/apperr"
	"github.com/noaber/noaber/internal/i18n"
	"github.com/noaber/noaber/internal/store"
)

// Defaults of a helper who saved no settings yet.
const (
	DefaultQuietStart = "21:00"
	DefaultQuietEnd   = "08:00"
	DefaultWeeklyMax  = 5
	// The default quiet hours in minutes after midnight.
	DefaultQuietStartMinutes = 21 * 60
	DefaultQuietEndMinutes   = 8 * 60
	MinWeeklyMax             = 1
	MaxWeeklyMax             = 50
)

// AllAvailable is every part of every day (availability bits), the default.
const AllAvailable = 1<<21 - 1

func availabilityBits(a Availability) int {
	n := 0
	for d := range a {
		for p := range a[d] {
			if a[d][p] {
				n |= 1 << (d*3 + p)
			}
		}
	}
	return n
}

func availabilityFrom(n int) Availability {
	var a Availability
	for d := range a {
		for p := range a[d] {
			a[d][p] = n&(1<<(d*3+p)) != 0
		}
	}
	return a
}

// HelperSettings returns the user's helper settings (defaults when none).
// Categories are the help the user offers, as on their profile.
func (s *Service) HelperSettings(ctx context.Context, user *account.User) (*HelperSettings, error) {
	hs := &HelperSettings{
		RadiusKm: DefaultRadiusKm, Availability: availabilityFrom(AllAvailable),
		QuietStart: DefaultQuietStart, QuietEnd: DefaultQuietEnd, WeeklyMax: DefaultWeeklyMax,
	}
	var radius, avail, qs, qe, wmax int
	var paused sql.NullTime
	err := s.db.QueryRow(ctx, `SELECT radius_m, availability, quiet_start, quiet_end, weekly_max, paused_until
		FROM helper_settings WHERE user_id = ?`, user.ID).Scan(&radius, &avail, &qs, &qe, &wmax, &paused)
	switch {
	case err == nil:
		hs.RadiusKm = float64(radius) / 1000
		hs.Availability = availabilityFrom(avail)
		hs.QuietStart, hs.QuietEnd = formatClock(qs), formatClock(qe)
		hs.WeeklyMax = wmax
		if paused.Valid && paused.Time.After(s.now()) {
			hs.PausedUntil = paused.Time.In(Amsterdam).Format("2006-01-02")
		}
	case !errors.Is(err, store.ErrNotFound):
		return nil, err
	}
	cats, err := offeredCategories(ctx, s.db, user.ID)
	if err != nil {
		return nil, err
	}
	hs.Categories = cats
	return hs, nil
}

func offeredCategories(ctx context.Context, q store.Querier, userID string) ([]string, error) {
	rows, err := q.Query(ctx, "SELECT category_id FROM user_help WHERE user_id = ? AND kind = 'offer'", userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []string{}
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	sort.Strings(out)
	return out, rows.Err()
}

// SaveHelperSettings stores the user's helper settings and the categories
// they offer (also shown on their profile), and updates the helper index,
// in one transaction.
func (s *Service) SaveHelperSettings(ctx context.Context, user *account.User, in HelperSettings) error {
	var c apperr.Collector
	known, err := s.categoryMap(ctx, i18n.Default)
	if err != nil {
		return err
	}
	seen := map[string]bool{}
	var cats []string
	for _, id := range in.Categories {
		if _, ok := known[id]; !ok {
			c.Add("categories", "help.category_unknown")
			continue
		}
		if !seen[id] {
			seen[id] = true
			cats = append(cats, id)
		}
	}
	if math.IsNaN(in.RadiusKm) || in.RadiusKm < MinRadiusKm || in.RadiusKm > MaxRadiusKm {
		c.Add("radius_km", "help.radius_invalid", "min", MinRadiusKm, "max", MaxRadiusKm)
	}
	qs, ok := parseClock(in.QuietStart)
	if !ok {
		c.Add("quiet_start", "help.time_invalid")
	}
	qe, ok := parseClock(in.QuietEnd)
	if !ok {
		c.Add("quiet_end", "help.time_invalid")
	}
	if in.WeeklyMax < MinWeeklyMax || in.WeeklyMax > MaxWeeklyMax {
		c.Add("weekly_max", "help.weekly_max_invalid", "min", MinWeeklyMax, "max", MaxWeeklyMax)
	}
	now := s.now()
	var paused any
	if in.PausedUntil != "" {
		day, ok := parseDate(in.PausedUntil)
		// Paused until the start of that day: it must be after today and
		// at most a year ahead.
		if !ok || !day.After(now) || day.After(now.AddDate(1, 0, 0)) {
			c.Add("paused_until", "help.paused_until_invalid")
		} else {
			paused = day.UTC()
		}
	}
	if err := c.Err(); err != nil {
		return err
	}
	radius := int(math.Round(in.RadiusKm * 1000))
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO helper_settings (user_id, radius_m, availability, quiet_start, quiet_end,
			weekly_max, paused_until, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (user_id) DO UPDATE SET radius_m = excluded.radius_m, availability = excluded.availability,
			quiet_start = excluded.quiet_start, quiet_end = excluded.quiet_end, weekly_max = excluded.weekly_max,
			paused_until = excluded.paused_until, updated_at = excluded.updated_at`,
			user.ID, radius, availabilityBits(in.Availability), qs, qe, in.WeeklyMax, paused, now); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "DELETE FROM user_help WHERE user_id = ? AND kind = 'offer'", user.ID); err != nil {
			return err
		}
		for _, id := range cats {
			if _, err := tx.Exec(ctx, "INSERT INTO user_help (user_id, kind, category_id) VALUES (?, 'offer', ?)", user.ID, id); err != nil {
				return err
			}
		}
		return ReindexHelper(ctx, tx, user.ID)
	})
}

// ReindexHelper rebuilds the user's rows in the helper index from their
// current position, the categories they offer and their radius. The
// account code calls it (in the same transaction) when a user's position
// or offered help changes; a user without a position has no rows.
func ReindexHelper(ctx context.Context, tx *store.Tx, userID string) error {
	if _, err := tx.Exec(ctx, "DELETE FROM helper_index WHERE user_id = ?", userID); err != nil {
		return err
	}
	pos, err := userPosition(ctx, tx, userID)
	if err != nil || !pos.Has {
		return err
	}
	radius := DefaultRadiusKm * 1000
	err = tx.QueryRow(ctx, "SELECT radius_m FROM helper_settings WHERE user_id = ?", userID).Scan(&radius)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	_, err = tx.Exec(ctx, `INSERT INTO helper_index (user_id, category_id, cat_no, lat, lng, radius_m)
		SELECT h.user_id, h.category_id, c.position, ?, ?, ?
		FROM user_help h JOIN categories c ON c.id = h.category_id
		WHERE h.user_id = ? AND h.kind = 'offer'`, pos.Point.Lat, pos.Point.Lng, radius, userID)
	return err
}
