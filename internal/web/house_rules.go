package web

import (
	"net/http"

	"github.com/noaber/noaber/internal/account"
)

// houseRules shows the rules every member accepts at sign-up.
func (h *Handler) houseRules(w http.ResponseWriter, r *http.Request, v *visit) error {
	h.render(w, r, http.StatusOK, "house_rules", &view{Data: account.RulesVersion})
	return nil
}
