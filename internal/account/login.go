package account

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"time"
	_ "time/tzdata" // Europe/Amsterdam on hosts without a zoneinfo database

	"github.com/noaber/noaber/internal/apperr"
	"github.com/noaber/noaber/internal/store"
)

// Session lifetimes; a session used within its lifetime is extended.
const (
	webSessionTTL = 30 * 24 * time.Hour
	apiSessionTTL = 90 * 24 * time.Hour
	touchEvery    = time.Hour // write last_seen_at at most this often
)

// dummyHash is checked when an address has no account, so that a login
// takes as long for an unknown address as for a wrong password.
var (
	dummyOnce sync.Once
	dummyHash string
)

func (s *Service) dummy() string {
	dummyOnce.Do(func() { dummyHash, _ = s.hashPassword("not a real password") })
	return dummyHash
}

func errLoginFailed() error {
	return apperr.New(http.StatusUnauthorized, "login_failed", "account.login_failed")
}

// suspendedFormat is how a suspension's end shows in the message, in
// Amsterdam time: day-month-year as Dutch readers write it.
const suspendedFormat = "2-1-2006 15:04"

// Amsterdam is the time zone of every date and time people read or type
// (and of quiet hours and parts of the day, for the dispatcher), loaded
// once here, where every package that shows or takes a time can reach it.
var Amsterdam = func() *time.Location {
	l, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		panic("account: no time zone Europe/Amsterdam: " + err.Error())
	}
	return l
}()

// errSuspended is the answer to the right password of a suspended account.
func errSuspended(until time.Time) error {
	if until.IsZero() {
		return apperr.New(http.StatusForbidden, "account_suspended", "account.suspended_indefinitely")
	}
	return apperr.New(http.StatusForbidden, "account_suspended", "account.suspended_until",
		"until", until.In(Amsterdam).Format(suspendedFormat))
}

// Login checks an e-mail address and password and starts a session. Too
// many failures for one account or from one address lock logins for a
// while, with a message that says for how long.
func (s *Service) Login(ctx context.Context, email, password, addr, userAgent string, kind SessionKind) (string, *User, error) {
	norm, ok := NormalizeEmail(email)
	if !ok || password == "" {
		var c apperr.Collector
		if !ok {
			c.Add("email", "account.email_invalid")
		}
		if password == "" {
			c.Add("password", "account.password_required")
		}
		return "", nil, c.Err()
	}
	for _, l := range []struct {
		l    limit
		subj string
	}{{loginPerAccount, norm}, {loginPerAddr, addr}} {
		over, wait, err := s.exceeded(ctx, s.db, l.l, l.subj)
		if err != nil {
			return "", nil, err
		}
		if over {
			return "", nil, apperr.RateLimited("account.login_rate_limited", "minutes", minutes(wait))
		}
	}
	var hash string
	u, err := scanUser(s.db.QueryRow(ctx, "SELECT "+userColumns+", password_hash FROM users WHERE email = ?", norm), &hash)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return "", nil, err
	}
	if u == nil {
		checkPasswordHash(s.dummy(), password)
	}
	// The hash is checked in every branch, so the time taken tells nothing.
	right := u != nil && checkPasswordHash(hash, password)
	if right && u.Status == StatusSuspended {
		// The password was right: saying that the account is suspended,
		// and until when, reveals nothing to someone who knows it. A
		// removed account looks like no account at all.
		return "", nil, errSuspended(u.SuspendedUntil)
	}
	if !right || u.Status != StatusActive {
		err := s.db.InTx(ctx, func(tx *store.Tx) error {
			if err := s.record(ctx, tx, loginPerAccount, norm); err != nil {
				return err
			}
			return s.record(ctx, tx, loginPerAddr, addr)
		})
		if err != nil {
			return "", nil, err
		}
		return "", nil, errLoginFailed()
	}
	if !u.EmailVerified {
		// The password was right, so saying this reveals nothing new.
		_ = s.ResendVerification(ctx, u.Email, addr)
		return "", nil, apperr.New(http.StatusForbidden, "email_not_verified", "account.email_not_verified")
	}
	token, th := newToken()
	now := s.now()
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		if err := s.forget(ctx, tx, loginPerAccount, norm); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO sessions (token_hash, user_id, kind, created_at, last_seen_at, expires_at, user_agent)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, th, u.ID, string(kind), now, now, now.Add(sessionTTL(kind)), truncate(userAgent, 200))
		return err
	})
	if err != nil {
		return "", nil, err
	}
	return token, u, loadLists(ctx, s.db, u)
}

func sessionTTL(k SessionKind) time.Duration {
	if k == APISession {
		return apiSessionTTL
	}
	return webSessionTTL
}

// SessionTTL is how long a new session of kind lasts (for cookie Max-Age).
func SessionTTL(k SessionKind) time.Duration { return sessionTTL(k) }

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// Authenticate returns the user of a session token of the given kind, and
// an unauthorized *apperr.Error for an unknown, expired or other-kind token
// or an account that is no longer active.
func (s *Service) Authenticate(ctx context.Context, token string, kind SessionKind) (*User, error) {
	if token == "" || len(token) > 100 {
		return nil, apperr.Unauthorized()
	}
	th := hashToken(token)
	now := s.now()
	var lastSeen time.Time
	var outdated, warned bool
	// One query on every request: the session, the user, whether their
	// edition has newer house rules and whether a warning waits (an index
	// lookup on warnings_pending, which holds only unacknowledged ones).
	u, err := scanUser(s.db.QueryRow(ctx, `SELECT `+prefixed("u.", userColumns)+`, s.last_seen_at,
		u.rules_version < e.rules_version,
		EXISTS (SELECT 1 FROM warnings w WHERE w.user_id = u.id AND w.acknowledged_at IS NULL)
		FROM sessions s JOIN users u ON u.id = s.user_id JOIN editions e ON e.id = u.edition_id
		WHERE s.token_hash = ? AND s.kind = ? AND s.expires_at > ?`, th, string(kind), now), &lastSeen, &outdated, &warned)
	if errors.Is(err, store.ErrNotFound) {
		return nil, apperr.Unauthorized()
	}
	if err != nil {
		return nil, err
	}
	if u.Status != StatusActive {
		return nil, apperr.Unauthorized()
	}
	u.RulesOutdated, u.WarningPending = outdated, warned
	if now.Sub(lastSeen) > touchEvery {
		if _, err := s.db.Exec(ctx, "UPDATE sessions SET last_seen_at = ?, expires_at = ? WHERE token_hash = ?",
			now, now.Add(sessionTTL(kind)), th); err != nil {
			return nil, err
		}
	}
	return u, loadLists(ctx, s.db, u)
}

// Logout ends the session of token.
func (s *Service) Logout(ctx context.Context, token string) error {
	_, err := s.db.Exec(ctx, "DELETE FROM sessions WHERE token_hash = ?", hashToken(token))
	return err
}

// LogoutEverywhere ends every session of the user, in browsers and apps.
func (s *Service) LogoutEverywhere(ctx context.Context, userID string) error {
	return endSessions(ctx, s.db, userID)
}

// endSessions signs the user out everywhere, in q: on logout everywhere,
// a password change or reset, a suspension or removal.
func endSessions(ctx context.Context, q store.Querier, userID string) error {
	_, err := q.Exec(ctx, "DELETE FROM sessions WHERE user_id = ?", userID)
	return err
}
