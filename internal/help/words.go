package help

import (
	"strings"
	"sync"
	"unicode"

	"github.com/blevesearch/snowballstem"
	"github.com/blevesearch/snowballstem/dutch"
	"golang.org/x/text/unicode/norm"
)

// Word search that understands Dutch, on both engines.
//
// SQLite has no Dutch stemmer, so the words of a request or offer are
// stemmed here (Snowball's Dutch algorithm) and stored in the FTS5 table.
// Snowball's Dutch stemmer (which PostgreSQL's 'dutch' configuration uses
// too) leaves some forms apart: "boodschappen" -> "boodschapp" but
// "boodschap" -> "boodschap"; "ziekenhuizen" -> "ziekenhuiz". So a search
// also tries the forms a Dutch word takes (plural with a doubled
// consonant, s -> z, f -> v, long vowel written single): each word becomes
// "any of its forms", and all words must occur. On SQLite the stems are in
// addition normalised (final z -> s, v -> f, double consonant undoubled) on
// both sides. Stop words ("de", "voor", "mij", PostgreSQL's Dutch list) are
// left out of searches on both engines, as plainto_tsquery does.

var envPool = sync.Pool{New: func() any { return snowballstem.NewEnv("") }}

// maxStemWords bounds the work for one text (answers are at most a few
// thousand characters, so this only stops abuse); maxQueryWords bounds a
// search.
const (
	maxStemWords  = 2000
	maxQueryWords = 8
)

// stopWords is PostgreSQL's (Snowball's) Dutch stop word list.
var stopWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`de en van ik te dat die in een hij het niet zijn is was op aan met als voor
		had er maar om hem dan zou of wat mijn men dit zo door over ze zich bij ook tot je mij uit der daar haar
		naar heb hoe heeft hebben deze u want nog zal me zij nu ge geen omdat iets worden toch al waren veel meer
		doen toen moet ben zonder kan hun dus alles onder ja eens hier wie werd altijd doch wordt wezen kunnen ons
		zelf tegen na reeds wil kon niets uw iemand geweest andere`) {
		m[w] = true
	}
	return m
}()

// stem is the SQLite stem of one lower-case, accent-free word.
func stem(env *snowballstem.Env, w string) string {
	env.SetCurrent(w)
	dutch.Stem(env)
	s := []byte(env.Current())
	n := len(s)
	if n < 3 {
		return string(s)
	}
	switch s[n-1] {
	case 'z':
		s[n-1] = 's'
	case 'v':
		s[n-1] = 'f'
	}
	if s[n-1] == s[n-2] && !isVowel(s[n-1]) {
		s, n = s[:n-1], n-1
	}
	// The stemmer takes the s off "fiets" but not off "fiets(en)": take a
	// final s after a consonant off everywhere.
	if n > 3 && s[n-1] == 's' && !isVowel(s[n-2]) && s[n-2] != 'j' {
		s = s[:n-1]
	}
	return string(s)
}

func isVowel(b byte) bool { return strings.IndexByte("aeiouy", b) >= 0 }

// stemWords returns the SQLite stems of the words in text, in order,
// without duplicates.
func stemWords(text string) []string {
	env := envPool.Get().(*snowballstem.Env)
	defer envPool.Put(env)
	seen := map[string]bool{}
	var out []string
	for _, w := range splitWords(text) {
		if len(out) >= maxStemWords {
			break
		}
		s := stem(env, w)
		if s == "" || seen[s] {
			continue
		}
		seen[s] = true
		out = append(out, s)
	}
	return out
}

// splitWords lower-cases text, folds accents ("één" -> "een", so a word is
// found whether or not it was typed with them) and splits it into words of
// letters and digits.
func splitWords(text string) []string {
	var b strings.Builder
	for _, r := range norm.NFD.String(strings.ToLower(text)) {
		switch {
		case unicode.Is(unicode.Mn, r):
			// a combining accent: drop it
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
		default:
			b.WriteByte(' ')
		}
	}
	return strings.Fields(b.String())
}

