// Package message is the private conversation between two neighbours:
// one-to-one, about a request, an offer, or started from a profile. It
// keeps the messages, the unread counts and read markers, marks the help
// done and keeps the seeker's thank-you notes. Every message writes its
// notification (internal/notify) and its live event (internal/live) in
// the transaction that stores it.
package message

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/noaber/noaber/internal/account"
	"github.com/noaber/noaber/internal/help"
	"github.com/noaber/noaber/internal/live"
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
	// "gone").
	CanSend  bool
	Closed   string
	Thanked  bool // the seeker left a thank-you note
	CanThank bool // the viewer is the seeker, it is done and not thanked yet
	CreatedAt time.Time
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

var errTodo = errors.New("message: not implemented")

// Open finds or creates, in tx, the conversation about requestID between
// its seeker and helper (the dispatcher calls it on accept; the helper may
// have responded to the request before). It returns the conversation id.
func Open(ctx context.Context, tx *store.Tx, requestID, seekerID, helperID string, at time.Time) (string, error) {
	return "", errTodo
}

// Start finds or creates the conversation in.* points at and sends the
// first message. The rules: not with yourself, not with someone either
// blocked, not with an account that is not active, a request must be open
// and an offer active, and the body as for Send.
func (s *Service) Start(ctx context.Context, me *account.User, in StartInput) (*Conversation, *Message, error) {
	return nil, nil, errTodo
}

// List returns the viewer's conversations, the latest activity first.
func (s *Service) List(ctx context.Context, me *account.User) ([]Conversation, error) {
	return nil, errTodo
}

// Get returns one of the viewer's conversations (404 for anyone else's).
func (s *Service) Get(ctx context.Context, me *account.User, id string) (*Conversation, error) {
	return nil, errTodo
}

// Messages returns up to limit (at most PageSize) messages before the
// message id before ("" for the newest), oldest first, and whether there
// are older ones.
func (s *Service) Messages(ctx context.Context, me *account.User, id, before string, limit int) ([]Message, bool, error) {
	return nil, false, errTodo
}

// After returns the messages after the message id after, oldest first (at
// most PageSize): what a live connection missed (Last-Event-ID).
func (s *Service) After(ctx context.Context, me *account.User, id, after string) ([]Message, error) {
	return nil, errTodo
}

// Message returns one message of a conversation the viewer is in.
func (s *Service) Message(ctx context.Context, me *account.User, messageID string) (*Message, error) {
	return nil, errTodo
}

// Send writes a message (1 to MaxBody characters after trimming) into a
// conversation the viewer is in, raises the other's unread count, writes
// the other's notification and publishes the live event, in one
// transaction. A retry with the same clientKey returns the first message.
func (s *Service) Send(ctx context.Context, me *account.User, id, body, clientKey string) (*Message, error) {
	return nil, errTodo
}

// MarkRead marks the conversation read for the viewer (unread count, read
// marker, the message notifications) and tells the other's pages.
func (s *Service) MarkRead(ctx context.Context, me *account.User, id string) error {
	return errTodo
}

// UnreadTotal is the header badge: unread messages over all the user's
// conversations with people who are not blocked.
func (s *Service) UnreadTotal(ctx context.Context, userID string) (int, error) {
	return 0, errTodo
}

// MarkDone marks the help done (either side); a matched request of this
// conversation's helper becomes done too.
func (s *Service) MarkDone(ctx context.Context, me *account.User, id string) error {
	return errTodo
}

// Thank leaves the seeker's thank-you note (1 to MaxThanks characters)
// once the help is done; one per conversation.
func (s *Service) Thank(ctx context.Context, me *account.User, id, body string) error {
	return errTodo
}

// ThanksFor returns the thank-you notes a user received, newest first, as
// viewer may see them (none from people the viewer blocked or was blocked
// by; none for a user the viewer may not see).
func (s *Service) ThanksFor(ctx context.Context, viewer *account.User, userID string) ([]Thanks, error) {
	return nil, errTodo
}
