package account

import (
	"context"
	"errors"

	"github.com/noaber/noaber/internal/apperr"
	"github.com/noaber/noaber/internal/store"
)

// RequestPasswordReset e-mails a reset link when the address has an
// account. The answer is the same either way; mails are capped per address
// and per client.
func (s *Service) RequestPasswordReset(ctx context.Context, email, addr string) error {
	norm, ok := NormalizeEmail(email)
	if !ok {
		return apperr.Invalid(apperr.FieldError{Field: "email", Key: "account.email_invalid"})
	}
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		u, err := s.userByEmail(ctx, tx, norm)
		if errors.Is(err, store.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		if u.Status != StatusActive {
			return nil
		}
		if ok, err := s.allow(ctx, tx, map[limit]string{mailPerAccount: u.Email, mailPerAddr: addr}); err != nil || !ok {
			return err
		}
		now := s.now()
		// Only the newest link works.
		if _, err := tx.Exec(ctx, "UPDATE email_tokens SET used_at = ? WHERE user_id = ? AND purpose = 'reset' AND used_at IS NULL", now, u.ID); err != nil {
			return err
		}
		token, th := newToken()
		if _, err := tx.Exec(ctx, `INSERT INTO email_tokens (token_hash, user_id, purpose, email, created_at, expires_at)
			VALUES (?, ?, 'reset', ?, ?, ?)`, th, u.ID, u.Email, now, now.Add(resetTTL)); err != nil {
			return err
		}
		return s.enqueueMail(ctx, tx, u, u.Email, "reset", map[string]any{
			"Name": u.FirstName, "Link": s.opt.BaseURL + "/reset?token=" + token, "Minutes": int(resetTTL.Minutes()),
		})
	})
}

// CheckResetToken reports whether a reset link can still be used (to show
// the form, or a clear message instead).
func (s *Service) CheckResetToken(ctx context.Context, token string) error {
	var n int
	err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM email_tokens
		WHERE token_hash = ? AND purpose = 'reset' AND used_at IS NULL AND expires_at > ?`, hashToken(token), s.now()).Scan(&n)
	if err != nil {
		return err
	}
	if n == 0 {
		return linkInvalid()
	}
	return nil
}

// ResetPassword sets a new password with a reset link. The link works once;
// every session of the account ends, and the account's address counts as
// verified (the link proved it).
func (s *Service) ResetPassword(ctx context.Context, token, newPassword string) error {
	var c apperr.Collector
	checkPassword(&c, "password", newPassword)
	if err := c.Err(); err != nil {
		return err
	}
	if err := s.CheckResetToken(ctx, token); err != nil {
		return err
	}
	hash, err := s.hashPassword(newPassword)
	if err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		now := s.now()
		var userID string
		// Compare-and-set: of two uses at once, one wins.
		err := tx.QueryRow(ctx, `UPDATE email_tokens SET used_at = ?
			WHERE token_hash = ? AND purpose = 'reset' AND used_at IS NULL AND expires_at > ?
			RETURNING user_id`, now, hashToken(token), now).Scan(&userID)
		if errors.Is(err, store.ErrNotFound) {
			return linkInvalid()
		}
		if err != nil {
			return err
		}
		return s.setPassword(ctx, tx, userID, hash, true)
	})
}

// setPassword stores a new hash, ends all sessions and tells the owner.
func (s *Service) setPassword(ctx context.Context, tx *store.Tx, userID, hash string, verify bool) error {
	now := s.now()
	var verifiedAt any // NULL keeps the column as it is
	if verify {
		verifiedAt = now
	}
	if _, err := tx.Exec(ctx, "UPDATE users SET password_hash = ?, updated_at = ?, email_verified_at = COALESCE(email_verified_at, ?) WHERE id = ?",
		hash, now, verifiedAt, userID); err != nil {
		return err
	}
	if err := endSessions(ctx, tx, userID); err != nil {
		return err
	}
	u, err := s.userTx(ctx, tx, userID)
	if err != nil {
		return err
	}
	if err := s.forget(ctx, tx, loginPerAccount, u.Email); err != nil {
		return err
	}
	return s.enqueueMail(ctx, tx, u, u.Email, "password_changed", map[string]any{
		"Name": u.FirstName, "ResetLink": s.opt.BaseURL + "/forgot",
	})
}
