package sim

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"time"

	"github.com/noaber/noaber/internal/apperr"
	"github.com/noaber/noaber/internal/i18n"
	"github.com/noaber/noaber/internal/store"
)

// answer is a helper's planned answer to an open invitation.
type answer struct {
	at          time.Time
	invitation  string
	req, helper int
	yes         bool
}

// tally counts what the helpers did; the rest of the report is read from
// the database afterwards.
type tally struct {
	accepted, declined int
	late               int // answered after the deadline, or after someone else said yes
}

// loop is the event loop: it moves the clock to the next moment anything
// happens (a request is posted, a helper answers, a job is due), does it,
// and runs every job that is due then. It ends when every request was
// posted and no search is still going, or a good while after the last
// request (whatever is still open then stays open in the report).
func (w *world) loop(ctx context.Context) error {
	var pending []answer
	seen := map[string]bool{} // invitations whose answer is planned (or that get none)
	next := 0
	end := Start.Add(time.Duration(w.cfg.Days)*24*time.Hour + time.Duration(w.cfg.Settings.EscalateHours+48)*time.Hour)
	still := 0
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		now := w.clock.now()
		for next < len(w.requests) && !w.requests[next].at.After(now) {
			if err := w.post(ctx, next); err != nil {
				return err
			}
			next++
		}
		sort.Slice(pending, func(a, b int) bool {
			x, y := pending[a], pending[b]
			if !x.at.Equal(y.at) {
				return x.at.Before(y.at)
			}
			if x.req != y.req {
				return x.req < y.req
			}
			return x.helper < y.helper
		})
		k := 0
		for k < len(pending) && !pending[k].at.After(now) {
			if err := w.give(ctx, pending[k]); err != nil {
				return err
			}
			k++
		}
		pending = pending[k:]
		if _, err := w.jobs.RunDue(ctx); err != nil {
			return err
		}
		planned, err := w.plan(ctx, seen)
		if err != nil {
			return err
		}
		pending = append(pending, planned...)

		if next == len(w.requests) && len(pending) == 0 {
			busy, err := w.busy(ctx)
			if err != nil {
				return err
			}
			if !busy {
				return nil
			}
		}
		t := end
		if next < len(w.requests) && w.requests[next].at.Before(t) {
			t = w.requests[next].at
		}
		for _, a := range pending {
			if a.at.Before(t) {
				t = a.at
			}
		}
		var job time.Time
		err = w.db.QueryRow(ctx, "SELECT run_at FROM jobs WHERE state = 'pending' ORDER BY run_at LIMIT 1").Scan(&job)
		switch {
		case err == nil && job.Before(t):
			t = job.UTC()
		case err != nil && !errors.Is(err, store.ErrNotFound):
			return err
		}
		if !t.Before(end) && now.Equal(end) {
			return nil
		}
		// A moment that does not move on twice in a row would mean a job
		// that stays due after RunDue: stop rather than spin.
		if t.After(now) {
			still = 0
		} else if still++; still > 3 {
			return errStuck
		}
		if t.Before(now) {
			t = now
		}
		w.clock.set(t)
	}
}

// post puts request i on the platform, as its seeker does.
func (w *world) post(ctx context.Context, i int) error {
	p := &w.requests[i]
	v, err := w.help.CreateRequest(ctx, w.seekers[p.seeker], p.in, i18n.NL)
	if err != nil {
		return fmt.Errorf("post request %d (%s, %s %s %s-%s): %w", i+1, p.in.CategoryID, p.in.WhenKind, p.in.Date, p.in.From, p.in.To, err)
	}
	p.id = v.ID
	w.reqNo[v.ID] = i
	return nil
}

// plan draws the answers to invitations that were sent since the last
// look. Each (request, helper) pair has its own generator, so the answer
// does not depend on when or in which order the invitation came.
func (w *world) plan(ctx context.Context, seen map[string]bool) ([]answer, error) {
	rows, err := w.db.Query(ctx, "SELECT id, request_id, helper_id, sent_at FROM invitations WHERE status = 'open' ORDER BY sent_at, id")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []answer
	for rows.Next() {
		var id, reqID, helperID string
		var sent time.Time
		if err := rows.Scan(&id, &reqID, &helperID, &sent); err != nil {
			return nil, err
		}
		if seen[id] {
			continue
		}
		seen[id] = true
		req, ok1 := w.reqNo[reqID]
		h, ok2 := w.helperNo[helperID]
		if !ok1 || !ok2 {
			return nil, fmt.Errorf("invitation %s for an unknown request or helper", id)
		}
		hp := w.helpers[h]
		r := rand.New(rand.NewPCG(uint64(w.cfg.Seed), uint64(req)<<32|uint64(h)))
		answers, yes := r.Float64() < hp.answer, r.Float64() < hp.yes
		minutes := hp.delay * math.Exp(w.cfg.Response.Sigma*r.NormFloat64())
		if !answers {
			continue
		}
		delay := max(time.Duration(minutes*float64(time.Minute)).Round(time.Second), 10*time.Second)
		out = append(out, answer{at: sent.UTC().Add(delay), invitation: id, req: req, helper: h, yes: yes})
	}
	return out, rows.Err()
}

// give is a helper's tap on "yes" or "not this time". An answer the
// Service refuses (too late, someone else was first) is what a real
// helper would see too; anything else is a fault.
func (w *world) give(ctx context.Context, a answer) error {
	u := w.helpers[a.helper].user
	var err error
	if a.yes {
		_, err = w.dispatch.Accept(ctx, u, a.invitation)
	} else {
		err = w.dispatch.Decline(ctx, u, a.invitation, 0)
	}
	var ae *apperr.Error
	switch {
	case err == nil && a.yes:
		w.tally.accepted++
	case err == nil:
		w.tally.declined++
	case errors.As(err, &ae) && ae.Status == 409:
		w.tally.late++
	default:
		return fmt.Errorf("helper %d answers invitation %s (yes=%v): %w", a.helper, a.invitation, a.yes, err)
	}
	return nil
}

// busy reports whether a search is still going or an invitation still
// waits for an answer.
func (w *world) busy(ctx context.Context) (bool, error) {
	var n int
	err := w.db.QueryRow(ctx, `SELECT (SELECT COUNT(*) FROM dispatches WHERE status = 'searching')
		+ (SELECT COUNT(*) FROM invitations WHERE status IN ('open', 'scheduled'))`).Scan(&n)
	return n > 0, err
}
