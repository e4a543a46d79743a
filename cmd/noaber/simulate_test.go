package main

import (
	"encoding/json"
	"errors"
	"flag"
	"strings"
	"testing"

	"github.com/noaber/noaber/internal/dispatch/sim"
	"github.com/noaber/noaber/internal/testkit"
)

func TestSimulate(t *testing.T) {
	args := []string{"simulate", "--seed", "5", "--helpers", "40", "--requests", "8", "--days", "1",
		"--batch", "2", "--answer-minutes", "15", "--max-km", "5", "--escalate-hours", "12", "--weights", "fairness=1"}
	r := cli{}.run(t, "", args...)
	if r.err != nil {
		t.Fatalf("%v\n%s", r.err, r.stderr)
	}
	for _, want := range []string{"40 helpers and 8 requests over 1 days (seed 5",
		"batch 2, 15 minutes to answer, up to 5 km, escalate after 12 hours", "fairness=1", "matched", "max/median"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("report lacks %q:\n%s", want, r.stdout)
		}
	}

	// --json gives the same run as data, and the same seed the same figures.
	j := cli{}.run(t, "", append(args, "--json")...)
	if j.err != nil {
		t.Fatal(j.err)
	}
	var rep sim.Report
	if err := json.Unmarshal([]byte(j.stdout), &rep); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, j.stdout)
	}
	if rep.Requests != 8 || rep.Helpers != 40 || rep.Settings.Batch != 2 || rep.Weights.Fairness != 1 || rep.Weights.Reliability != 2 {
		t.Errorf("JSON report does not describe the run asked for: %+v", rep)
	}
	if rep.String() != r.stdout {
		t.Errorf("the JSON run differs from the first:\n%s\n%s", rep.String(), r.stdout)
	}
}

// On PostgreSQL too, in the (empty) database given.
func TestSimulateOnDatabase(t *testing.T) {
	for _, e := range testkit.Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			url := testkit.NewDatabaseURL(t, e)
			r := cli{}.run(t, "", "simulate", "--helpers", "20", "--requests", "3", "--days", "1", "--database", url)
			if r.err != nil || !strings.Contains(r.stdout, "20 helpers and 3 requests") {
				t.Fatalf("%v\n%s", r.err, r.stdout)
			}
			// A database with people in it is refused.
			r = cli{}.run(t, "", "simulate", "--helpers", "20", "--requests", "3", "--days", "1", "--database", url)
			if r.err == nil || !strings.Contains(r.err.Error(), "empty database") {
				t.Errorf("second run: %v, want a refusal", r.err)
			}
		})
	}
}

func TestSimulateBadInput(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--batch", "9"}, "batch: 9"},
		{[]string{"--answer-minutes", "0"}, "--answer-minutes must be more than 0"},
		{[]string{"--max-km", "30"}, "max km: 30"},
		{[]string{"--escalate-hours", "100"}, "escalate hours: 100"},
		{[]string{"--helpers", "-3"}, "--helpers must be more than 0"},
		{[]string{"--weights", "speed=2"}, "--weights"},
		{[]string{"--weights", "fairness=lots"}, "fairness=lots"},
		{[]string{"--seed", "x"}, "invalid value"},
		{[]string{"now"}, `unexpected argument "now"`},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			r := cli{}.run(t, "", append([]string{"simulate"}, tc.args...)...)
			if r.err == nil || !strings.Contains(r.err.Error()+r.stderr, tc.want) {
				t.Errorf("error %v (stderr %q), want one with %q", r.err, r.stderr, tc.want)
			}
		})
	}
	r := cli{}.run(t, "", "simulate", "--help")
	if !errors.Is(r.err, flag.ErrHelp) {
		t.Errorf("--help: %v, want flag.ErrHelp", r.err)
	}
	for _, f := range []string{"Usage: noaber simulate", "-seed", "-helpers", "-requests", "-days", "-weights", "-batch",
		"-answer-minutes", "-max-km", "-escalate-hours", "-json"} {
		if !strings.Contains(r.stderr, f) {
			t.Errorf("help does not mention %s:\n%s", f, r.stderr)
		}
	}
}
