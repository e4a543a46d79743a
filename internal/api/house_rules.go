package api

import (
	"net/http"

	"github.com/noaber/noaber/internal/apperr"
)

// getHouseRules answers the current house rules of the caller's edition
// in the answer's language, and whether the caller accepted them.
func (h *Handler) getHouseRules(w http.ResponseWriter, r *http.Request, s *session) error {
	l := lang(r)
	hr, err := h.accounts.HouseRules(r.Context(), s.user.EditionID, l)
	if err != nil {
		return err
	}
	w.Header().Set("Vary", "Accept-Language")
	h.writeJSON(w, r, http.StatusOK, houseRulesFrom(hr, l, h.baseURL, !s.user.RulesOutdated))
	return nil
}

// acceptHouseRules records that the caller accepted a version. The client
// sends the version it showed, so that rules published meanwhile are not
// accepted unread (409 rules_version_stale).
func (h *Handler) acceptHouseRules(w http.ResponseWriter, r *http.Request, s *session) error {
	var b AcceptRulesInput
	if err := decode(w, r, &b); err != nil {
		return err
	}
	if b.Version < 1 {
		return apperr.Invalid(apperr.FieldError{Field: "version", Key: "api.rules_version_required"})
	}
	if err := h.accounts.AcceptHouseRules(r.Context(), s.user.ID, b.Version); err != nil {
		return err
	}
	noContent(w)
	return nil
}
