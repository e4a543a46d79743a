package flag

import (
	"net/url"
	"regexp"
	"strings"
	"unicode/utf8"
)

// Kinds of text that are checked.
const (
	KindMessage = "message"
	KindRequest = "request"
	KindOffer   = "offer"
	KindProfile = "profile"
)

// Hints for the sender, keys for the i18n catalogs.
const (
	// HintContactFirstMessage: a phone number, e-mail or address in a first
	// message. The message goes through; the sender is told gently that it
	// is safer to get to know someone here first.
	HintContactFirstMessage = "contact_first_message"
	// HintContactPublic: contact details in a request, offer or profile,
	// which strangers read (and a street and house number must never show
	// on a page).
	HintContactPublic = "contact_public"
)

// Input is one text to check.
type Input struct {
	Text string
	// Kind is KindMessage, KindRequest, KindOffer or KindProfile; empty
	// means KindMessage.
	Kind string
	// FirstMessage: the first message the sender sends in this
	// conversation. Only for KindMessage.
	FirstMessage bool
}

// Flag is one reason for a moderator to look.
type Flag struct {
	Category string // Dating, Money, Link or Contact
	Severity string // Low or High
	// Evidence is what matched, normalised (lower case, no accents), at
	// most 40 characters: enough for a moderator to see why, never the
	// whole message.
	Evidence string
}

// Result is what Check found: at most one flag per category (the most
// severe), whether to hold the item until a moderator has looked, and a
// hint for the sender ("" or one of the Hint constants).
type Result struct {
	Flags []Flag
	Hold  bool
	Hint  string
}

// Flagged reports whether anything was found.
func (res Result) Flagged() bool { return len(res.Flags) > 0 }

// maxEvidence is the most characters of a text a flag carries.
const maxEvidence = 40

// Check runs the rules over one text. Contact details are only flagged in a
// first message and in public texts (requests, offers, profiles): once two
// neighbours are talking, swapping phone numbers is how help gets arranged.
func (r *Rules) Check(in Input) Result {
	kind := in.Kind
	if kind == "" {
		kind = KindMessage
	}
	first := kind == KindMessage && in.FirstMessage
	public := kind != KindMessage
	n := normalize(in.Text)
	var fs flagSet

	r.matchTerms(&fs, n, first)
	for _, p := range r.patterns {
		if p.Scope == ScopeFirst && !first {
			continue
		}
		for _, t := range n.texts {
			if m := p.re.FindString(t); m != "" && (p.unless == nil || !p.unless.MatchString(t)) {
				fs.add(p.Category, p.Severity, m)
				break
			}
		}
	}
	rest := n.plain
	if ibans := findIBANs(n.plain); len(ibans) > 0 {
		fs.add(Money, High, ibans[0])
		// The digits of an IBAN are no phone number.
		rest = ibanShape.ReplaceAllString(rest, " ")
	}
	if e := emailRe.FindAllString(rest, -1); len(e) > 0 {
		fs.add(Contact, Low, e[0])
		// An e-mail address is not also a link to gmail.com.
		rest = emailRe.ReplaceAllString(rest, " ")
	}
	if l := r.findLink(rest); l != "" {
		fs.add(Link, Low, l)
	}
	if p := findPhone(rest); p != "" {
		fs.add(Contact, Low, p)
	}
	if a := r.findAddress(n); a != "" {
		fs.add(Contact, Low, a)
	}

	res := Result{}
	for _, c := range categories {
		f, ok := fs[c]
		if !ok {
			continue
		}
		if c == Contact {
			if !first && !public {
				continue
			}
			res.Hint = HintContactFirstMessage
			if public {
				res.Hint = HintContactPublic
			}
		}
		if f.Severity == High {
			res.Hold = true
		}
		res.Flags = append(res.Flags, f)
	}
	return res
}

// flagSet keeps the most severe flag per category, with the evidence of
// the first match at that severity.
type flagSet map[string]Flag

func (fs *flagSet) add(category, severity, evidence string) {
	if *fs == nil {
		*fs = flagSet{}
	}
	if f, ok := (*fs)[category]; ok && (f.Severity == High || severity == Low) {
		return
	}
	(*fs)[category] = Flag{Category: category, Severity: severity, Evidence: clip(evidence)}
}

func clip(s string) string {
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) <= maxEvidence {
		return s
	}
	rs := []rune(s)
	return string(rs[:maxEvidence-1]) + "…"
}

// matchTerms finds the word-list entries in the words of a text; each word
// is tried in each of its readings ("lieeeef" as "lief" and "lieef").
func (r *Rules) matchTerms(fs *flagSet, n normText, first bool) {
	for i := range n.words {
		for _, a := range n.alts[i] {
			for _, t := range r.terms[a] {
				if (!t.first || first) && phraseAt(n, i, t) {
					fs.add(t.category, t.severity, strings.Join(n.words[i:i+len(t.words)], " "))
				}
			}
			for _, t := range r.prefixes {
				if (!t.first || first) && strings.HasPrefix(a, t.words[0]) {
					fs.add(t.category, t.severity, a)
				}
			}
		}
	}
}

