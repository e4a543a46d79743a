// Package i18n holds Noaber's message catalogs (embedded JSON, one folder a
// language, one file an area) and picks a language for a request.
//
// Texts use named placeholders: "Hallo {name}" with T(lang, key, "name",
// "Els"). Plural texts are two keys, KEY.one and KEY.other, chosen by N.
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"

	"golang.org/x/text/language"
)

// Lang is a supported interface language.
type Lang string

const (
	NL Lang = "nl"
	EN Lang = "en"
)

// Default is the language of a visitor who asked for none we have.
const Default = NL

// Supported lists the interface languages, the default first. Adding a
// language is adding a catalog folder and a line here.
var Supported = []Lang{NL, EN}

//go:embed catalog
var catalogFS embed.FS

var catalogs = mustLoad()

func mustLoad() map[Lang]map[string]string {
	c, err := load(catalogFS)
	if err != nil {
		panic(err) // the catalogs are embedded: a broken one is a build error
	}
	return c
}

func load(fsys fs.FS) (map[Lang]map[string]string, error) {
	out := map[Lang]map[string]string{}
	for _, l := range Supported {
		dir := path.Join("catalog", string(l))
		files, err := fs.Glob(fsys, dir+"/*.json")
		if err != nil {
			return nil, err
		}
		m := map[string]string{}
		for _, f := range files {
			b, err := fs.ReadFile(fsys, f)
			if err != nil {
				return nil, err
			}
			var part map[string]string
			if err := json.Unmarshal(b, &part); err != nil {
				return nil, fmt.Errorf("catalog %s: %w", f, err)
			}
			for k, v := range part {
				if _, dup := m[k]; dup {
					return nil, fmt.Errorf("catalog %s: key %q is also in another file", f, k)
				}
				m[k] = v
			}
		}
		out[l] = m
	}
	return out, nil
}

// Parse returns the supported language named by s ("nl", "en-GB", ...), and
// false when there is none.
func Parse(s string) (Lang, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	if i := strings.IndexAny(s, "-_"); i >= 0 {
		s = s[:i]
	}
	for _, l := range Supported {
		if string(l) == s {
			return l, true
		}
	}
	return Default, false
}

var matcher = language.NewMatcher(func() []language.Tag {
	tags := make([]language.Tag, len(Supported))
	for i, l := range Supported {
		tags[i] = language.Make(string(l))
	}
	return tags
}())

// Match picks a language from an Accept-Language header.
func Match(acceptLanguage string) Lang {
	if acceptLanguage == "" {
		return Default
	}
	tags, _, err := language.ParseAcceptLanguage(acceptLanguage)
	if err != nil || len(tags) == 0 {
		return Default
	}
	_, idx, conf := matcher.Match(tags...)
	if conf == language.No {
		return Default
	}
	return Supported[idx]
}

// Has reports whether key exists in the catalog of lang.
func Has(lang Lang, key string) bool {
	_, ok := catalogs[lang][key]
	return ok
}

// T returns the text for key in lang with its {placeholders} filled from
// args, given as name, value pairs. A missing key gives the key itself, so a
// gap shows on the page instead of breaking it; the catalog test finds gaps.
func T(lang Lang, key string, args ...any) string {
	s, ok := catalogs[lang][key]
	if !ok {
		if s, ok = catalogs[Default][key]; !ok {
			return key
		}
	}
	if len(args) == 0 || !strings.Contains(s, "{") {
		return s
	}
	pairs := make([]string, 0, len(args))
	for i := 0; i+1 < len(args); i += 2 {
		pairs = append(pairs, "{"+fmt.Sprint(args[i])+"}", fmt.Sprint(args[i+1]))
	}
	return strings.NewReplacer(pairs...).Replace(s)
}

// N returns the plural form of key for count n (KEY.one or KEY.other), with
// {n} filled in as well as args.
func N(lang Lang, key string, n int, args ...any) string {
	form := ".other"
	if n == 1 {
		form = ".one"
	}
	return T(lang, key+form, append([]any{"n", strconv.Itoa(n)}, args...)...)
}

// Keys returns the sorted keys of lang's catalog (for tests and tools).
func Keys(lang Lang) []string {
	keys := make([]string, 0, len(catalogs[lang]))
	for k := range catalogs[lang] {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
