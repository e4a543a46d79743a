package api

import "net/http"

func (h *Handler) categories(w http.ResponseWriter, r *http.Request) error {
	cs, err := h.accounts.Categories(r.Context(), lang(r))
	if err != nil {
		return err
	}
	out := make([]Category, 0, len(cs))
	for _, c := range cs {
		out = append(out, Category{ID: c.ID, Name: c.Name, Description: c.Description, Icon: c.Icon})
	}
	w.Header().Set("Vary", "Accept-Language")
	w.Header().Set("Cache-Control", "public, max-age=300")
	h.writeJSON(w, r, http.StatusOK, out)
	return nil
}
