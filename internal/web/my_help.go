package web

import (
	"net/http"

	"github.com/noaber/noaber/internal/help"
)

type myHelpPage struct {
	Requests []help.RequestView
	Offers   []help.OfferView
}

// myHelp lists the user's own requests and offers with their status.
func (h *Handler) myHelp(w http.ResponseWriter, r *http.Request, v *visit) error {
	reqs, err := h.help.MyRequests(r.Context(), v.user, v.lang)
	if err != nil {
		return err
	}
	offers, err := h.help.MyOffers(r.Context(), v.user, v.lang)
	if err != nil {
		return err
	}
	h.render(w, r, http.StatusOK, "my_help", &view{Data: myHelpPage{Requests: reqs, Offers: offers}})
	return nil
}
