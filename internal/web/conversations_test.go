package web_test

import (
	"bufio"
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/noaber/noaber/internal/apperr"
	"github.com/noaber/noaber/internal/help"
	"github.com/noaber/noaber/internal/i18n"
	"github.com/noaber/noaber/internal/live"
	"github.com/noaber/noaber/internal/message"
	"github.com/noaber/noaber/internal/store"
	"github.com/noaber/noaber/internal/testkit"
)

// convEnv is dispatchEnv with conversations and live events wired in.
type convEnv struct {
	*dispatchEnv
	msg  *message.Service
	live *live.Broker
}

func newConvEnv(t *testing.T, db *store.DB) *convEnv {
	t.Helper()
	e, s := newWired(t, db, wiring{messages: true})
	return &convEnv{dispatchEnv: e, msg: s.msg, live: s.live}
}

var convLocationRE = regexp.MustCompile(`^/messages/([^/?#]+)#bottom$`)

// started checks that p sent the browser to a conversation and returns its id.
func started(t *testing.T, p page) string {
	t.Helper()
	p.expect(t, http.StatusSeeOther)
	m := convLocationRE.FindStringSubmatch(p.header.Get("Location"))
	if m == nil {
		t.Fatalf("redirect to %q, want a conversation", p.header.Get("Location"))
	}
	return m[1]
}

