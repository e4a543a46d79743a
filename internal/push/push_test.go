package push_test

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"strings"
	"testing"

	"github.com/noaber/noaber/internal/push"
	"github.com/noaber/noaber/internal/testkit"
)

func newSender(t *testing.T) (*push.Sender, push.Keys) {
	t.Helper()
	keys, err := push.GenerateKeys()
	if err != nil {
		t.Fatal(err)
	}
	if err := keys.Check(); err != nil {
		t.Fatalf("fresh keys: %v", err)
	}
	return push.NewSender(keys, "mailto:beheer@noaber.test"), keys
}

func TestPushRoundTripDecryptsThePayload(t *testing.T) {
	s, keys := newSender(t)
	ep := testkit.NewPushEndpoint(t)
	ep.RequireKey(keys.Public)
	payload := []byte(`{"title":"Nieuw bericht van Anna","url":"/messages/abc","id":"n1"}`)
	err := s.Send(context.Background(), ep.Subscription(), push.Message{Topic: "abc-DEF_123", Urgency: "high", Payload: payload})
	if err != nil {
		t.Fatal(err)
	}
	got := ep.Pushes()
	if len(got) != 1 {
		t.Fatalf("%d pushes arrived, refused: %v", len(got), ep.Refused())
	}
	p := got[0]
	if string(p.Payload) != string(payload) {
		t.Errorf("payload %q, want %q", p.Payload, payload)
	}
	if p.Topic != "abc-DEF_123" || p.Urgency != "high" || p.TTL != push.DefaultTTL {
		t.Errorf("topic %q urgency %q TTL %d", p.Topic, p.Urgency, p.TTL)
	}
	// webpush-go would make "mailto:mailto:..." of a subject with the prefix.
	if p.Subject != "mailto:beheer@noaber.test" {
		t.Errorf("VAPID sub %q", p.Subject)
	}

	// A long payload (several kB) still fits one record and decrypts.
	long := []byte(`"` + strings.Repeat("é", 1500) + `"`)
	if err := s.Send(context.Background(), ep.Subscription(), push.Message{TTL: 60, Payload: long}); err != nil {
		t.Fatal(err)
	}
	if got := ep.Pushes(); len(got) != 2 || string(got[1].Payload) != string(long) || got[1].TTL != 60 {
		t.Errorf("long payload did not arrive intact")
	}
}

func TestPushWithWrongKeysIsRefused(t *testing.T) {
	s, keys := newSender(t)
	ep := testkit.NewPushEndpoint(t)
	ep.RequireKey(keys.Public)

	// A wrong auth secret: the endpoint cannot decrypt, and refuses.
	sub := ep.Subscription()
	secret := make([]byte, 16)
	rand.Read(secret)
	sub.Auth = base64.RawURLEncoding.EncodeToString(secret)
	err := s.Send(context.Background(), sub, push.Message{Payload: []byte(`{}`)})
	if err == nil || !push.IsPermanent(err) || errors.Is(err, push.ErrGone) {
		t.Fatalf("wrong auth secret: %v, want a permanent refusal", err)
	}
	if r := ep.Refused(); len(r) != 1 || !strings.Contains(r[0].Error(), "decrypt") {
		t.Errorf("refused: %v", r)
	}

	// Signed with other VAPID keys than the subscription was made with.
	other, _ := newSender(t)
	if err := other.Send(context.Background(), ep.Subscription(), push.Message{Payload: []byte(`{}`)}); !push.IsPermanent(err) {
		t.Errorf("other VAPID key: %v", err)
	}
	if len(ep.Pushes()) != 0 {
		t.Errorf("%d pushes were accepted", len(ep.Pushes()))
	}
}

func TestPushErrors(t *testing.T) {
	s, _ := newSender(t)
	ep := testkit.NewPushEndpoint(t)
	ctx := context.Background()
	msg := push.Message{Payload: []byte(`{}`)}

	ep.Answer(410, 1)
	if err := s.Send(ctx, ep.Subscription(), msg); !errors.Is(err, push.ErrGone) {
		t.Errorf("410: %v, want ErrGone", err)
	}
	ep.Answer(404, 1)
	if err := s.Send(ctx, ep.Subscription(), msg); !errors.Is(err, push.ErrGone) {
		t.Errorf("404: %v, want ErrGone", err)
	}
	ep.Answer(500, 1)
	if err := s.Send(ctx, ep.Subscription(), msg); err == nil || push.IsPermanent(err) {
		t.Errorf("500: %v, want a temporary error", err)
	}
	ep.Answer(429, 1)
	if err := s.Send(ctx, ep.Subscription(), msg); err == nil || push.IsPermanent(err) {
		t.Errorf("429: %v, want a temporary error", err)
	}
	ep.Answer(413, 1)
	if err := s.Send(ctx, ep.Subscription(), msg); !push.IsPermanent(err) || errors.Is(err, push.ErrGone) {
		t.Errorf("413: %v, want a permanent error", err)
	}
	// Nobody listening: temporary.
	sub := ep.Subscription()
	sub.Endpoint = "http://127.0.0.1:1/push/x"
	if err := s.Send(ctx, sub, msg); err == nil || push.IsPermanent(err) {
		t.Errorf("connection refused: %v, want a temporary error", err)
	}
	// A browser key that is not a point: permanent, nothing sent.
	sub = ep.Subscription()
	sub.P256dh = base64.RawURLEncoding.EncodeToString(make([]byte, 65))
	if err := s.Send(ctx, sub, msg); !push.IsPermanent(err) {
		t.Errorf("bad p256dh: %v, want a permanent error", err)
	}
	// After the failures, it works again.
	if err := s.Send(ctx, ep.Subscription(), msg); err != nil {
		t.Errorf("after the failures: %v", err)
	}
	if n := len(ep.Pushes()); n != 1 {
		t.Errorf("%d pushes kept, want 1", n)
	}
}

func TestKeysCheck(t *testing.T) {
	a, _ := push.GenerateKeys()
	b, _ := push.GenerateKeys()
	if err := (push.Keys{Public: a.Public, Private: b.Private}).Check(); err == nil {
		t.Error("mismatched keys passed")
	}
	if err := (push.Keys{Public: a.Public, Private: "!!"}).Check(); err == nil {
		t.Error("a private key that is not base64url passed")
	}
}
