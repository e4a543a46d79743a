package e2e

import (
	"bufio"
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/noaber/noaber/internal/geo"
	"github.com/noaber/noaber/internal/i18n"
	"github.com/noaber/noaber/internal/store"
	"github.com/noaber/noaber/internal/testkit"
)

// TestMessageReachesAReaderOnAnotherInstance runs two Noaber instances on
// one PostgreSQL database, as a national operator does behind a load
// balancer: a reader's event stream is open on instance B, and a message
// sent through instance A arrives on it (PostgreSQL LISTEN/NOTIFY), as
// well as in B's conversation page stream.
func TestMessageReachesAReaderOnAnotherInstance(t *testing.T) {
	var pg bool
	for _, e := range testkit.Engines(t) {
		pg = pg || e == store.Postgres
	}
	if !pg {
		t.Skip("needs PostgreSQL (NOABER_TEST_POSTGRES_URL): one SQLite file is one instance")
	}
	url := testkit.NewDatabaseURL(t, store.Postgres)
	a := startApp(t, url)
	b := startApp(t, url)

	sender := &resident{email: "bert@example.org", first: "Bert", surname: "Kok", postcode: "7512 KL", house: "20",
		town: "Enschede", municipality: "0153", pos: geo.Point{Lat: 52.23, Lng: 6.89}, lang: i18n.NL}
	reader := &resident{email: "marieke@example.org", first: "Marieke", surname: "Jansen", postcode: "7511 JK", house: "137h",
		town: "Enschede", municipality: "0153", pos: geo.Point{Lat: 52.22, Lng: 6.89}, lang: i18n.NL}
	seedResidents(t, a, sender, reader)
	senderToken := token(t, a, sender)
	readerToken := token(t, b, reader)

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, b.base+"/api/v1/events", nil)
	req.Header.Set("Authorization", "Bearer "+readerToken)
	req.Header.Set("Accept", "text/event-stream")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		t.Fatalf("event stream on B: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	events := make(chan string, 16)
	go func() {
		sc := bufio.NewScanner(resp.Body)
		var ev strings.Builder
		for sc.Scan() {
			line := sc.Text()
			if line == "" {
				events <- ev.String()
				ev.Reset()
				continue
			}
			ev.WriteString(line + "\n")
		}
		close(events)
	}()

	// B's LISTEN connection may still be starting: send until one arrives.
	body := "Hoi Marieke, dit bericht gaat via instantie A."
	deadline := time.After(30 * time.Second)
	sent := 0
	tick := time.NewTicker(2 * time.Second)
	defer tick.Stop()
	send := func() {
		status, answer := testkit.PostJSON(t, a.base+"/api/v1/conversations", senderToken, map[string]any{"user_id": reader.id, "body": body})
		if status != http.StatusCreated {
			t.Fatalf("send on A: %d %s", status, answer)
		}
		sent++
	}
	send()
	for {
		select {
		case ev, ok := <-events:
			if !ok {
				t.Fatal("the event stream on B ended")
			}
			if strings.Contains(ev, "event: message") && strings.Contains(ev, body) {
				if leaksAddress(ev, sender) {
					t.Errorf("the event holds the sender's address:\n%s", ev)
				}
				t.Logf("the message sent on A arrived on B after %d send(s)", sent)
				return
			}
		case <-tick.C:
			send()
		case <-deadline:
			t.Fatalf("no message event on B within 30 s after %d send(s)", sent)
		}
	}
}
