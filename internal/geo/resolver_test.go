package geo_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/noaber/noaber/internal/geo"
	"github.com/noaber/noaber/internal/store"
	"github.com/noaber/noaber/internal/testkit"
)

// fakePDOK answers like PDOK's Locatieserver /free, per question:
// addresses and postcodes it knows, nothing for others, and failures for
// a few postcodes.
type fakePDOK struct {
	*httptest.Server
	mu   sync.Mutex
	asks map[string]int // "q|fq" -> times asked
}

const (
	pdokFails     = "7511AB" // 500
	pdokSlow      = "3511LX" // answers after the client gave up
	pdokMalformed = "7201AA" // not JSON
	pdokNearMiss  = "7545AA" // answers with another postcode
)

func newFakePDOK(t *testing.T) *fakePDOK {
	f := &fakePDOK{asks: map[string]int{}}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q, fq := r.URL.Query().Get("q"), r.URL.Query().Get("fq")
		f.mu.Lock()
		f.asks[q+"|"+fq]++
		f.mu.Unlock()
		if r.URL.Path != "/free" || r.URL.Query().Get("rows") != "1" {
			t.Errorf("unexpected request %s", r.URL)
		}
		pc := q
		if len(q) > 6 {
			pc = q[:6]
		}
		switch pc {
		case pdokFails:
			http.Error(w, "internal error", http.StatusInternalServerError)
			return
		case pdokSlow:
			select {
			case <-r.Context().Done():
			case <-time.After(2 * time.Second):
			}
			return
		case pdokMalformed:
			w.Write([]byte(`{"response":{"numFound":1,"docs":[{"centroide_ll":`))
			return
		}
		w.Header().Set("Content-Type", "application/json")
		switch {
		case q == "7511JM 12" && fq == "type:adres":
			fmt.Fprint(w, `{"response":{"numFound":1,"start":0,"maxScore":17.2,"numFoundExact":true,"docs":[{"bron":"BAG","type":"adres",
				"woonplaatsnaam":"Enschede","gemeentecode":"0153","gemeentenaam":"Enschede","postcode":"7511JM","huisnummer":12,
				"weergavenaam":"Oude Markt 12, 7511JM Enschede","centroide_ll":"POINT(6.89436 52.21951)","centroide_rd":"POINT(258194.2 471529.9)","score":17.2}]}}`)
		case q == "7511JM" && fq == "type:postcode":
			fmt.Fprint(w, `{"response":{"numFound":1,"start":0,"docs":[{"type":"postcode","woonplaatsnaam":"Enschede","gemeentecode":"0153",
				"postcode":"7511JM","weergavenaam":"Oude Markt, 7511JM Enschede","centroide_ll":"POINT(6.8941 52.2196)"}]}}`)
		case pc == pdokNearMiss:
			fmt.Fprint(w, `{"response":{"numFound":1,"docs":[{"type":"postcode","woonplaatsnaam":"Enschede","gemeentecode":"0153",
				"postcode":"7545AB","centroide_ll":"POINT(6.88 52.19)"}]}}`)
		default:
			fmt.Fprint(w, `{"response":{"numFound":0,"start":0,"maxScore":0.0,"docs":[]}}`)
		}
	}))
	t.Cleanup(f.Close)
	return f
}

func (f *fakePDOK) asked(q, fq string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.asks[q+"|"+fq]
}

func (f *fakePDOK) client() *geo.PDOK {
	p := geo.NewPDOK(f.URL, f.Client())
	p.Timeout = 200 * time.Millisecond
	return p
}

func TestResolveWithoutPostcodeTable(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		r := geo.NewResolver(db, geo.ResolverOptions{})
		ctx := context.Background()
		loc, err := r.Resolve(ctx, "7511JM", "12", "enschede")
		if err != nil || loc.Source != geo.SourceTown || loc.Town != "Enschede" || loc.MunicipalityCode != "0153" {
			t.Errorf("no table: Resolve = %+v, %v; want Enschede from the gazetteer", loc, err)
		}
		if _, err := r.Resolve(ctx, "7511JM", "", "Atlantis"); !errors.Is(err, geo.ErrUnknownTown) {
			t.Errorf("unknown town: err = %v", err)
		}
		if _, err := r.Resolve(ctx, "", "", ""); !errors.Is(err, geo.ErrUnknownTown) {
			t.Errorf("nothing given: err = %v", err)
		}
		// An import is seen at once, not after the resolver's minute.
		importFixture(t, db)
		if _, err := r.Resolve(ctx, "9999ZZ", "", "Zwolle"); !errors.Is(err, geo.ErrUnknownPostcode) {
			t.Errorf("after an import, an unknown postcode: err = %v", err)
		}
	})
}

