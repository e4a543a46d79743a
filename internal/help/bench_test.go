package help_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/noaber/noaber/internal/account"
	"github.com/noaber/noaber/internal/dispatch"
	"github.com/noaber/noaber/internal/geo"
	"github.com/noaber/noaber/internal/help"
	"github.com/noaber/noaber/internal/i18n"
	"github.com/noaber/noaber/internal/jobs"
	"github.com/noaber/noaber/internal/store"
	"github.com/noaber/noaber/internal/testkit"
)

// Benchmarks with helpers and open requests spread around the real Dutch
// places of the gazetteer (a little scatter around each). The size and the
// engines come from the environment, so the 1M-helper figures of the
// closing notes can be reproduced:
//
//	NOABER_BENCH_HELPERS=1000000 go test -run x -bench . -benchtime 2000x ./internal/help/
//
// By default: 50,000 helpers, on SQLite and (when NOABER_TEST_POSTGRES_URL
// is set) PostgreSQL. Every helper offers two categories; there is one open
// request for every ten helpers.

var benchCats = []string{"groceries", "transport", "company", "odd-jobs", "garden", "pets",
	"computer", "paperwork", "language", "meals", "respite", "other"}

func benchHelpers() int {
	if n, err := strconv.Atoi(os.Getenv("NOABER_BENCH_HELPERS")); err == nil && n > 0 {
		return n
	}
	return 50000
}

type benchWorld struct {
	e       *env
	viewers []*account.User
}

// batchInsert writes rows into table in multi-row INSERTs (a million rows
// one statement at a time would take longer than the benchmark).
func batchInsert(ctx context.Context, tx *store.Tx, table, cols string, rows [][]any) error {
	if len(rows) == 0 {
		return nil
	}
	one := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(rows[0])), ", ") + ")"
	const per = 500
	for i := 0; i < len(rows); i += per {
		chunk := rows[i:min(i+per, len(rows))]
		args := make([]any, 0, len(chunk)*len(rows[0]))
		for _, r := range chunk {
			args = append(args, r...)
		}
		q := "INSERT INTO " + table + " (" + cols + ") VALUES " + strings.TrimSuffix(strings.Repeat(one+", ", len(chunk)), ", ")
		if _, err := tx.Exec(ctx, q, args...); err != nil {
			return err
		}
	}
	return nil
}

// benchDB returns the database for the world: a fresh one, or with
// NOABER_BENCH_SQLITE=FILE a SQLite file kept between runs (loaded the first
// time), so that a 1M world is built once while queries are tuned.
func benchDB(b *testing.B, engine store.Engine, n int) (*store.DB, bool) {
	path := os.Getenv("NOABER_BENCH_SQLITE")
	if engine != store.SQLite || path == "" {
		return testkit.NewDB(b, engine), false
	}
	ctx := context.Background()
	db, err := store.Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	var have int
	if err := db.QueryRow(ctx, "SELECT COUNT(*) FROM users").Scan(&have); err != nil {
		b.Fatal(err)
	}
	if have != 0 && have != n {
		b.Fatalf("%s holds %d users, not %d: remove it", path, have, n)
	}
	return db, have == n
}

