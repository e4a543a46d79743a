// Package sim is a deterministic simulator of the dispatcher: a town of
// helpers who answer invitations with their own habits, and requests that
// arrive over some days, run on a fake clock against the real dispatch
// Service, jobs and database. It reports how often and how fast requests
// found a helper, and how fairly the invitations were spread, so that the
// dispatcher's weights and an edition's settings can be chosen with
// figures instead of guesses (docs/dispatch.md).
//
// The same Config gives the same Report: every random choice comes from
// math/rand/v2 generators seeded from Config.Seed, and everything the
// simulator does is in a fixed order. A helper's answer to a request is
// drawn from a generator of its own (seeded by the pair), so two runs that
// differ only in settings ask each helper the same questions the same way:
// differences between runs come from the settings, not from luck.
package sim

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/noaber/noaber/internal/dispatch"
	"github.com/noaber/noaber/internal/geo"
	"github.com/noaber/noaber/internal/help"
)

// Config is one simulation. Zero values take the defaults.
type Config struct {
	Seed     int64
	Helpers  int // neighbours who offer help (default 300)
	Seekers  int // neighbours who ask (default: one for every three requests, at least 10)
	Requests int // requests posted over the days (default 100)
	Days     int // days over which requests arrive (default 7)

	// The town: people live spread around Centre up to SpreadKm in each
	// direction (default: Zutphen, 2.5 km, a town of about 5 × 5 km).
	Centre       geo.Point
	SpreadKm     float64
	Town         string // default "Zutphen"
	Municipality string // CBS code of Centre's municipality (default "0301")

	// WeeklyMax, when set, is every helper's maximum of invitations a
	// week; by default helpers choose from 2 to 7.
	WeeklyMax int
	// DaytimeOnly posts every request between 08:00 and 20:00; by default
	// one in three comes in the evening or at night.
	DaytimeOnly bool

	// Response is how helpers answer (nil: DefaultResponse()).
	Response *Response

	// Weights rank the candidates (zero: dispatch.DefaultWeights()).
	Weights dispatch.Weights
	// Settings are the town's edition settings; zero fields take
	// dispatch.DefaultEditionSettings().
	Settings dispatch.EditionSettings

	// DatabaseURL is an empty database to simulate in; "" makes a fresh
	// SQLite file in a temporary folder (removed afterwards).
	DatabaseURL string
	// Logger gets the dispatcher's and the jobs' logs (default: none).
	Logger *slog.Logger
}

// Response is how the town's helpers answer invitations. Each helper gets
// their own chance to answer at all, chance to say yes when they answer,
// and typical delay; each invitation then draws from those.
type Response struct {
	// Silent is the share of helpers who rarely answer; they answer with
	// chance SilentAnswer.
	Silent       float64
	SilentAnswer float64
	// The others answer with a chance drawn evenly from [AnswerMin,
	// AnswerMax], and say yes with a chance from [YesMin, YesMax].
	AnswerMin, AnswerMax float64
	YesMin, YesMax       float64
	// DelayMinutes is the median time to answer over all helpers; each
	// helper's own median varies around it (lognormal, HelperSigma) and
	// each answer around the helper's (lognormal, Sigma).
	DelayMinutes float64
	HelperSigma  float64
	Sigma        float64
}

// DefaultResponse is a town as the seeds describe it: most helpers answer
// within minutes on their phone, many say "not this time", and a quarter
// of those who registered rarely look.
func DefaultResponse() Response {
	return Response{
		Silent: 0.25, SilentAnswer: 0.05,
		AnswerMin: 0.5, AnswerMax: 0.95,
		YesMin: 0.2, YesMax: 0.7,
		DelayMinutes: 10, HelperSigma: 0.6, Sigma: 0.9,
	}
}

// Start is when every simulation begins: a Monday, 08:00 in Amsterdam.
var Start = time.Date(2026, 3, 2, 8, 0, 0, 0, amsterdam)

var amsterdam = help.Amsterdam

