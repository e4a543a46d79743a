package help_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/noaber/noaber/internal/account"
	"github.com/noaber/noaber/internal/apperr"
	"github.com/noaber/noaber/internal/geo"
	"github.com/noaber/noaber/internal/help"
	"github.com/noaber/noaber/internal/i18n"
	"github.com/noaber/noaber/internal/store"
	"github.com/noaber/noaber/internal/testkit"
)

// Places of the fixture world (Enschede and around).
var (
	enschede  = geo.Point{Lat: 52.2215, Lng: 6.8937}
	near      = geo.Point{Lat: 52.2300, Lng: 6.8937} // ~0.95 km north
	nearish   = geo.Point{Lat: 52.2350, Lng: 6.8937} // ~1.5 km north
	hengelo   = geo.Point{Lat: 52.2658, Lng: 6.7931} // ~8 km
	faraway   = geo.Point{Lat: 52.4915, Lng: 6.8937} // ~30 km north
	startTime = time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

type env struct {
	t    *testing.T
	ctx  context.Context
	db   *store.DB
	acc  *account.Service
	help *help.Service
	clk  *clock
	n    int
}

func newEnv(t *testing.T, db *store.DB) *env {
	clk := &clock{t: startTime}
	resolver := geo.NewResolver(db, geo.ResolverOptions{})
	acc := account.New(db, nil, account.Options{PasswordMemoryKiB: 1024, Now: clk.now, Resolver: resolver})
	acc.OnPositionChange(help.ReindexHelper)
	return &env{t: t, ctx: context.Background(), db: db, acc: acc, clk: clk,
		help: help.New(db, nil, acc, resolver, help.Options{Now: clk.now})}
}

// user makes a verified user at p (no position when p is the zero point)
// who offers the given categories.
func (e *env) user(p geo.Point, offers ...string) *account.User {
	e.t.Helper()
	e.n++
	su := account.SeedUser{Email: fmt.Sprintf("user%d@example.nl", e.n), FirstName: "Els", Surname: "van Dijk",
		Postcode: "7511AB", Town: "Enschede", Offers: offers}
	if p.Lat != 0 {
		su.Location = geo.Location{Point: p, Town: "Enschede", MunicipalityCode: "0153", Source: geo.SourceTown}
	}
	ids, err := e.acc.Seed(e.ctx, []account.SeedUser{su}, "a long password")
	if err != nil {
		e.t.Fatal(err)
	}
	u, err := e.acc.User(e.ctx, ids[0])
	if err != nil {
		e.t.Fatal(err)
	}
	return u
}

func groceries(what string) help.RequestInput {
	return help.RequestInput{CategoryID: "groceries", Answers: map[string]string{"what": what},
		WhenKind: help.WhenFlexible, PlaceKind: help.PlaceHome}
}

func (e *env) request(u *account.User, in help.RequestInput) *help.RequestView {
	e.t.Helper()
	v, err := e.help.CreateRequest(e.ctx, u, in, i18n.NL)
	if err != nil {
		e.t.Fatalf("CreateRequest: %v", err)
	}
	return v
}

func (e *env) count(table string) int {
	e.t.Helper()
	var n int
	if err := e.db.QueryRow(e.ctx, "SELECT COUNT(*) FROM "+table).Scan(&n); err != nil {
		e.t.Fatal(err)
	}
	return n
}

// wantField checks err is an invalid-input error with key on field, and
// that the key is in both catalogs.
func wantField(t *testing.T, err error, field, key string) {
	t.Helper()
	ae, ok := apperr.As(err)
	if !ok {
		t.Fatalf("got %v, want an apperr with %s on %s", err, key, field)
	}
	if got := ae.Field(field); got != key {
		t.Fatalf("field %s: got %q (%v), want %q", field, got, ae, key)
	}
	for _, l := range i18n.Supported {
		if !i18n.Has(l, key) {
			t.Errorf("key %s is missing in %s", key, l)
		}
	}
}

func wantStatus(t *testing.T, err error, status int) {
	t.Helper()
	ae, ok := apperr.As(err)
	if !ok || ae.Status != status {
		t.Fatalf("got %v, want an apperr with status %d", err, status)
	}
	for _, l := range i18n.Supported {
		if !i18n.Has(l, ae.Key) && ae.Key != "error.not_found" {
			t.Errorf("key %s is missing in %s", ae.Key, l)
		}
	}
}

func TestTemplates(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		cats, err := e.acc.Categories(e.ctx, i18n.NL)
		if err != nil || len(cats) < 12 {
			t.Fatalf("categories: %v %d", err, len(cats))
		}
		for _, c := range cats {
			for _, lang := range i18n.Supported {
				tp, err := e.help.Template(e.ctx, lang, c.ID)
				if err != nil {
					t.Fatal(err)
				}
				if n := len(tp.Questions); n < 2 || n > 3 || tp.Questions[0].ID != "what" || !tp.Questions[0].Required {
					t.Errorf("%s: %d questions, first %+v", c.ID, n, tp.Questions[0])
				}
				for _, q := range tp.Questions {
					if q.Label == "" || q.Hint == "" || !i18n.Has(lang, fmt.Sprintf("help.q.%s.%s.label", c.ID, q.ID)) || q.Max < 1 || q.Max > help.MaxAnswer {
						t.Errorf("%s/%s %s: %+v", c.ID, q.ID, lang, q)
					}
				}
				if !i18n.Has(lang, "help.example."+c.ID) || len(tp.Example) < 20 || tp.Category.Name == "" {
					t.Errorf("%s %s: example %q", c.ID, lang, tp.Example)
				}
			}
		}
		_, err = e.help.Template(e.ctx, i18n.EN, "juggling")
		wantField(t, err, "category", "help.category_unknown")
	})
}

