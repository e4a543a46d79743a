package moderation

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/noaber/noaber/internal/account"
	"github.com/noaber/noaber/internal/apperr"
	"github.com/noaber/noaber/internal/report"
	"github.com/noaber/noaber/internal/store"
)

// MaxSummary is the length of a queue item's summary, in characters.
const MaxSummary = 140

// itemText joins a report (r) to the text of what it is about: the
// message, the request's or offer's title, or the person's bio.
const itemText = `
	LEFT JOIN messages im ON r.target_kind = 'message' AND im.id = r.target_id
	LEFT JOIN requests ir ON r.target_kind = 'request' AND ir.id = r.target_id
	LEFT JOIN offers io ON r.target_kind = 'offer' AND io.id = r.target_id`

const itemTextColumn = `COALESCE(im.body, ir.title, io.title, CASE WHEN r.target_kind = 'person' THEN su.bio END, '')`

// Queue lists open reports, oldest first, of one edition or of every
// edition mod covers, at most QueuePage after the report with id after.
func (s *Service) Queue(ctx context.Context, mod *account.User, editionID, after string) ([]QueueItem, error) {
	sc, err := s.scopeOf(ctx, mod)
	if err != nil {
		return nil, err
	}
	var where []string
	var args []any
	switch {
	case editionID != "":
		if !sc.covers(editionID) {
			return nil, errNotModerator()
		}
		where, args = append(where, "r.edition_id = ?"), append(args, editionID)
	case !sc.all:
		where = append(where, "r.edition_id IN ("+store.Placeholders(len(sc.editions))+")")
		for _, e := range sc.editions {
			args = append(args, e)
		}
	}
	if after != "" {
		var at time.Time
		if err := s.db.QueryRow(ctx, "SELECT created_at FROM reports WHERE id = ?", after).Scan(&at); err != nil {
			if errors.Is(err, store.ErrNotFound) {
				return nil, apperr.NotFound()
			}
			return nil, err
		}
		where = append(where, "(r.created_at > ? OR (r.created_at = ? AND r.id > ?))")
		args = append(args, at, at, after)
	}
	// Others counts the open reports on the item, r among them, less one:
	// no condition on o.id, so an index of open reports by target answers
	// it without reading the rows.
	q := "SELECT " + report.Columns + `, su.first_name, su.surname, su.show_full_surname, ` + itemTextColumn + `,
			(SELECT COUNT(*) FROM reports o WHERE o.target_kind = r.target_kind AND o.target_id = r.target_id
				AND o.status = 'open') - 1
		FROM reports r JOIN users su ON su.id = r.subject_id` + itemText + `
		WHERE r.status = 'open'`
	for _, w := range where {
		q += " AND " + w
	}
	rows, err := s.db.Query(ctx, q+" ORDER BY r.created_at, r.id LIMIT ?", append(args, QueuePage)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []QueueItem{}
	for rows.Next() {
		var it QueueItem
		var first, surname, text string
		var full bool
		it.Report, err = report.Scan(rows, &first, &surname, &full, &text, &it.Others)
		if err != nil {
			return nil, err
		}
		it.SubjectName = account.DisplayName(first, surname, full)
		it.Summary = clip(text, MaxSummary)
		out = append(out, it)
	}
	return out, rows.Err()
}

// clip shortens s to at most n characters on one line, with an ellipsis
// when it cut.
func clip(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:n-1])) + "…"
}

// nullTime is t, or zero for NULL.
func nullTime(t sql.NullTime) time.Time {
	if !t.Valid {
		return time.Time{}
	}
	return t.Time.UTC()
}
