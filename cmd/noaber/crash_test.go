package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/noaber/noaber/internal/mail"
	"github.com/noaber/noaber/internal/store"
	"github.com/noaber/noaber/internal/testkit"
)

// crashAcks is how many sign-ups must be acknowledged before the kill;
// the loaders keep going, so more are in flight when it comes.
const crashAcks = 15

// TestCrashKeepsAcknowledgedSignups kills `noaber serve` with SIGKILL while
// sign-ups are in flight, starts it again on the same database and checks
// that every sign-up that got its 202 is there in full: the user, the
// verification link and the mail (sent, or queued and sent after the
// restart). Sign-ups that were cut off may or may not exist, but never
// half.
func TestCrashKeepsAcknowledgedSignups(t *testing.T) {
	for _, e := range testkit.Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			dbURL := testkit.NewDatabaseURL(t, e)
			sink := testkit.NewSMTPSink(t)
			listen := freeAddr(t)
			// Every sign-up comes from an address of its own (through
			// X-Forwarded-For), so the per-address limit stays out of the way.
			env := serveEnv(dbURL, listen, sink, "NOABER_TRUST_PROXY=true")
			p := startServe(t, listen, env)

			acked, cut := signupUntilKilled(t, p)
			before := len(sink.Messages())
			t.Logf("%d sign-ups acknowledged before the kill, %d cut off by it; %d mails sent", len(acked), cut, before)

			p2 := startServe(t, listen, env)
			checkSignupsComplete(t, dbURL, sink, acked)
			t.Logf("%d mails sent after the restart", len(sink.Messages())-before)
			if code := p2.stop(); code != 0 {
				t.Errorf("exit status after SIGTERM: %d, want 0", code)
			}
		})
	}
}

// signupUntilKilled fires sign-ups from several goroutines, kills the
// process once crashAcks of them were acknowledged and returns the
// acknowledged addresses and how many requests the kill cut off.
func signupUntilKilled(t *testing.T, p *process) (acked []string, cut int) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	client := &http.Client{Timeout: 60 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 8}}
	defer client.CloseIdleConnections()

	var (
		mu     sync.Mutex
		killed bool
		enough = make(chan struct{})
		wg     sync.WaitGroup
	)
	const loaders = 6
	for g := range loaders {
		wg.Go(func() {
			for i := 0; ctx.Err() == nil; i++ {
				email := fmt.Sprintf("crash-%d-%d@example.nl", g, i)
				status, body, err := postSignup(ctx, client, p.base, email, fmt.Sprintf("10.%d.%d.%d", g, i/256, i%256))
				mu.Lock()
				switch {
				case err == nil && status == http.StatusAccepted:
					acked = append(acked, email)
					if len(acked) == crashAcks {
						close(enough)
					}
				case err == nil:
					// The server answered, so it was not killed yet: any
					// answer but 202 is a bug.
					t.Errorf("sign-up %s: status %d: %s", email, status, body)
				case killed || ctx.Err() != nil:
					cut++
				default:
					t.Errorf("sign-up %s before the kill: %v", email, err)
				}
				stop := err != nil || (status != http.StatusAccepted && err == nil)
				mu.Unlock()
				if stop {
					return
				}
			}
		})
	}
	select {
	case <-enough:
	case <-p.exited:
		t.Fatalf("noaber serve ended during the sign-ups: %v", p.err)
	case <-time.After(90 * time.Second):
		// Reported below, after the kill.
	}
	mu.Lock()
	killed = true
	mu.Unlock()
	p.kill()
	cancel()
	wg.Wait()
	if len(acked) < crashAcks {
		t.Fatalf("%d sign-ups acknowledged before the kill; the test needs %d to prove anything", len(acked), crashAcks)
	}
	return acked, cut
}

func postSignup(ctx context.Context, client *http.Client, base, email, clientAddr string) (int, string, error) {
	body, _ := json.Marshal(map[string]any{
		"email": email, "password": "lang genoeg wachtwoord", "first_name": "Test", "surname": "Buur",
		"postcode": "7201 AB", "house_number": "12", "town": "Zutphen", "accept_rules": true,
	})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/api/v1/signup", bytes.NewReader(body))
	if err != nil {
		return 0, "", err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Forwarded-For", clientAddr)
	resp, err := client.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		// Headers without the whole body: the kill came in between, so
		// this is not an acknowledgement.
		return 0, "", err
	}
	return resp.StatusCode, string(b), nil
}

// checkSignupsComplete checks, on the database the restarted server runs
// on, that every acknowledged address has an account and that no account
// is half-written: each has its verification link and its mail, either
// delivered or in the job queue (and delivered now unless the killed
// worker held it, which is only retried once its lease expires).
func checkSignupsComplete(t *testing.T, dbURL string, sink *testkit.SMTPSink, acked []string) {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()

	users := map[string]string{} // e-mail -> id
	rows, err := db.Query(ctx, "SELECT email, id FROM users")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var email, id string
		if err := rows.Scan(&email, &id); err != nil {
			t.Fatal(err)
		}
		users[email] = id
	}
	if err := rows.Close(); err != nil {
		t.Fatal(err)
	}
	for _, email := range acked {
		if _, ok := users[email]; !ok {
			t.Errorf("sign-up of %s was acknowledged (202) but its user is gone after the crash", email)
		}
	}
	t.Logf("%d users in the database, %d of them acknowledged", len(users), len(acked))

	jobState := map[string][]string{} // recipient -> states of its mail jobs
	rows, err = db.Query(ctx, "SELECT payload, state FROM jobs WHERE kind = ?", mail.SendKind)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var payload, state string
		if err := rows.Scan(&payload, &state); err != nil {
			t.Fatal(err)
		}
		var m mail.Message
		if err := json.Unmarshal([]byte(payload), &m); err != nil {
			t.Fatalf("mail job payload %q: %v", payload, err)
		}
		jobState[m.To] = append(jobState[m.To], state)
	}
	if err := rows.Close(); err != nil {
		t.Fatal(err)
	}

	heldByDeadWorker := 0
	for email, id := range users {
		var n int
		if err := db.QueryRow(ctx, "SELECT COUNT(*) FROM email_tokens WHERE user_id = ? AND purpose = 'verify' AND email = ?",
			id, email).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 1 {
			t.Errorf("user %s has %d verification links, want 1", email, n)
		}
		states := jobState[email]
		if len(states) == 0 && !delivered(sink, email) {
			t.Errorf("user %s has no mail job and got no mail", email)
			continue
		}
		if len(states) == 1 && states[0] == "running" {
			// Claimed by the killed process: the lease (5 minutes) has to
			// run out before another worker may send it.
			heldByDeadWorker++
			continue
		}
		sink.WaitFor(t, func(m testkit.Mail) bool { return sentTo(m, email) }, 60*time.Second)
	}
	if heldByDeadWorker > 0 {
		t.Logf("%d mails were claimed by the killed worker and wait for their lease to expire", heldByDeadWorker)
	}

	// The mail is the verification mail, with its link to this server.
	for _, email := range acked {
		for _, m := range sink.Messages() {
			if sentTo(m, email) && !strings.Contains(m.Text, "/verify") {
				t.Errorf("mail to %s has no verification link:\n%s", email, m.Text)
			}
		}
	}
}

func delivered(sink *testkit.SMTPSink, email string) bool {
	for _, m := range sink.Messages() {
		if sentTo(m, email) {
			return true
		}
	}
	return false
}

func sentTo(m testkit.Mail, email string) bool {
	for _, to := range m.To {
		if strings.EqualFold(to, email) {
			return true
		}
	}
	return false
}
