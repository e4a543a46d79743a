package web

import (
	"net/http"

	"github.com/noaber/noaber/internal/moderation"
)

// The audit log: every action, newest first, as the service wrote it.
// The page only reads; there is no way to change a line.

type auditPage struct {
	editionFilter
	Actions []moderation.Action
	Next    string // "before" of the next (older) page; "" on the last
}

func (h *Handler) moderationAudit(w http.ResponseWriter, r *http.Request, v *visit) error {
	fl, err := h.editionFilter(r, v)
	if err != nil {
		return h.moderationFailed(w, r, err)
	}
	list, err := h.moderation.AuditLog(r.Context(), v.user, fl.Edition, r.URL.Query().Get("before"))
	if err != nil {
		return h.moderationFailed(w, r, err)
	}
	p := auditPage{editionFilter: fl, Actions: list}
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
