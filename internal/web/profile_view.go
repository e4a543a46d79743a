package web

import (
	"crypto/rand"
	"net/http"
	"time"

	"github.com/noaber/noaber/internal/account"
	"github.com/noaber/noaber/internal/apperr"
	"github.com/noaber/noaber/internal/message"
	"github.com/noaber/noaber/internal/trust"
)

type profilePage struct {
	Profile *account.Profile
	Own     bool
	// Thanks are the thank-you notes the member received, newest first.
	Thanks []message.Thanks
	// MessageKey is the idempotency key of the "send a message" form.
	MessageKey string
	// Signals are the member's trust signals; CanVouch shows a
	// coordinator of the member's edition the form to vouch for them.
	Signals  trust.Signals
	CanVouch bool
	Today    string // the latest day a VOG can have been checked
	MaxOrg   int
}

// profileView shows a member's public profile to another member. Unknown
// and hidden profiles get the same 404 page as any missing page.
func (h *Handler) profileView(w http.ResponseWriter, r *http.Request, v *visit) error {
	vw := &view{}
	q := r.URL.Query()
	switch {
	case q.Get("saved") == "1":
		vw.Notice = "web.profile.saved"
	case q.Has("vouched"):
		vw.Notice = "web.vouch.done"
	case q.Has("unvouched"):
		vw.Notice = "web.vouch.withdrawn"
	}
	return h.renderProfile(w, r, v, http.StatusOK, vw)
}

// renderProfile renders a profile with status; vw may hold the "send a
// message" form sent back with its error.
func (h *Handler) renderProfile(w http.ResponseWriter, r *http.Request, v *visit, status int, vw *view) error {
	p, err := h.accounts.Profile(r.Context(), v.user, r.PathValue("id"), v.lang)
	if err != nil {
		return err
	}
	page := profilePage{Profile: p, Own: p.ID == v.user.ID}
	if !page.Own {
		if vw.Notice == "web.profile.saved" {
			vw.Notice = ""
		}
		page.MessageKey = rand.Text()
	}
	page.Signals = h.signals(r.Context(), p.ID)
	if h.trust != nil && !page.Own {
		page.CanVouch, err = h.trust.CanVouch(r.Context(), v.user, p.ID)
		if err != nil {
			return err
		}
		if page.CanVouch && vw.Form == nil {
			vw.Form = vouchValues(page.Signals)
		}
		page.Today = time.Now().In(amsterdam).Format("2006-01-02")
		page.MaxOrg = trust.MaxOrganisation
	}
	if h.messages != nil {
		// The notes are extra to the profile: the page shows without them
		// when they cannot be read.
		page.Thanks, err = h.messages.ThanksFor(r.Context(), v.user, p.ID)
		if err != nil {
			if _, ok := apperr.As(err); !ok {
				h.log.Error("thanks on a profile", "err", err)
			}
			page.Thanks = nil
		}
	}
	vw.Data = page
	h.render(w, r, status, "profile", vw)
	return nil
}

// vouchValues fills the vouch form with the organisation's name when the
// member has one vouch (the usual case: the coordinator's own).
func vouchValues(s trust.Signals) *form {
	f := &form{Values: map[string][]string{}, Errors: map[string]string{}}
	if len(s.Vouches) == 1 {
		vo := s.Vouches[0]
		f.Values.Set("organisation", vo.Organisation)
		if !vo.VOGCheckedOn.IsZero() {
			f.Values.Set("vog", "1")
			f.Values.Set("vog_checked_on", vo.VOGCheckedOn.UTC().Format("2006-01-02"))
		}
	}
	return f
}
