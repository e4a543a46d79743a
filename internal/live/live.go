// Package live tells a user's open pages and apps, on every instance, that
// something changed for them (a message arrived, the other read it), so
// they can show it without reloading (Server-Sent Events).
//
// Events carry ids only, never content: the connection that receives one
// fetches what its user may see. On PostgreSQL an event is sent with
// pg_notify inside the transaction of the change, so it goes out exactly
// when the change commits, and every instance LISTENs; on SQLite (one
// instance) it is handed to local subscribers after commit.
//
// Delivery is best effort, by design: an event can be missed (a reader too
// slow to keep up, this instance's LISTEN connection down for a moment).
// When that happens the broker ends the subscriptions concerned, so the
// page's EventSource reconnects with Last-Event-ID and the handler sends
// what was missed (the catch-up of ServeSSE); a page without JavaScript
// reloads anyway. Nothing else depends on an event arriving.
package live

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"sync"

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

// bufferSize is how many events a subscription holds for a reader that is
// busy writing; a reader that falls further behind is cut off (see
// deliver).
const bufferSize = 16

// Broker fans events out to the subscribers on this instance, and (on
// PostgreSQL) to the other instances.
type Broker struct {
	db      *store.DB
	dsn     string
	log     *slog.Logger
	channel string // the PostgreSQL NOTIFY channel

	mu   sync.RWMutex
	subs map[string]map[*Subscription]struct{} // by user id
	n    int                                   // open subscriptions

	ready     chan struct{} // closed once events from other instances arrive
	readyOnce sync.Once
	listenPID int32 // backend pid of the LISTEN connection (tests); guarded by mu
}

// New returns a broker on db. dsn is the PostgreSQL connection string the
// LISTEN connection uses ("" on SQLite; on PostgreSQL "" means db.URL).
func New(db *store.DB, dsn string, logger *slog.Logger) *Broker {
	if logger == nil {
		logger = slog.Default()
	}
	if dsn == "" {
		dsn = db.URL
	}
	b := &Broker{
		db:      db,
		dsn:     dsn,
		log:     logger,
		channel: channelName(db.URL),
		subs:    make(map[string]map[*Subscription]struct{}),
		ready:   make(chan struct{}),
	}
	if db.Engine() != store.Postgres {
		b.setReady()
	}
	return b
}

// channelName is "noaber_live", or, for a Noaber that lives in its own
// schema of a shared database (search_path in the URL), "noaber_live_"
// and the schema: NOTIFY channels belong to the whole database, and one
// Noaber must not wake the pages of another (nor one test another's).
func channelName(rawURL string) string {
	const base = "noaber_live"
	u, err := url.Parse(rawURL)
	if err != nil {
		return base
	}
	schema, _, _ := strings.Cut(u.Query().Get("search_path"), ",")
	schema = strings.ToLower(strings.TrimSpace(schema))
	if schema == "" || schema == "public" {
		return base
	}
	var sb strings.Builder
	sb.WriteString(base + "_")
	for _, r := range schema {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') || r == '_' {
			sb.WriteRune(r)
		} else {
			sb.WriteByte('_')
		}
	}
	name := sb.String()
	if len(name) > 63 { // PostgreSQL's identifier limit
		name = name[:63]
	}
	return name
}

// Publish sends ev once tx commits (never when it rolls back). On
// PostgreSQL the notification is part of tx: PostgreSQL sends it at
// commit to every instance that listens, this one included (through Run);
// identical events published in one transaction arrive once.
func (b *Broker) Publish(ctx context.Context, tx *store.Tx, ev Event) error {
	if ev.UserID == "" || ev.Kind == "" {
		return fmt.Errorf("live: event without user or kind: %+v", ev)
	}
	if tx.Engine() != store.Postgres {
		tx.AfterCommit(func() { b.deliver(ev) })
		return nil
	}
	payload, err := json.Marshal(ev)
	if err != nil {
		return fmt.Errorf("live: encode event: %w", err)
	}
	if _, err := tx.Exec(ctx, "SELECT pg_notify(?, ?)", b.channel, string(payload)); err != nil {
		return fmt.Errorf("live: notify %s: %w", ev.Kind, err)
	}
	return nil
}

// Subscription is one open connection's stream of events for its user.
// C is closed when the subscription ends: by Close, or by the broker when
// events were missed (see deliver and Run) or on shutdown (CloseAll).
type Subscription struct {
	C <-chan Event

	c      chan Event
	b      *Broker
	userID string
	closed bool // guarded by b.mu
}

// Close ends the subscription. It may be called more than once, and
// after the broker ended it.
func (s *Subscription) Close() {
	s.b.mu.Lock()
	defer s.b.mu.Unlock()
	s.b.remove(s)
}

// remove takes s out of the broker and closes its channel; b.mu is held.
func (b *Broker) remove(s *Subscription) {
	if s.closed {
		return
	}
	s.closed = true
	close(s.c)
	b.n--
	set := b.subs[s.userID]
	delete(set, s)
	if len(set) == 0 {
		delete(b.subs, s.userID)
	}
}

// Subscribe starts a stream of the user's events on this instance. The
// caller must Close it when the connection ends.
func (b *Broker) Subscribe(userID string) *Subscription {
	c := make(chan Event, bufferSize)
	s := &Subscription{C: c, c: c, b: b, userID: userID}
	b.mu.Lock()
	defer b.mu.Unlock()
	set := b.subs[userID]
	if set == nil {
		set = make(map[*Subscription]struct{})
		b.subs[userID] = set
	}
	set[s] = struct{}{}
	b.n++
	return s
}

// Connections is the number of open subscriptions on this instance.
func (b *Broker) Connections() int {
	b.mu.RLock()
	defer b.mu.RUnlock()
	return b.n
}

// CloseAll ends every subscription on this instance, so that the streams
// (ServeSSE) return: for a graceful shutdown (http.Server.RegisterOnShutdown),
// since http.Server.Shutdown waits for handlers and does not cancel them.
func (b *Broker) CloseAll() {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, set := range b.subs {
		for s := range set {
			b.remove(s)
		}
	}
}

// deliver hands ev to the user's subscriptions on this instance. It never
// blocks: a subscription whose buffer is full has a reader that cannot
// keep up, so instead of holding up the publisher (and everyone else's
// events) the event is dropped and the subscription ended; its page
// reconnects and catches up with Last-Event-ID, which is where a missed
// event is made good.
func (b *Broker) deliver(ev Event) {
	b.mu.RLock()
	var lagging []*Subscription
	for s := range b.subs[ev.UserID] {
		select {
		case s.c <- ev:
		default:
			lagging = append(lagging, s)
		}
	}
	b.mu.RUnlock()
	if len(lagging) == 0 {
		return
	}
	b.mu.Lock()
	for _, s := range lagging {
		b.remove(s)
	}
	b.mu.Unlock()
	b.log.Warn("live: reader too slow, stream ended so it reconnects", "user", ev.UserID, "streams", len(lagging))
}

// Ready is closed once this broker receives events published on other
// instances: at once on SQLite, on PostgreSQL once Run's first LISTEN is
// active. Tests wait for it before publishing.
func (b *Broker) Ready() <-chan struct{} { return b.ready }

func (b *Broker) setReady() { b.readyOnce.Do(func() { close(b.ready) }) }
