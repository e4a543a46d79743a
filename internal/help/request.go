package help

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/noaber/noaber/internal/account"
	"github.com/noaber/noaber/internal/apperr"
	"github.com/noaber/noaber/internal/flag"
	"github.com/noaber/noaber/internal/geo"
	"github.com/noaber/noaber/internal/i18n"
	"github.com/noaber/noaber/internal/report"
	"github.com/noaber/noaber/internal/store"
)

// MaxDaysAhead is how far ahead a request's time window may lie.
const MaxDaysAhead = 60

var (
	clockRE = regexp.MustCompile(`^([01][0-9]|2[0-3]):([0-5][0-9])$`)
	houseRE = regexp.MustCompile(`^[1-9][0-9]{0,4}([ -]?[A-Za-z0-9]{1,4})?$`)
)

// validText reports whether s is valid UTF-8 of at most max characters,
// without control characters other than line breaks and tabs.
func validText(s string, max int) bool {
	if !utf8.ValidString(s) || utf8.RuneCountInString(s) > max {
		return false
	}
	for _, r := range s {
		if unicode.IsControl(r) && r != '\n' && r != '\r' && r != '\t' {
			return false
		}
	}
	return true
}

// parseClock parses "14:00" into minutes after midnight.
func parseClock(s string) (int, bool) {
	m := clockRE.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return 0, false
	}
	return int(m[1][0]-'0')*600 + int(m[1][1]-'0')*60 + int(m[2][0]-'0')*10 + int(m[2][1]-'0'), true
}

func formatClock(min int) string {
	return string([]byte{byte('0' + min/600), byte('0' + min/60%10), ':', byte('0' + min%60/10), byte('0' + min%10)})
}

// parseDate parses "2026-11-25" as midnight of that day in Amsterdam.
func parseDate(s string) (time.Time, bool) {
	t, err := time.ParseInLocation("2006-01-02", strings.TrimSpace(s), Amsterdam)
	return t, err == nil
}

// atClock is the moment min minutes after midnight on day (both local),
// right across the changes to and from summer time.
func atClock(day time.Time, min int) time.Time {
	return time.Date(day.Year(), day.Month(), day.Day(), min/60, min%60, 0, 0, Amsterdam)
}

// checkedRequest is a RequestInput that passed every check, ready to store.
type checkedRequest struct {
	cat                category
	answers            map[string]string
	title, body        string
	when               When
	placeKind          string
	postcode, house    string
	point, cell        geo.Point
	town, municipality string
	edition            string
	showOnly           bool
	trustedOnly        bool
	flags              flag.Result // the flag rules' verdict on title and body
}

// checkRequest validates in for seeker. Every problem with the fields
// comes back at once as one apperr.Invalid.
func (s *Service) checkRequest(ctx context.Context, seeker *account.User, in RequestInput, lang i18n.Lang) (*checkedRequest, error) {
	var c apperr.Collector
	out := &checkedRequest{answers: map[string]string{}, showOnly: in.ShowOnly, trustedOnly: in.TrustedOnly}
	cat, err := s.category(ctx, lang, in.CategoryID)
	if err != nil {
		return nil, err
	}
	if cat == nil {
		c.Add("category", "help.category_unknown")
	} else {
		out.cat = *cat
		var parts []string
		for _, q := range specsFor(cat.ID) {
			a := strings.TrimSpace(in.Answers[q.id])
			field := "answers." + q.id
			switch {
			case a == "" && q.required:
				c.Add(field, "help.answer_required")
			case utf8.RuneCountInString(a) > q.max:
				c.Add(field, "help.answer_too_long", "max", q.max)
			case !validText(a, q.max):
				c.Add(field, "help.answer_invalid")
			case a != "":
				out.answers[q.id] = a
				parts = append(parts, a)
			}
		}
		// Answers to questions the template does not have are left out:
		// a form sent after switching category may still carry them.
		out.title = titleFrom(out.answers["what"])
		out.body = strings.Join(parts, "\n")
	}

	now := s.now()
	out.when = s.checkWhen(&c, in, now)

	pos := positionOf(seeker)
	out.edition = pos.EditionID
	switch in.PlaceKind {
	case PlaceHome:
		if !pos.Has {
			c.Add("place_kind", "help.no_position")
			break
		}
		out.placeKind, out.point, out.town, out.municipality = PlaceHome, pos.Point, pos.Town, pos.MunicipalityCode
	case PlaceElsewhere:
		loc, ok, err := s.resolvePlace(ctx, &c, in.Postcode, in.House)
		if err != nil {
			return nil, err
		}
		if ok {
			out.placeKind, out.point, out.town, out.municipality = PlaceElsewhere, loc.Point, loc.Town, loc.MunicipalityCode
			out.postcode, _ = account.NormalizePostcode(in.Postcode)
			out.house = strings.Join(strings.Fields(in.House), " ")
		}
	default:
		c.Add("place_kind", "help.place_kind_unknown")
	}
	if err := c.Err(); err != nil {
		return nil, err
	}
	out.cell = geo.Snap(out.point)
	if out.flags, err = s.verdict(ctx, seeker, flag.KindRequest, out.title+"\n"+out.body); err != nil {
		return nil, err
	}
	return out, nil
}

