// Package help is the heart of Noaber: requests for help (hulpvragen),
// offers of help (hulpaanbod), what helpers are willing to do, and finding
// each other nearby. Pages (internal/web) and the API (internal/api) are
// thin doors into this Service.
//
// Location privacy is built into the views: a RequestView or OfferView of
// someone else carries a town and a distance computed between snapped cell
// centres (geo.PublicKm), never a position, street, postcode or house
// number.
package help

import (
	"time"

	"github.com/noaber/noaber/internal/account"
)

// Request statuses.
const (
	StatusOpen      = "open"
	StatusMatched   = "matched"
	StatusDone      = "done"
	StatusCancelled = "cancelled"
	StatusExpired   = "expired"
)

// Offer statuses.
const (
	OfferActive = "active"
	OfferClosed = "closed"
)

// When kinds.
const (
	WhenWindow   = "window"   // on a date, between two times
	WhenFlexible = "flexible" // whenever suits
	WhenWeekly   = "weekly"   // every week on a weekday, between two times
)

// Place kinds.
const (
	PlaceHome      = "home"     // at the seeker's own address
	PlaceElsewhere = "postcode" // at another postcode
)

// Limits.
const (
	MaxTitle        = 80
	MaxAnswer       = 500
	MaxOfferBody    = 1000
	MinRadiusKm     = 0.5
	MaxRadiusKm     = 25
	DefaultRadiusKm = 2
	RequestTTL      = 30 * 24 * time.Hour // open requests expire after this at the latest
	OfferTTL        = 90 * 24 * time.Hour
	PreviewFew      = 3  // counts below this are shown as "a few"
	PreviewMax      = 50 // counts from this up are shown as "more than PreviewMax"
)

// Question is one of the guided questions of a category's template.
type Question struct {
	ID       string // "what", "when_detail", ...; the key in RequestInput.Answers
	Label    string // in the reader's language
	Hint     string
	Required bool
	Max      int // characters
}

// Template guides a seeker through asking for one kind of help.
type Template struct {
	Category  account.Category
	Questions []Question
	Example   string // an example of a good request, in the reader's language
}

// RequestInput is what a seeker fills in. Times are local (Europe/Amsterdam).
type RequestInput struct {
	CategoryID string
	Answers    map[string]string // Question.ID -> answer
	WhenKind   string            // WhenWindow, WhenFlexible or WhenWeekly
	Date       string            // "2026-11-25" (WhenWindow)
	Weekday    int               // 1 = Monday .. 7 = Sunday (WhenWeekly)
	From, To   string            // "14:00" (WhenWindow, WhenWeekly)
	PlaceKind  string            // PlaceHome or PlaceElsewhere
	Postcode   string            // PlaceElsewhere
	House      string            // PlaceElsewhere, optional
	ShowOnly   bool              // only show it; do not invite helpers
	// TrustedOnly: invite only helpers with a trust signal beyond a
	// verified e-mail address (trust.Signals.Any).
	TrustedOnly bool
}

// When is a request's time, as stored.
type When struct {
	Kind    string
	Start   time.Time // WhenWindow: start; zero otherwise
	End     time.Time // WhenWindow: end
	Weekday int       // WhenWeekly
	From    string    // WhenWeekly: "14:00"
	To      string
}

// Person is how another user appears next to a request or offer.
type Person struct {
	ID          string
	DisplayName string
}

// Answer is a question with its answer, for showing a request.
type Answer struct {
	QuestionID string
	Label      string
	Text       string
}

// RequestView is a request as one viewer may see it.
type RequestView struct {
	ID         string
	Category   account.Category
	Title      string
	Answers    []Answer
	When       When
	Town       string
	DistanceKm int // from the viewer, between snapped cells; 0 = less than 1 km
	// HasDistance is false when the viewer has no stored position (then
	// DistanceKm means nothing and must not be shown).
	HasDistance bool
	Status      string
	ShowOnly    bool
	TrustedOnly bool
	Seeker      Person
	Mine        bool   // the viewer asked it
	Place       string // only for the seeker: "7511 AB 12" or "home"; "" for others
	ExpiresAt   time.Time
	CreatedAt   time.Time
	// Hint is a safety hint for the author, set only in the answer to
	// creating or changing it: flag.HintContactPublic when the text holds
	// a phone number, e-mail or address that strangers will read.
	Hint string
}

// OfferInput is a concrete offer a helper posts.
type OfferInput struct {
	CategoryID string
	Title      string
	Body       string
}

// OfferView is an offer as one viewer may see it.
type OfferView struct {
	ID         string
	Category   account.Category
	Title      string
	Body       string
	Town       string
	DistanceKm int // from the viewer, between snapped cells; 0 = less than 1 km
	// HasDistance is false when the viewer has no stored position.
	HasDistance bool
	Status      string
	Helper      Person
	Mine        bool
	ExpiresAt   time.Time
	CreatedAt   time.Time
	// Hint: as RequestView.Hint.
	Hint string
}

// Availability says when a helper usually can: [day][part], day 0 =
// Monday, part 0 = morning, 1 = afternoon, 2 = evening.
type Availability [7][3]bool

// HelperSettings is what a helper is willing to do.
type HelperSettings struct {
	Categories   []string // category ids offered
	RadiusKm     float64  // MinRadiusKm .. MaxRadiusKm
	Availability Availability
	QuietStart   string // "21:00": no invitations from then ...
	QuietEnd     string // ... until "08:00"
	WeeklyMax    int    // invitations per week, 1 .. 50
	PausedUntil  string // "2026-12-01" or ""
}

// Preview says how many helpers are within reach for a request.
type Preview struct {
	Few      bool // fewer than PreviewFew: say "a few", never the number
	Many     bool // PreviewMax or more: say "more than PreviewMax"
	Count    int  // 0 when Few; PreviewMax when Many
	RadiusKm int
}

// Search kinds and orders.
const (
	KindRequests = "requests"
	KindOffers   = "offers"
	SortNearest  = "nearest"
	SortNewest   = "newest"
)

// SearchQuery asks for requests or offers near the viewer's own stored
// position (never a point the client sends).
type SearchQuery struct {
	Kind       string // KindRequests or KindOffers
	CategoryID string // "" for all
	RadiusKm   int    // 1 .. 25; 0 = 5
	Words      string // Dutch-aware word search; "" for all
	From, To   string // "2026-11-25": requests whose time falls in these dates
	Sort       string // SortNearest (default) or SortNewest
	Cursor     string // from the previous SearchResult.Next
	Limit      int    // 1 .. 50; 0 = 20
}

// SearchResult is one page of results.
type SearchResult struct {
	Requests []RequestView
	Offers   []OfferView
	Next     string // cursor of the next page; "" when this is the last
}
