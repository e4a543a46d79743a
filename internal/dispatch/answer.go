package dispatch

import (
	"context"
	"errors"
	"time"

	"github.com/noaber/noaber/internal/account"
	"github.com/noaber/noaber/internal/apperr"
	"github.com/noaber/noaber/internal/help"
	"github.com/noaber/noaber/internal/message"
	"github.com/noaber/noaber/internal/notify"
	"github.com/noaber/noaber/internal/store"
)

// Answers to invitations. Both lock the request first, so of many helpers
// who say yes at the same moment exactly one finds the dispatch still
// searching: the compare-and-set is the status check under the lock, and
// on PostgreSQL the row lock makes the others wait and then re-read.

// answerable loads helper's invitation id under the lock of its request and
// checks that it can still be answered; nothing is changed when it cannot.
func (s *Service) answerable(ctx context.Context, tx *store.Tx, helper *account.User, id string) (*invitationRow, *dispatchRow, error) {
	inv, d, err := lockInvitation(ctx, tx, id)
	if errors.Is(err, store.ErrNotFound) || (err == nil && (inv.helperID != helper.ID || inv.status == InvScheduled)) {
		return nil, nil, apperr.NotFound()
	}
	if err != nil {
		return nil, nil, err
	}
	switch inv.status {
	case InvOpen:
		if !s.now().Before(inv.deadline) {
			return nil, nil, apperr.New(409, "invitation_expired", "dispatch.invitation_expired")
		}
		return inv, d, nil
	case InvExpired:
		return nil, nil, apperr.New(409, "invitation_expired", "dispatch.invitation_expired")
	case InvWithdrawn:
		if inv.withdrawnWhy == WithdrawnMatched {
			return nil, nil, apperr.New(409, "already_matched", "dispatch.already_matched")
		}
		return nil, nil, apperr.New(409, "invitation_withdrawn", "dispatch.invitation_withdrawn")
	default:
		return nil, nil, apperr.New(409, "invitation_answered", "dispatch.invitation_answered")
	}
}

// Accept says yes to an open invitation. Exactly one helper wins a
// request: the others get 409 already_matched. Errors: 404 not found (not
// theirs), 409 invitation_expired, invitation_withdrawn, already_matched,
// invitation_answered (answered before).
func (s *Service) Accept(ctx context.Context, helper *account.User, id string) (*Match, error) {
	var m *Match
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		_, d, err := s.answerable(ctx, tx, helper, id)
		if err != nil {
			return err
		}
		if d.status == Matched {
			return apperr.New(409, "already_matched", "dispatch.already_matched")
		}
		if d.status == Stopped {
			return apperr.New(409, "invitation_withdrawn", "dispatch.invitation_withdrawn")
		}
		now := s.now()
		if _, err := tx.Exec(ctx, "UPDATE invitations SET status = ?, answered_at = ? WHERE id = ?", InvAccepted, now, id); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "UPDATE dispatches SET status = ?, helper_id = ?, updated_at = ? WHERE request_id = ?",
			Matched, helper.ID, now, d.requestID); err != nil {
			return err
		}
		if err := help.MarkMatched(ctx, tx, d.requestID, now); err != nil {
			return err
		}
		if err := s.withdraw(ctx, tx, d.requestID, id, WithdrawnMatched); err != nil {
			return err
		}
		var seeker string
		if err := tx.QueryRow(ctx, "SELECT seeker_id FROM requests WHERE id = ?", d.requestID).Scan(&seeker); err != nil {
			return err
		}
		conv, err := message.Open(ctx, tx, d.requestID, seeker, helper.ID, now)
		if err != nil {
			return err
		}
		if _, err := notify.Add(ctx, tx, notify.Notice{UserID: seeker, Kind: notify.Matched, Ref: d.requestID, RequestID: d.requestID}, now); err != nil {
			return err
		}
		m = &Match{RequestID: d.requestID, ConversationID: conv}
		return nil
	})
	return m, err
}

// Decline says "not this time" to an open invitation; with pauseDays > 0
// (at most MaxPauseDays) the helper also gets no invitations for that
// many days. Errors as Accept, and 422 field "pause_days".
func (s *Service) Decline(ctx context.Context, helper *account.User, id string, pauseDays int) error {
	if pauseDays < 0 || pauseDays > MaxPauseDays {
		return apperr.Invalid(apperr.FieldError{Field: "pause_days", Key: "dispatch.pause_days_invalid", Args: []any{"max", MaxPauseDays}})
	}
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		inv, d, err := s.answerable(ctx, tx, helper, id)
		if err != nil {
			return err
		}
		now := s.now()
		if _, err := tx.Exec(ctx, "UPDATE invitations SET status = ?, answered_at = ? WHERE id = ?", InvDeclined, now, inv.id); err != nil {
			return err
		}
		if pauseDays > 0 {
			if err := help.PauseHelper(ctx, tx, helper.ID, now.Add(time.Duration(pauseDays)*24*time.Hour), now); err != nil {
				return err
			}
		}
		return s.advance(ctx, tx, d)
	})
}
