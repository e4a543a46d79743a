package web

import (
	"net/http"

	"github.com/noaber/noaber/internal/apperr"
	"github.com/noaber/noaber/internal/trust"
)

// Joining a neighbourhood-watch group through the link its administrator
// shared. Visitors who are not signed in log in first and come back here.

type watchJoinPage struct {
	Group *trust.Group
	Token string
}

func (h *Handler) watchJoinForm(w http.ResponseWriter, r *http.Request, v *visit) error {
	return h.renderWatchJoin(w, r, v, http.StatusOK, &view{})
}

// watchJoin makes the visitor a member; a member the administrator
// revoked sees why they cannot come back.
func (h *Handler) watchJoin(w http.ResponseWriter, r *http.Request, v *visit) error {
	_, err := h.trust.Join(r.Context(), v.user, r.PathValue("token"))
	if e, ok := apperr.As(err); ok && e.Status != http.StatusNotFound {
		f := &form{Errors: map[string]string{}}
		status := f.setError(v.lang, e, nil)
		return h.renderWatchJoin(w, r, v, status, &view{Form: f})
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/me/watch-groups?joined=1", http.StatusSeeOther)
	return nil
}

func (h *Handler) renderWatchJoin(w http.ResponseWriter, r *http.Request, v *visit, status int, vw *view) error {
	token := r.PathValue("token")
	g, err := h.trust.GroupByInvite(r.Context(), token)
	if err != nil {
		return err
	}
	vw.Data = watchJoinPage{Group: g, Token: token}
	h.render(w, r, status, "watch_join", vw)
	return nil
}
