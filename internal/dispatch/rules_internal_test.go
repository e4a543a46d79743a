package dispatch

import (
	"testing"
	"time"

	"github.com/noaber/noaber/internal/help"
)

func TestEscalateAt(t *testing.T) {
	set := EditionSettings{Batch: 1, AnswerMinutes: 30, MaxKm: 10, EscalateHours: 24}
	now := time.Date(2026, 11, 24, 5, 36, 0, 0, time.UTC) // 06:36 in Amsterdam
	at := func(h, m int) time.Time { return time.Date(2026, 11, 24, h, m, 0, 0, time.UTC) }
	for _, c := range []struct {
		name string
		w    help.When
		want time.Time
	}{
		{"flexible: after the edition's hours", help.When{Kind: help.WhenFlexible}, now.Add(24 * time.Hour)},
		{"the day after tomorrow: after the edition's hours", help.When{Kind: help.WhenWindow, Start: at(14, 0).AddDate(0, 0, 2), End: at(16, 0).AddDate(0, 0, 2)}, now.Add(24 * time.Hour)},
		{"tomorrow early: three hours before", help.When{Kind: help.WhenWindow, Start: at(6, 0).AddDate(0, 0, 1), End: at(8, 0).AddDate(0, 0, 1)}, at(3, 0).AddDate(0, 0, 1)},
		// Posted at dawn for 10:00: not before the helpers wake and could answer.
		{"this morning: not within two hours", help.When{Kind: help.WhenWindow, Start: at(9, 0), End: at(10, 0)}, at(7, 36)},
		{"in an hour: at the start", help.When{Kind: help.WhenWindow, Start: at(6, 36), End: at(7, 0)}, at(6, 36)},
		{"already begun: half an hour", help.When{Kind: help.WhenWindow, Start: at(5, 0), End: at(7, 0)}, at(6, 6)},
	} {
		if got := escalateAt(set, c.w, now); !got.Equal(c.want) {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}