func countWhere(t *testing.T, db *store.DB, query string, args ...any) int {
	t.Helper()
	var n int
	if err := db.QueryRow(context.Background(), query, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// ids of the messages of a conversation, oldest first.
func (e *convEnv) messageIDs(t *testing.T, conv string) []string {
	t.Helper()
	rows, err := e.db.Query(context.Background(), "SELECT id FROM messages WHERE conversation_id = ? ORDER BY created_at, id", conv)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	return ids
}

// A helper responds to a request; both see the conversation in their
// list, the badge in the header counts it, opening it reads it and the
// sender then sees "gelezen"; a reply is posted once however often the
// form is sent; nobody else can see or write into it.
func TestConversationRespondListViewSend(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newConvEnv(t, db)
		seeker := e.person(t, "marieke@example.org", "Marieke", 0)
		helper := e.person(t, "bram@example.org", "Bram", 2)
		other := e.person(t, "sanne@example.org", "Sanne", 1)
		req := e.ask(t, seeker, "Boodschappen halen bij de Jumbo", false)
		s, h, o := e.as(t, seeker), e.as(t, helper), e.as(t, other)

		// The request page has the respond form for others, not for the seeker.
		h.get("/requests/"+req.ID).expect(t, http.StatusOK).has(t, `id="respond-form"`, `action="/requests/`+req.ID+`/respond"`, `id="respond-body"`)
		s.get("/requests/"+req.ID).expect(t, http.StatusOK).hasNot(t, `id="respond-form"`)

		conv := started(t, h.post("/requests/"+req.ID+"/respond", url.Values{"body": {"Ik kan morgen helpen!"}, "key": {"k1"}}))

		// Both lists show it; the seeker's as unread, with the badge.
		h.get("/messages").expect(t, http.StatusOK).has(t, `id="c-`+conv+`"`, "Marieke", "Enschede",
			tr(i18n.NL, "web.messages.you_wrote", "text", "Ik kan morgen helpen!"), req.Title)
		sl := s.get("/messages").expect(t, http.StatusOK)
		sl.has(t, `id="c-`+conv+`"`, "Bram", "Ik kan morgen helpen!", "conversation-item--unread", `id="messages-link"`, `id="messages-badge"`)
		sl.hasNot(t, privateParts(2)...)
		if !regexp.MustCompile(`id="messages-link"[^>]*>.*?<span class="nav-badge badge" id="messages-badge">1<span class="visually-hidden"> nieuw</span>`).MatchString(strings.ReplaceAll(sl.body, "\n", " ")) {
			t.Fatalf("the header has no badge with 1 unread:\n%s", sl.body)
		}

		// Opening the conversation reads it: the badge is gone on that page.
		sv := s.get("/messages/"+conv).expect(t, http.StatusOK)
		sv.has(t, `id="messages"`, `class="message"`, "Ik kan morgen helpen!", `id="message-form"`, `id="message-body"`, `name="key"`,
			`href="/people/`+helper.ID+`"`, `href="/requests/`+req.ID+`"`, req.Title, `id="mark-done"`, "conversation.js")
		sv.hasNot(t, `id="messages-badge"`, `id="thanks-form"`)
		sv.hasNot(t, privateParts(2)...)
		if n, err := e.msg.UnreadTotal(context.Background(), seeker.ID); err != nil || n != 0 {
			t.Fatalf("unread after opening: %d, %v", n, err)
		}
		// The helper now sees that the seeker read it.
		hv := h.get("/messages/"+conv).expect(t, http.StatusOK)
		hv.has(t, `class="message message--mine"`, `class="read-marker"`, tr(i18n.NL, "web.conversation.read"))

		// A reply, sent twice with the same key (a double tap), is posted once.
		reply := url.Values{"body": {"Fijn, tot morgen <om 10 uur>"}, "key": {"dubbel"}}
		s.post("/messages/"+conv, reply).expect(t, http.StatusSeeOther, "/messages/"+conv+"#bottom")
		s.post("/messages/"+conv, reply).expect(t, http.StatusSeeOther, "/messages/"+conv+"#bottom")
		if n := countWhere(t, db, "SELECT COUNT(*) FROM messages WHERE conversation_id = ?", conv); n != 2 {
			t.Fatalf("%d messages, want 2", n)
		}
		h.get("/me/help").expect(t, http.StatusOK).has(t, `id="messages-badge"`)
		h.get("/messages/"+conv).expect(t, http.StatusOK).has(t, "Fijn, tot morgen &lt;om 10 uur&gt;").hasNot(t, "<om 10 uur>")

		// The strict Content-Security-Policy allows no inline script or style.
		inline := regexp.MustCompile(`(?i)<script>|<script [^>]*>[^<]|<style|\sstyle="|\son[a-z]+="`)
		for _, path := range []string{"/messages", "/messages/" + conv, "/requests/" + req.ID, "/people/" + seeker.ID} {
			if m := inline.FindString(h.get(path).body); m != "" {
				t.Fatalf("%s has inline code %q", path, m)
			}
		}

		// Someone else's conversation is not found, for reading and for writing.
		o.get("/messages/"+conv).expect(t, http.StatusNotFound)
		o.post("/messages/"+conv, url.Values{"body": {"Hallo"}}).expect(t, http.StatusNotFound)
		o.post("/messages/"+conv+"/done", url.Values{}).expect(t, http.StatusNotFound)
		o.get("/messages/"+conv+"/events").expect(t, http.StatusNotFound)
		o.get("/messages").expect(t, http.StatusOK).hasNot(t, conv).has(t, `id="messages-empty"`)
		if n := countWhere(t, db, "SELECT COUNT(*) FROM messages WHERE conversation_id = ?", conv); n != 2 {
			t.Fatalf("%d messages after the stranger, want 2", n)
		}
	})
}

