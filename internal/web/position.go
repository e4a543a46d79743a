package web

import (
	"math"
	"net/http"
	"strconv"

	"github.com/noaber/noaber/internal/apperr"
)

// setPosition stores the position the browser gave, after its consent
// prompt; the form exists only when the script can fill it.
func (h *Handler) setPosition(w http.ResponseWriter, r *http.Request, v *visit) error {
	lat, err1 := strconv.ParseFloat(r.PostFormValue("lat"), 64)
	lng, err2 := strconv.ParseFloat(r.PostFormValue("lng"), 64)
	if err1 != nil || err2 != nil {
		// The service refuses NaN with its own message.
		lat, lng = math.NaN(), math.NaN()
	}
	err := h.accounts.SetDevicePosition(r.Context(), v.user, lat, lng)
	if e, ok := apperr.As(err); ok {
		f := &form{Errors: map[string]string{}}
		status := f.setError(v.lang, e, nil)
		return h.renderSettings(w, r, v, status, &view{Form: f}, settingsPage{Active: "position"})
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/me/settings?position=1", http.StatusSeeOther)
	return nil
}