func TestCreateRequestRejectsBadInput(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		seeker := e.user(enschede)
		homeless := e.user(geo.Point{})
		if _, err := db.Exec(e.ctx, "INSERT INTO postcodes (postcode, lat, lng, town, municipality_code) VALUES ('7522NB', 52.24, 6.85, 'Enschede', '0153')"); err != nil {
			t.Fatal(err)
		}
		long := make([]byte, help.MaxAnswer+1)
		for i := range long {
			long[i] = 'a'
		}
		local := startTime.In(time.FixedZone("", 3600))
		today := local.Format("2006-01-02")
		cases := []struct {
			name        string
			who         *account.User
			change      func(*help.RequestInput)
			field, want string
		}{
			{"unknown category", seeker, func(in *help.RequestInput) { in.CategoryID = "juggling" }, "category", "help.category_unknown"},
			{"empty what", seeker, func(in *help.RequestInput) { in.Answers["what"] = "  " }, "answers.what", "help.answer_required"},
			{"answer too long", seeker, func(in *help.RequestInput) { in.Answers["shop"] = string(long) }, "answers.shop", "help.answer_too_long"},
			{"control characters", seeker, func(in *help.RequestInput) { in.Answers["what"] = "melk\x00" }, "answers.what", "help.answer_invalid"},
			{"unknown when", seeker, func(in *help.RequestInput) { in.WhenKind = "someday" }, "when_kind", "help.when_kind_unknown"},
			{"window in the past", seeker, func(in *help.RequestInput) {
				in.WhenKind, in.Date, in.From, in.To = help.WhenWindow, "2026-11-19", "10:00", "12:00"
			}, "date", "help.time_past"},
			{"window earlier today", seeker, func(in *help.RequestInput) {
				in.WhenKind, in.Date, in.From, in.To = help.WhenWindow, today, "07:00", "09:30"
			}, "date", "help.time_past"},
			{"window inverted", seeker, func(in *help.RequestInput) {
				in.WhenKind, in.Date, in.From, in.To = help.WhenWindow, "2026-11-25", "16:00", "14:00"
			}, "to", "help.time_inverted"},
			{"window too far", seeker, func(in *help.RequestInput) {
				in.WhenKind, in.Date, in.From, in.To = help.WhenWindow, "2027-02-01", "10:00", "12:00"
			}, "date", "help.time_too_far"},
			{"bad date", seeker, func(in *help.RequestInput) {
				in.WhenKind, in.Date, in.From, in.To = help.WhenWindow, "25-11-2026", "10:00", "12:00"
			}, "date", "help.date_invalid"},
			{"bad time", seeker, func(in *help.RequestInput) {
				in.WhenKind, in.Date, in.From, in.To = help.WhenWindow, "2026-11-25", "25:00", "12:00"
			}, "from", "help.time_invalid"},
			{"weekday out of range", seeker, func(in *help.RequestInput) {
				in.WhenKind, in.Weekday, in.From, in.To = help.WhenWeekly, 8, "10:00", "12:00"
			}, "weekday", "help.weekday_invalid"},
			{"weekly inverted", seeker, func(in *help.RequestInput) {
				in.WhenKind, in.Weekday, in.From, in.To = help.WhenWeekly, 2, "12:00", "10:00"
			}, "to", "help.time_inverted"},
			{"unknown place kind", seeker, func(in *help.RequestInput) { in.PlaceKind = "moon" }, "place_kind", "help.place_kind_unknown"},
			{"home without position", homeless, func(in *help.RequestInput) {}, "place_kind", "help.no_position"},
			{"bad postcode", seeker, func(in *help.RequestInput) { in.PlaceKind, in.Postcode = help.PlaceElsewhere, "123" }, "postcode", "help.postcode_invalid"},
			{"unknown postcode", seeker, func(in *help.RequestInput) { in.PlaceKind, in.Postcode = help.PlaceElsewhere, "9999 ZZ" }, "postcode", "help.postcode_unknown"},
			{"bad house number", seeker, func(in *help.RequestInput) {
				in.PlaceKind, in.Postcode, in.House = help.PlaceElsewhere, "7522 NB", "<b>"
			}, "house_number", "help.house_number_invalid"},
		}
		for _, c := range cases {
			in := groceries("Wie doet boodschappen voor mij?")
			in.Answers["shop"] = "De Jumbo"
			c.change(&in)
			_, err := e.help.CreateRequest(e.ctx, c.who, in, i18n.NL)
			t.Run(c.name, func(t *testing.T) { wantField(t, err, c.field, c.want) })
		}
		if n := e.count("requests"); n != 0 {
			t.Fatalf("%d requests written by bad input", n)
		}

		// The same form with good answers is accepted, at another postcode too.
		in := groceries("Wie doet boodschappen voor mij?")
		in.PlaceKind, in.Postcode, in.House = help.PlaceElsewhere, "7522 nb", "12a"
		in.WhenKind, in.Date, in.From, in.To = help.WhenWindow, "2026-11-25", "14:00", "16:00"
		v := e.request(seeker, in)
		if v.Place != "7522 NB 12a" || !v.Mine || v.Title != "Wie doet boodschappen voor mij?" || v.Town != "Enschede" {
			t.Fatalf("view %+v", v)
		}
		if want := time.Date(2026, 11, 25, 13, 0, 0, 0, time.UTC); !v.When.Start.Equal(want) || !v.ExpiresAt.Equal(v.When.End) {
			t.Fatalf("when %+v, expires %v", v.When, v.ExpiresAt)
		}
	})
}

