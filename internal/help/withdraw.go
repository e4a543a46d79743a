package help

import (
	"context"
	"errors"

	"github.com/noaber/noaber/internal/store"
)

// WithdrawUser closes what a suspended or removed user has out in the
// open, in tx: their open and matched requests are cancelled (the Closed
// hook stops their dispatches and withdraws the invitations) and their
// active offers closed.
func (s *Service) WithdrawUser(ctx context.Context, tx *store.Tx, userID string) error {
	return errors.New("help: WithdrawUser not implemented")
}
