package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/noaber/noaber/internal/apperr"
	"github.com/noaber/noaber/internal/help"
)

// requestEditForm shows an open request of the seeker as a form; anyone
// else gets the 404 page, and a request that is no longer open its own
// page.
func (h *Handler) requestEditForm(w http.ResponseWriter, r *http.Request, v *visit) error {
	rv, err := h.ownRequest(r, v)
	if err != nil {
		return err
	}
	if rv.Status != help.StatusOpen {
		http.Redirect(w, r, "/requests/"+rv.ID, http.StatusSeeOther)
		return nil
	}
	return h.renderRequestEdit(w, r, v, http.StatusOK, rv.ID, requestValues(rv))
}

// requestEdit saves the changes; nothing changes when a field is wrong.
func (h *Handler) requestEdit(w http.ResponseWriter, r *http.Request, v *visit) error {
	id := r.PathValue("id")
	f := readRequestForm(r)
	rv, err := h.help.UpdateRequest(r.Context(), v.user, id, requestInput(f), v.lang)
	if e, ok := apperr.As(err); ok && e.Status != http.StatusNotFound {
		status := f.setError(v.lang, e, fieldIDs(e))
		// The form shows the request's own category, whatever was sent.
		rv, err := h.ownRequest(r, v)
		if err != nil {
			return err
		}
		f.Values.Set("category", rv.Category.ID)
		return h.renderRequestEdit(w, r, v, status, id, f)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/requests/"+id+"?saved=1"+hintQuery(rv.Hint), http.StatusSeeOther)
	return nil
}

// ownRequest is the request in the path when the visitor asked it.
func (h *Handler) ownRequest(r *http.Request, v *visit) (*help.RequestView, error) {
	rv, err := h.help.Request(r.Context(), v.user, r.PathValue("id"), v.lang)
	if err != nil {
		return nil, err
	}
	if !rv.Mine {
		return nil, apperr.NotFound()
	}
	return rv, nil
}

func (h *Handler) renderRequestEdit(w http.ResponseWriter, r *http.Request, v *visit, status int, id string, f *form) error {
	t, err := h.help.Template(r.Context(), v.lang, f.get("category"))
	if err != nil {
		return err
	}
	h.render(w, r, status, "ask", &view{Form: f, Data: askPage{EditID: id, Template: t, Weekdays: []int{1, 2, 3, 4, 5, 6, 7}}})
	return nil
}

// requestValues is a stored request as the form's values.
func requestValues(rv *help.RequestView) *form {
	vals := url.Values{"category": {rv.Category.ID}, "when": {rv.When.Kind}}
	for _, a := range rv.Answers {
		vals.Set("answer-"+a.QuestionID, a.Text)
	}
	switch rv.When.Kind {
	case help.WhenWindow:
		s, e := rv.When.Start.In(amsterdam), rv.When.End.In(amsterdam)
		vals.Set("date", s.Format("2006-01-02"))
		vals.Set("from", s.Format("15:04"))
		vals.Set("to", e.Format("15:04"))
	case help.WhenWeekly:
		vals.Set("weekday", strconv.Itoa(rv.When.Weekday))
		vals.Set("from", rv.When.From)
		vals.Set("to", rv.When.To)
	}
	vals.Set("place", help.PlaceHome)
	if rv.Place != "" && rv.Place != help.PlaceHome {
		// Place is "7511 AB 12": the postcode, then the house number.
		vals.Set("place", help.PlaceElsewhere)
		parts := strings.Fields(rv.Place)
		n := min(2, len(parts))
		if n == 2 && len(parts[0]) != 4 {
			n = 1 // "7511AB 12"
		}
		vals.Set("postcode", strings.Join(parts[:n], " "))
		vals.Set("house", strings.Join(parts[n:], " "))
	}
	if rv.ShowOnly {
		vals.Set("show_only", "1")
	}
	if rv.TrustedOnly {
		vals.Set("trusted_only", "1")
	}
	return &form{Values: vals, Errors: map[string]string{}}
}
