// Package account owns users, their profiles, sessions, e-mail links and
// the rate limits around them. Pages (internal/web) and the JSON API
// (internal/api) are two thin doors into this one Service.
package account

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/noaber/noaber/internal/geo"
	"github.com/noaber/noaber/internal/i18n"
)

// Roles a user can have.
const (
	RoleMember = "member"
	RoleAdmin  = "admin" // platform admin
)

// Statuses of an account.
const (
	StatusActive = "active"
	// StatusSuspended and StatusRemoved are set by moderation (the trust
	// and safety issue); such an account gets no messages.
	StatusSuspended = "suspended"
	StatusRemoved   = "removed"
)

// SessionKind says where a session is used: a browser cookie or an app's
// bearer token.
type SessionKind string

const (
	WebSession SessionKind = "web"
	APISession SessionKind = "api"
)

// RulesVersion is the version of the built-in house rules (the texts in
// the catalogs), which every edition has until it publishes its own
// (house_rules.go).
const RulesVersion = 1

// Limits on profile fields.
const (
	MaxBio      = 500
	MaxName     = 60
	MaxTown     = 80
	MaxEmail    = 254
	MinPassword = 10
	MaxPassword = 200
)

// User is the account as its owner sees it. Never hand a User to anyone
// else: other users get a Profile.
type User struct {
	ID              string
	EditionID       string
	Email           string
	EmailVerified   bool
	FirstName       string
	Surname         string
	ShowFullSurname bool
	Postcode        string // "1234AB"; never shown to others
	HouseNumber     string // never shown to others
	Town            string
	Bio             string
	Locale          i18n.Lang
	Role            string
	Status          string
	// SuspendedUntil is when a suspension ends; zero when it does not
	// (or the account is not suspended).
	SuspendedUntil time.Time
	// RulesOutdated: the user's edition published house rules the user
	// has not accepted yet (set by Authenticate).
	RulesOutdated bool
	// WarningPending: a moderator's warning waits to be acknowledged
	// (set by Authenticate).
	WarningPending bool
	Asks           []string // category ids
	Offers         []string // category ids
	Languages      []string // ISO 639-1 codes
	CreatedAt      time.Time

	// Where the user is. Private: only the user's own pages and the
	// server's distance computations use Position; others get distances
	// between Cell centres (geo.PublicKm).
	HasPosition      bool
	Position         geo.Point
	Cell             geo.Point
	MunicipalityCode string
	LocationSource   string
}

// DisplayName is how others see the user's name: first name and surname
// initial, or the full surname when the user chose that.
func (u *User) DisplayName() string { return DisplayName(u.FirstName, u.Surname, u.ShowFullSurname) }

// IsAdmin reports whether the user is a platform admin.
func (u *User) IsAdmin() bool { return u.Role == RoleAdmin }

// DisplayName is the display name of a user read as three columns
// (first_name, surname, show_full_surname), for queries that join users.
func DisplayName(first, surname string, full bool) string {
	if full || surname == "" {
		return strings.TrimSpace(first + " " + surname)
	}
	// Dutch surnames often start with a prefix (tussenvoegsel): "van der
	// Berg" becomes "v.d. B."? No: people write "Jan B." for "Jan van den
	// Berg", so the initial is that of the main part.
	parts := strings.Fields(surname)
	main := parts[len(parts)-1]
	r, _ := utf8.DecodeRuneInString(main)
	return first + " " + strings.ToUpper(string(r)) + "."
}

// Profile is what other signed-in users see of a user. It has no e-mail,
// postcode, street, house number or coordinates, by construction.
type Profile struct {
	ID            string
	DisplayName   string
	Town          string
	Bio           string
	Asks          []Category
	Offers        []Category
	Languages     []string
	EmailVerified bool
	MemberSince   time.Time
}

// Category is a kind of help, named in the reader's language.
type Category struct {
	ID          string
	Icon        string
	Name        string
	Description string
	// Position orders the categories; it is also the category's number in
	// the spatial index of helpers (internal/help).
	Position int
}

// SignupInput is what a new user gives.
type SignupInput struct {
	Email       string
	Password    string
	FirstName   string
	Surname     string
	Postcode    string
	HouseNumber string // optional
	Town        string
	AcceptRules bool
	Locale      i18n.Lang
	Addr        string // client address, for rate limiting
}

// ProfileInput is what a user can change on their profile. Every field is
// set (a form sends them all).
type ProfileInput struct {
	FirstName       string
	Surname         string
	ShowFullSurname bool
	Postcode        string
	HouseNumber     string
	Town            string
	Bio             string
	Asks            []string
	Offers          []string
	Languages       []string
}

// Session is a signed-in browser or app.
type Session struct {
	UserID    string
	Kind      SessionKind
	CreatedAt time.Time
	ExpiresAt time.Time
}
