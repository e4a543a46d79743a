package web

import (
	"crypto/rand"
	"net/http"

	"github.com/noaber/noaber/internal/help"
)

type requestPage struct {
	Request *help.RequestView
	// ConfirmCancel asks the seeker whether to really cancel.
	ConfirmCancel bool
	// Progress is the search for a helper, for the seeker only.
	Progress *progressBlock
	// RespondKey is the idempotency key of the respond form.
	RespondKey string
	// Hint is a safety hint for the seeker (safety_hint.go).
	Hint string
}

// requestView shows a request: to the seeker with its place and the
// buttons to change it, to others with a town and a distance only.
// Unknown, hidden and blocked requests get the ordinary 404 page.
func (h *Handler) requestView(w http.ResponseWriter, r *http.Request, v *visit) error {
	vw := &view{}
	q := r.URL.Query()
	switch {
	case q.Has("posted"):
		vw.Notice = "web.request.posted"
	case q.Has("saved"):
		vw.Notice = "web.request.saved"
	case q.Has("cancelled"):
		vw.Notice = "web.request.cancelled"
	}
	return h.renderRequest(w, r, v, http.StatusOK, vw)
}

// renderRequest renders the request page with status; vw may hold a
// notice for the seeker or the respond form sent back with its error.
func (h *Handler) renderRequest(w http.ResponseWriter, r *http.Request, v *visit, status int, vw *view) error {
	rv, err := h.help.Request(r.Context(), v.user, r.PathValue("id"), v.lang)
	if err != nil {
		return err
	}
	page := requestPage{Request: rv}
	if rv.Mine {
		page.Hint = safetyHint(r.URL.Query())
		page.Progress = h.progress(r.Context(), v, rv.ID, rv.Status == help.StatusOpen)
		// The seeker has seen how the search goes.
		if h.notify != nil {
			if err := h.notify.MarkReadAbout(r.Context(), v.user.ID, rv.ID); err != nil {
				return err
			}
		}
	} else {
		vw.Notice = ""
		page.RespondKey = rand.Text()
	}
	vw.Data = page
	h.render(w, r, status, "request", vw)
	return nil
}
