package web

import (
	"context"
	"time"

	"github.com/noaber/noaber/internal/apperr"
	"github.com/noaber/noaber/internal/dispatch"
	"github.com/noaber/noaber/internal/i18n"
)

// progressBlock is the search for a helper as the seeker's request page
// shows it: where it is, in a few short sentences, without names until
// someone said yes.
type progressBlock struct {
	Status string
	Lines  []string
	// Step is how far the search got, for the three-step picture: 1
	// posted, 2 asking neighbours, 3 someone helps.
	Step   int
	Helper string // display name, when matched
	// ConversationID is where seeker and helper talk, when matched.
	ConversationID string
	// Escalated: the block also says what the seeker can do.
	Escalated bool
	CanEdit   bool
}

// progress reads the search for the seeker's own request. The block is
// extra to the page: when it cannot be read the page still shows the
// request, and the error goes to the log.
func (h *Handler) progress(ctx context.Context, v *visit, requestID string, open bool) *progressBlock {
	if h.dispatch == nil {
		return nil
	}
	p, err := h.dispatch.Progress(ctx, v.user, requestID)
	if err != nil {
		if _, ok := apperr.As(err); !ok {
			h.log.Error("dispatch progress", "request", requestID, "err", err)
		}
		return nil
	}
	return progressOf(v.lang, p, open)
}

func progressOf(lang i18n.Lang, p *dispatch.Progress, open bool) *progressBlock {
	t := func(key string, args ...any) string { return i18n.T(lang, key, args...) }
	n := func(key string, k int) string { return i18n.N(lang, key, k) }
	b := &progressBlock{Status: p.Status, Step: 2, CanEdit: open}
	switch p.Status {
	case dispatch.Off:
		b.Step = 0
		b.Lines = []string{t("web.progress.off")}
	case dispatch.Stopped:
		return nil
	case dispatch.Matched:
		b.Step = 3
		b.ConversationID = p.ConversationID
		if p.Helper != nil {
			b.Helper = p.Helper.DisplayName
			b.Lines = []string{t("web.progress.matched", "name", p.Helper.DisplayName), t("web.progress.matched_next")}
		} else {
			b.Lines = []string{t("web.progress.matched_someone"), t("web.progress.matched_next")}
		}
	case dispatch.Escalated:
		b.Escalated = true
		if p.Asked > 0 {
			b.Lines = append(b.Lines, n("web.progress.asked", p.Asked))
		}
		b.Lines = append(b.Lines, t("web.progress.escalated"))
	default: // Searching
		if p.Asked == 0 {
			b.Step = 1
			if p.Scheduled > 0 {
				b.Lines = []string{n("web.progress.scheduled", p.Scheduled)}
			} else {
				b.Lines = []string{t("web.progress.starting")}
			}
			break
		}
		b.Lines = append(b.Lines, n("web.progress.asked", p.Asked))
		if p.Declined > 0 {
			b.Lines = append(b.Lines, n("web.progress.declined", p.Declined))
		}
		if p.NoAnswer > 0 {
			b.Lines = append(b.Lines, n("web.progress.no_answer", p.NoAnswer))
		}
		if p.Waiting > 0 {
			b.Lines = append(b.Lines, n("web.progress.waiting", p.Waiting))
		} else {
			b.Lines = append(b.Lines, t("web.progress.looking"))
		}
	}
	return b
}

// Moment says when something happens in words: "vandaag om 14:30",
// "morgen om 9:00" or "woensdag 25 november 2026 om 14:30".
func (v *view) Moment(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	t = t.In(amsterdam)
	now := time.Now().In(amsterdam)
	clock := t.Format("15:04")
	y, m, d := t.Date()
	switch {
	case sameDay(y, m, d, now):
		return v.T("web.moment.today", "time", clock)
	case sameDay(y, m, d, now.AddDate(0, 0, 1)):
		return v.T("web.moment.tomorrow", "time", clock)
	case sameDay(y, m, d, now.AddDate(0, 0, -1)):
		return v.T("web.moment.yesterday", "time", clock)
	}
	return v.T("web.moment.date", "date", v.Date(t), "time", clock)
}

func sameDay(y int, m time.Month, d int, t time.Time) bool {
	ty, tm, td := t.Date()
	return y == ty && m == tm && d == td
}

// Around is a distance to an invited helper: "minder dan 1 km" or
// "ongeveer 2 km".
func (v *view) Around(km int) string {
	if km < 1 {
		return v.T("web.distance.near")
	}
	return v.T("web.invitation.around_km", "n", km)
}
