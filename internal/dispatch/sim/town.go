package sim

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"time"

	"github.com/noaber/noaber/internal/account"
	"github.com/noaber/noaber/internal/dispatch"
	"github.com/noaber/noaber/internal/geo"
	"github.com/noaber/noaber/internal/help"
	"github.com/noaber/noaber/internal/i18n"
	"github.com/noaber/noaber/internal/jobs"
	"github.com/noaber/noaber/internal/notify"
	"github.com/noaber/noaber/internal/store"
)

// EditionID is the simulated town's own edition, whose settings the
// simulation sets.
const EditionID = "00000000-0000-7000-8000-0000000051a1"

// How often each kind of help is asked and offered: groceries, lifts and
// company most, respite care and paperwork rarely offered.
var categories = []struct {
	id           string
	asked, offer float64
}{
	{"groceries", 16, 16}, {"transport", 14, 10}, {"company", 12, 12}, {"odd-jobs", 10, 10},
	{"garden", 7, 8}, {"pets", 6, 9}, {"computer", 8, 8}, {"paperwork", 7, 4},
	{"language", 5, 6}, {"meals", 5, 6}, {"respite", 5, 2}, {"other", 5, 5},
}

// helper is one simulated helper and their habits.
type helper struct {
	user   *account.User
	answer float64 // chance to answer an invitation at all
	yes    float64 // chance to say yes when answering
	delay  float64 // median minutes to answer
}

// planned is a request that will be posted at a moment.
type planned struct {
	at     time.Time
	seeker int
	in     help.RequestInput
	id     string // set once posted
}

// world is the town, its services and the fake clock.
type world struct {
	cfg      Config
	clock    *clock
	db       *store.DB
	jobs     *jobs.Queue
	accounts *account.Service
	help     *help.Service
	dispatch *dispatch.Service

	helpers  []helper
	helperNo map[string]int // user id -> index in helpers
	seekers  []*account.User
	requests []planned
	reqNo    map[string]int // request id -> index in requests
	tally    tally
}

func newWorld(ctx context.Context, cfg Config, url string) (*world, error) {
	db, err := store.Open(ctx, url)
	if err != nil {
		return nil, err
	}
	fail := func(err error) (*world, error) {
		db.Close()
		return nil, err
	}
	if _, err := db.Migrate(ctx); err != nil {
		return fail(err)
	}
	var users int
	if err := db.QueryRow(ctx, "SELECT COUNT(*) FROM users").Scan(&users); err != nil {
		return fail(err)
	}
	if users > 0 {
		return fail(fmt.Errorf("sim: the database holds %d users; simulate in an empty database", users))
	}
	if cfg.DatabaseURL == "" {
		// Our own scratch file: it need not survive a power cut, and
		// syncing every commit would make a week's run many times slower.
		// The write pool is one connection, so this holds for every write.
		if _, err := db.Exec(ctx, "PRAGMA synchronous = OFF"); err != nil {
			return fail(err)
		}
	}
	clk := &clock{}
	clk.set(Start)
	q := jobs.New(db, jobs.Options{Now: clk.now, Logger: cfg.Logger})
	// The simulation measures the dispatcher; delivering its
	// notifications by push and e-mail is not part of it.
	q.Handle(notify.DeliverKind, func(context.Context, *jobs.Job) error { return nil })
	resolver := geo.NewResolver(db, geo.ResolverOptions{Logger: cfg.Logger})
	acc := account.New(db, q, account.Options{Now: clk.now, Resolver: resolver, PasswordMemoryKiB: 1024, PasswordTime: 1})
	acc.OnPositionChange(help.ReindexHelper)
	hs := help.New(db, q, acc, resolver, help.Options{Now: clk.now})
	ds := dispatch.New(db, q, acc, hs, dispatch.Options{Now: clk.now, Weights: cfg.Weights, Logger: cfg.Logger})
	return &world{cfg: cfg, clock: clk, db: db, jobs: q, accounts: acc, help: hs, dispatch: ds,
		helperNo: map[string]int{}, reqNo: map[string]int{}}, nil
}

