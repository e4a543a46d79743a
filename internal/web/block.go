package web

import (
	"net/http"

	"github.com/noaber/noaber/internal/account"
	"github.com/noaber/noaber/internal/apperr"
)

type blockPage struct {
	Person *account.Profile
}

// block first asks to confirm, on a page of its own (no script needed);
// with confirm=1 it blocks. Someone already blocked, or unknown, gets
// the 404 page like any profile one may not see.
func (h *Handler) block(w http.ResponseWriter, r *http.Request, v *visit) error {
	id := r.PathValue("id")
	if r.PostFormValue("confirm") != "1" {
		p, err := h.accounts.Profile(r.Context(), v.user, id, v.lang)
		if err != nil {
			return err
		}
		if p.ID == v.user.ID {
			return apperr.NotFound()
		}
		h.render(w, r, http.StatusOK, "block", &view{Data: blockPage{Person: p}})
		return nil
	}
	if err := h.accounts.Block(r.Context(), v.user, id); err != nil {
		return err
	}
	http.Redirect(w, r, "/me/settings?blocked=1#blocks-title", http.StatusSeeOther)
	return nil
}

// unblock lifts a block from the list in the settings.
func (h *Handler) unblock(w http.ResponseWriter, r *http.Request, v *visit) error {
	if err := h.accounts.Unblock(r.Context(), v.user, r.PathValue("id")); err != nil {
		return err
	}
	http.Redirect(w, r, "/me/settings?unblocked=1#blocks-title", http.StatusSeeOther)
	return nil
}
