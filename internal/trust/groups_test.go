package trust_test

import (
	"encoding/base64"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/noaber/noaber/internal/account"
	"github.com/noaber/noaber/internal/store"
	"github.com/noaber/noaber/internal/testkit"
	"github.com/noaber/noaber/internal/trust"
)

func TestRegisterGroupChecksInput(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		admin := e.person("Ans")
		_, err := e.trust.RegisterGroup(e.ctx, admin, "  ", "Wijk\x00")
		wantField(t, err, "name", "trust.name_required")
		wantField(t, err, "area", "trust.area_invalid")
		_, err = e.trust.RegisterGroup(e.ctx, admin, strings.Repeat("a", trust.MaxGroupName+1), "")
		wantField(t, err, "name", "trust.name_too_long")
		wantField(t, err, "area", "trust.area_required")
		if n := e.count("SELECT COUNT(*) FROM watch_groups"); n != 0 {
			t.Fatalf("%d groups stored after bad input", n)
		}

		g, err := e.trust.RegisterGroup(e.ctx, admin, "  BP  Roombeek ", "Roombeek")
		if err != nil {
			t.Fatal(err)
		}
		tok, err := base64.RawURLEncoding.DecodeString(g.InviteToken)
		if err != nil || len(tok) != 32 {
			t.Fatalf("invite token %q: %d bytes, %v", g.InviteToken, len(tok), err)
		}
		if g.Name != "BP Roombeek" || g.AdminID != admin.ID || g.Confirmed || g.Closed || g.EditionID != account.NationalEditionID {
			t.Fatalf("group %+v", g)
		}
		// The administrator is a member of their own group.
		if len(g.Members) != 1 || g.Members[0].UserID != admin.ID || g.Members[0].Town != "Enschede" {
			t.Fatalf("members %+v", g.Members)
		}

		// At most MaxGroupsPerAdmin open groups; closing one makes room.
		for i := 1; i < trust.MaxGroupsPerAdmin; i++ {
			if _, err := e.trust.RegisterGroup(e.ctx, admin, "Groep", "Wijk"); err != nil {
				t.Fatal(err)
			}
		}
		_, err = e.trust.RegisterGroup(e.ctx, admin, "Eén te veel", "Wijk")
		wantStatus(t, err, 429, "rate_limited")
		if err := e.trust.CloseGroup(e.ctx, admin, g.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := e.trust.RegisterGroup(e.ctx, admin, "Nieuw", "Wijk"); err != nil {
			t.Fatalf("after closing one: %v", err)
		}
		list, err := e.trust.AdminGroups(e.ctx, admin)
		if err != nil || len(list) != trust.MaxGroupsPerAdmin+1 || list[0].Name != "Nieuw" || list[0].InviteToken == "" {
			t.Fatalf("AdminGroups: %d groups, first %+v, %v", len(list), list[0], err)
		}
		other, err := e.trust.AdminGroups(e.ctx, e.person("Bert"))
		if err != nil || len(other) != 0 {
			t.Fatalf("someone else's AdminGroups: %+v %v", other, err)
		}
	})
}

