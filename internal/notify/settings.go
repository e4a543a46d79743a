package notify

import (
	"context"
	"time"

	"log/slog"

	"github.com/noaber/noaber/internal/account"
	"github.com/noaber/noaber/internal/jobs"
	"github.com/noaber/noaber/internal/push"
)

// Pref is which channels a user wants for one kind of notification. In-app
// is always on.
type Pref struct {
	Kind  string
	Email bool
	Push  bool
}

// Device is one browser or phone that gets push notifications.
type Device struct {
	ID        string
	UserAgent string
	CreatedAt time.Time
	Disabled  bool // turned off after failing too often
	Failures  int
}

// Settings is a user's notification settings as the settings page shows
// them.
type Settings struct {
	Prefs      []Pref // one per kind the user can get, in Kinds order
	QuietStart string // "21:00": no push or e-mail from then ...
	QuietEnd   string // ... until "08:00" (the same quiet hours as invitations)
	// EmailVerified: notification e-mails go only to a verified address.
	EmailVerified bool
	// EmailDisabled: the address failed too often; EmailDisabledAt is when.
	EmailDisabled   bool
	EmailDisabledAt time.Time
	Devices         []Device
}

// SettingsInput changes a user's notification settings.
type SettingsInput struct {
	Prefs      []Pref
	QuietStart string
	QuietEnd   string
}

// PushInput is a browser's push subscription (PushSubscription.toJSON()).
type PushInput struct {
	Endpoint  string
	P256dh    string
	Auth      string
	UserAgent string
}

// Settings returns the user's notification settings.
func (s *Service) Settings(ctx context.Context, u *account.User) (*Settings, error) {
	return nil, errTodo
}

// SaveSettings saves them (422 for unknown kinds or bad times).
func (s *Service) SaveSettings(ctx context.Context, u *account.User, in SettingsInput) error {
	return errTodo
}

// RetryEmail turns notification e-mail on again after the address was
// disabled for failing.
func (s *Service) RetryEmail(ctx context.Context, u *account.User) error {
	return errTodo
}

// Subscribe stores a push subscription for the user (an endpoint already
// stored moves to this user); it returns the device id.
func (s *Service) Subscribe(ctx context.Context, u *account.User, in PushInput) (string, error) {
	return "", errTodo
}

// Unsubscribe removes one of the user's devices (404 for anyone else's).
func (s *Service) Unsubscribe(ctx context.Context, u *account.User, deviceID string) error {
	return errTodo
}

// VAPIDPublicKey is the application server key browsers subscribe with
// (base64url, uncompressed P-256 point); "" when push is off.
func (s *Service) VAPIDPublicKey() string { return "" }

// UnsubscribeInfo checks an unsubscribe token from an e-mail and says
// which kind it turns off, for the confirmation page (404 when invalid).
func (s *Service) UnsubscribeInfo(ctx context.Context, token string) (kind string, err error) {
	return "", errTodo
}

// UnsubscribeByToken turns e-mail off for the token's user and kind (RFC
// 8058 one-click: no session needed). Using it twice is fine.
func (s *Service) UnsubscribeByToken(ctx context.Context, token string) (kind string, err error) {
	return "", errTodo
}

// DeliveryOptions configure delivery by push and e-mail.
type DeliveryOptions struct {
	Queue *jobs.Queue
	// Push sends web pushes; nil turns push off. VAPIDPublicKey goes with it.
	Push           *push.Sender
	VAPIDPublicKey string
	BaseURL        string // for links in e-mails and pushes
	SecretKey      []byte // signs unsubscribe links
	// DigestDelay is how long message e-mails wait to be sent as one
	// digest (default 15 minutes).
	DigestDelay time.Duration
	Logger      *slog.Logger
}

// Deliver registers the delivery jobs on opt.Queue: each notification's
// push and e-mail (respecting the user's choices and quiet hours), the
// message digest, and the periodic warning about requests that expire.
func (s *Service) Deliver(opt DeliveryOptions) {}
