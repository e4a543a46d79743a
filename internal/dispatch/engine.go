package dispatch

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/google/uuid"

	"github.com/noaber/noaber/internal/account"
	"github.com/noaber/noaber/internal/help"
	"github.com/noaber/noaber/internal/jobs"
	"github.com/noaber/noaber/internal/notify"
	"github.com/noaber/noaber/internal/store"
	"github.com/noaber/noaber/internal/trust"
)

// The engine: what moves a dispatch on. Every entry point runs in one
// transaction that first locks the request's row and then its dispatches
// row (always in that order, on every path, so two paths never deadlock),
// and re-reads the state under the lock before acting.

func (s *Service) now() time.Time { return s.opt.Now().UTC().Truncate(time.Microsecond) }

// dispatchRow is the locked state of one dispatch.
type dispatchRow struct {
	requestID  string
	editionID  string
	status     string
	radiusKm   float64
	escalateAt time.Time
	helperID   string
}

// lock locks a request and its dispatch for the rest of tx and reads the
// dispatch; store.ErrNotFound when the request has none.
func lock(ctx context.Context, tx *store.Tx, requestID string) (*dispatchRow, error) {
	forUpdate := ""
	if tx.Engine() == store.Postgres {
		// SQLite needs nothing: its transactions take the write lock up
		// front (_txlock=immediate), so they are serial already.
		forUpdate = " FOR UPDATE"
	}
	var one int
	if err := tx.QueryRow(ctx, "SELECT 1 FROM requests WHERE id = ?"+forUpdate, requestID).Scan(&one); err != nil {
		return nil, err
	}
	var d dispatchRow
	var helper sql.NullString
	err := tx.QueryRow(ctx, `SELECT request_id, edition_id, status, radius_km, escalate_at, helper_id
		FROM dispatches WHERE request_id = ?`+forUpdate, requestID).
		Scan(&d.requestID, &d.editionID, &d.status, &d.radiusKm, &d.escalateAt, &helper)
	d.helperID = helper.String
	return &d, err
}