// resolvePlace finds where a postcode (and house number) is, as field
// errors when it cannot be found.
func (s *Service) resolvePlace(ctx context.Context, c *apperr.Collector, postcode, house string) (geo.Location, bool, error) {
	pc, ok := account.NormalizePostcode(postcode)
	switch {
	case strings.TrimSpace(postcode) == "" || !ok:
		c.Add("postcode", "help.postcode_invalid")
	}
	hn := strings.Join(strings.Fields(house), " ")
	if hn != "" && !houseRE.MatchString(hn) {
		c.Add("house_number", "help.house_number_invalid")
		return geo.Location{}, false, nil
	}
	if !ok {
		return geo.Location{}, false, nil
	}
	if s.geo == nil {
		c.Add("postcode", "help.postcode_unknown")
		return geo.Location{}, false, nil
	}
	// No town: a postcode nobody knows must not fall back to the seeker's
	// town, which would put the request in the wrong place.
	loc, err := s.geo.Resolve(ctx, pc, hn, "")
	switch {
	case errors.Is(err, geo.ErrUnknownPostcode), errors.Is(err, geo.ErrUnknownTown):
		c.Add("postcode", "help.postcode_unknown")
		return loc, false, nil
	case err != nil:
		return loc, false, err
	}
	return loc, true, nil
}

// checkWhen validates the time part of a request.
func (s *Service) checkWhen(c *apperr.Collector, in RequestInput, now time.Time) When {
	w := When{Kind: in.WhenKind}
	switch in.WhenKind {
	case WhenFlexible:
	case WhenWindow:
		day, okDay := parseDate(in.Date)
		from, okFrom := parseClock(in.From)
		to, okTo := parseClock(in.To)
		if !okDay {
			c.Add("date", "help.date_invalid")
		}
		if !okFrom {
			c.Add("from", "help.time_invalid")
		}
		if !okTo {
			c.Add("to", "help.time_invalid")
		}
		if !okDay || !okFrom || !okTo {
			break
		}
		w.Start, w.End = atClock(day, from).UTC(), atClock(day, to).UTC()
		switch {
		case to <= from:
			c.Add("to", "help.time_inverted")
		case !w.End.After(now):
			c.Add("date", "help.time_past")
		case w.Start.After(now.Add(MaxDaysAhead * 24 * time.Hour)):
			c.Add("date", "help.time_too_far", "days", MaxDaysAhead)
		}
	case WhenWeekly:
		from, okFrom := parseClock(in.From)
		to, okTo := parseClock(in.To)
		if in.Weekday < 1 || in.Weekday > 7 {
			c.Add("weekday", "help.weekday_invalid")
		}
		if !okFrom {
			c.Add("from", "help.time_invalid")
		}
		if !okTo {
			c.Add("to", "help.time_invalid")
		}
		if okFrom && okTo && to <= from {
			c.Add("to", "help.time_inverted")
		}
		if in.Weekday < 1 || in.Weekday > 7 || !okFrom || !okTo || to <= from {
			break
		}
		// Stored as the next time it happens, so a search by date and the
		// dispatcher see a real moment.
		local := now.In(Amsterdam)
		day := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, Amsterdam)
		for i := 0; i < 8; i++ {
			d := day.AddDate(0, 0, i)
			if isoWeekday(d) == in.Weekday && atClock(d, to).After(now) {
				day = d
				break
			}
		}
		w.Weekday, w.From, w.To = in.Weekday, formatClock(from), formatClock(to)
		w.Start, w.End = atClock(day, from).UTC(), atClock(day, to).UTC()
	default:
		c.Add("when_kind", "help.when_kind_unknown")
	}
	return w
}

