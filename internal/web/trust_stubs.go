package web

import (
	"net/http"

	"github.com/noaber/noaber/internal/apperr"
)

// Stubs until the house rules and trust signal pages land (the web trust
// helper replaces this file).

func (h *Handler) rulesAcceptForm(w http.ResponseWriter, r *http.Request, v *visit) error {
	return apperr.NotFound()
}
func (h *Handler) rulesAccept(w http.ResponseWriter, r *http.Request, v *visit) error {
	return apperr.NotFound()
}
func (h *Handler) houseRulesEditForm(w http.ResponseWriter, r *http.Request, v *visit) error {
	return apperr.NotFound()
}
func (h *Handler) houseRulesPublish(w http.ResponseWriter, r *http.Request, v *visit) error {
	return apperr.NotFound()
}
func (h *Handler) watchGroups(w http.ResponseWriter, r *http.Request, v *visit) error {
	return apperr.NotFound()
}
func (h *Handler) watchGroupCreate(w http.ResponseWriter, r *http.Request, v *visit) error {
	return apperr.NotFound()
}
func (h *Handler) watchGroupView(w http.ResponseWriter, r *http.Request, v *visit) error {
	return apperr.NotFound()
}
func (h *Handler) watchGroupRevoke(w http.ResponseWriter, r *http.Request, v *visit) error {
	return apperr.NotFound()
}
func (h *Handler) watchGroupNewLink(w http.ResponseWriter, r *http.Request, v *visit) error {
	return apperr.NotFound()
}
func (h *Handler) watchGroupClose(w http.ResponseWriter, r *http.Request, v *visit) error {
	return apperr.NotFound()
}
func (h *Handler) watchGroupLeave(w http.ResponseWriter, r *http.Request, v *visit) error {
	return apperr.NotFound()
}
func (h *Handler) watchJoinForm(w http.ResponseWriter, r *http.Request, v *visit) error {
	return apperr.NotFound()
}
func (h *Handler) watchJoin(w http.ResponseWriter, r *http.Request, v *visit) error {
	return apperr.NotFound()
}
func (h *Handler) watchGroupsPending(w http.ResponseWriter, r *http.Request, v *visit) error {
	return apperr.NotFound()
}
func (h *Handler) watchGroupConfirm(w http.ResponseWriter, r *http.Request, v *visit) error {
	return apperr.NotFound()
}
func (h *Handler) vouch(w http.ResponseWriter, r *http.Request, v *visit) error {
	return apperr.NotFound()
}
func (h *Handler) unvouch(w http.ResponseWriter, r *http.Request, v *visit) error {
	return apperr.NotFound()
}