// requestPosted is help's Posted hook: a request that invites helpers gets
// a dispatch, whose first step runs as a job right after the commit.
func (s *Service) requestPosted(ctx context.Context, tx *store.Tx, t *help.Target) error {
	if t.ShowOnly {
		return nil
	}
	set, err := editionSettings(ctx, tx, t.EditionID)
	if err != nil {
		return err
	}
	now := s.now()
	esc := escalateAt(set, t.When, now)
	if _, err := tx.Exec(ctx, `INSERT INTO dispatches (request_id, edition_id, status, radius_km, escalate_at, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, t.ID, t.EditionID, Searching, firstRadius(set.MaxKm), esc, now, now); err != nil {
		return err
	}
	if err := s.jobs.Enqueue(ctx, tx, JobStart, requestRef{t.ID}); err != nil {
		return err
	}
	return s.jobs.Enqueue(ctx, tx, JobEscalate, requestRef{t.ID}, jobs.At(esc))
}

// requestsClosed is help's Closed hook: the dispatches of cancelled or
// expired requests stop, and their open invitations are withdrawn.
func (s *Service) requestsClosed(ctx context.Context, tx *store.Tx, ids []string) error {
	for _, id := range ids {
		d, err := lock(ctx, tx, id)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return err
		}
		if d.status == Searching || d.status == Escalated {
			if _, err := tx.Exec(ctx, "UPDATE dispatches SET status = ?, updated_at = ? WHERE request_id = ?",
				Stopped, s.now(), id); err != nil {
				return err
			}
		}
		if err := s.withdraw(ctx, tx, id, "", WithdrawnClosed); err != nil {
			return err
		}
	}
	return nil
}

// withdraw withdraws the open and scheduled invitations of a request
// (except the one with id keep) and tells the helpers who had seen theirs.
func (s *Service) withdraw(ctx context.Context, tx *store.Tx, requestID, keep, reason string) error {
	rows, err := tx.Query(ctx, `UPDATE invitations SET status = ?, withdrawn_why = ?
		WHERE request_id = ? AND id <> ? AND status IN (?, ?) RETURNING id, helper_id, sent_at`,
		InvWithdrawn, reason, requestID, keep, InvScheduled, InvOpen)
	if err != nil {
		return err
	}
	type seen struct{ id, helper string }
	var tell []seen
	for rows.Next() {
		var id, helper string
		var sent sql.NullTime
		if err := rows.Scan(&id, &helper, &sent); err != nil {
			rows.Close()
			return err
		}
		if sent.Valid {
			tell = append(tell, seen{id, helper})
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, t := range tell {
		if _, err := notify.Add(ctx, tx, notify.Notice{UserID: t.helper, Kind: notify.InvitationWithdrawn, Ref: t.id, RequestID: requestID}, s.now()); err != nil {
			return err
		}
	}
	return nil
}

type requestRef struct {
	RequestID string `json:"request_id"`
}

type invitationRef struct {
	InvitationID string `json:"invitation_id"`
}

// registerJobs installs the dispatcher's job handlers on the queue. Each
// runs in one transaction; a job about a row deleted since does nothing.
func (s *Service) registerJobs() {
	byRequest := func(step func(context.Context, *store.Tx, string) error) jobs.Handler {
		return func(ctx context.Context, j *jobs.Job) error {
			var p requestRef
			if err := j.Decode(&p); err != nil {
				return jobs.Permanent(err)
			}
			return s.db.InTx(ctx, func(tx *store.Tx) error { return gone(step(ctx, tx, p.RequestID)) })
		}
	}
	byInvitation := func(step func(context.Context, *store.Tx, string) error) jobs.Handler {
		return func(ctx context.Context, j *jobs.Job) error {
			var p invitationRef
			if err := j.Decode(&p); err != nil {
				return jobs.Permanent(err)
			}
			return s.db.InTx(ctx, func(tx *store.Tx) error { return gone(step(ctx, tx, p.InvitationID)) })
		}
	}
	s.jobs.Handle(JobStart, byRequest(s.step))
	s.jobs.Handle(JobEscalate, byRequest(s.escalateDue))
	s.jobs.Handle(JobSend, byInvitation(s.sendScheduled))
	s.jobs.Handle(JobDeadline, byInvitation(s.deadlinePassed))
}

// step locks a dispatch and moves it on.
func (s *Service) step(ctx context.Context, tx *store.Tx, requestID string) error {
	d, err := lock(ctx, tx, requestID)
	if err != nil {
		return err
	}
	return s.advance(ctx, tx, d)
}

// escalateDue escalates a search that is still going at its escalation
// deadline.
func (s *Service) escalateDue(ctx context.Context, tx *store.Tx, requestID string) error {
	d, err := lock(ctx, tx, requestID)
	if err != nil {
		return err
	}
	// A retry by a coordinator moves escalate_at on and enqueues its own
	// job: this one is then early and does nothing.
	if d.status != Searching || s.now().Before(d.escalateAt) {
		return nil
	}
	return s.escalate(ctx, tx, d, ReasonDeadline)
}

// advance invites helpers until the edition's batch of unanswered
// invitations is full, widening the search step by step, and escalates
// when every helper within the edition's maximum was asked. d is locked.
func (s *Service) advance(ctx context.Context, tx *store.Tx, d *dispatchRow) error {
	if d.status != Searching {
		return nil
	}
	t, err := help.DispatchTarget(ctx, tx, d.requestID)
	if err != nil {
		return err
	}
	if t.Status != help.StatusOpen {
		return nil // the Closed hook stops it
	}
	set, err := editionSettings(ctx, tx, d.editionID)
	if err != nil {
		return err
	}
	var active int
	if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM invitations WHERE request_id = ? AND status IN (?, ?)",
		d.requestID, InvScheduled, InvOpen).Scan(&active); err != nil {
		return err
	}
	need := set.Batch - active
	if need <= 0 {
		return nil
	}
	ex, err := s.exclusions(ctx, tx, t)
	if err != nil {
		return err
	}
	radius := d.radiusKm
	if radius > set.MaxKm {
		radius = set.MaxKm
	}
	for need > 0 {
		cands, err := s.candidates(ctx, tx, t, radius, ex, set)
		if err != nil {
			return err
		}
		for _, c := range cands {
			if need == 0 {
				break
			}
			// ex.invited holds everyone asked for this request so far.
			if err := s.invite(ctx, tx, t, c, len(ex.invited)+1, set); err != nil {
				return err
			}
			ex.invited[c.userID] = true
			active++
			need--
		}
		if need == 0 {
			break
		}
		next := nextRadius(radius, set.MaxKm)
		if next == 0 {
			if active == 0 {
				return s.escalate(ctx, tx, d, ReasonExhausted)
			}
			break
		}
		radius = next
	}
	if radius != d.radiusKm {
		d.radiusKm = radius
		_, err := tx.Exec(ctx, "UPDATE dispatches SET radius_km = ?, updated_at = ? WHERE request_id = ?", radius, s.now(), d.requestID)
		return err
	}
	return nil
}

// exclusion is who may not be invited for a request.
type exclusion struct {
	invited map[string]bool // asked before for this request (any answer)
	blocked map[string]bool // blocked by or blocking the seeker
}

func (s *Service) exclusions(ctx context.Context, tx *store.Tx, t *help.Target) (*exclusion, error) {
	ex := &exclusion{invited: map[string]bool{}, blocked: map[string]bool{t.SeekerID: true}}
	if err := collect(ctx, tx, ex.invited, "SELECT helper_id FROM invitations WHERE request_id = ?", t.ID); err != nil {
		return nil, err
	}
	blocked, err := account.BlockedWith(ctx, tx, t.SeekerID)
	for id := range blocked {
		ex.blocked[id] = true
	}
	return ex, err
}

func collect(ctx context.Context, q store.Querier, into map[string]bool, query string, args ...any) error {
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return err
		}
		into[id] = true
	}
	return rows.Err()
}

// candidates returns, best first, the helpers within km of the request who
// may be invited now or after their quiet hours. It asks the spatial index
// for the nearest helpers, more when most of them are excluded, so a
// dense city costs no more than a village.
func (s *Service) candidates(ctx context.Context, tx *store.Tx, t *help.Target, km float64, ex *exclusion, set EditionSettings) ([]candidate, error) {
	now := s.now()
	wanted := wantedParts(t.When)
	k := 20 + len(ex.invited)
	for {
		near, err := s.help.NearestHelpers(ctx, t.CategoryID, t.Point, km, k)
		if err != nil {
			return nil, err
		}
		var ids []string
		kms := map[string]float64{}
		for _, h := range near {
			if !ex.invited[h.UserID] && !ex.blocked[h.UserID] {
				ids = append(ids, h.UserID)
				kms[h.UserID] = h.Km
			}
		}
		cands, err := s.eligible(ctx, tx, t, ids, kms, wanted, set, now)
		if err != nil {
			return nil, err
		}
		if len(cands) > 0 || len(near) < k || k >= 5000 {
			rank(cands, s.opt.Weights, now)
			return cands, nil
		}
		k *= 4 // all of the nearest were excluded: look further
	}
}

// eligible keeps the helpers whose settings allow an invitation for t:
// active accounts, available in its time, under their weekly maximum,
// reachable before the request begins, and with a trust signal when the
// seeker asked for that; it fills in what ranks them.
func (s *Service) eligible(ctx context.Context, tx *store.Tx, t *help.Target, ids []string, kms map[string]float64,
	wanted int, set EditionSettings, now time.Time) ([]candidate, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	args := []any{now.Add(-7 * 24 * time.Hour), InvAccepted, InvDeclined, InvAccepted, InvDeclined, InvExpired,
		now.Add(-90 * 24 * time.Hour), t.CategoryID, help.OfferActive}
	for _, id := range ids {
		args = append(args, id)
	}
	// One row per helper: settings, the recent invitations (all in the
	// invitations_helper index range) and whether they have an active
	// offer in the category.
	// A helper who never saved settings has help's defaults.
	args = append([]any{allParts, help.DefaultQuietStartMinutes, help.DefaultQuietEndMinutes, help.DefaultWeeklyMax}, args...)
	// The helper index leaves out suspended and removed accounts, but it
	// reads outside tx: an account suspended in this very transaction
	// (HelperGone) must not be invited either.
	trusted := ""
	if t.TrustedOnly {
		trusted = " AND " + trust.HasSignalSQL("u.id")
	}
	rows, err := tx.Query(ctx, `SELECT u.id, COALESCE(hs.availability, ?), COALESCE(hs.quiet_start, ?),
			COALESCE(hs.quiet_end, ?), COALESCE(hs.weekly_max, ?),
			COALESCE(SUM(CASE WHEN i.created_at > ? THEN 1 ELSE 0 END), 0),
			COALESCE(SUM(CASE WHEN i.status IN (?, ?) AND i.answered_at <= i.deadline_at THEN 1 ELSE 0 END), 0),
			COALESCE(SUM(CASE WHEN i.status IN (?, ?, ?) THEN 1 ELSE 0 END), 0),
			MAX(o.user_id)
		FROM users u
		LEFT JOIN helper_settings hs ON hs.user_id = u.id
		LEFT JOIN invitations i ON i.helper_id = u.id AND i.created_at > ?
		LEFT JOIN (SELECT DISTINCT user_id FROM offers WHERE category_id = ? AND status = ?) o ON o.user_id = u.id
		WHERE u.id IN (`+store.Placeholders(len(ids))+`) AND u.status = 'active'`+trusted+`
		GROUP BY u.id, hs.availability, hs.quiet_start, hs.quiet_end, hs.weekly_max`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []candidate
	for rows.Next() {
		var c candidate
		var avail, qs, qe, weeklyMax, inTime, concluded int
		var offer sql.NullString
		if err := rows.Scan(&c.userID, &avail, &qs, &qe, &weeklyMax, &c.recent, &inTime, &concluded, &offer); err != nil {
			return nil, err
		}
		availFit, ok := availabilityFit(avail, wanted)
		if !ok || c.recent >= weeklyMax {
			continue
		}
		c.sendAt = help.WakeAt(now, qs, qe)
		if tooLate(t.When, c.sendAt) {
			continue // asleep until the help is no longer needed
		}
		c.km = kms[c.userID]
		c.fit = availFit / 2
		if offer.Valid {
			c.fit += 0.5
		}
		c.reliability = reliabilityOf(inTime, concluded)
		out = append(out, c)
	}
	return out, rows.Err()
}

// invite writes an invitation for c: sent now, or scheduled for the end of
// the helper's quiet hours; rank is its place among the request's
// invitations.
func (s *Service) invite(ctx context.Context, tx *store.Tx, t *help.Target, c candidate, rank int, set EditionSettings) error {
	now := s.now()
	whyJSON, _ := json.Marshal(c.why())
	id := uuid.Must(uuid.NewV7()).String()
	deadline := c.sendAt.Add(answerWindow(set, t.When, c.sendAt))
	status := InvOpen
	var sent any = now
	if c.sendAt.After(now) {
		status, sent = InvScheduled, nil
	}
	if _, err := tx.Exec(ctx, `INSERT INTO invitations (id, request_id, helper_id, status, rank_no, why, send_at, sent_at,
		deadline_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		id, t.ID, c.userID, status, rank, string(whyJSON), c.sendAt, sent, deadline, now); err != nil {
		return fmt.Errorf("invite: %w", err)
	}
	if status == InvScheduled {
		return s.jobs.Enqueue(ctx, tx, JobSend, invitationRef{id}, jobs.At(c.sendAt))
	}
	return s.opened(ctx, tx, id, c.userID, t.ID, deadline)
}

// opened tells the helper about a sent invitation and schedules its
// deadline.
func (s *Service) opened(ctx context.Context, tx *store.Tx, id, helperID, requestID string, deadline time.Time) error {
	if _, err := notify.Add(ctx, tx, notify.Notice{UserID: helperID, Kind: notify.Invitation, Ref: id, RequestID: requestID}, s.now()); err != nil {
		return err
	}
	return s.jobs.Enqueue(ctx, tx, JobDeadline, invitationRef{id}, jobs.At(deadline))
}

// invitationRow is an invitation as the engine reads it.
type invitationRow struct {
	id, requestID, helperID, status, withdrawnWhy string
	deadline                                      time.Time
}

func readInvitation(ctx context.Context, q store.Querier, id string) (*invitationRow, error) {
	var r invitationRow
	err := q.QueryRow(ctx, "SELECT id, request_id, helper_id, status, withdrawn_why, deadline_at FROM invitations WHERE id = ?", id).
		Scan(&r.id, &r.requestID, &r.helperID, &r.status, &r.withdrawnWhy, &r.deadline)
	return &r, err
}

// lockInvitation locks the request of invitation id and its dispatch, and
// reads the invitation again under that lock (an answer or a job may
// have changed it just before); store.ErrNotFound when any of them is
// gone.
func lockInvitation(ctx context.Context, tx *store.Tx, id string) (*invitationRow, *dispatchRow, error) {
	inv, err := readInvitation(ctx, tx, id)
	if err != nil {
		return nil, nil, err
	}
	d, err := lock(ctx, tx, inv.requestID)
	if err != nil {
		return nil, nil, err
	}
	inv, err = readInvitation(ctx, tx, id)
	return inv, d, err
}

// gone turns "not found" into nothing to do: a job about a row deleted
// since (an account removed with its requests).
func gone(err error) error {
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	return err
}

// sendScheduled sends an invitation whose helper's quiet hours are over.
func (s *Service) sendScheduled(ctx context.Context, tx *store.Tx, id string) error {
	inv, d, err := lockInvitation(ctx, tx, id)
	if err != nil || inv.status != InvScheduled {
		return err
	}
	t, err := help.DispatchTarget(ctx, tx, inv.requestID)
	if err != nil {
		return err
	}
	set, err := editionSettings(ctx, tx, d.editionID)
	if err != nil {
		return err
	}
	now := s.now()
	deadline := now.Add(answerWindow(set, t.When, now))
	if _, err := tx.Exec(ctx, "UPDATE invitations SET status = ?, sent_at = ?, deadline_at = ? WHERE id = ?",
		InvOpen, now, deadline, id); err != nil {
		return err
	}
	return s.opened(ctx, tx, id, inv.helperID, inv.requestID, deadline)
}

// deadlinePassed expires an invitation nobody answered in time, and moves
// its dispatch on.
func (s *Service) deadlinePassed(ctx context.Context, tx *store.Tx, id string) error {
	inv, d, err := lockInvitation(ctx, tx, id)
	if err != nil || inv.status != InvOpen {
		return err
	}
	if s.now().Before(inv.deadline) {
		// Early (a clock moved back): look again at the deadline.
		return s.jobs.Enqueue(ctx, tx, JobDeadline, invitationRef{id}, jobs.At(inv.deadline))
	}
	if _, err := tx.Exec(ctx, "UPDATE invitations SET status = ? WHERE id = ?", InvExpired, id); err != nil {
		return err
	}
	return s.advance(ctx, tx, d)
}

// escalate hands a dispatch to the coordinators of its edition (the
// platform admins when it has none) and tells the seeker. d is locked.
func (s *Service) escalate(ctx context.Context, tx *store.Tx, d *dispatchRow, reason string) error {
	now := s.now()
	if _, err := tx.Exec(ctx, `UPDATE dispatches SET status = ?, escalated_at = ?, escalation = ?, resolved_at = NULL,
		resolved_by = NULL, resolution_note = '', updated_at = ? WHERE request_id = ?`,
		Escalated, now, reason, now, d.requestID); err != nil {
		return err
	}
	d.status = Escalated
	var seeker string
	if err := tx.QueryRow(ctx, "SELECT seeker_id FROM requests WHERE id = ?", d.requestID).Scan(&seeker); err != nil {
		return err
	}
	ref := d.requestID + "@" + now.Format(time.RFC3339Nano) // a retried search may escalate again
	if _, err := notify.Add(ctx, tx, notify.Notice{UserID: seeker, Kind: notify.Escalated, Ref: ref, RequestID: d.requestID}, now); err != nil {
		return err
	}
	coords := map[string]bool{}
	if err := collect(ctx, tx, coords, "SELECT user_id FROM edition_roles WHERE edition_id = ? AND role = 'coordinator'", d.editionID); err != nil {
		return err
	}
	if len(coords) == 0 {
		if err := collect(ctx, tx, coords, "SELECT id FROM users WHERE role = 'admin' AND status = 'active'"); err != nil {
			return err
		}
	}
	for _, id := range sortedKeys(coords) {
		if _, err := notify.Add(ctx, tx, notify.Notice{UserID: id, Kind: notify.Escalation, Ref: ref, RequestID: d.requestID}, now); err != nil {
			return err
		}
	}
	return nil
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// editionSettings reads how an edition dispatches.
func editionSettings(ctx context.Context, q store.Querier, editionID string) (EditionSettings, error) {
	var e EditionSettings
	err := q.QueryRow(ctx, `SELECT dispatch_batch, dispatch_answer_minutes, dispatch_max_km, dispatch_escalate_hours
		FROM editions WHERE id = ?`, editionID).Scan(&e.Batch, &e.AnswerMinutes, &e.MaxKm, &e.EscalateHours)
	return e, err
}