// Bad input shows the conversation again, in Dutch, with the text kept
// and the reason by the field; a block closes the conversation.
func TestConversationSendErrors(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newConvEnv(t, db)
		seeker := e.person(t, "marieke@example.org", "Marieke", 0)
		helper := e.person(t, "bram@example.org", "Bram", 2)
		req := e.ask(t, seeker, "Boodschappen halen bij de Jumbo", false)
		s, h := e.as(t, seeker), e.as(t, helper)
		conv := started(t, h.post("/requests/"+req.ID+"/respond", url.Values{"body": {"Ik kan helpen"}}))

		empty := s.post("/messages/"+conv, url.Values{"body": {"   "}}).expect(t, http.StatusUnprocessableEntity)
		empty.has(t, `id="error-summary"`, `href="#message-body"`, `id="message-body-error"`, `aria-invalid="true"`, "Ik kan helpen")
		_, err := e.msg.Send(context.Background(), seeker, conv, "   ", "")
		assertDutchError(t, empty, err)

		long := strings.Repeat("lang ", 401) // 2005 characters
		tooLong := s.post("/messages/"+conv, url.Values{"body": {long}}).expect(t, http.StatusUnprocessableEntity)
		tooLong.has(t, `id="message-body-error"`, long)
		_, err = e.msg.Send(context.Background(), seeker, conv, long, "")
		assertDutchError(t, tooLong, err)
		if n := countWhere(t, db, "SELECT COUNT(*) FROM messages WHERE conversation_id = ?", conv); n != 1 {
			t.Fatalf("%d messages after bad input, want 1", n)
		}

		// The seeker blocks the helper: the helper cannot write any more.
		if err := e.acc.Block(context.Background(), seeker, helper.ID); err != nil {
			t.Fatal(err)
		}
		blocked := h.post("/messages/"+conv, url.Values{"body": {"Hallo?"}}).expect(t, http.StatusForbidden)
		blocked.has(t, `id="error-summary"`, `id="conversation-closed"`, tr(i18n.NL, "web.conversation.closed.blocked"))
		_, err = e.msg.Send(context.Background(), helper, conv, "Hallo?", "")
		assertDutchError(t, blocked, err)
		blocked.hasNot(t, `id="message-form"`)
		if n := countWhere(t, db, "SELECT COUNT(*) FROM messages WHERE conversation_id = ?", conv); n != 1 {
			t.Fatalf("%d messages after the block, want 1", n)
		}
		h.get("/messages/"+conv).expect(t, http.StatusOK).has(t, `id="conversation-closed"`).hasNot(t, `id="message-form"`)
	})
}

// assertDutchError fails unless the page shows, in Dutch, what the
// service said about the same input (err), and not the English text.
func assertDutchError(t *testing.T, p page, err error) {
	t.Helper()
	e, ok := apperr.As(err)
	if !ok {
		t.Fatalf("the service accepted the input: %v", err)
	}
	key, args := e.Key, e.Args
	if len(e.Fields) > 0 {
		key, args = e.Fields[0].Key, e.Fields[0].Args
	}
	nl, en := i18n.T(i18n.NL, key, args...), i18n.T(i18n.EN, key, args...)
	if nl == key {
		t.Fatalf("no Dutch text for %q", key)
	}
	p.has(t, nl)
	if en != nl {
		p.hasNot(t, en)
	}
}

