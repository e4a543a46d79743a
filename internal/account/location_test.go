package account_test

import (
	"context"
	"testing"

	"github.com/noaber/noaber/internal/account"
	"github.com/noaber/noaber/internal/geo"
	"github.com/noaber/noaber/internal/i18n"
	"github.com/noaber/noaber/internal/store"
	"github.com/noaber/noaber/internal/testkit"
)

// enschedeEdition adds a local edition 'ed-ens' for Enschede's
// municipality, with house rules version rulesVersion, and returns the
// town.
func (e *env) enschedeEdition(t *testing.T, rulesVersion int) geo.Place {
	t.Helper()
	ctx := context.Background()
	enschede, ok := geo.LookupTown("Enschede")
	if !ok {
		t.Fatal("gazetteer does not know Enschede")
	}
	if _, err := e.db.Exec(ctx, "INSERT INTO editions (id, slug, name, rules_version, created_at) VALUES ('ed-ens', 'enschede', 'Enschede helpt', ?, ?)",
		rulesVersion, e.now); err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.Exec(ctx, "INSERT INTO edition_areas (municipality_code, edition_id) VALUES (?, 'ed-ens')", enschede.MunicipalityCode); err != nil {
		t.Fatal(err)
	}
	return enschede
}

func TestSignupPlacesTheUserInTheEditionOfTheirTown(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		enschede := e.enschedeEdition(t, account.RulesVersion)
		hooked := 0
		e.svc.OnPositionChange(func(ctx context.Context, tx *store.Tx, userID string) error { hooked++; return nil })

		u := e.verifiedUser(t, "ens@example.org")
		if !u.HasPosition || u.EditionID != "ed-ens" || u.MunicipalityCode != enschede.MunicipalityCode {
			t.Fatalf("user not placed in Enschede's edition: %+v", u)
		}
		if u.Cell != geo.Snap(u.Position) || geo.Distance(u.Position, enschede.Point) > 1 {
			t.Fatalf("position %v cell %v", u.Position, u.Cell)
		}
		if hooked != 1 {
			t.Fatalf("position hook ran %d times at sign-up, want 1", hooked)
		}

		// Elsewhere: the national edition.
		in := signupInput("zwolle@example.org")
		in.Town, in.Postcode = "zwolle", "8011 AB"
		if err := e.svc.Signup(ctx, in); err != nil {
			t.Fatal(err)
		}
		z, err := e.svc.VerifyEmail(ctx, tokenFrom(t, e.lastMailTo(t, "zwolle@example.org"), "/verify"))
		if err != nil {
			t.Fatal(err)
		}
		if z.EditionID != account.NationalEditionID || z.Town != "Zwolle" && z.Town != "zwolle" {
			t.Fatalf("Zwolle user: %+v", z)
		}

		// Moving by editing the profile moves the edition along.
		moved, err := e.svc.UpdateProfile(ctx, u.ID, account.ProfileInput{FirstName: "Jan", Surname: "Berg", Postcode: "8011 AB", Town: "Zwolle"})
		if err != nil {
			t.Fatal(err)
		}
		if moved.EditionID != account.NationalEditionID || geo.Distance(moved.Position, u.Position) < 20 {
			t.Fatalf("moved user %+v", moved)
		}
	})
}

func TestUnknownTownOrPostcodeIsAFieldError(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		in := signupInput("nowhere@example.org")
		in.Town = "Atlantis aan Zee"
		wantErr(t, e.svc.Signup(ctx, in), "invalid", "town", "account.town_unknown")

		// Once postcodes are imported, a postcode that is not there is
		// unknown (a new service: the resolver caches an empty table).
		if _, err := db.Exec(ctx, "INSERT INTO postcodes (postcode, lat, lng, town, municipality_code) VALUES ('7511', 52.22, 6.89, 'Enschede', '0153')"); err != nil {
			t.Fatal(err)
		}
		e = newEnv(t, db)
		in = signupInput("nopc@example.org")
		in.Postcode = "9999 ZZ"
		err := e.svc.Signup(ctx, in)
		wantErr(t, err, "invalid", "postcode", "account.postcode_unknown")
		if n := countUsers(t, db); n != 0 {
			t.Fatalf("%d users written", n)
		}
		for _, k := range []string{"account.town_unknown", "account.postcode_unknown"} {
			if !i18n.Has(i18n.EN, k) || !i18n.Has(i18n.NL, k) {
				t.Fatalf("%s missing from a catalog", k)
			}
		}
	})
}

