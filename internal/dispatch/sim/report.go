package sim

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/noaber/noaber/internal/dispatch"
)

// Report is what a simulation found. Times are in minutes from the moment
// a request was posted.
type Report struct {
	Seed     int64                    `json:"seed"`
	Helpers  int                      `json:"helpers"`
	Requests int                      `json:"requests"`
	Days     int                      `json:"days"`
	Weights  dispatch.Weights         `json:"weights"`
	Settings dispatch.EditionSettings `json:"settings"`

	Matched   int     `json:"matched"`
	MatchRate float64 `json:"match_rate"`
	// MatchedAfterEscalation is the part of Matched where a helper said
	// yes only after the request was escalated.
	MatchedAfterEscalation int `json:"matched_after_escalation"`
	Escalated              int `json:"escalated"`
	EscalatedDeadline      int `json:"escalated_deadline"`  // nobody said yes in time
	EscalatedExhausted     int `json:"escalated_exhausted"` // every helper within reach was asked
	Closed                 int `json:"closed"`              // the request's time passed before a match
	StillSearching         int `json:"still_searching"`     // when the simulation ended
	NeverInvited           int `json:"never_invited"`       // requests no invitation was ever sent for

	FirstInvitation Spread `json:"first_invitation_minutes"` // of requests with an invitation sent
	ToMatch         Spread `json:"to_match_minutes"`         // of matched requests

	Invitations int `json:"invitations"` // sent (scheduled ones that never went out are not counted)
	Accepted    int `json:"accepted"`
	Declined    int `json:"declined"`
	NoAnswer    int `json:"no_answer"` // expired
	Withdrawn   int `json:"withdrawn"`
	LateAnswers int `json:"late_answers"` // answers the dispatcher refused: too late, or someone else was first

	// Fairness: invitations per helper.
	HelpersAsked    int     `json:"helpers_asked"`
	NeverAsked      float64 `json:"never_asked_share"` // of all helpers
	PerHelperMax    int     `json:"per_helper_max"`
	PerHelperMedian float64 `json:"per_helper_median"` // among helpers asked at least once
	MaxOverMedian   float64 `json:"max_over_median"`
	Gini            float64 `json:"gini"` // over all helpers, 0 = everyone asked equally often

	SimulatedHours float64 `json:"simulated_hours"`
}

// Spread is the median and 90th percentile of some minutes, and of how
// many.
type Spread struct {
	N      int     `json:"n"`
	Median float64 `json:"median"`
	P90    float64 `json:"p90"`
}

func spreadOf(d []time.Duration) Spread {
	if len(d) == 0 {
		return Spread{}
	}
	sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
	return Spread{N: len(d), Median: minutes(quantile(d, 0.5)), P90: minutes(quantile(d, 0.9))}
}

// quantile by the nearest rank: a value that happened, not an average of two.
func quantile(sorted []time.Duration, q float64) time.Duration {
	i := int(math.Ceil(q*float64(len(sorted)))) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}

func minutes(d time.Duration) float64 { return math.Round(d.Minutes()*10) / 10 }

func round3(x float64) float64 { return math.Round(x*1000) / 1000 }

