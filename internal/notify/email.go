package notify

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/noaber/noaber/internal/i18n"
	"github.com/noaber/noaber/internal/mail"
	"github.com/noaber/noaber/internal/store"
)

// MaxEmailFailures is how many notification e-mails in a row may fail
// for good before the address gets no more of them (shown on the settings
// page, with a button to try again).
const MaxEmailFailures = 3

// mailKind marks notification e-mails for the sender's hooks (MailHooks).
const mailKind = "notify"

// emailOne hands a notification's e-mail to the mail queue, or, for a
// message, schedules it for the digest.
func (s *Service) emailOne(ctx context.Context, p *pending, now time.Time) error {
	if p.Kind == Message {
		if p.EmailDue {
			return nil
		}
		_, err := s.db.Exec(ctx, `UPDATE notifications SET email_due_at = ?
			WHERE id = ? AND email_due_at IS NULL AND emailed_at IS NULL`, now.Add(s.opt.DigestDelay), p.ID)
		if err != nil {
			return fmt.Errorf("notify: schedule the digest for %s: %w", p.ID, err)
		}
		return nil
	}
	data := s.mailData(p.UserID, p.Kind, p.FirstName, pagePath(p.Kind, p.Ref, p.RequestID, p.ConversationID))
	data["RequestTitle"] = p.RequestTitle
	m, err := s.render(p.Locale, "notify_"+p.Kind, data, p.UserID, p.Kind, p.Email)
	if err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		// The mark and the mail job commit together: a retry finds
		// emailed_at set and sends nothing.
		res, err := tx.Exec(ctx, "UPDATE notifications SET emailed_at = ? WHERE id = ? AND emailed_at IS NULL", now, p.ID)
		if err != nil {
			return fmt.Errorf("notify: e-mail %s: %w", p.ID, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		return mail.Enqueue(ctx, s.opt.Queue, tx, m)
	})
}

// mailData is what every notification e-mail shows: the greeting, the
// button to the page, the settings link and the unsubscribe link of its
// kind.
func (s *Service) mailData(userID, kind, name, path string) map[string]any {
	return map[string]any{
		"Name":            name,
		"Link":            s.opt.BaseURL + path,
		"SettingsLink":    s.opt.BaseURL + "/me/notifications",
		"UnsubscribeLink": s.unsubscribeURL(userID, kind),
	}
}

func (s *Service) unsubscribeURL(userID, kind string) string {
	return s.opt.BaseURL + "/u/" + s.UnsubscribeToken(userID, kind)
}

// render makes a notification e-mail with the RFC 8058 one-click
// unsubscribe headers: a mail client shows "unsubscribe" next to the
// sender and POSTs to the link, without a session.
func (s *Service) render(lang i18n.Lang, name string, data map[string]any, userID, kind, to string) (mail.Message, error) {
	m, err := mail.Render(lang, name, data)
	if err != nil {
		return m, fmt.Errorf("notify: render %s: %w", name, err)
	}
	m.To, m.UserID, m.Kind = to, userID, mailKind+"."+kind
	m.Headers["List-Unsubscribe"] = "<" + s.unsubscribeURL(userID, kind) + ">"
	m.Headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
	return m, nil
}

// MailHooks are the mail sender's hooks that keep count of failing
// notification e-mails: the app passes them to mail.RegisterSender. A
// message that failed for good (a 5xx, or its last attempt) counts one
// failure for its user's address, MaxEmailFailures in a row disable it,
// and a sent one resets the count. A failure for an address the user has
// since changed does not count.
func (s *Service) MailHooks() mail.Hooks {
	ours := func(m mail.Message) bool { return m.UserID != "" && strings.HasPrefix(m.Kind, mailKind+".") }
	return mail.Hooks{
		Sent: func(ctx context.Context, m mail.Message) {
			if !ours(m) {
				return
			}
			if _, err := s.db.Exec(ctx, "UPDATE users SET email_failures = 0 WHERE id = ? AND email_failures <> 0", m.UserID); err != nil {
				s.logger().Error("notify: reset e-mail failures", "user", m.UserID, "err", err)
			}
		},
		Failed: func(ctx context.Context, m mail.Message, merr error) {
			if !ours(m) {
				return
			}
			_, err := s.db.Exec(ctx, `UPDATE users SET email_failures = email_failures + 1,
				email_disabled_at = CASE WHEN email_failures + 1 >= ? AND email_disabled_at IS NULL THEN ? ELSE email_disabled_at END
				WHERE id = ? AND email = ?`, MaxEmailFailures, s.now().UTC().Truncate(time.Microsecond), m.UserID, m.To)
			if err != nil {
				s.logger().Error("notify: count an e-mail failure", "user", m.UserID, "err", err, "mail_err", merr)
			}
		},
	}
}
