package demo

import (
	"context"
	"fmt"

	"github.com/noaber/noaber/internal/account"
	"github.com/noaber/noaber/internal/message"
)

// demoTalk is one conversation of the demo login with a neighbour: who
// starts, what is said in turn, and whether the help is done and thanked.
type demoTalk struct {
	demoStarts bool
	lines      []string // alternating, the starter first
	thanks     string   // the seeker's note ("" for none); the starter is the seeker
}

var demoTalks = []demoTalk{
	{demoStarts: false, lines: []string{
		"Hoi! Ik zag dat je graag helpt met klusjes. Mijn lamp in de gang doet het niet meer. Heb je daar deze week tijd voor?",
		"Hoi! Ja, dat kan. Schikt donderdag na het eten?",
		"Donderdag is prima. Tot dan!",
	}},
	{demoStarts: true, lines: []string{
		"Hallo, wil jij zaterdag mijn boodschappen meenemen? Het is niet veel: brood, melk en fruit.",
		"Dat doe ik graag. Ik ga rond 11 uur naar de markt.",
		"Super, dank je!",
	}, thanks: "Dank je wel voor de boodschappen, en voor het gezellige praatje!"},
	{demoStarts: false, lines: []string{
		"Goedemorgen, zou je mij dinsdag naar het ziekenhuis kunnen brengen? Mijn afspraak is om 14.00 uur.",
		"Goedemorgen! Ja hoor, ik haal je om half twee op.",
	}, thanks: "Bedankt voor de lift naar het ziekenhuis. Fijn dat je op me wachtte."},
}

// fillMessages gives the demo login a few conversations with neighbours,
// written through the message service (so with notifications and unread
// counts like real ones): one still going, one where the demo login was
// helped and thanked the helper, one where the demo login helped and was
// thanked, which shows on its profile.
func fillMessages(ctx context.Context, accounts *account.Service, ms *message.Service, me *account.User, neighbours []*account.User) error {
	for i, talk := range demoTalks {
		other := neighbours[i%len(neighbours)]
		first, second := other, me
		if talk.demoStarts {
			first, second = me, other
		}
		conv, _, err := ms.Start(ctx, first, message.StartInput{UserID: second.ID, Body: talk.lines[0]})
		if err != nil {
			return fmt.Errorf("demo conversation %d: %w", i, err)
		}
		for j, line := range talk.lines[1:] {
			from := second
			if j%2 == 1 {
				from = first
			}
			if _, err := ms.Send(ctx, from, conv.ID, line, ""); err != nil {
				return fmt.Errorf("demo conversation %d, line %d: %w", i, j+2, err)
			}
		}
		if talk.thanks == "" {
			continue
		}
		if err := ms.MarkDone(ctx, first, conv.ID); err != nil {
			return err
		}
		if err := ms.Thank(ctx, first, conv.ID, talk.thanks); err != nil {
			return err
		}
	}
	return nil
}
