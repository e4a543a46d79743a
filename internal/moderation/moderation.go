// Package moderation is the moderators' side of trust and safety: the
// queue of reports and flags (per edition, and every edition for national
// moderators), the context to judge one, the actions (dismiss, warn,
// suspend, remove, lift) with their effects, the audit log that nobody can
// edit, and the warnings a person must acknowledge.
//
// Every action runs in one transaction with all of its effects: the
// account's status and sessions, the person's open requests and
// invitations (internal/help, internal/dispatch), held or hidden messages
// (internal/message), the audit row, the e-mail to the person and the
// outcome for the reporters (queued through internal/jobs, the outbox).
package moderation

import (
	"context"
	"log/slog"
	"time"

	"github.com/noaber/noaber/internal/account"
	"github.com/noaber/noaber/internal/dispatch"
	"github.com/noaber/noaber/internal/help"
	"github.com/noaber/noaber/internal/jobs"
	"github.com/noaber/noaber/internal/message"
	"github.com/noaber/noaber/internal/report"
	"github.com/noaber/noaber/internal/store"
)

// Actions.
const (
	Dismiss = "dismiss" // no rule broken; a held message is delivered
	Warn    = "warn"    // the person sees a warning until they acknowledge it
	Suspend = "suspend" // for Days days, or indefinitely (Days 0)
	Remove  = "remove"  // the account is closed and its content hidden
	Lift    = "lift"    // a suspension ends (by a moderator, or the system when it runs out)
)

// ReasonNoViolation is the reason for dismissing: no rule was broken. The
// other reasons are report.Reasons.
const ReasonNoViolation = "no_violation"

// Reasons lists the reasons of an action, in the order forms show them.
var Reasons = append([]string{ReasonNoViolation}, report.Reasons...)

// SuspendDays are the periods the pages offer (0: indefinitely); the
// first is the default.
var SuspendDays = []int{14, 7, 30, 90, 0}

// Limits.
const (
	MaxNote       = 1000 // characters in a moderator's note
	MaxDays       = 3650 // longest suspension with an end
	ContextAround = 5    // messages shown before and after a reported message
	QueuePage     = 50
)

// Decision is what a moderator decides. A reason is always needed; the
// note is required with report.ReasonOther.
type Decision struct {
	Action string // Dismiss, Warn, Suspend, Remove or Lift
	Reason string // one of Reasons
	Note   string
	Days   int // Suspend: 1..MaxDays, or 0 for indefinitely
}

// Action is one row of the audit log.
type Action struct {
	ID          string
	EditionID   string
	ActorID     string // "" for the system
	ActorName   string
	SubjectID   string
	SubjectName string
	ReportID    string
	Action      string
	Reason      string
	Note        string
	Until       time.Time // Suspend with an end; zero otherwise
	CreatedAt   time.Time
}

// QueueItem is one open report or flag in the queue.
type QueueItem struct {
	Report      report.Report
	SubjectName string
	// Summary is the start of the reported text (a message, a request's
	// title, a profile's bio), at most 140 characters.
	Summary string
	// Others is how many other open reports there are on the same item.
	Others int
}

// Subject is the person a report is about, as a moderator sees them:
// never an e-mail address, postcode or position.
type Subject struct {
	ID             string
	DisplayName    string
	Town           string
	EditionID      string
	Status         string // account.StatusActive, StatusSuspended, StatusRemoved
	SuspendedUntil time.Time
	MemberSince    time.Time
}

// Item is the reported item.
type Item struct {
	Kind      string // report.TargetPerson, ...
	ID        string
	Title     string // a request's or offer's title; "" otherwise
	Text      string // the message, the request's or offer's text, the bio
	Held      bool   // a message held for a moderator
	Hidden    bool   // removed by moderation
	CreatedAt time.Time
}

// ContextMessage is a message around a reported one, from the same
// conversation only.
type ContextMessage struct {
	ID         string
	SenderID   string
	SenderName string
	Body       string
	Reported   bool // the reported message itself
	Held       bool
	CreatedAt  time.Time
}

