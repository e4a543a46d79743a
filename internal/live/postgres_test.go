package live

import (
	"context"
	"testing"
	"time"

	"github.com/noaber/noaber/internal/store"
	"github.com/noaber/noaber/internal/testkit"
)

// TestMessageCrossesInstances runs two instances on one PostgreSQL
// database, each with its own connection pool and broker: an event
// published on A reaches a reader connected to B (and one on A).
func TestMessageCrossesInstances(t *testing.T) {
	url := testkit.NewDatabaseURL(t, store.Postgres)
	ctx := context.Background()
	open := func() *store.DB {
		db, err := store.Open(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	}
	dbA, dbB := open(), open()
	if _, err := dbA.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	a, b := startBroker(t, dbA), startBroker(t, dbB)
	onB, onA := b.Subscribe("ann"), a.Subscribe("ann")
	defer onB.Close()
	defer onA.Close()

	publish(t, dbA, a, msg("ann", "from-a"))
	if got := recv(t, onB); got != msg("ann", "from-a") {
		t.Fatalf("reader on B got %+v", got)
	}
	if got := recv(t, onA); got != msg("ann", "from-a") {
		t.Fatalf("reader on A got %+v", got)
	}
	publish(t, dbB, b, Event{UserID: "ann", Kind: KindRead, ConversationID: "c1"})
	if got := recv(t, onA); got.Kind != KindRead {
		t.Fatalf("reader on A got %+v, want read", got)
	}
}

// TestOtherNoabersInTheDatabaseAreNotWoken: two Noabers in two schemas of
// one database do not see each other's events.
func TestOtherNoabersInTheDatabaseAreNotWoken(t *testing.T) {
	other := startBroker(t, testkit.NewDB(t, store.Postgres))
	db := testkit.NewDB(t, store.Postgres)
	b := startBroker(t, db)
	stranger, ann := other.Subscribe("ann"), b.Subscribe("ann")
	defer stranger.Close()
	defer ann.Close()
	publish(t, db, b, msg("ann", "ours"))
	recv(t, ann)
	publish(t, other.db, other, msg("ann", "theirs"))
	if got := recv(t, stranger); got.MessageID != "theirs" {
		t.Fatalf("the other Noaber's reader got %+v first", got)
	}
}

// TestPublishBeforeRun: publishing works before (and without) a listener.
func TestPublishBeforeRun(t *testing.T) {
	db := testkit.NewDB(t, store.Postgres)
	b := New(db, "", quiet)
	publish(t, db, b, msg("ann", "m1"))
}

// TestRunReconnects kills the LISTEN connection: Run opens a new one,
// ends the streams that may have missed events, and delivers again.
func TestRunReconnects(t *testing.T) {
	db := testkit.NewDB(t, store.Postgres)
	b := startBroker(t, db)
	before := b.Subscribe("ann")
	defer before.Close()
	pid := b.listenerPID()
	if pid == 0 {
		t.Fatal("no LISTEN connection after Ready")
	}
	var killed bool
	if err := db.QueryRow(context.Background(), "SELECT pg_terminate_backend(?)", pid).Scan(&killed); err != nil || !killed {
		t.Fatalf("terminate %d: %v %v", pid, killed, err)
	}
	deadline := time.Now().Add(patience)
	for p := b.listenerPID(); p == 0 || p == pid; p = b.listenerPID() {
		if time.Now().After(deadline) {
			t.Fatal("Run did not reconnect")
		}
		time.Sleep(10 * time.Millisecond)
	}
	ended(t, before) // it may have missed events: it must re-sync
	after := b.Subscribe("ann")
	defer after.Close()
	publish(t, db, b, msg("ann", "again"))
	if got := recv(t, after); got.MessageID != "again" {
		t.Fatalf("got %+v", got)
	}
}
