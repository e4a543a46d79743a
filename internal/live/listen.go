package live

import (
	"context"
	"encoding/json"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/noaber/noaber/internal/store"
)

// Backoff between attempts to (re)open the LISTEN connection.
const (
	minBackoff = 100 * time.Millisecond
	maxBackoff = 5 * time.Second
)

// Run listens for events from every instance until ctx ends (PostgreSQL;
// on SQLite it only waits) and hands them to this instance's subscribers.
// It holds one connection of its own (LISTEN needs a session; the pool
// would hand it to someone else) and reconnects when it drops, waiting
// 100 ms, then longer, up to 5 s. Events sent while it is down are lost
// for this instance's readers, so after a reconnect it ends every local
// subscription: the pages reconnect and catch up with Last-Event-ID.
// Run returns nil when ctx ends.
func (b *Broker) Run(ctx context.Context) error {
	if b.db.Engine() != store.Postgres {
		<-ctx.Done()
		return nil
	}
	backoff := minBackoff
	lost := false // a LISTEN connection was lost: events may be missing
	for {
		err := b.listen(ctx, func() {
			backoff = minBackoff
			if lost {
				b.CloseAll()
			}
		})
		if ctx.Err() != nil {
			return nil
		}
		lost = true
		b.log.Warn("live: LISTEN connection lost; reconnecting", "err", err, "wait", backoff)
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(backoff):
		}
		backoff = min(backoff*2, maxBackoff)
	}
}

// listen opens the connection, LISTENs, calls listening, and delivers
// notifications until the connection fails or ctx ends.
func (b *Broker) listen(ctx context.Context, listening func()) error {
	conn, err := pgx.Connect(ctx, b.dsn)
	if err != nil {
		return err
	}
	defer func() {
		b.mu.Lock()
		b.listenPID = 0
		b.mu.Unlock()
		cctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		conn.Close(cctx)
	}()
	if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{b.channel}.Sanitize()); err != nil {
		return err
	}
	b.mu.Lock()
	b.listenPID = int32(conn.PgConn().PID())
	b.mu.Unlock()
	listening()
	b.setReady()
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return err
		}
		var ev Event
		if err := json.Unmarshal([]byte(n.Payload), &ev); err != nil || ev.UserID == "" {
			b.log.Warn("live: notification not understood", "payload", n.Payload, "err", err)
			continue
		}
		b.deliver(ev)
	}
}

// listenerPID is the backend pid of the LISTEN connection, 0 while there
// is none (for the reconnect test).
func (b *Broker) listenerPID() int32 {
	b.mu.RLock()
	defer b.mu.RUnlock()
	return b.listenPID
}
