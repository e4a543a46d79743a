package account

import (
	"net/mail"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/noaber/noaber/internal/apperr"
)

// Dutch postcodes: four digits not starting with 0, two letters; the
// letter pairs SA, SD and SS are never issued.
var postcodeRE = regexp.MustCompile(`^([1-9][0-9]{3}) ?([A-Z]{2})$`)

// NormalizePostcode returns the postcode as "1234AB", or false when it is
// not a Dutch postcode.
func NormalizePostcode(s string) (string, bool) {
	s = strings.ToUpper(strings.TrimSpace(s))
	m := postcodeRE.FindStringSubmatch(s)
	if m == nil {
		return "", false
	}
	switch m[2] {
	case "SA", "SD", "SS":
		return "", false
	}
	return m[1] + m[2], true
}

// FormatPostcode writes "1234AB" as "1234 AB".
func FormatPostcode(p string) string {
	if len(p) == 6 {
		return p[:4] + " " + p[4:]
	}
	return p
}

// House numbers: a number with an optional addition ("12", "12a", "12-2",
// "12 bis").
var houseNumberRE = regexp.MustCompile(`^[1-9][0-9]{0,4}([ -]?[A-Za-z0-9]{1,4})?$`)

// NormalizeEmail lower-cases and checks an e-mail address. Only a plain
// address is accepted ("Name <a@b>" is not an address a person types).
func NormalizeEmail(s string) (string, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "" || len(s) > MaxEmail {
		return "", false
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" {
		return "", false
	}
	at := strings.LastIndexByte(s, '@')
	if at < 1 || !strings.Contains(s[at+1:], ".") || strings.HasSuffix(s, ".") {
		return "", false
	}
	return s, true
}

// LanguageCodes are the languages a user can say they speak.
var LanguageCodes = []string{"nl", "en", "de", "fr", "ar", "tr", "pl", "uk", "ti", "fa", "so", "es"}

func validText(s string, max int) bool {
	if utf8.RuneCountInString(s) > max || !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if unicode.IsControl(r) && r != '\n' && r != '\r' && r != '\t' {
			return false
		}
	}
	return true
}

// cleanLine trims a one-line field and folds inner white space.
func cleanLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// checkName validates a first name or surname.
func checkName(c *apperr.Collector, field, v string) {
	switch {
	case v == "":
		c.Add(field, "account.name_required")
	case !validText(v, MaxName) || strings.ContainsAny(v, "<>@/\\:;{}[]"):
		c.Add(field, "account.name_invalid", "max", MaxName)
	}
}

func checkPassword(c *apperr.Collector, field, pw string) {
	n := utf8.RuneCountInString(pw)
	switch {
	case pw == "":
		c.Add(field, "account.password_required")
	case n < MinPassword:
		c.Add(field, "account.password_too_short", "min", MinPassword)
	case n > MaxPassword || !utf8.ValidString(pw):
		c.Add(field, "account.password_too_long", "max", MaxPassword)
	}
}

// place is the normalised where-do-you-live part of sign-up and profile.
type place struct {
	postcode, houseNumber, town string
}

func checkPlace(c *apperr.Collector, postcode, houseNumber, town string) place {
	var p place
	switch pc, ok := NormalizePostcode(postcode); {
	case strings.TrimSpace(postcode) == "":
		c.Add("postcode", "account.postcode_required")
	case !ok:
		c.Add("postcode", "account.postcode_invalid")
	default:
		p.postcode = pc
	}
	hn := cleanLine(houseNumber)
	if hn != "" && !houseNumberRE.MatchString(hn) {
		c.Add("house_number", "account.house_number_invalid")
	}
	p.houseNumber = hn
	p.town = cleanLine(town)
	switch {
	case p.town == "":
		c.Add("town", "account.town_required")
	case !validText(p.town, MaxTown) || strings.ContainsAny(p.town, "<>@{}[]"):
		c.Add("town", "account.town_invalid", "max", MaxTown)
	}
	return p
}