func TestResolveFromPostcodeTable(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		importFixture(t, db)
		r := geo.NewResolver(db, geo.ResolverOptions{})
		ctx := context.Background()
		cases := []struct {
			pc, town       string
			want           string // the postcode row expected
			wantTown, code string
		}{
			{"7511 JM", "Enschede", "7511JM", "Enschede", "0153"}, // PC6
			{"7511XY", "", "7511", "Enschede", "0153"},            // PC6 unknown, its PC4 known
			{"7201", "Zoetermeer", "7201", "Zutphen", "0301"},     // PC4; the data's town wins over the typed one
			{"1017ab", "Amsterdam", "1017", "Amsterdam", "0363"},  // lower case
			{"3511 LX", "utrecht", "3511LX", "Utrecht", "0344"},   // PC6 with a space
			{"7555", "Hengelo", "7555", "Hengelo", "0164"},        // Hengelo in Overijssel
			{"7414", "", "7414", "Deventer", "0150"},              // no town typed
		}
		for _, c := range cases {
			loc, err := r.Resolve(ctx, c.pc, "", c.town)
			row, _ := postcodeRow(t, db, c.want)
			if err != nil || loc.Source != geo.SourcePostcode || loc.Town != c.wantTown || loc.MunicipalityCode != c.code ||
				loc.Lat != row.lat || loc.Lng != row.lng {
				t.Errorf("Resolve(%q, %q) = %+v, %v; want row %s %+v", c.pc, c.town, loc, err, c.want, row)
			}
		}
		// A table was imported: a postcode in neither it nor PDOK is
		// unknown, even with a known town.
		for _, pc := range []string{"9999ZZ", "9999"} {
			if loc, err := r.Resolve(ctx, pc, "", "Enschede"); !errors.Is(err, geo.ErrUnknownPostcode) {
				t.Errorf("Resolve(%s) = %+v, %v; want ErrUnknownPostcode", pc, loc, err)
			}
		}
		// No postcode at all: the town.
		if loc, err := r.Resolve(ctx, "", "", "Zutphen"); err != nil || loc.Source != geo.SourceTown {
			t.Errorf("town only: %+v, %v", loc, err)
		}
	})
}

