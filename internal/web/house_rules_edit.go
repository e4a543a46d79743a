package web

import (
	"net/http"
	"strconv"

	"github.com/noaber/noaber/internal/account"
	"github.com/noaber/noaber/internal/apperr"
	"github.com/noaber/noaber/internal/i18n"
)

// A coordinator publishes new house rules for their edition. Every member
// of the edition must then accept them again, so the page says so plainly
// before the button. Anyone else gets the ordinary 404.

type rulesEditPage struct {
	Edition *account.Edition
	Current *account.HouseRules // in Dutch
	Max     int
}

func (h *Handler) houseRulesEditForm(w http.ResponseWriter, r *http.Request, v *visit) error {
	ed, err := h.rulesEditEdition(r, v)
	if err != nil {
		return err
	}
	ctx := r.Context()
	nl, err := h.accounts.HouseRules(ctx, ed.ID, i18n.NL)
	if err != nil {
		return err
	}
	en, err := h.accounts.HouseRules(ctx, ed.ID, i18n.EN)
	if err != nil {
		return err
	}
	f := &form{Values: map[string][]string{}, Errors: map[string]string{}}
	switch {
	case nl.Body == "":
		// The built-in rules: the starting point for the edition's own.
		f.Values.Set("body_nl", rulesPlainText(i18n.NL))
		f.Values.Set("body_en", rulesPlainText(i18n.EN))
	default:
		f.Values.Set("body_nl", nl.Body)
		// Without an English text the service answers the Dutch one;
		// the form then leaves English empty rather than copy it.
		if en.Body != nl.Body {
			f.Values.Set("body_en", en.Body)
		}
	}
	vw := &view{Form: f}
	if n := r.URL.Query().Get("published"); n != "" {
		vw.Notice = "web.trust.rules_edit.published"
	}
	return h.renderRulesEdit(w, r, http.StatusOK, vw, ed, nl)
}

// houseRulesPublish publishes the texts as the edition's next version.
func (h *Handler) houseRulesPublish(w http.ResponseWriter, r *http.Request, v *visit) error {
	ed, err := h.rulesEditEdition(r, v)
	if err != nil {
		return err
	}
	f := readForm(r, "body_nl", "body_en")
	version, err := h.accounts.PublishHouseRules(r.Context(), v.user, ed.ID, map[i18n.Lang]string{
		i18n.NL: f.Values.Get("body_nl"), i18n.EN: f.Values.Get("body_en"),
	})
	if e, ok := apperr.As(err); ok && e.Status != http.StatusNotFound && e.Status != http.StatusForbidden {
		status := f.setError(v.lang, e, nil)
		cur, err := h.accounts.HouseRules(r.Context(), ed.ID, i18n.NL)
		if err != nil {
			return err
		}
		return h.renderRulesEdit(w, r, status, &view{Form: f}, ed, cur)
	}
	if err != nil {
		return hideForbidden(err)
	}
	http.Redirect(w, r, "/coordinator/editions/"+ed.ID+"/house-rules?published="+strconv.Itoa(version), http.StatusSeeOther)
	return nil
}

// rulesEditEdition is the edition in the path when the visitor
// coordinates it; the ordinary 404 otherwise.
func (h *Handler) rulesEditEdition(r *http.Request, v *visit) (*account.Edition, error) {
	ed, err := h.accounts.Edition(r.Context(), r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	ok, err := h.accounts.HasRole(r.Context(), v.user, ed.ID, account.RoleCoordinator)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, apperr.NotFound()
	}
	return ed, nil
}

func (h *Handler) renderRulesEdit(w http.ResponseWriter, r *http.Request, status int, vw *view, ed *account.Edition, cur *account.HouseRules) error {
	vw.Data = rulesEditPage{Edition: ed, Current: cur, Max: account.MaxHouseRules}
	h.render(w, r, status, "house_rules_edit", vw)
	return nil
}
