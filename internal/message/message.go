// Package message is the private conversation between two neighbours:
// one-to-one, about a request, an offer, or started from a profile. It
// keeps the messages, the unread counts and read markers, marks the help
// done and keeps the seeker's thank-you notes. Every message writes its
// notification (internal/notify) and its live event (internal/live) in
// the transaction that stores it.
package message

import (
	"log/slog"
	"time"

	"github.com/noaber/noaber/internal/account"
	"github.com/noaber/noaber/internal/help"
	"github.com/noaber/noaber/internal/live"
	"github.com/noaber/noaber/internal/report"
	"github.com/noaber/noaber/internal/store"
)

// Limits.
const (
	MaxBody   = 2000 // characters in a message
	MaxThanks = 500  // characters in a thank-you note
	PageSize  = 50   // messages per page
)

// Kinds of conversation.
const (
	KindRequest = "request"
	KindOffer   = "offer"
	KindDirect  = "direct"
)

// Sides of a conversation.
const (
	RoleSeeker = "seeker"
	RoleHelper = "helper"
)

// Person is how the other side of a conversation appears: never an
// address or a position.
type Person struct {
	ID          string
	DisplayName string
	Town        string
	Active      bool // false when suspended or removed
}

// Conversation is a conversation as one of its two people sees it.
type Conversation struct {
	ID        string
	Kind      string // KindRequest, KindOffer or KindDirect
	RequestID string
	OfferID   string
	About     string // the request's or offer's title; "" for direct
	Other     Person
	Role      string // the viewer's side: RoleSeeker or RoleHelper
	Unread    int    // messages the viewer has not read
	// LastMessage is the newest message, cut to 120 characters.
	LastMessage   string
	LastMessageAt time.Time // zero before the first message
	LastFromMe    bool
	// OtherReadAt: the other has read the viewer's messages up to here.
	OtherReadAt time.Time
	Done        bool
	DoneAt      time.Time
	// CanSend is false when either blocked the other or the other's
	// account is no longer active; Closed then says why ("blocked",
	// "suspended", "removed", "gone").
	CanSend bool
	Closed  string
	Thanked bool // the seeker left a thank-you note
	// ThanksNote is that note (nil until thanked).
	ThanksNote *Thanks
	CanThank   bool // the viewer is the seeker, it is done and not thanked yet
	CreatedAt  time.Time
}

// Message is one message as a member of the conversation sees it.
type Message struct {
	ID             string
	ConversationID string
	SenderID       string
	SenderName     string
	Mine           bool
	Body           string
	CreatedAt      time.Time
	// Read: the viewer's own message has been read by the other.
	Read bool
	// Held: the message waits for a moderator; only its sender sees it
	// (with a note that it is being checked) and nothing was delivered.
	Held bool
	// Hint is a safety hint for the sender, set only in the answer to
	// sending it: flag.HintContactFirstMessage when a first message holds
	// a phone number, e-mail or address.
	Hint string
}

// Thanks is a thank-you note as it shows on the helper's profile.
type Thanks struct {
	ID        string
	FromID    string
	FromName  string
	Body      string
	CreatedAt time.Time
}

// StartInput starts (or continues) a conversation with a first message.
// Exactly one of RequestID, OfferID and UserID is set.
type StartInput struct {
	RequestID string // respond to a request: the viewer offers help
	OfferID   string // respond to an offer: the viewer asks for it
	UserID    string // from a profile
	Body      string
	ClientKey string // optional idempotency key of the first message
}

// Options tune a Service.
type Options struct {
	Now    func() time.Time
	Logger *slog.Logger
	// Reports checks messages with the flag rules and counts new
	// conversations of new accounts (internal/report); nil in tests that
	// do not need it.
	Reports *report.Service
}

// Service is the messaging domain.
type Service struct {
	db       *store.DB
	accounts *account.Service
	help     *help.Service
	live     *live.Broker
	opt      Options
}

// New returns the messaging service.
func New(db *store.DB, accounts *account.Service, helpSvc *help.Service, broker *live.Broker, opt Options) *Service {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Logger == nil {
		opt.Logger = slog.Default()
	}
	return &Service{db: db, accounts: accounts, help: helpSvc, live: broker, opt: opt}
}
