package web

import (
	"net/http"

	"github.com/noaber/noaber/internal/apperr"
)

// requestCancel first asks the seeker to confirm (a page with a second
// form, so it works without JavaScript); with confirm=1 it cancels.
func (h *Handler) requestCancel(w http.ResponseWriter, r *http.Request, v *visit) error {
	id := r.PathValue("id")
	if r.PostFormValue("confirm") != "1" {
		rv, err := h.help.Request(r.Context(), v.user, id, v.lang)
		if err != nil {
			return err
		}
		if !rv.Mine {
			return apperr.NotFound()
		}
		h.render(w, r, http.StatusOK, "request", &view{Data: requestPage{Request: rv, ConfirmCancel: true}})
		return nil
	}
	if err := h.help.CancelRequest(r.Context(), v.user, id); err != nil {
		return err
	}
	http.Redirect(w, r, "/requests/"+id+"?cancelled=1", http.StatusSeeOther)
	return nil
}
