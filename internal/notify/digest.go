package notify

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/noaber/noaber/internal/account"
	"github.com/noaber/noaber/internal/help"
	"github.com/noaber/noaber/internal/i18n"
	"github.com/noaber/noaber/internal/mail"
	"github.com/noaber/noaber/internal/store"
)

// The message digest. A message notification does not get an e-mail of
// its own: delivery sets email_due_at (DigestDelay later), and once the
// first of a user's is due, one e-mail lists every unread message
// notification of theirs that waits, per conversation. It names who wrote
// and the request, never what was written: an e-mail is a copy outside
// Noaber. Reading the conversation in the app clears email_due_at, so
// what was read is not e-mailed.

// DigestBatch is how many users one step of a digest run serves;
// maxDigestSteps bounds a run (the next run, a minute later, goes on).
const (
	DigestBatch    = 200
	maxDigestSteps = 50
	// maxDigestLines is how many conversations a digest lists; the
	// count in the subject covers them all.
	maxDigestLines = 20
)

// dueCond is the condition of the partial index notifications_digest_due
// (written out, so both engines use it) for rows due by the argument.
const dueCond = "email_due_at IS NOT NULL AND emailed_at IS NULL AND email_due_at <= ?"

// SendDigests sends the message digests that are due, and returns how
// many it handed to the mail queue. The DigestKind job runs it every
// minute.
func (s *Service) SendDigests(ctx context.Context) (int, error) {
	now := s.now().UTC().Truncate(time.Microsecond)
	// Read in the app some other way than by opening the conversation:
	// no e-mail, and out of the index.
	if _, err := s.db.Exec(ctx, "UPDATE notifications SET email_due_at = NULL WHERE "+dueCond+" AND read_at IS NOT NULL", now); err != nil {
		return 0, fmt.Errorf("notify: digests: %w", err)
	}
	sent := 0
	for range maxDigestSteps {
		users, err := s.dueUsers(ctx, now)
		if err != nil {
			return sent, err
		}
		for _, u := range users {
			ok, err := s.digestFor(ctx, u, now)
			if err != nil {
				return sent, err
			}
			if ok {
				sent++
			}
		}
		if len(users) < DigestBatch {
			break
		}
	}
	return sent, nil
}

