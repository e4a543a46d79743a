package mail

import (
	"context"
	"fmt"
	netmail "net/mail"

	"github.com/noaber/noaber/internal/jobs"
	"github.com/noaber/noaber/internal/store"
)

// SendKind is the job kind that sends one Message.
const SendKind = "mail.send"

// Enqueue queues m to be sent once tx commits, and not at all when it rolls
// back. A message that can never be sent (no recipient, no body) is an
// error here rather than a failed job later.
func Enqueue(ctx context.Context, q *jobs.Queue, tx *store.Tx, m Message) error {
	if _, err := netmail.ParseAddress(m.To); err != nil {
		return fmt.Errorf("mail: enqueue %q: recipient %q: %w", m.Subject, m.To, err)
	}
	if m.Text == "" && m.HTML == "" {
		return fmt.Errorf("mail: enqueue %q to %s: no body", m.Subject, m.To)
	}
	return q.Enqueue(ctx, tx, SendKind, m, jobs.MaxAttempts(MaxAttempts))
}

// MaxAttempts is how often the send job tries a message before it gives
// up (with the queue's backoff, about a day); the sender's Failed hook
// runs after the last.
const MaxAttempts = jobs.DefaultMaxAttempts

// Hooks are told the outcome of each message the send job handles: Sent
// after it was handed to the SMTP server, Failed when it never will be (a
// permanent rejection, or the last attempt failed). Either may be nil.
// They run in the job; they are not retried.
type Hooks struct {
	Sent   func(ctx context.Context, m Message)
	Failed func(ctx context.Context, m Message, err error)
}

// RegisterSender makes q send queued messages with s. A message without an
// ID gets one made from the job's id, so every retry of the job carries the
// same Message-ID. A permanent rejection ends the job; anything else is
// retried with the queue's backoff. Each of hooks hears the outcome.
func RegisterSender(q *jobs.Queue, s *Sender, hooks ...Hooks) {
	q.Handle(SendKind, func(ctx context.Context, job *jobs.Job) error {
		var m Message
		if err := job.Decode(&m); err != nil {
			return jobs.Permanent(fmt.Errorf("mail: decode job %s: %w", job.ID, err))
		}
		if m.ID == "" {
			m.ID = s.MessageID(job.ID)
		}
		err := s.Send(ctx, m)
		switch {
		case err == nil:
			for _, h := range hooks {
				if h.Sent != nil {
					h.Sent(ctx, m)
				}
			}
			return nil
		case IsPermanent(err):
			err = jobs.Permanent(err)
		case job.Attempt < MaxAttempts:
			return err
		}
		for _, h := range hooks {
			if h.Failed != nil {
				h.Failed(ctx, m, err)
			}
		}
		return err
	})
}
