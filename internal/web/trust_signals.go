package web

import (
	"context"
	"strconv"
	"time"

	"github.com/noaber/noaber/internal/apperr"
	"github.com/noaber/noaber/internal/trust"
)

// trustBadge is one trust signal as a page shows it: an icon and a text
// that says it all, so that nobody has to know what a colour means.
type trustBadge struct {
	ID   string // "trust-email", "trust-watch-0", ...
	Icon string
	Text string
}

// TrustBadges is a person's trust signals in the page's language. withEmail
// leaves out the confirmed e-mail address where the page shows it already
// (the profile's header).
func (v *view) TrustBadges(s trust.Signals, withEmail bool) []trustBadge {
	var out []trustBadge
	if withEmail && s.EmailVerified {
		out = append(out, trustBadge{ID: "trust-email", Icon: "check", Text: v.T("web.profile.verified")})
	}
	for i, g := range s.WatchGroups {
		out = append(out, trustBadge{ID: "trust-watch-" + strconv.Itoa(i), Icon: "people", Text: v.T("web.trust.watch", "name", g)})
	}
	for i, vo := range s.Vouches {
		b := trustBadge{ID: "trust-vouch-" + strconv.Itoa(i), Icon: "check", Text: v.T("web.trust.vouch", "organisation", vo.Organisation)}
		if !vo.VOGCheckedOn.IsZero() {
			b.Text += " · " + v.T("web.trust.vog", "date", v.Day(vo.VOGCheckedOn))
		}
		out = append(out, b)
	}
	if s.Helped > 0 {
		out = append(out, trustBadge{ID: "trust-helped", Icon: "heart", Text: v.N("web.trust.helped", s.Helped)})
	}
	if s.Thanks > 0 {
		out = append(out, trustBadge{ID: "trust-thanks", Icon: "speech", Text: v.N("web.profile.thanks_count", s.Thanks)})
	}
	return out
}

// Day formats a calendar day as "3 maart 2026". A day is stored as
// midnight UTC, so it is read in UTC, not moved to Amsterdam.
func (v *view) Day(t time.Time) string {
	t = t.UTC()
	return strconv.Itoa(t.Day()) + " " + v.T("web.month."+strconv.Itoa(int(t.Month()))) + " " + strconv.Itoa(t.Year())
}

// signals reads one person's trust signals. They are extra to the page
// they are on: without the trust service (test harnesses) or when they
// cannot be read, the page shows without them (the zero Signals).
func (h *Handler) signals(ctx context.Context, userID string) trust.Signals {
	if h.trust == nil || userID == "" {
		return trust.Signals{}
	}
	s, err := h.trust.Signals(ctx, userID)
	if err != nil {
		if _, ok := apperr.As(err); !ok {
			h.log.Error("trust signals", "err", err)
		}
		return trust.Signals{}
	}
	return *s
}

// signalsFor is signals for several people at once (a list of
// invitations); nil when they cannot be read.
func (h *Handler) signalsFor(ctx context.Context, ids []string) map[string]trust.Signals {
	if h.trust == nil || len(ids) == 0 {
		return nil
	}
	m, err := h.trust.SignalsFor(ctx, ids)
	if err != nil {
		h.log.Error("trust signals", "err", err)
		return nil
	}
	return m
}