// build makes the edition, its coordinator, the helpers and seekers, and
// plans the requests.
func (w *world) build(ctx context.Context) error {
	r := rand.New(rand.NewPCG(uint64(w.cfg.Seed), 0x7a7e))
	now := w.clock.now()
	if _, err := w.db.Exec(ctx, "INSERT INTO editions (id, slug, name, is_national, created_at) VALUES (?, 'sim', ?, FALSE, ?)",
		EditionID, w.cfg.Town+" (simulatie)", now); err != nil {
		return err
	}
	if _, err := w.db.Exec(ctx, "INSERT INTO edition_areas (municipality_code, edition_id) VALUES (?, ?)", w.cfg.Municipality, EditionID); err != nil {
		return err
	}

	// Everybody is made in one Seed: one transaction, one password hash.
	// Index 0 is the coordinator, then the helpers, then the seekers.
	n := 1 + w.cfg.Helpers + w.cfg.Seekers
	people := make([]account.SeedUser, n)
	for i := range people {
		people[i] = account.SeedUser{
			Email: fmt.Sprintf("buur%d@sim.noaber.test", i), FirstName: "Buur", Surname: fmt.Sprint(i),
			Postcode: "7201AA", Town: w.cfg.Town, Locale: i18n.NL, Languages: []string{"nl"},
			CreatedAt: now.Add(-30 * 24 * time.Hour),
			Location:  geo.Location{Point: w.spot(r), Town: w.cfg.Town, MunicipalityCode: w.cfg.Municipality, Source: geo.SourceAddress},
		}
		if i >= 1 && i <= w.cfg.Helpers {
			people[i].Offers = w.offers(r)
		}
	}
	people[0].FirstName, people[0].Surname = "Coördinator", "Sim"
	ids, err := w.accounts.Seed(ctx, people, "simulatie-wachtwoord")
	if err != nil {
		return err
	}
	users := make([]*account.User, n)
	for i, id := range ids {
		if users[i], err = w.accounts.User(ctx, id); err != nil {
			return err
		}
	}

	if _, err := w.db.Exec(ctx, "INSERT INTO edition_roles (user_id, edition_id, role, created_at) VALUES (?, ?, 'coordinator', ?)",
		users[0].ID, EditionID, now); err != nil {
		return err
	}
	if err := w.dispatch.SaveEditionSettings(ctx, users[0], EditionID, w.cfg.Settings); err != nil {
		return fmt.Errorf("edition settings %+v: %w", w.cfg.Settings, err)
	}

	resp := w.cfg.Response
	for i := 1; i <= w.cfg.Helpers; i++ {
		u := users[i]
		h := helper{user: u,
			answer: resp.AnswerMin + r.Float64()*(resp.AnswerMax-resp.AnswerMin),
			yes:    resp.YesMin + r.Float64()*(resp.YesMax-resp.YesMin),
			delay:  resp.DelayMinutes * math.Exp(resp.HelperSigma*r.NormFloat64()),
		}
		if r.Float64() < resp.Silent {
			h.answer = resp.SilentAnswer
		}
		if err := w.help.SaveHelperSettings(ctx, u, w.helperSettings(r, people[i].Offers)); err != nil {
			return fmt.Errorf("helper settings: %w", err)
		}
		w.helperNo[u.ID] = len(w.helpers)
		w.helpers = append(w.helpers, h)
	}
	w.seekers = users[1+w.cfg.Helpers:]
	return w.planRequests(ctx, r)
}

// spot is a place in town: evenly spread over a square of 2·SpreadKm.
func (w *world) spot(r *rand.Rand) geo.Point {
	const kmPerLat = 111.2
	kmPerLng := kmPerLat * math.Cos(w.cfg.Centre.Lat*math.Pi/180)
	return geo.Point{
		Lat: w.cfg.Centre.Lat + (2*r.Float64()-1)*w.cfg.SpreadKm/kmPerLat,
		Lng: w.cfg.Centre.Lng + (2*r.Float64()-1)*w.cfg.SpreadKm/kmPerLng,
	}
}

// offers picks one to three kinds of help, the common ones more often.
func (w *world) offers(r *rand.Rand) []string {
	k := 1 + r.IntN(3)
	var out []string
	for len(out) < k {
		c := pickCategory(r, func(i int) float64 { return categories[i].offer })
		dup := false
		for _, o := range out {
			dup = dup || o == c
		}
		if !dup {
			out = append(out, c)
		}
	}
	sort.Strings(out)
	return out
}