func TestBlockingHidesProfilesBothWays(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		a := e.verifiedUser(t, "a@example.org")
		b := e.verifiedUser(t, "b@example.org")
		c := e.verifiedUser(t, "c@example.org")
		if err := e.svc.Block(ctx, a, b.ID); err != nil {
			t.Fatal(err)
		}
		if err := e.svc.Block(ctx, a, b.ID); err != nil {
			t.Fatalf("blocking twice: %v", err)
		}
		_, err := e.svc.Profile(ctx, a, b.ID, i18n.NL)
		wantErr(t, err, "not_found", "", "")
		_, err = e.svc.Profile(ctx, b, a.ID, i18n.NL)
		wantErr(t, err, "not_found", "", "")
		if _, err := e.svc.Profile(ctx, c, a.ID, i18n.NL); err != nil {
			t.Fatalf("a third person is affected: %v", err)
		}
		list, err := e.svc.BlockedUsers(ctx, a)
		if err != nil || len(list) != 1 || list[0].ID != b.ID || list[0].DisplayName != "Jan B." {
			t.Fatalf("blocked list %+v %v", list, err)
		}
		if l, _ := e.svc.BlockedUsers(ctx, b); len(l) != 0 {
			t.Fatal("the blocked person sees a block list entry")
		}
		wantErr(t, e.svc.Unblock(ctx, b, a.ID), "not_found", "", "")
		if err := e.svc.Unblock(ctx, a, b.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.Profile(ctx, b, a.ID, i18n.NL); err != nil {
			t.Fatalf("after unblock: %v", err)
		}
		wantErr(t, e.svc.Block(ctx, a, a.ID), "not_found", "", "")
		wantErr(t, e.svc.Block(ctx, a, "no-such-user"), "not_found", "", "")
	})
}

func TestDevicePosition(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		u := e.verifiedUser(t, "dev@example.org")
		wantErr(t, e.svc.SetDevicePosition(ctx, u, 48.85, 2.35), "invalid", "position", "account.position_outside")
		p := geo.Point{Lat: 52.2215, Lng: 6.8937}
		for i := 0; i < 3; i++ {
			if err := e.svc.SetDevicePosition(ctx, u, p.Lat, p.Lng+float64(i)*0.001); err != nil {
				t.Fatalf("move %d: %v", i, err)
			}
		}
		wantErr(t, e.svc.SetDevicePosition(ctx, u, p.Lat, p.Lng), "rate_limited", "", "account.position_rate_limited")
		got, err := e.svc.User(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.LocationSource != geo.SourceDevice || got.Cell != geo.Snap(got.Position) || got.MunicipalityCode == "" {
			t.Fatalf("%+v", got)
		}
		e.advance(25 * 60 * 60 * 1e9)
		if err := e.svc.SetDevicePosition(ctx, u, p.Lat, p.Lng); err != nil {
			t.Fatalf("a day later: %v", err)
		}
	})
}

func TestMovingByProfileCountsAgainstTheDailyMoves(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		u := e.verifiedUser(t, "mover@example.org")
		in := account.ProfileInput{FirstName: "Jan", Surname: "Berg", Postcode: "7511 AB"}
		// Three real moves (another town each time) are fine, the fourth is
		// refused: walking one's position around must not be a way to
		// measure distances from many points.
		for _, town := range []string{"Hengelo", "Enschede", "Hengelo"} {
			in.Town = town
			if _, err := e.svc.UpdateProfile(ctx, u.ID, in); err != nil {
				t.Fatalf("move to %s: %v", town, err)
			}
		}
		in.Town = "Enschede"
		_, err := e.svc.UpdateProfile(ctx, u.ID, in)
		wantErr(t, err, "rate_limited", "", "account.position_rate_limited")
		if got, _ := e.svc.User(ctx, u.ID); got.Town != "Hengelo" {
			t.Fatalf("refused move was written: %s", got.Town)
		}
		// Changing something else keeps working.
		in.Town, in.Bio = "Hengelo", "Nieuw verhaal"
		if _, err := e.svc.UpdateProfile(ctx, u.ID, in); err != nil {
			t.Fatal(err)
		}
	})
}