// Case is everything a moderator needs to judge one report.
type Case struct {
	Report       report.Report
	ReporterName string // "" for a flag
	Subject      Subject
	Item         Item
	Context      []ContextMessage // for a message: the ContextAround before and after it
	// Earlier reports and actions about the same person, newest first.
	OtherReports []report.Report
	Actions      []Action
	// Suggested is the reason the form preselects (the report's reason
	// when it is one of Reasons).
	Suggested string
}

// Warning is a warning as its person sees it.
type Warning struct {
	ID        string
	Reason    string
	Note      string
	CreatedAt time.Time
}

// Options tune a Service.
type Options struct {
	Now     func() time.Time
	BaseURL string // for links in e-mails
	// Contact is where a person objects to a decision (an e-mail address
	// or a link), named in the e-mails; default the edition's house rules
	// page, where its coordinators say how to reach them.
	Contact string
	Logger  *slog.Logger
}

// Service is the moderation domain.
type Service struct {
	db       *store.DB
	jobs     *jobs.Queue
	accounts *account.Service
	reports  *report.Service
	help     *help.Service
	dispatch *dispatch.Service
	messages *message.Service
	opt      Options
}

// New returns the moderation service and registers its jobs on q
// ("moderation.lift").
func New(db *store.DB, q *jobs.Queue, accounts *account.Service, reports *report.Service, helpSvc *help.Service,
	disp *dispatch.Service, msgs *message.Service, opt Options) *Service {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Logger == nil {
		opt.Logger = slog.Default()
	}
	s := &Service{db: db, jobs: q, accounts: accounts, reports: reports, help: helpSvc, dispatch: disp, messages: msgs, opt: opt}
	if q != nil {
		q.Handle(LiftKind, s.liftJob)
	}
	return s
}

// The contract the pages and the API use. Access: a moderator of an
// edition sees and acts on that edition's reports; a moderator of the
// national edition and a platform admin on every edition's. Anyone else
// gets 403 "not_moderator"; a report or person of an edition the moderator
// does not cover is 403 too (never a hint of what it holds).
var _ interface {
	// Editions lists the editions whose queue mod may see (403 when none).
	Editions(ctx context.Context, mod *account.User) ([]account.Edition, error)
	// Queue lists open reports, oldest first, of one edition (editionID)
	// or of every edition mod covers (""), at most QueuePage after the
	// report with id after ("" from the start).
	Queue(ctx context.Context, mod *account.User, editionID, after string) ([]QueueItem, error)
	// Case returns one report with its context (open or closed).
	Case(ctx context.Context, mod *account.User, reportID string) (*Case, error)
	// Act applies a decision to a report's subject and closes the report
	// (Dismiss and Warn: the open reports on the same item; Suspend and
	// Remove: every open report on the person). Errors: 422 fields action,
	// reason, note, days; 409 "report_closed" for a closed report; 409
	// "not_suspended" for Lift on an active account.
	Act(ctx context.Context, mod *account.User, reportID string, d Decision) (*Action, error)
	// ActOnPerson applies Warn, Suspend, Remove or Lift to a person
	// without a report (from the person's history page).
	ActOnPerson(ctx context.Context, mod *account.User, userID string, d Decision) (*Action, error)
	// Person returns the person with their reports and actions, newest
	// first, for the history page.
	Person(ctx context.Context, mod *account.User, userID string) (*Case, error)
	// AuditLog lists actions of one edition ("" all mod covers), newest
	// first, at most QueuePage older than the action with id before.
	AuditLog(ctx context.Context, mod *account.User, editionID, before string) ([]Action, error)
	// FlagRules returns an edition's flag overrides (JSON) for editing.
	FlagRules(ctx context.Context, mod *account.User, editionID string) (string, error)
	// SaveFlagRules stores them (see report.SaveOverrides).
	SaveFlagRules(ctx context.Context, mod *account.User, editionID, jsonText string) error
	// PendingWarnings lists the user's warnings not yet acknowledged,
	// oldest first.
	PendingWarnings(ctx context.Context, userID string) ([]Warning, error)
	// Acknowledge marks one of the user's warnings read (404 for another's;
	// acknowledging twice is fine).
	Acknowledge(ctx context.Context, userID, warningID string) error
} = (*Service)(nil)