func TestGroupAccess(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		admin := e.person("Ans")
		member := e.person("Bert")
		stranger := e.person("Cor")
		coord := e.coordinator("Dina", account.NationalEditionID)
		otherCoord := e.coordinator("Ed", otherEdition)
		g, err := e.trust.RegisterGroup(e.ctx, admin, "BP Roombeek", "Roombeek")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.trust.Join(e.ctx, member, g.InviteToken); err != nil {
			t.Fatal(err)
		}

		for _, u := range []*account.User{stranger, member, otherCoord} {
			_, err := e.trust.Group(e.ctx, u, g.ID)
			wantStatus(t, err, 404, "not_found")
		}
		_, err = e.trust.Group(e.ctx, admin, "no-such-group")
		wantStatus(t, err, 404, "not_found")

		own, err := e.trust.Group(e.ctx, admin, g.ID)
		if err != nil || own.InviteToken != g.InviteToken || len(own.Members) != 2 {
			t.Fatalf("administrator's view %+v %v", own, err)
		}
		seen, err := e.trust.Group(e.ctx, coord, g.ID)
		if err != nil || seen.InviteToken != "" || len(seen.Members) != 2 {
			t.Fatalf("coordinator's view %+v %v", seen, err)
		}

		// Only the administrator manages members and the link.
		for _, u := range []*account.User{stranger, member, coord} {
			wantStatus(t, e.trust.RevokeMember(e.ctx, u, g.ID, member.ID), 404, "not_found")
			_, err := e.trust.NewInvite(e.ctx, u, g.ID)
			wantStatus(t, err, 404, "not_found")
		}
		for _, u := range []*account.User{stranger, member, otherCoord} {
			wantStatus(t, e.trust.CloseGroup(e.ctx, u, g.ID), 404, "not_found")
			wantStatus(t, e.trust.ConfirmGroup(e.ctx, u, g.ID), 404, "not_found")
		}
		wantStatus(t, e.trust.ConfirmGroup(e.ctx, admin, g.ID), 404, "not_found")
		if got := e.signals(member).WatchGroups; len(got) != 0 {
			t.Fatalf("unconfirmed group shows: %v", got)
		}

		pend, err := e.trust.PendingGroups(e.ctx, otherCoord)
		if err != nil || len(pend) != 0 {
			t.Fatalf("other edition's pending list: %+v %v", pend, err)
		}
		pend, err = e.trust.PendingGroups(e.ctx, stranger)
		if err != nil || len(pend) != 0 {
			t.Fatalf("a member's pending list: %+v %v", pend, err)
		}
		pend, err = e.trust.PendingGroups(e.ctx, coord)
		if err != nil || len(pend) != 1 || pend[0].ID != g.ID || pend[0].InviteToken != "" {
			t.Fatalf("pending list %+v %v", pend, err)
		}
		if err := e.trust.ConfirmGroup(e.ctx, coord, g.ID); err != nil {
			t.Fatal(err)
		}
		if err := e.trust.ConfirmGroup(e.ctx, coord, g.ID); err != nil {
			t.Fatalf("confirming twice: %v", err)
		}
		if pend, _ = e.trust.PendingGroups(e.ctx, coord); len(pend) != 0 {
			t.Fatalf("confirmed group still pending: %+v", pend)
		}
		for _, u := range []*account.User{admin, member} {
			if got := e.signals(u).WatchGroups; !slices.Equal(got, []string{"BP Roombeek"}) {
				t.Fatalf("%s's groups %v", u.FirstName, got)
			}
		}
		if got := e.signals(stranger).WatchGroups; len(got) != 0 {
			t.Fatalf("stranger's groups %v", got)
		}

		// A coordinator of the edition may close a group that does not
		// exist after all; then nobody shows it and the link is dead.
		if err := e.trust.CloseGroup(e.ctx, coord, g.ID); err != nil {
			t.Fatal(err)
		}
		if got := e.signals(member).WatchGroups; len(got) != 0 {
			t.Fatalf("closed group shows: %v", got)
		}
		_, err = e.trust.GroupByInvite(e.ctx, g.InviteToken)
		wantStatus(t, err, 404, "not_found")
		_, err = e.trust.NewInvite(e.ctx, admin, g.ID)
		wantStatus(t, err, 409, "closed")
		wantStatus(t, e.trust.ConfirmGroup(e.ctx, coord, g.ID), 409, "closed")
	})
}

