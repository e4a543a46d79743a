package help_test

import (
	"testing"
	"time"

	"github.com/noaber/noaber/internal/help"
)

// Quiet hours are in Amsterdam time, may cross midnight, and end at the
// local clock time also across a change to or from summer time.
func TestQuietHoursAndWakeAt(t *testing.T) {
	at := func(s string) time.Time {
		t.Helper()
		v, err := time.ParseInLocation("2006-01-02 15:04", s, help.Amsterdam)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	const nine, eight, noon, two = 21 * 60, 8 * 60, 12 * 60, 14 * 60
	cases := []struct {
		now        string
		start, end int
		quiet      bool
		wake       string
	}{
		{"2026-11-23 23:00", nine, eight, true, "2026-11-24 08:00"},
		{"2026-11-24 07:59", nine, eight, true, "2026-11-24 08:00"},
		{"2026-11-24 08:00", nine, eight, false, "2026-11-24 08:00"},
		{"2026-11-24 20:59", nine, eight, false, "2026-11-24 20:59"},
		{"2026-11-24 13:00", noon, two, true, "2026-11-24 14:00"},
		{"2026-11-24 11:00", noon, two, false, "2026-11-24 11:00"},
		{"2026-11-24 03:00", noon, noon, false, "2026-11-24 03:00"},
		// The night summer time ends (25 October 2026): still 08:00 local.
		{"2026-10-24 23:30", nine, eight, true, "2026-10-25 08:00"},
		// And the night it starts (29 March 2026).
		{"2026-03-28 22:00", nine, eight, true, "2026-03-29 08:00"},
	}
	for _, c := range cases {
		now := at(c.now)
		if got := help.InQuietHours(now, c.start, c.end); got != c.quiet {
			t.Errorf("InQuietHours(%s, %d, %d) = %v, want %v", c.now, c.start, c.end, got, c.quiet)
		}
		if got, want := help.WakeAt(now, c.start, c.end), at(c.wake); !got.Equal(want) {
			t.Errorf("WakeAt(%s, %d, %d) = %s, want %s", c.now, c.start, c.end, got.In(help.Amsterdam), want)
		}
	}
}
