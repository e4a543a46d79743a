// Package push sends Web Push messages (RFC 8030) with VAPID (RFC 8292)
// and an encrypted payload (RFC 8291, aes128gcm).
//
// The signing and the encryption are github.com/SherClockHolmes/webpush-go:
// both are easy to get subtly wrong, and a wrong one fails only in a real
// browser. This package adds what Noaber needs around it: errors sorted
// into gone, permanent and temporary, a bounded HTTP client, and keys in
// one form.
package push

import (
	"context"
	"crypto/ecdh"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	webpush "github.com/SherClockHolmes/webpush-go"
)

// Keys is a VAPID key pair, base64url without padding: Public is the
// uncompressed P-256 point browsers subscribe with, Private the scalar.
type Keys struct {
	Public  string
	Private string
}

// GenerateKeys makes a new VAPID key pair.
func GenerateKeys() (Keys, error) {
	k, err := ecdh.P256().GenerateKey(rand.Reader)
	if err != nil {
		return Keys{}, fmt.Errorf("push: generate VAPID keys: %w", err)
	}
	return Keys{
		Public:  base64.RawURLEncoding.EncodeToString(k.PublicKey().Bytes()),
		Private: base64.RawURLEncoding.EncodeToString(k.Bytes()),
	}, nil
}

// Check reports what is wrong with k (a key that is not a P-256 key pair),
// so a misconfigured server fails at start instead of at its first push.
func (k Keys) Check() error {
	priv, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(k.Private, "="))
	if err != nil {
		return fmt.Errorf("push: VAPID private key is not base64url: %w", err)
	}
	key, err := ecdh.P256().NewPrivateKey(priv)
	if err != nil {
		return fmt.Errorf("push: VAPID private key: %w", err)
	}
	if base64.RawURLEncoding.EncodeToString(key.PublicKey().Bytes()) != strings.TrimRight(k.Public, "=") {
		return errors.New("push: the VAPID public key does not belong to the private key")
	}
	return nil
}

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
	// At most 32 characters of the base64url alphabet.
	Topic   string
	TTL     int    // seconds the push service keeps it (default 1 day)
	Urgency string // "very-low", "low", "normal" (default), "high"
	Payload []byte // JSON for the service worker
}

// DefaultTTL is how long a push service keeps a push for a device that is
// offline, when Message.TTL is 0.
const DefaultTTL = 24 * 60 * 60

// ErrGone means the subscription no longer exists (404 or 410): forget it.
var ErrGone = errors.New("push: subscription gone")

// Sender sends pushes.
type Sender struct {
	keys    Keys
	subject string
	client  *http.Client
}

// Option changes a Sender.
type Option func(*Sender)

// WithHTTPClient makes the Sender use c (its timeouts, its transport).
func WithHTTPClient(c *http.Client) Option { return func(s *Sender) { s.client = c } }

// NewSender returns a Sender signing with keys; subject is a mailto: or
// https: address the push service can contact. Without WithHTTPClient it
// uses a client that gives up after 15 seconds: a slow push service must
// not hold a job worker.
func NewSender(keys Keys, subject string, opts ...Option) *Sender {
	s := &Sender{keys: keys, subject: subject, client: &http.Client{Timeout: 15 * time.Second}}
	for _, o := range opts {
		o(s)
	}
	return s
}

// PublicKey is the application server key browsers subscribe with.
func (s *Sender) PublicKey() string { return s.keys.Public }

// Send delivers m to sub. It returns ErrGone when the subscription is
// gone, an error IsPermanent reports for other refusals (4xx), and a
// temporary error otherwise.
func (s *Sender) Send(ctx context.Context, sub Subscription, m Message) error {
	ttl := m.TTL
	if ttl <= 0 {
		ttl = DefaultTTL
	}
	urgency := webpush.UrgencyNormal
	if m.Urgency != "" {
		urgency = webpush.Urgency(m.Urgency)
	}
	resp, err := webpush.SendNotificationWithContext(ctx, m.Payload, &webpush.Subscription{
		Endpoint: sub.Endpoint,
		Keys:     webpush.Keys{P256dh: sub.P256dh, Auth: sub.Auth},
	}, &webpush.Options{
		HTTPClient: s.client,
		// webpush-go puts "mailto:" in front of anything that is not an
		// https: URL, so it gets the address without it.
		Subscriber:      strings.TrimPrefix(s.subject, "mailto:"),
		Topic:           m.Topic,
		TTL:             ttl,
		Urgency:         urgency,
		VAPIDPublicKey:  s.keys.Public,
		VAPIDPrivateKey: s.keys.Private,
	})
	if err != nil {
		if resp != nil {
			resp.Body.Close()
		}
		if resp == nil && isRequestError(err) {
			// Bad keys or a payload too large: no retry can fix that.
			return &permanentError{fmt.Errorf("push: to %s: %w", origin(sub.Endpoint), err)}
		}
		return fmt.Errorf("push: to %s: %w", origin(sub.Endpoint), err)
	}
	defer resp.Body.Close()
	// Read a little of the answer: it explains a refusal, and reading it
	// lets the connection be reused.
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	switch code := resp.StatusCode; {
	case code >= 200 && code < 300:
		return nil
	case code == http.StatusNotFound || code == http.StatusGone:
		return fmt.Errorf("%w (%s answered %d)", ErrGone, origin(sub.Endpoint), code)
	case code == http.StatusTooManyRequests || code == http.StatusRequestTimeout:
		return fmt.Errorf("push: %s answered %d: %s", origin(sub.Endpoint), code, strings.TrimSpace(string(body)))
	case code >= 400 && code < 500:
		return &permanentError{fmt.Errorf("push: %s refused with %d: %s", origin(sub.Endpoint), code, strings.TrimSpace(string(body)))}
	default:
		return fmt.Errorf("push: %s answered %d: %s", origin(sub.Endpoint), code, strings.TrimSpace(string(body)))
	}
}

// isRequestError tells errors of building the request (keys that do not
// decode, a payload that does not fit) from those of sending it: the HTTP
// client wraps every failure to send in a *url.Error.
func isRequestError(err error) bool {
	var ue *url.Error
	return !errors.As(err, &ue)
}

// origin is the endpoint without its path: the path is the browser's
// secret address, not for logs.
func origin(endpoint string) string {
	if i := strings.Index(endpoint, "://"); i >= 0 {
		if j := strings.IndexByte(endpoint[i+3:], '/'); j >= 0 {
			return endpoint[:i+3+j]
		}
	}
	return endpoint
}

// permanentError marks a refusal that a retry cannot fix.
type permanentError struct{ err error }

func (e *permanentError) Error() string { return e.err.Error() }
func (e *permanentError) Unwrap() error { return e.err }

// IsPermanent reports whether err is a refusal a retry cannot fix (ErrGone
// is one too).
func IsPermanent(err error) bool {
	var p *permanentError
	return errors.As(err, &p) || errors.Is(err, ErrGone)
}
