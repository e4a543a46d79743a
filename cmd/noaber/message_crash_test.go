package main

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/noaber/noaber/internal/account"
	"github.com/noaber/noaber/internal/help"
	"github.com/noaber/noaber/internal/i18n"
	"github.com/noaber/noaber/internal/jobs"
	"github.com/noaber/noaber/internal/store"
	"github.com/noaber/noaber/internal/testkit"
)

// TestCrashBetweenMessageAndItsNotification sends a message through the
// API and kills `noaber serve` with SIGKILL at once, while the e-mail
// about it still waits for its digest. The message and its notification
// were written in one transaction with the delivery job, so after a
// restart the recipient gets exactly one e-mail about it, and the restart
// does not send it again.
func TestCrashBetweenMessageAndItsNotification(t *testing.T) {
	for _, e := range testkit.Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			dbURL := testkit.NewDatabaseURL(t, e)
			sink := testkit.NewSMTPSink(t)
			listen := freeAddr(t)
			sender, recipient := seedPair(t, dbURL)
			env := serveEnv(dbURL, listen, sink, "NOABER_MESSAGE_DIGEST_DELAY=2s", "NOABER_JOB_LEASE=10s", "NOABER_PUSH=false")
			p := startServe(t, listen, env)

			token := testkit.APIToken(t, p.base, "bert@example.org", "een lange zin als wachtwoord")
			body := "Hoi Marieke, ik kan zaterdag je boodschappen doen."
			status, answer := testkit.PostJSON(t, p.base+"/api/v1/conversations", token,
				map[string]any{"user_id": recipient, "body": body})
			if status != http.StatusCreated {
				t.Fatalf("start a conversation: %d %s", status, answer)
			}
			p.kill()

			// Between: the message is there, its e-mail is not sent.
			db, err := store.Open(context.Background(), dbURL)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			var messages, emailed int
			if err := db.QueryRow(context.Background(), `SELECT COUNT(*), (SELECT COUNT(*) FROM notifications
				WHERE user_id = ? AND kind = 'message' AND emailed_at IS NOT NULL) FROM messages WHERE sender_id = ?`,
				recipient, sender).Scan(&messages, &emailed); err != nil {
				t.Fatal(err)
			}
			if messages != 1 || emailed != 0 {
				t.Fatalf("after the kill: %d messages, %d notifications e-mailed; want 1 and 0", messages, emailed)
			}
			if n := mailsTo(sink, "marieke@example.org"); n != 0 {
				t.Fatalf("%d e-mails to the recipient before the restart; the digest waits 2 s, so want 0", n)
			}

			p2 := startServe(t, listen, env)
			sink.WaitFor(t, func(m testkit.Mail) bool { return sentTo(m, "marieke@example.org") }, 60*time.Second)
			// Long enough for a second digest run and for a retry after the
			// lease of a job the killed process might have held.
			time.Sleep(12 * time.Second)
			if n := mailsTo(sink, "marieke@example.org"); n != 1 {
				t.Errorf("%d e-mails to the recipient after the restart, want exactly 1", n)
			}
			for _, m := range sink.Messages() {
				if sentTo(m, "marieke@example.org") {
					if !strings.Contains(m.Text, "Bert K.") {
						t.Errorf("the digest does not name the sender:\n%s", m.Text)
					}
					if strings.Contains(m.Text, body) {
						t.Errorf("the digest e-mail holds the message itself:\n%s", m.Text)
					}
				}
			}
			if code := p2.stop(); code != 0 {
				t.Errorf("exit status after SIGTERM: %d, want 0", code)
			}
		})
	}
}

// seedPair creates Bert (sender) and Marieke (recipient), both verified,
// with quiet hours far from now so that e-mail is not held until morning.
func seedPair(t *testing.T, dbURL string) (sender, recipient string) {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	accounts := account.New(db, jobs.New(db, jobs.Options{}), account.Options{SecretKey: []byte(strings.Repeat("k", 32)), PasswordMemoryKiB: 1024})
	ids, err := accounts.Seed(ctx, []account.SeedUser{
		{Email: "bert@example.org", FirstName: "Bert", Surname: "Kok", Postcode: "7512KL", HouseNumber: "20", Town: "Enschede", Locale: i18n.NL},
		{Email: "marieke@example.org", FirstName: "Marieke", Surname: "Jansen", Postcode: "7511JK", HouseNumber: "137h", Town: "Enschede", Locale: i18n.NL},
	}, "een lange zin als wachtwoord")
	if err != nil {
		t.Fatal(err)
	}
	h := time.Now().In(help.Amsterdam).Hour()
	for _, id := range ids {
		if err := help.SetQuietHours(ctx, db, id, fmt.Sprintf("%02d:00", (h+6)%24), fmt.Sprintf("%02d:00", (h+8)%24), time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	return ids[0], ids[1]
}

func mailsTo(sink *testkit.SMTPSink, email string) int {
	n := 0
	for _, m := range sink.Messages() {
		if sentTo(m, email) {
			n++
		}
	}
	return n
}
