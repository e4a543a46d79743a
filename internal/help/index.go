package help

import (
	"context"
	"math"
	"sort"
	"strings"

	"github.com/noaber/noaber/internal/account"
	"github.com/noaber/noaber/internal/geo"
	"github.com/noaber/noaber/internal/i18n"
	"github.com/noaber/noaber/internal/store"
)

// The only engine-specific SQL of the help domain: the spatial indexes
// (SQLite R*Tree, PostGIS GiST) and the word indexes (FTS5 over stems
// made in Go, PostgreSQL's tsvector with the 'dutch' configuration).

// rtreePad widens R*Tree boxes a little: the R*Tree stores 32-bit floats,
// rounded outwards, so a point right on the edge of a box must not fall
// out. The exact distance check comes after.
const rtreePad = 1e-4

// metresPerDegree is one degree of latitude, on geo's sphere.
const metresPerDegree = 6371008.8 * math.Pi / 180

// setWords writes the stems of a request or offer into its FTS5 table
// (SQLite only: PostgreSQL keeps the tsvector in a generated column).
// table is requests_fts or offers_fts.
func setWords(ctx context.Context, tx *store.Tx, table string, seq int64, replace bool, texts ...string) error {
	if tx.Engine() != store.SQLite {
		return nil
	}
	if replace {
		if _, err := tx.Exec(ctx, "DELETE FROM "+table+" WHERE rowid = ?", seq); err != nil {
			return err
		}
	}
	_, err := tx.Exec(ctx, "INSERT INTO "+table+" (rowid, stems) VALUES (?, ?)", seq, ftsDocument(texts...))
	return err
}

// helperCandidate is a row of the helper index near a point.
type helperCandidate struct {
	userID  string
	point   geo.Point
	radiusM int
	km      float64 // from the point searched around
}

// rings are the radii (km) that near-first queries grow through. In a
// dense city the first ring already holds enough rows; a query never
// fetches the thousands of helpers within a few km of Amsterdam's centre
// when it needs the nearest fifty.
var rings = []float64{0.5, 2, 5, 10, 25}

// ringsUpTo returns the rings smaller than km, then km itself.
func ringsUpTo(km float64) []float64 {
	var out []float64
	for _, r := range rings {
		if r < km {
			out = append(out, r)
		}
	}
	return append(out, km)
}

// bandY is where latitude lat of category cat lies on helper_rtree's y
// axis: each category has a band of its own (see migration 002).
func bandY(cat category, lat float64) float64 { return lat + 10*float64(cat.No) }

// NearbyHelper is a helper found near a point, for the dispatcher: who,
// and how far (exact, for ranking only: never shown to anyone).
type NearbyHelper struct {
	UserID string
	Km     float64
}

// NearestHelpers lists, nearest first, up to k active, unpaused helpers of
// categoryID within km of p whose own radius reaches p. It searches the
// spatial index ring by ring: once a ring holds k helpers, nobody outside
// it can be nearer, so a dense city costs no more than a village.
func (s *Service) NearestHelpers(ctx context.Context, categoryID string, p geo.Point, km float64, k int) ([]NearbyHelper, error) {
	cat, err := s.category(ctx, i18n.Default, categoryID)
	if err != nil || cat == nil {
		return nil, err
	}
	if s.db.Engine() == store.Postgres {
		return s.nearestHelpersKNN(ctx, *cat, p, km, k)
	}
	var found []helperCandidate
	for _, r := range ringsUpTo(km) {
		cands, err := s.helpersWithin(ctx, *cat, p, r)
		if err != nil {
			return nil, err
		}
		found = found[:0]
		for _, c := range cands {
			if c.km*1000 <= float64(c.radiusM) {
				found = append(found, c)
			}
		}
		if len(found) >= k {
			break
		}
	}
	sort.Slice(found, func(i, j int) bool { return found[i].km < found[j].km })
	out := make([]NearbyHelper, 0, min(k, len(found)))
	for _, c := range found[:min(k, len(found))] {
		out = append(out, NearbyHelper{UserID: c.userID, Km: c.km})
	}
	return out, nil
}

