package report

import (
	"context"
	"fmt"
	"time"

	"github.com/noaber/noaber/internal/account"
	"github.com/noaber/noaber/internal/flag"
	"github.com/noaber/noaber/internal/store"
)

// Check evaluates a text with the rules of the author's edition and
// writes one flag report per flag, in tx. See the contract above. On a
// hot path (messages), call Evaluate before the transaction and Record in
// it instead: the rules take a few hundred microseconds of regular
// expressions, which inside would hold SQLite's one writer.
func (s *Service) Check(ctx context.Context, tx *store.Tx, in TextCheck) (flag.Result, error) {
	if in.EditionID == "" {
		if err := tx.QueryRow(ctx, "SELECT edition_id FROM users WHERE id = ?", in.SubjectID).Scan(&in.EditionID); err != nil {
			return flag.Result{}, fmt.Errorf("report: check %s %s: the author's edition: %w", in.TargetKind, in.TargetID, err)
		}
	}
	res, err := s.Evaluate(ctx, in)
	if err != nil {
		return flag.Result{}, err
	}
	return res, s.Record(ctx, tx, in, res)
}

// Evaluate runs the rules of in.EditionID over in.Text, outside any
// transaction; it writes nothing.
func (s *Service) Evaluate(ctx context.Context, in TextCheck) (flag.Result, error) {
	rules, err := s.Rules(ctx, in.EditionID)
	if err != nil {
		return flag.Result{}, err
	}
	return rules.Check(flag.Input{Text: in.Text, Kind: in.Kind, FirstMessage: in.FirstMessage}), nil
}

// Record writes one flag report per flag of res about in's target, in tx
// (once per open item and reason).
func (s *Service) Record(ctx context.Context, tx *store.Tx, in TextCheck, res flag.Result) error {
	now := stamp(s.opt.Now())
	for _, f := range res.Flags {
		r := Report{EditionID: in.EditionID, SubjectID: in.SubjectID, TargetKind: in.TargetKind, TargetID: in.TargetID,
			Reason: f.Category, Severity: f.Severity, Evidence: f.Evidence}
		if _, err := insertFlag(ctx, tx, r, now); err != nil {
			return fmt.Errorf("report: flag %s %s (%s): %w", in.TargetKind, in.TargetID, f.Category, err)
		}
	}
	return nil
}

// CheckContacts flags a new account that started more conversations in
// the last 24 hours than its edition's rules allow for its age, in tx.
func (s *Service) CheckContacts(ctx context.Context, tx *store.Tx, u *account.User) error {
	now := stamp(s.opt.Now())
	var n int
	if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM conversations WHERE started_by = ? AND created_at > ?",
		u.ID, now.Add(-24*time.Hour)).Scan(&n); err != nil {
		return fmt.Errorf("report: count conversations of %s: %w", u.ID, err)
	}
	rules, err := s.Rules(ctx, u.EditionID)
	if err != nil {
		return err
	}
	if !rules.TooManyContacts(now.Sub(u.CreatedAt), n) {
		return nil
	}
	r := Report{EditionID: u.EditionID, SubjectID: u.ID, TargetKind: TargetPerson, TargetID: u.ID,
		Reason: ReasonContacts, Severity: flag.Low, Evidence: fmt.Sprintf("%d conversations in 24 h", n)}
	if _, err := insertFlag(ctx, tx, r, now); err != nil {
		return fmt.Errorf("report: flag contacts of %s: %w", u.ID, err)
	}
	return nil
}

// ProfileSaved is account's profile hook: it checks the bio of a saved
// profile (TargetPerson) with the rules of the user's edition, in tx.
func (s *Service) ProfileSaved(ctx context.Context, tx *store.Tx, u *account.User) error {
	if u.Bio == "" {
		return nil
	}
	_, err := s.Check(ctx, tx, TextCheck{Kind: flag.KindProfile, TargetKind: TargetPerson, TargetID: u.ID,
		SubjectID: u.ID, EditionID: u.EditionID, Text: u.Bio})
	return err
}