// withDefaults fills the zero values and checks the rest.
func (c Config) withDefaults() (Config, error) {
	if c.Helpers == 0 {
		c.Helpers = 300
	}
	if c.Requests == 0 {
		c.Requests = 100
	}
	if c.Days == 0 {
		c.Days = 7
	}
	if c.Seekers == 0 {
		c.Seekers = max(10, c.Requests/3)
	}
	if c.Centre == (geo.Point{}) {
		c.Centre = geo.Point{Lat: 52.13833, Lng: 6.20139}
		if c.Town == "" {
			c.Town, c.Municipality = "Zutphen", "0301"
		}
	}
	if c.SpreadKm == 0 {
		c.SpreadKm = 2.5
	}
	if c.Town == "" || c.Municipality == "" {
		return c, errors.New("sim: a town with its own centre needs Town and Municipality")
	}
	if c.Response == nil {
		r := DefaultResponse()
		c.Response = &r
	}
	if c.Weights == (dispatch.Weights{}) {
		c.Weights = dispatch.DefaultWeights()
	}
	d := dispatch.DefaultEditionSettings()
	if c.Settings.Batch == 0 {
		c.Settings.Batch = d.Batch
	}
	if c.Settings.AnswerMinutes == 0 {
		c.Settings.AnswerMinutes = d.AnswerMinutes
	}
	if c.Settings.MaxKm == 0 {
		c.Settings.MaxKm = d.MaxKm
	}
	if c.Settings.EscalateHours == 0 {
		c.Settings.EscalateHours = d.EscalateHours
	}
	var errs []error
	check := func(ok bool, format string, args ...any) {
		if !ok {
			errs = append(errs, fmt.Errorf(format, args...))
		}
	}
	check(c.Helpers >= 1 && c.Helpers <= 100000, "helpers: %d is not from 1 to 100000", c.Helpers)
	check(c.Seekers >= 1 && c.Seekers <= 100000, "seekers: %d is not from 1 to 100000", c.Seekers)
	check(c.Requests >= 1 && c.Requests <= 100000, "requests: %d is not from 1 to 100000", c.Requests)
	check(c.Days >= 1 && c.Days <= 60, "days: %d is not from 1 to 60", c.Days)
	check(c.WeeklyMax >= 0 && c.WeeklyMax <= 50, "weekly max: %d is not from 1 to 50", c.WeeklyMax)
	check(c.SpreadKm > 0 && c.SpreadKm <= 50, "spread: %g km is not more than 0 and at most 50", c.SpreadKm)
	s := c.Settings
	check(s.Batch >= 1 && s.Batch <= 5, "batch: %d is not from 1 to 5", s.Batch)
	check(s.AnswerMinutes >= 5 && s.AnswerMinutes <= 240, "answer minutes: %d is not from 5 to 240", s.AnswerMinutes)
	check(s.MaxKm >= 1 && s.MaxKm <= 25 && !math.IsNaN(s.MaxKm), "max km: %g is not from 1 to 25", s.MaxKm)
	check(s.EscalateHours >= 1 && s.EscalateHours <= 72, "escalate hours: %d is not from 1 to 72", s.EscalateHours)
	r := c.Response
	for _, p := range []struct {
		name string
		v    float64
	}{{"silent", r.Silent}, {"silent answer", r.SilentAnswer}, {"answer min", r.AnswerMin}, {"answer max", r.AnswerMax},
		{"yes min", r.YesMin}, {"yes max", r.YesMax}} {
		check(p.v >= 0 && p.v <= 1, "response %s: %g is not a chance from 0 to 1", p.name, p.v)
	}
	check(r.AnswerMin <= r.AnswerMax && r.YesMin <= r.YesMax, "response: a minimum chance is above its maximum")
	check(r.DelayMinutes > 0 && r.HelperSigma >= 0 && r.Sigma >= 0, "response: the delay needs a median above 0 and spreads of 0 or more")
	return c, errors.Join(errs...)
}

// Run simulates cfg and reports what happened.
func Run(ctx context.Context, cfg Config) (*Report, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	url := cfg.DatabaseURL
	if url == "" {
		dir, err := os.MkdirTemp("", "noaber-sim-")
		if err != nil {
			return nil, err
		}
		defer os.RemoveAll(dir)
		url = filepath.Join(dir, "sim.db")
	}
	w, err := newWorld(ctx, cfg, url)
	if err != nil {
		return nil, err
	}
	defer w.db.Close()
	if err := w.build(ctx); err != nil {
		return nil, fmt.Errorf("sim: build the town: %w", err)
	}
	if err := w.loop(ctx); err != nil {
		return nil, fmt.Errorf("sim: at %s: %w", w.clock.now().In(amsterdam).Format("Mon 2006-01-02 15:04"), err)
	}
	return w.report(ctx)
}

// clock is the fake clock every service of the simulation reads.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t.UTC()
}
