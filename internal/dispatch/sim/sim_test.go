package sim_test

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/noaber/noaber/internal/dispatch"
	"github.com/noaber/noaber/internal/dispatch/sim"
	"github.com/noaber/noaber/internal/store"
	"github.com/noaber/noaber/internal/testkit"
)

func run(t *testing.T, cfg sim.Config) *sim.Report {
	t.Helper()
	rep, err := sim.Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("\n%s", rep)
	return rep
}

// The same seed gives the same report, field for field; another seed
// gives another town.
func TestSameSeedSameReport(t *testing.T) {
	cfg := sim.Config{Seed: 7, Helpers: 60, Requests: 25, Days: 2}
	a, b := run(t, cfg), run(t, cfg)
	if !reflect.DeepEqual(a, b) {
		t.Errorf("two runs with seed 7 differ:\n%s\n%s", a, b)
	}
	if a.Invitations == 0 {
		t.Fatal("no invitation was sent: the town does not work")
	}
	cfg.Seed = 8
	if c := run(t, cfg); reflect.DeepEqual(a, c) {
		t.Error("seeds 7 and 8 gave the same report")
	}
}

// eager helpers answer every invitation with yes within a minute or two.
func eager() *sim.Response {
	return &sim.Response{AnswerMin: 1, AnswerMax: 1, YesMin: 1, YesMax: 1, DelayMinutes: 1, Sigma: 0.3}
}

// silent helpers never answer.
func silent() *sim.Response {
	return &sim.Response{Silent: 1, SilentAnswer: 0, DelayMinutes: 1}
}

// On both engines: in a town where everyone says yes quickly every
// request is matched at the first invitation and nothing escalates; in a
// town where nobody answers nothing is matched and every request
// escalates.
func TestEagerAndSilentTowns(t *testing.T) {
	for _, e := range testkit.Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			// Many helpers close together, so that every request has
			// candidates whatever its category and time; requests by day,
			// so that no helper is in their quiet hours when asked.
			base := sim.Config{Seed: 3, Helpers: 80, Requests: 12, Days: 1, SpreadKm: 1, DaytimeOnly: true}
			cfg := base
			cfg.Response, cfg.DatabaseURL = eager(), testkit.NewDatabaseURL(t, e)
			rep := run(t, cfg)
			if rep.MatchRate != 1 || rep.Matched != rep.Requests {
				t.Errorf("eager town: %d of %d matched (rate %g), want all", rep.Matched, rep.Requests, rep.MatchRate)
			}
			if rep.Escalated != 0 {
				t.Errorf("eager town: %d escalated, want none", rep.Escalated)
			}
			if rep.Declined != 0 || rep.NoAnswer != 0 {
				t.Errorf("eager town: %d declined, %d unanswered, want none", rep.Declined, rep.NoAnswer)
			}

			cfg = base
			cfg.Response, cfg.DatabaseURL = silent(), testkit.NewDatabaseURL(t, e)
			cfg.Settings = dispatch.EditionSettings{EscalateHours: 4}
			rep = run(t, cfg)
			if rep.Matched != 0 {
				t.Errorf("silent town: %d matched, want none", rep.Matched)
			}
			if rep.Escalated != rep.Requests || rep.EscalatedDeadline+rep.EscalatedExhausted != rep.Escalated {
				t.Errorf("silent town: %d of %d escalated (%d deadline, %d exhausted), want all, each with a reason",
					rep.Escalated, rep.Requests, rep.EscalatedDeadline, rep.EscalatedExhausted)
			}
			if rep.Invitations == 0 || rep.NoAnswer != rep.Invitations-rep.Withdrawn {
				t.Errorf("silent town: %d invitations, %d unanswered, %d withdrawn: every sent one should have expired or been withdrawn",
					rep.Invitations, rep.NoAnswer, rep.Withdrawn)
			}
		})
	}
}

// Raising the fairness weight spreads the invitations: the busiest
// helper is asked less often compared with the typical one.
func TestFairnessWeightSpreadsInvitations(t *testing.T) {
	// Helpers who accept many invitations a week, so that their weekly
	// maximum does not do the spreading for the weight.
	cfg := sim.Config{Seed: 11, Helpers: 80, Requests: 80, Days: 3, SpreadKm: 1.5, WeeklyMax: 50,
		Settings: dispatch.EditionSettings{AnswerMinutes: 20}}
	cfg.Weights = dispatch.Weights{Distance: 1, Fit: 1, Reliability: 2, Fairness: 0}
	unfair := run(t, cfg)
	cfg.Weights.Fairness = 3
	fair := run(t, cfg)
	if !(fair.MaxOverMedian < unfair.MaxOverMedian) {
		t.Errorf("max/median %g with fairness 3, %g with fairness 0: want it lower when fairness weighs more",
			fair.MaxOverMedian, unfair.MaxOverMedian)
	}
	if !(fair.Gini <= unfair.Gini) {
		t.Errorf("Gini %g with fairness 3, %g with fairness 0: want it no higher", fair.Gini, unfair.Gini)
	}
}

func TestReportString(t *testing.T) {
	rep := run(t, sim.Config{Seed: 1, Helpers: 30, Requests: 5, Days: 1})
	s := rep.String()
	for _, want := range []string{"matched", "escalated", "first invitation sent", "max/median", "Gini", "batch 1"} {
		if !strings.Contains(s, want) {
			t.Errorf("report lacks %q:\n%s", want, s)
		}
	}
}

func TestBadConfig(t *testing.T) {
	for _, tc := range []struct {
		cfg  sim.Config
		want string
	}{
		{sim.Config{Helpers: -1}, "helpers"},
		{sim.Config{Settings: dispatch.EditionSettings{Batch: 9}}, "batch"},
		{sim.Config{Settings: dispatch.EditionSettings{MaxKm: 40}}, "max km"},
		{sim.Config{Response: &sim.Response{AnswerMin: 2, AnswerMax: 2, DelayMinutes: 1}}, "chance"},
	} {
		_, err := sim.Run(context.Background(), tc.cfg)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: error %v, want one about %s", tc.cfg, err, tc.want)
		}
	}
}

// A database that already holds people is not simulated in.
func TestRefusesADatabaseInUse(t *testing.T) {
	url := testkit.NewDatabaseURL(t, store.SQLite)
	run(t, sim.Config{Seed: 1, Helpers: 10, Requests: 2, Days: 1, DatabaseURL: url})
	_, err := sim.Run(context.Background(), sim.Config{Seed: 1, Helpers: 10, Requests: 2, Days: 1, DatabaseURL: url})
	if err == nil || !strings.Contains(err.Error(), "empty database") {
		t.Errorf("second run in the same database: %v, want a refusal", err)
	}
}
