package help_test

import (
	"testing"

	"github.com/noaber/noaber/internal/geo"
	"github.com/noaber/noaber/internal/help"
	"github.com/noaber/noaber/internal/i18n"
	"github.com/noaber/noaber/internal/store"
	"github.com/noaber/noaber/internal/testkit"
)

// A deleted account takes its requests and offers along, with every index
// row over them: nothing of its text may stay searchable.
func TestDeletingAnAccountLeavesNothingInTheIndexes(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		p := geo.Point{Lat: 52.2215, Lng: 6.8937}
		u := e.user(p, "groceries")
		viewer := e.user(geo.Point{Lat: 52.222, Lng: 6.894})
		e.request(u, groceries("Wie doet boodschappen voor mij?"))
		if _, err := e.help.CreateOffer(e.ctx, u, help.OfferInput{CategoryID: "pets", Title: "Ik laat honden uit", Body: "Op zaterdag"}, i18n.NL); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(e.ctx, "DELETE FROM users WHERE id = ?", u.ID); err != nil {
			t.Fatal(err)
		}
		tables := []string{"requests", "offers", "helper_index"}
		if db.Engine() == store.SQLite {
			tables = append(tables, "requests_fts", "offers_fts", "requests_rtree", "offers_rtree", "helper_rtree")
		}
		for _, table := range tables {
			if n := e.count(table); n != 0 {
				t.Errorf("%s keeps %d rows of a deleted account", table, n)
			}
		}
		res, err := e.help.Search(e.ctx, viewer, help.SearchQuery{Words: "boodschap"}, i18n.NL)
		if err != nil || len(res.Requests) != 0 {
			t.Fatalf("search after delete: %+v %v", res, err)
		}
	})
}
