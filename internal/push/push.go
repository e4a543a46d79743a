// Package push sends Web Push messages (RFC 8030) with VAPID (RFC 8292)
// and an encrypted payload (RFC 8291, aes128gcm).
package push

import (
	"context"
	"errors"
)

// Keys is a VAPID key pair, base64url without padding: Public is the
// uncompressed P-256 point browsers subscribe with, Private the scalar.
type Keys struct {
	Public  string
	Private string
}

// GenerateKeys makes a new VAPID key pair.
func GenerateKeys() (Keys, error) { return Keys{}, errors.New("push: not implemented") }

// Subscription is where one browser receives pushes.
type Subscription struct {
	Endpoint string
	P256dh   string // the browser's public key, base64url
	Auth     string // the browser's auth secret, base64url
}

// Message is one push.
type Message struct {
	// Topic lets the push service replace an undelivered push with the
	// same topic (RFC 8030 5.4): the idempotency key of a retried push.
	Topic   string
	TTL     int    // seconds the push service keeps it (default 1 day)
	Urgency string // "very-low", "low", "normal" (default), "high"
	Payload []byte // JSON for the service worker
}

// ErrGone means the subscription no longer exists (404 or 410): forget it.
var ErrGone = errors.New("push: subscription gone")

// Sender sends pushes.
type Sender struct{}

// NewSender returns a Sender signing with keys; subject is a mailto: or
// https: address the push service can contact.
func NewSender(keys Keys, subject string) *Sender { return &Sender{} }

// Send delivers m to sub. It returns ErrGone when the subscription is
// gone, an error IsPermanent reports for other refusals (4xx), and a
// temporary error otherwise.
func (s *Sender) Send(ctx context.Context, sub Subscription, m Message) error {
	return errors.New("push: not implemented")
}

// IsPermanent reports whether err is a refusal a retry cannot fix.
func IsPermanent(err error) bool { return false }
