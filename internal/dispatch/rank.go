package dispatch

import (
	"math"
	"sort"
	"time"
)

// candidate is a helper who may be invited, with what ranks them.
type candidate struct {
	userID      string
	km          float64 // exact, from the request's place: for ranking only
	fit         float64 // 0..1: availability stated and matching, an active offer in the category
	reliability float64 // 0..1: share of recent invitations answered in time
	recent      int     // invitations in the last seven days
	sendAt      time.Time
	score       float64
}

// why is what an invitation keeps of its ranking, for coordinators.
// Distances are kept rounded to whole km.
type why struct {
	Km          int     `json:"km"`
	Fit         float64 `json:"fit"`
	Reliability float64 `json:"reliability"`
	Recent      int     `json:"recent"`
	Score       float64 `json:"score"`
}

func (c candidate) why() why {
	return why{Km: int(math.Round(c.km)), Fit: round2(c.fit), Reliability: round2(c.reliability), Recent: c.recent, Score: round2(c.score)}
}

func round2(f float64) float64 { return math.Round(f*100) / 100 }

// reliabilityOf is the share of concluded invitations answered before the
// deadline, drawn towards 0.75 while there are few: a new helper is
// neither trusted blindly nor punished.
func reliabilityOf(answeredInTime, concluded int) float64 {
	return (float64(answeredInTime) + 1.5) / (float64(concluded) + 2)
}

// rank orders candidates best first: helpers who can be asked now before
// those in their quiet hours, then by score (lowest first), then nearest,
// then by id so that equal candidates always come in the same order.
func rank(cs []candidate, w Weights, now time.Time) {
	for i := range cs {
		c := &cs[i]
		c.score = w.Distance*c.km - w.Fit*c.fit - w.Reliability*c.reliability + w.Fairness*float64(c.recent)
	}
	sort.SliceStable(cs, func(i, j int) bool {
		a, b := cs[i], cs[j]
		if an, bn := !a.sendAt.After(now), !b.sendAt.After(now); an != bn {
			return an
		}
		if a.score != b.score {
			return a.score < b.score
		}
		if a.km != b.km {
			return a.km < b.km
		}
		return a.userID < b.userID
	})
}
