package api

import (
	"net/http"
	"strconv"

	"github.com/noaber/noaber/internal/apperr"
	"github.com/noaber/noaber/internal/help"
)

// searchParams are the query parameters search knows. There is none for a
// position on purpose: a search starts from the caller's own stored
// position, so nobody can measure distances from points of their choice.
var searchParams = map[string]bool{
	"kind": true, "category": true, "radius_km": true, "q": true, "from": true, "to": true,
	"sort": true, "cursor": true, "limit": true,
}

func (h *Handler) search(w http.ResponseWriter, r *http.Request, s *session) error {
	qv := r.URL.Query()
	for k := range qv {
		if !searchParams[k] {
			return apperr.New(http.StatusBadRequest, "unknown_field", "api.unknown_parameter", "parameter", k)
		}
	}
	var c apperr.Collector
	number := func(name string) int {
		v := qv.Get(name)
		if v == "" {
			return 0
		}
		n, err := strconv.Atoi(v)
		if err != nil {
			c.Add(name, "api.parameter_integer")
		}
		return n
	}
	q := help.SearchQuery{
		Kind: qv.Get("kind"), CategoryID: qv.Get("category"), RadiusKm: number("radius_km"), Words: qv.Get("q"),
		From: qv.Get("from"), To: qv.Get("to"), Sort: qv.Get("sort"), Cursor: qv.Get("cursor"), Limit: number("limit"),
	}
	if err := c.Err(); err != nil {
		return err
	}
	res, err := h.help.Search(r.Context(), s.user, q, lang(r))
	if err != nil {
		return renameFields(err, map[string]string{"category_id": "category", "words": "q"})
	}
	h.writeJSON(w, r, http.StatusOK, searchResultFrom(res))
	return nil
}
