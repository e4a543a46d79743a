package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/noaber/noaber/internal/account"
	"github.com/noaber/noaber/internal/apperr"
	"github.com/noaber/noaber/internal/dispatch"
)

// The coordinator pages: the escalation list, how one request was
// dispatched, and an edition's dispatch settings. Someone who is no
// coordinator gets the ordinary 404: "not allowed" looks like "not found".

type coordinatorPage struct {
	Escalations []dispatch.Escalation
	Editions    []account.Edition
}

func (h *Handler) coordinator(w http.ResponseWriter, r *http.Request, v *visit) error {
	if h.dispatch == nil {
		return apperr.NotFound()
	}
	list, err := h.dispatch.Escalations(r.Context(), v.user)
	if err != nil {
		return hideForbidden(err)
	}
	eds, err := h.accounts.EditionsWithRole(r.Context(), v.user, account.RoleCoordinator)
	if err != nil {
		return err
	}
	vw := &view{Data: coordinatorPage{Escalations: list, Editions: eds}}
	if r.URL.Query().Has("resolved") {
		vw.Notice = "web.coordinator.resolved"
	}
	h.render(w, r, http.StatusOK, "coordinator", vw)
	return nil
}

// hideForbidden turns "not allowed" into "not found".
func hideForbidden(err error) error {
	if e, ok := apperr.As(err); ok && e.Status == http.StatusForbidden {
		return apperr.NotFound()
	}
	return err
}

type coordinatorRequestPage struct {
	Ex *dispatch.Explanation
}

func (h *Handler) coordinatorRequest(w http.ResponseWriter, r *http.Request, v *visit) error {
	vw := &view{}
	if r.URL.Query().Has("retried") {
		vw.Notice = "web.coordinator.retried"
	}
	return h.renderCoordinatorRequest(w, r, v, http.StatusOK, vw)
}

// coordinatorResolve takes a request off the escalation list with a note.
func (h *Handler) coordinatorResolve(w http.ResponseWriter, r *http.Request, v *visit) error {
	if h.dispatch == nil {
		return apperr.NotFound()
	}
	f := readForm(r, "note")
	err := h.dispatch.Resolve(r.Context(), v.user, r.PathValue("id"), f.get("note"))
	if err != nil {
		return h.coordinatorFailed(w, r, v, f, err)
	}
	http.Redirect(w, r, "/coordinator?resolved=1", http.StatusSeeOther)
	return nil
}

// coordinatorRetry starts the search again.
func (h *Handler) coordinatorRetry(w http.ResponseWriter, r *http.Request, v *visit) error {
	if h.dispatch == nil {
		return apperr.NotFound()
	}
	id := r.PathValue("id")
	if err := h.dispatch.Retry(r.Context(), v.user, id); err != nil {
		return h.coordinatorFailed(w, r, v, readForm(r, "note"), err)
	}
	http.Redirect(w, r, "/coordinator/requests/"+id+"?retried=1", http.StatusSeeOther)
	return nil
}

func (h *Handler) coordinatorFailed(w http.ResponseWriter, r *http.Request, v *visit, f *form, err error) error {
	e, ok := apperr.As(err)
	if !ok || e.Status == http.StatusNotFound || e.Status == http.StatusForbidden {
		return hideForbidden(err)
	}
	status := f.setError(v.lang, e, nil)
	return h.renderCoordinatorRequest(w, r, v, status, &view{Form: f})
}

func (h *Handler) renderCoordinatorRequest(w http.ResponseWriter, r *http.Request, v *visit, status int, vw *view) error {
	if h.dispatch == nil {
		return apperr.NotFound()
	}
	ex, err := h.dispatch.Explain(r.Context(), v.user, r.PathValue("id"))
	if err != nil {
		return hideForbidden(err)
	}
	vw.Data = coordinatorRequestPage{Ex: ex}
	h.render(w, r, status, "coordinator_request", vw)
	return nil
}

type editionSettingsPage struct {
	Edition *account.Edition
}

var editionSettingsFields = []string{"batch", "answer_minutes", "max_km", "escalate_hours"}

func (h *Handler) editionSettingsForm(w http.ResponseWriter, r *http.Request, v *visit) error {
	ed, err := h.coordinatedEdition(r, v)
	if err != nil {
		return err
	}
	s, err := h.dispatch.EditionSettings(r.Context(), v.user, ed.ID)
	if err != nil {
		return err
	}
	vals := url.Values{
		"batch":          {strconv.Itoa(s.Batch)},
		"answer_minutes": {strconv.Itoa(s.AnswerMinutes)},
		"max_km":         {strconv.FormatFloat(s.MaxKm, 'f', -1, 64)},
		"escalate_hours": {strconv.Itoa(s.EscalateHours)},
	}
	vw := &view{Form: &form{Values: vals, Errors: map[string]string{}}, Data: editionSettingsPage{Edition: ed}}
	if r.URL.Query().Has("saved") {
		vw.Notice = "web.edition_settings.saved"
	}
	h.render(w, r, http.StatusOK, "edition_settings", vw)
	return nil
}

// editionSettingsSave stores the settings, or none when one is wrong.
func (h *Handler) editionSettingsSave(w http.ResponseWriter, r *http.Request, v *visit) error {
	ed, err := h.coordinatedEdition(r, v)
	if err != nil {
		return err
	}
	f := readForm(r, editionSettingsFields...)
	// What is not a number becomes 0, which the service refuses with its
	// own message.
	var in dispatch.EditionSettings
	in.Batch, _ = strconv.Atoi(f.get("batch"))
	in.AnswerMinutes, _ = strconv.Atoi(f.get("answer_minutes"))
	in.MaxKm, _ = strconv.ParseFloat(strings.ReplaceAll(f.get("max_km"), ",", "."), 64)
	in.EscalateHours, _ = strconv.Atoi(f.get("escalate_hours"))
	err = h.dispatch.SaveEditionSettings(r.Context(), v.user, ed.ID, in)
	if e, ok := apperr.As(err); ok && e.Status != http.StatusNotFound && e.Status != http.StatusForbidden {
		status := f.setError(v.lang, e, nil)
		h.render(w, r, status, "edition_settings", &view{Form: f, Data: editionSettingsPage{Edition: ed}})
		return nil
	}
	if err != nil {
		return hideForbidden(err)
	}
	http.Redirect(w, r, "/coordinator/editions/"+ed.ID+"/settings?saved=1", http.StatusSeeOther)
	return nil
}

// coordinatedEdition is the edition in the path (for its name). Whether
// the user coordinates it is the dispatcher's rule: EditionSettings and
// SaveEditionSettings answer the ordinary 404 to anyone else.
func (h *Handler) coordinatedEdition(r *http.Request, v *visit) (*account.Edition, error) {
	if h.dispatch == nil {
		return nil, apperr.NotFound()
	}
	return h.accounts.Edition(r.Context(), r.PathValue("id"))
}
