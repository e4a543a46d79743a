package api

import (
	"net/http"

	"github.com/noaber/noaber/internal/apperr"
)

type positionBody struct {
	Lat *float64 `json:"lat"`
	Lng *float64 `json:"lng"`
}

// putPosition stores the position the caller's device gave, with their
// consent. The service allows a few moves a day (429 with Retry-After
// beyond), so nobody can walk their position around a neighbour.
func (h *Handler) putPosition(w http.ResponseWriter, r *http.Request, s *session) error {
	var b positionBody
	if err := decode(w, r, &b); err != nil {
		return err
	}
	var c apperr.Collector
	if b.Lat == nil {
		c.Add("lat", "api.field_required")
	}
	if b.Lng == nil {
		c.Add("lng", "api.field_required")
	}
	if err := c.Err(); err != nil {
		return err
	}
	if err := h.accounts.SetDevicePosition(r.Context(), s.user, *b.Lat, *b.Lng); err != nil {
		return err
	}
	noContent(w)
	return nil
}
