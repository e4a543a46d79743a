package dispatch

import (
	"math"
	"time"

	"github.com/noaber/noaber/internal/help"
)

// The timing rules of the dispatcher, as pure functions of the clock.

// amsterdam is the time zone of quiet hours and parts of the day.
var amsterdam = help.Amsterdam

// radiusSteps are the widening steps of a search (km); the edition's
// maximum is the last one.
var radiusSteps = []float64{1, 2, 5, 10, 25}

// firstRadius is where a search starts.
func firstRadius(maxKm float64) float64 { return math.Min(radiusSteps[0], maxKm) }

// nextRadius is the step after km, or 0 when km is already the maximum.
func nextRadius(km, maxKm float64) float64 {
	if km >= maxKm {
		return 0
	}
	for _, r := range radiusSteps {
		if r > km {
			return math.Min(r, maxKm)
		}
	}
	return maxKm
}

// Parts of the day, as in help.Availability: morning until noon,
// afternoon until six, evening after that.
func partOf(hour int) int {
	switch {
	case hour < 12:
		return 0
	case hour < 18:
		return 1
	default:
		return 2
	}
}

// dayOf is Monday = 0 .. Sunday = 6.
func dayOf(t time.Time) int { return (int(t.Weekday()) + 6) % 7 }

// bit is the availability bit of a day and part (help's encoding).
func bit(day, part int) int { return 1 << (day*3 + part) }

const allParts = help.AllAvailable

// wantedParts is the availability bits a request's time falls in.
func wantedParts(w help.When) int {
	switch w.Kind {
	case help.WhenWindow:
		if w.Start.IsZero() || !w.End.After(w.Start) {
			return allParts
		}
		bits := 0
		for t := w.Start.In(amsterdam); t.Before(w.End); t = t.Add(time.Hour).Truncate(time.Hour) {
			bits |= bit(dayOf(t), partOf(t.Hour()))
		}
		return bits
	case help.WhenWeekly:
		if w.Weekday < 1 || w.Weekday > 7 {
			return allParts
		}
		from, ok1 := clockMinutes(w.From)
		to, ok2 := clockMinutes(w.To)
		if !ok1 || !ok2 || to <= from {
			return bit(w.Weekday-1, 0) | bit(w.Weekday-1, 1) | bit(w.Weekday-1, 2)
		}
		bits := 0
		for m := from; m < to; m += 60 - m%60 {
			bits |= bit(w.Weekday-1, partOf(m/60))
		}
		return bits
	default:
		return allParts
	}
}

func clockMinutes(s string) (int, bool) {
	t, err := time.Parse("15:04", s)
	if err != nil {
		return 0, false
	}
	return t.Hour()*60 + t.Minute(), true
}

// availabilityFit says whether a helper's usual availability (bits; 0 =
// not stated) covers a request's time: 1 when it does, 0.5 when the helper
// stated nothing, and ok=false when it does not cover it at all.
func availabilityFit(helperBits, wanted int) (fit float64, ok bool) {
	if helperBits == 0 {
		return 0.5, true
	}
	if helperBits&wanted == 0 {
		return 0, false
	}
	return 1, true
}

// answerWindow is how long a helper invited at sendAt has to answer: the
// edition's time, shorter when the request starts soon (a quarter of the
// time left, at least ten minutes).
func answerWindow(set EditionSettings, w help.When, sendAt time.Time) time.Duration {
	d := time.Duration(set.AnswerMinutes) * time.Minute
	if w.Kind == help.WhenWindow && !w.Start.IsZero() {
		left := w.Start.Sub(sendAt)
		if q := left / 4; q < d {
			d = max(q, 10*time.Minute)
		}
	}
	return d
}

// escalateAt is when a search that found nobody goes to the coordinators:
// after the edition's hours, or three hours before the request starts if
// that is sooner, but not within two hours of posting (unless the request
// starts before that): a request posted at dawn for the morning must get
// a chance once the helpers' quiet hours end, not escalate before anyone
// could be asked (found with the simulator).
func escalateAt(set EditionSettings, w help.When, now time.Time) time.Time {
	at := now.Add(time.Duration(set.EscalateHours) * time.Hour)
	floor := now.Add(2 * time.Hour)
	if w.Kind == help.WhenWindow && !w.Start.IsZero() {
		if before := w.Start.Add(-3 * time.Hour); before.Before(at) {
			at = before
		}
		if w.Start.Before(floor) {
			floor = w.Start
		}
	}
	if at.Before(floor) {
		at = floor
	}
	if min := now.Add(30 * time.Minute); at.Before(min) {
		at = min
	}
	return at
}

// tooLate says whether an invitation sent at sendAt comes too late for the
// request: its time is over (window requests only).
func tooLate(w help.When, sendAt time.Time) bool {
	return w.Kind == help.WhenWindow && !w.End.IsZero() && !sendAt.Before(w.End)
}
