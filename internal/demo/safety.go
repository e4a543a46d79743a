package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/noaber/noaber/internal/account"
	"github.com/noaber/noaber/internal/message"
	"github.com/noaber/noaber/internal/report"
	"github.com/noaber/noaber/internal/trust"
)

// fillSafety gives the demo what trust and safety looks like in use: the
// demo login moderates the edition and finds a short queue (a held
// message flagged by the rules and a member's report), it administers a
// confirmed neighbourhood-watch group with members, and as coordinator it
// vouched for a few helpers.
func fillSafety(ctx context.Context, s Services, me *account.User, people []*account.User) error {
	if err := s.Accounts.GrantRole(ctx, LoginEmail, "zutphen", account.RoleModerator); err != nil {
		return err
	}
	if len(people) < 16 {
		return fmt.Errorf("demo: %d people for the safety demo, want 16", len(people))
	}
	// A stranger's first message that the rules hold for a moderator.
	sender, recipient := people[0], people[1]
	if _, _, err := s.Messages.Start(ctx, sender, message.StartInput{UserID: recipient.ID,
		Body: "Hoi schoonheid, je ziet er sexy uit op je foto. Zullen we een keer daten?"}); err != nil {
		return fmt.Errorf("demo held message: %w", err)
	}
	// A member's report about another member's profile.
	if _, err := s.Reports.File(ctx, people[2], report.Input{TargetKind: report.TargetPerson, TargetID: people[3].ID,
		Reason: report.ReasonSpam, Note: "Stuurt iedereen in de buurt reclame voor zijn schoonmaakbedrijf."}); err != nil {
		return fmt.Errorf("demo report: %w", err)
	}
	// A neighbourhood-watch group the demo login runs, confirmed by the
	// demo login as coordinator, with members who joined by its link.
	g, err := s.Trust.RegisterGroup(ctx, me, "Buurtpreventie De Hoven", "De Hoven, Zutphen")
	if err != nil {
		return fmt.Errorf("demo watch group: %w", err)
	}
	if err := s.Trust.ConfirmGroup(ctx, me, g.ID); err != nil {
		return err
	}
	for _, u := range people[4:12] {
		if _, err := s.Trust.Join(ctx, u, g.InviteToken); err != nil {
			return fmt.Errorf("demo join: %w", err)
		}
	}
	// Helpers known to the volunteer centre, two with a checked VOG.
	vog := time.Now().UTC().AddDate(0, -3, 0).Truncate(24 * time.Hour)
	for i, u := range people[12:16] {
		in := trust.VouchInput{Organisation: "Vrijwilligerscentrale Zutphen"}
		if i < 2 {
			in.VOGCheckedOn = &vog
		}
		if err := s.Trust.Vouch(ctx, me, u.ID, in); err != nil {
			return fmt.Errorf("demo vouch: %w", err)
		}
	}
	return nil
}
