package mail

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/noaber/noaber/internal/i18n"
	"github.com/noaber/noaber/internal/jobs"
	"github.com/noaber/noaber/internal/store"
	"github.com/noaber/noaber/internal/testkit"
)

func jobState(t *testing.T, db *store.DB) (state, lastError string, attempts int) {
	t.Helper()
	err := db.QueryRow(context.Background(), "SELECT state, last_error, attempts FROM jobs WHERE kind = ?", SendKind).
		Scan(&state, &lastError, &attempts)
	if err != nil {
		t.Fatal(err)
	}
	return state, lastError, attempts
}

func TestSendJob(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		sink := testkit.NewSMTPSink(t)
		q := jobs.New(db, jobs.Options{})
		RegisterSender(q, sinkSender(sink))

		m, err := Render(i18n.NL, "verify", sampleData())
		if err != nil {
			t.Fatal(err)
		}
		m.To = "els@example.org"
		err = db.InTx(ctx, func(tx *store.Tx) error { return Enqueue(ctx, q, tx, m) })
		if err != nil {
			t.Fatal(err)
		}
		// A mail enqueued in a transaction that rolls back is never sent.
		rolledBack := m
		rolledBack.To = "nobody@example.org"
		_ = db.InTx(ctx, func(tx *store.Tx) error {
			if err := Enqueue(ctx, q, tx, rolledBack); err != nil {
				t.Fatal(err)
			}
			return context.Canceled
		})

		if n, err := q.RunDue(ctx); err != nil || n != 1 {
			t.Fatalf("RunDue ran %d: %v", n, err)
		}
		if n, err := q.RunDue(ctx); err != nil || n != 0 {
			t.Fatalf("second RunDue ran %d: %v", n, err)
		}
		msgs := sink.Messages()
		if len(msgs) != 1 {
			t.Fatalf("%d messages arrived, want 1", len(msgs))
		}
		got := msgs[0]
		if got.To[0] != "els@example.org" || got.Subject != m.Subject || got.Link("https://noaber.test/verify") != sampleData()["Link"] {
			t.Errorf("to %v subject %q link %q", got.To, got.Subject, got.Link("https://noaber.test/verify"))
		}
		var jobID string
		if err := db.QueryRow(ctx, "SELECT id FROM jobs WHERE kind = ?", SendKind).Scan(&jobID); err != nil {
			t.Fatal(err)
		}
		if want := "<" + jobID + "@noaber.test>"; got.Header.Get("Message-Id") != want {
			t.Errorf("Message-ID %q, want %q", got.Header.Get("Message-Id"), want)
		}
		if state, _, _ := jobState(t, db); state != "done" {
			t.Errorf("job is %s", state)
		}
	})
}

func TestSendJobRetriesWithTheSameMessageIDAndGivesUpOnRejection(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		sink := testkit.NewSMTPSink(t)
		now := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
		q := jobs.New(db, jobs.Options{Now: func() time.Time { return now }})
		RegisterSender(q, sinkSender(sink))
		enqueue := func(to string) {
			err := db.InTx(ctx, func(tx *store.Tx) error {
				return Enqueue(ctx, q, tx, Message{To: to, Subject: "Hallo", Text: "Hallo " + to})
			})
			if err != nil {
				t.Fatal(err)
			}
		}

		// A temporary refusal: the job waits and the retry delivers the
		// same message, recognisable by its Message-ID.
		sink.RejectTemporarily("later@example.org")
		enqueue("later@example.org")
		if _, err := q.RunDue(ctx); err != nil {
			t.Fatal(err)
		}
		if state, lastErr, _ := jobState(t, db); state != "pending" || !strings.Contains(lastErr, "450") {
			t.Fatalf("after a 450 the job is %s (%q), want pending", state, lastErr)
		}
		sink.Accept("later@example.org")
		now = now.Add(2 * time.Hour)
		if _, err := q.RunDue(ctx); err != nil {
			t.Fatal(err)
		}
		state, _, attempts := jobState(t, db)
		if state != "done" || attempts != 2 {
			t.Fatalf("after the retry the job is %s after %d attempts", state, attempts)
		}
		var jobID string
		if err := db.QueryRow(ctx, "SELECT id FROM jobs WHERE kind = ?", SendKind).Scan(&jobID); err != nil {
			t.Fatal(err)
		}
		got := sink.WaitFor(t, func(m testkit.Mail) bool { return m.To[0] == "later@example.org" }, time.Second)
		if got.Header.Get("Message-Id") != "<"+jobID+"@noaber.test>" {
			t.Errorf("retry Message-ID %q, job %s", got.Header.Get("Message-Id"), jobID)
		}
		if _, err := db.Exec(ctx, "DELETE FROM jobs"); err != nil {
			t.Fatal(err)
		}

		// A permanent refusal: the job fails at once, without retries.
		sink.Reject("gone@example.org")
		enqueue("gone@example.org")
		if _, err := q.RunDue(ctx); err != nil {
			t.Fatal(err)
		}
		if state, lastErr, attempts := jobState(t, db); state != "failed" || attempts != 1 || !strings.Contains(lastErr, "550") {
			t.Errorf("after a 550 the job is %s after %d attempts (%q), want failed after 1", state, attempts, lastErr)
		}
		if n := len(sink.Messages()); n != 1 {
			t.Errorf("%d messages arrived, want only the retried one", n)
		}
	})
}