func TestRequestPrivacyAndOwnership(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		seeker, other := e.user(enschede), e.user(nearish)
		in := groceries("Wie doet boodschappen voor mij? " + string(make([]byte, 0)) + "Ik heb brood, melk en fruit nodig en verder nog een heleboel andere dingen")
		in.Answers["payment"] = "Ik geef geld mee."
		mine := e.request(seeker, in)
		if len([]rune(mine.Title)) > help.MaxTitle || mine.Place != help.PlaceHome || len(mine.Answers) != 2 {
			t.Fatalf("own view %+v", mine)
		}
		if !mine.ExpiresAt.Equal(startTime.Add(help.RequestTTL)) {
			t.Fatalf("flexible request expires %v", mine.ExpiresAt)
		}
		theirs, err := e.help.Request(e.ctx, other, mine.ID, i18n.EN)
		if err != nil {
			t.Fatal(err)
		}
		want := geo.PublicKm(geo.Snap(nearish), geo.Snap(enschede))
		if theirs.Place != "" || theirs.Mine || !theirs.HasDistance || theirs.DistanceKm != want || theirs.Town != "Enschede" ||
			theirs.Seeker.DisplayName != "Els D." || theirs.Answers[0].Label != "What shopping do you need?" {
			t.Fatalf("other's view %+v (want distance %d)", theirs, want)
		}

		// Another user can neither edit nor cancel it, and nothing changes.
		changed := groceries("Iets heel anders")
		_, err = e.help.UpdateRequest(e.ctx, other, mine.ID, changed, i18n.NL)
		wantStatus(t, err, 404)
		wantStatus(t, e.help.CancelRequest(e.ctx, other, mine.ID), 404)
		_, err = e.help.UpdateRequest(e.ctx, seeker, "no-such-id", changed, i18n.NL)
		wantStatus(t, err, 404)
		again, _ := e.help.Request(e.ctx, seeker, mine.ID, i18n.NL)
		if again.Title != mine.Title || again.Status != help.StatusOpen {
			t.Fatalf("changed by someone else: %+v", again)
		}

		// The seeker edits: the words follow.
		changed.Answers["what"] = "Wie laat mijn hond uit?"
		changed.CategoryID = "pets"
		changed.Answers["animal"] = "Een labrador"
		if _, err := e.help.UpdateRequest(e.ctx, seeker, mine.ID, changed, i18n.NL); err != nil {
			t.Fatal(err)
		}
		res, err := e.help.Search(e.ctx, other, help.SearchQuery{Words: "honden"}, i18n.NL)
		if err != nil || len(res.Requests) != 1 {
			t.Fatalf("search after edit: %v %+v", err, res)
		}
		res, _ = e.help.Search(e.ctx, other, help.SearchQuery{Words: "boodschap"}, i18n.NL)
		if len(res.Requests) != 0 {
			t.Fatalf("old words still found: %+v", res.Requests)
		}

		// Cancelled: closed for edits, gone for others.
		if err := e.help.CancelRequest(e.ctx, seeker, mine.ID); err != nil {
			t.Fatal(err)
		}
		_, err = e.help.UpdateRequest(e.ctx, seeker, mine.ID, changed, i18n.NL)
		wantStatus(t, err, 409)
		wantStatus(t, e.help.CancelRequest(e.ctx, seeker, mine.ID), 409)
		_, err = e.help.Request(e.ctx, other, mine.ID, i18n.NL)
		wantStatus(t, err, 404)
		list, err := e.help.MyRequests(e.ctx, seeker, i18n.NL)
		if err != nil || len(list) != 1 || list[0].Status != help.StatusCancelled {
			t.Fatalf("my requests: %v %+v", err, list)
		}
	})
}

