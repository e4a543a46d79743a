package account_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/noaber/noaber/internal/account"
	"github.com/noaber/noaber/internal/apperr"
	"github.com/noaber/noaber/internal/i18n"
	"github.com/noaber/noaber/internal/store"
	"github.com/noaber/noaber/internal/testkit"
)

const password = "correct horse battery"

func (e *env) login(t *testing.T, email string) string {
	t.Helper()
	tok, _, err := e.svc.Login(context.Background(), email, password, "192.0.2.1", "", account.WebSession)
	if err != nil {
		t.Fatalf("login %s: %v", email, err)
	}
	return tok
}

func (e *env) authenticate(t *testing.T, token string) *account.User {
	t.Helper()
	u, err := e.svc.Authenticate(context.Background(), token, account.WebSession)
	if err != nil {
		t.Fatalf("authenticate: %v", err)
	}
	return u
}

func (e *env) inTx(t *testing.T, fn func(tx *store.Tx) error) error {
	t.Helper()
	return e.db.InTx(context.Background(), fn)
}

// wantKeyIn checks that err's message key exists in every catalog.
func wantKeyIn(t *testing.T, err error) {
	t.Helper()
	ae, _ := apperr.As(err)
	for _, l := range i18n.Supported {
		if ae == nil || !i18n.Has(l, ae.Key) {
			t.Fatalf("key of %v missing in %s", err, l)
		}
		for _, f := range ae.Fields {
			if !i18n.Has(l, f.Key) {
				t.Fatalf("key %s missing in %s", f.Key, l)
			}
		}
	}
}

func TestSuspendEndsSessionsAndLoginSaysUntilWhen(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		u := e.verifiedUser(t, "sam@example.org")
		viewer := e.verifiedUser(t, "vera@example.org")
		web := e.login(t, "sam@example.org")
		api, _, err := e.svc.Login(ctx, "sam@example.org", password, "192.0.2.1", "", account.APISession)
		if err != nil {
			t.Fatal(err)
		}

		until := time.Date(2026, 12, 1, 9, 30, 0, 0, time.UTC) // 10:30 in Amsterdam
		if err := e.inTx(t, func(tx *store.Tx) error { return account.Suspend(ctx, tx, u.ID, &until, e.now) }); err != nil {
			t.Fatal(err)
		}
		// Signed out at once, in the browser and in the app.
		if _, err := e.svc.Authenticate(ctx, web, account.WebSession); err == nil {
			t.Fatal("web session of a suspended user still works")
		}
		if _, err := e.svc.Authenticate(ctx, api, account.APISession); err == nil {
			t.Fatal("API token of a suspended user still works")
		}
		var sessions int
		if err := db.QueryRow(ctx, "SELECT COUNT(*) FROM sessions WHERE user_id = ?", u.ID).Scan(&sessions); err != nil || sessions != 0 {
			t.Fatalf("%d sessions left (%v)", sessions, err)
		}
		got, err := e.svc.User(ctx, u.ID)
		if err != nil || got.Status != account.StatusSuspended || !got.SuspendedUntil.Equal(until) {
			t.Fatalf("suspended user %+v %v", got, err)
		}

		// The right password: told it is suspended, and until when.
		_, _, err = e.svc.Login(ctx, "sam@example.org", password, "192.0.2.1", "", account.WebSession)
		wantErr(t, err, "account_suspended", "", "account.suspended_until")
		ae, _ := apperr.As(err)
		if ae.Status != 403 || i18n.T(i18n.NL, ae.Key, ae.Args...) == ae.Key ||
			!strings.Contains(i18n.T(i18n.NL, ae.Key, ae.Args...), "1-12-2026 10:30") {
			t.Fatalf("suspended login: %d %q", ae.Status, i18n.T(i18n.NL, ae.Key, ae.Args...))
		}
		wantKeyIn(t, err)
		// A wrong password says nothing about the suspension.
		_, _, err = e.svc.Login(ctx, "sam@example.org", "wrong horse battery", "192.0.2.1", "", account.WebSession)
		wantErr(t, err, "login_failed", "", "account.login_failed")

		// Others do not see the profile; the user does.
		_, err = e.svc.Profile(ctx, viewer, u.ID, i18n.NL)
		wantErr(t, err, "not_found", "", "")
		if p, err := e.svc.Profile(ctx, u, u.ID, i18n.NL); err != nil || p.ID != u.ID {
			t.Fatalf("own profile while suspended: %v", err)
		}

		// Indefinitely.
		if err := e.inTx(t, func(tx *store.Tx) error { return account.Suspend(ctx, tx, u.ID, nil, e.now) }); err != nil {
			t.Fatal(err)
		}
		_, _, err = e.svc.Login(ctx, "sam@example.org", password, "192.0.2.1", "", account.WebSession)
		wantErr(t, err, "account_suspended", "", "account.suspended_indefinitely")
		wantKeyIn(t, err)

		// Reinstated: logs in again, seen again.
		if err := e.inTx(t, func(tx *store.Tx) error { return account.Reinstate(ctx, tx, u.ID, e.now) }); err != nil {
			t.Fatal(err)
		}
		back := e.authenticate(t, e.login(t, "sam@example.org"))
		if back.Status != account.StatusActive || !back.SuspendedUntil.IsZero() {
			t.Fatalf("reinstated user %+v", back)
		}
		if _, err := e.svc.Profile(ctx, viewer, u.ID, i18n.NL); err != nil {
			t.Fatalf("profile after reinstating: %v", err)
		}

		// Unknown users are not found.
		err = e.inTx(t, func(tx *store.Tx) error { return account.Suspend(ctx, tx, "no-such-id", nil, e.now) })
		wantErr(t, err, "not_found", "", "")
	})
}

