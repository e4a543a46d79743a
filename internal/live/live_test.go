package live

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/noaber/noaber/internal/store"
	"github.com/noaber/noaber/internal/testkit"
)

// patience bounds every wait for an event, so that a missing event fails
// the test with a message instead of hanging it (not a timing assertion).
const patience = 10 * time.Second

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// startBroker returns a broker on db with Run going, ready to receive.
func startBroker(t *testing.T, db *store.DB) *Broker {
	t.Helper()
	b := New(db, "", quiet)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- b.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	})
	select {
	case <-b.Ready():
	case err := <-done:
		t.Fatalf("Run ended before it listened: %v", err)
	case <-time.After(patience):
		t.Fatal("broker not ready")
	}
	return b
}

func publish(t *testing.T, db *store.DB, b *Broker, evs ...Event) {
	t.Helper()
	err := db.InTx(context.Background(), func(tx *store.Tx) error {
		for _, ev := range evs {
			if err := b.Publish(context.Background(), tx, ev); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("publish: %v", err)
	}
}

func recv(t *testing.T, s *Subscription) Event {
	t.Helper()
	select {
	case ev, ok := <-s.C:
		if !ok {
			t.Fatal("subscription ended, want an event")
		}
		return ev
	case <-time.After(patience):
		t.Fatal("no event arrived")
	}
	return Event{}
}

// ended waits until s's channel is closed and returns how many events were
// still in it.
func ended(t *testing.T, s *Subscription) int {
	t.Helper()
	n := 0
	timeout := time.After(patience)
	for {
		select {
		case _, ok := <-s.C:
			if !ok {
				return n
			}
			n++
		case <-timeout:
			t.Fatal("subscription did not end")
		}
	}
}

func msg(user, id string) Event {
	return Event{UserID: user, Kind: KindMessage, ConversationID: "c1", MessageID: id}
}

func TestPublishReachesOnlyThatUserAfterCommit(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		b := startBroker(t, db)
		ann, bob := b.Subscribe("ann"), b.Subscribe("bob")
		defer ann.Close()
		defer bob.Close()
		if got := b.Connections(); got != 2 {
			t.Fatalf("Connections = %d, want 2", got)
		}

		ctx := context.Background()
		err := db.InTx(ctx, func(tx *store.Tx) error {
			if err := b.Publish(ctx, tx, msg("ann", "m1")); err != nil {
				return err
			}
			if len(ann.C) != 0 {
				t.Error("event delivered before commit")
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if got := recv(t, ann); got != msg("ann", "m1") {
			t.Fatalf("ann got %+v", got)
		}
		// Bob's first event must be his own, not ann's.
		publish(t, db, b, msg("bob", "m2"))
		if got := recv(t, bob); got != msg("bob", "m2") {
			t.Fatalf("bob got %+v, want his own m2", got)
		}
	})
}

func TestRolledBackTransactionSendsNothing(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		b := startBroker(t, db)
		s := b.Subscribe("ann")
		defer s.Close()
		ctx := context.Background()
		boom := errors.New("boom")
		err := db.InTx(ctx, func(tx *store.Tx) error {
			if err := b.Publish(ctx, tx, msg("ann", "rolled-back")); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("InTx = %v, want boom", err)
		}
		publish(t, db, b, msg("ann", "committed"))
		if got := recv(t, s); got.MessageID != "committed" {
			t.Fatalf("first event is %+v, want the committed one", got)
		}
	})
}

func TestPublishRefusesAnEventWithoutUser(t *testing.T) {
	db := testkit.NewDB(t, store.SQLite)
	b := New(db, "", quiet)
	err := db.InTx(context.Background(), func(tx *store.Tx) error {
		return b.Publish(context.Background(), tx, Event{Kind: KindRead})
	})
	if err == nil {
		t.Fatal("Publish accepted an event without a user")
	}
}

func TestCloseStopsDelivery(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		b := startBroker(t, db)
		closed, open := b.Subscribe("ann"), b.Subscribe("ann")
		defer open.Close()
		closed.Close()
		closed.Close() // idempotent
		if got := b.Connections(); got != 1 {
			t.Fatalf("Connections = %d after one Close, want 1", got)
		}
		publish(t, db, b, msg("ann", "m1"))
		if got := recv(t, open); got.MessageID != "m1" {
			t.Fatalf("open subscription got %+v", got)
		}
		if _, ok := <-closed.C; ok {
			t.Fatal("closed subscription received an event")
		}
		open.Close()
		if got := b.Connections(); got != 0 {
			t.Fatalf("Connections = %d, want 0", got)
		}
	})
}

func TestSlowReaderDoesNotBlockPublish(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		b := startBroker(t, db)
		slow, fast := b.Subscribe("ann"), b.Subscribe("bob")
		defer slow.Close()
		defer fast.Close()
		// Nobody reads slow: more events than its buffer holds. On SQLite a
		// blocking send would hang this commit; on PostgreSQL the listener,
		// and bob's event after them would never arrive.
		var evs []Event
		for i := 0; i < bufferSize+5; i++ {
			// Distinct: PostgreSQL sends identical notifications of one
			// transaction once.
			evs = append(evs, msg("ann", fmt.Sprint("m", i)))
		}
		publish(t, db, b, evs...)
		publish(t, db, b, msg("bob", "after"))
		if got := recv(t, fast); got.MessageID != "after" {
			t.Fatalf("bob got %+v", got)
		}
		// The slow reader keeps what fitted, then its stream ends so the
		// page reconnects and catches up.
		if n := ended(t, slow); n != bufferSize {
			t.Fatalf("slow reader had %d events buffered, want %d", n, bufferSize)
		}
		if got := b.Connections(); got != 1 {
			t.Fatalf("Connections = %d, want 1", got)
		}
	})
}

func TestCloseAllEndsEveryStream(t *testing.T) {
	db := testkit.NewDB(t, store.SQLite)
	b := New(db, "", quiet)
	a1, a2, c := b.Subscribe("ann"), b.Subscribe("ann"), b.Subscribe("cor")
	b.CloseAll()
	for _, s := range []*Subscription{a1, a2, c} {
		ended(t, s)
		s.Close() // the caller's Close after the broker's is harmless
	}
	if got := b.Connections(); got != 0 {
		t.Fatalf("Connections = %d, want 0", got)
	}
}

func TestRunOnSQLiteWaitsForContext(t *testing.T) {
	db := testkit.NewDB(t, store.SQLite)
	b := New(db, "", quiet)
	select {
	case <-b.Ready():
	default:
		t.Fatal("SQLite broker not ready at once")
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- b.Run(ctx) }()
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Run = %v", err)
	}
}

func TestChannelName(t *testing.T) {
	for url, want := range map[string]string{
		"postgres://h/db":                                "noaber_live",
		"postgres://h/db?search_path=public":             "noaber_live",
		"postgres://h/db?search_path=t_ab12%2Cpublic":    "noaber_live_t_ab12",
		"postgres://h/db?search_path=Noaber-Zwolle":      "noaber_live_noaber_zwolle",
		"postgres://h/db?search_path=x%22%3B+DROP+TABLE": "noaber_live_x___drop_table",
	} {
		if got := channelName(url); got != want {
			t.Errorf("channelName(%q) = %q, want %q", url, got, want)
		}
	}
}
