package flag

import (
	"regexp"
	"strings"
)

// IBANs are found by shape and then proven by their mod-97 check digits,
// so a postcode, an order number or a date never passes for one (a random
// string passes the check once in 97 tries; the length per country makes
// that rarer still).

// ibanLength is the length of an IBAN per country (ISO 13616 registry), for
// the countries a neighbour in the Netherlands is likely to bank in.
var ibanLength = map[string]int{
	"ad": 24, "at": 20, "ba": 20, "be": 16, "bg": 22, "ch": 21, "cy": 28, "cz": 24,
	"de": 22, "dk": 18, "ee": 20, "es": 24, "fi": 18, "fr": 27, "gb": 22, "gi": 23,
	"gr": 27, "hr": 21, "hu": 28, "ie": 22, "is": 26, "it": 27, "li": 21, "lt": 20,
	"lu": 20, "lv": 21, "mc": 27, "me": 22, "mk": 19, "mt": 31, "nl": 18, "no": 15,
	"pl": 28, "pt": 25, "ro": 24, "rs": 22, "se": 24, "si": 19, "sk": 24, "sm": 27,
	"tr": 26, "ua": 29, "ma": 28, "tn": 24, "sa": 24, "ae": 23, "br": 29, "sy": 31,
}

// ibanShape is a country code and check digits followed by letters and
// digits, in groups separated by single spaces, dots or hyphens ("NL91 ABNA
// 0417 1643 00"). It may run on into the next word; findIBANs cuts it at the
// country's length.
var ibanShape = regexp.MustCompile(`\b[a-z]{2}[0-9]{2}(?:[ .\-]?[a-z0-9]){10,34}`)

// findIBANs returns the valid IBANs in a plain (lower case) text, compact
// and upper case.
func findIBANs(plain string) []string {
	var out []string
	for at := 0; at < len(plain); {
		loc := ibanShape.FindStringIndex(plain[at:])
		if loc == nil {
			break
		}
		m := plain[at+loc[0] : at+loc[1]]
		if iban, ok := ibanPrefix(m); ok {
			out = append(out, iban)
			at += loc[0] + len(m)
			continue
		}
		// A shape that is no IBAN may have swallowed the start of one
		// ("ab12 NL91..."): look again from the next word.
		at += loc[0] + 4
	}
	return out
}

// ibanPrefix returns the IBAN at the start of a shape match, if valid.
func ibanPrefix(m string) (string, bool) {
	n, ok := ibanLength[m[:2]]
	if !ok {
		return "", false
	}
	compact := strings.Map(func(r rune) rune {
		if r == ' ' || r == '.' || r == '-' {
			return -1
		}
		return r
	}, m)
	if len(compact) < n {
		return "", false
	}
	c := strings.ToUpper(compact[:n])
	return c, ValidIBAN(c)
}

// ValidIBAN reports whether s (spaces allowed, any case) is an IBAN of a
// known length whose check digits are right (ISO 13616 mod-97).
func ValidIBAN(s string) bool {
	s = strings.ToUpper(strings.ReplaceAll(s, " ", ""))
	if len(s) < 15 || len(s) > 34 {
		return false
	}
	if n, ok := ibanLength[strings.ToLower(s[:2])]; !ok || n != len(s) {
		return false
	}
	// Move the first four characters to the end, letters become 10..35, and
	// the number mod 97 must be 1; computed digit by digit to stay small.
	rem := 0
	for _, r := range s[4:] + s[:4] {
		switch {
		case r >= '0' && r <= '9':
			rem = (rem*10 + int(r-'0')) % 97
		case r >= 'A' && r <= 'Z':
			rem = (rem*100 + int(r-'A'+10)) % 97
		default:
			return false
		}
	}
	return rem == 1
}
