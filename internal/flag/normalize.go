package flag

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// Normalisation, so that trivial evasions ("S3XY", "lieeeef", "séx",
// "s.e.x", a zero-width space inside a word, Cyrillic look-alike letters)
// meet the same word lists as plain text.
//
// There are two forms of a text:
//
//   - plain: lower case, accents and zero-width characters gone, look-alike
//     letters mapped to Latin, but digits and punctuation kept. Phone
//     numbers, IBANs, e-mail addresses and links are found in this form,
//     where "06-12345678" is still a number.
//   - words: plain cut into words of letters and digits; inside a word that
//     has a letter, leetspeak digits become letters (0→o 1→i 3→e 4→a 5→s
//     7→t @→a $→s); runs of three or more single letters ("s e x") are
//     joined. Word lists and patterns match in this form, whole words only.
//
// A run of three or more of the same letter ("lieeeef", "mooooi") has two
// readings: one letter ("lief") and two ("mooi"); both are tried.

// maxText bounds the work for one text: a message or profile is at most a
// few thousand characters, so this only stops abuse of the checker itself.
const maxText = 20000

// zeroWidth are characters that show nothing but split a word for a
// naive matcher.
var zeroWidth = runes.Predicate(func(r rune) bool {
	switch r {
	case '\u00ad', '\u034f', '\u061c', '\u115f', '\u1160', '\u17b4', '\u17b5',
		'\u180e', '\u200b', '\u200c', '\u200d', '\u200e', '\u200f', '\u2060',
		'\u2061', '\u2062', '\u2063', '\u2064', '\ufeff':
		return true
	}
	return false
})

// lookAlike maps Cyrillic and Greek letters that look like Latin ones;
// NFKC does not fold them, and "sеx" with a Cyrillic е is the oldest trick.
var lookAlike = map[rune]rune{
	'а': 'a', 'в': 'b', 'е': 'e', 'ё': 'e', 'к': 'k', 'м': 'm', 'н': 'h', 'о': 'o',
	'р': 'p', 'с': 'c', 'т': 't', 'у': 'y', 'х': 'x', 'і': 'i', 'ј': 'j', 'ѕ': 's',
	'α': 'a', 'ε': 'e', 'ι': 'i', 'κ': 'k', 'ν': 'v', 'ο': 'o', 'ρ': 'p', 'τ': 't',
	'υ': 'u', 'χ': 'x',
}

// plainForm returns the plain form of s (see above), keeping upper case
// when upper is true (a postcode is written "1234 AB", not "1234 ab").
func plainForm(s string, upper bool) string {
	if len(s) > maxText {
		s = s[:maxText]
		for !utf8.ValidString(s) {
			s = s[:len(s)-1]
		}
	}
	// NFKD folds styled letters (𝓼𝓮𝔁𝔂, full width) and splits accents off,
	// which are then dropped.
	t := transform.Chain(runes.Remove(zeroWidth), norm.NFKD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	out, _, err := transform.String(t, s)
	if err != nil {
		out = s
	}
	return strings.Map(func(r rune) rune {
		if l, ok := lookAlike[unicode.ToLower(r)]; ok {
			return l
		}
		if upper {
			return r
		}
		return unicode.ToLower(r)
	}, out)
}

// leet maps the digits and signs people put in a word for letters.
var leet = map[rune]rune{'0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't', '@': 'a', '$': 's'}

var currency = strings.NewReplacer("€", " euro ", "£", " pounds ")

// wordRune reports whether r belongs to a word: letters, digits and the
// leetspeak signs (so "gr@tis" stays one word).
func wordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || r == '@' || r == '$'
}

// words cuts a plain text into normalised words.
func words(plain string) []string {
	// "€50" is "euro 50" to the patterns that look for amounts.
	plain = currency.Replace(plain)
	raw := strings.FieldsFunc(plain, func(r rune) bool { return !wordRune(r) })
	out := make([]string, 0, len(raw))
	for i := 0; i < len(raw); i++ {
		// "s.e.x", "s e x": three or more single letters in a row are one
		// word. Two are common in normal text ("u 's morgens").
		if j := singleLetterRun(raw, i); j-i >= 3 {
			out = append(out, strings.Join(raw[i:j], ""))
			i = j - 1
			continue
		}
		out = append(out, unLeet(raw[i]))
	}
	return out
}

func singleLetterRun(raw []string, i int) int {
	j := i
	for j < len(raw) && utf8.RuneCountInString(raw[j]) == 1 {
		r, _ := utf8.DecodeRuneInString(raw[j])
		if !unicode.IsLetter(r) {
			break
		}
		j++
	}
	return j
}

// unLeet maps leetspeak in a word that has at least two letters; numbers
// ("06", "10", "2024") stay numbers.
func unLeet(w string) string {
	letters, hasLeet := 0, false
	for _, r := range w {
		if _, ok := leet[r]; ok {
			hasLeet = true
		} else if unicode.IsLetter(r) {
			letters++
		}
	}
	if !hasLeet {
		return w
	}
	// One letter is a house number or an ordinal ("12a", "2e", "b4"), not
	// a word in disguise; "s3x" and "5exy" have two or more.
	if letters < 2 {
		// "@" or "$" on its own, or a plain number.
		return strings.Map(func(r rune) rune {
			if r == '@' || r == '$' {
				return leet[r]
			}
			return r
		}, w)
	}
	return strings.Map(func(r rune) rune {
		if l, ok := leet[r]; ok {
			return l
		}
		return r
	}, w)
}

// squeezeExact shortens every run of three or more of the same letter to
// keep letters ("lieeeef" → "lief" with 1, "mooooi" → "mooi" with 2). Runs
// of two are left: Dutch doubles vowels and consonants all the time.
func squeezeExact(w string, keep int) string {
	rs := []rune(w)
	var b strings.Builder
	for i := 0; i < len(rs); {
		j := i
		for j < len(rs) && rs[j] == rs[i] {
			j++
		}
		n := j - i
		if n >= 3 && unicode.IsLetter(rs[i]) {
			n = keep
		}
		for k := 0; k < n; k++ {
			b.WriteRune(rs[i])
		}
		i = j
	}
	return b.String()
}

// normText is a text in both forms, ready for the detectors.
type normText struct {
	plain string     // lower case plain form
	upper string     // plain form with case kept (postcodes)
	words []string   // words, runs of three squeezed to one letter
	alts  [][]string // per word: the readings to try against word lists
	texts []string   // words joined by spaces, for patterns (one per reading)
}

func normalize(s string) normText {
	n := normText{plain: plainForm(s, false), upper: plainForm(s, true)}
	ws := words(n.plain)
	one := make([]string, len(ws))
	two := make([]string, len(ws))
	n.alts = make([][]string, len(ws))
	differ := false
	for i, w := range ws {
		one[i], two[i] = squeezeExact(w, 1), squeezeExact(w, 2)
		if one[i] == two[i] {
			n.alts[i] = []string{one[i]}
		} else {
			n.alts[i] = []string{one[i], two[i]}
			differ = true
		}
	}
	n.words = one
	n.texts = []string{strings.Join(two, " ")}
	if differ {
		n.texts = append(n.texts, strings.Join(one, " "))
	}
	return n
}

// normWord is the form a word-list entry is stored in: the words of the
// entry, normalised like a text (so "één" and "E3N" mean the same).
func normWord(s string) []string {
	ws := words(plainForm(s, false))
	for i, w := range ws {
		ws[i] = squeezeExact(w, 2)
	}
	return ws
}
