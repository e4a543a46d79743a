package geo

import (
	"bufio"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/noaber/noaber/internal/store"
)

// NormalizePostcode returns a Dutch postcode as "1234AB" (PC6) or "1234"
// (PC4), or false when s is neither. Spaces and case do not matter.
func NormalizePostcode(s string) (string, bool) {
	s = strings.ToUpper(strings.Join(strings.Fields(s), ""))
	if len(s) != 4 && len(s) != 6 {
		return "", false
	}
	if s[0] < '1' || s[0] > '9' {
		return "", false
	}
	for i := 1; i < 4; i++ {
		if s[i] < '0' || s[i] > '9' {
			return "", false
		}
	}
	if len(s) == 6 {
		for i := 4; i < 6; i++ {
			if s[i] < 'A' || s[i] > 'Z' {
				return "", false
			}
		}
		// These letter pairs are never issued.
		switch s[4:] {
		case "SA", "SD", "SS":
			return "", false
		}
	}
	return s, true
}

// Import formats for ImportPostcodes.
const (
	FormatAuto     = "auto"     // GeoNames when the first line is a tab-separated NL row, else CSV
	FormatGeoNames = "geonames" // GeoNames' postal code dump (NL.txt): tab-separated, no header
	FormatCSV      = "csv"      // a header with at least postcode, lat, lng; ',' or ';' separated
)

// RowError is one rejected row of an import.
type RowError struct {
	Line   int
	Reason string
}

// ImportError lists the rows an import rejected; the good rows were loaded.
type ImportError struct {
	Rows []RowError
}

func (e *ImportError) Error() string {
	const show = 20
	var b strings.Builder
	fmt.Fprintf(&b, "%d rows rejected:", len(e.Rows))
	for i, r := range e.Rows {
		if i == show {
			fmt.Fprintf(&b, "\n  ... and %d more", len(e.Rows)-show)
			break
		}
		fmt.Fprintf(&b, "\n  line %d: %s", r.Line, r.Reason)
	}
	return b.String()
}

// importGeneration changes with every import, so resolvers in this process
// forget what they knew about the postcode table at once.
var importGeneration atomic.Uint64

const importBatch = 1000

type postcodeRow struct {
	postcode, town, municipality string
	Point
}

// ImportPostcodes loads PC4 or PC6 rows from r into the postcodes table,
// replacing rows with the same postcode, in transactions of a thousand
// rows. Rows without a town or municipality get those of the nearest
// gazetteer place (which may be a neighbourhood, such as Amsterdam-Oost).
// It returns how many good rows were loaded; rejected rows are
// reported as an *ImportError after the good ones were loaded. An
// unreadable header or an unknown format loads nothing.
func ImportPostcodes(ctx context.Context, db *store.DB, r io.Reader, format string) (n int, err error) {
	br := bufio.NewReader(r)
	if format == "" || format == FormatAuto {
		format, err = sniffFormat(br)
		if err != nil {
			return 0, err
		}
	}
	var next func() (postcodeRow, int, error)
	switch format {
	case FormatGeoNames:
		next = geonamesRows(br)
	case FormatCSV:
		next, err = csvRows(br)
		if err != nil {
			return 0, err
		}
	default:
		return 0, fmt.Errorf("unknown format %q (want auto, geonames or csv)", format)
	}
	defer importGeneration.Add(1)

	var bad []RowError
	batch := map[string]postcodeRow{}
	inBatch := 0 // good rows in batch, a postcode given twice counted twice
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		if err := upsertPostcodes(ctx, db, batch); err != nil {
			return err
		}
		n += inBatch
		clear(batch)
		inBatch = 0
		return nil
	}
	for {
		row, line, err := next()
		if err == io.EOF {
			break
		}
		var re rowErr
		if errors.As(err, &re) {
			bad = append(bad, RowError{Line: line, Reason: re.reason})
			continue
		}
		if err != nil {
			return n, fmt.Errorf("line %d: %w", line, err)
		}
		if row.town == "" || row.municipality == "" {
			pl := Nearest(row.Point)
			if row.town == "" {
				row.town = pl.Name
			}
			if row.municipality == "" {
				row.municipality = pl.MunicipalityCode
			}
		}
		if _, dup := batch[row.postcode]; !dup && len(batch) == importBatch {
			if err := flush(); err != nil {
				return n, err
			}
		}
		// A postcode twice in a file: the later row wins, as it would
		// across batches.
		batch[row.postcode] = row
		inBatch++
	}
	if err := flush(); err != nil {
		return n, err
	}
	if len(bad) > 0 {
		return n, &ImportError{Rows: bad}
	}
	return n, nil
}

