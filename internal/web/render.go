package web

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/noaber/noaber/internal/account"
	"github.com/noaber/noaber/internal/apperr"
	"github.com/noaber/noaber/internal/i18n"
)

// pages holds one parsed template set per page: the layout, the shared
// partials and the page's own file.
type pages struct {
	byName map[string]*template.Template
}

func parsePages(st *staticFiles) (*pages, error) {
	funcs := template.FuncMap{
		"icon":   st.icon,
		"static": st.url,
		"dict":   dict,
	}
	files, err := fs.Glob(templateFS, "templates/pages/*.html")
	if err != nil {
		return nil, err
	}
	p := &pages{byName: map[string]*template.Template{}}
	for _, f := range files {
		name := strings.TrimSuffix(path.Base(f), ".html")
		t, err := template.New(name).Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/partials.html", f)
		if err != nil {
			return nil, fmt.Errorf("web: parse page %s: %w", name, err)
		}
		p.byName[name] = t
	}
	return p, nil
}

// view is the data of every page. Data holds what is particular to a page.
type view struct {
	Lang    i18n.Lang
	User    *account.User
	Page    string
	Path    string // where the language switch returns to
	NoIndex bool
	Form    *form
	Notice  string // catalog key of an "it worked" message
	Data    any
	// Unread is the badge on the notifications link; Coordinator shows
	// the link to the coordinator pages (see header.go).
	Unread      int
	Coordinator bool
	// Moderator shows the link to the moderation pages (moderation.go).
	Moderator bool
	// UnreadMessages is the badge on the messages link.
	UnreadMessages int
}

// T translates key into the page's language.
func (v *view) T(key string, args ...any) string { return i18n.T(v.Lang, key, args...) }

// Other is the interface language the switch in the header offers.
func (v *view) Other() i18n.Lang {
	for _, l := range i18n.Supported {
		if l != v.Lang {
			return l
		}
	}
	return v.Lang
}

// SelfName is a language's name in that language ("English", "Nederlands"),
// as a language switch should show it.
func (v *view) SelfName(l i18n.Lang) string { return i18n.T(l, "web.lang.self") }

// LangName is the name of an ISO 639-1 language in the page's language.
func (v *view) LangName(code string) string { return v.T("web.language." + code) }

// MonthYear formats t as "maart 2024" / "March 2024".
func (v *view) MonthYear(t time.Time) string {
	return v.T("web.month."+strconv.Itoa(int(t.Month()))) + " " + strconv.Itoa(t.Year())
}

// Value is the kept value of a form field ("" without a form).
func (v *view) Value(id string) string {
	if v.Form == nil {
		return ""
	}
	return v.Form.Values.Get(id)
}

// Checked reports whether a checkbox with this name and value was ticked.
func (v *view) Checked(name, value string) bool {
	if v.Form == nil {
		return false
	}
	for _, x := range v.Form.Values[name] {
		if x == value {
			return true
		}
	}
	return false
}

// Error is the translated message for a form field, or "".
func (v *view) Error(id string) string {
	if v.Form == nil {
		return ""
	}
	return v.Form.Errors[id]
}

// field is what the "input" partial needs to draw one labelled field.
type field struct {
	ID, Name, Type, Label, Hint, Value, Error, Autocomplete, Inputmode string
	Required                                                           bool
	Maxlength                                                          int
	Described                                                          string // ids for aria-describedby
	Counter                                                            string // text of the character counter, with {n} and {max}
	ErrorPrefix                                                        string // "Fout:" for screen readers
}

// Field describes one input. opts are "key=value" strings: hint=<key>,
// auto=<autocomplete>, name=<form name when it differs from the id>,
// mode=<inputmode>, max=<maxlength>, counter=<key>, and the word
// "required".
func (v *view) Field(id, typ, labelKey string, opts ...string) field {
	f := field{ID: id, Name: id, Type: typ, Label: v.T(labelKey), Value: v.Value(id), Error: v.Error(id),
		ErrorPrefix: v.T("web.error_prefix")}
	for _, o := range opts {
		k, val, _ := strings.Cut(o, "=")
		switch k {
		case "hint":
			f.Hint = v.T(val, "min", account.MinPassword)
		case "auto":
			f.Autocomplete = val
		case "name":
			f.Name = val
		case "mode":
			f.Inputmode = val
		case "max":
			f.Maxlength, _ = strconv.Atoi(val)
		case "counter":
			f.Counter = v.T(val)
		case "required":
			f.Required = true
		}
	}
	if typ == "password" {
		f.Value = "" // a password is never sent back
	}
	f.describe()
	return f
}

