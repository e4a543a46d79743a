// Package demo fills a database with a small, realistic town to try Noaber
// with: neighbours who ask for help, neighbours who offer it, and some who
// do both. It is deterministic, so every demo looks the same.
package demo

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/noaber/noaber/internal/account"
	"github.com/noaber/noaber/internal/geo"
	"github.com/noaber/noaber/internal/help"
	"github.com/noaber/noaber/internal/i18n"
	"github.com/noaber/noaber/internal/message"
	"github.com/noaber/noaber/internal/report"
	"github.com/noaber/noaber/internal/store"
	"github.com/noaber/noaber/internal/trust"
)

// The demo town and the account to log in with.
const (
	Town       = "Zutphen"
	LoginEmail = "demo@noaber.test"
	Password   = "noaber-demo"
	// Users is how many neighbours live in the demo town.
	Users = 300
)

var firstNames = []string{"Jan", "Els", "Piet", "Anouk", "Henk", "Fatima", "Mohamed", "Sanne", "Kees", "Ingrid",
	"Daan", "Lotte", "Ahmet", "Ayşe", "Wim", "Truus", "Bram", "Noor", "Sem", "Julia", "Gerrit", "Marja", "Yusuf",
	"Olena", "Tesfay", "Mila", "Thijs", "Hanneke", "Joost", "Priya", "Bert", "Ria", "Luuk", "Fenna", "Karim", "Zeynep"}

var surnames = []string{"de Vries", "Jansen", "van den Berg", "Bakker", "Visser", "Smit", "Meijer", "de Boer",
	"Mulder", "de Groot", "Bos", "Vos", "Peters", "Hendriks", "van Leeuwen", "Dekker", "Brouwer", "de Wit",
	"Dijkstra", "Yılmaz", "El Amrani", "Kowalski", "Bondarenko", "Haile", "Wolters", "Kamphuis", "ter Horst", "Nijland"}

var bios = []string{
	"Ik woon al dertig jaar in de buurt en help graag een handje.",
	"Gepensioneerd en tijd over. Ik rijd graag iemand naar het ziekenhuis.",
	"Sinds mijn heupoperatie lukt boodschappen doen even niet.",
	"Ik ben student en kan goed met computers overweg.",
	"Mantelzorger voor mijn moeder. Soms heb ik even rust nodig.",
	"Ik ben net verhuisd en wil mijn buren leren kennen.",
	"Ik kom uit Oekraïne en wil graag beter Nederlands praten.",
	"Ik kook altijd te veel. Wie eet er mee?",
	"Ik heb een hond en wandel elke dag langs de IJssel.",
	"Tuinieren is mijn hobby. Ik help graag in jouw tuin.",
	"",
}

var categories = []string{"groceries", "transport", "company", "odd-jobs", "garden", "pets", "computer", "paperwork", "language", "meals", "respite", "other"}

// Zutphen's postcodes run from 7201 to 7207 (and 7211 for Leesten).
var postcodes = []string{"7201", "7202", "7203", "7204", "7205", "7206", "7207", "7211"}

// The demo town's centre and CBS municipality code (from the gazetteer),
// and its local edition.
var centre = geo.Point{Lat: 52.13833, Lng: 6.20139}

const (
	municipality = "0301"
	EditionID    = "00000000-0000-7000-8000-0000000d3301"
	EditionName  = "Zutphen helpt"
)

const filledKey = "demo_filled"

// Services are the domains the demo is written through, so that it holds
// what real use would (notifications, flags, counts).
type Services struct {
	Accounts *account.Service
	Help     *help.Service
	Messages *message.Service
	Reports  *report.Service
	Trust    *trust.Service
}

