package web

import (
	"net/http"

	"github.com/noaber/noaber/internal/apperr"
)

// Stubs until the trust and safety pages land (the web moderation helper
// replaces this file).

func (h *Handler) reportForm(w http.ResponseWriter, r *http.Request, v *visit) error {
	return apperr.NotFound()
}
func (h *Handler) reportCreate(w http.ResponseWriter, r *http.Request, v *visit) error {
	return apperr.NotFound()
}
func (h *Handler) myReports(w http.ResponseWriter, r *http.Request, v *visit) error {
	return apperr.NotFound()
}
func (h *Handler) warnings(w http.ResponseWriter, r *http.Request, v *visit) error {
	return apperr.NotFound()
}
func (h *Handler) warningAcknowledge(w http.ResponseWriter, r *http.Request, v *visit) error {
	return apperr.NotFound()
}
func (h *Handler) moderationQueue(w http.ResponseWriter, r *http.Request, v *visit) error {
	return apperr.NotFound()
}
func (h *Handler) moderationCase(w http.ResponseWriter, r *http.Request, v *visit) error {
	return apperr.NotFound()
}
func (h *Handler) moderationAct(w http.ResponseWriter, r *http.Request, v *visit) error {
	return apperr.NotFound()
}
func (h *Handler) moderationPerson(w http.ResponseWriter, r *http.Request, v *visit) error {
	return apperr.NotFound()
}
func (h *Handler) moderationPersonAct(w http.ResponseWriter, r *http.Request, v *visit) error {
	return apperr.NotFound()
}
func (h *Handler) moderationAudit(w http.ResponseWriter, r *http.Request, v *visit) error {
	return apperr.NotFound()
}
func (h *Handler) moderationRulesForm(w http.ResponseWriter, r *http.Request, v *visit) error {
	return apperr.NotFound()
}
func (h *Handler) moderationRulesSave(w http.ResponseWriter, r *http.Request, v *visit) error {
	return apperr.NotFound()
}