// isoWeekday is 1 for Monday .. 7 for Sunday.
func isoWeekday(t time.Time) int {
	if t.Weekday() == time.Sunday {
		return 7
	}
	return int(t.Weekday())
}

// titleFrom makes a request's title from the answer to its first question:
// one line, at most MaxTitle characters, cut at a word where it must be.
func titleFrom(answer string) string {
	t := strings.Join(strings.Fields(answer), " ")
	if utf8.RuneCountInString(t) <= MaxTitle {
		return t
	}
	r := []rune(t)[:MaxTitle-1]
	cut := string(r)
	if i := strings.LastIndexByte(cut, ' '); i > MaxTitle/2 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " ,.;:-") + "…"
}

// expiry is when a request closes by itself: at the end of its time
// window (at most MaxDaysAhead ahead), else RequestTTL after it was asked.
// Editing a flexible or weekly request does not extend it.
func expiry(w When, created time.Time) time.Time {
	if w.Kind == WhenWindow {
		return w.End
	}
	return created.Add(RequestTTL)
}

func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t
}

// CreateRequest posts a request after checking all of in.
func (s *Service) CreateRequest(ctx context.Context, seeker *account.User, in RequestInput, lang i18n.Lang) (*RequestView, error) {
	r, err := s.checkRequest(ctx, seeker, in, lang)
	if err != nil {
		return nil, err
	}
	id := uuid.Must(uuid.NewV7()).String()
	now := s.now()
	answers, _ := json.Marshal(r.answers)
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		var seq int64
		if err := tx.QueryRow(ctx, `INSERT INTO requests (id, edition_id, seeker_id, category_id, title, body, answers,
			when_kind, starts_at, ends_at, weekday, place_kind, postcode, house_number, lat, lng, cell_lat, cell_lng,
			town, municipality_code, show_only, trusted_only, status, expires_at, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING seq`,
			id, r.edition, seeker.ID, r.cat.ID, r.title, r.body, string(answers),
			r.when.Kind, nullTime(r.when.Start), nullTime(r.when.End), store.Null(r.when.Weekday), r.placeKind, r.postcode, r.house,
			r.point.Lat, r.point.Lng, r.cell.Lat, r.cell.Lng, r.town, r.municipality, r.showOnly, r.trustedOnly, StatusOpen,
			expiry(r.when, now), now, now).Scan(&seq); err != nil {
			return err
		}
		if err := setWords(ctx, tx, "requests_fts", seq, false, r.title, r.body); err != nil {
			return err
		}
		if err := s.recordFlags(ctx, tx, seeker, report.TargetRequest, id, r.flags); err != nil {
			return err
		}
		if s.hooks.Posted == nil {
			return nil
		}
		t, err := DispatchTarget(ctx, tx, id)
		if err != nil {
			return err
		}
		return s.hooks.Posted(ctx, tx, t)
	})
	if err != nil {
		return nil, err
	}
	v, err := s.Request(ctx, seeker, id, lang)
	if err != nil {
		return nil, err
	}
	v.Hint = r.flags.Hint
	return v, nil
}

