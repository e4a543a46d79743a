package web

import (
	"net/http"

	"github.com/noaber/noaber/internal/account"
	"github.com/noaber/noaber/internal/moderation"
)

// The audit log: every action, newest first, as the service wrote it.
// The page only reads; there is no way to change a line.

type auditPage struct {
	Editions []account.Edition
	Edition  string
	Actions  []moderation.Action
	Next     string // "before" of the next (older) page; "" on the last
}

func (h *Handler) moderationAudit(w http.ResponseWriter, r *http.Request, v *visit) error {
	ctx := r.Context()
	eds, err := h.moderation.Editions(ctx, v.user)
	if err != nil {
		return h.moderationFailed(w, r, err)
	}
	q := r.URL.Query()
	ed := q.Get("edition")
	list, err := h.moderation.AuditLog(ctx, v.user, ed, q.Get("before"))
	if err != nil {
		return h.moderationFailed(w, r, err)
	}
	p := auditPage{Editions: eds, Edition: ed, Actions: list}
	if len(list) == moderation.QueuePage {
		p.Next = list[len(list)-1].ID
	}
	h.render(w, r, http.StatusOK, "moderation_audit", &view{Data: p})
	return nil
}

// NextLink is the address of the next (older) page, with the filter.
func (p auditPage) NextLink() string {
	return "/moderation/audit?" + pageQuery(p.Edition, "before", p.Next)
}
