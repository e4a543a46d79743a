package web

import (
	"net/http"

	"github.com/noaber/noaber/internal/moderation"
)

// A member with a moderator's warning sees this page before any other
// (session.go interstitial) until they acknowledge every warning.

type warningsPage struct {
	Warnings []moderation.Warning
}

func (h *Handler) warnings(w http.ResponseWriter, r *http.Request, v *visit) error {
	list, err := h.moderation.PendingWarnings(r.Context(), v.user.ID)
	if err != nil {
		return err
	}
	// No redirect when there is none: a stale flag must not bounce the
	// member between this page and the interstitial.
	h.render(w, r, http.StatusOK, "warnings", &view{Data: warningsPage{Warnings: list}})
	return nil
}

// warningAcknowledge marks one warning read; after the last one the
// member goes on to the start page.
func (h *Handler) warningAcknowledge(w http.ResponseWriter, r *http.Request, v *visit) error {
	ctx := r.Context()
	if err := h.moderation.Acknowledge(ctx, v.user.ID, r.PathValue("id")); err != nil {
		return err
	}
	left, err := h.moderation.PendingWarnings(ctx, v.user.ID)
	if err != nil {
		return err
	}
	to := "/"
	if len(left) > 0 {
		to = "/me/warnings"
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}
