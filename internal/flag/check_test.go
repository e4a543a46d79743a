package flag

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// flags returns "category/severity" of each flag, joined by spaces.
func flags(res Result) string {
	var s []string
	for _, f := range res.Flags {
		s = append(s, f.Category+"/"+f.Severity)
	}
	return strings.Join(s, " ")
}

func TestCheck(t *testing.T) {
	r := Default()
	for _, c := range []struct {
		name, text string
		first      bool
		want       string // flags, "" for none
	}{
		// Whole words, not substrings.
		{"sexy", "Je bent zo sexy", false, "dating/high"},
		{"essex", "Mijn zus woont in Essex, ze komt op bezoek.", true, ""},
		{"geldig", "Is je OV-kaart nog geldig? Dan kun je de bus nemen.", true, ""},
		{"lief", "Wat lief van je, dank je schat!", false, ""},
		// Evasions.
		{"leet", "wil je s3x?", false, "dating/high"},
		{"repeat", "je bent zo seeeexy", false, "dating/high"},
		{"dots", "zin in s.e.x?", false, "dating/high"},
		{"zero width", "zin in se\u200bx?", false, "dating/high"},
		{"accents", "zin in séx?", false, "dating/high"},
		{"cyrillic", "zin in sеx?", false, "dating/high"},
		{"capitals", "ZIN IN SEX?", false, "dating/high"},
		// Money.
		{"iban", "Stuur het naar NL91ABNA0417164300", false, "money/high"},
		{"iban spaced", "iban NL91 ABNA 0417 1643 00", false, "money/high"},
		{"iban bad checksum", "NL92ABNA0417164300", false, ""},
		{"giftcard", "Koop een giftcard van 50 euro voor mij", false, "money/high"},
		{"pincode ask", "Geef me je pincode, dan pin ik voor je", false, "money/high"},
		{"pincode warning", "Geef nooit je pincode aan iemand", false, ""},
		{"own password", "Mijn wachtwoord van de gemeente-app werkt niet, kun je helpen?", true, ""},
		{"loan", "Kun je me 50 euro lenen?", false, "money/high"},
		{"tikkie first", "Hoi, betaal je deze tikkie even?", true, "money/high"},
		{"tikkie later", "Ik stuur je een tikkie voor de boodschappen", false, ""},
		{"grocery money", "Ik kan je geld teruggeven van de boodschappen", false, ""},
		// Links.
		{"link https", "kijk op https://example.com/x", false, "link/low"},
		{"link www", "kijk op www.example.com", false, "link/low"},
		{"link bare", "kijk op bit.ly/xyz", false, "link/low"},
		{"link wa.me", "wa.me/31612345678", false, "link/low"},
		{"own link", "kijk op https://www.noaber.nl/hulp/123 en noaber.nl", false, ""},
		{"look-alike host", "kijk op noaber.nl.evil.com", false, "link/low"},
		{"time is no link", "Ik kom om 10.30, o.a. met de auto.", true, ""},
		// Contact details only in a first message.
		{"phone first", "Bel me op 06-12345678", true, "contact/low"},
		{"phone later", "Bel me op 06-12345678", false, ""},
		{"email first", "mail naar jan@example.nl", true, "contact/low"},
		{"address first", "Ik woon op de Hoofdstraat 12", true, "contact/low"},
		{"address later", "Ik woon op de Hoofdstraat 12", false, ""},
		{"onderweg is no street", "Ik ben onderweg, over 10 minuten ben ik er.", true, ""},
		{"postcode first", "Mijn postcode is 1234 AB", true, "contact/low"},
		{"year is no postcode", "Sinds 2024 en daarvoor ook", true, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			res := r.Check(Input{Text: c.text, Kind: KindMessage, FirstMessage: c.first})
			if got := flags(res); got != c.want {
				t.Errorf("Check(%q) flags = %q, want %q (%+v)", c.text, got, c.want, res)
			}
			if res.Hold != strings.Contains(c.want, "/high") {
				t.Errorf("Check(%q) Hold = %v", c.text, res.Hold)
			}
		})
	}
}

func TestPhoneFormats(t *testing.T) {
	for _, s := range []string{
		"06-12345678", "0612345678", "06 12345678", "06 1234 5678", "06 12 34 56 78", "(06) 12 34 56 78",
		"+31 6 12345678", "+31612345678", "+31 (0)6 1234 5678", "0031 6 12345678", "020-1234567", "050 123 4567",
		"+44 7700 900123",
	} {
		if got := findPhone(plainForm("bel "+s+" graag", false)); got == "" {
			t.Errorf("findPhone misses %q", s)
		}
	}
	for _, s := range []string{
		"om 10.30", "op 12-03-2025", "van 09.30 - 10.30", "kost 23,40", "postcode 1234 AB", "huisnummer 12",
		"12-03-2025 10.30", "bus 14.12", "+31 6 1234",
	} {
		if got := findPhone(plainForm(s, false)); got != "" {
			t.Errorf("findPhone(%q) = %q, want none", s, got)
		}
	}
}

func TestHintsAndKinds(t *testing.T) {
	r := Default()
	res := r.Check(Input{Text: "Bel me: 06-12345678", FirstMessage: true})
	if res.Hint != HintContactFirstMessage || res.Hold {
		t.Errorf("first message with phone: %+v, want hint %s and no hold", res, HintContactFirstMessage)
	}
	// A request is read by strangers: contact details are flagged there
	// too, whatever FirstMessage says.
	res = r.Check(Input{Text: "Wie helpt? Ik woon Kerkstraat 3, bel 06-12345678", Kind: KindRequest})
	if res.Hint != HintContactPublic || flags(res) != "contact/low" {
		t.Errorf("request with address: %+v", res)
	}
	// Words only suspicious in a first message are not for requests.
	if res := r.Check(Input{Text: "Betalen kan met een tikkie", Kind: KindOffer}); res.Flagged() {
		t.Errorf("offer with tikkie flagged: %+v", res)
	}
	if res := r.Check(Input{Text: "Hoi", FirstMessage: true}); res.Flagged() || res.Hint != "" {
		t.Errorf("hoi: %+v", res)
	}
}

func TestEvidenceIsShort(t *testing.T) {
	long := "kijk op https://" + strings.Repeat("a", 200) + ".com/" + strings.Repeat("b", 200)
	res := Default().Check(Input{Text: long + " en zin in sex " + strings.Repeat("x", 100)})
	if len(res.Flags) != 2 {
		t.Fatalf("flags = %+v", res.Flags)
	}
	for _, f := range res.Flags {
		if n := utf8.RuneCountInString(f.Evidence); n == 0 || n > maxEvidence {
			t.Errorf("evidence %q has %d characters, want 1..%d", f.Evidence, n, maxEvidence)
		}
	}
}

func TestOneFlagPerCategoryMostSevere(t *testing.T) {
	res := Default().Check(Input{Text: "Hoi schatje, ben je single? Je bent zo sexy.", FirstMessage: true})
	if flags(res) != "dating/high" || res.Flags[0].Evidence != "sexy" {
		t.Errorf("got %+v, want one dating/high flag with evidence sexy", res.Flags)
	}
}