func block(t *testing.T, db *store.DB, blocker, blocked *account.User) {
	t.Helper()
	if _, err := db.Exec(context.Background(), "INSERT INTO blocks (blocker_id, blocked_id, created_at) VALUES (?, ?, ?)",
		blocker.ID, blocked.ID, startTime); err != nil {
		t.Fatal(err)
	}
}

func TestBlockingHidesBothWays(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		seeker := e.user(enschede)
		a, b, c := e.user(near, "groceries"), e.user(near, "groceries"), e.user(near, "groceries")
		req := e.request(seeker, groceries("Wie doet boodschappen voor mij?"))
		offer, err := e.help.CreateOffer(e.ctx, a, help.OfferInput{CategoryID: "groceries", Title: "Ik doe graag boodschappen"}, i18n.NL)
		if err != nil {
			t.Fatal(err)
		}
		pv, err := e.help.Preview(e.ctx, seeker, "groceries", help.PlaceHome, "", "")
		if err != nil || pv.Few || pv.Count != 3 {
			t.Fatalf("preview before blocks: %v %+v", err, pv)
		}
		block(t, db, seeker, a) // the seeker blocked a
		block(t, db, b, seeker) // b blocked the seeker
		for _, u := range []*account.User{a, b} {
			if _, err := e.help.Request(e.ctx, u, req.ID, i18n.NL); err == nil {
				t.Errorf("a blocked user sees the request")
			}
			res, err := e.help.Search(e.ctx, u, help.SearchQuery{}, i18n.NL)
			if err != nil || len(res.Requests) != 0 {
				t.Errorf("a blocked user finds the request: %v %+v", err, res)
			}
		}
		if _, err := e.help.Offer(e.ctx, seeker, offer.ID, i18n.NL); err == nil {
			t.Errorf("the seeker sees the offer of someone they blocked")
		}
		res, err := e.help.Search(e.ctx, seeker, help.SearchQuery{Kind: help.KindOffers}, i18n.NL)
		if err != nil || len(res.Offers) != 0 {
			t.Errorf("the seeker finds the offer of someone they blocked: %v %+v", err, res)
		}
		if _, err := e.help.Request(e.ctx, c, req.ID, i18n.NL); err != nil {
			t.Errorf("an unblocked user: %v", err)
		}
		pv, err = e.help.Preview(e.ctx, seeker, "groceries", help.PlaceHome, "", "")
		if err != nil || !pv.Few || pv.Count != 0 {
			t.Fatalf("preview counts blocked helpers: %v %+v", err, pv)
		}
	})
}