// ftsDocument is what goes into the stems column of requests_fts and
// offers_fts.
func ftsDocument(texts ...string) string {
	return strings.Join(stemWords(strings.Join(texts, " ")), " ")
}

// queryWords splits a search into its words without stop words, each with
// the forms it may take; nil when nothing is left to search for.
func queryWords(words string) [][]string {
	var out [][]string
	for _, w := range splitWords(words) {
		if stopWords[w] {
			continue
		}
		if len(out) == maxQueryWords {
			break
		}
		out = append(out, wordForms(w))
	}
	return out
}

// wordForms returns w and the forms a Dutch noun or verb stem may take
// around it: boodschap -> boodschappen, huis -> huizen, brief -> brieven,
// straat -> straten, and back from a plural to its singular.
func wordForms(w string) []string {
	forms := []string{w}
	add := func(f string) {
		for _, g := range forms {
			if g == f {
				return
			}
		}
		forms = append(forms, f)
	}
	n := len(w)
	if n < 3 || !isASCIIWord(w) {
		return forms
	}
	last, prev := w[n-1], w[n-2]
	if strings.HasSuffix(w, "en") && n > 4 {
		base := w[:n-2]
		add(base)
		m := len(base)
		if base[m-1] == base[m-2] && !isVowel(base[m-1]) {
			add(base[:m-1]) // boodschappen -> boodschap
		}
		switch base[m-1] {
		case 'z':
			add(base[:m-1] + "s") // huizen -> huis
		case 'v':
			add(base[:m-1] + "f") // brieven -> brief
		}
		if m >= 2 && isVowel(base[m-2]) && !isVowel(base[m-1]) && (m < 3 || !isVowel(base[m-3])) {
			add(base[:m-1] + base[m-2:]) // straten -> straat
		}
	}
	if !isVowel(last) {
		add(w + "en")
		add(w + "s")
		if isVowel(prev) && (n < 3 || !isVowel(w[n-3])) {
			add(w + string(last) + "en") // boodschap -> boodschappen
		}
		if isVowel(prev) && n >= 3 && w[n-3] == prev {
			add(w[:n-2] + string(last) + "en") // straat -> straten
		}
		switch last {
		case 's':
			add(w[:n-1] + "zen") // huis -> huizen
		case 'f':
			add(w[:n-1] + "ven") // brief -> brieven
		}
	} else {
		add(w + "s")
		add(w + "n")
	}
	return forms
}

func isASCIIWord(w string) bool {
	for i := 0; i < len(w); i++ {
		if w[i] < 'a' || w[i] > 'z' {
			return false
		}
	}
	return true
}

// ftsQuery is the FTS5 query for a search: every word must occur (AND),
// in any of its forms (OR), each form as an exact stem (no prefix search,
// which would make "al" find "alles"). Stems hold only letters and digits
// and are quoted besides, so nothing typed can be FTS5 syntax. "" when
// there is no word to search for.
func ftsQuery(words string) string {
	env := envPool.Get().(*snowballstem.Env)
	defer envPool.Put(env)
	var groups []string
	for _, forms := range queryWords(words) {
		var stems []string
		seen := map[string]bool{}
		for _, f := range forms {
			if s := stem(env, f); s != "" && !seen[s] {
				seen[s] = true
				stems = append(stems, `"`+s+`"`)
			}
		}
		groups = append(groups, "("+strings.Join(stems, " OR ")+")")
	}
	return strings.Join(groups, " AND ")
}

// tsQuery is the text for PostgreSQL's to_tsquery('dutch', ...): the same
// words and forms, stemmed there. The forms hold only letters and digits,
// so nothing typed can be tsquery syntax.
func tsQuery(words string) string {
	var groups []string
	for _, forms := range queryWords(words) {
		groups = append(groups, "("+strings.Join(forms, " | ")+")")
	}
	return strings.Join(groups, " & ")
}
