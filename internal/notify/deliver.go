package notify

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/noaber/noaber/internal/account"
	"github.com/noaber/noaber/internal/help"
	"github.com/noaber/noaber/internal/i18n"
	"github.com/noaber/noaber/internal/jobs"
	"github.com/noaber/noaber/internal/store"
)

// Delivery, in short. Add writes a notification and its DeliverKind job
// in the transaction of the event (the outbox). The job, with the queue's
// retries and backoff:
//
//   - does nothing for a user who is not active, or a notification read
//     in the app already;
//   - in the user's quiet hours, queues itself again for their end;
//   - pushes to the user's devices, then sets pushed_at (see pushTo for
//     why a crash in between does not show a push twice);
//   - hands the e-mail to the mail queue in the one transaction that sets
//     emailed_at, so a retried job never e-mails twice; a message
//     notification instead gets email_due_at, and the digest job sends
//     everything due for a user in one e-mail.

// Jobs that Deliver registers besides DeliverKind.
const (
	DigestKind   = "notify.digest"   // every minute: the message digests that are due
	ExpiringKind = "notify.expiring" // every hour: warn seekers whose request expires within a day
)

// Deliver registers the delivery jobs on opt.Queue: each notification's
// push and e-mail (respecting the user's choices and quiet hours), the
// message digest, and the periodic warning about requests that expire.
// opt.SecretKey must be set: every e-mail carries an unsubscribe link.
func (s *Service) Deliver(opt DeliveryOptions) {
	if len(opt.SecretKey) == 0 {
		panic("notify: Deliver without a SecretKey: e-mails could not carry unsubscribe links")
	}
	if opt.DigestDelay <= 0 {
		opt.DigestDelay = DefaultDigestDelay
	}
	if opt.Logger == nil {
		opt.Logger = slog.Default()
	}
	opt.BaseURL = strings.TrimRight(opt.BaseURL, "/")
	s.opt = opt
	opt.Queue.Handle(DeliverKind, s.deliverJob)
	opt.Queue.Periodic(DigestKind, digestEvery(opt.DigestDelay), func(ctx context.Context, _ *jobs.Job) error {
		_, err := s.SendDigests(ctx)
		return err
	})
	opt.Queue.Periodic(ExpiringKind, time.Hour, func(ctx context.Context, _ *jobs.Job) error {
		_, err := s.WriteExpiring(ctx)
		return err
	})
}

// digestEvery is how often the digest job looks for digests that are
// due: every minute, or more often for a short delay, so that a digest is
// never much later than the delay asks.
func digestEvery(delay time.Duration) time.Duration {
	return min(max(delay/4, time.Second), time.Minute)
}

// pending is a notification with what delivering it needs to know about
// its user, read in one query.
type pending struct {
	ID, UserID, Kind, Ref, RequestID, ConversationID string
	CreatedAt                                        time.Time
	Read, Pushed, Emailed, EmailDue                  bool
	RequestOpen                                      bool // the request it is about is still open
	RequestTitle                                     string

	Email                string
	EmailOK              bool // verified and not disabled
	Locale               i18n.Lang
	Active               bool
	FirstName            string
	QuietStart, QuietEnd int
	Pref                 Pref
	OtherName            string // a message: the other person in the conversation
}

