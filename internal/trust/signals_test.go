package trust_test

import (
	"slices"
	"testing"

	"github.com/noaber/noaber/internal/account"
	"github.com/noaber/noaber/internal/store"
	"github.com/noaber/noaber/internal/testkit"
	"github.com/noaber/noaber/internal/trust"
)

func TestSignalsCounts(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		helper := e.person("Bert")
		a, b := e.person("Ans"), e.person("Cor")
		// Helping Ans twice counts one person; an open conversation none.
		e.doneHelp(a, helper)
		e.doneHelp(a, helper)
		e.doneHelp(b, helper)
		e.exec(`INSERT INTO conversations (id, seeker_id, helper_id, created_at, kind, pair_key) VALUES ('open-1', ?, ?, ?, 'request', '')`,
			e.person("Dirk").ID, helper.ID, startTime)
		e.thank(a, helper)
		e.thank(b, helper)
		e.thank(helper, a)
		e.exec("UPDATE users SET email_verified_at = NULL WHERE id = ?", b.ID)

		all, err := e.trust.SignalsFor(e.ctx, []string{helper.ID, a.ID, b.ID, helper.ID, "nobody"})
		if err != nil {
			t.Fatal(err)
		}
		if len(all) != 3 {
			t.Fatalf("%d people, want 3 (no entry for an unknown id): %+v", len(all), all)
		}
		if got := all[helper.ID]; got.Helped != 2 || got.Thanks != 2 || !got.EmailVerified || !got.Any() {
			t.Fatalf("helper %+v", got)
		}
		if got := all[a.ID]; got.Helped != 0 || got.Thanks != 1 || !got.Any() {
			t.Fatalf("Ans %+v", got)
		}
		if got := all[b.ID]; got.EmailVerified || got.Any() {
			t.Fatalf("Cor %+v", got)
		}
		if _, err := e.trust.Signals(e.ctx, "nobody"); err == nil {
			t.Fatal("signals of an unknown id")
		}
		wantStatus(t, func() error { _, err := e.trust.Signals(e.ctx, "nobody"); return err }(), 404, "not_found")
		if got, err := e.trust.SignalsFor(e.ctx, nil); err != nil || len(got) != 0 {
			t.Fatalf("SignalsFor(nil) %v %v", got, err)
		}
	})
}

// HasSignalSQL (the dispatcher's filter) and Signals.Any (what pages
// show) must agree for every kind of signal and its near misses.
func TestHasSignalSQLAgreesWithAny(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		coord := e.coordinator("Dina", account.NationalEditionID)
		admin := e.person("Ans")
		confirmed, err := e.trust.RegisterGroup(e.ctx, admin, "Bevestigd", "Noord")
		if err != nil {
			t.Fatal(err)
		}
		if err := e.trust.ConfirmGroup(e.ctx, coord, confirmed.ID); err != nil {
			t.Fatal(err)
		}
		unconfirmedAdmin := e.person("Uma")
		unconfirmed, err := e.trust.RegisterGroup(e.ctx, unconfirmedAdmin, "Onbevestigd", "Zuid")
		if err != nil {
			t.Fatal(err)
		}
		closedAdmin := e.person("Kees")
		closed, err := e.trust.RegisterGroup(e.ctx, closedAdmin, "Gesloten", "Oost")
		if err != nil {
			t.Fatal(err)
		}
		if err := e.trust.ConfirmGroup(e.ctx, coord, closed.ID); err != nil {
			t.Fatal(err)
		}

		join := func(u *account.User, g *trust.Group) {
			if _, err := e.trust.Join(e.ctx, u, g.InviteToken); err != nil {
				t.Fatal(err)
			}
		}
		member := e.person("Member")
		join(member, confirmed)
		revoked := e.person("Revoked")
		join(revoked, confirmed)
		if err := e.trust.RevokeMember(e.ctx, admin, confirmed.ID, revoked.ID); err != nil {
			t.Fatal(err)
		}
		unconfirmedMember := e.person("Unconfirmed")
		join(unconfirmedMember, unconfirmed)
		closedMember := e.person("Closed")
		join(closedMember, closed)
		if err := e.trust.CloseGroup(e.ctx, closedAdmin, closed.ID); err != nil {
			t.Fatal(err)
		}
		vouched := e.person("Vouched")
		if err := e.trust.Vouch(e.ctx, coord, vouched.ID, trust.VouchInput{Organisation: "Welzijn"}); err != nil {
			t.Fatal(err)
		}
		unvouched := e.person("Unvouched")
		if err := e.trust.Vouch(e.ctx, coord, unvouched.ID, trust.VouchInput{Organisation: "Welzijn"}); err != nil {
			t.Fatal(err)
		}
		if err := e.trust.Unvouch(e.ctx, coord, unvouched.ID); err != nil {
			t.Fatal(err)
		}
		seeker := e.person("Seeker")
		helped := e.person("Helped")
		e.doneHelp(seeker, helped)
		thanked := e.person("Thanked")
		e.thank(seeker, thanked)
		plain := e.person("Plain")

		want := map[string]bool{
			admin.ID: true, member.ID: true, vouched.ID: true, helped.ID: true, thanked.ID: true,
			revoked.ID: false, unconfirmedMember.ID: false, unconfirmedAdmin.ID: false, closedMember.ID: false,
			closedAdmin.ID: false, unvouched.ID: false, plain.ID: false, seeker.ID: false, coord.ID: false,
		}
		var ids []string
		for id := range want {
			ids = append(ids, id)
		}
		sigs, err := e.trust.SignalsFor(e.ctx, ids)
		if err != nil {
			t.Fatal(err)
		}
		var bySQL []string
		rows, err := db.Query(e.ctx, "SELECT id FROM users u WHERE "+trust.HasSignalSQL("u.id"))
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				t.Fatal(err)
			}
			bySQL = append(bySQL, id)
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		for id, w := range want {
			sql := slices.Contains(bySQL, id)
			if any := sigs[id].Any(); any != w || sql != w {
				t.Errorf("%s: Any() = %v, HasSignalSQL = %v, want %v (%+v)", e.user(id).FirstName, any, sql, w, sigs[id])
			}
		}
	})
}