// dueUsers returns up to DigestBatch users with a digest due, oldest due
// first. It reads rows in index order rather than DISTINCT over all due
// rows, so a backlog costs no more than the batch.
func (s *Service) dueUsers(ctx context.Context, now time.Time) ([]string, error) {
	rows, err := s.db.Query(ctx, "SELECT user_id FROM notifications WHERE "+dueCond+" ORDER BY email_due_at LIMIT ?",
		now, DigestBatch*5)
	if err != nil {
		return nil, fmt.Errorf("notify: digests: %w", err)
	}
	defer rows.Close()
	seen := map[string]bool{}
	var out []string
	for rows.Next() && len(out) < DigestBatch {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out, rows.Err()
}

// digestLine is one conversation in a digest.
type digestLine struct {
	From  string // the other person's display name
	Title string // the request's title, "" when the conversation has none
	Link  string
	Count int
}

// digestFor sends the user's digest, or moves it past their quiet hours,
// or drops it when they get no e-mail any more. Every way, their due
// rows leave the due range, so a run always ends.
func (s *Service) digestFor(ctx context.Context, userID string, now time.Time) (bool, error) {
	var email, locale, status, first string
	var verified, disabled sql.NullTime
	var qs, qe int
	var prefEmail sql.NullBool
	err := s.db.QueryRow(ctx, `SELECT u.email, u.email_verified_at, u.email_disabled_at, u.locale, u.status, u.first_name,
			COALESCE(hs.quiet_start, ?), COALESCE(hs.quiet_end, ?), np.email
		FROM users u
		LEFT JOIN helper_settings hs ON hs.user_id = u.id
		LEFT JOIN notification_prefs np ON np.user_id = u.id AND np.kind = ?
		WHERE u.id = ?`, help.DefaultQuietStartMinutes, help.DefaultQuietEndMinutes, Message, userID).Scan(
		&email, &verified, &disabled, &locale, &status, &first, &qs, &qe, &prefEmail)
	if err != nil {
		return false, fmt.Errorf("notify: digest for %s: %w", userID, err)
	}
	wants := DefaultPref(Message).Email
	if prefEmail.Valid {
		wants = prefEmail.Bool
	}
	userDue := "user_id = ? AND kind = 'message' AND " + dueCond
	if status != account.StatusActive || !verified.Valid || disabled.Valid || !wants {
		_, err := s.db.Exec(ctx, "UPDATE notifications SET email_due_at = NULL WHERE "+userDue, userID, now)
		return false, err
	}
	if help.InQuietHours(now, qs, qe) {
		wake := help.WakeAt(now, qs, qe)
		_, err := s.db.Exec(ctx, "UPDATE notifications SET email_due_at = ? WHERE "+userDue, wake, userID, now)
		return false, err
	}
	lang, _ := i18n.Parse(locale)
	sent := false
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		// Everything of theirs that waits goes along, also what is not
		// due yet: three quick messages make one e-mail, not three.
		rows, err := tx.Query(ctx, `UPDATE notifications SET emailed_at = ?
			WHERE user_id = ? AND kind = 'message' AND email_due_at IS NOT NULL AND emailed_at IS NULL AND read_at IS NULL
			RETURNING conversation_id`, now, userID)
		if err != nil {
			return err
		}
		counts := map[string]int{}
		total := 0
		for rows.Next() {
			var conv sql.NullString
			if err := rows.Scan(&conv); err != nil {
				rows.Close()
				return err
			}
			counts[conv.String]++
			total++
		}
		rows.Close()
		if err := rows.Err(); err != nil || total == 0 {
			return err
		}
		lines, err := s.digestLines(ctx, tx, userID, counts)
		if err != nil {
			return err
		}
		data := s.mailData(userID, Message, first, "/messages")
		data["Count"] = total
		data["Conversations"] = lines
		m, err := s.render(lang, "notify_digest", data, userID, Message, email)
		if err != nil {
			return err
		}
		sent = true
		return mail.Enqueue(ctx, s.opt.Queue, tx, m)
	})
	if err != nil {
		return false, fmt.Errorf("notify: digest for %s: %w", userID, err)
	}
	return sent, nil
}

// digestLines names the other person and the request of each
// conversation, most messages first.
func (s *Service) digestLines(ctx context.Context, tx *store.Tx, userID string, counts map[string]int) ([]digestLine, error) {
	var ids []string
	for id := range counts {
		if id != "" {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return nil, nil
	}
	args := []any{userID}
	for _, id := range ids {
		args = append(args, id)
	}
	rows, err := tx.Query(ctx, `SELECT c.id, r.title, o.first_name, o.surname, o.show_full_surname
		FROM conversations c
		LEFT JOIN requests r ON r.id = c.request_id
		JOIN users o ON o.id = CASE WHEN c.seeker_id = ? THEN c.helper_id ELSE c.seeker_id END
		WHERE c.id IN (?`+strings.Repeat(", ?", len(ids)-1)+`)`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []digestLine
	for rows.Next() {
		var id string
		var title sql.NullString
		var o account.User
		if err := rows.Scan(&id, &title, &o.FirstName, &o.Surname, &o.ShowFullSurname); err != nil {
			return nil, err
		}
		out = append(out, digestLine{From: o.DisplayName(), Title: title.String,
			Link: s.opt.BaseURL + pagePath(Message, "", "", id), Count: counts[id]})
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		return out[i].From < out[j].From
	})
	if len(out) > maxDigestLines {
		out = out[:maxDigestLines]
	}
	return out, nil
}
