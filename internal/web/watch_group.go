package web

import (
	"net/http"

	"github.com/noaber/noaber/internal/apperr"
	"github.com/noaber/noaber/internal/trust"
)

// One neighbourhood-watch group, as its administrator manages it (and a
// coordinator of its edition sees it): the invite link, the members and
// what can be done with them.

type watchGroupPage struct {
	Group *trust.Group
	// Admin: the visitor administers the group (link, revoke, close).
	Admin bool
	// Link is the invite link as a full address to copy.
	Link string
	// ConfirmClose asks whether to really close the group.
	ConfirmClose bool
}

func (h *Handler) watchGroupView(w http.ResponseWriter, r *http.Request, v *visit) error {
	vw := &view{}
	q := r.URL.Query()
	switch {
	case q.Has("created"):
		vw.Notice = "web.watch.created"
	case q.Has("revoked"):
		vw.Notice = "web.watch.revoked"
	case q.Has("new_link"):
		vw.Notice = "web.watch.new_link_done"
	}
	return h.renderWatchGroup(w, r, v, http.StatusOK, vw, false)
}

// watchGroupRevoke ends one member's membership: they lose the badge.
func (h *Handler) watchGroupRevoke(w http.ResponseWriter, r *http.Request, v *visit) error {
	id := r.PathValue("id")
	f := readForm(r, "user")
	if err := h.trust.RevokeMember(r.Context(), v.user, id, f.get("user")); err != nil {
		return h.watchGroupFailed(w, r, v, err)
	}
	http.Redirect(w, r, "/me/watch-groups/"+id+"?revoked=1", http.StatusSeeOther)
	return nil
}

// watchGroupNewLink replaces the invite link; the old one stops working.
func (h *Handler) watchGroupNewLink(w http.ResponseWriter, r *http.Request, v *visit) error {
	id := r.PathValue("id")
	if _, err := h.trust.NewInvite(r.Context(), v.user, id); err != nil {
		return h.watchGroupFailed(w, r, v, err)
	}
	http.Redirect(w, r, "/me/watch-groups/"+id+"?new_link=1", http.StatusSeeOther)
	return nil
}

// watchGroupClose closes the group after the administrator confirmed it
// (every member loses the badge, so the first press only asks).
func (h *Handler) watchGroupClose(w http.ResponseWriter, r *http.Request, v *visit) error {
	if r.PostFormValue("confirm") != "1" {
		return h.renderWatchGroup(w, r, v, http.StatusOK, &view{}, true)
	}
	if err := h.trust.CloseGroup(r.Context(), v.user, r.PathValue("id")); err != nil {
		return h.watchGroupFailed(w, r, v, err)
	}
	http.Redirect(w, r, "/me/watch-groups?closed=1", http.StatusSeeOther)
	return nil
}

// watchGroupLeave ends the visitor's own membership.
func (h *Handler) watchGroupLeave(w http.ResponseWriter, r *http.Request, v *visit) error {
	if err := h.trust.Leave(r.Context(), v.user, r.PathValue("id")); err != nil {
		return err
	}
	http.Redirect(w, r, "/me/watch-groups?left=1", http.StatusSeeOther)
	return nil
}

// watchGroupFailed shows the group again with what went wrong (a closed
// group, revoking oneself); a group the visitor may not manage is the
// ordinary 404.
func (h *Handler) watchGroupFailed(w http.ResponseWriter, r *http.Request, v *visit, err error) error {
	e, ok := apperr.As(err)
	if !ok || e.Status == http.StatusNotFound || e.Status == http.StatusForbidden {
		return hideForbidden(err)
	}
	f := &form{Errors: map[string]string{}}
	status := f.setError(v.lang, e, nil)
	return h.renderWatchGroup(w, r, v, status, &view{Form: f}, false)
}

func (h *Handler) renderWatchGroup(w http.ResponseWriter, r *http.Request, v *visit, status int, vw *view, confirmClose bool) error {
	g, err := h.trust.Group(r.Context(), v.user, r.PathValue("id"))
	if err != nil {
		return hideForbidden(err)
	}
	p := watchGroupPage{Group: g, Admin: g.AdminID == v.user.ID, ConfirmClose: confirmClose && !g.Closed}
	if p.Admin && g.InviteToken != "" && !g.Closed {
		p.Link = h.baseURL + "/join/" + g.InviteToken
	}
	vw.Data = p
	h.render(w, r, status, "watch_group", vw)
	return nil
}
