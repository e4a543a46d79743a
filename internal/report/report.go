// Package report takes in what a moderator should look at: reports by
// members about a person, a request, an offer or a message, and flags
// raised by the rules of internal/flag over the texts people write. Both
// land in the reports table; internal/moderation shows them as a queue and
// acts on them.
//
// Other domains call Check inside the transaction that stores a text, so
// a text and its flag are written together (a held message is never
// stored without the flag that holds it).
package report

import (
	"context"
	"sync"
	"time"

	"github.com/noaber/noaber/internal/account"
	"github.com/noaber/noaber/internal/flag"
	"github.com/noaber/noaber/internal/store"
)

// Reasons a member can give for a report.
const (
	ReasonDating     = "dating"     // dating or sexual approach
	ReasonMoney      = "money"      // asking for money or bank details
	ReasonHarassment = "harassment" // harassment or threats
	ReasonSpam       = "spam"       // advertising, spam
	ReasonUnsafe     = "unsafe"     // an unsafe situation
	ReasonOther      = "other"      // something else: the note says what
)

// Reasons lists the member reasons in the order forms show them.
var Reasons = []string{ReasonDating, ReasonMoney, ReasonHarassment, ReasonSpam, ReasonUnsafe, ReasonOther}

// Reasons of flags raised by the rules: the flag categories (flag.Dating,
// flag.Money, flag.Link, flag.Contact) and ReasonContacts.
const ReasonContacts = "contacts" // a new account started many conversations quickly

// Kinds of reported item.
const (
	TargetPerson  = "person" // the person, or their profile text
	TargetRequest = "request"
	TargetOffer   = "offer"
	TargetMessage = "message"
)

// Sources of a report.
const (
	SourceMember = "member"
	SourceFlag   = "flag"
)

// Statuses of a report.
const (
	StatusOpen   = "open"
	StatusClosed = "closed"
)

// Limits.
const (
	MaxNote      = 1000     // characters in a member's note
	MaxPerDay    = 20       // reports one member may file in 24 hours
	MaxOverrides = 64 << 10 // bytes of an edition's overrides JSON
)

// Input is a member's report.
type Input struct {
	TargetKind string // TargetPerson, TargetRequest, TargetOffer or TargetMessage
	TargetID   string
	Reason     string // one of Reasons
	Note       string // optional, at most MaxNote; required for ReasonOther
}

// Report is a report or flag as a moderator sees it.
type Report struct {
	ID         string
	EditionID  string
	Source     string // SourceMember or SourceFlag
	ReporterID string // "" for a flag
	SubjectID  string
	TargetKind string
	TargetID   string
	Reason     string
	Note       string
	Evidence   string // for a flag: the words or pattern that matched
	Severity   string // flag.Low or flag.High; member reports are low unless ReasonUnsafe
	Status     string
	Outcome    string // the action that closed it ("dismiss", "warn", ...); "" while open
	CreatedAt  time.Time
	ClosedAt   time.Time // zero while open
}

// Outcomes as the reporter sees them, in general terms.
const (
	OutcomePending = "pending"   // not handled yet
	OutcomeAction  = "action"    // a moderator took action
	OutcomeNone    = "no_action" // a moderator found no rule broken
)

// Filed is a report as its reporter sees it: what they reported and, in
// general terms, what came of it; never the action taken against whom.
type Filed struct {
	ID         string
	TargetKind string
	TargetID   string
	Reason     string
	Note       string
	Outcome    string // OutcomePending, OutcomeAction or OutcomeNone
	CreatedAt  time.Time
	ClosedAt   time.Time
}

// TextCheck is a text to check with the rules of an edition, inside the
// transaction that stores it.
type TextCheck struct {
	Kind         string // flag input kind: "message", "request", "offer", "profile"
	TargetKind   string // TargetMessage, TargetRequest, TargetOffer or TargetPerson
	TargetID     string
	SubjectID    string // the author
	EditionID    string // the author's edition: its rules and its queue
	Text         string
	FirstMessage bool // the sender's first message in the conversation
}

// Options tune a Service.
type Options struct {
	Now func() time.Time
	// RulesTTL is how long an edition's compiled rules are cached before
	// they are read again (other instances may have saved new ones);
	// default one minute.
	RulesTTL time.Duration
}

// Service is the intake of reports and flags.
type Service struct {
	db  *store.DB
	opt Options

	mu    sync.Mutex
	rules map[string]cachedRules // by edition id
}

// New returns the report service.
func New(db *store.DB, opt Options) *Service {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.RulesTTL == 0 {
		opt.RulesTTL = time.Minute
	}
	return &Service{db: db, opt: opt}
}

// The contract the pages, the API, the other domains and moderation use.
var _ interface {
	// File writes a member's report and returns it as the reporter sees
	// it. The target must exist and be visible to the reporter (a message
	// only in their own conversation); someone cannot report themselves.
	// Reporting the same open item again returns the first report.
	// Errors: 422 fields target_kind, reason, note; 404 target; 429 after
	// MaxPerDay reports in 24 hours.
	File(ctx context.Context, reporter *account.User, in Input) (*Filed, error)
	// Filed lists the reporter's own reports, newest first.
	Filed(ctx context.Context, reporter *account.User) ([]Filed, error)
	// Check evaluates a text with the edition's rules, in tx, writes one
	// flag report per flag (once per open item and reason) and returns
	// the result: Hold says the item must be held, Hint which safety hint
	// to show the author.
	Check(ctx context.Context, tx *store.Tx, in TextCheck) (flag.Result, error)
	// Evaluate and Record are Check in two halves, for a hot path: the
	// rules before the write transaction, the flags inside it.
	Evaluate(ctx context.Context, in TextCheck) (flag.Result, error)
	Record(ctx context.Context, tx *store.Tx, in TextCheck, res flag.Result) error
	// CheckContacts flags a new account that started too many
	// conversations in 24 hours (flag.Rules.TooManyContacts), in tx; it
	// counts conversations.started_by itself.
	CheckContacts(ctx context.Context, tx *store.Tx, u *account.User) error
	// Rules returns the edition's compiled rules (defaults with its
	// overrides), cached for Options.RulesTTL.
	Rules(ctx context.Context, editionID string) (*flag.Rules, error)
	// Overrides returns the edition's overrides as indented JSON ("" for
	// none).
	Overrides(ctx context.Context, editionID string) (string, error)
	// SaveOverrides checks and stores an edition's overrides (JSON of
	// flag.Overrides; "" removes them). Errors: 422 field "overrides" with
	// the parse or rule error. Access is checked by the caller.
	SaveOverrides(ctx context.Context, editionID, byUserID, jsonText string) error
} = (*Service)(nil)