func TestCloseLooksLikeNoAccount(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		u := e.verifiedUser(t, "rik@example.org")
		viewer := e.verifiedUser(t, "vera@example.org")
		tok := e.login(t, "rik@example.org")
		if err := e.inTx(t, func(tx *store.Tx) error { return account.Close(ctx, tx, u.ID, e.now) }); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.Authenticate(ctx, tok, account.WebSession); err == nil {
			t.Fatal("session of a removed user still works")
		}
		// The right password gets the same answer as a wrong one.
		_, _, err := e.svc.Login(ctx, "rik@example.org", password, "192.0.2.1", "", account.WebSession)
		wantErr(t, err, "login_failed", "", "account.login_failed")
		_, err = e.svc.Profile(ctx, viewer, u.ID, i18n.NL)
		wantErr(t, err, "not_found", "", "")

		// Removed stays removed.
		err = e.inTx(t, func(tx *store.Tx) error { return account.Reinstate(ctx, tx, u.ID, e.now) })
		wantErr(t, err, "account_removed", "", "account.account_removed")
		wantKeyIn(t, err)
		err = e.inTx(t, func(tx *store.Tx) error { return account.Suspend(ctx, tx, u.ID, nil, e.now) })
		wantErr(t, err, "account_removed", "", "account.account_removed")
		got, _ := e.svc.User(ctx, u.ID)
		if got.Status != account.StatusRemoved {
			t.Fatalf("status %s after refused reinstating", got.Status)
		}
	})
}

func TestAuthenticateSaysWarningPending(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		u := e.verifiedUser(t, "wim@example.org")
		other := e.verifiedUser(t, "otto@example.org")
		tok := e.login(t, "wim@example.org")
		if got := e.authenticate(t, tok); got.WarningPending || got.RulesOutdated {
			t.Fatalf("fresh user: %+v", got)
		}
		for _, w := range []struct{ id, user string }{{"w1", u.ID}, {"w2", other.ID}} {
			if _, err := db.Exec(ctx, "INSERT INTO warnings (id, user_id, reason, created_at) VALUES (?, ?, 'dating', ?)", w.id, w.user, e.now); err != nil {
				t.Fatal(err)
			}
		}
		if got := e.authenticate(t, tok); !got.WarningPending {
			t.Fatal("warning not pending")
		}
		if _, err := db.Exec(ctx, "UPDATE warnings SET acknowledged_at = ? WHERE id = 'w1'", e.now); err != nil {
			t.Fatal(err)
		}
		// Another user's warning is not this user's.
		if got := e.authenticate(t, tok); got.WarningPending {
			t.Fatal("acknowledged warning still pending")
		}
	})
}

// nationalSlug is the slug of the national edition.
func nationalSlug(t *testing.T, db *store.DB) string {
	var slug string
	if err := db.QueryRow(context.Background(), "SELECT slug FROM editions WHERE id = ?", account.NationalEditionID).Scan(&slug); err != nil {
		t.Fatal(err)
	}
	return slug
}