// Responding to an offer and writing from a profile start conversations;
// an empty first message shows the page with the error; one's own offer
// and profile have no form.
func TestRespondFromOfferAndProfile(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newConvEnv(t, db)
		seeker := e.person(t, "marieke@example.org", "Marieke", 0)
		helper := e.person(t, "bram@example.org", "Bram", 2)
		off, err := e.help.CreateOffer(context.Background(), helper, help.OfferInput{CategoryID: "groceries", Title: "Ik doe boodschappen voor je", Body: "Op zaterdag"}, i18n.NL)
		if err != nil {
			t.Fatal(err)
		}
		s, h := e.as(t, seeker), e.as(t, helper)

		h.get("/offers/"+off.ID).expect(t, http.StatusOK).hasNot(t, `id="respond-form"`)
		s.get("/offers/"+off.ID).expect(t, http.StatusOK).has(t, `action="/offers/`+off.ID+`/respond"`, tr(i18n.NL, "web.offer.respond_soon"))
		bad := s.post("/offers/"+off.ID+"/respond", url.Values{"body": {""}}).expect(t, http.StatusUnprocessableEntity)
		bad.has(t, `id="error-summary"`, `id="respond-body-error"`, `id="offer-title"`)
		_, _, err = e.msg.Start(context.Background(), seeker, message.StartInput{OfferID: off.ID})
		assertDutchError(t, bad, err)
		c1 := started(t, s.post("/offers/"+off.ID+"/respond", url.Values{"body": {"Wil je ook melk meenemen?"}}))
		h.get("/messages/"+c1).expect(t, http.StatusOK).has(t, "Wil je ook melk meenemen?", `href="/offers/`+off.ID+`"`)

		// From a profile; not on one's own.
		h.get("/people/"+helper.ID).expect(t, http.StatusOK).hasNot(t, `id="respond-form"`)
		s.get("/people/"+helper.ID).expect(t, http.StatusOK).has(t, `action="/people/`+helper.ID+`/message"`)
		long := strings.Repeat("x", message.MaxBody+1)
		tooLong := s.post("/people/"+helper.ID+"/message", url.Values{"body": {long}}).expect(t, http.StatusUnprocessableEntity)
		tooLong.has(t, `id="profile-name"`, `id="respond-body-error"`, long)
		c2 := started(t, s.post("/people/"+helper.ID+"/message", url.Values{"body": {"Hoi Bram"}}))
		if c2 == c1 {
			t.Fatal("the profile message went into the offer's conversation")
		}
		h.get("/messages/"+c2).expect(t, http.StatusOK).has(t, "Hoi Bram", tr(i18n.NL, "web.conversation.direct"))
		// Writing to yourself is refused with a message, not a 500.
		own := s.post("/people/"+seeker.ID+"/message", url.Values{"body": {"Hoi"}})
		if own.status == http.StatusInternalServerError || own.status < 400 {
			t.Fatalf("writing to yourself: status %d", own.status)
		}
		if n := count(t, db, "messages"); n != 2 {
			t.Fatalf("%d messages, want 2", n)
		}
	})
}

// The seeker marks the help done and thanks the helper; the note shows
// in the conversation and on the helper's profile.
func TestConversationDoneAndThanks(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newConvEnv(t, db)
		seeker := e.person(t, "marieke@example.org", "Marieke", 0)
		helper := e.person(t, "bram@example.org", "Bram", 2)
		req := e.ask(t, seeker, "Boodschappen halen bij de Jumbo", false)
		s, h := e.as(t, seeker), e.as(t, helper)
		conv := started(t, h.post("/requests/"+req.ID+"/respond", url.Values{"body": {"Ik kan helpen"}}))

		s.post("/messages/"+conv+"/done", url.Values{}).expect(t, http.StatusSeeOther)
		sv := s.get("/messages/"+conv+"?done=1").expect(t, http.StatusOK)
		sv.has(t, `id="conversation-done"`, `id="thanks-form"`, `id="thanks-body"`, tr(i18n.NL, "web.conversation.thanks_text", "name", helper.DisplayName()))
		sv.hasNot(t, `id="mark-done"`)
		h.get("/messages/"+conv).expect(t, http.StatusOK).has(t, `id="conversation-done"`).hasNot(t, `id="thanks-form"`, `id="mark-done"`)
		// The helper cannot thank.
		if p := h.post("/messages/"+conv+"/thanks", url.Values{"body": {"Zelf bedankt"}}); p.status < 400 || p.status == http.StatusInternalServerError {
			t.Fatalf("the helper thanked: status %d", p.status)
		}

		tooLong := s.post("/messages/"+conv+"/thanks", url.Values{"body": {strings.Repeat("d", message.MaxThanks+1)}}).expect(t, http.StatusUnprocessableEntity)
		tooLong.has(t, `id="thanks-body-error"`)
		assertDutchError(t, tooLong, e.msg.Thank(context.Background(), seeker, conv, strings.Repeat("d", message.MaxThanks+1)))

		s.post("/messages/"+conv+"/thanks", url.Values{"body": {"Dank je wel, Bram!"}}).expect(t, http.StatusSeeOther)
		s.get("/messages/"+conv).expect(t, http.StatusOK).has(t, `id="thanks-given"`, "Dank je wel, Bram!").hasNot(t, `id="thanks-form"`)

		prof := s.get("/people/"+helper.ID).expect(t, http.StatusOK)
		prof.has(t, `id="thanks"`, `class="thanks"`, "Dank je wel, Bram!", "Marieke", i18n.N(i18n.NL, "web.profile.thanks_count", 1))
		if n := strings.Count(prof.body, `class="thanks"`); n != 1 {
			t.Fatalf("%d thank-you notes on the profile, want 1", n)
		}
		// The seeker's own profile has none.
		h.get("/people/"+seeker.ID).expect(t, http.StatusOK).hasNot(t, `id="thanks"`)
	})
}