// nearestHelpersKNN is NearestHelpers on PostgreSQL: its GiST index walks
// the helpers in order of distance (KNN), so one query does what the rings
// do on SQLite.
func (s *Service) nearestHelpersKNN(ctx context.Context, cat category, p geo.Point, km float64, k int) ([]NearbyHelper, error) {
	rows, err := s.db.Query(ctx, `SELECT h.user_id, h.lat, h.lng, h.radius_m FROM helper_index h
		JOIN users u ON u.id = h.user_id AND u.status = 'active'
		LEFT JOIN helper_settings hs ON hs.user_id = h.user_id
		WHERE (hs.paused_until IS NULL OR hs.paused_until <= ?) AND h.category_id = ?
		AND ST_DWithin(h.geog, ST_SetSRID(ST_MakePoint(?, ?), 4326)::geography, ?)
		AND ST_DWithin(h.geog, ST_SetSRID(ST_MakePoint(?, ?), 4326)::geography, h.radius_m + 10)
		ORDER BY h.geog <-> ST_SetSRID(ST_MakePoint(?, ?), 4326)::geography LIMIT ?`,
		s.now(), cat.ID, p.Lng, p.Lat, km*1000*1.01+10, p.Lng, p.Lat, p.Lng, p.Lat, k+5)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []NearbyHelper{}
	for rows.Next() {
		var c helperCandidate
		if err := rows.Scan(&c.userID, &c.point.Lat, &c.point.Lng, &c.radiusM); err != nil {
			return nil, err
		}
		// The same exact check as on SQLite decides (PostGIS measures on
		// the spheroid, geo on a sphere).
		if d := geo.Distance(p, c.point); d <= km && d*1000 <= float64(c.radiusM) && len(out) < k {
			out = append(out, NearbyHelper{UserID: c.userID, Km: d})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Km < out[j].Km })
	return out, rows.Err()
}

// countHelpers counts, up to max, the active, unpaused helpers of category
// cat within km of p whose own radius reaches p, other than seekerID and
// not blocked with them either way. Every condition is in SQL, so the
// count stops at max rows however dense the city.
func (s *Service) countHelpers(ctx context.Context, cat category, p geo.Point, km float64, seekerID string, max int) (int, error) {
	kx := metresPerDegree * math.Cos(p.Lat*math.Pi/180)
	// Squared metres on a local flat projection: well within a metre of
	// the great-circle distance at these ranges.
	dist2 := "((h.lat - ?) * ?) * ((h.lat - ?) * ?) + ((h.lng - ?) * ?) * ((h.lng - ?) * ?)"
	dargs := []any{p.Lat, metresPerDegree, p.Lat, metresPerDegree, p.Lng, kx, p.Lng, kx}
	where := ` JOIN users u ON u.id = h.user_id AND u.status = 'active'
		LEFT JOIN helper_settings hs ON hs.user_id = h.user_id
		WHERE (hs.paused_until IS NULL OR hs.paused_until <= ?) AND h.user_id <> ?
		AND h.user_id NOT IN ` + account.BlockedIDs + `
		AND ` + dist2 + ` <= ? AND ` + dist2 + ` <= CAST(h.radius_m AS DOUBLE PRECISION) * h.radius_m`
	m := km * 1000
	args := append(append(append([]any{s.now(), seekerID, seekerID, seekerID}, dargs...), m*m), dargs...)
	var q string
	if s.db.Engine() == store.SQLite {
		min, max := geo.BBox(p, km)
		q = `SELECT h.seq FROM helper_rtree t CROSS JOIN helper_index h` + where + `
			AND h.seq = t.seq AND t.min_y >= ? AND t.max_y <= ? AND t.min_lng >= ? AND t.max_lng <= ?`
		args = append(args, bandY(cat, min.Lat)-rtreePad, bandY(cat, max.Lat)+rtreePad, min.Lng-rtreePad, max.Lng+rtreePad)
	} else {
		q = `SELECT h.seq FROM helper_index h` + where + `
			AND h.category_id = ? AND ST_DWithin(h.geog, ST_SetSRID(ST_MakePoint(?, ?), 4326)::geography, ?)`
		args = append(args, cat.ID, p.Lng, p.Lat, m*1.01+10)
	}
	var n int
	err := s.db.QueryRow(ctx, "SELECT COUNT(*) FROM ("+q+" LIMIT ?) x", append(args, max)...).Scan(&n)
	return n, err
}

