package moderation

import (
	"context"
	"fmt"
	"time"

	"github.com/noaber/noaber/internal/account"
	"github.com/noaber/noaber/internal/jobs"
	"github.com/noaber/noaber/internal/store"
)

// LiftKind is the job that ends a suspension when its period runs out.
const LiftKind = "moderation.lift"

// liftPayload is a LiftKind job: lift the user's suspension if it is
// still the one that ends at Until (a moderator may have lifted it, or
// suspended again for longer, since).
type liftPayload struct {
	UserID string    `json:"user_id"`
	Until  time.Time `json:"until"`
}

// scheduleLift queues the end of a suspension with an end, in its
// transaction.
func (s *Service) scheduleLift(ctx context.Context, tx *store.Tx, a *Action, now time.Time) error {
	_, err := jobs.EnqueueAt(ctx, tx, now, LiftKind, liftPayload{UserID: a.SubjectID, Until: a.Until}, jobs.At(a.Until))
	return err
}

// liftJob is the LiftKind handler: it lifts the suspension as the system
// (no actor), with its audit row, the e-mail and nothing else.
func (s *Service) liftJob(ctx context.Context, job *jobs.Job) error {
	var p liftPayload
	if err := job.Decode(&p); err != nil || p.UserID == "" || p.Until.IsZero() {
		return jobs.Permanent(fmt.Errorf("moderation: lift job %s: bad payload %s", job.ID, job.Payload))
	}
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		who, err := readPerson(ctx, tx, p.UserID)
		if err != nil {
			return jobs.Permanent(err)
		}
		if who.Status != account.StatusSuspended || !who.SuspendedUntil.Equal(p.Until.UTC()) {
			return nil
		}
		if s.opt.Now().Before(p.Until) {
			return fmt.Errorf("moderation: lift job %s ran before %s", job.ID, p.Until)
		}
		_, err = s.apply(ctx, tx, "", p.UserID, who.EditionID, nil, Decision{Action: Lift, Reason: ReasonExpired})
		return err
	})
}
