package help

import (
	"strings"
	"testing"
)

// The forms a search must bring together: the first is what someone types,
// the second what a request says.
var wordPairs = [][2]string{
	{"boodschap", "boodschappen"},
	{"boodschappen", "boodschap"},
	{"hond", "honden"},
	{"fiets", "fietsen"},
	{"ziekenhuis", "ziekenhuizen"},
	{"formulier", "formulieren"},
	{"brief", "brieven"},
	{"straat", "straten"},
	{"cafe", "Café"},
}

func TestFTSQueryFindsDutchForms(t *testing.T) {
	for _, p := range wordPairs {
		doc := " " + ftsDocument(p[1]) + " "
		q := ftsQuery(p[0])
		found := false
		for _, s := range strings.Split(strings.Trim(q, "()"), " OR ") {
			if strings.Contains(doc, " "+strings.Trim(s, `"`)+" ") {
				found = true
			}
		}
		if !found {
			t.Errorf("search %q (%s) does not find %q (stems %q)", p[0], q, p[1], doc)
		}
	}
}

func TestQueriesAreSafeAndSkipStopWords(t *testing.T) {
	q := ftsQuery(`Wie doet "boodschappen" OR *x NEAR( voor mij`)
	if strings.Count(q, " AND ") != 4 || strings.Contains(q, "*") || strings.Contains(q, "wie") {
		t.Errorf("ftsQuery = %s, want five plain AND-ed groups without stop words", q)
	}
	if got := tsQuery(`a'b & !c | d:*`); strings.ContainsAny(got, "'!:*") {
		t.Errorf("tsQuery kept syntax: %s", got)
	}
	if got := ftsQuery("  ?! de  "); got != "" {
		t.Errorf("ftsQuery of no words = %q, want empty", got)
	}
}
