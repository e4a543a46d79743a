package help_test

import (
	"testing"

	"github.com/noaber/noaber/internal/geo"
	"github.com/noaber/noaber/internal/help"
	"github.com/noaber/noaber/internal/i18n"
	"github.com/noaber/noaber/internal/store"
	"github.com/noaber/noaber/internal/testkit"
)

// The preview stops counting at PreviewMax: in a dense city it never
// fetches thousands of helpers to say "more than 50".
func TestPreviewSaysManyPastTheMaximum(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		home := geo.Point{Lat: 52.2215, Lng: 6.8937}
		seeker := e.user(home)
		for i := 0; i < help.PreviewMax+5; i++ {
			// Spread from 100 m to 1.5 km away, all within reach.
			e.user(geo.Point{Lat: home.Lat + float64(i%15+1)*0.0009, Lng: home.Lng}, "groceries")
		}
		pv, err := e.help.Preview(e.ctx, seeker, "groceries", help.PlaceHome, "", "")
		if err != nil {
			t.Fatal(err)
		}
		if !pv.Many || pv.Few || pv.Count != help.PreviewMax {
			t.Fatalf("preview %+v, want many with count %d", pv, help.PreviewMax)
		}
	})
}

// Nearest-first search grows its radius ring by ring; the page must still
// be the true nearest rows when the inner rings hold too few.
func TestNearestFirstAcrossRings(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		home := geo.Point{Lat: 52.2215, Lng: 6.8937}
		viewer := e.user(home)
		// 4 requests in the viewer's own cell, 10 at about 3 km, 10 at 4 km.
		for i := 0; i < 4; i++ {
			e.request(e.user(home), groceries("Dichtbij"))
		}
		for i := 0; i < 10; i++ {
			e.request(e.user(geo.Point{Lat: home.Lat + 0.027, Lng: home.Lng}), groceries("Drie kilometer"))
			e.request(e.user(geo.Point{Lat: home.Lat - 0.036, Lng: home.Lng}), groceries("Vier kilometer"))
		}
		res, err := e.help.Search(e.ctx, viewer, help.SearchQuery{Limit: 10}, i18n.NL)
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Requests) != 10 || res.Next == "" {
			t.Fatalf("got %d rows, next %q", len(res.Requests), res.Next)
		}
		for i, r := range res.Requests {
			want := "Drie kilometer"
			if i < 4 {
				want = "Dichtbij"
			}
			if r.Title != want {
				t.Fatalf("row %d is %q (%d km), want %q", i, r.Title, r.DistanceKm, want)
			}
		}
		// The next page starts where this one ended and reaches the 4 km ring.
		res2, err := e.help.Search(e.ctx, viewer, help.SearchQuery{Limit: 10, Cursor: res.Next}, i18n.NL)
		if err != nil {
			t.Fatal(err)
		}
		if len(res2.Requests) != 10 || res2.Requests[0].Title != "Drie kilometer" || res2.Requests[9].Title != "Vier kilometer" {
			t.Fatalf("second page: %d rows, first %q", len(res2.Requests), res2.Requests[0].Title)
		}
		res3, err := e.help.Search(e.ctx, viewer, help.SearchQuery{Limit: 10, Cursor: res2.Next}, i18n.NL)
		if err != nil || len(res3.Requests) != 4 || res3.Next != "" {
			t.Fatalf("last page: %d rows, next %q, %v", len(res3.Requests), res3.Next, err)
		}
	})
}

func TestNearestHelpersRanksByDistanceWithinTheirReach(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		home := geo.Point{Lat: 52.2215, Lng: 6.8937}
		var want []string
		// Helpers at 0.1, 0.3, ..., 2.9 km north; default radius 2 km, so
		// those past 2 km do not reach.
		for i := 0; i < 15; i++ {
			u := e.user(geo.Point{Lat: home.Lat + (0.1+0.2*float64(i))/111.2, Lng: home.Lng}, "groceries")
			if 0.1+0.2*float64(i) <= 2 {
				want = append(want, u.ID)
			}
		}
		e.user(geo.Point{Lat: home.Lat, Lng: home.Lng + 0.001}, "pets") // another kind of help
		got, err := e.help.NearestHelpers(e.ctx, "groceries", home, 5, 6)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 6 {
			t.Fatalf("got %d helpers, want 6", len(got))
		}
		for i, h := range got {
			if h.UserID != want[i] {
				t.Fatalf("rank %d: %s at %.2f km, want %s", i, h.UserID, h.Km, want[i])
			}
		}
		all, err := e.help.NearestHelpers(e.ctx, "groceries", home, 5, 100)
		if err != nil || len(all) != len(want) {
			t.Fatalf("all in reach: %d (%v), want %d", len(all), err, len(want))
		}
	})
}

// Items of an account that is no longer active (suspended, removed) are not
// found, without their owner being joined to every candidate row.
func TestSearchSkipsInactiveOwners(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		home := geo.Point{Lat: 52.2215, Lng: 6.8937}
		viewer := e.user(home)
		active, gone := e.user(home), e.user(home)
		e.request(active, groceries("Blijft zichtbaar"))
		e.request(gone, groceries("Verdwijnt"))
		if _, err := db.Exec(e.ctx, "UPDATE users SET status = 'suspended' WHERE id = ?", gone.ID); err != nil {
			t.Fatal(err)
		}
		for _, sort := range []string{help.SortNearest, help.SortNewest} {
			res, err := e.help.Search(e.ctx, viewer, help.SearchQuery{Sort: sort}, i18n.NL)
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Requests) != 1 || res.Requests[0].Title != "Blijft zichtbaar" {
				t.Fatalf("%s: got %d requests", sort, len(res.Requests))
			}
		}
	})
}
