package mail

import (
	"bytes"
	"embed"
	"fmt"
	htmltemplate "html/template"
	"io/fs"
	"maps"
	"path"
	"strings"
	"sync"
	texttemplate "text/template"

	"github.com/noaber/noaber/internal/i18n"
)

//go:embed templates
var templateFS embed.FS

// SiteName is the name mails sign with when the data gives no "Site".
const SiteName = "Noaber"

// Render makes the mail called name (a pair of templates in templates/:
// name.txt.tmpl and name.html.tmpl) in lang, filled with data. The caller
// sets To. A template that uses a data key that is missing, or a catalog
// key that lang does not have, is an error: a mail never goes out with a
// gap in it.
//
// The text template defines "subject", "content" and "why" (the footer
// line that says why the reader gets this mail); the HTML template defines
// "content" and "why". Both are wrapped in the shared layout. All words
// come from the mail catalog through t (i18n.T) and n (i18n.N).
func Render(lang i18n.Lang, name string, data map[string]any) (Message, error) {
	lang, _ = i18n.Parse(string(lang))
	sets, err := loadTemplates()
	if err != nil {
		return Message{}, err
	}
	set, ok := sets[setKey{lang, name}]
	if !ok {
		return Message{}, fmt.Errorf("mail: no mail template %q", name)
	}
	d := maps.Clone(data)
	if d == nil {
		d = map[string]any{}
	}
	if _, ok := d["Site"]; !ok {
		d["Site"] = SiteName
	}
	var subject, text, html bytes.Buffer
	if err := set.text.ExecuteTemplate(&subject, "subject", d); err != nil {
		return Message{}, fmt.Errorf("mail: %s subject in %s: %w", name, lang, err)
	}
	d["Subject"] = strings.TrimSpace(subject.String())
	if err := set.text.ExecuteTemplate(&text, "layout", d); err != nil {
		return Message{}, fmt.Errorf("mail: %s text in %s: %w", name, lang, err)
	}
	if err := set.html.ExecuteTemplate(&html, "layout", d); err != nil {
		return Message{}, fmt.Errorf("mail: %s HTML in %s: %w", name, lang, err)
	}
	return Message{
		Subject: d["Subject"].(string),
		Text:    text.String(),
		HTML:    html.String(),
		Headers: map[string]string{"Content-Language": string(lang)},
	}, nil
}

type setKey struct {
	lang i18n.Lang
	name string
}

type templateSet struct {
	text *texttemplate.Template
	html *htmltemplate.Template
}

// loadTemplates parses every mail in every language once. The functions
// are bound to a language at parse time, so each language has its own set.
var loadTemplates = sync.OnceValues(func() (map[setKey]templateSet, error) {
	names, err := Names()
	if err != nil {
		return nil, err
	}
	sets := map[setKey]templateSet{}
	for _, lang := range i18n.Supported {
		funcs := funcMap(lang)
		for _, name := range names {
			tt, err := texttemplate.New(name).Funcs(funcs).Option("missingkey=error").
				ParseFS(templateFS, "templates/layout.txt.tmpl", "templates/"+name+".txt.tmpl")
			if err != nil {
				return nil, fmt.Errorf("mail: parse %s text: %w", name, err)
			}
			ht, err := htmltemplate.New(name).Funcs(funcs).Option("missingkey=error").
				ParseFS(templateFS, "templates/layout.html.tmpl", "templates/"+name+".html.tmpl")
			if err != nil {
				return nil, fmt.Errorf("mail: parse %s HTML: %w", name, err)
			}
			sets[setKey{lang, name}] = templateSet{tt, ht}
		}
	}
	return sets, nil
})

// Names lists the mails there are templates for.
func Names() ([]string, error) {
	files, err := fs.Glob(templateFS, "templates/*.txt.tmpl")
	if err != nil {
		return nil, err
	}
	var names []string
	for _, f := range files {
		n := strings.TrimSuffix(path.Base(f), ".txt.tmpl")
		if n != "layout" {
			names = append(names, n)
		}
	}
	return names, nil
}

// button is what the HTML layout's "button" template shows: a link that
// looks like a button, with the plain URL under it for clients that hide
// the button.
type button struct{ URL, Label string }

func funcMap(lang i18n.Lang) map[string]any {
	return map[string]any{
		"lang": func() string { return string(lang) },
		"t": func(key string, args ...any) (string, error) {
			if !i18n.Has(lang, key) {
				return "", fmt.Errorf("catalog key %q is missing in %s", key, lang)
			}
			return i18n.T(lang, key, args...), nil
		},
		"n": func(key string, count any, args ...any) (string, error) {
			n, ok := toInt(count)
			if !ok {
				return "", fmt.Errorf("count for %q is %T, not a whole number", key, count)
			}
			if !i18n.Has(lang, key+".one") || !i18n.Has(lang, key+".other") {
				return "", fmt.Errorf("catalog key %q (.one, .other) is missing in %s", key, lang)
			}
			return i18n.N(lang, key, n, args...), nil
		},
		"button": func(url, label string) button { return button{url, label} },
	}
}

func toInt(v any) (int, bool) {
	switch n := v.(type) {
	case int:
		return n, true
	case int32:
		return int(n), true
	case int64:
		return int(n), true
	case float64: // a number that went through JSON
		return int(n), n == float64(int(n))
	}
	return 0, false
}
