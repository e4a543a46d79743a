package web

import (
	"net/http"
	"strconv"

	"github.com/noaber/noaber/internal/apperr"
)

// The page a member must pass when their edition published new house
// rules (the member middleware sends them here until they accept).

type rulesAcceptPage struct {
	houseRulesPage
	// Outdated is false when the member already accepted these rules:
	// the page then only shows them.
	Outdated bool
}

func (h *Handler) rulesAcceptForm(w http.ResponseWriter, r *http.Request, v *visit) error {
	return h.renderRulesAccept(w, r, v, http.StatusOK, &view{})
}

// rulesAccept records the acceptance of the version the page showed. When
// the rules changed again in the meantime, the member gets the new text
// (409) and accepts that.
func (h *Handler) rulesAccept(w http.ResponseWriter, r *http.Request, v *visit) error {
	f := readForm(r, "version")
	// A version that is not a number is stale by definition: the service
	// answers 409 and the member sees the current text.
	version, _ := strconv.Atoi(f.get("version"))
	err := h.accounts.AcceptHouseRules(r.Context(), v.user.ID, version)
	if e, ok := apperr.As(err); ok && e.Status == http.StatusConflict {
		vw := &view{Form: &form{Errors: map[string]string{}}}
		status := vw.Form.setError(v.lang, e, nil)
		return h.renderRulesAccept(w, r, v, status, vw)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/", http.StatusSeeOther)
	return nil
}

func (h *Handler) renderRulesAccept(w http.ResponseWriter, r *http.Request, v *visit, status int, vw *view) error {
	hr, err := h.accounts.HouseRules(r.Context(), rulesEdition(v), v.lang)
	if err != nil {
		return err
	}
	// After a stale version the member has not accepted the new one yet,
	// whatever their session said when the page was asked for.
	outdated := v.user.RulesOutdated || status == http.StatusConflict
	vw.Data = rulesAcceptPage{houseRulesPage: rulesContent(v.lang, hr), Outdated: outdated}
	h.render(w, r, status, "house_rules_accept", vw)
	return nil
}
