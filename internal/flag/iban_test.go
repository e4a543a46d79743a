package flag

import (
	"slices"
	"testing"
)

func TestValidIBAN(t *testing.T) {
	for _, s := range []string{"NL91ABNA0417164300", "nl91 abna 0417 1643 00", "BE71096123456769", "DE89370400440532013000", "GB82WEST12345698765432"} {
		if !ValidIBAN(s) {
			t.Errorf("ValidIBAN(%q) = false, want true", s)
		}
	}
	for _, s := range []string{
		"NL92ABNA0417164300", // wrong check digits
		"NL91ABNA0417164301", // one digit changed
		"NL91ABNA041716430",  // too short for NL
		"XX91ABNA0417164300", // unknown country
		"NL91ABNA04171643!0", // not alphanumeric
		"",
	} {
		if ValidIBAN(s) {
			t.Errorf("ValidIBAN(%q) = true, want false", s)
		}
	}
}

func TestFindIBANs(t *testing.T) {
	for _, c := range []struct {
		text string
		want []string
	}{
		{"maak het over op nl91abna0417164300 graag", []string{"NL91ABNA0417164300"}},
		{"iban: nl91 abna 0417 1643 00. bedankt", []string{"NL91ABNA0417164300"}},
		{"code ab12 nl91-abna-0417-1643-00", []string{"NL91ABNA0417164300"}},
		{"nl92abna0417164300", nil},                        // bad checksum
		{"postcode 1234 ab, bestelnummer nl12345678", nil}, // shapes that are no IBAN
	} {
		if got := findIBANs(c.text); !slices.Equal(got, c.want) {
			t.Errorf("findIBANs(%q) = %q, want %q", c.text, got, c.want)
		}
	}
}
