package message

import (
	"context"
	"database/sql"
	"errors"
	"unicode/utf8"

	"github.com/noaber/noaber/internal/account"
	"github.com/noaber/noaber/internal/apperr"
	"github.com/noaber/noaber/internal/help"
	"github.com/noaber/noaber/internal/live"
	"github.com/noaber/noaber/internal/store"
)

// MaxList is how many conversations List returns at most.
const MaxList = 100

// previewLen is how much of the newest message a list shows.
const previewLen = 120

// visible is the condition on messages m that the viewer (its one
// argument) may see: none hidden by moderation, and held ones only by
// their sender.
const visible = ` AND m.hidden_at IS NULL AND (m.held_at IS NULL OR m.sender_id = ?)`

// listQuery reads the viewer's conversations with everything a list row
// shows but the newest message and the blocks: the other person, what it
// is about, and whether the seeker thanked. Its arguments are the viewer's
// id four times, then those of the condition appended to it.
const listQuery = `SELECT ` + convColumns + `, c.created_at,
	u.id, u.first_name, u.surname, u.show_full_surname, u.town, u.status,
	COALESCE(r.title, o.title, ''), t.id, t.body, t.created_at,
	(SELECT m.id FROM messages m WHERE m.conversation_id = c.id` + visible + ` ORDER BY m.created_at DESC, m.id DESC LIMIT 1)
	FROM conversations c
	JOIN users u ON u.id = CASE WHEN c.seeker_id = ? THEN c.helper_id ELSE c.seeker_id END
	LEFT JOIN requests r ON r.id = c.request_id
	LEFT JOIN offers o ON o.id = c.offer_id
	LEFT JOIN thanks t ON t.conversation_id = c.id
	WHERE (c.seeker_id = ? OR c.helper_id = ?)`

// listed is a conversation read by listQuery, before the newest message
// and the blocks are filled in.
type listed struct {
	conv   Conversation
	row    *convRow
	lastID string
}

