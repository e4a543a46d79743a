package web

import (
	"net/http"

	"github.com/noaber/noaber/internal/account"
	"github.com/noaber/noaber/internal/apperr"
	"github.com/noaber/noaber/internal/trust"
)

// A coordinator confirms that a registered neighbourhood-watch group
// exists; until then its members show no badge. The page also leads to
// the house rules of the coordinator's editions. Someone who coordinates
// nothing gets the ordinary 404.

type watchPendingPage struct {
	Groups   []trust.Group
	Editions []account.Edition
}

func (h *Handler) watchGroupsPending(w http.ResponseWriter, r *http.Request, v *visit) error {
	vw := &view{}
	if r.URL.Query().Has("confirmed") {
		vw.Notice = "web.watch.pending.confirmed"
	}
	return h.renderWatchPending(w, r, v, http.StatusOK, vw)
}

func (h *Handler) watchGroupConfirm(w http.ResponseWriter, r *http.Request, v *visit) error {
	err := h.trust.ConfirmGroup(r.Context(), v.user, r.PathValue("id"))
	if e, ok := apperr.As(err); ok && e.Status == http.StatusConflict {
		// The group was closed in the meantime: say so above the list.
		f := &form{Errors: map[string]string{}}
		status := f.setError(v.lang, e, nil)
		return h.renderWatchPending(w, r, v, status, &view{Form: f})
	}
	if err != nil {
		return hideForbidden(err)
	}
	http.Redirect(w, r, "/coordinator/watch-groups?confirmed=1", http.StatusSeeOther)
	return nil
}

func (h *Handler) renderWatchPending(w http.ResponseWriter, r *http.Request, v *visit, status int, vw *view) error {
	ctx := r.Context()
	eds, err := h.accounts.EditionsWithRole(ctx, v.user, account.RoleCoordinator)
	if err != nil {
		return err
	}
	if len(eds) == 0 {
		return apperr.NotFound()
	}
	gs, err := h.trust.PendingGroups(ctx, v.user)
	if err != nil {
		return hideForbidden(err)
	}
	vw.Data = watchPendingPage{Groups: gs, Editions: eds}
	h.render(w, r, status, "watch_pending", vw)
	return nil
}
