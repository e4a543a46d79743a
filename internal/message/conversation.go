package message

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/google/uuid"

	"github.com/noaber/noaber/internal/account"
	"github.com/noaber/noaber/internal/apperr"
	"github.com/noaber/noaber/internal/help"
	"github.com/noaber/noaber/internal/store"
)

func (s *Service) now() time.Time { return s.opt.Now().UTC().Truncate(time.Microsecond) }

// pairKey is the two user ids in order: two people have one direct
// conversation whoever starts it.
func pairKey(a, b string) string {
	if b < a {
		a, b = b, a
	}
	return a + ":" + b
}

// convRow is a conversation as stored.
type convRow struct {
	id, kind           string
	requestID, offerID string
	seekerID, helperID string
	lastMessageAt      time.Time
	seekerReadAt       time.Time
	helperReadAt       time.Time
	doneAt             time.Time
	seekerUnread       int
	helperUnread       int
}

const convColumns = `c.id, c.kind, c.request_id, c.offer_id, c.seeker_id, c.helper_id, c.last_message_at,
	c.seeker_read_at, c.helper_read_at, c.done_at, c.seeker_unread, c.helper_unread`

func scanConv(row interface{ Scan(...any) error }, extra ...any) (*convRow, error) {
	var c convRow
	var req, offer sql.NullString
	var last, sRead, hRead, done sql.NullTime
	dest := append([]any{&c.id, &c.kind, &req, &offer, &c.seekerID, &c.helperID, &last, &sRead, &hRead, &done,
		&c.seekerUnread, &c.helperUnread}, extra...)
	if err := row.Scan(dest...); err != nil {
		return nil, err
	}
	c.requestID, c.offerID = req.String, offer.String
	c.lastMessageAt, c.seekerReadAt, c.helperReadAt, c.doneAt = utc(last), utc(sRead), utc(hRead), utc(done)
	return &c, nil
}

func utc(t sql.NullTime) time.Time {
	if !t.Valid {
		return time.Time{}
	}
	return t.Time.UTC()
}

// role is the side of userID; "" when the user is not in it.
func (c *convRow) role(userID string) string {
	switch userID {
	case c.seekerID:
		return RoleSeeker
	case c.helperID:
		return RoleHelper
	}
	return ""
}

// unreadOf is how many messages userID has not read.
func (c *convRow) unreadOf(userID string) int {
	if userID == c.seekerID {
		return c.seekerUnread
	}
	return c.helperUnread
}

// other is the id of the person across from userID.
func (c *convRow) other(userID string) string {
	if userID == c.seekerID {
		return c.helperID
	}
	return c.seekerID
}

// readAtOf is up to when userID has read the conversation.
func (c *convRow) readAtOf(userID string) time.Time {
	if userID == c.seekerID {
		return c.seekerReadAt
	}
	return c.helperReadAt
}

// member loads conversation id for me: not found for anyone who is not
// one of its two people, the same as for one that does not exist.
func member(ctx context.Context, q store.Querier, me *account.User, id string) (*convRow, error) {
	c, err := scanConv(q.QueryRow(ctx, "SELECT "+convColumns+" FROM conversations c WHERE c.id = ?", id))
	if errors.Is(err, store.ErrNotFound) || (err == nil && c.role(me.ID) == "") {
		return nil, apperr.NotFound()
	}
	return c, err
}

// Open finds or creates, in tx, the conversation about requestID between
// its seeker and helper (the dispatcher calls it on accept; the helper may
// have responded to the request before). It returns the conversation id.
func Open(ctx context.Context, tx *store.Tx, requestID, seekerID, helperID string, at time.Time) (string, error) {
	// The helper said yes: they start it, as when they respond.
	return findOrCreate(ctx, tx, KindRequest, requestID, "", seekerID, helperID, helperID, at)
}

// find finds the conversation of this kind between seeker and helper
// about requestID or offerID; store.ErrNotFound when there is none.
func find(ctx context.Context, q store.Querier, kind, requestID, offerID, seekerID, helperID string) (string, error) {
	var id string
	var err error
	switch kind {
	case KindRequest:
		err = q.QueryRow(ctx, "SELECT id FROM conversations WHERE request_id = ? AND helper_id = ?", requestID, helperID).Scan(&id)
	case KindOffer:
		err = q.QueryRow(ctx, "SELECT id FROM conversations WHERE kind = 'offer' AND offer_id = ? AND seeker_id = ?",
			offerID, seekerID).Scan(&id)
	default:
		err = q.QueryRow(ctx, "SELECT id FROM conversations WHERE kind = 'direct' AND pair_key = ?",
			pairKey(seekerID, helperID)).Scan(&id)
	}
	return id, err
}

