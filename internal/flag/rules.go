// Package flag finds, in the text of a message, request, offer or profile,
// what a moderator should look at before a neighbour is harmed: dating or
// sexual language, asking for money or bank details, links to elsewhere,
// and contact details handed out in a first message.
//
// The word lists, patterns and thresholds are data (data/rules.json,
// Dutch and English), not code, so an edition can tune them with
// (*Rules).With without a release. How well the default rules work is
// measured by a test over data/labelled.jsonl.
//
// How Noaber uses it (internal/report holds the wiring):
//   - Messages are checked in the transaction that stores them (FirstMessage:
//     the sender's first in the conversation). Hold: the message is stored
//     held (no delivery, live event or notification) and queued for a
//     moderator; other flags deliver and queue; HintContactFirstMessage
//     shows the sender a gentle safety hint.
//   - Requests, offers and profiles are checked on save; HintContactPublic
//     becomes a warning to the author (strangers read those texts).
//   - New accounts: on each new conversation, TooManyContacts(age, started
//     in the last 24 h).
//   - Editions: one Default().With(overrides) per edition, built when its
//     settings are saved (so errors reach the moderator) and cached, never
//     built per text.
package flag

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"
)

// Categories of a flag.
const (
	Dating  = "dating"  // dating or sexual language or approach
	Money   = "money"   // asking for money, bank details, gift cards, passwords
	Link    = "link"    // a link to a site other than the allowed hosts
	Contact = "contact" // phone, e-mail or address in a first message or public text
)

// Severities of a flag. A high flag holds the item until a moderator has
// looked; a low one puts it in the queue and lets it through.
const (
	Low  = "low"
	High = "high"
)

// Scopes of a word list.
const (
	ScopeAlways = "always" // every text (the default)
	// ScopeFirst is for words that are only suspicious from a stranger:
	// the first message a sender sends in a conversation ("Tikkie" is how
	// neighbours settle grocery money, but not before they have met).
	ScopeFirst = "first"
)

var categories = []string{Dating, Money, Link, Contact}

// TermList is a list of words and phrases of one category, severity and
// scope. A phrase matches whole words in a row ("one night stand"); an
// entry ending in "*" matches any word that starts with it ("naaktfoto*").
type TermList struct {
	Category string   `json:"category"`
	Severity string   `json:"severity"`
	Scope    string   `json:"scope,omitempty"`
	Words    []string `json:"words"`
}

// Pattern is a regular expression (Go RE2 syntax) over the normalised words
// of a text joined by single spaces: lower case, no accents, no
// punctuation ("kun je mij 50 euro lenen"). It is skipped when Unless also
// matches the text (a warning such as "deel nooit je pincode").
type Pattern struct {
	Name     string `json:"name"`
	Category string `json:"category"`
	Severity string `json:"severity"`
	Scope    string `json:"scope,omitempty"`
	Regex    string `json:"regex"`
	Unless   string `json:"unless,omitempty"`
}

// NewAccountLimit is how many new conversations an account younger than
// MaxAgeDays may start in 24 hours before it is flagged.
type NewAccountLimit struct {
	MaxAgeDays int `json:"max_age_days"`
	MaxPerDay  int `json:"max_per_day"`
}

// data is the JSON form of the rules (data/rules.json).
type data struct {
	Terms        []TermList        `json:"terms"`
	Patterns     []Pattern         `json:"patterns"`
	AllowedHosts []string          `json:"allowed_hosts"`
	LinkTLDs     []string          `json:"link_tlds"`
	ShortHosts   []string          `json:"short_hosts"`
	Streets      []string          `json:"street_suffixes"`
	NotStreets   []string          `json:"not_streets"`
	NewAccounts  []NewAccountLimit `json:"new_accounts"`
}

// Rules are the compiled word lists, patterns and thresholds. A Rules is
// safe for concurrent use; With returns a new one and leaves the old as is.
type Rules struct {
	d        data
	terms    map[string][]*term // by first word
	prefixes []*term            // one-word entries ending in "*"
	patterns []compiled
	allowed  []string
	bareLink *regexp.Regexp
	streets  []string
	notStr   map[string]bool
}

type term struct {
	words    []string
	prefix   bool // the last word is a prefix
	category string
	severity string
	first    bool // only in first messages
	text     string
}