func TestPreview(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		seeker := e.user(enschede, "groceries") // the seeker offers too, and does not count
		e.user(near, "groceries")
		e.user(nearish, "groceries")
		e.user(near, "pets")             // another category
		e.user(hengelo, "groceries")     // too far
		e.user(geo.Point{}, "groceries") // no position
		pv, err := e.help.Preview(e.ctx, seeker, "groceries", help.PlaceHome, "", "")
		if err != nil || !pv.Few || pv.Count != 0 || pv.RadiusKm != help.DefaultRadiusKm {
			t.Fatalf("two helpers: %v %+v", err, pv)
		}
		third := e.user(near, "groceries", "pets")
		pv, _ = e.help.Preview(e.ctx, seeker, "groceries", help.PlaceHome, "", "")
		if pv.Few || pv.Count != 3 {
			t.Fatalf("three helpers: %+v", pv)
		}
		// A helper whose own radius does not reach, and a paused one, do not count.
		hs, _ := e.help.HelperSettings(e.ctx, third)
		hs.RadiusKm = 0.5
		if err := e.help.SaveHelperSettings(e.ctx, third, *hs); err != nil {
			t.Fatal(err)
		}
		pv, _ = e.help.Preview(e.ctx, seeker, "groceries", help.PlaceHome, "", "")
		if !pv.Few {
			t.Fatalf("a helper whose radius does not reach counts: %+v", pv)
		}
		hs.RadiusKm, hs.PausedUntil = 5, "2026-12-01"
		if err := e.help.SaveHelperSettings(e.ctx, third, *hs); err != nil {
			t.Fatal(err)
		}
		pv, _ = e.help.Preview(e.ctx, seeker, "groceries", help.PlaceHome, "", "")
		if !pv.Few {
			t.Fatalf("a paused helper counts: %+v", pv)
		}
		e.clk.add(12 * 24 * time.Hour) // the pause is over
		pv, _ = e.help.Preview(e.ctx, seeker, "groceries", help.PlaceHome, "", "")
		if pv.Few || pv.Count != 3 {
			t.Fatalf("after the pause: %+v", pv)
		}
		_, err = e.help.Preview(e.ctx, seeker, "juggling", help.PlaceHome, "", "")
		wantField(t, err, "category", "help.category_unknown")
		_, err = e.help.Preview(e.ctx, seeker, "groceries", help.PlaceElsewhere, "0000", "")
		wantField(t, err, "postcode", "help.postcode_invalid")
	})
}

func TestHelperSettings(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		u := e.user(enschede, "pets")
		hs, err := e.help.HelperSettings(e.ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		if hs.RadiusKm != 2 || hs.QuietStart != "21:00" || hs.QuietEnd != "08:00" || hs.WeeklyMax != 5 || !hs.Availability[6][2] ||
			len(hs.Categories) != 1 || hs.Categories[0] != "pets" || hs.PausedUntil != "" {
			t.Fatalf("defaults %+v", hs)
		}
		bad := []struct {
			change      func(*help.HelperSettings)
			field, want string
		}{
			{func(h *help.HelperSettings) { h.RadiusKm = 0.4 }, "radius_km", "help.radius_invalid"},
			{func(h *help.HelperSettings) { h.RadiusKm = 26 }, "radius_km", "help.radius_invalid"},
			{func(h *help.HelperSettings) { h.QuietStart = "9 uur" }, "quiet_start", "help.time_invalid"},
			{func(h *help.HelperSettings) { h.QuietEnd = "24:00" }, "quiet_end", "help.time_invalid"},
			{func(h *help.HelperSettings) { h.WeeklyMax = 0 }, "weekly_max", "help.weekly_max_invalid"},
			{func(h *help.HelperSettings) { h.WeeklyMax = 51 }, "weekly_max", "help.weekly_max_invalid"},
			{func(h *help.HelperSettings) { h.PausedUntil = "2026-11-20" }, "paused_until", "help.paused_until_invalid"},
			{func(h *help.HelperSettings) { h.PausedUntil = "2028-01-01" }, "paused_until", "help.paused_until_invalid"},
			{func(h *help.HelperSettings) { h.Categories = []string{"pets", "juggling"} }, "categories", "help.category_unknown"},
		}
		for _, b := range bad {
			in := *hs
			b.change(&in)
			wantField(t, e.help.SaveHelperSettings(e.ctx, u, in), b.field, b.want)
		}
		if n := e.count("helper_settings"); n != 0 {
			t.Fatalf("bad settings written: %d", n)
		}
		in := *hs
		in.Categories = []string{"groceries", "garden", "groceries"}
		in.RadiusKm, in.WeeklyMax, in.QuietStart, in.PausedUntil = 7.5, 3, "22:30", "2026-12-24"
		in.Availability = help.Availability{}
		in.Availability[0][1] = true
		if err := e.help.SaveHelperSettings(e.ctx, u, in); err != nil {
			t.Fatal(err)
		}
		got, _ := e.help.HelperSettings(e.ctx, u)
		if got.RadiusKm != 7.5 || got.WeeklyMax != 3 || got.QuietStart != "22:30" || got.PausedUntil != "2026-12-24" ||
			!got.Availability[0][1] || got.Availability[0][0] || fmt.Sprint(got.Categories) != "[garden groceries]" {
			t.Fatalf("saved %+v", got)
		}
		prof, err := e.acc.Profile(e.ctx, e.user(near), u.ID, i18n.NL)
		if err != nil || len(prof.Offers) != 2 {
			t.Fatalf("profile offers: %v %+v", err, prof)
		}
		var n, radius int
		if err := db.QueryRow(e.ctx, "SELECT COUNT(*), MIN(radius_m) FROM helper_index WHERE user_id = ?", u.ID).Scan(&n, &radius); err != nil || n != 2 || radius != 7500 {
			t.Fatalf("helper index: %v %d rows, radius %d", err, n, radius)
		}
	})
}