// findOrCreate finds the conversation of this kind between seeker and
// helper about requestID or offerID, or creates it. The unique indexes
// decide: a second instance that creates the same one at the same moment
// waits, inserts nothing and then finds the first one.
func findOrCreate(ctx context.Context, tx *store.Tx, kind, requestID, offerID, seekerID, helperID, startedBy string, at time.Time) (string, error) {
	id, err := find(ctx, tx, kind, requestID, offerID, seekerID, helperID)
	if !errors.Is(err, store.ErrNotFound) {
		return id, err
	}
	id = uuid.Must(uuid.NewV7()).String()
	if _, err := tx.Exec(ctx, `INSERT INTO conversations (id, kind, request_id, offer_id, seeker_id, helper_id, pair_key,
		started_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
		id, kind, store.Null(requestID), store.Null(offerID), seekerID, helperID, pairKey(seekerID, helperID), startedBy, at.UTC()); err != nil {
		return "", err
	}
	return find(ctx, tx, kind, requestID, offerID, seekerID, helperID)
}

// Start finds or creates the conversation in.* points at and sends the
// first message. The rules: not with yourself, not with someone either
// blocked, not with an account that is not active, a request must be open
// and an offer active, a new account within its daily cap of new
// conversations (limits.go: 429 "contact_limit"), and the body as for
// Send.
func (s *Service) Start(ctx context.Context, me *account.User, in StartInput) (*Conversation, *Message, error) {
	n := 0
	for _, v := range []string{in.RequestID, in.OfferID, in.UserID} {
		if v != "" {
			n++
		}
	}
	if n != 1 {
		return nil, nil, apperr.Invalid(apperr.FieldError{Field: "request_id", Key: "message.target_one"})
	}
	body, err := checkBody(in.Body, in.ClientKey)
	if err != nil {
		return nil, nil, err
	}
	// Who is who, and may the viewer see what they answer to? The help
	// and account services hide what the viewer may not see as not found.
	var kind, seeker, helper string
	switch {
	case in.RequestID != "":
		r, err := s.help.Request(ctx, me, in.RequestID, me.Locale)
		if ae, ok := apperr.As(err); ok && ae.Status == 404 {
			// Someone already talking about it knows it exists: tell
			// them it closed instead of that it is gone.
			var n int
			if err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM conversations c JOIN requests r ON r.id = c.request_id
				WHERE c.request_id = ? AND c.helper_id = ? AND r.status NOT IN (?, ?) AND NOT EXISTS (SELECT 1 FROM blocks b
				WHERE (b.blocker_id = ? AND b.blocked_id = r.seeker_id) OR (b.blocker_id = r.seeker_id AND b.blocked_id = ?))`,
				in.RequestID, me.ID, help.StatusOpen, help.StatusMatched, me.ID, me.ID).Scan(&n); err != nil {
				return nil, nil, err
			}
			if n > 0 {
				return nil, nil, apperr.New(409, "request_closed", "message.request_closed")
			}
		}
		if err != nil {
			return nil, nil, err
		}
		if r.Mine {
			return nil, nil, apperr.New(422, "own_request", "message.own_request")
		}
		kind, seeker, helper = KindRequest, r.Seeker.ID, me.ID
	case in.OfferID != "":
		o, err := s.help.Offer(ctx, me, in.OfferID, me.Locale)
		if err != nil {
			return nil, nil, err
		}
		if o.Mine {
			return nil, nil, apperr.New(422, "own_offer", "message.own_offer")
		}
		kind, seeker, helper = KindOffer, me.ID, o.Helper.ID
	default:
		if in.UserID == me.ID {
			return nil, nil, apperr.New(422, "self", "message.self")
		}
		if _, err := s.accounts.Profile(ctx, me, in.UserID, me.Locale); err != nil {
			return nil, nil, err
		}
		kind, seeker, helper = KindDirect, me.ID, in.UserID
	}

	// The rules run before the write transaction (see verdict), over the
	// conversation as it is now.
	existing, err := find(ctx, s.db, kind, in.RequestID, in.OfferID, seeker, helper)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil, nil, err
	}
	v, err := s.verdict(ctx, me, existing, body)
	if err != nil {
		return nil, nil, err
	}
	var convID string
	var m *Message
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		// Checked again under the write lock: it may have closed since.
		if err := checkTarget(ctx, tx, in); err != nil {
			return err
		}
		now := s.now()
		id, err := find(ctx, tx, kind, in.RequestID, in.OfferID, seeker, helper)
		isNew := errors.Is(err, store.ErrNotFound)
		if isNew {
			// A new contact: new accounts have a daily cap.
			if err := checkContactCap(ctx, tx, me, now); err != nil {
				return err
			}
			id, err = findOrCreate(ctx, tx, kind, in.RequestID, in.OfferID, seeker, helper, me.ID, now)
		}
		if err != nil {
			return err
		}
		c, err := member(ctx, tx, me, id)
		if err != nil {
			return err
		}
		convID = id
		if m, err = s.send(ctx, tx, me, c, body, in.ClientKey, now, v); err != nil {
			return err
		}
		if isNew && s.opt.Reports != nil {
			return s.opt.Reports.CheckContacts(ctx, tx, me)
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	c, err := s.Get(ctx, me, convID)
	if err != nil {
		return nil, nil, err
	}
	return c, m, nil
}

// checkTarget checks, in tx, that the request is still open or matched
// and the offer still active.
func checkTarget(ctx context.Context, tx *store.Tx, in StartInput) error {
	var status string
	switch {
	case in.RequestID != "":
		if err := tx.QueryRow(ctx, "SELECT status FROM requests WHERE id = ?", in.RequestID).Scan(&status); err != nil {
			return notFound(err)
		}
		if status != help.StatusOpen && status != help.StatusMatched {
			return apperr.New(409, "request_closed", "message.request_closed")
		}
	case in.OfferID != "":
		if err := tx.QueryRow(ctx, "SELECT status FROM offers WHERE id = ?", in.OfferID).Scan(&status); err != nil {
			return notFound(err)
		}
		if status != help.OfferActive {
			return apperr.New(409, "offer_closed", "message.offer_closed")
		}
	}
	return nil
}

func notFound(err error) error {
	if errors.Is(err, store.ErrNotFound) {
		return apperr.NotFound()
	}
	return err
}