type compiled struct {
	Pattern
	re, unless *regexp.Regexp
}

//go:embed data/rules.json
var defaultJSON []byte

var defaultRules = sync.OnceValue(func() *Rules {
	r, err := Load(bytes.NewReader(defaultJSON))
	if err != nil {
		panic("flag: embedded data/rules.json: " + err.Error())
	}
	return r
})

// Default returns the rules in the embedded data/rules.json. They are
// compiled once; the result is shared and must not be changed (use With).
func Default() *Rules { return defaultRules() }

// Load reads rules in the JSON form of data/rules.json. An unknown field, an
// unknown category, severity or scope, an empty word or a regular expression
// that does not compile is an error that names it.
func Load(r io.Reader) (*Rules, error) {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	var d data
	if err := dec.Decode(&d); err != nil {
		return nil, fmt.Errorf("flag: reading rules: %w", err)
	}
	return compile(d)
}

// Overrides is how an edition tunes the default rules: words and patterns
// added, words and patterns (by name) removed, hosts allowed, new-account
// limits replaced. Its JSON form can be stored with the edition's settings.
type Overrides struct {
	AddTerms       []TermList        `json:"add_terms,omitempty"`
	RemoveWords    []string          `json:"remove_words,omitempty"` // from every list
	AddPatterns    []Pattern         `json:"add_patterns,omitempty"`
	RemovePatterns []string          `json:"remove_patterns,omitempty"` // by name
	AllowHosts     []string          `json:"allow_hosts,omitempty"`
	NewAccounts    []NewAccountLimit `json:"new_accounts,omitempty"` // replaces when set
}

// With returns the rules with the overrides applied, checked like Load.
// Removing a word or pattern that is not there is an error, so a typo in an
// edition's settings does not pass silently.
func (r *Rules) With(o Overrides) (*Rules, error) {
	d := r.d
	d.Terms = slices.Clone(d.Terms)
	for i := range d.Terms {
		d.Terms[i].Words = slices.Clone(d.Terms[i].Words)
	}
	for _, w := range o.RemoveWords {
		key := strings.Join(normWord(w), " ")
		found := false
		for i := range d.Terms {
			d.Terms[i].Words = slices.DeleteFunc(d.Terms[i].Words, func(x string) bool {
				if strings.Join(normWord(x), " ") == key {
					found = true
					return true
				}
				return false
			})
		}
		if !found {
			return nil, fmt.Errorf("flag: remove word %q: not in the rules", w)
		}
	}
	d.Terms = append(d.Terms, o.AddTerms...)
	d.Patterns = slices.Clone(d.Patterns)
	for _, name := range o.RemovePatterns {
		n := len(d.Patterns)
		d.Patterns = slices.DeleteFunc(d.Patterns, func(p Pattern) bool { return p.Name == name })
		if len(d.Patterns) == n {
			return nil, fmt.Errorf("flag: remove pattern %q: not in the rules", name)
		}
	}
	d.Patterns = append(d.Patterns, o.AddPatterns...)
	d.AllowedHosts = append(slices.Clone(d.AllowedHosts), o.AllowHosts...)
	if o.NewAccounts != nil {
		d.NewAccounts = o.NewAccounts
	}
	return compile(d)
}

func checkKind(where, category, severity, scope string) error {
	if !slices.Contains(categories, category) {
		return fmt.Errorf("flag: %s: unknown category %q (want one of %s)", where, category, strings.Join(categories, ", "))
	}
	if severity != Low && severity != High {
		return fmt.Errorf("flag: %s: unknown severity %q (want low or high)", where, severity)
	}
	if scope != "" && scope != ScopeAlways && scope != ScopeFirst {
		return fmt.Errorf("flag: %s: unknown scope %q (want always or first)", where, scope)
	}
	return nil
}

