package dispatch

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"log/slog"
	"time"

	"github.com/noaber/noaber/internal/account"
	"github.com/noaber/noaber/internal/help"
	"github.com/noaber/noaber/internal/i18n"
	"github.com/noaber/noaber/internal/jobs"
	"github.com/noaber/noaber/internal/store"
)

var errTodo = errors.New("dispatch: not implemented yet")

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
	return &Service{db: db, jobs: q, accounts: accounts, help: helpSvc, opt: opt}
}

// Invitations lists the helper's invitations: open ones first (soonest
// deadline first), then the answered and closed ones of the last 30 days.
func (s *Service) Invitations(ctx context.Context, helper *account.User, lang i18n.Lang) ([]Invitation, error) {
	return nil, errTodo
}

// Invitation returns one of the helper's invitations; apperr.NotFound for
// anyone else's, and for one that is still scheduled.
func (s *Service) Invitation(ctx context.Context, helper *account.User, id string, lang i18n.Lang) (*Invitation, error) {
	return nil, errTodo
}

// Accept says yes to an open invitation. Exactly one helper wins a
// request: the others get 409 already_matched. Errors: 404 not found (not
// theirs), 409 invitation_expired, invitation_withdrawn, already_matched,
// invitation_answered (answered before).
func (s *Service) Accept(ctx context.Context, helper *account.User, id string) (*Match, error) {
	return nil, errTodo
}

// Decline says "not this time" to an open invitation; with pauseDays > 0
// (at most MaxPauseDays) the helper also gets no invitations for that
// many days. Errors as Accept, and 422 field "pause_days".
func (s *Service) Decline(ctx context.Context, helper *account.User, id string, pauseDays int) error {
	return errTodo
}

// Progress is the search for one of the seeker's requests; apperr.NotFound
// for anyone else's.
func (s *Service) Progress(ctx context.Context, seeker *account.User, requestID string) (*Progress, error) {
	return nil, errTodo
}

// Escalations lists the open escalations of the editions in which coord is
// a coordinator, oldest first; apperr.Forbidden when coord is none.
func (s *Service) Escalations(ctx context.Context, coord *account.User) ([]Escalation, error) {
	return nil, errTodo
}

// Explain shows a coordinator of the request's edition how it was
// dispatched; apperr.NotFound for anyone else.
func (s *Service) Explain(ctx context.Context, coord *account.User, requestID string) (*Explanation, error) {
	return nil, errTodo
}

// Resolve takes an escalated request off the list, with a note (at most
// MaxResolutionNote characters; 422 field "note").
func (s *Service) Resolve(ctx context.Context, coord *account.User, requestID, note string) error {
	return errTodo
}

// Retry starts the search again for an escalated request that is still
// open: the helpers asked before are not asked again.
func (s *Service) Retry(ctx context.Context, coord *account.User, requestID string) error {
	return errTodo
}

// EditionSettings returns how an edition dispatches.
func (s *Service) EditionSettings(ctx context.Context, editionID string) (EditionSettings, error) {
	return DefaultEditionSettings(), errTodo
}

// SaveEditionSettings changes how an edition dispatches (coordinators of
// that edition only). Field errors: "batch", "answer_minutes", "max_km",
// "escalate_hours".
func (s *Service) SaveEditionSettings(ctx context.Context, coord *account.User, editionID string, in EditionSettings) error {
	return errTodo
}