// newBenchWorld builds the benchmark world on engine.
func newBenchWorld(b *testing.B, engine store.Engine) *benchWorld {
	b.Helper()
	n := benchHelpers()
	t0 := time.Now()
	ctx := context.Background()
	db, loaded := benchDB(b, engine, n)
	places := geo.Places()
	rng := rand.New(rand.NewPCG(1, 2))
	spot := func() geo.Point {
		p := places[rng.IntN(len(places))].Point
		return geo.Point{Lat: p.Lat + (rng.Float64()-0.5)*0.04, Lng: p.Lng + (rng.Float64()-0.5)*0.06}
	}
	now := startTime
	const chunk = 20000 // rows per transaction
	for from := 0; from < n && !loaded; from += chunk {
		var users, index, requests [][]any
		var words []string
		for i := from; i < min(from+chunk, n); i++ {
			p := spot()
			c := geo.Snap(p)
			id := fmt.Sprintf("h%07d", i)
			users = append(users, []any{id, account.NationalEditionID, id + "@example.nl", "x", "Helper", "Test", "1234AB",
				"Plaats", 1, now, now, now, p.Lat, p.Lng, c.Lat, c.Lng})
			for k := 0; k < 2; k++ {
				cat := (i + k*5) % len(benchCats)
				index = append(index, []any{id, benchCats[cat], cat + 1, p.Lat, p.Lng, 1000 + rng.IntN(8)*500})
			}
			if i%10 == 0 {
				rp := spot()
				rc := geo.Snap(rp)
				requests = append(requests, []any{fmt.Sprintf("r%07d", i), account.NationalEditionID, id, benchCats[i%len(benchCats)],
					"Wie doet boodschappen voor mij?", "", "{}", "flexible", "home", "", "", rp.Lat, rp.Lng, rc.Lat, rc.Lng,
					"Plaats", "", "open", now.Add(help.RequestTTL), now.Add(time.Duration(i) * time.Second), now})
				w := "wie doet boodschap voor mij"
				if i%30 == 0 {
					w = "hond uitlat"
				}
				words = append(words, w)
			}
		}
		err := db.InTx(ctx, func(tx *store.Tx) error {
			if err := batchInsert(ctx, tx, "users", `id, edition_id, email, password_hash, first_name, surname, postcode,
				town, rules_version, rules_accepted_at, created_at, updated_at, lat, lng, cell_lat, cell_lng`, users); err != nil {
				return err
			}
			if err := batchInsert(ctx, tx, "helper_index", "user_id, category_id, cat_no, lat, lng, radius_m", index); err != nil {
				return err
			}
			if err := batchInsert(ctx, tx, "requests", `id, edition_id, seeker_id, category_id, title, body, answers,
				when_kind, place_kind, postcode, house_number, lat, lng, cell_lat, cell_lng, town, municipality_code,
				status, expires_at, created_at, updated_at`, requests); err != nil {
				return err
			}
			if engine != store.SQLite {
				return nil
			}
			// The word index of SQLite is kept in Go: rowid = the request's seq.
			for j, r := range requests {
				if _, err := tx.Exec(ctx, "INSERT INTO requests_fts (rowid, stems) SELECT seq, ? FROM requests WHERE id = ?", words[j], r[0]); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	stmt := "ANALYZE"
	if _, err := db.Exec(ctx, stmt); err != nil {
		b.Fatal(err)
	}
	b.Logf("%s: %d helpers, %d requests loaded in %s", engine, n, (n+9)/10, time.Since(t0).Round(time.Second))
	e := newEnv(&testing.T{}, db)
	w := &benchWorld{e: e}
	for i := 0; i < 50; i++ {
		u, err := e.acc.User(ctx, fmt.Sprintf("h%07d", rng.IntN(n)))
		if err != nil {
			b.Fatal(err)
		}
		w.viewers = append(w.viewers, u)
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

// BenchmarkNearby measures the two queries everything near-you stands on:
// the eligible helpers near a point (the preview count; the dispatcher's
// candidates) and the open requests near a viewer (search), per engine on
// one world built once.
func BenchmarkNearby(b *testing.B) {
	for _, e := range testkit.Engines(b) {
		b.Run(string(e), func(b *testing.B) {
			w := newBenchWorld(b, e)
			b.Run("helpers-nearest-20-5km", func(b *testing.B) {
				timed(b, func(i int) error {
					v := w.viewers[i%len(w.viewers)]
					_, err := w.e.help.NearestHelpers(w.e.ctx, benchCats[i%len(benchCats)], v.Position, 5, 20)
					return err
				})
			})
			b.Run("preview-count-2km", func(b *testing.B) {
				timed(b, func(i int) error {
					_, err := w.e.help.Preview(w.e.ctx, w.viewers[i%len(w.viewers)], benchCats[i%len(benchCats)], help.PlaceHome, "", "")
					return err
				})
			})
			for _, c := range []struct {
				name string
				q    help.SearchQuery
			}{
				{"requests-nearest-5km", help.SearchQuery{RadiusKm: 5}},
				{"requests-newest-5km", help.SearchQuery{RadiusKm: 5, Sort: help.SortNewest}},
				{"requests-words-25km", help.SearchQuery{RadiusKm: 25, Words: "boodschap"}},
			} {
				b.Run(c.name, func(b *testing.B) {
					timed(b, func(i int) error {
						_, err := w.e.help.Search(w.e.ctx, w.viewers[i%len(w.viewers)], c.q, i18n.NL)
						return err
					})
				})
			}
		})
	}
}

// BenchmarkDispatchFirstInvitation measures the dispatcher's hot path on
// the same world: a request is posted and its first invitation written
// (the post, the dispatch.start job: candidates from the spatial index,
// their settings and recent invitations, ranking, the invitation and its
// notification). It lives here to share the world with BenchmarkNearby.
func BenchmarkDispatchFirstInvitation(b *testing.B) {
	for _, engine := range testkit.Engines(b) {
		b.Run(string(engine), func(b *testing.B) {
			w := newBenchWorld(b, engine)
			e := w.e
			q := jobs.New(e.db, jobs.Options{Now: e.clk.now})
			resolver := geo.NewResolver(e.db, geo.ResolverOptions{})
			h := help.New(e.db, q, e.acc, resolver, help.Options{Now: e.clk.now})
			dispatch.New(e.db, q, e.acc, h, dispatch.Options{Now: e.clk.now})
			// Every question of every category answered.
			answers := map[string]string{}
			for _, c := range benchCats {
				tpl, err := h.Template(e.ctx, i18n.NL, c)
				if err != nil {
					b.Fatal(err)
				}
				for _, q := range tpl.Questions {
					answers[q.ID] = "Iets bij de supermarkt"
				}
			}
			in := help.RequestInput{WhenKind: help.WhenFlexible, PlaceKind: help.PlaceHome}
			// In a sparse world some requests find nobody within reach
			// (and escalate): the share that got an invitation is reported.
			invited := 0
			var postDur []time.Duration
			defer func() {
				b.ReportMetric(float64(invited)/float64(b.N), "invited/op")
				sort.Slice(postDur, func(i, j int) bool { return postDur[i] < postDur[j] })
				b.ReportMetric(float64(postDur[len(postDur)/2].Microseconds()), "post-p50-µs")
				b.ReportMetric(float64(postDur[len(postDur)*99/100].Microseconds()), "post-p99-µs")
			}()
			timed(b, func(i int) error {
				in.CategoryID = benchCats[i%len(benchCats)]
				in.Answers = map[string]string{}
				tpl, _ := h.Template(e.ctx, i18n.NL, in.CategoryID)
				for _, q := range tpl.Questions {
					in.Answers[q.ID] = answers[q.ID]
				}
				t0 := time.Now()
				v, err := h.CreateRequest(e.ctx, w.viewers[i%len(w.viewers)], in, i18n.NL)
				if err != nil {
					return err
				}
				postDur = append(postDur, time.Since(t0))
				if _, err := q.RunDue(e.ctx); err != nil {
					return err
				}
				var n int
				if err := e.db.QueryRow(e.ctx, "SELECT COUNT(*) FROM invitations WHERE request_id = ?", v.ID).Scan(&n); err != nil {
					return err
				}
				invited += n
				return nil
			})
		})
	}
}
