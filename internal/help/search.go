package help

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"math"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/noaber/noaber/internal/account"
	"github.com/noaber/noaber/internal/apperr"
	"github.com/noaber/noaber/internal/geo"
	"github.com/noaber/noaber/internal/i18n"
)

// Search limits.
const (
	MinSearchRadiusKm     = 1
	MaxSearchRadiusKm     = 25
	DefaultSearchRadiusKm = 5
	DefaultSearchLimit    = 20
	MaxSearchLimit        = 50
	MaxSearchWords        = 200 // characters
)

// Preview counts helpers for categoryID within reach of where the request
// would be (the seeker's home, or postcode/house for PlaceElsewhere):
// helpers offering the category, within DefaultRadiusKm of the place and
// whose own radius reaches it, not paused, not the seeker, and not blocked
// either way.
func (s *Service) Preview(ctx context.Context, seeker *account.User, categoryID, placeKind, postcode, house string) (*Preview, error) {
	var c apperr.Collector
	cat, err := s.category(ctx, i18n.Default, categoryID)
	if err != nil {
		return nil, err
	}
	if cat == nil {
		c.Add("category", "help.category_unknown")
	}
	var p geo.Point
	switch placeKind {
	case PlaceHome:
		pos := positionOf(seeker)
		if !pos.Has {
			c.Add("place_kind", "help.no_position")
		}
		p = pos.Point
	case PlaceElsewhere:
		loc, _, err := s.resolvePlace(ctx, &c, postcode, house)
		if err != nil {
			return nil, err
		}
		p = loc.Point
	default:
		c.Add("place_kind", "help.place_kind_unknown")
	}
	if err := c.Err(); err != nil {
		return nil, err
	}
	// One row per helper and category, so each helper counts once. Past
	// PreviewMax the exact number does not matter (and is not fetched).
	n, err := s.countHelpers(ctx, *cat, p, DefaultRadiusKm, seeker.ID, PreviewMax)
	if err != nil {
		return nil, err
	}
	pv := &Preview{Count: n, RadiusKm: DefaultRadiusKm, Many: n >= PreviewMax}
	if n < PreviewFew {
		pv.Few, pv.Count = true, 0
	}
	return pv, nil
}

// cursor is where a page of search results ends: the sort key of its last
// row. It is opaque to clients (base64 of this JSON).
type cursor struct {
	Kind string `json:"k"`
	Sort string `json:"o"`
	Key  int64  `json:"v"` // nearest: squared distance in m²; newest: created_at in µs
	Seq  int64  `json:"s"`
}

