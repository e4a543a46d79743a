package geo

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/noaber/noaber/internal/store"
)

// DefaultPDOKURL is the base URL of PDOK's Locatieserver (version 3.1).
const DefaultPDOKURL = "https://api.pdok.nl/bzk/locatieserver/search/v3_1"

// pdokCacheFor is how long an answer of PDOK (also "not found") is kept:
// addresses and their coordinates seldom change.
const pdokCacheFor = 90 * 24 * time.Hour

// PDOK is a client for PDOK's Locatieserver, the free geocoder of the Dutch
// government (BAG addresses). Its answers are cached in geocode_cache.
type PDOK struct {
	baseURL string
	client  *http.Client
	// Timeout bounds one question to PDOK (3 s by default): sign-up must
	// not hang on it.
	Timeout time.Duration
	// now is the clock for the cache; tests move it.
	now func() time.Time
}

// NewPDOK returns a client for the Locatieserver at baseURL (DefaultPDOKURL
// when empty), using client (http.DefaultClient when nil).
func NewPDOK(baseURL string, client *http.Client) *PDOK {
	if baseURL == "" {
		baseURL = DefaultPDOKURL
	}
	if client == nil {
		client = http.DefaultClient
	}
	return &PDOK{baseURL: strings.TrimRight(baseURL, "/"), client: client, Timeout: 3 * time.Second, now: time.Now}
}

// errPDOK is any failure to get an answer from PDOK (network, status,
// malformed answer): Resolve then falls back to the postcode table.
var errPDOK = errors.New("geo: PDOK Locatieserver failed")

type pdokDoc struct {
	Type          string `json:"type"`
	Centroid      string `json:"centroide_ll"`
	Town          string `json:"woonplaatsnaam"`
	Municipality  string `json:"gemeentecode"`
	Postcode      string `json:"postcode"`
	HouseNumber   int    `json:"huisnummer"`
	DisplayedName string `json:"weergavenaam"`
}

// lookup asks PDOK (or the cache) for a PC6 postcode with an optional
// house number. found is false when PDOK knows no such postcode. An
// address PDOK does not know (a wrong house number) falls back to the
// postcode's centroid; both questions are cached apart.
func (p *PDOK) lookup(ctx context.Context, db *store.DB, pc6, house string) (loc Location, found bool, err error) {
	house = strings.ToUpper(strings.Join(strings.Fields(house), ""))
	if house != "" {
		loc, found, err = p.cached(ctx, db, pc6, house)
		if err != nil || found {
			return loc, found, err
		}
	}
	return p.cached(ctx, db, pc6, "")
}

// cached answers one question from geocode_cache, or asks PDOK and keeps
// the answer.
func (p *PDOK) cached(ctx context.Context, db *store.DB, pc6, house string) (loc Location, found bool, err error) {
	key := "pdok:" + pc6
	loc.Source = SourcePostcode
	if house != "" {
		key += " " + house
		loc.Source = SourceAddress
	}
	now := p.now().UTC()
	err = db.QueryRow(ctx, `SELECT found, lat, lng, town, municipality_code FROM geocode_cache WHERE query = ? AND fetched_at > ?`,
		key, now.Add(-pdokCacheFor)).Scan(&found, &loc.Lat, &loc.Lng, &loc.Town, &loc.MunicipalityCode)
	if err == nil {
		return loc, found, nil
	}
	if !errors.Is(err, store.ErrNotFound) {
		return Location{}, false, err
	}
	doc, found, err := p.ask(ctx, pc6, house)
	if err != nil {
		return Location{}, false, err
	}
	if found {
		loc, found = doc.location(pc6, house)
	}
	if !found {
		loc = Location{}
	}
	// A not-found is remembered too, so a typo is not sent again on every try.
	_, err = db.Exec(ctx, `INSERT INTO geocode_cache (query, found, lat, lng, town, municipality_code, fetched_at) VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (query) DO UPDATE SET found = excluded.found, lat = excluded.lat, lng = excluded.lng, town = excluded.town,
		municipality_code = excluded.municipality_code, fetched_at = excluded.fetched_at`,
		key, found, loc.Lat, loc.Lng, loc.Town, loc.MunicipalityCode, now)
	if err != nil {
		return Location{}, false, err
	}
	return loc, found, nil
}

