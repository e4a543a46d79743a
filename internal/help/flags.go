package help

import (
	"context"

	"github.com/noaber/noaber/internal/account"
	"github.com/noaber/noaber/internal/flag"
	"github.com/noaber/noaber/internal/report"
	"github.com/noaber/noaber/internal/store"
)

// verdict runs the flag rules of the author's edition over the text of a
// request or offer, before its write transaction (the rules are regular
// expressions: no work for under the write lock); no rules, no flags.
func (s *Service) verdict(ctx context.Context, author *account.User, kind, text string) (flag.Result, error) {
	if s.opt.Reports == nil {
		return flag.Result{}, nil
	}
	return s.opt.Reports.Evaluate(ctx, report.TextCheck{Kind: kind, EditionID: author.EditionID, Text: text})
}

// recordFlags writes the flags of a verdict about item id, in the
// transaction that stores it. A flag on a request or offer, even a severe
// one, only puts it in the moderation queue: it is not held (holding is
// for messages, which go to one person at once; a request a moderator
// finds wrong is taken down by acting on the report).
func (s *Service) recordFlags(ctx context.Context, tx *store.Tx, author *account.User, targetKind, id string, v flag.Result) error {
	if s.opt.Reports == nil || len(v.Flags) == 0 {
		return nil
	}
	return s.opt.Reports.Record(ctx, tx, report.TextCheck{TargetKind: targetKind, TargetID: id,
		SubjectID: author.ID, EditionID: author.EditionID}, v)
}
