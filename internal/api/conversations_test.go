package api

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/noaber/noaber/internal/geo"
	"github.com/noaber/noaber/internal/store"
	"github.com/noaber/noaber/internal/testkit"
)

// messageWorld is the help tests' town with conversations: Els asks for
// groceries, Piet offers to help, Anna looks on (and talks to Piet
// herself), Bram's account gets removed, Mo blocks Piet.
type messageWorld struct {
	*helpWorld
	m         *messageEnv
	requestID string // Els's request
}

func newMessageWorld(t *testing.T, db *store.DB, withPush bool) *messageWorld {
	t.Helper()
	m := newMessageEnv(t, db, withPush)
	e := m.env
	addPostcodes(t, db)
	w := &messageWorld{m: m, helpWorld: &helpWorld{e: e,
		els:   e.neighbourAt(t, "els@example.nl", "Els", "4531 EK", "117-hs", geo.Point{Lat: 51.33582, Lng: 3.82764}),
		piet:  e.neighbourAt(t, "piet@example.nl", "Piet", "4532 AB", "58-zw", geo.Point{Lat: 51.32811, Lng: 3.84102}),
		anna:  e.neighbourAt(t, "anna@example.nl", "Anna", "4533 RT", "203-rd", geo.Point{Lat: 51.33421, Lng: 3.83013}),
		bram:  e.neighbourAt(t, "bram@example.nl", "Bram", "4535 XY", "74-th", geo.Point{Lat: 51.34021, Lng: 3.81877}),
		karel: e.neighbourAt(t, "karel@example.nl", "Karel", "4461 ZW", "166-qq", geo.Point{Lat: 51.60582, Lng: 3.82764}),
		mo:    e.neighbourAt(t, "mo@example.nl", "Mo", "4537 PQ", "9-kl", geo.Point{Lat: 51.33301, Lng: 3.82499}),
	}}
	w.fillAnswers(t)
	var r HelpRequest
	e.do(t, scenario{method: "POST", path: "/api/v1/requests", token: w.els.token, body: w.request(t, func(m map[string]any) {
		m["show_only"] = true // no dispatcher here
	}), status: 201}).decode(t, &r)
	w.requestID = r.ID
	return w
}

// start has from open a conversation with body and returns it.
func (w *messageWorld) start(t *testing.T, from *neighbour, target, body string) StartedConversation {
	t.Helper()
	var sc StartedConversation
	w.e.do(t, scenario{method: "POST", path: "/api/v1/conversations", token: from.token, body: target[:len(target)-1] +
		fmt.Sprintf(`,"body":%q}`, body), status: 201}).decode(t, &sc)
	return sc
}

func conv(id string, rest ...string) string {
	return "/api/v1/conversations/" + id + strings.Join(rest, "")
}

