package flag

import (
	"slices"
	"strings"
	"testing"
)

func TestNormalizeWords(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"Hallo, Één CAFÉ!", "hallo een cafe"},
		{"S3XY g3ld gr@tis ca$h", "sexy geld gratis cash"},
		{"06-12345678 om 10.30, nr 12a", "06 12345678 om 10 30 nr 12a"}, // numbers stay numbers
		{"lieeeef", "lief"},
		{"s.e.x en s e x", "sex en sex"},
		{"u 's morgens", "u s morgens"}, // two single letters are not joined
		{"se\u200bx\u00ad", "sex"},      // zero-width space and soft hyphen
		{"sеx", "sex"},                  // Cyrillic е
		{"𝓼𝓮𝔁𝔂", "sexy"},                // styled letters
		{"€50", "euro 50"},
	} {
		if got := normalize(c.in).words; !slices.Equal(got, strings.Fields(c.want)) {
			t.Errorf("normalize(%q).words = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestNormalizeRunsHaveTwoReadings(t *testing.T) {
	n := normalize("mooooi lieeeef")
	if !slices.Equal(n.alts[0], []string{"moi", "mooi"}) || !slices.Equal(n.alts[1], []string{"lief", "lieef"}) {
		t.Errorf("alts = %q, want [moi mooi] [lief lieef]", n.alts)
	}
	// Runs of two are Dutch spelling, not an evasion.
	if n := normalize("zeer veel"); len(n.alts[0]) != 1 || n.words[0] != "zeer" {
		t.Errorf("normalize(zeer veel) = %+v", n)
	}
}

func TestPlainKeepsDigitsAndPunctuation(t *testing.T) {
	if got := plainForm("Bel Ä 06-1234 of jan@Gmail.COM", false); got != "bel a 06-1234 of jan@gmail.com" {
		t.Errorf("plainForm = %q", got)
	}
	if got := plainForm("1234 AB", true); got != "1234 AB" {
		t.Errorf("plainForm upper = %q", got)
	}
}