func TestJoinRevokeLeave(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		admin := e.person("Ans")
		member := e.person("Bert")
		coord := e.coordinator("Dina", account.NationalEditionID)
		g, err := e.trust.RegisterGroup(e.ctx, admin, "BP Roombeek", "Roombeek")
		if err != nil {
			t.Fatal(err)
		}
		if err := e.trust.ConfirmGroup(e.ctx, coord, g.ID); err != nil {
			t.Fatal(err)
		}
		for _, tok := range []string{"", "nonsense", strings.Repeat("x", 200), g.InviteToken + "x"} {
			_, err := e.trust.GroupByInvite(e.ctx, tok)
			wantStatus(t, err, 404, "not_found")
			_, err = e.trust.Join(e.ctx, member, tok)
			wantStatus(t, err, 404, "not_found")
		}
		pub, err := e.trust.GroupByInvite(e.ctx, g.InviteToken)
		if err != nil || pub.Name != "BP Roombeek" || pub.Area != "Roombeek" || pub.InviteToken != "" || pub.Members != nil {
			t.Fatalf("GroupByInvite %+v %v", pub, err)
		}
		e.clk.add(time.Minute)
		for i := 0; i < 2; i++ { // joining twice is fine
			j, err := e.trust.Join(e.ctx, member, g.InviteToken)
			if err != nil || j.ID != g.ID || j.InviteToken != "" {
				t.Fatalf("Join %d: %+v %v", i, j, err)
			}
		}
		if n := e.count("SELECT COUNT(*) FROM watch_members WHERE group_id = ?", g.ID); n != 2 {
			t.Fatalf("%d members, want 2", n)
		}
		if !e.signals(member).Any() {
			t.Fatal("a member of a confirmed group has no signal")
		}
		mine, err := e.trust.MemberGroups(e.ctx, member)
		if err != nil || len(mine) != 1 || mine[0].ID != g.ID || mine[0].InviteToken != "" || mine[0].Members != nil {
			t.Fatalf("the member's groups %+v %v, want the group without link or members", mine, err)
		}
		if theirs, err := e.trust.MemberGroups(e.ctx, admin); err != nil || len(theirs) != 0 {
			t.Fatalf("the administrator's joined groups %+v %v, want none (it is on their own list)", theirs, err)
		}

		// Leaving ends the membership; the link lets one back in.
		if err := e.trust.Leave(e.ctx, member, g.ID); err != nil {
			t.Fatal(err)
		}
		if e.signals(member).Any() {
			t.Fatal("signal after leaving")
		}
		wantStatus(t, e.trust.Leave(e.ctx, member, g.ID), 404, "not_found")
		if _, err := e.trust.Join(e.ctx, member, g.InviteToken); err != nil {
			t.Fatal(err)
		}

		// Revoked: the badge goes, and the link does not bring it back.
		wantStatus(t, e.trust.RevokeMember(e.ctx, admin, g.ID, admin.ID), 409, "own_membership")
		wantStatus(t, e.trust.RevokeMember(e.ctx, admin, g.ID, "nobody"), 404, "not_found")
		if err := e.trust.RevokeMember(e.ctx, admin, g.ID, member.ID); err != nil {
			t.Fatal(err)
		}
		if err := e.trust.RevokeMember(e.ctx, admin, g.ID, member.ID); err != nil {
			t.Fatalf("revoking twice: %v", err)
		}
		if e.signals(member).Any() {
			t.Fatal("signal after revoking")
		}
		if mine, err := e.trust.MemberGroups(e.ctx, member); err != nil || len(mine) != 0 {
			t.Fatalf("a revoked member's groups %+v %v, want none", mine, err)
		}
		_, err = e.trust.Join(e.ctx, member, g.InviteToken)
		wantStatus(t, err, 409, "membership_revoked")
		// Leaving must not wipe a revocation (and so open the door again).
		wantStatus(t, e.trust.Leave(e.ctx, member, g.ID), 404, "not_found")
		_, err = e.trust.Join(e.ctx, member, g.InviteToken)
		wantStatus(t, err, 409, "membership_revoked")
		own, err := e.trust.Group(e.ctx, admin, g.ID)
		if err != nil || len(own.Members) != 2 || !own.Members[1].Revoked || own.Members[0].Revoked {
			t.Fatalf("members after revoking %+v %v", own.Members, err)
		}

		// A new link: the old one stops working, the new one works.
		ng, err := e.trust.NewInvite(e.ctx, admin, g.ID)
		if err != nil || ng.InviteToken == g.InviteToken || ng.InviteToken == "" {
			t.Fatalf("NewInvite %+v %v", ng, err)
		}
		_, err = e.trust.GroupByInvite(e.ctx, g.InviteToken)
		wantStatus(t, err, 404, "not_found")
		third := e.person("Cor")
		if _, err := e.trust.Join(e.ctx, third, ng.InviteToken); err != nil {
			t.Fatal(err)
		}
		if got := e.signals(third).WatchGroups; !slices.Equal(got, []string{"BP Roombeek"}) {
			t.Fatalf("new member's groups %v", got)
		}
	})
}
