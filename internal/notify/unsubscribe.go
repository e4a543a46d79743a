package notify

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"slices"
	"strings"

	"github.com/noaber/noaber/internal/apperr"
	"github.com/noaber/noaber/internal/store"
)

// An unsubscribe link (RFC 8058 one-click, and the link in the footer of
// each notification e-mail) carries a token: base64url of "1:user:kind"
// (1 is the format version), a dot, and the first 16 bytes of its
// HMAC-SHA256 under the secret key, base64url. It does not expire: a mail
// read a year later must still unsubscribe. It only turns an e-mail kind
// off, so a leaked token can do no more than that; rotating the secret
// key invalidates every token.

const tokenVersion = "1"

// tokenMAC is the token's signature; the prefix keeps it from meaning
// anything to other users of the same secret key.
func tokenMAC(key []byte, payload string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("noaber notify unsubscribe\x00"))
	m.Write([]byte(payload))
	return m.Sum(nil)[:16]
}

// UnsubscribeToken returns the token that turns off e-mail of kind for the
// user, for links in e-mails.
func (s *Service) UnsubscribeToken(userID, kind string) string {
	payload := tokenVersion + ":" + userID + ":" + kind
	return base64.RawURLEncoding.EncodeToString([]byte(payload)) + "." +
		base64.RawURLEncoding.EncodeToString(tokenMAC(s.opt.SecretKey, payload))
}

// parseToken returns the user and kind of a valid token.
func (s *Service) parseToken(token string) (userID, kind string, ok bool) {
	if len(s.opt.SecretKey) == 0 || len(token) > 300 {
		return "", "", false
	}
	p, m, found := strings.Cut(token, ".")
	if !found {
		return "", "", false
	}
	payload, err := base64.RawURLEncoding.DecodeString(p)
	if err != nil {
		return "", "", false
	}
	mac, err := base64.RawURLEncoding.DecodeString(m)
	if err != nil || !hmac.Equal(mac, tokenMAC(s.opt.SecretKey, string(payload))) {
		return "", "", false
	}
	parts := strings.Split(string(payload), ":")
	if len(parts) != 3 || parts[0] != tokenVersion || !slices.Contains(Kinds, parts[2]) {
		return "", "", false
	}
	return parts[1], parts[2], true
}

// UnsubscribeInfo checks an unsubscribe token from an e-mail and says
// which kind it turns off, for the confirmation page (404 when invalid).
func (s *Service) UnsubscribeInfo(ctx context.Context, token string) (kind string, err error) {
	userID, kind, ok := s.parseToken(token)
	if !ok {
		return "", apperr.NotFound()
	}
	var one int
	err = s.db.QueryRow(ctx, "SELECT 1 FROM users WHERE id = ?", userID).Scan(&one)
	if errors.Is(err, store.ErrNotFound) {
		return "", apperr.NotFound()
	}
	return kind, err
}

// UnsubscribeByToken turns e-mail off for the token's user and kind (RFC
// 8058 one-click: no session needed). Using it twice is fine.
func (s *Service) UnsubscribeByToken(ctx context.Context, token string) (kind string, err error) {
	if kind, err = s.UnsubscribeInfo(ctx, token); err != nil {
		return "", err
	}
	userID, _, _ := s.parseToken(token)
	// Push keeps its choice (the default when none was made).
	_, err = s.db.Exec(ctx, `INSERT INTO notification_prefs (user_id, kind, email, push) VALUES (?, ?, FALSE, ?)
		ON CONFLICT (user_id, kind) DO UPDATE SET email = FALSE`, userID, kind, DefaultPref(kind).Push)
	return kind, err
}
