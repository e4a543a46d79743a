package web

import (
	"net/http"

	"github.com/noaber/noaber/internal/help"
)

type requestPage struct {
	Request *help.RequestView
	// ConfirmCancel asks the seeker whether to really cancel.
	ConfirmCancel bool
	// Progress is the search for a helper, for the seeker only.
	Progress *progressBlock
}

// requestView shows a request: to the seeker with its place and the
// buttons to change it, to others with a town and a distance only.
// Unknown, hidden and blocked requests get the ordinary 404 page.
func (h *Handler) requestView(w http.ResponseWriter, r *http.Request, v *visit) error {
	rv, err := h.help.Request(r.Context(), v.user, r.PathValue("id"), v.lang)
	if err != nil {
		return err
	}
	page := requestPage{Request: rv}
	if rv.Mine {
		page.Progress = h.progress(r.Context(), v, rv.ID, rv.Status == help.StatusOpen)
		// The seeker has seen how the search goes.
		if h.notify != nil {
			if err := h.notify.MarkReadAbout(r.Context(), v.user.ID, rv.ID); err != nil {
				return err
			}
		}
	}
	vw := &view{Data: page}
	if rv.Mine {
		switch {
		case r.URL.Query().Has("posted"):
			vw.Notice = "web.request.posted"
		case r.URL.Query().Has("saved"):
			vw.Notice = "web.request.saved"
		case r.URL.Query().Has("cancelled"):
			vw.Notice = "web.request.cancelled"
		}
	}
	h.render(w, r, http.StatusOK, "request", vw)
	return nil
}
