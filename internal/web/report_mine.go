package web

import (
	"net/http"

	"github.com/noaber/noaber/internal/report"
)

type myReportsPage struct {
	Reports []report.Filed
}

// myReports lists the member's own reports with what came of them, in
// general terms: never which action was taken against whom.
func (h *Handler) myReports(w http.ResponseWriter, r *http.Request, v *visit) error {
	list, err := h.reports.Filed(r.Context(), v.user)
	if err != nil {
		return err
	}
	h.render(w, r, http.StatusOK, "my_reports", &view{Data: myReportsPage{Reports: list}})
	return nil
}
