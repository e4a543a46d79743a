package dispatch

import (
	"fmt"
	"log/slog"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/noaber/noaber/internal/account"
	"github.com/noaber/noaber/internal/help"
	"github.com/noaber/noaber/internal/jobs"
	"github.com/noaber/noaber/internal/store"
)

// DefaultWeights are the ranking weights chosen with the simulator.
func DefaultWeights() Weights { return Weights{Distance: 1, Fit: 1, Reliability: 2, Fairness: 0.5} }

// DefaultEditionSettings are an edition's settings until a coordinator
// changes them.
func DefaultEditionSettings() EditionSettings {
	return EditionSettings{Batch: 1, AnswerMinutes: 30, MaxKm: 10, EscalateHours: 24}
}

// ParseWeights reads weights written as "distance=1,fit=1,reliability=2,fairness=0.5";
// parts left out keep their default.
func ParseWeights(s string) (Weights, error) {
	w := DefaultWeights()
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		name, val, ok := strings.Cut(part, "=")
		f, err := strconv.ParseFloat(strings.TrimSpace(val), 64)
		if !ok || err != nil || f < 0 || f > 100 || math.IsNaN(f) {
			return w, fmt.Errorf("%q is not name=number with a number from 0 to 100", part)
		}
		switch strings.TrimSpace(name) {
		case "distance":
			w.Distance = f
		case "fit":
			w.Fit = f
		case "reliability":
			w.Reliability = f
		case "fairness":
			w.Fairness = f
		default:
			return w, fmt.Errorf("%q: the weights are distance, fit, reliability and fairness", name)
		}
	}
	return w, nil
}

// New returns the dispatcher; it registers its jobs on q and its hooks on
// helpSvc.
func New(db *store.DB, q *jobs.Queue, accounts *account.Service, helpSvc *help.Service, opt Options) *Service {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Weights == (Weights{}) {
		opt.Weights = DefaultWeights()
	}
	if opt.Logger == nil {
		opt.Logger = slog.Default()
	}
	s := &Service{db: db, jobs: q, accounts: accounts, help: helpSvc, opt: opt}
	s.registerJobs()
	helpSvc.SetRequestHooks(help.RequestHooks{Posted: s.requestPosted, Closed: s.requestsClosed})
	return s
}

// Weights returns the ranking weights in use.
func (s *Service) Weights() Weights { return s.opt.Weights }
