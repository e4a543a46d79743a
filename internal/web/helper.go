package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/noaber/noaber/internal/account"
	"github.com/noaber/noaber/internal/apperr"
	"github.com/noaber/noaber/internal/help"
)

// helperPage is "Ik wil helpen": what, how far and when a helper helps.
type helperPage struct {
	Categories []account.Category
	Radii      []string
	Rows       []availRow
	Parts      []string
}

// availRow is one day of the availability table: its checkboxes are
// named "avail" with the value "<day>-<part>", day 0 = Monday.
type availRow struct {
	Day   int // 1 = Monday, for its name
	Cells []availCell
}

type availCell struct{ Value, Part string }

func availRows() []availRow {
	rows := make([]availRow, 7)
	for d := range rows {
		rows[d].Day = d + 1
		for p, part := range dayParts {
			rows[d].Cells = append(rows[d].Cells, availCell{Value: strconv.Itoa(d) + "-" + strconv.Itoa(p), Part: part})
		}
	}
	return rows
}

var helperFields = []string{"categories", "radius", "avail", "quiet_start", "quiet_end", "weekly_max", "paused_until"}

// The radii a helper can choose, in km.
var helperRadii = []string{"0.5", "1", "2", "5", "10", "25"}

var dayParts = []string{"morning", "afternoon", "evening"}

func (h *Handler) helperForm(w http.ResponseWriter, r *http.Request, v *visit) error {
	s, err := h.help.HelperSettings(r.Context(), v.user)
	if err != nil {
		return err
	}
	vals := url.Values{
		"categories":   s.Categories,
		"radius":       {strconv.FormatFloat(s.RadiusKm, 'f', -1, 64)},
		"quiet_start":  {s.QuietStart},
		"quiet_end":    {s.QuietEnd},
		"weekly_max":   {strconv.Itoa(s.WeeklyMax)},
		"paused_until": {s.PausedUntil},
	}
	for d := range s.Availability {
		for p, ok := range s.Availability[d] {
			if ok {
				vals.Add("avail", strconv.Itoa(d)+"-"+strconv.Itoa(p))
			}
		}
	}
	vw := &view{Form: &form{Values: vals, Errors: map[string]string{}}}
	if r.URL.Query().Has("saved") {
		vw.Notice = "web.helper.saved"
	}
	return h.renderHelper(w, r, v, http.StatusOK, vw)
}

// helperSave stores all settings at once, or none when one is wrong.
func (h *Handler) helperSave(w http.ResponseWriter, r *http.Request, v *visit) error {
	f := readForm(r, helperFields...)
	in := help.HelperSettings{
		Categories:  f.Values["categories"],
		QuietStart:  f.get("quiet_start"),
		QuietEnd:    f.get("quiet_end"),
		PausedUntil: f.get("paused_until"),
	}
	// Values that are not numbers become 0, which the service refuses
	// with its own message.
	in.RadiusKm, _ = strconv.ParseFloat(strings.ReplaceAll(f.get("radius"), ",", "."), 64)
	in.WeeklyMax, _ = strconv.Atoi(f.get("weekly_max"))
	for _, a := range f.Values["avail"] {
		ds, ps, _ := strings.Cut(a, "-")
		d, err1 := strconv.Atoi(ds)
		p, err2 := strconv.Atoi(ps)
		if err1 == nil && err2 == nil && d >= 0 && d < 7 && p >= 0 && p < 3 {
			in.Availability[d][p] = true
		}
	}
	err := h.help.SaveHelperSettings(r.Context(), v.user, in)
	if e, ok := apperr.As(err); ok {
		status := f.setError(v.lang, e, map[string]string{
			"radius_km": "radius", "availability": "avail", "quiet": "quiet_start", "weekly": "weekly_max", "paused": "paused_until",
			"category_ids": "categories",
		})
		return h.renderHelper(w, r, v, status, &view{Form: f})
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/me/helper?saved=1", http.StatusSeeOther)
	return nil
}

func (h *Handler) renderHelper(w http.ResponseWriter, r *http.Request, v *visit, status int, vw *view) error {
	cats, err := h.accounts.Categories(r.Context(), v.lang)
	if err != nil {
		return err
	}
	vw.Data = helperPage{Categories: cats, Radii: helperRadii, Rows: availRows(), Parts: dayParts}
	h.render(w, r, status, "helper", vw)
	return nil
}