func upsertPostcodes(ctx context.Context, db *store.DB, batch map[string]postcodeRow) error {
	var q strings.Builder
	q.WriteString("INSERT INTO postcodes (postcode, lat, lng, town, municipality_code) VALUES ")
	args := make([]any, 0, 5*len(batch))
	i := 0
	for _, r := range batch {
		if i > 0 {
			q.WriteString(", ")
		}
		q.WriteString("(?, ?, ?, ?, ?)")
		args = append(args, r.postcode, r.Lat, r.Lng, r.town, r.municipality)
		i++
	}
	q.WriteString(" ON CONFLICT (postcode) DO UPDATE SET lat = excluded.lat, lng = excluded.lng, town = excluded.town, municipality_code = excluded.municipality_code")
	return db.InTx(ctx, func(tx *store.Tx) error {
		_, err := tx.Exec(ctx, q.String(), args...)
		return err
	})
}

// rowErr is a bad row: reported, skipped, and the import goes on.
type rowErr struct{ reason string }

func (e rowErr) Error() string { return e.reason }

func badRow(format string, a ...any) error { return rowErr{fmt.Sprintf(format, a...)} }

func sniffFormat(br *bufio.Reader) (string, error) {
	first, err := br.Peek(256)
	if len(first) == 0 {
		if err == nil || err == io.EOF {
			return "", errors.New("the file is empty")
		}
		return "", err
	}
	line, _, _ := strings.Cut(strings.TrimPrefix(string(first), "\ufeff"), "\n")
	if f := strings.Split(line, "\t"); len(f) >= 11 && len(f[0]) == 2 {
		return FormatGeoNames, nil
	}
	return FormatCSV, nil
}

// geonamesRows reads GeoNames' postal code dump: country code, postal
// code, place name, admin name1, admin code1, admin name2, admin code2,
// admin name3, admin code3, latitude, longitude, accuracy.
func geonamesRows(br *bufio.Reader) func() (postcodeRow, int, error) {
	sc := bufio.NewScanner(br)
	line := 0
	return func() (postcodeRow, int, error) {
		for sc.Scan() {
			line++
			text := strings.TrimRight(sc.Text(), "\r")
			if strings.TrimSpace(text) == "" {
				continue
			}
			f := strings.Split(text, "\t")
			if len(f) < 11 {
				return postcodeRow{}, line, badRow("%d fields, want 12 tab-separated fields", len(f))
			}
			if c := strings.TrimPrefix(f[0], "\ufeff"); c != "NL" {
				return postcodeRow{}, line, badRow("country %q, not NL", c)
			}
			row, err := checkRow(f[1], f[9], f[10], f[2], f[6], false)
			return row, line, err
		}
		if err := sc.Err(); err != nil {
			return postcodeRow{}, line, err
		}
		return postcodeRow{}, line, io.EOF
	}
}

var csvColumns = map[string][]string{
	"postcode":     {"postcode", "pc6", "pc4", "postal_code", "postalcode", "zip"},
	"lat":          {"lat", "latitude", "breedtegraad"},
	"lng":          {"lng", "lon", "long", "longitude", "lengtegraad"},
	"town":         {"town", "woonplaats", "woonplaatsnaam", "place", "plaats", "city"},
	"municipality": {"municipality_code", "gemeentecode", "gemeente_code", "gm_code", "municipality"},
}