func TestEnqueueRefusesMessagesThatCannotBeSent(t *testing.T) {
	db := testkit.NewDB(t, store.SQLite)
	ctx := context.Background()
	q := jobs.New(db, jobs.Options{})
	for _, m := range []Message{
		{To: "", Subject: "x", Text: "x"},
		{To: "not an address", Subject: "x", Text: "x"},
		{To: "els@example.org", Subject: "x"},
	} {
		err := db.InTx(ctx, func(tx *store.Tx) error { return Enqueue(ctx, q, tx, m) })
		if err == nil {
			t.Errorf("%+v was enqueued", m)
		}
	}
	var n int
	if err := db.QueryRow(ctx, "SELECT COUNT(*) FROM jobs").Scan(&n); err != nil || n != 0 {
		t.Errorf("%d jobs (%v), want none", n, err)
	}
}

func TestSendJobHooksHearTheOutcome(t *testing.T) {
	db := testkit.NewDB(t, store.SQLite)
	ctx := context.Background()
	sink := testkit.NewSMTPSink(t)
	now := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	q := jobs.New(db, jobs.Options{Now: func() time.Time { return now }})
	var sent, failed []string
	RegisterSender(q, sinkSender(sink), Hooks{
		Sent:   func(_ context.Context, m Message) { sent = append(sent, m.To+" "+m.UserID+" "+m.Kind) },
		Failed: func(_ context.Context, m Message, err error) { failed = append(failed, m.To+" "+m.UserID) },
	})
	enqueue := func(to string) {
		err := db.InTx(ctx, func(tx *store.Tx) error {
			return Enqueue(ctx, q, tx, Message{To: to, Subject: "Hallo", Text: "Hallo", UserID: "u-" + to, Kind: "notify"})
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	sink.Reject("gone@example.org")
	sink.RejectTemporarily("later@example.org")
	enqueue("ok@example.org")
	enqueue("gone@example.org")
	enqueue("later@example.org")
	if _, err := q.RunDue(ctx); err != nil {
		t.Fatal(err)
	}
	if len(sent) != 1 || sent[0] != "ok@example.org u-ok@example.org notify" {
		t.Errorf("sent %q", sent)
	}
	// The permanent rejection fails at once; the temporary one is not a
	// failure until its last attempt.
	if len(failed) != 1 || failed[0] != "gone@example.org u-gone@example.org" {
		t.Fatalf("failed %q", failed)
	}
	for range MaxAttempts {
		now = now.Add(2 * time.Hour)
		if _, err := q.RunDue(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if len(failed) != 2 || failed[1] != "later@example.org u-later@example.org" {
		t.Errorf("after the last attempt, failed %q", failed)
	}
	if strings.Contains(string(sink.Messages()[0].Raw), "u-ok@") {
		t.Error("the user id went out in the mail")
	}
}