// TestConversations walks a conversation through the API: Piet offers
// help with Els's request, they write, read, mark it done, and Els thanks
// Piet; and everything that must be refused is, with nothing written.
func TestConversations(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		w := newMessageWorld(t, db, false)
		e, els, piet, anna := w.e, w.els, w.piet, w.anna
		sw := &w.sweep

		started := w.start(t, piet, fmt.Sprintf(`{"request_id":%q}`, w.requestID), "Ik kan morgen helpen!")
		c := started.Conversation
		if c.Kind != "request" || c.Role != "helper" || c.RequestID == nil || *c.RequestID != w.requestID ||
			c.Other.ID != els.id || c.Other.Town != "Terneuzen" || !c.CanSend || started.Message.Body != "Ik kan morgen helpen!" ||
			!started.Message.Mine {
			t.Fatalf("started conversation: %+v", started)
		}
		messages := func() int { return e.count(t, "SELECT COUNT(*) FROM messages") }
		if n := messages(); n != 1 {
			t.Fatalf("%d messages after the first one", n)
		}
		long := strings.Repeat("a", 2001)
		e.run(t, []scenario{
			{name: "list needs a token", method: "GET", path: "/api/v1/conversations", status: 401,
				contains: []string{`"code":"unauthorized"`}},
			{name: "send needs a token", method: "POST", path: conv(c.ID, "/messages"), body: `{"body":"hoi"}`, status: 401},
			{name: "events need a token", method: "GET", path: "/api/v1/events", status: 401},
			{name: "a cookie is no token", method: "GET", path: "/api/v1/conversations", status: 401,
				headers: map[string]string{"Cookie": "noaber_session=" + els.token}},

			{name: "Els sees it in her list, unread", method: "GET", path: "/api/v1/conversations", token: els.token, status: 200,
				contains: []string{`"id":"` + c.ID + `"`, `"role":"seeker"`, `"unread":1`, `"unread_total":1`,
					`"body":"Ik kan morgen helpen!"`, `"from_me":false`, `"display_name":"Piet T."`},
				after: sw.watch(els, "conversation list")},
			{name: "Piet's list", method: "GET", path: "/api/v1/conversations", token: piet.token, status: 200,
				contains: []string{`"unread":0`, `"unread_total":0`, `"from_me":true`, `"other_read_at":null`},
				after:    sw.watch(piet, "conversation list")},
			{name: "Els reads the messages", method: "GET", path: conv(c.ID, "/messages"), token: els.token, status: 200,
				contains: []string{`"body":"Ik kan morgen helpen!"`, `"mine":false`, `"sender_id":"` + piet.id + `"`, `"has_more":false`},
				after:    sw.watch(els, "messages")},

			{name: "Anna cannot see it", method: "GET", path: conv(c.ID), token: anna.token, status: 404,
				contains: []string{`"code":"not_found"`}, excludes: []string{"morgen"}},
			{name: "nor its messages", method: "GET", path: conv(c.ID, "/messages"), token: anna.token, status: 404},
			{name: "nor write in it", method: "POST", path: conv(c.ID, "/messages"), token: anna.token, body: `{"body":"hoi"}`, status: 404},
			{name: "nor mark it read", method: "POST", path: conv(c.ID, "/read"), token: anna.token, status: 404},
			{name: "nor done", method: "POST", path: conv(c.ID, "/done"), token: anna.token, status: 404},
			{name: "nor thank in it", method: "POST", path: conv(c.ID, "/thanks"), token: anna.token, body: `{"body":"dank"}`, status: 404},
			{name: "an unknown conversation", method: "GET", path: conv("00000000-0000-7000-8000-00000000abcd"), token: els.token, status: 404},

			{name: "an empty message", method: "POST", path: conv(c.ID, "/messages"), token: els.token, body: `{"body":"  \n "}`, status: 422,
				contains: []string{`"code":"invalid"`, `"field":"body"`}},
			{name: "no body field", method: "POST", path: conv(c.ID, "/messages"), token: els.token, body: `{}`, status: 422,
				contains: []string{`"field":"body"`}},
			{name: "a message too long", method: "POST", path: conv(c.ID, "/messages"), token: els.token, body: `{"body":"` + long + `"}`, status: 422,
				contains: []string{`"field":"body"`}},
			{name: "an unknown field", method: "POST", path: conv(c.ID, "/messages"), token: els.token, body: `{"body":"hoi","to":"x"}`, status: 400,
				contains: []string{`"code":"unknown_field"`}},
			{name: "start with two targets", method: "POST", path: "/api/v1/conversations", token: anna.token,
				body: fmt.Sprintf(`{"request_id":%q,"user_id":%q,"body":"hoi"}`, w.requestID, els.id), status: 422,
				contains: []string{`"field":"request_id"`}},
			{name: "start with no target", method: "POST", path: "/api/v1/conversations", token: anna.token, body: `{"body":"hoi"}`, status: 422,
				contains: []string{`"field":"request_id"`}},
			{name: "start with an empty message", method: "POST", path: "/api/v1/conversations", token: anna.token,
				body: fmt.Sprintf(`{"request_id":%q,"body":""}`, w.requestID), status: 422, contains: []string{`"field":"body"`}},
			{name: "start with a message too long", method: "POST", path: "/api/v1/conversations", token: anna.token,
				body: fmt.Sprintf(`{"user_id":%q,"body":%q}`, els.id, long), status: 422, contains: []string{`"field":"body"`}},
			{name: "start about your own request", method: "POST", path: "/api/v1/conversations", token: els.token,
				body: fmt.Sprintf(`{"request_id":%q,"body":"hoi"}`, w.requestID), status: 422},
			{name: "start with yourself", method: "POST", path: "/api/v1/conversations", token: els.token,
				body: fmt.Sprintf(`{"user_id":%q,"body":"hoi"}`, els.id), status: 422},
			{name: "start about an unknown request", method: "POST", path: "/api/v1/conversations", token: anna.token,
				body: `{"request_id":"00000000-0000-7000-8000-00000000abcd","body":"hoi"}`, status: 404},
			{name: "a key too long", method: "POST", path: conv(c.ID, "/messages"), token: els.token, body: `{"body":"hoi"}`, status: 422,
				headers: map[string]string{"Idempotency-Key": strings.Repeat("k", 101)}, contains: []string{`"field":"Idempotency-Key"`}},
			{name: "limit not a number", method: "GET", path: conv(c.ID, "/messages?limit=veel"), token: els.token, status: 422,
				contains: []string{`"field":"limit"`}},
			{name: "a cursor of another conversation", method: "GET", path: conv(c.ID, "/messages?before=00000000-0000-7000-8000-00000000abcd"),
				token: els.token, status: 422, contains: []string{`"field":"before"`}},
			{name: "limit zero", method: "GET", path: conv(c.ID, "/messages?limit=0"), token: els.token, status: 422,
				contains: []string{`"field":"limit"`}},
		})
		if n := messages(); n != 1 {
			t.Fatalf("refused messages were written: %d messages", n)
		}

		// A retry with the same Idempotency-Key is the same message,
		// written once.
		key := map[string]string{"Idempotency-Key": "els-1"}
		var first, again ConversationMessage
		e.do(t, scenario{method: "POST", path: conv(c.ID, "/messages"), token: els.token, headers: key,
			body: `{"body":"Fijn! Tot morgen om twee uur."}`, status: 201,
			contains: []string{`"mine":true`, `"read":false`}}).decode(t, &first)
		e.do(t, scenario{method: "POST", path: conv(c.ID, "/messages"), token: els.token, headers: key,
			body: `{"body":"Fijn! Tot morgen om twee uur."}`, status: 201}).decode(t, &again)
		if first.ID == "" || again.ID != first.ID || again.Body != first.Body {
			t.Fatalf("a retry with the same key answered %+v, the first %+v", again, first)
		}
		if n := e.count(t, "SELECT COUNT(*) FROM messages WHERE client_key = ?", "els-1"); n != 1 {
			t.Fatalf("%d messages with the key", n)
		}
		// The same key in another conversation is the client's mistake.
		other := w.start(t, anna, fmt.Sprintf(`{"user_id":%q}`, els.id), "Hallo Els")
		e.do(t, scenario{method: "POST", path: conv(other.Conversation.ID, "/messages"), token: els.token, headers: key,
			body: `{"body":"Hallo Anna"}`, status: 422, contains: []string{`"field":"Idempotency-Key"`}})
		if n := messages(); n != 3 {
			t.Fatalf("%d messages, want 3", n)
		}

		// Piet reads; Els sees that he did.
		e.run(t, []scenario{
			{name: "Piet has one unread", method: "GET", path: conv(c.ID), token: piet.token, status: 200,
				contains: []string{`"unread":1`, `"body":"Fijn! Tot morgen om twee uur."`},
				after:    sw.watch(piet, "Piet has one unread")},
			{name: "Piet reads", method: "POST", path: conv(c.ID, "/read"), token: piet.token, status: 204},
			{name: "then none", method: "GET", path: conv(c.ID), token: piet.token, status: 200,
				contains: []string{`"unread":0`}, after: sw.watch(piet, "conversation")},
			{name: "Els sees it read", method: "GET", path: conv(c.ID, "/messages"), token: els.token, status: 200,
				contains: []string{`"id":"` + first.ID + `"`, `"read":true`},
				after:    sw.watch(els, "Els sees it read")},
			{name: "and when", method: "GET", path: conv(c.ID), token: els.token, status: 200,
				excludes: []string{`"other_read_at":null`},
				after:    sw.watch(els, "and when")},
		})

		// Pages of messages, newest first.
		var page Messages
		e.do(t, scenario{method: "GET", path: conv(c.ID, "/messages?limit=1"), token: piet.token, status: 200,
			contains: []string{`"has_more":true`}}).decode(t, &page)
		if len(page.Messages) != 1 || page.Messages[0].ID != first.ID {
			t.Fatalf("the newest page of one: %+v", page)
		}
		e.do(t, scenario{method: "GET", path: conv(c.ID, "/messages?limit=1&before=", first.ID), token: piet.token, status: 200,
			contains: []string{`"has_more":false`}}).decode(t, &page)
		if len(page.Messages) != 1 || page.Messages[0].ID != started.Message.ID {
			t.Fatalf("the page before: %+v", page)
		}
		e.do(t, scenario{method: "GET", path: conv(c.ID, "/messages?limit=500"), token: piet.token, status: 200}).decode(t, &page)
		if len(page.Messages) != 2 || page.Messages[0].ID != started.Message.ID {
			t.Fatalf("all messages, oldest first: %+v", page)
		}

		// Done, and Els thanks Piet.
		e.run(t, []scenario{
			{name: "no thanks before it is done", method: "POST", path: conv(c.ID, "/thanks"), token: els.token,
				body: `{"body":"Dank je wel!"}`, status: 409, contains: []string{`"code":"not_done"`}},
			{name: "Els marks it done", method: "POST", path: conv(c.ID, "/done"), token: els.token, status: 204},
			{name: "Piet too, later", method: "POST", path: conv(c.ID, "/done"), token: piet.token, status: 409,
				contains: []string{`"code":"already_done"`}},
			{name: "Piet cannot thank himself", method: "POST", path: conv(c.ID, "/thanks"), token: piet.token,
				body: `{"body":"Goed gedaan, ik"}`, status: 403, contains: []string{`"code":"not_seeker"`}},
			{name: "done, and she can thank", method: "GET", path: conv(c.ID), token: els.token, status: 200,
				contains: []string{`"done":true`, `"can_thank":true`, `"thanked":false`},
				after:    sw.watch(els, "done, and she can thank")},
			{name: "Piet sees it done, and cannot thank", method: "GET", path: conv(c.ID), token: piet.token, status: 200,
				contains: []string{`"done":true`, `"can_thank":false`},
				after:    sw.watch(piet, "Piet sees it done, and cannot thank")},
			{name: "an empty note", method: "POST", path: conv(c.ID, "/thanks"), token: els.token, body: `{"body":" "}`, status: 422,
				contains: []string{`"field":"body"`}},
			{name: "a note too long", method: "POST", path: conv(c.ID, "/thanks"), token: els.token,
				body: `{"body":"` + strings.Repeat("d", 501) + `"}`, status: 422, contains: []string{`"field":"body"`}},
			{name: "Els thanks Piet", method: "POST", path: conv(c.ID, "/thanks"), token: els.token,
				body: `{"body":"Dank je wel voor de boodschappen!"}`, status: 201,
				contains: []string{`"body":"Dank je wel voor de boodschappen!"`, `"id":"` + els.id + `"`}},
			{name: "once", method: "POST", path: conv(c.ID, "/thanks"), token: els.token, body: `{"body":"Nog eens!"}`, status: 409,
				contains: []string{`"code":"already_thanked"`}},
			{name: "thanked", method: "GET", path: conv(c.ID), token: els.token, status: 200,
				contains: []string{`"thanked":true`, `"can_thank":false`},
				after:    sw.watch(els, "thanked")},
			{name: "Anna sees the note on Piet's profile", method: "GET", path: "/api/v1/users/" + piet.id + "/thanks", token: anna.token, status: 200,
				contains: []string{`"body":"Dank je wel voor de boodschappen!"`, `"display_name":"Els T."`},
				after:    sw.watch(anna, "thanks")},
			{name: "Piet has none to show for Els", method: "GET", path: "/api/v1/users/" + els.id + "/thanks", token: piet.token, status: 200,
				contains: []string{`{"thanks":[]}`},
				after:    sw.watch(piet, "Piet has none to show for Els")},
			{name: "thanks need a token", method: "GET", path: "/api/v1/users/" + piet.id + "/thanks", status: 401},
		})
		if n := e.count(t, "SELECT COUNT(*) FROM thanks"); n != 1 {
			t.Fatalf("%d thank-you notes, want 1", n)
		}

		// The request closes: Piet, who talked about it, hears so; Anna,
		// who never did, finds nothing.
		e.do(t, scenario{method: "POST", path: "/api/v1/requests/" + w.requestID + "/cancel", token: els.token, status: 204})
		e.run(t, []scenario{
			{name: "closed for Piet", method: "POST", path: "/api/v1/conversations", token: piet.token,
				body: fmt.Sprintf(`{"request_id":%q,"body":"Nog iets?"}`, w.requestID), status: 409, contains: []string{`"code":"request_closed"`}},
			{name: "gone for Anna", method: "POST", path: "/api/v1/conversations", token: anna.token,
				body: fmt.Sprintf(`{"request_id":%q,"body":"Kan ik helpen?"}`, w.requestID), status: 404},
			{name: "the conversation goes on", method: "POST", path: conv(c.ID, "/messages"), token: piet.token,
				body: `{"body":"Graag gedaan!"}`, status: 201},
		})
		sw.check(t, e, w.everyone())
	})
}