// report reads the outcome from the database.
func (w *world) report(ctx context.Context) (*Report, error) {
	rep := &Report{Seed: w.cfg.Seed, Helpers: w.cfg.Helpers, Requests: len(w.requests), Days: w.cfg.Days,
		Weights: w.cfg.Weights, Settings: w.cfg.Settings, LateAnswers: w.tally.late,
		SimulatedHours: math.Round(w.clock.now().Sub(Start).Hours()*10) / 10}

	type outcome struct {
		firstSent, matchedAt, escalatedAt time.Time
		status, reason                    string
	}
	out := make([]outcome, len(w.requests))
	perHelper := make([]int, len(w.helpers))

	rows, err := w.db.Query(ctx, "SELECT request_id, helper_id, status, sent_at, answered_at FROM invitations ORDER BY id")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var reqID, helperID, status string
		var sent, answered sql.NullTime
		if err := rows.Scan(&reqID, &helperID, &status, &sent, &answered); err != nil {
			return nil, err
		}
		i, h := w.reqNo[reqID], w.helperNo[helperID]
		if !sent.Valid {
			continue
		}
		rep.Invitations++
		perHelper[h]++
		if o := &out[i]; o.firstSent.IsZero() || sent.Time.Before(o.firstSent) {
			o.firstSent = sent.Time.UTC()
		}
		switch status {
		case dispatch.InvAccepted:
			rep.Accepted++
			out[i].matchedAt = answered.Time.UTC()
		case dispatch.InvDeclined:
			rep.Declined++
		case dispatch.InvExpired:
			rep.NoAnswer++
		case dispatch.InvWithdrawn:
			rep.Withdrawn++
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()

	rows, err = w.db.Query(ctx, "SELECT request_id, status, escalation, escalated_at FROM dispatches")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var reqID, status, reason string
		var escalated sql.NullTime
		if err := rows.Scan(&reqID, &status, &reason, &escalated); err != nil {
			return nil, err
		}
		o := &out[w.reqNo[reqID]]
		o.status, o.reason = status, reason
		if escalated.Valid {
			o.escalatedAt = escalated.Time.UTC()
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}

	var first, match []time.Duration
	for i, o := range out {
		posted := w.requests[i].at
		if o.firstSent.IsZero() {
			rep.NeverInvited++
		} else {
			first = append(first, o.firstSent.Sub(posted))
		}
		if !o.matchedAt.IsZero() {
			rep.Matched++
			match = append(match, o.matchedAt.Sub(posted))
			if !o.escalatedAt.IsZero() && o.escalatedAt.Before(o.matchedAt) {
				rep.MatchedAfterEscalation++
			}
		}
		if !o.escalatedAt.IsZero() {
			rep.Escalated++
			switch o.reason {
			case dispatch.ReasonDeadline:
				rep.EscalatedDeadline++
			case dispatch.ReasonExhausted:
				rep.EscalatedExhausted++
			}
		}
		switch {
		case o.status == dispatch.Searching:
			rep.StillSearching++
		case o.status == dispatch.Stopped && o.matchedAt.IsZero():
			rep.Closed++
		}
	}
	rep.MatchRate = round3(float64(rep.Matched) / float64(max(1, rep.Requests)))
	rep.FirstInvitation, rep.ToMatch = spreadOf(first), spreadOf(match)
	rep.fairness(perHelper)
	return rep, nil
}

// fairness fills the spread of invitations over helpers.
func (rep *Report) fairness(counts []int) {
	sorted := append([]int(nil), counts...)
	sort.Ints(sorted)
	var asked []int
	total := 0
	weighted := 0.0
	for i, c := range sorted {
		if c > 0 {
			asked = append(asked, c)
		}
		total += c
		weighted += float64(i+1) * float64(c)
	}
	rep.HelpersAsked = len(asked)
	if n := len(sorted); n > 0 {
		rep.NeverAsked = round3(float64(n-len(asked)) / float64(n))
		if total > 0 {
			rep.Gini = round3(2*weighted/(float64(n)*float64(total)) - float64(n+1)/float64(n))
		}
	}
	if len(asked) == 0 {
		return
	}
	rep.PerHelperMax = asked[len(asked)-1]
	m := len(asked) / 2
	rep.PerHelperMedian = float64(asked[m])
	if len(asked)%2 == 0 {
		rep.PerHelperMedian = float64(asked[m-1]+asked[m]) / 2
	}
	rep.MaxOverMedian = round3(float64(rep.PerHelperMax) / rep.PerHelperMedian)
}

// String is the report as a table for people.
func (rep *Report) String() string {
	var b strings.Builder
	s := rep.Settings
	wt := rep.Weights
	fmt.Fprintf(&b, "Simulated %d helpers and %d requests over %d days (seed %d; %.0f hours on the clock)\n",
		rep.Helpers, rep.Requests, rep.Days, rep.Seed, rep.SimulatedHours)
	fmt.Fprintf(&b, "settings: batch %d, %d minutes to answer, up to %g km, escalate after %d hours\n",
		s.Batch, s.AnswerMinutes, s.MaxKm, s.EscalateHours)
	fmt.Fprintf(&b, "weights: distance=%g,fit=%g,reliability=%g,fairness=%g\n\n", wt.Distance, wt.Fit, wt.Reliability, wt.Fairness)
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	pct := func(n int) string {
		return fmt.Sprintf("%d\t(%.0f%%)", n, 100*float64(n)/float64(max(1, rep.Requests)))
	}
	row := func(name, value string) { fmt.Fprintf(tw, "%s\t%s\n", name, value) }
	row("requests", fmt.Sprint(rep.Requests))
	row("matched", pct(rep.Matched))
	row("  after escalation", pct(rep.MatchedAfterEscalation))
	row("escalated", pct(rep.Escalated))
	row("  nobody said yes in time", pct(rep.EscalatedDeadline))
	row("  everyone within reach asked", pct(rep.EscalatedExhausted))
	row("closed unmatched", pct(rep.Closed))
	row("still searching at the end", pct(rep.StillSearching))
	row("never invited anyone", pct(rep.NeverInvited))
	row("first invitation sent (min)", fmt.Sprintf("median %.1f\tp90 %.1f", rep.FirstInvitation.Median, rep.FirstInvitation.P90))
	row("matched after (min)", fmt.Sprintf("median %.1f\tp90 %.1f", rep.ToMatch.Median, rep.ToMatch.P90))
	row("invitations sent", fmt.Sprint(rep.Invitations))
	row("  accepted / declined", fmt.Sprintf("%d / %d", rep.Accepted, rep.Declined))
	row("  no answer / withdrawn", fmt.Sprintf("%d / %d", rep.NoAnswer, rep.Withdrawn))
	row("  answers too late", fmt.Sprint(rep.LateAnswers))
	row("helpers asked", fmt.Sprintf("%d of %d\t(%.0f%% never)", rep.HelpersAsked, rep.Helpers, 100*rep.NeverAsked))
	row("invitations per helper asked", fmt.Sprintf("max %d\tmedian %g", rep.PerHelperMax, rep.PerHelperMedian))
	row("fairness", fmt.Sprintf("max/median %.2f\tGini %.3f", rep.MaxOverMedian, rep.Gini))
	tw.Flush()
	return b.String()
}