func TestOffers(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		helper, other := e.user(enschede), e.user(hengelo)
		_, err := e.help.CreateOffer(e.ctx, helper, help.OfferInput{CategoryID: "pets", Title: " "}, i18n.NL)
		wantField(t, err, "title", "help.title_required")
		_, err = e.help.CreateOffer(e.ctx, helper, help.OfferInput{CategoryID: "pets", Title: strings.Repeat("a", help.MaxTitle+1)}, i18n.NL)
		wantField(t, err, "title", "help.title_too_long")
		_, err = e.help.CreateOffer(e.ctx, helper, help.OfferInput{CategoryID: "pets", Title: "Hond", Body: strings.Repeat("a", help.MaxOfferBody+1)}, i18n.NL)
		wantField(t, err, "body", "help.body_too_long")
		_, err = e.help.CreateOffer(e.ctx, helper, help.OfferInput{CategoryID: "juggling", Title: "Hond"}, i18n.NL)
		wantField(t, err, "category", "help.category_unknown")
		_, err = e.help.CreateOffer(e.ctx, e.user(geo.Point{}), help.OfferInput{CategoryID: "pets", Title: "Hond"}, i18n.NL)
		wantStatus(t, err, 422)
		if n := e.count("offers"); n != 0 {
			t.Fatalf("%d offers written by bad input", n)
		}
		o, err := e.help.CreateOffer(e.ctx, helper, help.OfferInput{CategoryID: "pets", Title: "Ik laat op zaterdag graag een hond uit"}, i18n.NL)
		if err != nil || !o.Mine || !o.ExpiresAt.Equal(startTime.Add(help.OfferTTL)) {
			t.Fatalf("offer: %v %+v", err, o)
		}
		seen, err := e.help.Offer(e.ctx, other, o.ID, i18n.NL)
		if err != nil || seen.Mine || seen.DistanceKm != geo.PublicKm(geo.Snap(hengelo), geo.Snap(enschede)) || seen.Town != "Enschede" {
			t.Fatalf("other's view: %v %+v", err, seen)
		}
		res, err := e.help.Search(e.ctx, other, help.SearchQuery{Kind: help.KindOffers, Words: "honden", RadiusKm: 10}, i18n.NL)
		if err != nil || len(res.Offers) != 1 {
			t.Fatalf("search offers: %v %+v", err, res)
		}
		wantStatus(t, e.help.CloseOffer(e.ctx, other, o.ID), 404)
		if err := e.help.CloseOffer(e.ctx, helper, o.ID); err != nil {
			t.Fatal(err)
		}
		wantStatus(t, e.help.CloseOffer(e.ctx, helper, o.ID), 409)
		_, err = e.help.Offer(e.ctx, other, o.ID, i18n.NL)
		wantStatus(t, err, 404)
		mine, err := e.help.MyOffers(e.ctx, helper, i18n.NL)
		if err != nil || len(mine) != 1 || mine[0].Status != help.OfferClosed {
			t.Fatalf("my offers: %v %+v", err, mine)
		}
	})
}

