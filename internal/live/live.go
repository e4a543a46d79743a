// Package live tells a user's open pages and apps, on every instance, that
// something changed for them (a message arrived, the other read it), so
// they can show it without reloading (Server-Sent Events).
//
// Events carry ids only, never content: the connection that receives one
// fetches what its user may see. On PostgreSQL an event is sent with
// pg_notify inside the transaction of the change, so it goes out exactly
// when the change commits, and every instance LISTENs; on SQLite (one
// instance) it is handed to local subscribers after commit.
package live

import (
	"context"
	"log/slog"
	"net/http"

	"github.com/noaber/noaber/internal/store"
)

// Kinds of event.
const (
	KindMessage = "message" // a new message in ConversationID (MessageID)
	KindRead    = "read"    // the other side read ConversationID
	KindDone    = "done"    // ConversationID was marked done, or thanked
)

// Event is one change for one user.
type Event struct {
	UserID         string `json:"u"`
	Kind           string `json:"k"`
	ConversationID string `json:"c,omitempty"`
	MessageID      string `json:"m,omitempty"`
}

// Broker fans events out to the subscribers on this instance, and (on
// PostgreSQL) to the other instances.
type Broker struct {
	db  *store.DB
	dsn string
	log *slog.Logger
}

// New returns a broker on db. dsn is the PostgreSQL connection string the
// LISTEN connection uses ("" on SQLite).
func New(db *store.DB, dsn string, logger *slog.Logger) *Broker {
	return &Broker{db: db, dsn: dsn, log: logger}
}

// Publish sends ev once tx commits (never when it rolls back).
func (b *Broker) Publish(ctx context.Context, tx *store.Tx, ev Event) error {
	panic("live: Publish not implemented")
}

// Subscription is one open connection's stream of events for its user.
type Subscription struct {
	C <-chan Event
}

// Close ends the subscription.
func (s *Subscription) Close() {}

// Subscribe starts a stream of the user's events on this instance.
func (b *Broker) Subscribe(userID string) *Subscription {
	panic("live: Subscribe not implemented")
}

// Connections is the number of open subscriptions on this instance.
func (b *Broker) Connections() int { return 0 }

// Run listens for events from other instances until ctx ends (PostgreSQL;
// on SQLite it only waits). It reconnects when the connection drops.
func (b *Broker) Run(ctx context.Context) error {
	<-ctx.Done()
	return nil
}

// Frame is one Server-Sent Event.
type Frame struct {
	ID    string // the SSE id (for Last-Event-ID); "" for none
	Event string // the SSE event name
	Data  []byte // one or more lines
}

// ServeSSE streams sub's events to the client until it goes away or the
// server shuts down, as text/event-stream with a heartbeat comment so
// proxies keep the connection open. render turns an event into frames
// (none to skip it); catchUp, when not nil, is written first (what the
// client missed, e.g. after Last-Event-ID).
func ServeSSE(w http.ResponseWriter, r *http.Request, sub *Subscription, catchUp []Frame, render func(Event) ([]Frame, error)) error {
	panic("live: ServeSSE not implemented")
}
