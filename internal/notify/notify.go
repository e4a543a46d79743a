// Package notify keeps the in-app notifications: the list behind the bell
// and its unread badge. A notification is written in the transaction of
// the event that causes it, and at most once per user, kind and subject,
// so a retried job or a second instance cannot add it twice. E-mail and
// push delivery (the notifications issue) read from the same table.
package notify

import (
	"context"
	"database/sql"
	"time"

	"github.com/google/uuid"

	"github.com/noaber/noaber/internal/account"
	"github.com/noaber/noaber/internal/jobs"
	"github.com/noaber/noaber/internal/store"
)

// Kinds of notification.
const (
	Invitation          = "invitation"           // a helper is asked to help (ref: invitation id)
	InvitationWithdrawn = "invitation_withdrawn" // someone else said yes, or the request closed (ref: invitation id)
	Matched             = "matched"              // the seeker: a neighbour said yes (ref: request id)
	Escalated           = "escalated"            // the seeker: nobody yet, a coordinator looks (ref: request id)
	Escalation          = "escalation"           // a coordinator: a request needs a person (ref: request id)
	Message             = "message"              // a new message (ref: message id; ConversationID set)
	Expiring            = "expiring"             // the seeker: an open request expires within a day (ref: request id)
	ReportOutcome       = "report_outcome"       // a reporter: a moderator decided on their report (ref: report id)
)

// Kinds lists every kind, in the order the settings page shows them.
var Kinds = []string{Invitation, InvitationWithdrawn, Matched, Message, Expiring, Escalated, Escalation, ReportOutcome}

// DeliverKind is the job that delivers one notification by push and
// e-mail; Add enqueues it in the transaction that writes the notification.
const DeliverKind = "notify.deliver"

// DeliverJob is the payload of a DeliverKind job.
type DeliverJob struct {
	ID string `json:"id"` // the notification
}

// Notice is one notification to write.
type Notice struct {
	UserID    string
	Kind      string
	Ref       string // what it is about; unique per user and kind
	RequestID string // the request it concerns, if any
	// ConversationID is the conversation a message notification is
	// about; reading the conversation marks it read.
	ConversationID string
}

// Notification is a notification as its owner sees it.
type Notification struct {
	ID           string
	Kind         string
	Ref          string
	RequestID    string
	RequestTitle string // "" when it is not about a request
	CreatedAt    time.Time
	Read         bool
}

// Service reads and writes notifications.
type Service struct {
	db  *store.DB
	now func() time.Time
	// opt is set by Deliver, before the queue runs and the pages serve.
	opt DeliveryOptions
}

// New returns the notifications service; now may be nil (time.Now).
func New(db *store.DB, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{db: db, now: now}
}

// Add writes n in tx, unless the same user already has one of this kind
// about the same ref, and queues its delivery (push, e-mail) in the same
// transaction: the outbox. It reports whether it wrote one.
func Add(ctx context.Context, tx *store.Tx, n Notice, at time.Time) (bool, error) {
	id := uuid.Must(uuid.NewV7()).String()
	res, err := tx.Exec(ctx, `INSERT INTO notifications (id, user_id, kind, ref, request_id, conversation_id, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (user_id, kind, ref) DO NOTHING`,
		id, n.UserID, n.Kind, n.Ref, store.Null(n.RequestID), store.Null(n.ConversationID), at.UTC())
	if err != nil {
		return false, err
	}
	if k, _ := res.RowsAffected(); k == 0 {
		return false, nil
	}
	if _, err := jobs.EnqueueAt(ctx, tx, at, DeliverKind, DeliverJob{ID: id}); err != nil {
		return false, err
	}
	return true, nil
}

// The bell (List, Unread) leaves out message notifications: messages have
// their own unread counts per conversation, and the rows exist to be
// delivered by push and e-mail.

// notBlocked leaves out notifications about a request (r) of someone the
// user (the next two arguments) blocked or was blocked by: blocking means
// neither sees the other's requests, also a coordinator.
const notBlocked = `(r.seeker_id IS NULL OR r.seeker_id NOT IN ` + account.BlockedIDs + `)`

// MaxList is how many notifications List returns at most.
const MaxList = 50

// List returns a user's newest notifications, newest first (notBlocked).
func (s *Service) List(ctx context.Context, userID string) ([]Notification, error) {
	rows, err := s.db.Query(ctx, `SELECT n.id, n.kind, n.ref, n.request_id, r.title, n.created_at, n.read_at
		FROM notifications n LEFT JOIN requests r ON r.id = n.request_id
		WHERE n.user_id = ? AND n.kind <> 'message' AND `+notBlocked+`
		ORDER BY n.created_at DESC, n.id DESC LIMIT ?`, userID, userID, userID, MaxList)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Notification{}
	for rows.Next() {
		var n Notification
		var req, title sql.NullString
		var read sql.NullTime
		if err := rows.Scan(&n.ID, &n.Kind, &n.Ref, &req, &title, &n.CreatedAt, &read); err != nil {
			return nil, err
		}
		n.RequestID, n.RequestTitle, n.Read = req.String, title.String, read.Valid
		n.CreatedAt = n.CreatedAt.UTC()
		out = append(out, n)
	}
	return out, rows.Err()
}

// Unread counts a user's unread notifications (the badge), up to 100, the
// same ones List shows.
func (s *Service) Unread(ctx context.Context, userID string) (int, error) {
	var n int
	err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM notifications n
		LEFT JOIN requests r ON r.id = n.request_id
		WHERE n.user_id = ? AND n.read_at IS NULL AND n.kind <> 'message' AND `+notBlocked+` LIMIT 100) x`, userID, userID, userID).Scan(&n)
	return n, err
}

// MarkRead marks one notification of the user read ("" marks them all).
// Marking someone else's, or one that does not exist, does nothing.
func (s *Service) MarkRead(ctx context.Context, userID, id string) error {
	now := s.now().UTC()
	if id == "" {
		_, err := s.db.Exec(ctx, "UPDATE notifications SET read_at = ? WHERE user_id = ? AND read_at IS NULL", now, userID)
		return err
	}
	_, err := s.db.Exec(ctx, "UPDATE notifications SET read_at = ? WHERE user_id = ? AND id = ? AND read_at IS NULL", now, userID, id)
	return err
}

// MarkReadAbout marks read the user's notifications about a request (when
// the user opens what they point at).
func (s *Service) MarkReadAbout(ctx context.Context, userID, requestID string) error {
	_, err := s.db.Exec(ctx, "UPDATE notifications SET read_at = ? WHERE user_id = ? AND request_id = ? AND read_at IS NULL",
		s.now().UTC(), userID, requestID)
	return err
}
