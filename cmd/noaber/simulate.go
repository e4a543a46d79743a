package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/noaber/noaber/internal/dispatch"
	"github.com/noaber/noaber/internal/dispatch/sim"
)

// runSimulate runs the dispatcher on a made-up town with a fake clock and
// prints what happened; docs/dispatch.md shows how the defaults were
// chosen with it. It works in a scratch database of its own unless
// --database names an empty one.
func runSimulate(ctx context.Context, args []string, env *cliEnv) error {
	fs := newFlags("simulate", env)
	d := dispatch.DefaultEditionSettings()
	seed := fs.Int64("seed", 1, "seed of the random choices: the same seed gives the same report")
	helpers := fs.Int("helpers", 300, "helpers in the town")
	requests := fs.Int("requests", 100, "requests posted")
	days := fs.Int("days", 7, "days over which the requests are posted")
	weights := fs.String("weights", "", `ranking weights, e.g. "distance=1,fit=1,reliability=2,fairness=0.5" (parts left out keep their default)`)
	batch := fs.Int("batch", d.Batch, "helpers invited at the same time (1-5)")
	answer := fs.Int("answer-minutes", d.AnswerMinutes, "minutes a helper has to answer (5-240)")
	maxKm := fs.Float64("max-km", d.MaxKm, "widest search in km (1-25)")
	escalate := fs.Int("escalate-hours", d.EscalateHours, "hours without a yes before a request is escalated (1-72)")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	database := fs.String("database", "", "an empty database to simulate in (default: a temporary SQLite file)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("simulate: unexpected argument %q", fs.Arg(0))
	}
	w, err := dispatch.ParseWeights(*weights)
	if err != nil {
		return fmt.Errorf("simulate: --weights: %w", err)
	}
	// Zero would mean "the default" to sim.Config: say so instead.
	for _, f := range []struct {
		name string
		bad  bool
	}{{"helpers", *helpers < 1}, {"requests", *requests < 1}, {"days", *days < 1}, {"batch", *batch < 1},
		{"answer-minutes", *answer < 1}, {"max-km", !(*maxKm > 0)}, {"escalate-hours", *escalate < 1}} {
		if f.bad {
			return fmt.Errorf("simulate: --%s must be more than 0", f.name)
		}
	}
	rep, err := sim.Run(ctx, sim.Config{
		Seed: *seed, Helpers: *helpers, Requests: *requests, Days: *days, Weights: w,
		Settings:    dispatch.EditionSettings{Batch: *batch, AnswerMinutes: *answer, MaxKm: *maxKm, EscalateHours: *escalate},
		DatabaseURL: *database,
	})
	if err != nil {
		if errors.Is(err, context.Canceled) {
			return errors.New("simulate: interrupted")
		}
		return fmt.Errorf("simulate: %w", err)
	}
	if *asJSON {
		enc := json.NewEncoder(env.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	_, err = fmt.Fprint(env.stdout, rep.String())
	return err
}
