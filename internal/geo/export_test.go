package geo

import "time"

// SetClock replaces the clock PDOK's cache reads, so tests can age answers.
func (p *PDOK) SetClock(now func() time.Time) { p.now = now }
