package help

import (
	"context"
	"errors"
	"time"

	"github.com/noaber/noaber/internal/apperr"
	"github.com/noaber/noaber/internal/store"
)

// A user has one set of quiet hours: the dispatcher sends no invitations
// in them, and notifications by push and e-mail wait for their end
// (internal/notify). They live in helper_settings, also for a user who
// does not help: a missing row means the defaults.

// QuietHours returns the user's quiet hours in minutes after midnight
// (Europe/Amsterdam), the defaults when the user saved none.
func QuietHours(ctx context.Context, q store.Querier, userID string) (start, end int, err error) {
	err = q.QueryRow(ctx, "SELECT quiet_start, quiet_end FROM helper_settings WHERE user_id = ?", userID).Scan(&start, &end)
	if errors.Is(err, store.ErrNotFound) {
		return DefaultQuietStartMinutes, DefaultQuietEndMinutes, nil
	}
	return start, end, err
}

// SetQuietHours stores the user's quiet hours ("21:00", "08:00"), keeping
// the rest of their helper settings (the defaults when they have none);
// the notification settings save them. Bad times are a 422 on
// "quiet_start" or "quiet_end".
func SetQuietHours(ctx context.Context, q store.Querier, userID, start, end string, now time.Time) error {
	var c apperr.Collector
	qs, ok := parseClock(start)
	if !ok {
		c.Add("quiet_start", "help.time_invalid")
	}
	qe, ok := parseClock(end)
	if !ok {
		c.Add("quiet_end", "help.time_invalid")
	}
	if err := c.Err(); err != nil {
		return err
	}
	// The default radius is what ReindexHelper assumes without a row, so
	// a new row changes nothing in the helper index.
	_, err := q.Exec(ctx, `INSERT INTO helper_settings (user_id, radius_m, availability, quiet_start, quiet_end,
		weekly_max, paused_until, updated_at) VALUES (?, ?, ?, ?, ?, ?, NULL, ?)
		ON CONFLICT (user_id) DO UPDATE SET quiet_start = excluded.quiet_start, quiet_end = excluded.quiet_end,
		updated_at = excluded.updated_at`,
		userID, DefaultRadiusKm*1000, AllAvailable, qs, qe, DefaultWeeklyMax, now.UTC().Truncate(time.Microsecond))
	return err
}

// InQuietHours says whether t falls in the quiet hours start..end
// (minutes after midnight in Amsterdam; the span may cross midnight;
// start == end means none).
func InQuietHours(t time.Time, start, end int) bool {
	if start == end {
		return false
	}
	l := t.In(Amsterdam)
	m := l.Hour()*60 + l.Minute()
	if start < end {
		return m >= start && m < end
	}
	return m >= start || m < end
}

// WakeAt is the first moment at or after t outside the quiet hours
// start..end: t itself when they are not on.
func WakeAt(t time.Time, start, end int) time.Time {
	if !InQuietHours(t, start, end) {
		return t
	}
	l := t.In(Amsterdam)
	w := atClock(l, end)
	if !w.After(t) {
		w = atClock(l.AddDate(0, 0, 1), end)
	}
	return w.UTC()
}
