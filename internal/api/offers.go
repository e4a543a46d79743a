package api

import (
	"net/http"

	"github.com/noaber/noaber/internal/help"
)

type offerBody struct {
	Category string `json:"category"`
	Title    string `json:"title"`
	Body     string `json:"body"`
}

var offerFields = map[string]string{"category_id": "category"}

func (h *Handler) createOffer(w http.ResponseWriter, r *http.Request, s *session) error {
	var b offerBody
	if err := decode(w, r, &b); err != nil {
		return err
	}
	v, err := h.help.CreateOffer(r.Context(), s.user, help.OfferInput{CategoryID: b.Category, Title: b.Title, Body: b.Body}, lang(r))
	if err != nil {
		return renameFields(err, offerFields)
	}
	w.Header().Set("Location", h.baseURL+"/api/v1/offers/"+v.ID)
	h.writeJSON(w, r, http.StatusCreated, offerFrom(v))
	return nil
}

func (h *Handler) getOffer(w http.ResponseWriter, r *http.Request, s *session) error {
	v, err := h.help.Offer(r.Context(), s.user, r.PathValue("id"), lang(r))
	if err != nil {
		return err
	}
	h.writeJSON(w, r, http.StatusOK, offerFrom(v))
	return nil
}

func (h *Handler) closeOffer(w http.ResponseWriter, r *http.Request, s *session) error {
	if err := h.help.CloseOffer(r.Context(), s.user, r.PathValue("id")); err != nil {
		return err
	}
	noContent(w)
	return nil
}

func (h *Handler) myOffers(w http.ResponseWriter, r *http.Request, s *session) error {
	vs, err := h.help.MyOffers(r.Context(), s.user, lang(r))
	if err != nil {
		return err
	}
	h.writeJSON(w, r, http.StatusOK, listFrom(vs, offerFrom))
	return nil
}