// render writes page name with status. The page is rendered into a buffer
// first, so that a template error becomes a clean 500 page instead of half
// a page behind a 200.
func (h *Handler) render(w http.ResponseWriter, r *http.Request, status int, name string, vw *view) {
	vis := visitOf(r)
	vw.Lang, vw.User, vw.Page = vis.lang, vis.user, name
	if vw.Path == "" {
		vw.Path = h.returnPath(r)
	}
	if name != "home" && name != "house_rules" {
		vw.NoIndex = true
	}
	h.header(r, vw)
	t, ok := h.pages.byName[name]
	var buf bytes.Buffer
	var err error
	if !ok {
		err = fmt.Errorf("web: no page %q", name)
	} else {
		err = t.ExecuteTemplate(&buf, "layout", vw)
	}
	if err != nil {
		if name == "error" {
			// The error page itself is broken: say it plainly.
			h.log.Error("render error page", "err", err)
			http.Error(w, i18n.T(vis.lang, "error.internal"), http.StatusInternalServerError)
			return
		}
		h.serverError(w, r, err)
		return
	}
	hd := w.Header()
	hd.Set("Content-Type", "text/html; charset=utf-8")
	hd.Set("Cache-Control", "no-store")
	hd.Set("Content-Language", string(vis.lang))
	// The page depends on the cookies and the language header.
	hd.Add("Vary", "Cookie, Accept-Language")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// returnPath is where the language switch goes back to: the page itself,
// or for a form's answer the page with that form (a GET of a form's target
// may not exist, and a reset or verify form needs its token).
func (h *Handler) returnPath(r *http.Request) string {
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		return r.URL.RequestURI()
	}
	p := r.URL.Path
	for p != "/" && p != "" {
		get := &http.Request{Method: http.MethodGet, URL: &url.URL{Path: p}, Host: r.Host}
		if _, pattern := h.probe.Handler(get); pattern != "" {
			break
		}
		p = path.Dir(p)
	}
	if t := r.PostFormValue("token"); t != "" && p == r.URL.Path {
		return p + "?token=" + url.QueryEscape(t)
	}
	return p
}

// errorPage is the data of the 404, 405, 500 and other status pages.
type errorPage struct {
	Status  int
	Title   string
	Message string
}

func (h *Handler) renderError(w http.ResponseWriter, r *http.Request, status int, titleKey, msgKey string, args ...any) {
	vis := visitOf(r)
	h.render(w, r, status, "error", &view{Data: errorPage{
		Status: status, Title: i18n.T(vis.lang, titleKey), Message: i18n.T(vis.lang, msgKey, args...),
	}})
}

func (h *Handler) notFound(w http.ResponseWriter, r *http.Request) {
	h.renderError(w, r, http.StatusNotFound, "web.error.not_found.title", "web.error.not_found.text")
}

func (h *Handler) serverError(w http.ResponseWriter, r *http.Request, err error) {
	h.log.Error("page failed", "method", r.Method, "path", r.URL.Path, "err", err)
	h.renderError(w, r, http.StatusInternalServerError, "web.error.internal.title", "error.internal")
}

// fail renders an error a handler returned: a user-facing *apperr.Error
// as its status page, anything else as a 500.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	e, ok := apperr.As(err)
	if !ok {
		h.serverError(w, r, err)
		return
	}
	if e.Status == http.StatusNotFound {
		h.notFound(w, r)
		return
	}
	h.renderError(w, r, e.Status, "web.error.other.title", e.Key, e.Args...)
}

// dict builds a map from name, value pairs, to hand a partial more than
// one value.
func dict(kv ...any) (map[string]any, error) {
	if len(kv)%2 != 0 {
		return nil, fmt.Errorf("dict: odd number of arguments")
	}
	m := make(map[string]any, len(kv)/2)
	for i := 0; i < len(kv); i += 2 {
		k, ok := kv[i].(string)
		if !ok {
			return nil, fmt.Errorf("dict: key %v is not a string", kv[i])
		}
		m[k] = kv[i+1]
	}
	return m, nil
}

// describe points aria-describedby at the field's hint and error, when it
// has them.
func (f *field) describe() {
	var ids []string
	if f.Hint != "" {
		ids = append(ids, f.ID+"-hint")
	}
	if f.Error != "" {
		ids = append(ids, f.ID+"-error")
	}
	f.Described = strings.Join(ids, " ")
}
