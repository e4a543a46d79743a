package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/noaber/noaber/internal/account"
	"github.com/noaber/noaber/internal/help"
	"github.com/noaber/noaber/internal/i18n"
)

// What the demo town asks for: the category, the answer to "what", and
// the answer to the category's second question (required for some).
var demoRequests = []struct{ cat, what, second string }{
	{"groceries", "Wie wil wekelijks boodschappen voor me doen?", "Bij de Albert Heijn op de Houtmarkt"},
	{"groceries", "Boodschappen halen nu ik op krukken loop", "Jumbo of Lidl, maakt niet uit"},
	{"transport", "Een lift naar het ziekenhuis voor een controle", "Gelre ziekenhuis Zutphen"},
	{"transport", "Wie rijdt me naar de fysiotherapeut?", "Praktijk in Warnsveld"},
	{"company", "Samen een kopje koffie drinken en kletsen", "Ik houd van puzzels en de krant"},
	{"company", "Een wandeling langs de IJssel maken", "Ik loop wat langzaam"},
	{"odd-jobs", "Een lamp ophangen in de gang", "Ik heb een trapje"},
	{"odd-jobs", "Een kast in elkaar zetten", "Schroevendraaier is er"},
	{"garden", "De heg knippen voor de winter", "Een kleine voortuin"},
	{"pets", "Mijn hond uitlaten als ik naar het ziekenhuis moet", "Een rustige labrador"},
	{"computer", "Hulp met videobellen naar mijn kleinkinderen", "Een iPad"},
	{"computer", "Mijn nieuwe telefoon instellen", "Een Android-telefoon"},
	{"paperwork", "Een brief van de gemeente begrijpen", "Over de huurtoeslag"},
	{"language", "Nederlands oefenen in gewone gesprekken", "Ik spreek al een beetje"},
	{"meals", "Af en toe samen koken", "Geen varkensvlees"},
	{"respite", "Een middag bij mijn man zijn zodat ik kan rusten", "Hij heeft dementie en houdt van muziek"},
}

var demoOffers = []struct{ cat, title, body string }{
	{"pets", "Ik laat op zaterdag graag een hond uit", "Ik woon bij het park en wandel toch elke dag."},
	{"computer", "Hulp met je telefoon of tablet", "Ik ben student informatica en leg het rustig uit."},
	{"transport", "Ik rijd je naar afspraken in de buurt", "Ik ben met pensioen en heb een auto."},
	{"language", "Samen Nederlands praten bij een kop thee", "Ik ben oud-docent en heb geduld."},
	{"garden", "Ik help in je tuin in het voorjaar", "Snoeien, wieden en planten."},
	{"meals", "Ik kook op woensdag een extra portie", "Lekker en gewoon Hollands."},
	{"odd-jobs", "Kleine klusjes in huis", "Lampen, kastjes, een lekkende kraan."},
	{"company", "Een wandeling of een praatje", "Ik ben graag buiten."},
}

// fillHelp gives the demo town helper settings, requests and offers, made
// through the help service so they obey every rule a real one does.
func fillHelp(ctx context.Context, accounts *account.Service, hs *help.Service, ids []string, people []account.SeedUser, r *rand.Rand) error {
	var seekers, helpers []*account.User
	for i, id := range ids {
		u, err := accounts.User(ctx, id)
		if err != nil {
			return err
		}
		if len(people[i].Offers) > 0 {
			settings := help.HelperSettings{Categories: people[i].Offers, RadiusKm: []float64{1, 2, 2, 5}[r.IntN(4)],
				QuietStart: "21:00", QuietEnd: "08:00", WeeklyMax: 3 + r.IntN(5)}
			for d := range settings.Availability {
				for p := range settings.Availability[d] {
					settings.Availability[d][p] = r.IntN(3) > 0
				}
			}
			if err := hs.SaveHelperSettings(ctx, u, settings); err != nil {
				return fmt.Errorf("helper settings of %s: %w", u.Email, err)
			}
			helpers = append(helpers, u)
		}
		if len(people[i].Asks) > 0 {
			seekers = append(seekers, u)
		}
	}
	loc := account.Amsterdam
	for i, dr := range demoRequests {
		seeker := seekers[i%len(seekers)]
		tmpl, err := hs.Template(ctx, i18n.NL, dr.cat)
		if err != nil {
			return err
		}
		in := help.RequestInput{CategoryID: dr.cat, Answers: map[string]string{"what": dr.what}, PlaceKind: help.PlaceHome}
		if len(tmpl.Questions) > 1 {
			in.Answers[tmpl.Questions[1].ID] = dr.second
		}
		switch i % 3 {
		case 0:
			in.WhenKind = help.WhenFlexible
		case 1:
			in.WhenKind, in.Date, in.From, in.To = help.WhenWindow, time.Now().In(loc).AddDate(0, 0, 1+i%10).Format("2006-01-02"), "10:00", "12:00"
		default:
			in.WhenKind, in.Weekday, in.From, in.To = help.WhenWeekly, 1+i%7, "14:00", "16:00"
		}
		if _, err := hs.CreateRequest(ctx, seeker, in, i18n.NL); err != nil {
			return fmt.Errorf("demo request %q: %w", dr.what, err)
		}
	}
	for i, do := range demoOffers {
		if _, err := hs.CreateOffer(ctx, helpers[i%len(helpers)], help.OfferInput{CategoryID: do.cat, Title: do.title, Body: do.body}, i18n.NL); err != nil {
			return fmt.Errorf("demo offer %q: %w", do.title, err)
		}
	}
	return nil
}
