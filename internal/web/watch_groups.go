package web

import (
	"context"
	"net/http"

	"github.com/noaber/noaber/internal/account"
	"github.com/noaber/noaber/internal/apperr"
	"github.com/noaber/noaber/internal/trust"
)

// Neighbourhood-watch groups (buurtpreventie): a group's administrator
// registers it here and shares its invite link; a coordinator confirms
// it; from then on its members show "Lid van buurtpreventiegroep X".

type watchGroupsPage struct {
	Admin   []trust.Group // groups I administer
	Member  []trust.Group // groups I joined (without the ones I administer)
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
	member, err := h.memberGroups(ctx, v.user)
	if err != nil {
		return err
	}
	mine := map[string]bool{}
	for _, g := range admin {
		mine[g.ID] = true
	}
	p := watchGroupsPage{Admin: admin, MaxName: trust.MaxGroupName, MaxArea: trust.MaxGroupArea}
	for _, g := range member {
		if !mine[g.ID] {
			p.Member = append(p.Member, g)
		}
	}
	vw.Data = p
	h.render(w, r, status, "watch_groups", vw)
	return nil
}

// memberGroups lists the groups the user joined, so they can leave one.
func (h *Handler) memberGroups(ctx context.Context, u *account.User) ([]trust.Group, error) {
	return h.trust.MemberGroups(ctx, u)
}
