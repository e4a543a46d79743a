package web

import (
	"net/http"
	"net/url"

	"github.com/noaber/noaber/internal/account"
	"github.com/noaber/noaber/internal/apperr"
	"github.com/noaber/noaber/internal/report"
)

// An edition's flag rules: its overrides of the default word lists and
// thresholds (internal/flag), edited as JSON. A mistake comes back with
// the parser's or the rule's message by the field, the text kept.

type rulesPage struct {
	Edition account.Edition
	Max     int
}

func (h *Handler) moderationRulesForm(w http.ResponseWriter, r *http.Request, v *visit) error {
	text, err := h.moderation.FlagRules(r.Context(), v.user, r.PathValue("id"))
	if err != nil {
		return h.moderationFailed(w, r, err)
	}
	f := &form{Values: url.Values{}, Errors: map[string]string{}}
	f.Values.Set("overrides", text)
	vw := &view{Form: f}
	if r.URL.Query().Has("saved") {
		vw.Notice = "web.moderation.rules.saved"
	}
	return h.renderRules(w, r, v, http.StatusOK, vw)
}

func (h *Handler) moderationRulesSave(w http.ResponseWriter, r *http.Request, v *visit) error {
	id := r.PathValue("id")
	f := readForm(r, "overrides")
	// The JSON is kept exactly as typed; the service trims it.
	if err := h.moderation.SaveFlagRules(r.Context(), v.user, id, f.Values.Get("overrides")); err != nil {
		e, ok := apperr.As(err)
		if !ok || e.Status == http.StatusNotFound || e.Status == http.StatusForbidden {
			return h.moderationFailed(w, r, err)
		}
		status := f.setError(v.lang, e, nil)
		return h.renderRules(w, r, v, status, &view{Form: f})
	}
	http.Redirect(w, r, "/moderation/editions/"+url.PathEscape(id)+"/rules?saved=1", http.StatusSeeOther)
	return nil
}

func (h *Handler) renderRules(w http.ResponseWriter, r *http.Request, v *visit, status int, vw *view) error {
	eds, err := h.moderation.Editions(r.Context(), v.user)
	if err != nil {
		return h.moderationFailed(w, r, err)
	}
	id := r.PathValue("id")
	for _, ed := range eds {
		if ed.ID == id {
			vw.Data = rulesPage{Edition: ed, Max: report.MaxOverrides}
			h.render(w, r, status, "moderation_rules", vw)
			return nil
		}
	}
	return h.moderationFailed(w, r, apperr.Forbidden())
}
