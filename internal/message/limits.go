package message

import (
	"context"
	"time"

	"github.com/noaber/noaber/internal/account"
	"github.com/noaber/noaber/internal/apperr"
	"github.com/noaber/noaber/internal/store"
	"github.com/noaber/noaber/internal/trust"
)

// New accounts may start only a few new conversations a day: someone who
// signs up to approach strangers (for a date, for money) does it in the
// first days, while a neighbour who really needs or offers help seldom
// writes to more than a few people a day. The cap rises as the account
// ages and doubles once the account has a trust signal (a vouch, a
// neighbourhood-watch group, people helped, a thank-you note): then
// someone has met them. After the first week there is no cap; the flag
// rules (flag.Rules.TooManyContacts, tuned per edition) still put a busy
// new account in the moderators' queue.
//
// Conversations the dispatcher opened (a helper accepting an invitation)
// do not count: the account did not seek that contact.
const (
	newAccountPeriod = 7 * 24 * time.Hour
	trustedFactor    = 2
)

// contactCaps is the cap on conversations started in 24 hours, by account
// age: the first entry whose age the account is under applies.
var contactCaps = []struct {
	under time.Duration
	max   int
}{
	{24 * time.Hour, 3},     // day one
	{3 * 24 * time.Hour, 5}, // days two and three
	{newAccountPeriod, 8},   // the rest of the first week
}

// contactCap is how many conversations an account of this age may start
// in 24 hours; 0 means no cap.
func contactCap(age time.Duration, trusted bool) int {
	for _, c := range contactCaps {
		if age < c.under {
			if trusted {
				return c.max * trustedFactor
			}
			return c.max
		}
	}
	return 0
}

// checkContactCap refuses, in tx, a new conversation of a new account
// that reached its cap: 429 "contact_limit".
func checkContactCap(ctx context.Context, tx *store.Tx, me *account.User, now time.Time) error {
	if now.Sub(me.CreatedAt) >= newAccountPeriod {
		return nil
	}
	// Through the seeker and helper indexes: a new account has few rows.
	var started, trusted int
	if err := tx.QueryRow(ctx, `SELECT
		(SELECT COUNT(*) FROM conversations c WHERE (c.seeker_id = ? OR c.helper_id = ?) AND c.started_by = ? AND c.created_at > ?
			AND NOT EXISTS (SELECT 1 FROM dispatches d WHERE d.request_id = c.request_id AND d.helper_id = c.helper_id)),
		CASE WHEN `+trust.HasSignalSQL("u.id")+` THEN 1 ELSE 0 END
		FROM users u WHERE u.id = ?`, me.ID, me.ID, me.ID, now.Add(-24*time.Hour), me.ID).Scan(&started, &trusted); err != nil {
		return err
	}
	limit := contactCap(now.Sub(me.CreatedAt), trusted == 1)
	if limit > 0 && started >= limit {
		return apperr.New(429, "contact_limit", "message.contact_limit", "max", limit)
	}
	return nil
}