func pickCategory(r *rand.Rand, weight func(i int) float64) string {
	total := 0.0
	for i := range categories {
		total += weight(i)
	}
	x := r.Float64() * total
	for i := range categories {
		if x -= weight(i); x < 0 {
			return categories[i].id
		}
	}
	return categories[len(categories)-1].id
}

// helperSettings are varied as people are: most help within 1 to 5 km,
// keep the default quiet hours, and are free on most parts of the week.
func (w *world) helperSettings(r *rand.Rand, offers []string) help.HelperSettings {
	s := help.HelperSettings{
		Categories: offers,
		RadiusKm:   []float64{1, 2, 2, 3, 5, 5}[r.IntN(6)],
		QuietStart: help.DefaultQuietStart, QuietEnd: help.DefaultQuietEnd,
		WeeklyMax: 2 + r.IntN(6),
	}
	if w.cfg.WeeklyMax > 0 {
		s.WeeklyMax = w.cfg.WeeklyMax
	}
	if r.IntN(4) == 0 {
		s.QuietStart, s.QuietEnd = "22:00", "07:00"
	}
	for d := range s.Availability {
		for p := range s.Availability[d] {
			s.Availability[d][p] = r.IntN(4) > 0
		}
	}
	return s
}

// planRequests spreads the requests over the days, mostly by day, with
// varied kinds of help and times: flexible, on a day soon or later in the
// week, or every week.
func (w *world) planRequests(ctx context.Context, r *rand.Rand) error {
	span := time.Duration(w.cfg.Days) * 24 * time.Hour
	for i := 0; i < w.cfg.Requests; i++ {
		at := Start.Add(time.Duration(r.Int64N(int64(span))))
		// Two in three posted between 08:00 and 20:00; the others in the
		// evening or at night, when invitations wait for the morning.
		if r.IntN(3) > 0 || w.cfg.DaytimeOnly {
			day := time.Date(at.Year(), at.Month(), at.Day(), 8, 0, 0, 0, amsterdam)
			at = day.Add(time.Duration(r.Int64N(int64(12 * time.Hour))))
		}
		at = at.Truncate(time.Second)
		cat := pickCategory(r, func(i int) float64 { return categories[i].asked })
		tmpl, err := w.help.Template(ctx, i18n.NL, cat)
		if err != nil {
			return err
		}
		in := help.RequestInput{CategoryID: cat, Answers: map[string]string{}, PlaceKind: help.PlaceHome}
		for _, q := range tmpl.Questions {
			if q.ID == "what" || q.Required {
				in.Answers[q.ID] = fmt.Sprintf("Simulatie: hulp gevraagd (%s, vraag %d)", cat, i+1)
			}
		}
		local := at.In(amsterdam)
		switch k := r.IntN(20); {
		case k < 8:
			in.WhenKind = help.WhenFlexible
		case k < 11 && local.Hour() < 16:
			// Soon: today, starting in two to four hours.
			from := local.Add(time.Duration(2+r.IntN(3)) * time.Hour).Truncate(time.Hour)
			in.WhenKind, in.Date = help.WhenWindow, from.Format("2006-01-02")
			in.From, in.To = from.Format("15:04"), fmt.Sprintf("%02d:00", from.Hour()+2)
		case k < 17:
			// On a day in the coming week, in the morning, afternoon or evening.
			day := local.AddDate(0, 0, 1+r.IntN(6))
			h := []int{9, 10, 13, 14, 15, 18, 19}[r.IntN(7)]
			in.WhenKind, in.Date, in.From, in.To = help.WhenWindow, day.Format("2006-01-02"), fmt.Sprintf("%02d:00", h), fmt.Sprintf("%02d:00", h+2)
		default:
			in.WhenKind, in.Weekday = help.WhenWeekly, 1+r.IntN(7)
			h := []int{10, 14, 19}[r.IntN(3)]
			in.From, in.To = fmt.Sprintf("%02d:00", h), fmt.Sprintf("%02d:00", h+2)
		}
		w.requests = append(w.requests, planned{at: at.UTC(), seeker: r.IntN(len(w.seekers)), in: in})
	}
	sort.SliceStable(w.requests, func(a, b int) bool { return w.requests[a].at.Before(w.requests[b].at) })
	return nil
}

var errStuck = errors.New("the simulation does not move on")