// phraseAt reports whether the words of t follow each other from word i.
func phraseAt(n normText, i int, t *term) bool {
	if i+len(t.words) > len(n.words) {
		return false
	}
	for k, w := range t.words {
		ok := false
		for _, a := range n.alts[i+k] {
			if a == w || (t.prefix && k == len(t.words)-1 && strings.HasPrefix(a, w)) {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

var (
	emailRe = regexp.MustCompile(`[a-z0-9._%+\-]+@[a-z0-9\-]+(?:\.[a-z0-9\-]+)*\.[a-z]{2,}`)
	// A link with a scheme or www. is a link whatever its top-level domain.
	schemeLinkRe = regexp.MustCompile(`\b(?:https?://|www\.)[^\s<>"']+`)
)

// findLink returns the first link in a plain text whose host is not
// allowed, or "".
func (r *Rules) findLink(plain string) string {
	for _, m := range schemeLinkRe.FindAllString(plain, -1) {
		if !r.allowedHost(m) {
			return m
		}
	}
	if !dotLetter(plain) {
		// Most messages have no dot followed by a letter, and so no bare
		// domain: skip the costly search.
		return ""
	}
	for _, m := range r.bareLink.FindAllString(plain, -1) {
		if !r.allowedHost(m) {
			return m
		}
	}
	return ""
}

func dotLetter(s string) bool {
	for i := 0; i+1 < len(s); i++ {
		if s[i] == '.' && s[i+1] >= 'a' && s[i+1] <= 'z' {
			return true
		}
	}
	return false
}

// allowedHost reports whether the link goes to an allowed host or one of
// its subdomains (noaber.nl allows www.noaber.nl, not noaber.nl.evil.com).
func (r *Rules) allowedHost(link string) bool {
	s := link
	if !strings.Contains(s, "://") {
		s = "http://" + s
	}
	u, err := url.Parse(s)
	if err != nil {
		return false
	}
	host := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
	for _, a := range r.allowed {
		if host == a || strings.HasSuffix(host, "."+a) {
			return true
		}
	}
	return false
}

// phoneRe finds stretches of digits and the separators people write in
// phone numbers: "06-12345678", "+31 (0)6 1234 5678", "020 123 45 67".
var phoneRe = regexp.MustCompile(`(?:\+|\b)\(?\d[\d \-./()]{6,26}\d`)

// findPhone returns the first phone number in a plain text, or "". A
// stretch is tried as a whole and then in parts split at spaces, so two
// numbers or a date next to a number are still read right.
func findPhone(plain string) string {
	for _, m := range phoneRe.FindAllString(plain, -1) {
		parts := strings.Fields(m)
		for i := 0; i < len(parts); i++ {
			for j := len(parts); j > i; j-- {
				if s := strings.Join(parts[i:j], " "); isPhone(s) {
					return s
				}
			}
		}
	}
	return ""
}

// isPhone reports whether s is a Dutch number (ten digits starting with a
// single 0) or an international one (+ or 00, then 8 to 15 digits; +31
// must be followed by nine). Times (10.30), dates (01-02-2025), prices and
// postcodes have too few digits or do not start with 0.
func isPhone(s string) bool {
	s = strings.ReplaceAll(s, "(0)", "")
	intl := strings.HasPrefix(s, "+")
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	d := b.String()
	if !intl && strings.HasPrefix(d, "00") {
		intl, d = true, d[2:]
	}
	switch {
	case intl && strings.HasPrefix(d, "31"):
		return len(d) == 11 && d[2] != '0'
	case intl:
		return len(d) >= 8 && len(d) <= 15
	default:
		return len(d) == 10 && d[0] == '0' && d[1] != '0'
	}
}

// notHouseNumber are words that, after "<word>weg 10", show the number is
// not a house number ("onderweg 10 minuten").
var notHouseNumber = map[string]bool{
	"min": true, "minuten": true, "minuut": true, "uur": true, "u": true, "km": true, "kilometer": true,
	"meter": true, "m": true, "euro": true, "eur": true, "keer": true, "dagen": true, "dag": true,
	"weken": true, "jaar": true, "minutes": true, "mins": true, "hours": true, "hour": true,
	"miles": true, "days": true, "times": true, "personen": true, "mensen": true, "people": true,
}

var (
	houseNumberRe = regexp.MustCompile(`^[1-9][0-9]{0,3}[a-z]?$`)
	postcodeRe    = regexp.MustCompile(`\b[1-9][0-9]{3} ?([A-Z]{2})\b`)
	enStreetRe    = regexp.MustCompile(`\b[1-9][0-9]{0,3}[a-z]? (?:[a-z]+ ){1,2}(?:street|road|avenue|lane|drive|close|crescent|terrace|court)\b`)
)

// findAddress returns the first street address or postcode in a text, or
// "": a street name ending in one of the street suffixes followed by a
// house number ("Hoofdstraat 12", "Kerkweg 3a"), an English "12 Baker
// Street", or a postcode written "1234 AB".
func (r *Rules) findAddress(n normText) string {
	for i := 0; i+1 < len(n.words); i++ {
		w := n.words[i]
		if r.notStr[w] || !houseNumberRe.MatchString(n.words[i+1]) {
			continue
		}
		if i+2 < len(n.words) && notHouseNumber[n.words[i+2]] {
			continue
		}
		for _, s := range r.streets {
			// At least three letters before the suffix: "Hoofdstraat",
			// not "de straat 3" or "weg".
			if strings.HasSuffix(w, s) && len(w) >= len(s)+3 {
				return w + " " + n.words[i+1]
			}
		}
	}
	if m := enStreetRe.FindString(n.texts[0]); m != "" {
		return m
	}
	for _, m := range postcodeRe.FindAllStringSubmatch(n.upper, -1) {
		// Dutch postcodes never end in SA, SD or SS.
		if l := m[1]; l != "SA" && l != "SD" && l != "SS" {
			return strings.ToLower(m[0])
		}
	}
	return ""
}