// UpdateRequest changes an open request of the seeker.
func (s *Service) UpdateRequest(ctx context.Context, seeker *account.User, id string, in RequestInput, lang i18n.Lang) (*RequestView, error) {
	if _, err := s.ownRequest(ctx, s.db, seeker, id, StatusOpen); err != nil {
		return nil, err
	}
	r, err := s.checkRequest(ctx, seeker, in, lang)
	if err != nil {
		return nil, err
	}
	answers, _ := json.Marshal(r.answers)
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		// Checked again inside the transaction: it may have closed since.
		st, err := s.ownRequest(ctx, tx, seeker, id, StatusOpen)
		if err != nil {
			return err
		}
		now := s.now()
		if _, err := tx.Exec(ctx, `UPDATE requests SET category_id = ?, title = ?, body = ?, answers = ?, when_kind = ?,
			starts_at = ?, ends_at = ?, weekday = ?, place_kind = ?, postcode = ?, house_number = ?, lat = ?, lng = ?,
			cell_lat = ?, cell_lng = ?, town = ?, municipality_code = ?, show_only = ?, trusted_only = ?, expires_at = ?,
			updated_at = ? WHERE seq = ?`,
			r.cat.ID, r.title, r.body, string(answers), r.when.Kind, nullTime(r.when.Start), nullTime(r.when.End),
			store.Null(r.when.Weekday), r.placeKind, r.postcode, r.house, r.point.Lat, r.point.Lng, r.cell.Lat, r.cell.Lng,
			r.town, r.municipality, r.showOnly, r.trustedOnly, expiry(r.when, st.created), now, st.seq); err != nil {
			return err
		}
		if err := setWords(ctx, tx, "requests_fts", st.seq, true, r.title, r.body); err != nil {
			return err
		}
		return s.recordFlags(ctx, tx, seeker, report.TargetRequest, id, r.flags)
	})
	if err != nil {
		return nil, err
	}
	v, err := s.Request(ctx, seeker, id, lang)
	if err != nil {
		return nil, err
	}
	v.Hint = r.flags.Hint
	return v, nil
}

type requestState struct {
	seq     int64
	status  string
	created time.Time
}

// ownRequest finds a request of seeker, and checks its status is one of
// allowed: not found for anyone else's, a conflict when it is closed.
func (s *Service) ownRequest(ctx context.Context, q store.Querier, seeker *account.User, id string, allowed ...string) (*requestState, error) {
	var st requestState
	var owner string
	err := q.QueryRow(ctx, "SELECT seq, seeker_id, status, created_at FROM requests WHERE id = ?", id).
		Scan(&st.seq, &owner, &st.status, &st.created)
	if errors.Is(err, store.ErrNotFound) || (err == nil && owner != seeker.ID) {
		return nil, apperr.NotFound()
	}
	if err != nil {
		return nil, err
	}
	for _, a := range allowed {
		if st.status == a {
			return &st, nil
		}
	}
	return nil, errClosed("help.request_closed")
}

// CancelRequest cancels an open or matched request of the seeker.
func (s *Service) CancelRequest(ctx context.Context, seeker *account.User, id string) error {
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		st, err := s.ownRequest(ctx, tx, seeker, id, StatusOpen, StatusMatched)
		if err != nil {
			return err
		}
		_, err = s.closeRequests(ctx, tx, StatusCancelled, s.now(), "seq = ?", st.seq)
		return err
	})
}

// requestColumns are read by scanRequest, with the seeker's name.
const requestColumns = `r.seq, r.id, r.category_id, r.title, r.answers, r.when_kind, r.starts_at, r.ends_at, r.weekday,
	r.place_kind, r.postcode, r.house_number, r.cell_lat, r.cell_lng, r.town, r.show_only, r.trusted_only, r.status, r.expires_at,
	r.created_at, r.seeker_id, u.first_name, u.surname, u.show_full_surname`

type requestRow struct {
	seq              int64
	view             RequestView
	categoryID       string
	answers          string
	placeKind        string
	postcode, house  string
	cell             geo.Point
	created, expires time.Time
}

func scanRequest(rows interface{ Scan(...any) error }, extra ...any) (*requestRow, error) {
	var r requestRow
	var start, end sql.NullTime
	var weekday sql.NullInt64
	var first, sur string
	var full bool
	dest := append([]any{&r.seq, &r.view.ID, &r.categoryID, &r.view.Title, &r.answers, &r.view.When.Kind, &start, &end,
		&weekday, &r.placeKind, &r.postcode, &r.house, &r.cell.Lat, &r.cell.Lng, &r.view.Town, &r.view.ShowOnly,
		&r.view.TrustedOnly, &r.view.Status, &r.expires, &r.created, &r.view.Seeker.ID, &first, &sur, &full}, extra...)
	if err := rows.Scan(dest...); err != nil {
		return nil, err
	}
	r.view.Seeker.DisplayName = account.DisplayName(first, sur, full)
	r.view.ExpiresAt, r.view.CreatedAt = r.expires.UTC(), r.created.UTC()
	w := &r.view.When
	if w.Kind == WhenWindow && start.Valid && end.Valid {
		w.Start, w.End = start.Time.UTC(), end.Time.UTC()
	}
	if w.Kind == WhenWeekly && start.Valid && end.Valid {
		w.Weekday = int(weekday.Int64)
		w.From, w.To = start.Time.In(Amsterdam).Format("15:04"), end.Time.In(Amsterdam).Format("15:04")
	}
	return &r, nil
}

