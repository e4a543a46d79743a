package message

import (
	"context"
	"errors"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/noaber/noaber/internal/account"
	"github.com/noaber/noaber/internal/apperr"
	"github.com/noaber/noaber/internal/flag"
	"github.com/noaber/noaber/internal/live"
	"github.com/noaber/noaber/internal/notify"
	"github.com/noaber/noaber/internal/report"
	"github.com/noaber/noaber/internal/store"
)

// MaxClientKey is the longest idempotency key a client may send.
const MaxClientKey = 100

// checkText trims s and checks it is 1 to max characters of text (line
// breaks and tabs allowed, other control characters not), as errors of
// field, with the keys prefix+"_empty", "_too_long" and "_invalid".
func checkText(s string, max int, field, prefix string) (string, error) {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		return "", apperr.Invalid(apperr.FieldError{Field: field, Key: prefix + "_empty"})
	case !utf8.ValidString(s):
		return "", apperr.Invalid(apperr.FieldError{Field: field, Key: prefix + "_invalid"})
	case utf8.RuneCountInString(s) > max:
		return "", apperr.Invalid(apperr.FieldError{Field: field, Key: prefix + "_too_long", Args: []any{"max", max}})
	}
	for _, r := range s {
		if unicode.IsControl(r) && r != '\n' && r != '\r' && r != '\t' {
			return "", apperr.Invalid(apperr.FieldError{Field: field, Key: prefix + "_invalid"})
		}
	}
	return s, nil
}

// checkBody checks a message and its client key before anything is read
// or written.
func checkBody(body, clientKey string) (string, error) {
	if len(clientKey) > MaxClientKey || !utf8.ValidString(clientKey) {
		return "", apperr.Invalid(apperr.FieldError{Field: "client_key", Key: "message.client_key_invalid", Args: []any{"max", MaxClientKey}})
	}
	return checkText(body, MaxBody, "body", "message.body")
}

// Send writes a message (1 to MaxBody characters after trimming) into a
// conversation the viewer is in, raises the other's unread count, writes
// the other's notification and publishes the live event, in one
// transaction. A message the flag rules hold is stored and shown to its
// sender only (Held), and nothing is delivered; Hint carries a safety
// hint for the sender. A retry with the same clientKey returns the first
// message. Errors: 404 (not the viewer's), 422 field "body" or "client_key", 403
// blocked (either way), 410 recipient_gone (the other's account is not
// active).
func (s *Service) Send(ctx context.Context, me *account.User, id, body, clientKey string) (*Message, error) {
	body, err := checkBody(body, clientKey)
	if err != nil {
		return nil, err
	}
	v, err := s.verdict(ctx, me, id, body)
	if err != nil {
		return nil, err
	}
	var m *Message
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		c, err := member(ctx, tx, me, id)
		if err != nil {
			return err
		}
		m, err = s.send(ctx, tx, me, c, body, clientKey, s.now(), v)
		return err
	})
	return m, err
}

// canSend says why me cannot write to the other in c, as the error Send
// gives; nil when they can.
func canSend(ctx context.Context, q store.Querier, me *account.User, c *convRow) error {
	other := c.other(me.ID)
	if blocked, err := account.BlockedEitherWay(ctx, q, me.ID, other); err != nil || blocked {
		if err != nil {
			return err
		}
		return apperr.New(403, "blocked", "message.blocked")
	}
	var status string
	if err := q.QueryRow(ctx, "SELECT status FROM users WHERE id = ?", other).Scan(&status); err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	switch status {
	case account.StatusActive:
	case account.StatusSuspended:
		return apperr.New(410, "recipient_gone", "message.recipient_suspended")
	default:
		return apperr.New(410, "recipient_gone", "message.recipient_gone")
	}
	return nil
}