func compile(d data) (*Rules, error) {
	r := &Rules{d: d, terms: map[string][]*term{}, notStr: map[string]bool{}}
	for i, tl := range d.Terms {
		where := fmt.Sprintf("terms[%d]", i)
		if err := checkKind(where, tl.Category, tl.Severity, tl.Scope); err != nil {
			return nil, err
		}
		for _, w := range tl.Words {
			t := &term{category: tl.Category, severity: tl.Severity, first: tl.Scope == ScopeFirst, text: w}
			raw := strings.TrimSpace(w)
			if strings.HasSuffix(raw, "*") {
				t.prefix = true
				raw = strings.TrimSuffix(raw, "*")
			}
			t.words = normWord(raw)
			if len(t.words) == 0 || (t.prefix && len(t.words[len(t.words)-1]) < 3) {
				return nil, fmt.Errorf("flag: %s (%s): word %q is empty or a prefix shorter than 3 letters", where, tl.Category, w)
			}
			if t.prefix && len(t.words) == 1 {
				r.prefixes = append(r.prefixes, t)
			} else {
				r.terms[t.words[0]] = append(r.terms[t.words[0]], t)
			}
		}
	}
	for i, p := range d.Patterns {
		where := fmt.Sprintf("patterns[%d] %q", i, p.Name)
		if p.Name == "" {
			return nil, fmt.Errorf("flag: patterns[%d]: no name", i)
		}
		if err := checkKind(where, p.Category, p.Severity, p.Scope); err != nil {
			return nil, err
		}
		c := compiled{Pattern: p}
		var err error
		if c.re, err = regexp.Compile(p.Regex); err != nil {
			return nil, fmt.Errorf("flag: %s: bad regex %q: %w", where, p.Regex, err)
		}
		if p.Unless != "" {
			if c.unless, err = regexp.Compile(p.Unless); err != nil {
				return nil, fmt.Errorf("flag: %s: bad unless regex %q: %w", where, p.Unless, err)
			}
		}
		r.patterns = append(r.patterns, c)
	}
	for _, h := range d.AllowedHosts {
		h = strings.ToLower(strings.TrimSpace(h))
		if h == "" || strings.ContainsAny(h, "/ :") {
			return nil, fmt.Errorf("flag: allowed host %q: want a host name such as noaber.nl", h)
		}
		r.allowed = append(r.allowed, h)
	}
	if len(d.LinkTLDs) == 0 {
		return nil, errors.New("flag: link_tlds: empty (bare domains such as bit.ly would not be found)")
	}
	tlds := make([]string, 0, len(d.LinkTLDs))
	for _, t := range d.LinkTLDs {
		tlds = append(tlds, regexp.QuoteMeta(strings.ToLower(t)))
	}
	shorts := make([]string, 0, len(d.ShortHosts))
	for _, h := range d.ShortHosts {
		shorts = append(shorts, regexp.QuoteMeta(strings.ToLower(h)))
	}
	// A bare domain: names of two or more characters, a dot and a
	// top-level domain people link to, as a whole word ("gratis-geld.com",
	// "bit.ly/x"), or a known short host ("t.me"); not "10.30" or "o.a.".
	re := `\b(?:[a-z0-9\-]+\.)*[a-z0-9][a-z0-9\-]+\.(?:` + strings.Join(tlds, "|") + `)\b(?:/[^\s]*)?`
	if len(shorts) > 0 {
		re += `|\b(?:` + strings.Join(shorts, "|") + `)\b(?:/[^\s]*)?`
	}
	r.bareLink = regexp.MustCompile(re)
	for _, s := range d.Streets {
		r.streets = append(r.streets, strings.ToLower(s))
	}
	for _, s := range d.NotStreets {
		r.notStr[strings.ToLower(s)] = true
	}
	for i, l := range d.NewAccounts {
		if l.MaxAgeDays <= 0 || l.MaxPerDay <= 0 || (i > 0 && l.MaxAgeDays <= d.NewAccounts[i-1].MaxAgeDays) {
			return nil, fmt.Errorf("flag: new_accounts[%d] %+v: ages and limits must be positive, ages rising", i, l)
		}
	}
	return r, nil
}

// TooManyContacts reports whether an account of the given age that started
// this many new conversations in the last 24 hours goes over the limit for
// new accounts (by default more than 5 a day in the first week). Older
// accounts are never over it. The caller counts; this only holds the
// thresholds, so an edition tunes them with the other rules.
func (r *Rules) TooManyContacts(accountAge time.Duration, conversationsStartedLast24h int) bool {
	for _, l := range r.d.NewAccounts {
		if accountAge < time.Duration(l.MaxAgeDays)*24*time.Hour {
			return conversationsStartedLast24h > l.MaxPerDay
		}
	}
	return false
}