// csvRows reads a CSV file with a header. Dutch spreadsheets write ';'
// between fields and a decimal comma; both are understood.
func csvRows(br *bufio.Reader) (func() (postcodeRow, int, error), error) {
	peek, _ := br.Peek(4096)
	header, _, _ := strings.Cut(string(peek), "\n")
	cr := csv.NewReader(br)
	semicolon := strings.Count(header, ";") > strings.Count(header, ",")
	if semicolon {
		cr.Comma = ';'
	}
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	head, err := cr.Read()
	if err == io.EOF {
		return nil, errors.New("the file is empty")
	}
	if err != nil {
		return nil, fmt.Errorf("header: %w", err)
	}
	col := map[string]int{}
	for i, h := range head {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		for name, alts := range csvColumns {
			for _, a := range alts {
				if h == a {
					if _, seen := col[name]; !seen {
						col[name] = i
					}
				}
			}
		}
	}
	for _, need := range []string{"postcode", "lat", "lng"} {
		if _, ok := col[need]; !ok {
			return nil, fmt.Errorf("the header %q has no %s column (it needs postcode, lat and lng; town/woonplaats and municipality_code/gemeentecode are optional)", header, need)
		}
	}
	get := func(rec []string, name string) string {
		i, ok := col[name]
		if !ok || i >= len(rec) {
			return ""
		}
		return strings.TrimSpace(rec[i])
	}
	return func() (postcodeRow, int, error) {
		for {
			rec, err := cr.Read()
			if err == io.EOF {
				return postcodeRow{}, 0, io.EOF
			}
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return postcodeRow{}, pe.StartLine, badRow("%v", pe.Err)
			}
			if err != nil {
				return postcodeRow{}, 0, err
			}
			line, _ := cr.FieldPos(0)
			if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
				continue
			}
			row, err := checkRow(get(rec, "postcode"), get(rec, "lat"), get(rec, "lng"), get(rec, "town"), get(rec, "municipality"), semicolon)
			return row, line, err
		}
	}, nil
}

// checkRow validates one row's fields, whatever the format.
func checkRow(pc, lat, lng, town, municipality string, decimalComma bool) (postcodeRow, error) {
	p, ok := NormalizePostcode(pc)
	if !ok {
		return postcodeRow{}, badRow("postcode %q is not a Dutch postcode (1234 or 1234 AB)", pc)
	}
	if decimalComma {
		lat, lng = strings.Replace(lat, ",", ".", 1), strings.Replace(lng, ",", ".", 1)
	}
	la, err1 := strconv.ParseFloat(strings.TrimSpace(lat), 64)
	lo, err2 := strconv.ParseFloat(strings.TrimSpace(lng), 64)
	if err1 != nil || err2 != nil {
		return postcodeRow{}, badRow("postcode %s: coordinates %q, %q are not numbers", p, lat, lng)
	}
	pt := Point{la, lo}
	if !InNetherlands(pt) {
		return postcodeRow{}, badRow("postcode %s: %g, %g is not in the Netherlands (lat and lng swapped? RD coordinates instead of WGS84?)", p, la, lo)
	}
	code, ok := normMunicipality(municipality)
	if !ok {
		return postcodeRow{}, badRow("postcode %s: municipality code %q is not a CBS code (like 0153 or GM0153)", p, municipality)
	}
	return postcodeRow{postcode: p, town: strings.TrimSpace(town), municipality: code, Point: pt}, nil
}

// normMunicipality writes a CBS municipality code as four digits ("GM0153",
// "153" -> "0153"); "" stays "" (unknown).
func normMunicipality(s string) (string, bool) {
	s = strings.TrimPrefix(strings.ToUpper(strings.TrimSpace(s)), "GM")
	if s == "" {
		return "", true
	}
	if len(s) > 4 {
		return "", false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return "", false
		}
	}
	return strings.Repeat("0", 4-len(s)) + s, true
}
