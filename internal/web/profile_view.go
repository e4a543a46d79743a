package web

import (
	"crypto/rand"
	"net/http"

	"github.com/noaber/noaber/internal/account"
	"github.com/noaber/noaber/internal/apperr"
	"github.com/noaber/noaber/internal/message"
)

type profilePage struct {
	Profile *account.Profile
	Own     bool
	// Thanks are the thank-you notes the member received, newest first.
	Thanks []message.Thanks
	// MessageKey is the idempotency key of the "send a message" form.
	MessageKey string
}

// profileView shows a member's public profile to another member. Unknown
// and hidden profiles get the same 404 page as any missing page.
func (h *Handler) profileView(w http.ResponseWriter, r *http.Request, v *visit) error {
	vw := &view{}
	if r.URL.Query().Get("saved") == "1" {
		vw.Notice = "web.profile.saved"
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
		vw.Notice = ""
		page.MessageKey = rand.Text()
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
