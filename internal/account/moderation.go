package account

import (
	"context"
	"errors"
	"time"

	"github.com/noaber/noaber/internal/store"
)

// What moderation (internal/moderation) does to an account, inside the
// transaction of its action. Each also ends every session of the user,
// so a suspended or removed user is signed out at once.

// Suspend suspends the user until a moment (nil: indefinitely).
func Suspend(ctx context.Context, tx *store.Tx, userID string, until *time.Time, now time.Time) error {
	return errors.New("account: Suspend not implemented")
}

// Close closes a removed user's account (status removed). Their data stays
// for the audit log and the retention rules; nothing of it is shown.
func Close(ctx context.Context, tx *store.Tx, userID string, now time.Time) error {
	return errors.New("account: Close not implemented")
}

// Reinstate makes a suspended user active again (a removed account stays
// closed: 409 "account_removed").
func Reinstate(ctx context.Context, tx *store.Tx, userID string, now time.Time) error {
	return errors.New("account: Reinstate not implemented")
}

// ProfileHook is called inside the transaction that saves a profile, with
// the saved user (to check the bio with the flag rules).
type ProfileHook func(ctx context.Context, tx *store.Tx, u *User) error

// SetProfileHook installs the hook (once, at start).
func (s *Service) SetProfileHook(h ProfileHook) { s.profileHook = h }
