package web

import "net/http"

// offerClose closes an offer of the helper; others get the 404 page.
func (h *Handler) offerClose(w http.ResponseWriter, r *http.Request, v *visit) error {
	id := r.PathValue("id")
	if err := h.help.CloseOffer(r.Context(), v.user, id); err != nil {
		return err
	}
	http.Redirect(w, r, "/offers/"+id+"?closed=1", http.StatusSeeOther)
	return nil
}