// TestConversationsClosed checks the two ways a conversation closes for
// writing: a block (403, either way) and a removed account (410), and
// that neither writes anything.
func TestConversationsClosed(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		w := newMessageWorld(t, db, false)
		e, piet, anna, bram, mo := w.e, w.piet, w.anna, w.bram, w.mo

		withAnna := w.start(t, anna, fmt.Sprintf(`{"user_id":%q}`, piet.id), "Hoi Piet, heb jij een ladder?").Conversation
		withBram := w.start(t, bram, fmt.Sprintf(`{"user_id":%q}`, piet.id), "Hoi Piet").Conversation
		if withAnna.Kind != "direct" || withAnna.About != "" || withAnna.RequestID != nil {
			t.Fatalf("a direct conversation: %+v", withAnna)
		}
		// Starting again continues the same conversation.
		again := w.start(t, piet, fmt.Sprintf(`{"user_id":%q}`, anna.id), "Ja hoor")
		if again.Conversation.ID != withAnna.ID {
			t.Fatalf("a second start made conversation %s beside %s", again.Conversation.ID, withAnna.ID)
		}
		e.do(t, scenario{method: "POST", path: "/api/v1/users/" + piet.id + "/block", token: anna.token, status: 204})
		e.do(t, scenario{method: "POST", path: "/api/v1/users/" + piet.id + "/block", token: mo.token, status: 204})
		if _, err := db.Exec(context.Background(), "UPDATE users SET status = 'removed' WHERE id = ?", bram.id); err != nil {
			t.Fatal(err)
		}
		before := e.count(t, "SELECT COUNT(*) FROM messages")
		e.run(t, []scenario{
			{name: "Anna blocked Piet: he cannot write", method: "POST", path: conv(withAnna.ID, "/messages"), token: piet.token,
				body: `{"body":"Hallo?"}`, status: 403, contains: []string{`"code":"blocked"`}},
			{name: "nor can she", method: "POST", path: conv(withAnna.ID, "/messages"), token: anna.token,
				body: `{"body":"Hallo?"}`, status: 403, contains: []string{`"code":"blocked"`}},
			{name: "nor with the same key later", method: "POST", path: conv(withAnna.ID, "/messages"), token: piet.token,
				headers: map[string]string{"Idempotency-Key": "p-9"}, body: `{"body":"Hallo?"}`, status: 403},
			{name: "his view says why", method: "GET", path: conv(withAnna.ID), token: piet.token, status: 200,
				contains: []string{`"can_send":false`, `"closed":"blocked"`}},
			{name: "Bram is gone", method: "POST", path: conv(withBram.ID, "/messages"), token: piet.token,
				body: `{"body":"Ben je er nog?"}`, status: 410, contains: []string{`"code":"recipient_gone"`}},
			{name: "Piet's view of Bram", method: "GET", path: conv(withBram.ID), token: piet.token, status: 200,
				contains: []string{`"can_send":false`, `"closed":"removed"`, `"active":false`}},
			{name: "Mo blocked Piet: no new conversation", method: "POST", path: "/api/v1/conversations", token: piet.token,
				body: fmt.Sprintf(`{"user_id":%q,"body":"Hoi Mo"}`, mo.id), status: 404},
		})
		if n := e.count(t, "SELECT COUNT(*) FROM messages"); n != before {
			t.Fatalf("refused messages were written: %d, was %d", n, before)
		}
	})
}
