package flag

import (
	"bufio"
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"
)

// The labelled set: data/labelled.jsonl, example messages written for
// this test, normal neighbourly talk and abuse, in Dutch and English.
//
// How it is scored (and why):
//
//   - An abuse example is caught when Check gives it at least one flag, of
//     any category: the item then reaches the moderation queue.
//   - A normal example is a false flag when Check gives it any flag at all,
//     low or high. Contact details are only flagged in a first message, so
//     "bel me op 06-..." later in a conversation is normal and unflagged;
//     the same words in a first message are labelled abuse/contact: the
//     label means "the sender should get the safety hint", not "the sender
//     is a crook".
//   - Precision is caught abuse / all flagged examples.
//
// The first 258 lines were written together with the rules, so their
// figures flatter the rules. The last 30 (15 normal, 15 abuse) were written
// afterwards and added without changing a rule: on those alone recall was
// 9/15 and false flags 0/15. That is the better guess of what new abuse
// will meet; the misses are listed when the test runs with -v.
//
// Borderline cases, labelled by what a moderator would want to see:
//
//   - Money between neighbours for groceries is normal: "ik kan je geld
//     teruggeven van de boodschappen", "ik schiet het wel voor", "ik stuur
//     je een Tikkie voor de boodschappen" (Tikkie only counts in a first
//     message, from someone who has not helped yet). Asking a neighbour for
//     a loan, for money "voor de huur", for a gift card code, or for bank
//     details is abuse, whatever the story.
//   - Any IBAN in a message is abuse/money: help on the platform is free,
//     and grocery money is settled at the door or with a Tikkie.
//   - Passwords: "mijn wachtwoord werkt niet, kun je helpen?" and "je hebt je
//     DigiD nodig" are normal form help; asking for someone's password,
//     pincode or login code ("geef me je pincode", "wat is je wachtwoord")
//     is abuse. A warning ("deel nooit je pincode") is normal.
//   - "schat", "lieverd", "lief", "je bent een schat" are how older Dutch
//     people talk and are normal; "schatje" and "kusjes" are only flagged
//     in a first message, from a stranger.
//   - A street and number after a match ("ik woon op de Kerkstraat 14")
//     is normal; in a first message it is abuse/contact.

//go:embed data/labelled.jsonl
var labelledJSONL []byte

type example struct {
	Text         string `json:"text"`
	Lang         string `json:"lang"`
	Label        string `json:"label"`
	Category     string `json:"category"`
	FirstMessage bool   `json:"first_message"`
}

func loadLabelled(t *testing.T) []example {
	t.Helper()
	var out []example
	sc := bufio.NewScanner(bytes.NewReader(labelledJSONL))
	for line := 1; sc.Scan(); line++ {
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		dec := json.NewDecoder(strings.NewReader(sc.Text()))
		dec.DisallowUnknownFields()
		var e example
		if err := dec.Decode(&e); err != nil {
			t.Fatalf("labelled.jsonl line %d: %v", line, err)
		}
		if e.Text == "" || (e.Lang != "nl" && e.Lang != "en") || (e.Label != "normal" && e.Label != "abuse") ||
			(e.Label == "abuse") != (e.Category != "") {
			t.Fatalf("labelled.jsonl line %d: incomplete example %+v", line, e)
		}
		out = append(out, e)
	}
	return out
}

// tally counts outcomes for one slice of the set.
type tally struct{ abuse, caught, normal, falseFlag int }

func (c tally) String() string {
	prec := "n/a"
	if c.caught+c.falseFlag > 0 {
		prec = fmt.Sprintf("%.3f", float64(c.caught)/float64(c.caught+c.falseFlag))
	}
	rec, ff := "n/a", "n/a"
	if c.abuse > 0 {
		rec = fmt.Sprintf("%.3f (%d/%d)", float64(c.caught)/float64(c.abuse), c.caught, c.abuse)
	}
	if c.normal > 0 {
		ff = fmt.Sprintf("%.3f (%d/%d)", float64(c.falseFlag)/float64(c.normal), c.falseFlag, c.normal)
	}
	return fmt.Sprintf("precision %s  recall %s  false flags %s", prec, rec, ff)
}