func TestHouseRulesPublishAndAccept(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		member := e.verifiedUser(t, "mia@example.org")
		coord := e.verifiedUser(t, "coco@example.org")
		if err := e.svc.GrantRole(ctx, "coco@example.org", nationalSlug(t, db), account.RoleCoordinator); err != nil {
			t.Fatal(err)
		}
		tok := e.login(t, "mia@example.org")

		// The built-in rules until an edition publishes its own.
		hr, err := e.svc.HouseRules(ctx, account.NationalEditionID, i18n.EN)
		if err != nil || hr.Version != account.RulesVersion || hr.Body != "" || !hr.PublishedAt.IsZero() || hr.EditionName == "" {
			t.Fatalf("built-in rules: %+v %v", hr, err)
		}
		_, err = e.svc.HouseRules(ctx, "no-such-edition", i18n.NL)
		wantErr(t, err, "not_found", "", "")

		// Only a coordinator of the edition (or an admin) publishes.
		_, err = e.svc.PublishHouseRules(ctx, member, account.NationalEditionID, map[i18n.Lang]string{i18n.NL: "Wees aardig."})
		wantErr(t, err, "not_found", "", "")
		_, err = e.svc.PublishHouseRules(ctx, coord, "no-such-edition", map[i18n.Lang]string{i18n.NL: "Wees aardig."})
		wantErr(t, err, "not_found", "", "")
		_, err = e.svc.PublishHouseRules(ctx, coord, account.NationalEditionID, map[i18n.Lang]string{i18n.NL: "  ", i18n.EN: "Be kind."})
		wantErr(t, err, "invalid", "body_nl", "account.house_rules_required")
		wantKeyIn(t, err)
		_, err = e.svc.PublishHouseRules(ctx, coord, account.NationalEditionID,
			map[i18n.Lang]string{i18n.NL: "Wees aardig.", i18n.EN: strings.Repeat("é", account.MaxHouseRules+1)})
		wantErr(t, err, "invalid", "body_en", "account.house_rules_too_long")
		wantKeyIn(t, err)
		if hr, _ := e.svc.HouseRules(ctx, account.NationalEditionID, i18n.NL); hr.Version != 1 {
			t.Fatalf("a refused publication changed the version to %d", hr.Version)
		}

		// Dutch only: English readers get the Dutch text.
		e.advance(time.Hour)
		v, err := e.svc.PublishHouseRules(ctx, coord, account.NationalEditionID, map[i18n.Lang]string{i18n.NL: "Wees aardig.\n\nVraag nooit geld."})
		if err != nil || v != 2 {
			t.Fatalf("publish: %d %v", v, err)
		}
		hr, _ = e.svc.HouseRules(ctx, account.NationalEditionID, i18n.EN)
		if hr.Version != 2 || hr.Body != "Wees aardig.\n\nVraag nooit geld." || !hr.PublishedAt.Equal(e.now) {
			t.Fatalf("version 2 in English: %+v", hr)
		}
		v, err = e.svc.PublishHouseRules(ctx, coord, account.NationalEditionID, map[i18n.Lang]string{i18n.NL: "Wees aardig.", i18n.EN: "Be kind."})
		if err != nil || v != 3 {
			t.Fatalf("publish: %d %v", v, err)
		}
		if hr, _ := e.svc.HouseRules(ctx, account.NationalEditionID, i18n.EN); hr.Body != "Be kind." || hr.Version != 3 {
			t.Fatalf("version 3 in English: %+v", hr)
		}

		// The member is asked again; the coordinator who wrote them is not.
		if got := e.authenticate(t, tok); !got.RulesOutdated {
			t.Fatal("member not asked to accept the new rules")
		}
		if got := e.authenticate(t, e.login(t, "coco@example.org")); got.RulesOutdated {
			t.Fatal("the coordinator is asked to accept their own text")
		}
		err = e.svc.AcceptHouseRules(ctx, member.ID, 2)
		wantErr(t, err, "rules_version_stale", "", "account.rules_version_stale")
		wantKeyIn(t, err)
		if got := e.authenticate(t, tok); !got.RulesOutdated {
			t.Fatal("accepting an old version counted")
		}
		if err := e.svc.AcceptHouseRules(ctx, member.ID, 3); err != nil {
			t.Fatal(err)
		}
		if got := e.authenticate(t, tok); got.RulesOutdated {
			t.Fatal("still asked after accepting")
		}
		err = e.svc.AcceptHouseRules(ctx, "no-such-id", 3)
		wantErr(t, err, "not_found", "", "")

		// Someone who signs up now accepts the current version.
		e.verifiedUser(t, "nina@example.org")
		if got := e.authenticate(t, e.login(t, "nina@example.org")); got.RulesOutdated {
			t.Fatal("a new member is asked to accept again")
		}
		admin, err := e.svc.CreateAdmin(ctx, account.SignupInput{Email: "root@example.org", Password: password, FirstName: "Ad",
			Surname: "Min", Postcode: "7511AB", Town: "Enschede"})
		if err != nil {
			t.Fatal(err)
		}
		if got := e.authenticate(t, e.login(t, "root@example.org")); got.RulesOutdated || got.ID != admin.ID {
			t.Fatal("a new admin is asked to accept again")
		}
		ids, err := e.svc.Seed(ctx, []account.SeedUser{{Email: "seed@example.org", FirstName: "Sied", Surname: "Seed", Town: "Enschede"}}, password)
		if err != nil {
			t.Fatal(err)
		}
		if got := e.authenticate(t, e.login(t, "seed@example.org")); got.RulesOutdated || got.ID != ids[0] {
			t.Fatal("a seeded user is asked to accept again")
		}
	})
}

