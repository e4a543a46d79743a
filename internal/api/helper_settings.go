package api

import (
	"net/http"

	"github.com/noaber/noaber/internal/apperr"
	"github.com/noaber/noaber/internal/help"
)

func (h *Handler) getHelperSettings(w http.ResponseWriter, r *http.Request, s *session) error {
	hs, err := h.help.HelperSettings(r.Context(), s.user)
	if err != nil {
		return err
	}
	h.writeJSON(w, r, http.StatusOK, helperSettingsFrom(hs))
	return nil
}

// availability reads {"mon": ["morning"], ...}; a day that is absent is
// a day the helper cannot.
func availability(m map[string][]string) (help.Availability, error) {
	var a help.Availability
	bad := apperr.Invalid(apperr.FieldError{Field: "availability", Key: "api.availability_invalid"})
days:
	for day, parts := range m {
		for d, name := range weekdays {
			if name != day {
				continue
			}
		parts:
			for _, part := range parts {
				for p, pn := range dayParts {
					if pn == part {
						a[d][p] = true
						continue parts
					}
				}
				return a, bad
			}
			continue days
		}
		return a, bad
	}
	return a, nil
}

// putHelperSettings replaces all of the caller's helper settings.
func (h *Handler) putHelperSettings(w http.ResponseWriter, r *http.Request, s *session) error {
	var b HelperSettings
	if err := decode(w, r, &b); err != nil {
		return err
	}
	av, err := availability(b.Availability)
	if err != nil {
		return err
	}
	in := help.HelperSettings{
		Categories: b.Categories, RadiusKm: b.RadiusKm, Availability: av,
		QuietStart: b.QuietStart, QuietEnd: b.QuietEnd, WeeklyMax: b.WeeklyMax,
	}
	if b.PausedUntil != nil {
		in.PausedUntil = *b.PausedUntil
	}
	if err := h.help.SaveHelperSettings(r.Context(), s.user, in); err != nil {
		return err
	}
	hs, err := h.help.HelperSettings(r.Context(), s.user)
	if err != nil {
		return err
	}
	h.writeJSON(w, r, http.StatusOK, helperSettingsFrom(hs))
	return nil
}