func TestResolveWithPDOK(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		fake := newFakePDOK(t)
		pdok := fake.client()
		r := geo.NewResolver(db, geo.ResolverOptions{PDOK: pdok})
		ctx := context.Background()

		// Empty table: PDOK's address, then its postcode, then the town.
		loc, err := r.Resolve(ctx, "7511 jm", " 12 ", "Hengelo")
		if err != nil || loc.Source != geo.SourceAddress || loc.Town != "Enschede" || loc.MunicipalityCode != "0153" ||
			loc.Lat != 52.21951 || loc.Lng != 6.89436 {
			t.Fatalf("address: %+v, %v", loc, err)
		}
		loc, err = r.Resolve(ctx, "7511JM", "", "")
		if err != nil || loc.Source != geo.SourcePostcode || loc.Lat != 52.2196 {
			t.Errorf("postcode only: %+v, %v", loc, err)
		}
		// A house number PDOK does not know: the postcode's centroid.
		loc, err = r.Resolve(ctx, "7511JM", "999", "")
		if err != nil || loc.Source != geo.SourcePostcode || loc.Lat != 52.2196 {
			t.Errorf("unknown house number: %+v, %v", loc, err)
		}
		// Not found by PDOK, no table imported: the town, as the doc says.
		loc, err = r.Resolve(ctx, "9999ZZ", "1", "Zwolle")
		if err != nil || loc.Source != geo.SourceTown || loc.Town != "Zwolle" {
			t.Errorf("unknown to PDOK, no table: %+v, %v", loc, err)
		}
		// A near miss of the free-text search is not taken for the postcode.
		loc, err = r.Resolve(ctx, pdokNearMiss, "", "Enschede")
		if err != nil || loc.Source != geo.SourceTown {
			t.Errorf("near miss: %+v, %v", loc, err)
		}

		// Answers are cached, "not found" too: asking again sends nothing.
		before := fake.asked("7511JM 12", "type:adres") + fake.asked("9999ZZ 1", "type:adres") + fake.asked("9999ZZ", "type:postcode")
		for range 3 {
			r.Resolve(ctx, "7511JM", "12", "")
			r.Resolve(ctx, "9999ZZ", "1", "Zwolle")
		}
		after := fake.asked("7511JM 12", "type:adres") + fake.asked("9999ZZ 1", "type:adres") + fake.asked("9999ZZ", "type:postcode")
		if before != 3 || after != before {
			t.Errorf("PDOK asked %d times for three questions, then %d more for the same; want 3 and 0", before, after-before)
		}
		// After 90 days the cache is asked again.
		pdok.SetClock(func() time.Time { return time.Now().Add(91 * 24 * time.Hour) })
		if loc, err := r.Resolve(ctx, "7511JM", "12", ""); err != nil || loc.Source != geo.SourceAddress {
			t.Errorf("after 91 days: %+v, %v", loc, err)
		}
		if n := fake.asked("7511JM 12", "type:adres"); n != 2 {
			t.Errorf("after 91 days PDOK was asked %d times in all, want 2", n)
		}
		pdok.SetClock(time.Now)

		// With a table: PDOK first, the table when PDOK fails or does not
		// know, ErrUnknownPostcode when neither knows.
		importFixture(t, db)
		if loc, err := r.Resolve(ctx, "7511JM", "12", ""); err != nil || loc.Source != geo.SourceAddress {
			t.Errorf("PDOK before the table: %+v, %v", loc, err)
		}
		failures := []struct{ pc, row string }{
			{pdokFails, "7511AB"},   // 500: the PC6 row
			{pdokSlow, "3511LX"},    // timeout: the PC6 row
			{pdokMalformed, "7201"}, // malformed JSON: the PC4 row
			{"7512QQ", "7512"},      // PDOK does not know it, the table's PC4 does
		}
		for _, f := range failures {
			start := time.Now()
			loc, err := r.Resolve(ctx, f.pc, "", "")
			row, _ := postcodeRow(t, db, f.row)
			if err != nil || loc.Source != geo.SourcePostcode || loc.Lat != row.lat || loc.Town != row.town {
				t.Errorf("%s: %+v, %v; want the table's %s %+v", f.pc, loc, err, f.row, row)
			}
			if d := time.Since(start); d > time.Second {
				t.Errorf("%s took %v: the timeout did not hold", f.pc, d)
			}
		}
		// Failures are not cached: PDOK is asked again next time.
		r.Resolve(ctx, pdokFails, "", "")
		if n := fake.asked(pdokFails, "type:postcode"); n != 2 {
			t.Errorf("a failing PDOK was asked %d times for two resolves, want 2", n)
		}
		if _, err := r.Resolve(ctx, "9999ZZ", "1", "Zwolle"); !errors.Is(err, geo.ErrUnknownPostcode) {
			t.Errorf("unknown to PDOK and table: err = %v", err)
		}
		// A cancelled request is an error of its own, not a fallback.
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		if _, err := r.Resolve(cctx, "7533AA", "", "Enschede"); err == nil {
			t.Error("a cancelled context resolved")
		}
	})
}

func TestPDOKDefaultsAndRequest(t *testing.T) {
	p := geo.NewPDOK("", nil)
	if p.Timeout != 3*time.Second {
		t.Errorf("default timeout %v, want 3s", p.Timeout)
	}
	if geo.DefaultPDOKURL != "https://api.pdok.nl/bzk/locatieserver/search/v3_1" {
		t.Errorf("default URL %s", geo.DefaultPDOKURL)
	}
}
