package help_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sort"
	"testing"
	"time"

	"github.com/noaber/noaber/internal/account"
	"github.com/noaber/noaber/internal/geo"
	"github.com/noaber/noaber/internal/help"
	"github.com/noaber/noaber/internal/i18n"
	"github.com/noaber/noaber/internal/store"
	"github.com/noaber/noaber/internal/testkit"
)

// Benchmarks on SQLite with 50,000 helpers and 20,000 open requests spread
// around the real Dutch places of the gazetteer (a little scatter around
// each). Run: go test -run x -bench . ./internal/help/

const (
	benchHelpers  = 50000
	benchRequests = 20000
)

var benchCats = []string{"groceries", "transport", "company", "odd-jobs", "garden", "pets",
	"computer", "paperwork", "language", "meals", "respite", "other"}

type benchWorld struct {
	e       *env
	viewers []*account.User
}

func newBenchWorld(b *testing.B) *benchWorld {
	b.Helper()
	db := testkit.NewDB(b, store.SQLite)
	ctx := context.Background()
	places := geo.Places()
	if len(places) == 0 {
		b.Fatal("no gazetteer")
	}
	rng := rand.New(rand.NewPCG(1, 2))
	spot := func() geo.Point {
		p := places[rng.IntN(len(places))].Point
		return geo.Point{Lat: p.Lat + (rng.Float64()-0.5)*0.04, Lng: p.Lng + (rng.Float64()-0.5)*0.06}
	}
	now := startTime
	err := db.InTx(ctx, func(tx *store.Tx) error {
		for i := 0; i < benchHelpers; i++ {
			p := spot()
			c := geo.Snap(p)
			id := fmt.Sprintf("h%06d", i)
			if _, err := tx.Exec(ctx, `INSERT INTO users (id, edition_id, email, password_hash, first_name, surname, postcode,
				town, rules_version, rules_accepted_at, created_at, updated_at, lat, lng, cell_lat, cell_lng)
				VALUES (?, ?, ?, 'x', 'Helper', 'Test', '1234AB', 'Plaats', 1, ?, ?, ?, ?, ?, ?, ?)`,
				id, account.NationalEditionID, id+"@example.nl", now, now, now, p.Lat, p.Lng, c.Lat, c.Lng); err != nil {
				return err
			}
			for k := 0; k < 2; k++ {
				cat := (i + k*5) % len(benchCats)
				if _, err := tx.Exec(ctx, `INSERT INTO helper_index (user_id, category_id, cat_no, lat, lng, radius_m)
					VALUES (?, ?, ?, ?, ?, ?)`, id, benchCats[cat], cat+1, p.Lat, p.Lng, 1000+rng.IntN(8)*500); err != nil {
					return err
				}
			}
			if i < benchRequests {
				rp := spot()
				rc := geo.Snap(rp)
				res, err := tx.Exec(ctx, `INSERT INTO requests (id, edition_id, seeker_id, category_id, title, body, answers,
					when_kind, place_kind, postcode, house_number, lat, lng, cell_lat, cell_lng, town, municipality_code,
					status, expires_at, created_at, updated_at)
					VALUES (?, ?, ?, ?, 'Wie doet boodschappen voor mij?', '', '{}', 'flexible', 'home', '', '', ?, ?, ?, ?,
					'Plaats', '', 'open', ?, ?, ?)`,
					fmt.Sprintf("r%06d", i), account.NationalEditionID, id, benchCats[i%len(benchCats)], rp.Lat, rp.Lng,
					rc.Lat, rc.Lng, now.Add(help.RequestTTL), now.Add(time.Duration(i)*time.Second), now)
				if err != nil {
					return err
				}
				seq, _ := res.LastInsertId()
				words := "wie doet boodschap voor mij"
				if i%3 == 0 {
					words = "hond uitlat"
				}
				if _, err := tx.Exec(ctx, "INSERT INTO requests_fts (rowid, stems) VALUES (?, ?)", seq, words); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := db.Exec(ctx, "ANALYZE"); err != nil {
		b.Fatal(err)
	}
	e := newEnv(&testing.T{}, db)
	w := &benchWorld{e: e}
	for i := 0; i < 50; i++ {
		w.viewers = append(w.viewers, &account.User{ID: fmt.Sprintf("h%06d", rng.IntN(benchHelpers))})
	}
	return w
}

// timed runs op b.N times and reports p50 and p99 besides the mean.
func timed(b *testing.B, op func(i int) error) {
	durs := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		if err := op(i); err != nil {
			b.Fatal(err)
		}
		durs = append(durs, time.Since(t0))
	}
	b.StopTimer()
	sort.Slice(durs, func(i, j int) bool { return durs[i] < durs[j] })
	b.ReportMetric(float64(durs[len(durs)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(durs[len(durs)*99/100].Microseconds()), "p99-µs")
}

func BenchmarkPreview(b *testing.B) {
	w := newBenchWorld(b)
	timed(b, func(i int) error {
		_, err := w.e.help.Preview(w.e.ctx, w.viewers[i%len(w.viewers)], benchCats[i%len(benchCats)], help.PlaceHome, "", "")
		return err
	})
}

func BenchmarkSearchNearby(b *testing.B) {
	w := newBenchWorld(b)
	for _, c := range []struct {
		name string
		q    help.SearchQuery
	}{
		{"nearest-5km", help.SearchQuery{RadiusKm: 5}},
		{"newest-5km", help.SearchQuery{RadiusKm: 5, Sort: help.SortNewest}},
		{"words-25km", help.SearchQuery{RadiusKm: 25, Words: "boodschap"}},
	} {
		b.Run(c.name, func(b *testing.B) {
			timed(b, func(i int) error {
				_, err := w.e.help.Search(w.e.ctx, w.viewers[i%len(w.viewers)], c.q, i18n.NL)
				return err
			})
		})
	}
}