func (s *Service) loadPending(ctx context.Context, id string) (*pending, error) {
	var p pending
	var req, conv, title, reqStatus, email, pFirst, pSurname sql.NullString
	var read, pushed, emailed, due, verified, disabled sql.NullTime
	var prefEmail, prefPush, pFull sql.NullBool
	var locale, status string
	// The other person in a message's conversation comes along for the
	// push title; a conversation has two people, so the CASE picks the one
	// who is not the user.
	err := s.db.QueryRow(ctx, `SELECT n.user_id, n.kind, n.ref, n.request_id, n.conversation_id, n.created_at,
			n.read_at, n.pushed_at, n.emailed_at, n.email_due_at, r.status, r.title,
			u.email, u.email_verified_at, u.email_disabled_at, u.locale, u.status, u.first_name,
			COALESCE(hs.quiet_start, ?), COALESCE(hs.quiet_end, ?), np.email, np.push,
			o.first_name, o.surname, o.show_full_surname
		FROM notifications n
		JOIN users u ON u.id = n.user_id
		LEFT JOIN requests r ON r.id = n.request_id
		LEFT JOIN helper_settings hs ON hs.user_id = n.user_id
		LEFT JOIN notification_prefs np ON np.user_id = n.user_id AND np.kind = n.kind
		LEFT JOIN conversations c ON c.id = n.conversation_id
		LEFT JOIN users o ON o.id = CASE WHEN c.seeker_id = n.user_id THEN c.helper_id ELSE c.seeker_id END
		WHERE n.id = ?`, help.DefaultQuietStartMinutes, help.DefaultQuietEndMinutes, id).Scan(
		&p.UserID, &p.Kind, &p.Ref, &req, &conv, &p.CreatedAt,
		&read, &pushed, &emailed, &due, &reqStatus, &title,
		&email, &verified, &disabled, &locale, &status, &p.FirstName,
		&p.QuietStart, &p.QuietEnd, &prefEmail, &prefPush,
		&pFirst, &pSurname, &pFull)
	if err != nil {
		return nil, err
	}
	p.ID = id
	p.RequestID, p.ConversationID, p.RequestTitle = req.String, conv.String, title.String
	p.Read, p.Pushed, p.Emailed, p.EmailDue = read.Valid, pushed.Valid, emailed.Valid, due.Valid
	p.RequestOpen = reqStatus.String == "open"
	p.Email, p.EmailOK = email.String, verified.Valid && !disabled.Valid
	p.Locale, _ = i18n.Parse(locale)
	p.Active = status == account.StatusActive
	p.Pref = DefaultPref(p.Kind)
	if prefEmail.Valid {
		p.Pref.Email, p.Pref.Push = prefEmail.Bool, prefPush.Bool
	}
	if pFirst.Valid {
		p.OtherName = account.DisplayName(pFirst.String, pSurname.String, pFull.Bool)
	}
	return &p, nil
}

// deliverJob is the DeliverKind handler.
func (s *Service) deliverJob(ctx context.Context, job *jobs.Job) error {
	var dj DeliverJob
	if err := job.Decode(&dj); err != nil || dj.ID == "" {
		return jobs.Permanent(fmt.Errorf("notify: deliver job %s: bad payload %s", job.ID, job.Payload))
	}
	return s.deliver(ctx, dj.ID, job.Attempt)
}

// deliver delivers one notification; attempt is the job's attempt (1 on
// the first run).
func (s *Service) deliver(ctx context.Context, id string, attempt int) error {
	p, err := s.loadPending(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil // deleted with its user or its request: nobody to tell
	}
	if err != nil {
		return fmt.Errorf("notify: deliver %s: %w", id, err)
	}
	if !p.Active || p.Read {
		return nil
	}
	if p.Kind == Expiring && !p.RequestOpen {
		// Quiet hours held it back and the request closed meanwhile.
		return nil
	}
	now := s.now().UTC().Truncate(time.Microsecond)
	if help.InQuietHours(now, p.QuietStart, p.QuietEnd) {
		wake := help.WakeAt(now, p.QuietStart, p.QuietEnd)
		err := s.db.InTx(ctx, func(tx *store.Tx) error {
			// The key makes a retried job (or a second instance) queue
			// the morning's delivery once.
			return s.opt.Queue.Enqueue(ctx, tx, DeliverKind, DeliverJob{ID: id},
				jobs.At(wake), jobs.UniqueKey(DeliverKind+":"+id+":"+wake.Format(time.RFC3339)))
		})
		if err != nil {
			return fmt.Errorf("notify: deliver %s after quiet hours: %w", id, err)
		}
		return nil
	}
	var errs []error
	if p.Pref.Push && !p.Pushed && s.opt.Push != nil {
		if err := s.pushTo(ctx, p, now, attempt); err != nil {
			errs = append(errs, err)
		}
	}
	if p.Pref.Email && p.EmailOK && !p.Emailed {
		if err := s.emailOne(ctx, p, now); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func (s *Service) logger() *slog.Logger {
	if s.opt.Logger != nil {
		return s.opt.Logger
	}
	return slog.Default()
}