func TestLabelledSet(t *testing.T) {
	set := loadLabelled(t)
	r := Default()
	var all tally
	byLang := map[string]*tally{}
	byCat := map[string]*tally{}  // by labelled category (abuse) - recall
	byFlag := map[string]*tally{} // by flag category - precision
	var misses, falses []string
	abuse := 0
	for _, e := range set {
		if e.Label == "abuse" {
			abuse++
		}
		res := r.Check(Input{Text: e.Text, Kind: KindMessage, FirstMessage: e.FirstMessage})
		for _, m := range []map[string]*tally{byLang} {
			if m[e.Lang] == nil {
				m[e.Lang] = &tally{}
			}
		}
		lt := byLang[e.Lang]
		flagged := res.Flagged()
		for _, f := range res.Flags {
			if byFlag[f.Category] == nil {
				byFlag[f.Category] = &tally{}
			}
			if e.Label == "abuse" {
				byFlag[f.Category].caught++
			} else {
				byFlag[f.Category].falseFlag++
			}
		}
		if e.Label == "abuse" {
			if byCat[e.Category] == nil {
				byCat[e.Category] = &tally{}
			}
			ct := byCat[e.Category]
			all.abuse++
			lt.abuse++
			ct.abuse++
			if flagged {
				all.caught++
				lt.caught++
				ct.caught++
			} else {
				misses = append(misses, fmt.Sprintf("[%s %s first=%v] %s", e.Lang, e.Category, e.FirstMessage, e.Text))
			}
		} else {
			all.normal++
			lt.normal++
			if flagged {
				all.falseFlag++
				lt.falseFlag++
				falses = append(falses, fmt.Sprintf("[%s first=%v] %s -> %+v", e.Lang, e.FirstMessage, e.Text, res.Flags))
			}
		}
	}
	if len(set) < 240 || abuse*10 < len(set)*3 || abuse*10 > len(set)*5 {
		t.Fatalf("labelled set has %d examples, %d abuse: want at least 240, about 40%% abuse", len(set), abuse)
	}
	t.Logf("all (%d examples): %s", len(set), all)
	for _, k := range sortedKeys(byLang) {
		t.Logf("language %s: %s", k, byLang[k])
	}
	for _, k := range sortedKeys(byCat) {
		t.Logf("labelled category %-8s recall %.3f (%d/%d)", k, float64(byCat[k].caught)/float64(byCat[k].abuse), byCat[k].caught, byCat[k].abuse)
	}
	for _, k := range sortedKeys(byFlag) {
		f := byFlag[k]
		t.Logf("flag category %-8s raised on %d abuse and %d normal examples: precision %.3f", k, f.caught, f.falseFlag, float64(f.caught)/float64(f.caught+f.falseFlag))
	}
	for _, m := range misses {
		t.Logf("missed: %s", m)
	}
	for _, f := range falses {
		t.Logf("false flag: %s", f)
	}
	recall := float64(all.caught) / float64(all.abuse)
	falseRate := float64(all.falseFlag) / float64(all.normal)
	if recall < 0.90 {
		t.Errorf("recall on abuse %.3f, want >= 0.90", recall)
	}
	if falseRate > 0.02 {
		t.Errorf("false-flag rate on normal talk %.3f, want <= 0.02", falseRate)
	}
}

func sortedKeys(m map[string]*tally) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// typical is a 200-character first message with a time, a house number
// and an amount in it: everything the detectors look at, nothing to find.
const typical = "Hallo mevrouw Jansen, ik zag uw vraag over de boodschappen. Ik kan zaterdag om 10.30 langskomen " +
	"en daarna naar de Jumbo gaan. Het bonnetje was vorige keer 23,40 euro. Tot dan, groetjes Ahmed!"

func BenchmarkCheck(b *testing.B) {
	r := Default()
	in := Input{Text: typical, Kind: KindMessage, FirstMessage: true}
	if r.Check(in).Flagged() {
		b.Fatalf("the typical message is flagged: %+v", r.Check(in))
	}
	b.SetBytes(int64(len(typical)))
	for b.Loop() {
		r.Check(in)
	}
}
