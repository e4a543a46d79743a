package web

import (
	"net/http"

	"github.com/noaber/noaber/internal/account"
	"github.com/noaber/noaber/internal/apperr"
	"github.com/noaber/noaber/internal/help"
)

type offerNewPage struct {
	Categories []account.Category
	MaxTitle   int
	MaxBody    int
}

var offerFields = []string{"category", "title", "body"}

func (h *Handler) offerForm(w http.ResponseWriter, r *http.Request, v *visit) error {
	return h.renderOfferNew(w, r, v, http.StatusOK, readForm(r))
}

// offerCreate posts a concrete offer ("Ik laat op zaterdag graag een hond
// uit") at the helper's own position.
func (h *Handler) offerCreate(w http.ResponseWriter, r *http.Request, v *visit) error {
	f := readForm(r, offerFields...)
	ov, err := h.help.CreateOffer(r.Context(), v.user, help.OfferInput{
		CategoryID: f.get("category"), Title: f.get("title"), Body: f.Values.Get("body"),
	}, v.lang)
	if e, ok := apperr.As(err); ok {
		status := f.setError(v.lang, e, map[string]string{"category_id": "category"})
		return h.renderOfferNew(w, r, v, status, f)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/offers/"+ov.ID+"?posted=1"+hintQuery(ov.Hint), http.StatusSeeOther)
	return nil
}

func (h *Handler) renderOfferNew(w http.ResponseWriter, r *http.Request, v *visit, status int, f *form) error {
	cats, err := h.accounts.Categories(r.Context(), v.lang)
	if err != nil {
		return err
	}
	h.render(w, r, status, "offer_new", &view{Form: f, Data: offerNewPage{Categories: cats, MaxTitle: help.MaxTitle, MaxBody: help.MaxOfferBody}})
	return nil
}
