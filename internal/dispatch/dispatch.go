// Package dispatch looks for a helper on a seeker's behalf: when a request
// is posted it invites the best-placed helper nearby, waits for an answer
// until a deadline, moves on after a "no" or silence, widens the search
// step by step, and hands the request to the edition's coordinators when
// nobody says yes in time.
//
// All state is in the database (dispatches, invitations) and every
// deadline is a job, so a dispatch survives a crash and runs on several
// instances at once. Whatever moves a dispatch on (an answer, a deadline,
// escalation) first locks its dispatches row, so two of them never
// interleave; the unique (request, helper) key on invitations makes
// "nobody is invited twice" hold even so.
//
// Pages (internal/web) and the API (internal/api) are thin doors into this
// Service; errors a user should see are *apperr.Error with keys in catalog
// dispatch.json.
package dispatch

import (
	"log/slog"
	"time"

	"github.com/noaber/noaber/internal/account"
	"github.com/noaber/noaber/internal/help"
	"github.com/noaber/noaber/internal/jobs"
	"github.com/noaber/noaber/internal/store"
)

// Dispatch statuses.
const (
	Searching = "searching" // inviting helpers one after another
	Matched   = "matched"   // a helper said yes
	Escalated = "escalated" // nobody yet: the coordinators of the area look
	Stopped   = "stopped"   // the request closed (cancelled, expired)
	Off       = "off"       // Progress only: the seeker chose "only show it"
)

// Invitation statuses.
const (
	InvScheduled = "scheduled" // waits for the end of the helper's quiet hours; the helper does not see it yet
	InvOpen      = "open"      // sent; waiting for an answer until DeadlineAt
	InvAccepted  = "accepted"
	InvDeclined  = "declined"
	InvExpired   = "expired" // no answer by the deadline
	InvWithdrawn = "withdrawn"
)

// Why an invitation was withdrawn.
const (
	WithdrawnMatched    = "matched"     // another helper said yes
	WithdrawnClosed     = "closed"      // the request was cancelled or expired
	WithdrawnHelperGone = "helper_gone" // the helper's account was suspended or removed
)

// Escalation reasons.
const (
	ReasonDeadline  = "deadline"  // nobody said yes by the escalation deadline
	ReasonExhausted = "exhausted" // every helper within the edition's maximum was asked
)

// Job kinds.
const (
	JobStart    = "dispatch.start"    // payload: {"request_id"}
	JobSend     = "dispatch.send"     // payload: {"invitation_id"}: a scheduled invitation's morning
	JobDeadline = "dispatch.deadline" // payload: {"invitation_id"}
	JobEscalate = "dispatch.escalate" // payload: {"request_id"}
)

// Limits.
const (
	MaxPauseDays      = 90
	MaxResolutionNote = 1000
)

// Weights rank the candidates: a candidate's score is
//
//	Distance·km − Fit·fit − Reliability·reliability + Fairness·recent
//
// and the lowest score is invited first. fit and reliability are in
// [0, 1]; recent is the number of invitations the helper had in the last
// seven days. Distance dominates by default: a neighbour 1 km nearer wins
// unless the other fits clearly better or was asked far less.
type Weights struct {
	Distance    float64 `json:"distance"`
	Fit         float64 `json:"fit"`
	Reliability float64 `json:"reliability"`
	Fairness    float64 `json:"fairness"`
}

// EditionSettings is how an edition dispatches.
type EditionSettings struct {
	Batch         int     // helpers invited at the same time: 1 .. 5
	AnswerMinutes int     // time to answer an invitation: 5 .. 240 (shorter when the request is soon)
	MaxKm         float64 // the widest search: 1 .. 25
	EscalateHours int     // escalate when nobody said yes after this: 1 .. 72
}

// Options tune the Service.
type Options struct {
	Now     func() time.Time
	Weights Weights // zero: DefaultWeights()
	Logger  *slog.Logger
}

// Service is the dispatcher.
type Service struct {
	db       *store.DB
	jobs     *jobs.Queue
	accounts *account.Service
	help     *help.Service
	opt      Options
}

// Invitation is an invitation as the invited helper sees it: what, when
// and roughly where (the request's town and a rounded distance).
type Invitation struct {
	ID           string
	Status       string // InvOpen, InvAccepted, ...; never InvScheduled
	WithdrawnWhy string // WithdrawnMatched, WithdrawnClosed or WithdrawnHelperGone when Status is InvWithdrawn
	Request      help.RequestView
	SentAt       time.Time
	DeadlineAt   time.Time
	AnsweredAt   time.Time // zero when not answered
	// ConversationID is set on an accepted invitation: where seeker and
	// helper talk.
	ConversationID string
}

// Match is what an accepted invitation leads to.
type Match struct {
	RequestID      string
	ConversationID string
}

// Progress is how the seeker follows the search, without names until a
// helper said yes.
type Progress struct {
	Status    string // Searching, Matched, Escalated, Stopped or Off
	Asked     int    // invitations sent so far
	Declined  int    // said "not this time"
	NoAnswer  int    // let the deadline pass
	Waiting   int    // sent, no answer yet
	Scheduled int    // will be sent when the helper's quiet hours end
	// Helper and ConversationID are set when matched.
	Helper         *help.Person
	ConversationID string
	EscalatedAt    time.Time
}

// Escalation is a request on a coordinator's list.
type Escalation struct {
	RequestID   string
	EditionID   string
	Title       string
	CategoryID  string
	Town        string
	Seeker      help.Person
	Reason      string // ReasonDeadline or ReasonExhausted
	EscalatedAt time.Time
	Asked       int
	Declined    int
	NoAnswer    int
}

// Explanation shows a coordinator how a request was dispatched and why
// each helper ranked where they did.
type Explanation struct {
	RequestID   string
	Title       string
	Status      string
	RadiusKm    float64 // the current step of the search
	Weights     Weights
	Invitations []Ranked
}

// Ranked is one invited helper with the parts of their score. Distances
// are rounded to whole km even here.
type Ranked struct {
	Rank        int
	Helper      help.Person
	Status      string
	Km          int
	Fit         float64
	Reliability float64
	Recent      int
	Score       float64
	SentAt      time.Time // zero while scheduled
	AnsweredAt  time.Time
}