// The helper who accepts an invitation, and the seeker's progress block,
// lead to the conversation the dispatcher opened.
func TestConversationLinksAfterAMatch(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newConvEnv(t, db)
		seeker := e.person(t, "marieke@example.org", "Marieke", 0)
		helper := e.helper(t, "bram@example.org", "Bram", 1)
		req := e.ask(t, seeker, "Boodschappen halen bij de Jumbo", false)
		inv := e.openInvitation(t, helper, req.ID)
		h, s := e.as(t, helper), e.as(t, seeker)
		h.post("/invitations/"+inv.ID+"/accept", url.Values{}).expect(t, http.StatusSeeOther)
		m := regexp.MustCompile(`id="invitation-conversation"`).FindString(h.get("/invitations/" + inv.ID).body)
		if m == "" {
			t.Fatal("the accepted invitation has no link to the conversation")
		}
		all, err := e.d.Invitations(context.Background(), helper, i18n.NL)
		if err != nil || len(all) != 1 || all[0].ConversationID == "" {
			t.Fatalf("invitations %+v, %v", all, err)
		}
		conv := all[0].ConversationID
		h.get("/invitations/"+inv.ID).expect(t, http.StatusOK).has(t, `href="/messages/`+conv+`#bottom"`)
		s.get("/requests/"+req.ID).expect(t, http.StatusOK).has(t, `id="progress-conversation"`, `href="/messages/`+conv+`#bottom"`)
		s.get("/messages/"+conv).expect(t, http.StatusOK).has(t, "Bram", `id="message-form"`)
	})
}

// sse reads a Server-Sent Events stream, event by event.
type sse struct {
	t      *testing.T
	cancel context.CancelFunc
	events chan sseEvent
}

type sseEvent struct{ id, name, data string }

