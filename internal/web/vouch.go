package web

import (
	"net/http"
	"time"

	"github.com/noaber/noaber/internal/apperr"
	"github.com/noaber/noaber/internal/trust"
)

// A coordinator marks a member of their edition "known to our
// organisation", optionally with the day a certificate of conduct (VOG)
// was checked, on the member's profile. Whether they may is the trust
// service's rule; anyone else gets the ordinary 404.

var vouchFields = []string{"organisation", "vog", "vog_checked_on"}

func (h *Handler) vouch(w http.ResponseWriter, r *http.Request, v *visit) error {
	id := r.PathValue("id")
	if err := h.mayVouch(r, v, id); err != nil {
		return err
	}
	f := readForm(r, vouchFields...)
	in := trust.VouchInput{Organisation: f.get("organisation")}
	if f.get("vog") != "" {
		d, err := time.Parse("2006-01-02", f.get("vog_checked_on"))
		if err != nil {
			var c apperr.Collector
			c.Add("vog_checked_on", "web.vouch.date_invalid")
			return h.vouchFailed(w, r, v, f, c.Err())
		}
		in.VOGCheckedOn = &d
	}
	if err := h.trust.Vouch(r.Context(), v.user, id, in); err != nil {
		return h.vouchFailed(w, r, v, f, err)
	}
	http.Redirect(w, r, "/people/"+id+"?vouched=1", http.StatusSeeOther)
	return nil
}

func (h *Handler) unvouch(w http.ResponseWriter, r *http.Request, v *visit) error {
	id := r.PathValue("id")
	if err := h.mayVouch(r, v, id); err != nil {
		return err
	}
	if err := h.trust.Unvouch(r.Context(), v.user, id); err != nil {
		return hideForbidden(err)
	}
	http.Redirect(w, r, "/people/"+id+"?unvouched=1", http.StatusSeeOther)
	return nil
}

// vouchFailed shows the profile again with the form and what is wrong.
func (h *Handler) vouchFailed(w http.ResponseWriter, r *http.Request, v *visit, f *form, err error) error {
	e, ok := apperr.As(err)
	if !ok || e.Status == http.StatusNotFound || e.Status == http.StatusForbidden {
		return hideForbidden(err)
	}
	status := f.setError(v.lang, e, nil)
	return h.renderProfile(w, r, v, status, &view{Form: f})
}

// mayVouch is the ordinary 404 unless the visitor may vouch for the
// person: asked first, so that someone else learns nothing from what the
// form would say about their input.
func (h *Handler) mayVouch(r *http.Request, v *visit, userID string) error {
	ok, err := h.trust.CanVouch(r.Context(), v.user, userID)
	if err != nil {
		return hideForbidden(err)
	}
	if !ok {
		return apperr.NotFound()
	}
	return nil
}
