package trust

import (
	"context"
	"errors"

	"github.com/google/uuid"

	"github.com/noaber/noaber/internal/account"
	"github.com/noaber/noaber/internal/apperr"
	"github.com/noaber/noaber/internal/store"
)

// vouchee reads the edition of the user coord wants to vouch for, and
// says whether coord may: a coordinator of that edition (or a platform
// admin), for an active account other than their own.
func (s *Service) vouchee(ctx context.Context, coord *account.User, userID string) (editionID string, ok bool, err error) {
	if userID == "" || userID == coord.ID {
		return "", false, nil
	}
	var status string
	err = s.db.QueryRow(ctx, "SELECT edition_id, status FROM users WHERE id = ?", userID).Scan(&editionID, &status)
	if errors.Is(err, store.ErrNotFound) {
		return "", false, nil
	}
	if err != nil || status != account.StatusActive {
		return "", false, err
	}
	ok, err = s.coordinates(ctx, coord, editionID)
	return editionID, ok, err
}

// CanVouch says whether coord may vouch for the user.
func (s *Service) CanVouch(ctx context.Context, coord *account.User, userID string) (bool, error) {
	_, ok, err := s.vouchee(ctx, coord, userID)
	return ok, err
}

// Vouch marks the user known to coord's organisation, in place of an
// earlier vouch in the same edition (one active vouch per person and
// edition: the newest says what is true now). Errors: 422 fields
// organisation, vog_checked_on; 404 when coord may not.
func (s *Service) Vouch(ctx context.Context, coord *account.User, userID string, in VouchInput) error {
	org := cleanLine(in.Organisation)
	var c apperr.Collector
	checkLine(&c, "organisation", org, MaxOrganisation)
	var vog any
	if in.VOGCheckedOn != nil && !in.VOGCheckedOn.IsZero() {
		day := vogDay(*in.VOGCheckedOn)
		today := vogDay(s.now().In(account.Amsterdam))
		if day.After(today) {
			c.Add("vog_checked_on", "trust.vog_future")
		}
		vog = day
	}
	if err := c.Err(); err != nil {
		return err
	}
	editionID, ok, err := s.vouchee(ctx, coord, userID)
	if err != nil || !ok {
		return notFoundOr(err)
	}
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		now := s.now()
		if _, err := tx.Exec(ctx, "UPDATE vouches SET revoked_at = ? WHERE user_id = ? AND edition_id = ? AND revoked_at IS NULL",
			now, userID, editionID); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO vouches (id, user_id, edition_id, organisation, vouched_by, vog_checked_on, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, uuid.Must(uuid.NewV7()).String(), userID, editionID, org, coord.ID, vog, now)
		return err
	})
}

// Unvouch withdraws the user's vouch in their edition; withdrawing when
// there is none is fine.
func (s *Service) Unvouch(ctx context.Context, coord *account.User, userID string) error {
	editionID, ok, err := s.vouchee(ctx, coord, userID)
	if err != nil || !ok {
		return notFoundOr(err)
	}
	_, err = s.db.Exec(ctx, "UPDATE vouches SET revoked_at = ? WHERE user_id = ? AND edition_id = ? AND revoked_at IS NULL",
		s.now(), userID, editionID)
	return err
}