func (c cursor) encode() string {
	b, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeCursor(s string) (cursor, bool) {
	var c cursor
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || json.Unmarshal(b, &c) != nil {
		return c, false
	}
	return c, true
}

// Search finds requests or offers near the viewer's own stored position
// (never a point the client sends): open requests or active offers that
// have not expired, never of someone blocked either way. The viewer's own
// requests and offers are included and marked Mine, so they can see how
// their request shows among others.
//
// Nearest first sorts by the distance between the viewer's cell and the
// item's cell (what the viewer is shown), then by seq; newest first by
// created_at, then seq. Both orders are stable, so a cursor pages through
// without duplicates or gaps.
func (s *Service) Search(ctx context.Context, viewer *account.User, q SearchQuery, lang i18n.Lang) (*SearchResult, error) {
	var c apperr.Collector
	if q.Kind == "" {
		q.Kind = KindRequests
	}
	t := requestTable
	switch q.Kind {
	case KindRequests:
	case KindOffers:
		t = offerTable
	default:
		c.Add("kind", "help.kind_unknown")
	}
	if q.Sort == "" {
		q.Sort = SortNearest
	}
	if q.Sort != SortNearest && q.Sort != SortNewest {
		c.Add("sort", "help.sort_unknown")
	}
	if q.RadiusKm == 0 {
		q.RadiusKm = DefaultSearchRadiusKm
	}
	if q.RadiusKm < MinSearchRadiusKm || q.RadiusKm > MaxSearchRadiusKm {
		c.Add("radius_km", "help.radius_invalid", "min", MinSearchRadiusKm, "max", MaxSearchRadiusKm)
	}
	if q.Limit == 0 {
		q.Limit = DefaultSearchLimit
	}
	if q.Limit < 1 || q.Limit > MaxSearchLimit {
		c.Add("limit", "help.limit_invalid", "min", 1, "max", MaxSearchLimit)
	}
	cats, err := s.categoryMap(ctx, lang)
	if err != nil {
		return nil, err
	}
	if _, ok := cats[q.CategoryID]; q.CategoryID != "" && !ok {
		c.Add("category", "help.category_unknown")
	}
	if !utf8.ValidString(q.Words) || utf8.RuneCountInString(q.Words) > MaxSearchWords {
		c.Add("words", "help.words_too_long", "max", MaxSearchWords)
	}
	var from, to time.Time
	if q.From != "" {
		d, ok := parseDate(q.From)
		if !ok {
			c.Add("from", "help.date_invalid")
		}
		from = d
	}
	if q.To != "" {
		d, ok := parseDate(q.To)
		if !ok {
			c.Add("to", "help.date_invalid")
		}
		to = d.AddDate(0, 0, 1)
	}
	if !from.IsZero() && !to.IsZero() && !to.After(from) {
		c.Add("to", "help.dates_inverted")
	}
	var after *cursor
	if q.Cursor != "" {
		cur, ok := decodeCursor(q.Cursor)
		if !ok || cur.Kind != q.Kind || cur.Sort != q.Sort {
			c.Add("cursor", "help.cursor_invalid")
		}
		after = &cur
	}
	if err := c.Err(); err != nil {
		return nil, err
	}
	pos := positionOf(viewer)
	if !pos.Has {
		return nil, errNoPosition()
	}

	// Nearest first needs only the first rows: look ring by ring, starting
	// past the cursor, and stop at the first ring that fills the page.
	radii := []float64{float64(q.RadiusKm)}
	if q.Sort == SortNearest {
		radii = radii[:0]
		for _, r := range ringsUpTo(float64(q.RadiusKm)) {
			if after == nil || int64(r*1000)*int64(r*1000) > after.Key || r == float64(q.RadiusKm) {
				radii = append(radii, r)
			}
		}
	}
	last := len(radii) - 1
	for _, r := range radii[:last] {
		if res, full, err := s.searchWithin(ctx, viewer, pos, t, q, r, from, to, after, cats, lang); err != nil || full {
			return res, err
		}
	}
	res, _, err := s.searchWithin(ctx, viewer, pos, t, q, radii[last], from, to, after, cats, lang)
	return res, err
}

// searchWithin is one query of Search: the items within r km of the
// viewer's cell, after the cursor, in q's order. full reports whether a
// whole page (and more) was found.
func (s *Service) searchWithin(ctx context.Context, viewer *account.User, pos position, t searchTable, q SearchQuery,
	r float64, from, to time.Time, after *cursor, cats map[string]category, lang i18n.Lang) (*SearchResult, bool, error) {
	// Everything is measured from the viewer's cell, not their exact
	// position: the results and their order then say nothing finer than
	// the distances shown. An item whose cell is within R has its exact
	// position within R + half a cell's diagonal, so the index searches
	// R + 1 km and the cell distance decides.
	a := t.alias
	fromSQL, spatial, args := s.spatialFilter(t, pos.Cell, r+1)
	kx := metresPerDegree * math.Cos(pos.Cell.Lat*math.Pi/180)
	dkey := "CAST(ROUND(((" + a + ".cell_lat - ?) * ?) * ((" + a + ".cell_lat - ?) * ?) + ((" + a + ".cell_lng - ?) * ?) * ((" + a + ".cell_lng - ?) * ?)) AS BIGINT)"
	dargs := []any{pos.Cell.Lat, metresPerDegree, pos.Cell.Lat, metresPerDegree, pos.Cell.Lng, kx, pos.Cell.Lng, kx}
	// Inactive owners by a small subquery (a partial index holds them), so
	// that ranking needs no join: names are joined for the page's rows only.
	conds := []string{spatial, t.live, a + "." + t.owner + " NOT IN (SELECT id FROM users WHERE status <> 'active')",
		a + "." + t.owner + " NOT IN " + account.BlockedIDs}
	args = append(args, s.now(), viewer.ID, viewer.ID)
	if q.CategoryID != "" {
		conds = append(conds, a+".category_id = ?")
		args = append(args, q.CategoryID)
	}
	if w, wargs := s.wordFilter(t, q.Words); w != "" {
		conds = append(conds, w)
		args = append(args, wargs...)
	}
	if q.Kind == KindRequests && (!from.IsZero() || !to.IsZero()) {
		cond, dargs := dateFilter(from, to)
		conds = append(conds, cond)
		args = append(args, dargs...)
	}

	inner := "SELECT " + a + ".seq AS seq, " + a + ".created_at AS created_at, " + dkey + " AS dkey FROM " + fromSQL +
		" WHERE " + join(conds...)
	outer := []string{"dkey <= ?"}
	rm := int64(r * 1000)
	oargs := []any{rm * rm}
	order := "dkey, seq"
	if q.Sort == SortNewest {
		order = "created_at DESC, seq DESC"
	}
	if after != nil {
		if q.Sort == SortNearest {
			outer = append(outer, "(dkey > ? OR (dkey = ? AND seq > ?))")
			oargs = append(oargs, after.Key, after.Key, after.Seq)
		} else {
			at := time.UnixMicro(after.Key).UTC()
			outer = append(outer, "(created_at < ? OR (created_at = ? AND seq < ?))")
			oargs = append(oargs, at, at, after.Seq)
		}
	}
	ranked := "SELECT seq, created_at, dkey FROM (" + inner + ") q WHERE " + join(outer...) + " ORDER BY " + order + " LIMIT ?"
	sqlText := "SELECT " + t.columns + ", p.dkey FROM (" + ranked + ") p JOIN " + t.table + " " + a + " ON " + a + ".seq = p.seq" +
		" JOIN users u ON u.id = " + a + "." + t.owner + " ORDER BY p." + strings.ReplaceAll(order, ", ", ", p.")
	all := append(append(append(dargs, args...), oargs...), q.Limit+1)
	rows, err := s.db.Query(ctx, sqlText, all...)
	if err != nil {
		return nil, false, err
	}
	defer rows.Close()
	res := &SearchResult{Requests: []RequestView{}, Offers: []OfferView{}}
	var last cursor
	n := 0
	for rows.Next() {
		var key int64
		n++
		if n > q.Limit {
			res.Next = last.encode()
			break
		}
		var seq int64
		var created time.Time
		if q.Kind == KindRequests {
			r, err := scanRequest(rows, &key)
			if err != nil {
				return nil, false, err
			}
			seq, created = r.seq, r.created
			res.Requests = append(res.Requests, r.finish(viewer.ID, pos, cats, lang))
		} else {
			o, err := scanOffer(rows, &key)
			if err != nil {
				return nil, false, err
			}
			seq, created = o.seq, o.created
			res.Offers = append(res.Offers, o.finish(viewer.ID, pos, cats))
		}
		last = cursor{Kind: q.Kind, Sort: q.Sort, Key: key, Seq: seq}
		if q.Sort == SortNewest {
			last.Key = created.UnixMicro()
		}
	}
	return res, n > q.Limit, rows.Err()
}

// dateFilter is the condition for requests whose time falls between from
// and to (either may be zero: open-ended): a window that overlaps, a
// weekly request on a weekday in the range, and every flexible request
// (whenever suits includes those dates).
func dateFilter(from, to time.Time) (string, []any) {
	lo, hi := from, to
	if lo.IsZero() {
		lo = time.Unix(0, 0)
	}
	if hi.IsZero() {
		hi = time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	weekly := "r.when_kind = 'weekly'"
	if !from.IsZero() && !to.IsZero() && to.Sub(from) < 7*24*time.Hour {
		var days []string
		for d := from; d.Before(to); d = d.AddDate(0, 0, 1) {
			days = append(days, string(rune('0'+isoWeekday(d))))
		}
		weekly += " AND r.weekday IN (" + strings.Join(days, ", ") + ")"
	}
	return "(r.when_kind = 'flexible' OR (r.when_kind = 'window' AND r.ends_at > ? AND r.starts_at < ?) OR (" + weekly + "))",
		[]any{lo.UTC(), hi.UTC()}
}