// send writes a checked body into c, in tx: the message, its flags, and
// (unless the rules hold it) the other's unread count, the notification
// with its delivery job (the outbox) and the live events for both.
func (s *Service) send(ctx context.Context, tx *store.Tx, me *account.User, c *convRow, body, clientKey string, now time.Time, v flag.Result) (*Message, error) {
	if clientKey != "" {
		m, err := s.byClientKey(ctx, tx, me, c, clientKey)
		if err == nil || !errors.Is(err, store.ErrNotFound) {
			return m, err
		}
	}
	if err := canSend(ctx, tx, me, c); err != nil {
		return nil, err
	}
	id := uuid.Must(uuid.NewV7()).String()
	res, err := tx.Exec(ctx, `INSERT INTO messages (id, conversation_id, sender_id, body, client_key, created_at)
		VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`, id, c.id, me.ID, body, store.Null(clientKey), now)
	if err != nil {
		return nil, err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		// The same key, sent at the same moment on another connection,
		// won (PostgreSQL: this insert waited for it to commit).
		return s.byClientKey(ctx, tx, me, c, clientKey)
	}
	m := &Message{ID: id, ConversationID: c.id, SenderID: me.ID, SenderName: me.DisplayName(), Mine: true,
		Body: body, CreatedAt: now}
	if s.opt.Reports != nil {
		err := s.opt.Reports.Record(ctx, tx, report.TextCheck{TargetKind: report.TargetMessage, TargetID: id,
			SubjectID: me.ID, EditionID: me.EditionID}, v)
		if err != nil {
			return nil, err
		}
	}
	m.Hint = v.Hint
	if v.Hold {
		// Stored, flagged, and shown to its sender only: nothing reaches
		// the other until a moderator releases it (ReleaseHeld).
		if _, err := tx.Exec(ctx, "UPDATE messages SET held_at = ? WHERE id = ?", now, id); err != nil {
			return nil, err
		}
		m.Held = true
		return m, s.publish(ctx, tx, live.KindMessage, c.id, id, me.ID)
	}
	return m, s.deliver(ctx, tx, c, me.ID, id, now)
}

// verdict runs the flag rules over a message before its write
// transaction, when the service has them (send records the flags with the
// message). The rules are a few hundred microseconds of regular
// expressions; inside the transaction they would hold SQLite's one
// writer. Whether it is the sender's first message in conversation convID
// ("" for one not started yet) is read here too: a first message sent
// twice at the same moment can at worst get a hint twice.
func (s *Service) verdict(ctx context.Context, me *account.User, convID, body string) (flag.Result, error) {
	if s.opt.Reports == nil {
		return flag.Result{}, nil
	}
	earlier := 0
	if convID != "" {
		if err := s.db.QueryRow(ctx, "SELECT COUNT(*) FROM (SELECT 1 FROM messages WHERE conversation_id = ? AND sender_id = ? LIMIT 1) x",
			convID, me.ID).Scan(&earlier); err != nil {
			return flag.Result{}, err
		}
	}
	return s.opt.Reports.Evaluate(ctx, report.TextCheck{Kind: flag.KindMessage, EditionID: me.EditionID,
		Text: body, FirstMessage: earlier == 0})
}

// deliver hands message msgID of sender in c to the other, in tx: their
// unread count, the notification with its delivery job (the outbox) and
// the live events for both.
func (s *Service) deliver(ctx context.Context, tx *store.Tx, c *convRow, sender, msgID string, now time.Time) error {
	other := c.other(sender)
	unread := "helper_unread"
	if other == c.seekerID {
		unread = "seeker_unread"
	}
	if _, err := tx.Exec(ctx, "UPDATE conversations SET last_message_at = ?, "+unread+" = "+unread+" + 1 WHERE id = ?",
		now, c.id); err != nil {
		return err
	}
	n := notify.Notice{UserID: other, Kind: notify.Message, Ref: msgID, ConversationID: c.id, RequestID: c.requestID}
	if _, err := notify.Add(ctx, tx, n, now); err != nil {
		return err
	}
	return s.publish(ctx, tx, live.KindMessage, c.id, msgID, other, sender)
}

// byClientKey is the message me sent earlier with key; store.ErrNotFound
// when there is none. A key used in another conversation is a mistake of
// the client, not a retry.
func (s *Service) byClientKey(ctx context.Context, tx *store.Tx, me *account.User, c *convRow, key string) (*Message, error) {
	var m Message
	err := tx.QueryRow(ctx, "SELECT id, conversation_id, body, created_at, held_at IS NOT NULL FROM messages WHERE sender_id = ? AND client_key = ?",
		me.ID, key).Scan(&m.ID, &m.ConversationID, &m.Body, &m.CreatedAt, &m.Held)
	if err != nil {
		return nil, err
	}
	if m.ConversationID != c.id {
		return nil, apperr.Invalid(apperr.FieldError{Field: "client_key", Key: "message.client_key_used"})
	}
	m.SenderID, m.SenderName, m.Mine, m.CreatedAt = me.ID, me.DisplayName(), true, m.CreatedAt.UTC()
	m.Read = !m.Held && !c.readAtOf(c.other(me.ID)).IsZero() && !m.CreatedAt.After(c.readAtOf(c.other(me.ID)))
	return &m, nil
}

// publish tells each of users' open pages about a change in conversation
// convID, when the transaction commits. Without a broker (some tests)
// nothing is published.
func (s *Service) publish(ctx context.Context, tx *store.Tx, kind, convID, msgID string, users ...string) error {
	if s.live == nil {
		return nil
	}
	for _, u := range users {
		if err := s.live.Publish(ctx, tx, live.Event{UserID: u, Kind: kind, ConversationID: convID, MessageID: msgID}); err != nil {
			return err
		}
	}
	return nil
}