// finish fills the parts of a view that depend on the viewer and lang.
func (r *requestRow) finish(viewerID string, viewer position, cats map[string]category, lang i18n.Lang) RequestView {
	v := r.view
	v.Category = cats[r.categoryID].Category
	if v.Category.ID == "" {
		v.Category.ID = r.categoryID
	}
	var answers map[string]string
	_ = json.Unmarshal([]byte(r.answers), &answers)
	for _, q := range specsFor(r.categoryID) {
		if a, ok := answers[q.id]; ok {
			v.Answers = append(v.Answers, Answer{QuestionID: q.id, Label: questionLabel(lang, r.categoryID, q.id), Text: a})
		}
	}
	v.Mine = v.Seeker.ID == viewerID
	if v.Mine {
		v.Place = PlaceHome
		if r.placeKind == PlaceElsewhere {
			v.Place = strings.TrimSpace(account.FormatPostcode(r.postcode) + " " + r.house)
		}
	}
	if viewer.Has {
		v.HasDistance = true
		v.DistanceKm = geo.PublicKm(viewer.Cell, r.cell)
	}
	return v
}

// Request returns one request as viewer may see it. Others see only open
// and matched requests that have not expired, never across a block, and
// never the place itself: a town and a distance between snapped cells.
func (s *Service) Request(ctx context.Context, viewer *account.User, id string, lang i18n.Lang) (*RequestView, error) {
	var seekerStatus string
	r, err := scanRequest(s.db.QueryRow(ctx, "SELECT "+requestColumns+`, u.status FROM requests r
		JOIN users u ON u.id = r.seeker_id WHERE r.id = ?`, id), &seekerStatus)
	if errors.Is(err, store.ErrNotFound) {
		return nil, apperr.NotFound()
	}
	if err != nil {
		return nil, err
	}
	if r.view.Seeker.ID != viewer.ID {
		visible := (r.view.Status == StatusOpen && r.expires.After(s.now())) || r.view.Status == StatusMatched
		// A suspended or removed seeker's requests are gone for others.
		if !visible || seekerStatus != account.StatusActive {
			return nil, apperr.NotFound()
		}
		if blocked, err := account.BlockedEitherWay(ctx, s.db, viewer.ID, r.view.Seeker.ID); err != nil || blocked {
			return nil, notFoundOr(err)
		}
	}
	pos := positionOf(viewer)
	cats, err := s.categoryMap(ctx, lang)
	if err != nil {
		return nil, err
	}
	v := r.finish(viewer.ID, pos, cats, lang)
	return &v, nil
}

func notFoundOr(err error) error {
	if err != nil {
		return err
	}
	return apperr.NotFound()
}

// MaxMine bounds the lists of one's own requests and offers.
const MaxMine = 200

// MyRequests lists the viewer's own requests, newest first (at most
// MaxMine).
func (s *Service) MyRequests(ctx context.Context, viewer *account.User, lang i18n.Lang) ([]RequestView, error) {
	pos := positionOf(viewer)
	cats, err := s.categoryMap(ctx, lang)
	if err != nil {
		return nil, err
	}
	rows, err := s.db.Query(ctx, "SELECT "+requestColumns+` FROM requests r JOIN users u ON u.id = r.seeker_id
		WHERE r.seeker_id = ? ORDER BY r.created_at DESC, r.seq DESC LIMIT ?`, viewer.ID, MaxMine)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []RequestView{}
	for rows.Next() {
		r, err := scanRequest(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r.finish(viewer.ID, pos, cats, lang))
	}
	return out, rows.Err()
}
