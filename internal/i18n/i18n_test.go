package i18n

import (
	"regexp"
	"testing"
)

func TestCatalogsHaveTheSameKeysAndPlaceholders(t *testing.T) {
	ph := regexp.MustCompile(`\{[a-z_]+\}`)
	for _, l := range Supported[1:] {
		for _, k := range Keys(Default) {
			if !Has(l, k) {
				t.Errorf("%s: key %q is missing (it is in %s)", l, k, Default)
				continue
			}
			a, b := ph.FindAllString(T(Default, k), -1), ph.FindAllString(T(l, k), -1)
			if len(a) != len(b) {
				t.Errorf("%s: key %q has placeholders %v, %s has %v", l, k, b, Default, a)
			}
		}
		for _, k := range Keys(l) {
			if !Has(Default, k) {
				t.Errorf("%s: key %q is not in %s", l, k, Default)
			}
		}
	}
}

func TestMatch(t *testing.T) {
	cases := map[string]Lang{
		"":                         NL,
		"en-GB,en;q=0.9":           EN,
		"nl-NL,nl;q=0.9,en;q=0.8":  NL,
		"de-DE,de;q=0.9,en;q=0.5":  EN,
		"fr":                       NL,
		"this is not a header ;;;": NL,
	}
	for in, want := range cases {
		if got := Match(in); got != want {
			t.Errorf("Match(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestTFillsPlaceholdersAndFallsBack(t *testing.T) {
	if got := T(EN, "test.greeting", "name", "Els"); got != "Hello Els" {
		t.Fatalf("got %q", got)
	}
	if got := T(NL, "test.greeting", "name", "Els"); got != "Hallo Els" {
		t.Fatalf("got %q", got)
	}
	if got := N(NL, "test.helpers", 1); got != "1 buur" {
		t.Fatalf("got %q", got)
	}
	if got := N(NL, "test.helpers", 12); got != "12 buren" {
		t.Fatalf("got %q", got)
	}
	if got := T(EN, "no.such.key"); got != "no.such.key" {
		t.Fatalf("got %q", got)
	}
}