func TestNewMemberOfALocalEditionAcceptsItsRules(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		e.enschedeEdition(t, 4)
		u := e.verifiedUser(t, "ens@example.org")
		got := e.authenticate(t, e.login(t, "ens@example.org"))
		if u.EditionID != "ed-ens" || got.RulesOutdated {
			t.Fatalf("new member of Enschede: edition %s, outdated %v", u.EditionID, got.RulesOutdated)
		}
		// The national coordinator cannot publish for Enschede; an admin can.
		coord := e.verifiedUser(t, "coco@example.org")
		if err := e.svc.GrantRole(ctx, "coco@example.org", nationalSlug(t, db), account.RoleCoordinator); err != nil {
			t.Fatal(err)
		}
		_, err := e.svc.PublishHouseRules(ctx, coord, "ed-ens", map[i18n.Lang]string{i18n.NL: "Wees aardig."})
		wantErr(t, err, "not_found", "", "")
		admin, err := e.svc.CreateAdmin(ctx, account.SignupInput{Email: "root@example.org", Password: password, FirstName: "Ad",
			Surname: "Min", Postcode: "8011AB", Town: "Zwolle"})
		if err != nil {
			t.Fatal(err)
		}
		if v, err := e.svc.PublishHouseRules(ctx, admin, "ed-ens", map[i18n.Lang]string{i18n.NL: "Wees aardig."}); err != nil || v != 5 {
			t.Fatalf("admin publishes: %d %v", v, err)
		}
		if got := e.authenticate(t, e.login(t, "ens@example.org")); !got.RulesOutdated {
			t.Fatal("member of Enschede not asked")
		}
	})
}

func TestProfileHookRunsInTheSaveTransaction(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		u := e.verifiedUser(t, "hank@example.org")
		refuse := errors.New("refused by the hook")
		var seen string
		e.svc.SetProfileHook(func(ctx context.Context, tx *store.Tx, saved *account.User) error {
			seen = saved.Bio
			// What the hook writes is part of the same transaction.
			if _, err := tx.Exec(ctx, `INSERT INTO reports (id, edition_id, source, subject_id, target_kind, target_id, reason, created_at)
				VALUES (?, ?, 'flag', ?, 'person', ?, 'dating', ?)`, "r-"+saved.Bio[:4], saved.EditionID, saved.ID, saved.ID, e.now); err != nil {
				return err
			}
			if strings.Contains(saved.Bio, "nee") {
				return refuse
			}
			return nil
		})
		in := account.ProfileInput{FirstName: "Hank", Surname: "Berg", Postcode: "7511AB", Town: "Enschede", Offers: []string{"meals"}}
		in.Bio = "nee, dit niet"
		if _, err := e.svc.UpdateProfile(ctx, u.ID, in); !errors.Is(err, refuse) {
			t.Fatalf("got %v, want the hook's error", err)
		}
		if seen != in.Bio {
			t.Fatalf("hook saw bio %q", seen)
		}
		after, _ := e.svc.User(ctx, u.ID)
		var reports int
		_ = db.QueryRow(ctx, "SELECT COUNT(*) FROM reports").Scan(&reports)
		if after.Bio != "" || len(after.Offers) != 0 || reports != 0 {
			t.Fatalf("a refused save wrote something: bio %q offers %v reports %d", after.Bio, after.Offers, reports)
		}
		in.Bio = "Ik kook graag."
		saved, err := e.svc.UpdateProfile(ctx, u.ID, in)
		if err != nil || saved.Bio != in.Bio || len(saved.Offers) != 1 {
			t.Fatalf("save: %+v %v", saved, err)
		}
		_ = db.QueryRow(ctx, "SELECT COUNT(*) FROM reports").Scan(&reports)
		if reports != 1 {
			t.Fatalf("%d reports after the save, want the hook's 1", reports)
		}
	})
}
