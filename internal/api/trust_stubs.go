package api

import (
	"net/http"

	"github.com/noaber/noaber/internal/apperr"
)

// Stubs until the trust and safety API lands (the API helper replaces
// this file).

func stub() error {
	return apperr.New(http.StatusNotImplemented, "not_implemented", "api.route_not_found")
}

func (h *Handler) createReport(w http.ResponseWriter, r *http.Request, s *session) error {
	return stub()
}
func (h *Handler) myReports(w http.ResponseWriter, r *http.Request, s *session) error  { return stub() }
func (h *Handler) myWarnings(w http.ResponseWriter, r *http.Request, s *session) error { return stub() }
func (h *Handler) acknowledgeWarning(w http.ResponseWriter, r *http.Request, s *session) error {
	return stub()
}
func (h *Handler) getHouseRules(w http.ResponseWriter, r *http.Request, s *session) error {
	return stub()
}
func (h *Handler) acceptHouseRules(w http.ResponseWriter, r *http.Request, s *session) error {
	return stub()
}
func (h *Handler) userTrust(w http.ResponseWriter, r *http.Request, s *session) error { return stub() }
func (h *Handler) joinWatchGroup(w http.ResponseWriter, r *http.Request, s *session) error {
	return stub()
}
func (h *Handler) moderationQueue(w http.ResponseWriter, r *http.Request, s *session) error {
	return stub()
}
func (h *Handler) moderationCase(w http.ResponseWriter, r *http.Request, s *session) error {
	return stub()
}
func (h *Handler) moderationAct(w http.ResponseWriter, r *http.Request, s *session) error {
	return stub()
}
func (h *Handler) moderationPerson(w http.ResponseWriter, r *http.Request, s *session) error {
	return stub()
}
func (h *Handler) moderationPersonAct(w http.ResponseWriter, r *http.Request, s *session) error {
	return stub()
}
func (h *Handler) moderationAudit(w http.ResponseWriter, r *http.Request, s *session) error {
	return stub()
}
