package trust_test

import (
	"strings"
	"testing"
	"time"

	"github.com/noaber/noaber/internal/account"
	"github.com/noaber/noaber/internal/store"
	"github.com/noaber/noaber/internal/testkit"
	"github.com/noaber/noaber/internal/trust"
)

func TestVouch(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		coord := e.coordinator("Dina", account.NationalEditionID)
		otherCoord := e.coordinator("Ed", otherEdition)
		helper := e.person("Bert")
		member := e.person("Cor")

		// Who may vouch: a coordinator of the person's edition, not of
		// another, not a member, not for themselves.
		for _, c := range []struct {
			who  *account.User
			whom string
			want bool
		}{{coord, helper.ID, true}, {otherCoord, helper.ID, false}, {member, helper.ID, false},
			{coord, coord.ID, false}, {coord, "nobody", false}} {
			ok, err := e.trust.CanVouch(e.ctx, c.who, c.whom)
			if err != nil || ok != c.want {
				t.Errorf("CanVouch(%s, %s) = %v %v, want %v", c.who.FirstName, c.whom, ok, err, c.want)
			}
		}
		in := trust.VouchInput{Organisation: "Welzijn Enschede"}
		wantStatus(t, e.trust.Vouch(e.ctx, otherCoord, helper.ID, in), 404, "not_found")
		wantStatus(t, e.trust.Vouch(e.ctx, member, helper.ID, in), 404, "not_found")
		wantStatus(t, e.trust.Unvouch(e.ctx, otherCoord, helper.ID), 404, "not_found")
		if e.signals(helper).Any() {
			t.Fatal("a refused vouch was stored")
		}

		wantField(t, e.trust.Vouch(e.ctx, coord, helper.ID, trust.VouchInput{Organisation: " "}), "organisation", "trust.organisation_required")
		wantField(t, e.trust.Vouch(e.ctx, coord, helper.ID, trust.VouchInput{Organisation: strings.Repeat("a", trust.MaxOrganisation+1)}),
			"organisation", "trust.organisation_too_long")
		tomorrow := startTime.AddDate(0, 0, 1)
		wantField(t, e.trust.Vouch(e.ctx, coord, helper.ID, trust.VouchInput{Organisation: "Welzijn", VOGCheckedOn: &tomorrow}),
			"vog_checked_on", "trust.vog_future")
		if n := e.count("SELECT COUNT(*) FROM vouches"); n != 0 {
			t.Fatalf("%d vouches after bad input", n)
		}

		if err := e.trust.Vouch(e.ctx, coord, helper.ID, in); err != nil {
			t.Fatal(err)
		}
		sig := e.signals(helper)
		if !sig.Any() || len(sig.Vouches) != 1 || sig.Vouches[0].Organisation != "Welzijn Enschede" || !sig.Vouches[0].VOGCheckedOn.IsZero() {
			t.Fatalf("signals after vouch %+v", sig)
		}

		// A second vouch replaces the first: one active row.
		e.clk.add(time.Hour)
		today := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
		if err := e.trust.Vouch(e.ctx, coord, helper.ID, trust.VouchInput{Organisation: "Vluchtelingenwerk", VOGCheckedOn: &today}); err != nil {
			t.Fatal(err)
		}
		sig = e.signals(helper)
		if len(sig.Vouches) != 1 || sig.Vouches[0].Organisation != "Vluchtelingenwerk" || !sig.Vouches[0].VOGCheckedOn.Equal(today) {
			t.Fatalf("signals after a second vouch %+v", sig)
		}
		if n := e.count("SELECT COUNT(*) FROM vouches WHERE user_id = ?", helper.ID); n != 2 {
			t.Fatalf("%d vouch rows, want the old (revoked) and the new", n)
		}

		if err := e.trust.Unvouch(e.ctx, coord, helper.ID); err != nil {
			t.Fatal(err)
		}
		if sig := e.signals(helper); sig.Any() || len(sig.Vouches) != 0 {
			t.Fatalf("signals after unvouch %+v", sig)
		}
		if err := e.trust.Unvouch(e.ctx, coord, helper.ID); err != nil {
			t.Fatalf("unvouching twice: %v", err)
		}

		// A coordinator of the other edition vouches for its own members
		// only; a platform admin for anyone.
		gent := e.moveTo(e.person("Fien"), otherEdition)
		wantStatus(t, e.trust.Vouch(e.ctx, coord, gent.ID, in), 404, "not_found")
		if err := e.trust.Vouch(e.ctx, otherCoord, gent.ID, in); err != nil {
			t.Fatal(err)
		}
		admin := e.person("Gert")
		e.exec("UPDATE users SET role = 'admin' WHERE id = ?", admin.ID)
		admin = e.user(admin.ID)
		if err := e.trust.Vouch(e.ctx, admin, member.ID, in); err != nil {
			t.Fatal(err)
		}
		if !e.signals(member).Any() || !e.signals(gent).Any() {
			t.Fatal("vouches by the edition's coordinator or an admin do not show")
		}
	})
}