func (b *browser) events(path, lastID string) *sse {
	b.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, err := http.NewRequestWithContext(ctx, "GET", b.e.srv.URL+path, nil)
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("Accept", "text/event-stream")
	if lastID != "" {
		req.Header.Set("Last-Event-ID", lastID)
	}
	resp, err := b.c.Do(req)
	if err != nil {
		cancel()
		b.t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		cancel()
		resp.Body.Close()
		b.t.Fatalf("events: status %d, type %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	s := &sse{t: b.t, cancel: cancel, events: make(chan sseEvent, 16)}
	go func() {
		defer resp.Body.Close()
		defer close(s.events)
		sc := bufio.NewScanner(resp.Body)
		var ev sseEvent
		for sc.Scan() {
			line := sc.Text()
			switch {
			case line == "":
				if ev.name != "" || ev.data != "" {
					s.events <- ev
				}
				ev = sseEvent{}
			case strings.HasPrefix(line, "id:"):
				ev.id = strings.TrimSpace(strings.TrimPrefix(line, "id:"))
			case strings.HasPrefix(line, "event:"):
				ev.name = strings.TrimSpace(strings.TrimPrefix(line, "event:"))
			case strings.HasPrefix(line, "data:"):
				if ev.data != "" {
					ev.data += "\n"
				}
				ev.data += strings.TrimPrefix(strings.TrimPrefix(line, "data:"), " ")
			}
		}
	}()
	b.t.Cleanup(cancel)
	return s
}

// next returns the next event named name, skipping others; it fails after
// a generous wait (a safeguard against a hang, not a timing check).
func (s *sse) next(name string) sseEvent {
	s.t.Helper()
	timeout := time.After(20 * time.Second)
	for {
		select {
		case ev, ok := <-s.events:
			if !ok {
				s.t.Fatalf("the stream ended before a %q event", name)
			}
			if ev.name == name {
				return ev
			}
		case <-timeout:
			s.t.Fatalf("no %q event", name)
		}
	}
}

// The events of a conversation: a new message arrives as the page's own
// HTML, escaped; reading it sends "read" to the sender; a reconnect with
// Last-Event-ID first gets what it missed.
func TestConversationEventsStream(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newConvEnv(t, db)
		ctx := context.Background()
		seeker := e.person(t, "marieke@example.org", "Marieke", 0)
		helper := e.person(t, "bram@example.org", "Bram", 2)
		req := e.ask(t, seeker, "Boodschappen halen bij de Jumbo", false)
		s, h := e.as(t, seeker), e.as(t, helper)
		conv := started(t, h.post("/requests/"+req.ID+"/respond", url.Values{"body": {"Ik kan helpen"}}))
		first := e.messageIDs(t, conv)[0]
		// The page says where the stream starts.
		s.get("/messages/"+conv).expect(t, http.StatusOK).has(t, `data-live="/messages/`+conv+`/events?after=`+first+`"`)

		hs := h.events("/messages/"+conv+"/events", "")
		ss := s.events("/messages/"+conv+"/events", "")
		// Wait until both streams are subscribed before anything happens.
		deadline := time.Now().Add(20 * time.Second)
		for e.live.Connections() < 2 {
			if time.Now().After(deadline) {
				t.Fatalf("%d subscriptions, want 2", e.live.Connections())
			}
			time.Sleep(10 * time.Millisecond)
		}

		if _, err := e.msg.Send(ctx, seeker, conv, "Graag! <b>Om 10 uur</b>", ""); err != nil {
			t.Fatal(err)
		}
		second := e.messageIDs(t, conv)[1]
		ev := hs.next("message")
		if ev.id != second || !strings.Contains(ev.data, `id="m-`+second+`"`) || !strings.Contains(ev.data, `class="message"`) ||
			!strings.Contains(ev.data, "Graag! &lt;b&gt;Om 10 uur&lt;/b&gt;") || strings.Contains(ev.data, "<b>") || !strings.Contains(ev.data, "Marieke") {
			t.Fatalf("message event %+v", ev)
		}
		// The seeker's own page gets her message as hers.
		if mine := ss.next("message"); mine.id != second || !strings.Contains(mine.data, "message--mine") {
			t.Fatalf("the sender's event %+v", mine)
		}

		// The helper's page reads it (as the script does): the seeker hears.
		h.post("/messages/"+conv+"/read", url.Values{}).expect(t, http.StatusNoContent)
		ss.next("read")

		// Done: both pages reload.
		if err := e.msg.MarkDone(ctx, helper, conv); err != nil {
			t.Fatal(err)
		}
		ss.next("done")
		hs.cancel()

		// A reconnect after the first message catches up with the second,
		// before any new event.
		re := h.events("/messages/"+conv+"/events", first)
		if ev := re.next("message"); ev.id != second || !strings.Contains(ev.data, "Om 10 uur") {
			t.Fatalf("catch-up %+v", ev)
		}
		// The first connection of a page starts after its last message.
		q := h.events("/messages/"+conv+"/events?after="+first, "")
		if ev := q.next("message"); ev.id != second {
			t.Fatalf("catch-up from the page %+v", ev)
		}
	})
}
