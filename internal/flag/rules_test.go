package flag

import (
	"strings"
	"testing"
	"time"
)

func TestLoadErrors(t *testing.T) {
	for _, c := range []struct{ json, want string }{
		{`{"terms":[{"category":"romance","severity":"low","words":["x"]}],"link_tlds":["com"]}`, `unknown category "romance"`},
		{`{"terms":[{"category":"dating","severity":"medium","words":["x"]}],"link_tlds":["com"]}`, `unknown severity "medium"`},
		{`{"terms":[{"category":"dating","severity":"low","scope":"later","words":["x"]}],"link_tlds":["com"]}`, `unknown scope "later"`},
		{`{"terms":[{"category":"dating","severity":"low","words":["!!"]}],"link_tlds":["com"]}`, `word "!!"`},
		{`{"patterns":[{"name":"broken","category":"money","severity":"high","regex":"(geld"}],"link_tlds":["com"]}`, `"broken": bad regex "(geld"`},
		{`{"patterns":[{"name":"p","category":"money","severity":"high","regex":"x","unless":"[a"}],"link_tlds":["com"]}`, `bad unless regex "[a"`},
		{`{"colour":"red"}`, `unknown field "colour"`},
		{`{"link_tlds":[]}`, `link_tlds`},
		{`{"link_tlds":["com"],"allowed_hosts":["https://noaber.nl"]}`, `allowed host "https://noaber.nl"`},
		{`{"link_tlds":["com"],"new_accounts":[{"max_age_days":7,"max_per_day":5},{"max_age_days":3,"max_per_day":9}]}`, `new_accounts[1]`},
	} {
		_, err := Load(strings.NewReader(c.json))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Load(%s) error = %v, want one naming %s", c.json, err, c.want)
		}
	}
}

func TestDefaultLoads(t *testing.T) {
	r := Default()
	if len(r.terms) == 0 || len(r.patterns) == 0 || len(r.d.NewAccounts) == 0 {
		t.Fatalf("default rules are empty: %d terms, %d patterns", len(r.terms), len(r.patterns))
	}
}

func TestOverrides(t *testing.T) {
	base := Default()
	text := Input{Text: "Zin in een borrel? Ik ben vrijgezel."}
	if got := flags(base.Check(text)); got != "dating/low" {
		t.Fatalf("before: %q", got)
	}
	r, err := base.With(Overrides{
		RemoveWords:    []string{"Vrijgezel"}, // matched normalised
		AddTerms:       []TermList{{Category: Money, Severity: High, Words: []string{"borrel"}}},
		RemovePatterns: []string{"invest"},
		AllowHosts:     []string{"buurtpreventie.nl"},
		NewAccounts:    []NewAccountLimit{{MaxAgeDays: 3, MaxPerDay: 2}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := flags(r.Check(text)); got != "money/high" {
		t.Errorf("after: %q, want money/high only", got)
	}
	if r.Check(Input{Text: "zie www.buurtpreventie.nl"}).Flagged() || !base.Check(Input{Text: "zie www.buurtpreventie.nl"}).Flagged() {
		t.Error("allowed host not applied to the new rules only")
	}
	if r.Check(Input{Text: "investeren met gegarandeerd rendement"}).Flagged() {
		t.Error("removed pattern still applies")
	}
	if !r.TooManyContacts(48*time.Hour, 3) || r.TooManyContacts(4*24*time.Hour, 50) {
		t.Error("new-account limits not replaced")
	}
	// The default rules are untouched.
	if got := flags(base.Check(text)); got != "dating/low" {
		t.Errorf("default changed by With: %q", got)
	}
	for _, o := range []Overrides{
		{RemoveWords: []string{"nosuchword"}},
		{RemovePatterns: []string{"nosuchpattern"}},
		{AddTerms: []TermList{{Category: "spam", Severity: Low, Words: []string{"x"}}}},
		{AddPatterns: []Pattern{{Name: "p", Category: Money, Severity: High, Regex: "(("}}},
	} {
		if _, err := base.With(o); err == nil {
			t.Errorf("With(%+v) = nil error", o)
		}
	}
}

func TestTooManyContacts(t *testing.T) {
	r := Default()
	day := 24 * time.Hour
	for _, c := range []struct {
		age  time.Duration
		n    int
		want bool
	}{
		{time.Hour, 5, false},
		{time.Hour, 6, true},
		{6 * day, 6, true},
		{7 * day, 6, false}, // second week: up to 15
		{20 * day, 16, true},
		{30 * day, 100, false}, // older accounts have no limit here
	} {
		if got := r.TooManyContacts(c.age, c.n); got != c.want {
			t.Errorf("TooManyContacts(%v, %d) = %v, want %v", c.age, c.n, got, c.want)
		}
	}
}
