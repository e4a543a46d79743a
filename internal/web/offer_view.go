package web

import (
	"net/http"

	"github.com/noaber/noaber/internal/help"
)

type offerPage struct {
	Offer        *help.OfferView
	ConfirmClose bool
}

// offerView shows an offer; like a request, what one may not see is 404.
func (h *Handler) offerView(w http.ResponseWriter, r *http.Request, v *visit) error {
	ov, err := h.help.Offer(r.Context(), v.user, r.PathValue("id"), v.lang)
	if err != nil {
		return err
	}
	vw := &view{Data: offerPage{Offer: ov}}
	if ov.Mine {
		switch {
		case r.URL.Query().Has("posted"):
			vw.Notice = "web.offer.posted"
		case r.URL.Query().Has("closed"):
			vw.Notice = "web.offer.closed"
		}
	}
	h.render(w, r, http.StatusOK, "offer", vw)
	return nil
}