// helpersWithin lists the active, unpaused helpers of category cat whose
// position is within km of p, by the spatial index, then by exact
// distance.
func (s *Service) helpersWithin(ctx context.Context, cat category, p geo.Point, km float64) ([]helperCandidate, error) {
	now := s.now()
	var q string
	var args []any
	const common = ` JOIN users u ON u.id = h.user_id AND u.status = 'active'
		LEFT JOIN helper_settings hs ON hs.user_id = h.user_id
		WHERE (hs.paused_until IS NULL OR hs.paused_until <= ?)`
	if s.db.Engine() == store.SQLite {
		min, max := geo.BBox(p, km)
		q = `SELECT h.user_id, h.lat, h.lng, h.radius_m FROM helper_rtree t CROSS JOIN helper_index h` + common + `
			AND h.seq = t.seq AND t.min_y >= ? AND t.max_y <= ? AND t.min_lng >= ? AND t.max_lng <= ?`
		args = []any{now, bandY(cat, min.Lat) - rtreePad, bandY(cat, max.Lat) + rtreePad, min.Lng - rtreePad, max.Lng + rtreePad}
	} else {
		// A hair wider than km: PostGIS measures on the spheroid, geo on a
		// sphere; the exact check below decides, the same on both engines.
		q = `SELECT h.user_id, h.lat, h.lng, h.radius_m FROM helper_index h` + common + `
			AND h.category_id = ? AND ST_DWithin(h.geog, ST_SetSRID(ST_MakePoint(?, ?), 4326)::geography, ?)`
		args = []any{now, cat.ID, p.Lng, p.Lat, km*1000*1.01 + 10}
	}
	rows, err := s.db.Query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []helperCandidate
	for rows.Next() {
		var c helperCandidate
		if err := rows.Scan(&c.userID, &c.point.Lat, &c.point.Lng, &c.radiusM); err != nil {
			return nil, err
		}
		if c.km = geo.Distance(p, c.point); c.km <= km {
			out = append(out, c)
		}
	}
	return out, rows.Err()
}

// searchTable names the parts of a search that differ between requests
// and offers.
type searchTable struct {
	table, alias, rtree, fts, owner, columns, live string
}

var (
	requestTable = searchTable{"requests", "r", "requests_rtree", "requests_fts", "seeker_id", requestColumns,
		"r.status = 'open' AND r.expires_at > ?"}
	offerTable = searchTable{"offers", "o", "offers_rtree", "offers_fts", "user_id", offerColumns,
		"o.status = 'active' AND o.expires_at > ?"}
)

// spatialFilter returns the FROM clause and the first WHERE conditions
// that find the rows of t whose exact position is within km of p by the
// spatial index.
func (s *Service) spatialFilter(t searchTable, p geo.Point, km float64) (from, where string, args []any) {
	a := t.alias
	if s.db.Engine() == store.SQLite {
		min, max := geo.BBox(p, km)
		// CROSS JOIN makes SQLite start from the R*Tree.
		return t.rtree + " x CROSS JOIN " + t.table + " " + a,
			a + ".seq = x.seq AND x.min_lat >= ? AND x.max_lat <= ? AND x.min_lng >= ? AND x.max_lng <= ?",
			[]any{min.Lat - rtreePad, max.Lat + rtreePad, min.Lng - rtreePad, max.Lng + rtreePad}
	}
	// The expression of the requests_geo and offers_geo indexes, as it is
	// there, so the planner uses them.
	return t.table + " " + a,
		"ST_DWithin(ST_SetSRID(ST_MakePoint(" + a + ".lng, " + a + ".lat), 4326)::geography, ST_SetSRID(ST_MakePoint(?, ?), 4326)::geography, ?)",
		[]any{p.Lng, p.Lat, km*1000*1.01 + 10}
}

// wordFilter is the condition for a word search, or "" for none.
func (s *Service) wordFilter(t searchTable, words string) (string, []any) {
	if s.db.Engine() == store.SQLite {
		q := ftsQuery(words)
		if q == "" {
			return "", nil
		}
		return t.alias + ".seq IN (SELECT rowid FROM " + t.fts + " WHERE " + t.fts + " MATCH ?)", []any{q}
	}
	q := tsQuery(words)
	if q == "" {
		return "", nil
	}
	return t.alias + ".tsv @@ to_tsquery('dutch', ?)", []any{q}
}

// join puts conditions together with AND.
func join(conds ...string) string {
	var out []string
	for _, c := range conds {
		if c != "" {
			out = append(out, c)
		}
	}
	return strings.Join(out, " AND ")
}
