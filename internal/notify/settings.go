package notify

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"time"

	"log/slog"

	"github.com/noaber/noaber/internal/account"
	"github.com/noaber/noaber/internal/apperr"
	"github.com/noaber/noaber/internal/help"
	"github.com/noaber/noaber/internal/jobs"
	"github.com/noaber/noaber/internal/push"
	"github.com/noaber/noaber/internal/store"
)

// Pref is which channels a user wants for one kind of notification. In-app
// is always on.
type Pref struct {
	Kind  string
	Email bool
	Push  bool
}

// DefaultPref is the choice for kind of a user who made none: push for
// everything, e-mail for everything but a withdrawn invitation (it only
// says "no longer needed", which the app shows well enough).
func DefaultPref(kind string) Pref {
	return Pref{Kind: kind, Email: kind != InvitationWithdrawn, Push: true}
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

// kindsFor lists the kinds u can get: escalations go only to people who
// coordinate somewhere (or a platform admin), so only they see the choice.
func (s *Service) kindsFor(ctx context.Context, u *account.User) ([]string, error) {
	if u.Role == account.RoleAdmin {
		return Kinds, nil
	}
	var n int
	err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM edition_roles WHERE user_id = ? AND role = ? LIMIT 1) x`,
		u.ID, account.RoleCoordinator).Scan(&n)
	if err != nil {
		return nil, err
	}
	if n > 0 {
		return Kinds, nil
	}
	return slices.DeleteFunc(slices.Clone(Kinds), func(k string) bool { return k == Escalation }), nil
}

// Settings returns the user's notification settings.
func (s *Service) Settings(ctx context.Context, u *account.User) (*Settings, error) {
	kinds, err := s.kindsFor(ctx, u)
	if err != nil {
		return nil, err
	}
	stored := map[string]Pref{}
	rows, err := s.db.Query(ctx, "SELECT kind, email, push FROM notification_prefs WHERE user_id = ?", u.ID)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var p Pref
		if err := rows.Scan(&p.Kind, &p.Email, &p.Push); err != nil {
			rows.Close()
			return nil, err
		}
		stored[p.Kind] = p
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := &Settings{}
	for _, k := range kinds {
		p, ok := stored[k]
		if !ok {
			p = DefaultPref(k)
		}
		out.Prefs = append(out.Prefs, p)
	}
	qs, qe, err := help.QuietHours(ctx, s.db, u.ID)
	if err != nil {
		return nil, err
	}
	out.QuietStart, out.QuietEnd = clock(qs), clock(qe)
	var verified, disabled sql.NullTime
	if err := s.db.QueryRow(ctx, "SELECT email_verified_at, email_disabled_at FROM users WHERE id = ?", u.ID).
		Scan(&verified, &disabled); err != nil {
		return nil, err
	}
	out.EmailVerified, out.EmailDisabled = verified.Valid, disabled.Valid
	if disabled.Valid {
		out.EmailDisabledAt = disabled.Time.UTC()
	}
	out.Devices, err = s.devices(ctx, u.ID)
	return out, err
}

func clock(min int) string { return fmt.Sprintf("%02d:%02d", min/60, min%60) }

// SaveSettings saves them (422 for unknown kinds or bad times). A kind
// the input leaves out keeps its choice.
func (s *Service) SaveSettings(ctx context.Context, u *account.User, in SettingsInput) error {
	kinds, err := s.kindsFor(ctx, u)
	if err != nil {
		return err
	}
	var c apperr.Collector
	for _, p := range in.Prefs {
		if !slices.Contains(kinds, p.Kind) {
			c.Add("prefs", "notify.kind_unknown")
		}
	}
	if err := c.Err(); err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		// The times first: their errors (422 on quiet_start, quiet_end)
		// roll the whole change back.
		if err := help.SetQuietHours(ctx, tx, u.ID, in.QuietStart, in.QuietEnd, s.now()); err != nil {
			return err
		}
		for _, p := range in.Prefs {
			if _, err := tx.Exec(ctx, `INSERT INTO notification_prefs (user_id, kind, email, push) VALUES (?, ?, ?, ?)
				ON CONFLICT (user_id, kind) DO UPDATE SET email = excluded.email, push = excluded.push`,
				u.ID, p.Kind, p.Email, p.Push); err != nil {
				return err
			}
		}
		return nil
	})
}

// RetryEmail turns notification e-mail on again after the address was
// disabled for failing.
func (s *Service) RetryEmail(ctx context.Context, u *account.User) error {
	_, err := s.db.Exec(ctx, "UPDATE users SET email_failures = 0, email_disabled_at = NULL WHERE id = ?", u.ID)
	return err
}

// VAPIDPublicKey is the application server key browsers subscribe with
// (base64url, uncompressed P-256 point); "" when push is off.
func (s *Service) VAPIDPublicKey() string {
	if s.opt.Push == nil {
		return ""
	}
	if s.opt.VAPIDPublicKey != "" {
		return s.opt.VAPIDPublicKey
	}
	return s.opt.Push.PublicKey()
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

// DefaultDigestDelay is DeliveryOptions.DigestDelay when it is 0.
const DefaultDigestDelay = 15 * time.Minute
