package message

import (
	"context"
	"errors"
	"time"

	"github.com/noaber/noaber/internal/account"
	"github.com/noaber/noaber/internal/apperr"
	"github.com/noaber/noaber/internal/store"
)

// What moderation (internal/moderation) does to messages, inside the
// transaction of its action.

// ReleaseHeld delivers a held message after a moderator dismissed its
// flag, in tx: as if it were sent now (the recipient's unread count,
// notification and live event), keeping its place in the conversation.
// A message that is not held is left alone.
func (s *Service) ReleaseHeld(ctx context.Context, tx *store.Tx, messageID string) error {
	var convID, sender string
	var hidden bool
	err := tx.QueryRow(ctx, "SELECT conversation_id, sender_id, hidden_at IS NOT NULL FROM messages WHERE id = ? AND held_at IS NOT NULL",
		messageID).Scan(&convID, &sender, &hidden)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, "UPDATE messages SET held_at = NULL WHERE id = ?", messageID); err != nil {
		return err
	}
	c, err := scanConv(tx.QueryRow(ctx, "SELECT "+convColumns+" FROM conversations c WHERE c.id = ?", convID))
	if err != nil {
		return err
	}
	// Hidden since, or the two can no longer write to each other: the
	// hold ends, but nothing is delivered.
	if hidden {
		return nil
	}
	if err := canSend(ctx, tx, &account.User{ID: sender}, c); err != nil {
		if _, ok := apperr.As(err); ok {
			return nil
		}
		return err
	}
	return s.deliver(ctx, tx, c, sender, messageID, s.now())
}

// HideMessage hides one message from everyone (held or not), in tx. What
// it raised is taken back: the recipient's unread count (while they had
// not read it) and its notification, so no e-mail mentions it.
func (s *Service) HideMessage(ctx context.Context, tx *store.Tx, messageID string) error {
	var convID, sender string
	var created time.Time
	var held bool
	err := tx.QueryRow(ctx, "SELECT conversation_id, sender_id, created_at, held_at IS NOT NULL FROM messages WHERE id = ? AND hidden_at IS NULL",
		messageID).Scan(&convID, &sender, &created, &held)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	now := s.now()
	if _, err := tx.Exec(ctx, "UPDATE messages SET hidden_at = ? WHERE id = ?", now, messageID); err != nil {
		return err
	}
	if held {
		return nil // never delivered
	}
	c, err := scanConv(tx.QueryRow(ctx, "SELECT "+convColumns+" FROM conversations c WHERE c.id = ?", convID))
	if err != nil {
		return err
	}
	side := "helper"
	if c.other(sender) == c.seekerID {
		side = "seeker"
	}
	if _, err := tx.Exec(ctx, "UPDATE conversations SET "+side+"_unread = "+side+"_unread - 1 WHERE id = ? AND "+side+
		"_unread > 0 AND ("+side+"_read_at IS NULL OR "+side+"_read_at < ?)", c.id, created); err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `UPDATE notifications SET read_at = ?, email_due_at = NULL
		WHERE user_id = ? AND kind = 'message' AND ref = ? AND read_at IS NULL`, now, c.other(sender), messageID)
	return err
}

// theirs is the condition that messages m or notifications are in one of
// the user's conversations (two arguments: the user's id twice): through
// the conversations' seeker and helper indexes and the messages'
// conversation index, not a scan of all messages.
const theirs = ` conversation_id IN (SELECT id FROM conversations WHERE seeker_id = ? OR helper_id = ?)`

// HideHeldFrom hides every held message of a user (suspended: what they
// tried to send is never delivered), in tx.
func (s *Service) HideHeldFrom(ctx context.Context, tx *store.Tx, userID string) error {
	_, err := tx.Exec(ctx, "UPDATE messages SET hidden_at = ? WHERE sender_id = ? AND held_at IS NOT NULL AND hidden_at IS NULL AND"+theirs,
		s.now(), userID, userID, userID)
	return err
}

// HideAllFrom hides every message of a removed user, in tx. The others'
// unread counts in conversations with them counted only their messages,
// so those become 0, and their message notifications are read (no e-mail
// mentions them any more).
func (s *Service) HideAllFrom(ctx context.Context, tx *store.Tx, userID string) error {
	now := s.now()
	if _, err := tx.Exec(ctx, "UPDATE messages SET hidden_at = ? WHERE sender_id = ? AND hidden_at IS NULL AND"+theirs,
		now, userID, userID, userID); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, "UPDATE conversations SET seeker_unread = 0 WHERE helper_id = ? AND seeker_unread > 0", userID); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, "UPDATE conversations SET helper_unread = 0 WHERE seeker_id = ? AND helper_unread > 0", userID); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, `UPDATE notifications SET read_at = ?, email_due_at = NULL
		WHERE kind = 'message' AND read_at IS NULL AND user_id <> ? AND`+theirs, now, userID, userID, userID)
	return err
}
