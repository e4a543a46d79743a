package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/noaber/noaber/internal/apperr"
	"github.com/noaber/noaber/internal/i18n"
)

// form is a submitted form as a page shows it again: the values to keep
// and the translated messages, per field id.
type form struct {
	Values  url.Values
	Errors  map[string]string
	Message string        // what is wrong as a whole; heads the summary
	Summary []summaryItem // one link per field error, in form order
}

type summaryItem struct {
	ID      string
	Message string
}

// readForm keeps the posted values of the named fields (never a
// password: those are simply not named).
func readForm(r *http.Request, names ...string) *form {
	f := &form{Values: url.Values{}, Errors: map[string]string{}}
	// A body that cannot be parsed leaves the fields empty, and the
	// service then says what is missing.
	_ = r.ParseForm()
	for _, n := range names {
		if vs, ok := r.PostForm[n]; ok {
			f.Values[n] = vs
		}
	}
	return f
}

// get is the trimmed value of a field.
func (f *form) get(name string) string { return strings.TrimSpace(f.Values.Get(name)) }

// setError puts a user-facing error on the form in lang. ids maps the
// service's field names to the ids of this page's inputs where they
// differ (a page with two password fields). It returns the HTTP status
// for the page: a form is answered 422, or the error's own status when it
// says more (429 for too many tries); never 401, which belongs to HTTP
// authentication and not to a login form.
func (f *form) setError(lang i18n.Lang, e *apperr.Error, ids map[string]string) int {
	f.Message = i18n.T(lang, e.Key, e.Args...)
	for _, fe := range e.Fields {
		id := fe.Field
		if m, ok := ids[id]; ok {
			id = m
		}
		msg := i18n.T(lang, fe.Key, fe.Args...)
		if _, dup := f.Errors[id]; dup {
			continue
		}
		f.Errors[id] = msg
		f.Summary = append(f.Summary, summaryItem{ID: id, Message: msg})
	}
	switch e.Status {
	case http.StatusTooManyRequests, http.StatusForbidden, http.StatusGone, http.StatusConflict:
		return e.Status
	}
	return http.StatusUnprocessableEntity
}