// Fill creates the demo town once and returns how many users it made (0
// when it was there already).
func Fill(ctx context.Context, db *store.DB, s Services) (int, error) {
	accounts, hs, ms := s.Accounts, s.Help, s.Messages
	if _, err := db.Setting(ctx, filledKey); err == nil {
		return 0, nil
	} else if !errors.Is(err, store.ErrNotFound) {
		return 0, err
	}
	// Zutphen has its own local edition, as Terneuzen and Arnhem do.
	if _, err := db.Exec(ctx, `INSERT INTO editions (id, slug, name, is_national, created_at) VALUES (?, 'zutphen', ?, FALSE, ?)
		ON CONFLICT (id) DO NOTHING`, EditionID, EditionName, time.Now().UTC()); err != nil {
		return 0, err
	}
	if _, err := db.Exec(ctx, `INSERT INTO edition_areas (municipality_code, edition_id) VALUES (?, ?)
		ON CONFLICT (municipality_code) DO NOTHING`, municipality, EditionID); err != nil {
		return 0, err
	}
	r := rand.New(rand.NewPCG(2026, 11))
	users := People(r)
	ids, err := accounts.Seed(ctx, users, Password)
	if err != nil {
		return 0, fmt.Errorf("seed demo users: %w", err)
	}
	if err := fillHelp(ctx, accounts, hs, ids, users, r); err != nil {
		return 0, err
	}
	me, err := accounts.User(ctx, ids[0])
	if err != nil {
		return 0, err
	}
	if me.Email != LoginEmail {
		return 0, fmt.Errorf("demo: the first demo user is %s, want the demo login", me.Email)
	}
	var neighbours []*account.User
	for _, id := range ids[1:4] {
		u, err := accounts.User(ctx, id)
		if err != nil {
			return 0, err
		}
		neighbours = append(neighbours, u)
	}
	if err := fillMessages(ctx, accounts, ms, me, neighbours); err != nil {
		return 0, err
	}
	// The demo login also coordinates the edition, so that a newcomer
	// sees the coordinator's pages (escalations, how dispatch ranked).
	if err := accounts.GrantRole(ctx, LoginEmail, "zutphen", account.RoleCoordinator); err != nil {
		return 0, err
	}
	var people []*account.User
	for _, id := range ids[10:26] {
		u, err := accounts.User(ctx, id)
		if err != nil {
			return 0, err
		}
		people = append(people, u)
	}
	if err := fillSafety(ctx, s, me, people); err != nil {
		return 0, err
	}
	if _, err := db.Exec(ctx, "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING",
		filledKey, time.Now().UTC().Format(time.RFC3339)); err != nil {
		return 0, err
	}
	return len(users), nil
}

// People makes the demo town's users with r (exported for tests of its shape).
func People(r *rand.Rand) []account.SeedUser {
	start := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	out := make([]account.SeedUser, 0, Users)
	used := map[string]bool{}
	for i := 0; i < Users; i++ {
		first := firstNames[r.IntN(len(firstNames))]
		sur := surnames[r.IntN(len(surnames))]
		email := fmt.Sprintf("%s.%s.%d@demo.noaber.test", slug(first), slug(sur), i)
		if i == 0 {
			first, sur, email = "Demi", "Noaber", LoginEmail
		}
		if used[email] {
			continue
		}
		used[email] = true
		u := account.SeedUser{
			Email: email, FirstName: first, Surname: sur, Town: Town,
			Postcode:    postcodes[r.IntN(len(postcodes))] + string(rune('A'+r.IntN(18))) + string(rune('A'+r.IntN(26))),
			HouseNumber: fmt.Sprint(1 + r.IntN(140)),
			Bio:         bios[r.IntN(len(bios))],
			Locale:      i18n.NL,
			Languages:   []string{"nl"},
			CreatedAt:   start.Add(time.Duration(r.IntN(300*24)) * time.Hour),
			// Spread over the town: up to about 2.5 km from the centre.
			Location: geo.Location{
				Point:            geo.Point{Lat: centre.Lat + (r.Float64()-0.5)*0.045, Lng: centre.Lng + (r.Float64()-0.5)*0.07},
				Town:             Town,
				MunicipalityCode: municipality,
				Source:           geo.SourceAddress,
			},
		}
		if r.IntN(6) == 0 {
			u.Languages = append(u.Languages, []string{"en", "ar", "tr", "uk", "ti", "pl", "de"}[r.IntN(7)])
		}
		// About half offer help, a third ask, some do both.
		switch k := r.IntN(10); {
		case k < 5:
			u.Offers = pick(r, 1+r.IntN(3))
		case k < 8:
			u.Asks = pick(r, 1+r.IntN(2))
		default:
			u.Offers, u.Asks = pick(r, 1+r.IntN(2)), pick(r, 1)
		}
		if i == 0 {
			u.Asks, u.Offers = []string{"computer"}, []string{"groceries", "company"}
		}
		out = append(out, u)
	}
	return out
}

func pick(r *rand.Rand, n int) []string {
	p := r.Perm(len(categories))
	out := make([]string, n)
	for i := range out {
		out[i] = categories[p[i]]
	}
	return out
}

func slug(s string) string {
	s = strings.ToLower(s)
	s = strings.NewReplacer(" ", "", "ş", "s", "ı", "i", "ë", "e").Replace(s)
	return s
}
