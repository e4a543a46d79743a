package notify

import (
	"context"
	"crypto/ecdh"
	"database/sql"
	"encoding/base64"
	"net"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/noaber/noaber/internal/account"
	"github.com/noaber/noaber/internal/apperr"
	"github.com/noaber/noaber/internal/store"
)

// MaxDevices is how many push subscriptions one user keeps; a new one
// beyond it replaces the oldest (browsers drop subscriptions silently,
// so old ones pile up).
const MaxDevices = 20

// maxEndpoint bounds the endpoint URL (real ones are 150 to 500 bytes).
const maxEndpoint = 1024

// Subscribe stores a push subscription for the user (an endpoint already
// stored moves to this user); it returns the device id.
//
// The endpoint must be an https URL, as every browser's push service is;
// http is accepted only for localhost, 127.0.0.1 and ::1, so tests can run
// a push service of their own. p256dh must be an uncompressed P-256 point
// (65 bytes) and auth 16 bytes, both base64url.
func (s *Service) Subscribe(ctx context.Context, u *account.User, in PushInput) (string, error) {
	var c apperr.Collector
	if !validEndpoint(in.Endpoint) {
		c.Add("endpoint", "notify.push_endpoint_invalid")
	}
	if b, ok := decodeKey(in.P256dh); !ok || len(b) != 65 {
		c.Add("p256dh", "notify.push_key_invalid")
	} else if _, err := ecdh.P256().NewPublicKey(b); err != nil {
		c.Add("p256dh", "notify.push_key_invalid")
	}
	if b, ok := decodeKey(in.Auth); !ok || len(b) != 16 {
		c.Add("auth", "notify.push_key_invalid")
	}
	if err := c.Err(); err != nil {
		return "", err
	}
	ua := strings.ToValidUTF8(strings.TrimSpace(in.UserAgent), "")
	for utf8.RuneCountInString(ua) > 300 {
		ua = string([]rune(ua)[:300])
	}
	now := s.now().UTC()
	var id string
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		// Moving to another user (someone else logs in on this browser)
		// starts the device afresh: its history was the other user's.
		err := tx.QueryRow(ctx, `INSERT INTO push_subscriptions (id, user_id, endpoint, p256dh, auth, user_agent, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (endpoint) DO UPDATE SET p256dh = excluded.p256dh, auth = excluded.auth,
				user_agent = excluded.user_agent, failures = 0, disabled_at = NULL,
				created_at = CASE WHEN push_subscriptions.user_id = excluded.user_id THEN push_subscriptions.created_at ELSE excluded.created_at END,
				last_success_at = CASE WHEN push_subscriptions.user_id = excluded.user_id THEN push_subscriptions.last_success_at ELSE NULL END,
				user_id = excluded.user_id
			RETURNING id`,
			uuid.Must(uuid.NewV7()).String(), u.ID, in.Endpoint, strings.TrimRight(in.P256dh, "="), strings.TrimRight(in.Auth, "="), ua, now).Scan(&id)
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `DELETE FROM push_subscriptions WHERE user_id = ? AND id NOT IN (
			SELECT id FROM push_subscriptions WHERE user_id = ? ORDER BY created_at DESC, id DESC LIMIT ?)`, u.ID, u.ID, MaxDevices)
		return err
	})
	return id, err
}

func validEndpoint(s string) bool {
	if s == "" || len(s) > maxEndpoint {
		return false
	}
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || u.User != nil || u.Fragment != "" {
		return false
	}
	switch u.Scheme {
	case "https":
		return true
	case "http":
		h := u.Hostname()
		if h == "localhost" {
			return true
		}
		ip := net.ParseIP(h)
		return ip != nil && ip.IsLoopback()
	}
	return false
}

// decodeKey decodes base64url with or without padding (browsers send it
// without; some libraries add it).
func decodeKey(s string) ([]byte, bool) {
	b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(s, "="))
	return b, err == nil
}

// Unsubscribe removes one of the user's devices (404 for anyone else's).
func (s *Service) Unsubscribe(ctx context.Context, u *account.User, deviceID string) error {
	res, err := s.db.Exec(ctx, "DELETE FROM push_subscriptions WHERE id = ? AND user_id = ?", deviceID, u.ID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return apperr.NotFound()
	}
	return nil
}

func (s *Service) devices(ctx context.Context, userID string) ([]Device, error) {
	rows, err := s.db.Query(ctx, `SELECT id, user_agent, created_at, disabled_at, failures
		FROM push_subscriptions WHERE user_id = ? ORDER BY created_at, id`, userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Device{}
	for rows.Next() {
		var d Device
		var disabled sql.NullTime
		if err := rows.Scan(&d.ID, &d.UserAgent, &d.CreatedAt, &disabled, &d.Failures); err != nil {
			return nil, err
		}
		d.CreatedAt, d.Disabled = d.CreatedAt.UTC(), disabled.Valid
		out = append(out, d)
	}
	return out, rows.Err()
}