func (s *Service) load(ctx context.Context, me *account.User, cond string, args ...any) ([]Conversation, error) {
	rows, err := s.db.Query(ctx, listQuery+cond, append([]any{me.ID, me.ID, me.ID, me.ID}, args...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var all []listed
	for rows.Next() {
		var l listed
		var first, sur, status string
		var full bool
		var last, thanksID, thanksBody sql.NullString
		var thanksAt sql.NullTime
		c := &l.conv
		l.row, err = scanConv(rows, &c.CreatedAt, &c.Other.ID, &first, &sur, &full, &c.Other.Town,
			&status, &c.About, &thanksID, &thanksBody, &thanksAt, &last)
		if err != nil {
			return nil, err
		}
		r := l.row
		c.ID, c.Kind, c.RequestID, c.OfferID, c.CreatedAt = r.id, r.kind, r.requestID, r.offerID, c.CreatedAt.UTC()
		c.Other.DisplayName = account.DisplayName(first, sur, full)
		c.Other.Active = status == account.StatusActive
		c.Closed = closedFor(status)
		c.Role, c.Unread = r.role(me.ID), r.unreadOf(me.ID)
		c.LastMessageAt, c.OtherReadAt = r.lastMessageAt, r.readAtOf(c.Other.ID)
		c.Done, c.DoneAt = !r.doneAt.IsZero(), r.doneAt
		if thanksID.Valid {
			// The note is always the seeker's.
			from := Person{ID: me.ID, DisplayName: me.DisplayName()}
			if c.Role == RoleHelper {
				from = c.Other
			}
			c.Thanked = true
			c.ThanksNote = &Thanks{ID: thanksID.String, FromID: from.ID, FromName: from.DisplayName,
				Body: thanksBody.String, CreatedAt: thanksAt.Time.UTC()}
		}
		l.lastID = last.String
		all = append(all, l)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	if len(all) == 0 {
		return []Conversation{}, nil
	}
	blocked, err := account.BlockedWith(ctx, s.db, me.ID)
	if err != nil {
		return nil, err
	}
	last, err := s.newest(ctx, all)
	if err != nil {
		return nil, err
	}
	out := make([]Conversation, len(all))
	for i, l := range all {
		c := l.conv
		if blocked[c.Other.ID] {
			c.Closed = "blocked" // a block comes before the status
		}
		c.CanSend = c.Closed == ""
		c.CanThank = c.Role == RoleSeeker && c.Done && !c.Thanked && c.CanSend
		if m, ok := last[l.lastID]; ok {
			c.LastMessage, c.LastFromMe = cut(m.body, previewLen), m.sender == me.ID
		}
		out[i] = c
	}
	return out, nil
}

// closedFor is why a conversation is closed by the other's account
// status ("" while it is active).
func closedFor(status string) string {
	switch status {
	case account.StatusActive:
		return ""
	case account.StatusSuspended, account.StatusRemoved:
		return status
	default:
		return "gone"
	}
}

type lastMessage struct{ sender, body string }

// newest reads the newest message of each listed conversation in one
// query.
func (s *Service) newest(ctx context.Context, all []listed) (map[string]lastMessage, error) {
	args := make([]any, 0, len(all))
	for _, l := range all {
		if l.lastID != "" {
			args = append(args, l.lastID)
		}
	}
	out := map[string]lastMessage{}
	if len(args) == 0 {
		return out, nil
	}
	rows, err := s.db.Query(ctx, "SELECT id, sender_id, body FROM messages WHERE id IN ("+store.Placeholders(len(args))+")", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var m lastMessage
		if err := rows.Scan(&id, &m.sender, &m.body); err != nil {
			return nil, err
		}
		out[id] = m
	}
	return out, rows.Err()
}

// cut shortens s to at most n characters, with "…" where it was cut.
func cut(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}

// List returns the viewer's conversations, the latest activity first (at
// most MaxList). Conversations across a block stay listed, closed. A
// conversation someone else started whose messages are all still held
// (nothing was delivered: last_message_at is unset) is not listed: the
// viewer never heard of it.
func (s *Service) List(ctx context.Context, me *account.User) ([]Conversation, error) {
	return s.load(ctx, me, ` AND NOT (COALESCE(c.started_by, '') <> ? AND c.last_message_at IS NULL
		AND EXISTS (SELECT 1 FROM messages m WHERE m.conversation_id = c.id))
		ORDER BY COALESCE(c.last_message_at, c.created_at) DESC, c.id DESC LIMIT ?`, me.ID, MaxList)
}

// Get returns one of the viewer's conversations (404 for anyone else's).
func (s *Service) Get(ctx context.Context, me *account.User, id string) (*Conversation, error) {
	list, err := s.load(ctx, me, " AND c.id = ?", id)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, apperr.NotFound()
	}
	return &list[0], nil
}

// msgColumns are the columns messages scans, of messages m.
const msgColumns = `m.id, m.sender_id, m.body, m.created_at, m.held_at IS NOT NULL`

// messages reads the messages of c that query (with args) selects, as me
// sees them. The query selects msgColumns and applies visible.
func messages(ctx context.Context, q store.Querier, me *account.User, c *convRow, query string, args ...any) ([]Message, error) {
	who, err := help.People(ctx, q, []string{c.seekerID, c.helperID})
	if err != nil {
		return nil, err
	}
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	otherRead := c.readAtOf(c.other(me.ID))
	out := []Message{}
	for rows.Next() {
		var m Message
		if err := rows.Scan(&m.ID, &m.SenderID, &m.Body, &m.CreatedAt, &m.Held); err != nil {
			return nil, err
		}
		m.ConversationID, m.CreatedAt = c.id, m.CreatedAt.UTC()
		m.SenderName, m.Mine = who[m.SenderID].DisplayName, m.SenderID == me.ID
		m.Read = m.Mine && !m.Held && !otherRead.IsZero() && !m.CreatedAt.After(otherRead)
		out = append(out, m)
	}
	return out, rows.Err()
}

// cursor finds a message of conversation convID that a page starts from;
// a field error of field when it is not one of its messages.
func cursor(ctx context.Context, q store.Querier, convID, msgID, field string) error {
	var n int
	if err := q.QueryRow(ctx, "SELECT COUNT(*) FROM messages WHERE id = ? AND conversation_id = ?", msgID, convID).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return apperr.Invalid(apperr.FieldError{Field: field, Key: "message.cursor_invalid"})
	}
	return nil
}

// Messages returns up to limit (at most PageSize) messages before the
// message id before ("" for the newest), oldest first, and whether there
// are older ones.
func (s *Service) Messages(ctx context.Context, me *account.User, id, before string, limit int) ([]Message, bool, error) {
	c, err := member(ctx, s.db, me, id)
	if err != nil {
		return nil, false, err
	}
	if limit <= 0 || limit > PageSize {
		limit = PageSize
	}
	query := "SELECT " + msgColumns + " FROM messages m WHERE m.conversation_id = ?" + visible
	args := []any{c.id, me.ID}
	if before != "" {
		if err := cursor(ctx, s.db, c.id, before, "before"); err != nil {
			return nil, false, err
		}
		query += ` AND EXISTS (SELECT 1 FROM messages b WHERE b.id = ?
			AND (m.created_at < b.created_at OR (m.created_at = b.created_at AND m.id < b.id)))`
		args = append(args, before)
	}
	list, err := messages(ctx, s.db, me, c, query+" ORDER BY m.created_at DESC, m.id DESC LIMIT ?", append(args, limit+1)...)
	if err != nil {
		return nil, false, err
	}
	more := len(list) > limit
	if more {
		list = list[:limit]
	}
	for i, j := 0, len(list)-1; i < j; i, j = i+1, j-1 {
		list[i], list[j] = list[j], list[i]
	}
	return list, more, nil
}

// After returns the messages after the message id after, oldest first (at
// most PageSize): what a live connection missed (Last-Event-ID).
func (s *Service) After(ctx context.Context, me *account.User, id, after string) ([]Message, error) {
	c, err := member(ctx, s.db, me, id)
	if err != nil {
		return nil, err
	}
	if err := cursor(ctx, s.db, c.id, after, "after"); err != nil {
		return nil, err
	}
	return messages(ctx, s.db, me, c, `SELECT `+msgColumns+` FROM messages m
		JOIN messages a ON a.id = ?
		WHERE m.conversation_id = ? AND (m.created_at > a.created_at OR (m.created_at = a.created_at AND m.id > a.id))`+visible+`
		ORDER BY m.created_at, m.id LIMIT ?`, after, c.id, me.ID, PageSize)
}

// Message returns one message of a conversation the viewer is in (404
// for one hidden by moderation, or held and not the viewer's).
func (s *Service) Message(ctx context.Context, me *account.User, messageID string) (*Message, error) {
	var convID string
	err := s.db.QueryRow(ctx, "SELECT conversation_id FROM messages WHERE id = ?", messageID).Scan(&convID)
	if err != nil {
		return nil, notFound(err)
	}
	c, err := member(ctx, s.db, me, convID)
	if err != nil {
		return nil, err
	}
	list, err := messages(ctx, s.db, me, c, "SELECT "+msgColumns+" FROM messages m WHERE m.id = ?"+visible, messageID, me.ID)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, apperr.NotFound()
	}
	return &list[0], nil
}

