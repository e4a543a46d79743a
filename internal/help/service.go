package help

import (
	"context"
	"errors"
	"time"

	"github.com/noaber/noaber/internal/account"
	"github.com/noaber/noaber/internal/geo"
	"github.com/noaber/noaber/internal/i18n"
	"github.com/noaber/noaber/internal/jobs"
	"github.com/noaber/noaber/internal/store"
)

// Options tune the Service.
type Options struct {
	Now func() time.Time
}

// Service is the help domain.
type Service struct {
	db       *store.DB
	jobs     *jobs.Queue
	accounts *account.Service
	geo      *geo.Resolver
	opt      Options
}

// New returns the help service.
func New(db *store.DB, q *jobs.Queue, accounts *account.Service, resolver *geo.Resolver, opt Options) *Service {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	return &Service{db: db, jobs: q, accounts: accounts, geo: resolver, opt: opt}
}

var errTodo = errors.New("help: not implemented yet")

// The contract the pages and the API use. Every error a user should see is
// an *apperr.Error (keys in catalog help.json); "not found" and "not
// allowed" are both apperr.NotFound().

// Template returns the guided questions for a category.
func (s *Service) Template(ctx context.Context, lang i18n.Lang, categoryID string) (*Template, error) {
	return nil, errTodo
}

// Preview counts helpers for categoryID within reach of where the request
// would be (the seeker's home, or postcode/house for PlaceElsewhere).
func (s *Service) Preview(ctx context.Context, seeker *account.User, categoryID, placeKind, postcode, house string) (*Preview, error) {
	return nil, errTodo
}

// CreateRequest posts a request after checking all of in.
func (s *Service) CreateRequest(ctx context.Context, seeker *account.User, in RequestInput, lang i18n.Lang) (*RequestView, error) {
	return nil, errTodo
}

// UpdateRequest changes an open request of the seeker.
func (s *Service) UpdateRequest(ctx context.Context, seeker *account.User, id string, in RequestInput, lang i18n.Lang) (*RequestView, error) {
	return nil, errTodo
}

// CancelRequest cancels an open or matched request of the seeker.
func (s *Service) CancelRequest(ctx context.Context, seeker *account.User, id string) error {
	return errTodo
}

// Request returns one request as viewer may see it.
func (s *Service) Request(ctx context.Context, viewer *account.User, id string, lang i18n.Lang) (*RequestView, error) {
	return nil, errTodo
}

// MyRequests lists the viewer's own requests, newest first.
func (s *Service) MyRequests(ctx context.Context, viewer *account.User, lang i18n.Lang) ([]RequestView, error) {
	return nil, errTodo
}

// HelperSettings returns the user's helper settings (defaults when none).
func (s *Service) HelperSettings(ctx context.Context, user *account.User) (*HelperSettings, error) {
	return nil, errTodo
}

// SaveHelperSettings stores the user's helper settings and the categories
// they offer (also shown on their profile), and updates the helper index.
func (s *Service) SaveHelperSettings(ctx context.Context, user *account.User, in HelperSettings) error {
	return errTodo
}

// CreateOffer posts a concrete offer at the helper's position.
func (s *Service) CreateOffer(ctx context.Context, helper *account.User, in OfferInput, lang i18n.Lang) (*OfferView, error) {
	return nil, errTodo
}

// CloseOffer closes an offer of the helper.
func (s *Service) CloseOffer(ctx context.Context, helper *account.User, id string) error {
	return errTodo
}

// Offer returns one offer as viewer may see it.
func (s *Service) Offer(ctx context.Context, viewer *account.User, id string, lang i18n.Lang) (*OfferView, error) {
	return nil, errTodo
}

// MyOffers lists the viewer's own offers, newest first.
func (s *Service) MyOffers(ctx context.Context, viewer *account.User, lang i18n.Lang) ([]OfferView, error) {
	return nil, errTodo
}

// Search finds requests or offers near the viewer.
func (s *Service) Search(ctx context.Context, viewer *account.User, q SearchQuery, lang i18n.Lang) (*SearchResult, error) {
	return nil, errTodo
}

// ExpireDue expires open requests whose time has passed or that are older
// than RequestTTL, and offers past their expiry; a periodic job calls it.
func (s *Service) ExpireDue(ctx context.Context) (int, error) { return 0, errTodo }
