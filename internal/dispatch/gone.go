package dispatch

import (
	"context"
	"errors"

	"github.com/noaber/noaber/internal/store"
)

// HelperGone withdraws the open and scheduled invitations of a helper
// whose account was suspended or removed, in tx, and moves each of those
// dispatches on to the next helper.
func (s *Service) HelperGone(ctx context.Context, tx *store.Tx, helperID string) error {
	return errors.New("dispatch: HelperGone not implemented")
}
