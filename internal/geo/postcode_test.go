package geo_test

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/noaber/noaber/internal/geo"
	"github.com/noaber/noaber/internal/store"
	"github.com/noaber/noaber/internal/testkit"
)

type pcRow struct {
	lat, lng           float64
	town, municipality string
}

func postcodeRow(t *testing.T, db *store.DB, pc string) (pcRow, bool) {
	t.Helper()
	var r pcRow
	err := db.QueryRow(context.Background(), `SELECT lat, lng, town, municipality_code FROM postcodes WHERE postcode = ?`, pc).
		Scan(&r.lat, &r.lng, &r.town, &r.municipality)
	if errors.Is(err, store.ErrNotFound) {
		return r, false
	}
	if err != nil {
		t.Fatal(err)
	}
	return r, true
}

func countPostcodes(t *testing.T, db *store.DB) int {
	t.Helper()
	var n int
	if err := db.QueryRow(context.Background(), `SELECT COUNT(*) FROM postcodes`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func importFixture(t *testing.T, db *store.DB) {
	t.Helper()
	f, err := os.Open("testdata/postcodes.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	n, err := geo.ImportPostcodes(context.Background(), db, f, geo.FormatAuto)
	if err != nil || n != 47 {
		t.Fatalf("import of the fixture: %d rows, %v; want 47", n, err)
	}
}

func TestImportCSVFixture(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		importFixture(t, db)
		if n := countPostcodes(t, db); n != 47 {
			t.Fatalf("%d rows in postcodes, want 47", n)
		}
		r, ok := postcodeRow(t, db, "7511JM") // written "7511 JM" in the file
		if !ok || r.town != "Enschede" || r.municipality != "0153" {
			t.Errorf("7511JM = %+v, %v", r, ok)
		}
		// Importing again replaces, never duplicates.
		importFixture(t, db)
		if n := countPostcodes(t, db); n != 47 {
			t.Errorf("%d rows after a second import, want 47", n)
		}
	})
}

func TestImportGeoNamesWithBadRows(t *testing.T) {
	// GeoNames' NL.txt: country, postcode, place, admin name1, admin code1,
	// admin name2, admin code2, admin name3, admin code3, lat, lng, accuracy.
	file := strings.Join([]string{
		"NL\t7511\tEnschede\tOverijssel\tOV\tEnschede\t0153\t\t\t52.2197\t6.8939\t6",
		"NL\t7201\tZutphen\tGelderland\tGE\tZutphen\t0301\t\t\t52.1396\t6.1996\t6",
		"NL\t0123\tNowhere\tOverijssel\tOV\tEnschede\t0153\t\t\t52.2\t6.9\t6",    // 3: postcode starts with 0
		"BE\t1000\tBrussel\tBrussel\tBRU\t\t\t\t\t50.85\t4.35\t4",                // 4: another country
		"NL\t7412\tDeventer\tOverijssel\tOV\tDeventer\t0150\t\t\tnoord\t6.16\t6", // 5: latitude not a number
		"NL\t7413\tDeventer\tOverijssel",                                         // 6: too few fields
		"",
		"NL\t3511\tUtrecht\tUtrecht\tUT\tUtrecht\t344\t\t\t52.0931\t5.1145\t6",        // code without its leading 0
		"NL\t1012\tAmsterdam\tNoord-Holland\tNH\tAmsterdam\t0363\t\t\t4.89\t52.37\t6", // 9: lat and lng swapped
		"NL\t7511\tEnschede\tOverijssel\tOV\tEnschede\t0153\t\t\t52.2200\t6.8940\t6",  // again: the later row wins
	}, "\n") + "\n"
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		n, err := geo.ImportPostcodes(context.Background(), db, strings.NewReader(file), geo.FormatAuto)
		var ie *geo.ImportError
		if !errors.As(err, &ie) {
			t.Fatalf("err = %v, want *ImportError", err)
		}
		if n != 4 {
			t.Errorf("loaded %d rows, want 4", n)
		}
		var lines []int
		for _, r := range ie.Rows {
			lines = append(lines, r.Line)
		}
		if want := []int{3, 4, 5, 6, 9}; !equalInts(lines, want) {
			t.Errorf("rejected lines %v, want %v\n%v", lines, want, err)
		}
		if !strings.Contains(err.Error(), "line 9: postcode 1012:") || !strings.Contains(err.Error(), "5 rows rejected") {
			t.Errorf("summary does not name the lines:\n%v", err)
		}
		if r, ok := postcodeRow(t, db, "3511"); !ok || r.municipality != "0344" || r.town != "Utrecht" {
			t.Errorf("3511 = %+v, %v", r, ok)
		}
		if r, _ := postcodeRow(t, db, "7511"); r.lat != 52.22 {
			t.Errorf("7511 lat = %v, want the later row's 52.22", r.lat)
		}
		if n := countPostcodes(t, db); n != 3 {
			t.Errorf("%d rows stored, want 3 (7511 twice)", n)
		}
	})
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestImportCSVVariants(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		// A Dutch spreadsheet: ';' between fields, decimal commas, other
		// column names, no town, GM-prefixed codes, PC6 with a space.
		semi := "\ufeffPC6;Latitude;Longitude;GM_CODE\n" +
			"7522 NB;52,2393;6,8560;GM0153\n" +
			"7522 XX;52,2393;x;GM0153\n" + // line 3: bad longitude
			"7545 ZZ;52,19;6,88;GM01534\n" // line 4: bad municipality code
		n, err := geo.ImportPostcodes(ctx, db, strings.NewReader(semi), geo.FormatCSV)
		var ie *geo.ImportError
		if n != 1 || !errors.As(err, &ie) || len(ie.Rows) != 2 || ie.Rows[0].Line != 3 || ie.Rows[1].Line != 4 {
			t.Fatalf("semicolon CSV: %d, %v", n, err)
		}
		// The town missing in the file comes from the nearest place: here
		// a neighbourhood of Enschede.
		if r, ok := postcodeRow(t, db, "7522NB"); !ok || r.town != "Twekkelerveld" || r.municipality != "0153" || r.lat != 52.2393 {
			t.Errorf("7522NB = %+v, %v", r, ok)
		}

		// A header without coordinates loads nothing.
		n, err = geo.ImportPostcodes(ctx, db, strings.NewReader("postcode,town\n7511,Enschede\n"), geo.FormatAuto)
		if n != 0 || err == nil || !strings.Contains(err.Error(), "no lat column") {
			t.Errorf("header without lat: %d, %v", n, err)
		}
		if _, err := geo.ImportPostcodes(ctx, db, strings.NewReader(""), geo.FormatAuto); err == nil {
			t.Error("an empty file was accepted")
		}
		if _, err := geo.ImportPostcodes(ctx, db, strings.NewReader("postcode,lat,lng\n"), "xml"); err == nil {
			t.Error("an unknown format was accepted")
		}
		if n := countPostcodes(t, db); n != 1 {
			t.Errorf("%d rows stored, want 1", n)
		}
	})
}

func TestImportManyRowsInBatches(t *testing.T) {
	// More rows than one batch, with a quoted field holding a comma.
	var b strings.Builder
	b.WriteString("postcode,lat,lng,town,municipality_code\n")
	n := 0
	for pc := 1000; pc <= 3499; pc++ {
		b.WriteString(strings.Join([]string{itoa(pc), "52.1", "5.1", `"Utrecht, stad"`, "0344"}, ",") + "\n")
		n++
	}
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		got, err := geo.ImportPostcodes(context.Background(), db, strings.NewReader(b.String()), geo.FormatAuto)
		if err != nil || got != n {
			t.Fatalf("imported %d, %v; want %d", got, err, n)
		}
		if c := countPostcodes(t, db); c != n {
			t.Errorf("%d rows stored, want %d", c, n)
		}
		if r, _ := postcodeRow(t, db, "3499"); r.town != "Utrecht, stad" {
			t.Errorf("quoted town = %q", r.town)
		}
	})
}

func itoa(i int) string {
	s := ""
	for ; i > 0; i /= 10 {
		s = string(rune('0'+i%10)) + s
	}
	return s
}
