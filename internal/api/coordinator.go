package api

import (
	"net/http"
)

// What coordinators of an edition do with the dispatcher: pick up the
// requests nobody said yes to, see why helpers ranked where they did, and
// tune how their edition dispatches. The dispatcher decides who is a
// coordinator of what; only the edition settings are checked here,
// because the service's reader of them serves the dispatcher itself too.

func (h *Handler) listEscalations(w http.ResponseWriter, r *http.Request, s *session) error {
	es, err := h.dispatch.Escalations(r.Context(), s.user)
	if err != nil {
		return err
	}
	cats, err := h.accounts.Categories(r.Context(), lang(r))
	if err != nil {
		return err
	}
	byID := make(map[string]CategoryRef, len(cats))
	for _, c := range cats {
		byID[c.ID] = categoryRef(c)
	}
	h.writeJSON(w, r, http.StatusOK, escalationsFrom(es, byID))
	return nil
}

func (h *Handler) explainDispatch(w http.ResponseWriter, r *http.Request, s *session) error {
	x, err := h.dispatch.Explain(r.Context(), s.user, r.PathValue("id"))
	if err != nil {
		return err
	}
	h.writeJSON(w, r, http.StatusOK, explanationFrom(x))
	return nil
}

type resolveBody struct {
	Note string `json:"note"`
}

func (h *Handler) resolveEscalation(w http.ResponseWriter, r *http.Request, s *session) error {
	var b resolveBody
	if err := decodeOptional(w, r, &b); err != nil {
		return err
	}
	if err := h.dispatch.Resolve(r.Context(), s.user, r.PathValue("request_id"), b.Note); err != nil {
		return err
	}
	noContent(w)
	return nil
}

func (h *Handler) retryEscalation(w http.ResponseWriter, r *http.Request, s *session) error {
	if err := h.dispatch.Retry(r.Context(), s.user, r.PathValue("request_id")); err != nil {
		return err
	}
	noContent(w)
	return nil
}

func (h *Handler) getDispatchSettings(w http.ResponseWriter, r *http.Request, s *session) error {
	es, err := h.dispatch.EditionSettings(r.Context(), s.user, r.PathValue("id"))
	if err != nil {
		return err
	}
	h.writeJSON(w, r, http.StatusOK, dispatchSettingsFrom(es))
	return nil
}

// putDispatchSettings replaces all of an edition's dispatch settings.
func (h *Handler) putDispatchSettings(w http.ResponseWriter, r *http.Request, s *session) error {
	var b DispatchSettings
	if err := decode(w, r, &b); err != nil {
		return err
	}
	id := r.PathValue("id")
	if err := h.dispatch.SaveEditionSettings(r.Context(), s.user, id, dispatchEditionSettings(b)); err != nil {
		return err
	}
	es, err := h.dispatch.EditionSettings(r.Context(), s.user, id)
	if err != nil {
		return err
	}
	h.writeJSON(w, r, http.StatusOK, dispatchSettingsFrom(es))
	return nil
}
