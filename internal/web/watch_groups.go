package web

import (
	"net/http"

	"github.com/noaber/noaber/internal/apperr"
	"github.com/noaber/noaber/internal/trust"
)

// Neighbourhood-watch groups (buurtpreventie): a group's administrator
// registers it here and shares its invite link; a coordinator confirms
// it; from then on its members show "Lid van buurtpreventiegroep X".

type watchGroupsPage struct {
	Admin   []trust.Group // groups I administer
	Member  []trust.Group // groups I joined and do not administer (trust.MemberGroups)
	MaxName int
	MaxArea int
}

func (h *Handler) watchGroups(w http.ResponseWriter, r *http.Request, v *visit) error {
	vw := &view{}
	q := r.URL.Query()
	switch {
	case q.Has("joined"):
		vw.Notice = "web.watch.joined"
	case q.Has("left"):
		vw.Notice = "web.watch.left"
	case q.Has("closed"):
		vw.Notice = "web.watch.closed"
	}
	return h.renderWatchGroups(w, r, v, http.StatusOK, vw)
}

// watchGroupCreate registers a group; it waits for a coordinator.
func (h *Handler) watchGroupCreate(w http.ResponseWriter, r *http.Request, v *visit) error {
	f := readForm(r, "name", "area")
	g, err := h.trust.RegisterGroup(r.Context(), v.user, f.get("name"), f.get("area"))
	if e, ok := apperr.As(err); ok && e.Status != http.StatusNotFound {
		status := f.setError(v.lang, e, nil)
		return h.renderWatchGroups(w, r, v, status, &view{Form: f})
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/me/watch-groups/"+g.ID+"?created=1", http.StatusSeeOther)
	return nil
}

func (h *Handler) renderWatchGroups(w http.ResponseWriter, r *http.Request, v *visit, status int, vw *view) error {
	ctx := r.Context()
	admin, err := h.trust.AdminGroups(ctx, v.user)
	if err != nil {
		return err
	}
	member, err := h.trust.MemberGroups(ctx, v.user)
	if err != nil {
		return err
	}
	vw.Data = watchGroupsPage{Admin: admin, Member: member, MaxName: trust.MaxGroupName, MaxArea: trust.MaxGroupArea}
	h.render(w, r, status, "watch_groups", vw)
	return nil
}
