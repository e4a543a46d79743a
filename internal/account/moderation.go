package account

import (
	"context"
	"net/http"
	"time"

	"github.com/noaber/noaber/internal/apperr"
	"github.com/noaber/noaber/internal/store"
)

// What moderation (internal/moderation) does to an account, inside the
// transaction of its action. Each also ends every session of the user,
// so a suspended or removed user is signed out at once.

func errRemoved() error {
	return apperr.New(http.StatusConflict, "account_removed", "account.account_removed")
}

// status reads the user's status in tx: 404 for no such user.
func status(ctx context.Context, tx *store.Tx, userID string) (string, error) {
	var st string
	if err := tx.QueryRow(ctx, "SELECT status FROM users WHERE id = ?", userID).Scan(&st); err != nil {
		return "", notFound(err)
	}
	return st, nil
}

// Suspend suspends the user until a moment (nil: indefinitely). A removed
// account stays closed (409 "account_removed").
func Suspend(ctx context.Context, tx *store.Tx, userID string, until *time.Time, now time.Time) error {
	st, err := status(ctx, tx, userID)
	if err != nil {
		return err
	}
	if st == StatusRemoved {
		return errRemoved()
	}
	var end any
	if until != nil {
		end = until.UTC()
	}
	if _, err := tx.Exec(ctx, "UPDATE users SET status = ?, suspended_until = ?, updated_at = ? WHERE id = ?",
		StatusSuspended, end, now.UTC(), userID); err != nil {
		return err
	}
	return endSessions(ctx, tx, userID)
}

// Close closes a removed user's account (status removed). Their data stays
// for the audit log and the retention rules; nothing of it is shown.
func Close(ctx context.Context, tx *store.Tx, userID string, now time.Time) error {
	if _, err := status(ctx, tx, userID); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, "UPDATE users SET status = ?, suspended_until = NULL, updated_at = ? WHERE id = ?",
		StatusRemoved, now.UTC(), userID); err != nil {
		return err
	}
	return endSessions(ctx, tx, userID)
}

// Reinstate makes a suspended user active again (a removed account stays
// closed: 409 "account_removed").
func Reinstate(ctx context.Context, tx *store.Tx, userID string, now time.Time) error {
	st, err := status(ctx, tx, userID)
	if err != nil {
		return err
	}
	if st == StatusRemoved {
		return errRemoved()
	}
	_, err = tx.Exec(ctx, "UPDATE users SET status = ?, suspended_until = NULL, updated_at = ? WHERE id = ?",
		StatusActive, now.UTC(), userID)
	return err
}

// ProfileHook is called inside the transaction that saves a profile, with
// the saved user (to check the bio with the flag rules).
type ProfileHook func(ctx context.Context, tx *store.Tx, u *User) error

// SetProfileHook installs the hook (once, at start).
func (s *Service) SetProfileHook(h ProfileHook) { s.profileHook = h }