// MarkRead marks the conversation read for the viewer (unread count, read
// marker, the message notifications) and tells the other's pages. Reading
// a conversation with nothing unread writes nothing: pages call it on
// every visit.
func (s *Service) MarkRead(ctx context.Context, me *account.User, id string) error {
	c, err := member(ctx, s.db, me, id)
	if err != nil || !unreadIn(c, me.ID) {
		return err
	}
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		c, err := member(ctx, tx, me, id)
		if err != nil || !unreadIn(c, me.ID) {
			return err
		}
		side := "helper"
		if c.role(me.ID) == RoleSeeker {
			side = "seeker"
		}
		now := s.now()
		if _, err := tx.Exec(ctx, "UPDATE conversations SET "+side+"_unread = 0, "+side+"_read_at = ? WHERE id = ?", now, c.id); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE notifications SET read_at = ?, email_due_at = NULL
			WHERE user_id = ? AND conversation_id = ? AND read_at IS NULL`, now, me.ID, c.id); err != nil {
			return err
		}
		return s.publish(ctx, tx, live.KindRead, c.id, "", c.other(me.ID))
	})
}

// unreadIn reports whether userID has unread messages in c. Every message
// of the other raises the count, so a count of 0 means the read marker is
// past them all.
func unreadIn(c *convRow, userID string) bool { return c.unreadOf(userID) > 0 }

// UnreadTotal is the header badge: unread messages over all the user's
// conversations with people who are not blocked. Each side is read by
// its own index, and only rows with something unread.
func (s *Service) UnreadTotal(ctx context.Context, userID string) (int, error) {
	var n int
	err := s.db.QueryRow(ctx, `SELECT COALESCE(SUM(x.n), 0) FROM (
		SELECT seeker_unread AS n, helper_id AS other FROM conversations WHERE seeker_id = ? AND seeker_unread > 0
		UNION ALL
		SELECT helper_unread, seeker_id FROM conversations WHERE helper_id = ? AND helper_unread > 0) x
		WHERE x.other NOT IN `+account.BlockedIDs, userID, userID, userID, userID).Scan(&n)
	if errors.Is(err, store.ErrNotFound) {
		return 0, nil
	}
	return n, err
}
