package web

import (
	"crypto/rand"
	"net/http"

	"github.com/noaber/noaber/internal/help"
)

type offerPage struct {
	Offer        *help.OfferView
	ConfirmClose bool
	// RespondKey is the idempotency key of the respond form.
	RespondKey string
	// Hint is a safety hint for the owner (safety_hint.go).
	Hint string
}

// offerView shows an offer; like a request, what one may not see is 404.
func (h *Handler) offerView(w http.ResponseWriter, r *http.Request, v *visit) error {
	vw := &view{}
	q := r.URL.Query()
	switch {
	case q.Has("posted"):
		vw.Notice = "web.offer.posted"
	case q.Has("closed"):
		vw.Notice = "web.offer.closed"
	}
	return h.renderOffer(w, r, v, http.StatusOK, vw)
}

// renderOffer renders the offer page with status; vw may hold a notice
// for the owner or the respond form sent back with its error.
func (h *Handler) renderOffer(w http.ResponseWriter, r *http.Request, v *visit, status int, vw *view) error {
	ov, err := h.help.Offer(r.Context(), v.user, r.PathValue("id"), v.lang)
	if err != nil {
		return err
	}
	page := offerPage{Offer: ov}
	if ov.Mine {
		page.Hint = safetyHint(r.URL.Query())
	} else {
		vw.Notice = ""
		page.RespondKey = rand.Text()
	}
	vw.Data = page
	h.render(w, r, status, "offer", vw)
	return nil
}