// ask sends one question to PDOK.
func (p *PDOK) ask(ctx context.Context, pc6, house string) (pdokDoc, bool, error) {
	q := url.Values{}
	if house != "" {
		q.Set("q", pc6+" "+house)
		q.Set("fq", "type:adres")
	} else {
		q.Set("q", pc6)
		q.Set("fq", "type:postcode")
	}
	q.Set("rows", "1")
	q.Set("fl", "type,centroide_ll,woonplaatsnaam,gemeentecode,postcode,huisnummer,weergavenaam")
	ctx, cancel := context.WithTimeout(ctx, p.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, p.baseURL+"/free?"+q.Encode(), nil)
	if err != nil {
		return pdokDoc{}, false, fmt.Errorf("%w: %v", errPDOK, err)
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "Noaber (open-source neighbourhood help)")
	resp, err := p.client.Do(req)
	if err != nil {
		return pdokDoc{}, false, fmt.Errorf("%w: %v", errPDOK, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		return pdokDoc{}, false, fmt.Errorf("%w: status %s", errPDOK, resp.Status)
	}
	var body struct {
		Response *struct {
			NumFound int       `json:"numFound"`
			Docs     []pdokDoc `json:"docs"`
		} `json:"response"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&body); err != nil {
		return pdokDoc{}, false, fmt.Errorf("%w: answer is not JSON: %v", errPDOK, err)
	}
	if body.Response == nil {
		return pdokDoc{}, false, fmt.Errorf("%w: answer has no response", errPDOK)
	}
	if len(body.Response.Docs) == 0 {
		return pdokDoc{}, false, nil
	}
	d := body.Response.Docs[0]
	if _, ok := parsePoint(d.Centroid); !ok {
		return pdokDoc{}, false, fmt.Errorf("%w: centroide_ll %q is not a POINT", errPDOK, d.Centroid)
	}
	return d, true, nil
}

// location turns PDOK's best match into a Location. Free-text search also
// returns near misses: a match for another postcode, or for another house
// number, is no match.
func (d pdokDoc) location(pc6, house string) (Location, bool) {
	if strings.ReplaceAll(strings.ToUpper(d.Postcode), " ", "") != pc6 {
		return Location{}, false
	}
	if house != "" && strconv.Itoa(d.HouseNumber) != leadingDigits(house) {
		return Location{}, false
	}
	pt, _ := parsePoint(d.Centroid)
	if !InNetherlands(pt) {
		return Location{}, false
	}
	loc := Location{Point: pt, Town: d.Town, MunicipalityCode: d.Municipality, Source: SourcePostcode}
	if house != "" {
		loc.Source = SourceAddress
	}
	if code, ok := normMunicipality(loc.MunicipalityCode); ok && code != "" {
		loc.MunicipalityCode = code
	} else {
		loc.MunicipalityCode = Nearest(pt).MunicipalityCode
	}
	if loc.Town == "" {
		loc.Town = Nearest(pt).Name
	}
	return loc, true
}

func leadingDigits(s string) string {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	return strings.TrimLeft(s[:i], "0")
}

// parsePoint reads WKT "POINT(lng lat)".
func parsePoint(s string) (Point, bool) {
	s = strings.TrimSpace(s)
	if !strings.HasPrefix(s, "POINT(") || !strings.HasSuffix(s, ")") {
		return Point{}, false
	}
	f := strings.Fields(s[len("POINT(") : len(s)-1])
	if len(f) != 2 {
		return Point{}, false
	}
	lng, err1 := strconv.ParseFloat(f[0], 64)
	lat, err2 := strconv.ParseFloat(f[1], 64)
	if err1 != nil || err2 != nil {
		return Point{}, false
	}
	return Point{Lat: lat, Lng: lng}, true
}
