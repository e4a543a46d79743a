package account

import (
	"context"
	"errors"
	"time"
)

// BlockedUser is someone the user blocked, as listed in their settings.
type BlockedUser struct {
	ID          string
	DisplayName string
	Since       time.Time
}

// Block makes blocker and the user blockedID invisible to each other:
// neither sees the other's profile, requests or offers, and nothing later
// connects them. Blocking someone twice is not an error.
func (s *Service) Block(ctx context.Context, blocker *User, blockedID string) error {
	return errors.New("account: not implemented yet")
}

// Unblock lifts a block the user made.
func (s *Service) Unblock(ctx context.Context, blocker *User, blockedID string) error {
	return errors.New("account: not implemented yet")
}

// BlockedUsers lists whom the user blocked, newest first.
func (s *Service) BlockedUsers(ctx context.Context, u *User) ([]BlockedUser, error) {
	return nil, errors.New("account: not implemented yet")
}

// SetDevicePosition stores the position the user's device gave (with the
// user's consent) as their own, more precise position. Moving is limited to
// a few times a day, so nobody can probe distances from many points.
func (s *Service) SetDevicePosition(ctx context.Context, u *User, lat, lng float64) error {
	return errors.New("account: not implemented yet")
}
