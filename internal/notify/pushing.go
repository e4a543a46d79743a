package notify

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/noaber/noaber/internal/i18n"
	"github.com/noaber/noaber/internal/push"
)

// MaxPushFailures is how many failures in a row turn a device off (shown
// on the settings page; subscribing again turns it back on).
const MaxPushFailures = 5

// pushPayload is what the service worker gets (internal/web/static/sw.js).
// It holds no message text, no address and no request title: a phone's
// lock screen is seen by others.
type pushPayload struct {
	Title string `json:"title"`
	Body  string `json:"body"`
	URL   string `json:"url"` // the page to open, a path on this site
	Tag   string `json:"tag"` // a push with the same tag replaces the shown one
	ID    string `json:"id"`  // the notification
}

// pagePath is the page a notification is about.
func pagePath(kind, ref, requestID, conversationID string) string {
	switch kind {
	case Invitation, InvitationWithdrawn:
		return "/invitations/" + ref
	case Message:
		return "/messages/" + conversationID
	case Escalation:
		return "/coordinator/requests/" + requestID
	case Matched, Expiring, Escalated:
		return "/requests/" + requestID
	case ReportOutcome:
		return "/me/reports"
	}
	return "/notifications"
}

// topic is the push's idempotency key (RFC 8030 Topic: at most 32
// base64url characters): the same notification always has the same one.
func topic(id string) string {
	sum := sha256.Sum256([]byte("notify:" + id))
	return base64.RawURLEncoding.EncodeToString(sum[:])[:32]
}

func (p *pending) pushPayload() pushPayload {
	tag := p.Kind + ":" + p.Ref
	title := i18n.T(p.Locale, "notify.push."+p.Kind+".title")
	if p.Kind == Message {
		// One shown notification per conversation: a newer message
		// replaces the older one instead of piling up.
		tag = Message + ":" + p.ConversationID
		if p.OtherName != "" {
			title = i18n.T(p.Locale, "notify.push.message.title_from", "name", p.OtherName)
		}
	}
	return pushPayload{
		Title: title,
		Body:  i18n.T(p.Locale, "notify.push."+p.Kind+".body"),
		URL:   pagePath(p.Kind, p.Ref, p.RequestID, p.ConversationID),
		Tag:   tag,
		ID:    p.ID,
	}
}

type subscription struct {
	id  string
	sub push.Subscription
}

// pushTo sends the notification to each of the user's devices and then
// sets pushed_at.
//
// Never twice: a retry (after a temporary failure on every device, or a
// crash between sending and setting pushed_at) sends to every device
// again, with the same Topic and tag. The push service replaces a push
// that is still waiting with the one of the same Topic, and the service
// worker replaces a shown notification with the one of the same tag, so
// the person sees it once. Remembering per device what it got would need
// a row per notification and device; the collapse makes it unneeded.
//
// A device that is gone (404, 410) is deleted. Any other failure counts
// once per notification (on the job's first attempt, so a retried job
// does not count the same push again); MaxPushFailures in a row turn the
// device off; a success resets the count.
func (s *Service) pushTo(ctx context.Context, p *pending, now time.Time, attempt int) error {
	rows, err := s.db.Query(ctx, `SELECT id, endpoint, p256dh, auth FROM push_subscriptions
		WHERE user_id = ? AND disabled_at IS NULL`, p.UserID)
	if err != nil {
		return fmt.Errorf("notify: push %s: %w", p.ID, err)
	}
	var subs []subscription
	for rows.Next() {
		var x subscription
		if err := rows.Scan(&x.id, &x.sub.Endpoint, &x.sub.P256dh, &x.sub.Auth); err != nil {
			rows.Close()
			return fmt.Errorf("notify: push %s: %w", p.ID, err)
		}
		subs = append(subs, x)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("notify: push %s: %w", p.ID, err)
	}
	if len(subs) == 0 {
		return nil
	}
	body, err := json.Marshal(p.pushPayload())
	if err != nil {
		return err
	}
	urgency := "normal"
	if p.Kind == Invitation || p.Kind == Escalation {
		urgency = "high" // someone waits for an answer
	}
	msg := push.Message{Topic: topic(p.ID), Urgency: urgency, Payload: body}
	delivered, temporary := 0, 0
	var lastErr error
	for _, x := range subs {
		err := s.opt.Push.Send(ctx, x.sub, msg)
		switch {
		case err == nil:
			delivered++
			_, err = s.db.Exec(ctx, "UPDATE push_subscriptions SET failures = 0, last_success_at = ? WHERE id = ?", now, x.id)
		case errors.Is(err, push.ErrGone):
			_, err = s.db.Exec(ctx, "DELETE FROM push_subscriptions WHERE id = ?", x.id)
		default:
			lastErr = err
			if !push.IsPermanent(err) {
				temporary++
			}
			s.opt.Logger.Warn("notify: push failed", "notification", p.ID, "device", x.id, "err", err)
			if attempt <= 1 {
				_, err = s.db.Exec(ctx, `UPDATE push_subscriptions SET failures = failures + 1,
					disabled_at = CASE WHEN failures + 1 >= ? THEN ? ELSE disabled_at END WHERE id = ?`,
					MaxPushFailures, now, x.id)
			} else {
				err = nil
			}
		}
		if err != nil {
			return fmt.Errorf("notify: push %s: record the outcome for device %s: %w", p.ID, x.id, err)
		}
	}
	if delivered == 0 {
		if temporary > 0 {
			return fmt.Errorf("notify: push %s reached no device: %w", p.ID, lastErr)
		}
		return nil
	}
	_, err = s.db.Exec(ctx, "UPDATE notifications SET pushed_at = ? WHERE id = ? AND pushed_at IS NULL", now, p.ID)
	return err
}
