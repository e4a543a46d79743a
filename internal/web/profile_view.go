package web

import (
	"net/http"

	"github.com/noaber/noaber/internal/account"
)

type profilePage struct {
	Profile *account.Profile
	Own     bool
}

// profileView shows a member's public profile to another member. Unknown
// and hidden profiles get the same 404 page as any missing page.
func (h *Handler) profileView(w http.ResponseWriter, r *http.Request, v *visit) error {
	p, err := h.accounts.Profile(r.Context(), v.user, r.PathValue("id"), v.lang)
	if err != nil {
		return err
	}
	own := p.ID == v.user.ID
	vw := &view{Data: profilePage{Profile: p, Own: own}}
	if own && r.URL.Query().Get("saved") == "1" {
		vw.Notice = "web.profile.saved"
	}
	h.render(w, r, http.StatusOK, "profile", vw)
	return nil
}