func TestSearch(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		seeker := e.user(enschede)
		helper, far, homeless := e.user(nearish), e.user(faraway), e.user(geo.Point{})
		req := e.request(seeker, groceries("Wie doet boodschappen voor mij?"))
		dog := groceries("Wie laat mijn hond uit?")
		dog.CategoryID, dog.Answers["animal"] = "pets", "Een rustige labrador"
		dog.WhenKind, dog.Date, dog.From, dog.To = help.WhenWindow, "2026-11-28", "10:00", "11:00"
		dogReq := e.request(seeker, dog)

		ids := func(q help.SearchQuery, who *account.User) []string {
			t.Helper()
			res, err := e.help.Search(e.ctx, who, q, i18n.NL)
			if err != nil {
				t.Fatalf("search %+v: %v", q, err)
			}
			var out []string
			for _, r := range res.Requests {
				if r.Place != "" && !r.Mine {
					t.Fatalf("a search shows someone else's place: %+v", r)
				}
				out = append(out, r.ID)
			}
			return out
		}
		if got := ids(help.SearchQuery{Words: "boodschap"}, helper); len(got) != 1 || got[0] != req.ID {
			t.Fatalf("boodschap finds %v", got)
		}
		if got := ids(help.SearchQuery{Words: "Boodschappen mij"}, helper); len(got) != 1 {
			t.Fatalf("Boodschappen mij finds %v", got)
		}
		if got := ids(help.SearchQuery{Words: "boodschap hond"}, helper); len(got) != 0 {
			t.Fatalf("two words must both occur: %v", got)
		}
		if got := ids(help.SearchQuery{CategoryID: "pets"}, helper); len(got) != 1 || got[0] != dogReq.ID {
			t.Fatalf("category pets finds %v", got)
		}
		if got := ids(help.SearchQuery{From: "2026-11-27", To: "2026-11-28"}, helper); len(got) != 2 {
			t.Fatalf("dates around the window: %v (flexible and window)", got)
		}
		if got := ids(help.SearchQuery{From: "2026-11-29"}, helper); len(got) != 1 || got[0] != req.ID {
			t.Fatalf("dates after the window: %v", got)
		}
		if got := ids(help.SearchQuery{RadiusKm: 25}, far); len(got) != 0 {
			t.Fatalf("a helper 30 km away finds %v", got)
		}
		if got := ids(help.SearchQuery{RadiusKm: 1}, helper); len(got) != 0 {
			t.Fatalf("radius 1 km finds requests 1.5 km away: %v", got)
		}
		res, _ := e.help.Search(e.ctx, seeker, help.SearchQuery{}, i18n.NL)
		if len(res.Requests) != 2 || !res.Requests[0].Mine {
			t.Fatalf("own requests are found and marked: %+v", res.Requests)
		}
		bad := []struct {
			q           help.SearchQuery
			field, want string
		}{
			{help.SearchQuery{RadiusKm: 26}, "radius_km", "help.radius_invalid"},
			{help.SearchQuery{RadiusKm: -1}, "radius_km", "help.radius_invalid"},
			{help.SearchQuery{CategoryID: "juggling"}, "category", "help.category_unknown"},
			{help.SearchQuery{Kind: "people"}, "kind", "help.kind_unknown"},
			{help.SearchQuery{Sort: "random"}, "sort", "help.sort_unknown"},
			{help.SearchQuery{Limit: 51}, "limit", "help.limit_invalid"},
			{help.SearchQuery{Cursor: "%%%"}, "cursor", "help.cursor_invalid"},
			{help.SearchQuery{From: "gisteren"}, "from", "help.date_invalid"},
			{help.SearchQuery{From: "2026-11-28", To: "2026-11-27"}, "to", "help.dates_inverted"},
			{help.SearchQuery{Words: strings.Repeat("x", help.MaxSearchWords+1)}, "words", "help.words_too_long"},
		}
		for _, b := range bad {
			_, err := e.help.Search(e.ctx, helper, b.q, i18n.NL)
			wantField(t, err, b.field, b.want)
		}
		_, err := e.help.Search(e.ctx, homeless, help.SearchQuery{}, i18n.NL)
		wantStatus(t, err, 422)
	})
}

