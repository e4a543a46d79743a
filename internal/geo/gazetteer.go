package geo

import (
	"bufio"
	_ "embed"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

//go:generate go run ./internal/gengazetteer -pkg $CITIES_JSON -out data

//go:embed data/places.tsv
var placesTSV string

//go:embed data/municipalities.tsv
var municipalitiesTSV string

// Other names people type for a place, by normalised name, to the place's
// name in the gazetteer. Only names in common use; everything else must
// match the gazetteer's own spelling (case and accents aside).
var aliases = map[string]string{
	"s gravenhage": "Den Haag",
	"the hague":    "Den Haag",
	"den bosch":    "'s-Hertogenbosch",
}

type gazetteer struct {
	places         []Place
	byName         map[string]int // normalised name -> index of the preferred place
	municipalities map[string]string
}

var loadGazetteer = sync.OnceValue(func() *gazetteer {
	g := &gazetteer{byName: map[string]int{}, municipalities: map[string]string{}}
	eachRow(placesTSV, 4, func(f []string) {
		lat, err1 := strconv.ParseFloat(f[1], 64)
		lng, err2 := strconv.ParseFloat(f[2], 64)
		if err1 != nil || err2 != nil {
			panic(fmt.Sprintf("geo: bad coordinates in places.tsv: %q", f))
		}
		key := normName(f[0])
		// The file lists the preferred place of a name first.
		if _, dup := g.byName[key]; !dup {
			g.byName[key] = len(g.places)
		}
		g.places = append(g.places, Place{Name: f[0], MunicipalityCode: f[3], Point: Point{lat, lng}})
	})
	eachRow(municipalitiesTSV, 2, func(f []string) { g.municipalities[f[0]] = f[1] })
	for alias, name := range aliases {
		i, ok := g.byName[normName(name)]
		if !ok {
			panic("geo: alias for unknown place " + name)
		}
		g.byName[alias] = i
	}
	return g
})

// eachRow calls fn with the fields of each data row of an embedded TSV
// file; the files are generated, so a malformed one is a build mistake.
func eachRow(tsv string, fields int, fn func([]string)) {
	sc := bufio.NewScanner(strings.NewReader(tsv))
	for sc.Scan() {
		line := sc.Text()
		if line == "" || line[0] == '#' {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != fields {
			panic(fmt.Sprintf("geo: embedded data row has %d fields, want %d: %q", len(f), fields, line))
		}
		fn(f)
	}
}

// normName folds a place name for comparison: lower case, no accents, no
// apostrophes, hyphens and dots as spaces, "st" as "sint"; so
// "'s-Hertogenbosch", "s Hertogenbosch" and "S-HERTOGENBOSCH" are one name.
func normName(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r), r == '\'', r == '’', r == '`':
			// accents and apostrophes carry no difference between places
		case r == '-' || r == '.' || r == ',' || unicode.IsSpace(r):
			b.WriteByte(' ')
		default:
			b.WriteRune(unicode.ToLower(r))
		}
	}
	words := strings.Fields(b.String())
	for i, w := range words {
		if w == "st" {
			words[i] = "sint"
		}
	}
	return strings.Join(words, " ")
}

// LookupTown finds a town in the gazetteer by name, ignoring case, accents
// and a leading "'s-"/"Den" style difference where unambiguous.
// When two places share a name, the one that names its municipality wins
// (Hengelo in Overijssel, not the village in Bronckhorst).
func LookupTown(name string) (Place, bool) {
	g := loadGazetteer()
	i, ok := g.byName[normName(name)]
	if !ok {
		return Place{}, false
	}
	return g.places[i], true
}

// Places returns every place of the gazetteer, sorted by name. The slice
// is a copy.
func Places() []Place {
	return append([]Place(nil), loadGazetteer().places...)
}

// Nearest returns the gazetteer place closest to p: the town and
// municipality of a position that came without them (a device position,
// a postcode row without a town).
func Nearest(p Point) Place {
	g := loadGazetteer()
	best, bestD := 0, -1.0
	for i, pl := range g.places {
		// An equirectangular distance ranks as well as the great circle
		// over a country this small, at a fraction of the cost.
		dy := pl.Lat - p.Lat
		dx := (pl.Lng - p.Lng) * 0.616 // cos(52°)
		if d := dx*dx + dy*dy; bestD < 0 || d < bestD {
			best, bestD = i, d
		}
	}
	return g.places[best]
}

// MunicipalityName returns the name of the municipality with CBS code
// code ("0153" -> "Enschede"), or false.
func MunicipalityName(code string) (string, bool) {
	n, ok := loadGazetteer().municipalities[code]
	return n, ok
}
