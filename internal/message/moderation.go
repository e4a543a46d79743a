package message

import (
	"context"
	"errors"

	"github.com/noaber/noaber/internal/store"
)

// What moderation (internal/moderation) does to messages, inside the
// transaction of its action.

// ReleaseHeld delivers a held message after a moderator dismissed its
// flag, in tx: as if it were sent now (the recipient's unread count,
// notification and live event), keeping its place in the conversation.
// A message that is not held is left alone.
func (s *Service) ReleaseHeld(ctx context.Context, tx *store.Tx, messageID string) error {
	return errors.New("message: ReleaseHeld not implemented")
}

// HideMessage hides one message from everyone (held or not), in tx.
func (s *Service) HideMessage(ctx context.Context, tx *store.Tx, messageID string) error {
	return errors.New("message: HideMessage not implemented")
}

// HideHeldFrom hides every held message of a user (suspended: what they
// tried to send is never delivered), in tx.
func (s *Service) HideHeldFrom(ctx context.Context, tx *store.Tx, userID string) error {
	return errors.New("message: HideHeldFrom not implemented")
}

// HideAllFrom hides every message of a removed user, in tx.
func (s *Service) HideAllFrom(ctx context.Context, tx *store.Tx, userID string) error {
	return errors.New("message: HideAllFrom not implemented")
}