func TestSearchPagesWithoutGapsOrDuplicates(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		viewer := e.user(enschede)
		want := map[string]bool{}
		// 45 requests from 9 seekers on 9 spots, so many share a cell and a
		// distance, and some share a created_at: the tie-breaks must hold.
		for i := 0; i < 9; i++ {
			p := geo.Point{Lat: enschede.Lat + float64(i%3)*0.012, Lng: enschede.Lng + float64(i/3)*0.02}
			s := e.user(p)
			for j := 0; j < 5; j++ {
				want[e.request(s, groceries(fmt.Sprintf("Boodschappen %d-%d", i, j))).ID] = true
				if j%2 == 0 {
					e.clk.add(time.Second)
				}
			}
		}
		for _, sort := range []string{help.SortNearest, help.SortNewest} {
			seen := map[string]bool{}
			var prev help.RequestView
			q := help.SearchQuery{Sort: sort, Limit: 10, Words: "boodschappen"}
			pages := 0
			for {
				res, err := e.help.Search(e.ctx, viewer, q, i18n.NL)
				if err != nil {
					t.Fatal(err)
				}
				pages++
				for i, r := range res.Requests {
					if seen[r.ID] {
						t.Fatalf("%s: %s twice", sort, r.ID)
					}
					seen[r.ID] = true
					if (i > 0 || pages > 1) && sort == help.SortNearest && r.DistanceKm < prev.DistanceKm {
						t.Fatalf("%s: %d km after %d km", sort, r.DistanceKm, prev.DistanceKm)
					}
					if (i > 0 || pages > 1) && sort == help.SortNewest && r.CreatedAt.After(prev.CreatedAt) {
						t.Fatalf("%s: %v after %v", sort, r.CreatedAt, prev.CreatedAt)
					}
					prev = r
				}
				if res.Next == "" {
					break
				}
				if len(res.Requests) != 10 {
					t.Fatalf("%s: a page of %d before the end", sort, len(res.Requests))
				}
				q.Cursor = res.Next
			}
			if len(seen) != 45 || pages != 5 {
				t.Fatalf("%s: %d results in %d pages, want 45 in 5", sort, len(seen), pages)
			}
			for id := range want {
				if !seen[id] {
					t.Fatalf("%s: %s missing", sort, id)
				}
			}
		}
		// A cursor of one order is refused by the other.
		res, _ := e.help.Search(e.ctx, viewer, help.SearchQuery{Limit: 10}, i18n.NL)
		_, err := e.help.Search(e.ctx, viewer, help.SearchQuery{Limit: 10, Sort: help.SortNewest, Cursor: res.Next}, i18n.NL)
		wantField(t, err, "cursor", "help.cursor_invalid")
	})
}

func TestExpireDue(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		seeker, helper := e.user(enschede), e.user(near)
		in := groceries("Wie doet boodschappen voor mij?")
		in.WhenKind, in.Date, in.From, in.To = help.WhenWindow, "2026-11-21", "10:00", "12:00"
		window := e.request(seeker, in)
		flexible := e.request(seeker, groceries("Wie haalt brood?"))
		offer, err := e.help.CreateOffer(e.ctx, helper, help.OfferInput{CategoryID: "groceries", Title: "Boodschappen"}, i18n.NL)
		if err != nil {
			t.Fatal(err)
		}
		if n, err := e.help.ExpireDue(e.ctx); err != nil || n != 0 {
			t.Fatalf("nothing due yet: %d %v", n, err)
		}
		e.clk.add(2 * 24 * time.Hour)
		if n, err := e.help.ExpireDue(e.ctx); err != nil || n != 1 {
			t.Fatalf("the window passed: %d %v", n, err)
		}
		if n, _ := e.help.ExpireDue(e.ctx); n != 0 {
			t.Fatalf("again: %d", n)
		}
		v, _ := e.help.Request(e.ctx, seeker, window.ID, i18n.NL)
		if v.Status != help.StatusExpired {
			t.Fatalf("status %s", v.Status)
		}
		_, err = e.help.Request(e.ctx, helper, window.ID, i18n.NL)
		wantStatus(t, err, 404)
		e.clk.add(help.RequestTTL)
		// Past its time, a request no longer shows even before the job ran.
		if res, _ := e.help.Search(e.ctx, helper, help.SearchQuery{}, i18n.NL); len(res.Requests) != 0 {
			t.Fatalf("expired requests found: %+v", res.Requests)
		}
		if n, _ := e.help.ExpireDue(e.ctx); n != 1 {
			t.Fatalf("the flexible request after %v: %d", help.RequestTTL, n)
		}
		e.clk.add(help.OfferTTL)
		if n, _ := e.help.ExpireDue(e.ctx); n != 1 {
			t.Fatalf("the offer: %d", n)
		}
		o, _ := e.help.Offer(e.ctx, helper, offer.ID, i18n.NL)
		f, _ := e.help.Request(e.ctx, seeker, flexible.ID, i18n.NL)
		if o.Status != help.OfferClosed || f.Status != help.StatusExpired {
			t.Fatalf("statuses %s %s", o.Status, f.Status)
		}
	})
}
