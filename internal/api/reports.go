package api

import "net/http"

// createReport files a member's report about a person, a request, an
// offer or a message. Which items the caller may report (a message only
// in their own conversation) is the report service's rule; reporting the
// same open item again answers the first report.
func (h *Handler) createReport(w http.ResponseWriter, r *http.Request, s *session) error {
	var b ReportInput
	if err := decode(w, r, &b); err != nil {
		return err
	}
	f, err := h.reports.File(r.Context(), s.user, reportInput(b))
	if err != nil {
		return err
	}
	h.writeJSON(w, r, http.StatusCreated, filedFrom(f))
	return nil
}

// myReports lists the caller's own reports, newest first.
func (h *Handler) myReports(w http.ResponseWriter, r *http.Request, s *session) error {
	fs, err := h.reports.Filed(r.Context(), s.user)
	if err != nil {
		return err
	}
	h.writeJSON(w, r, http.StatusOK, listFrom(fs, filedFrom))
	return nil
}
