package account

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"time"

	"github.com/noaber/noaber/internal/store"
)

// limit is a sliding-window rate limit kept in the database, so that every
// instance behind a load balancer counts the same events.
type limit struct {
	name   string
	max    int
	window time.Duration
}

var (
	loginPerAccount = limit{"login-account", 5, 15 * time.Minute}
	loginPerAddr    = limit{"login-addr", 30, 15 * time.Minute}
	signupPerAddr   = limit{"signup-addr", 20, time.Hour}
	mailPerAccount  = limit{"mail-account", 5, time.Hour}
	mailPerAddr     = limit{"mail-addr", 30, time.Hour}
)

// key hides the subject (an e-mail or client address) behind an HMAC: the
// table must not become a list of who tried to log in from where.
func (s *Service) key(l limit, subject string) string {
	m := hmac.New(sha256.New, s.opt.SecretKey)
	m.Write([]byte(subject))
	return l.name + ":" + hex.EncodeToString(m.Sum(nil)[:16])
}

// exceeded reports whether subject used up l, and when the oldest counted
// event leaves the window.
func (s *Service) exceeded(ctx context.Context, q store.Querier, l limit, subject string) (bool, time.Duration, error) {
	now := s.now()
	rows, err := q.Query(ctx, "SELECT at FROM rate_events WHERE key = ? AND at > ? ORDER BY at LIMIT ?",
		s.key(l, subject), now.Add(-l.window), l.max)
	if err != nil {
		return false, 0, err
	}
	defer rows.Close()
	var first time.Time
	n := 0
	for rows.Next() {
		var at time.Time
		if err := rows.Scan(&at); err != nil {
			return false, 0, err
		}
		if n == 0 {
			first = at
		}
		n++
	}
	if err := rows.Err(); err != nil {
		return false, 0, err
	}
	if n < l.max {
		return false, 0, nil
	}
	return true, first.Add(l.window).Sub(now), nil
}

func (s *Service) record(ctx context.Context, q store.Querier, l limit, subject string) error {
	_, err := q.Exec(ctx, "INSERT INTO rate_events (key, at) VALUES (?, ?)", s.key(l, subject), s.now())
	return err
}

func (s *Service) forget(ctx context.Context, q store.Querier, l limit, subject string) error {
	_, err := q.Exec(ctx, "DELETE FROM rate_events WHERE key = ?", s.key(l, subject))
	return err
}

// allow records an event for each limit and reports false when any of them
// was already used up (used for e-mails, which are dropped silently).
func (s *Service) allow(ctx context.Context, tx *store.Tx, subjects map[limit]string) (bool, error) {
	for l, subj := range subjects {
		over, _, err := s.exceeded(ctx, tx, l, subj)
		if err != nil || over {
			return false, err
		}
	}
	for l, subj := range subjects {
		if err := s.record(ctx, tx, l, subj); err != nil {
			return false, err
		}
	}
	return true, nil
}

// Cleanup deletes what has expired: sessions, e-mail links and rate-limit
// events. A periodic job calls it.
func (s *Service) Cleanup(ctx context.Context) error {
	now := s.now()
	for _, c := range []struct {
		query string
		cut   time.Time
	}{
		{"DELETE FROM sessions WHERE expires_at < ?", now},
		{"DELETE FROM email_tokens WHERE expires_at < ?", now},
		// The longest rate-limit window is an hour; a day keeps a margin.
		{"DELETE FROM rate_events WHERE at < ?", now.Add(-24 * time.Hour)},
	} {
		if _, err := s.db.Exec(ctx, c.query, c.cut); err != nil {
			return err
		}
	}
	return nil
}

func newToken() (token, hash string) {
	b := make([]byte, 32)
	randRead(b)
	token = b64url.EncodeToString(b)
	return token, hashToken(token)
}

func hashToken(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}
