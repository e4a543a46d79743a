package trust

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"errors"
	"net/http"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/noaber/noaber/internal/account"
	"github.com/noaber/noaber/internal/apperr"
	"github.com/noaber/noaber/internal/store"
)

// newToken is an invite token: 32 random bytes, base64url without
// padding (43 characters), so it cannot be guessed.
func newToken() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on supported systems
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// cleanLine trims and collapses the spaces of a one-line text.
func cleanLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// checkLine validates a required one-line text field.
func checkLine(c *apperr.Collector, field, v string, max int) {
	switch {
	case v == "":
		c.Add(field, "trust."+field+"_required")
	case !utf8.ValidString(v) || strings.IndexFunc(v, unicode.IsControl) >= 0:
		c.Add(field, "trust."+field+"_invalid")
	case utf8.RuneCountInString(v) > max:
		c.Add(field, "trust."+field+"_too_long", "max", max)
	}
}

func errGroupClosed() *apperr.Error {
	return apperr.New(http.StatusConflict, "closed", "trust.group_closed")
}

// groupColumns are read by scanGroup, with the administrator's name.
const groupColumns = `g.id, g.edition_id, g.name, g.area, g.admin_id, g.invite_token, g.confirmed_at, g.closed_at,
	g.created_at, u.first_name, u.surname, u.show_full_surname`

const groupFrom = ` FROM watch_groups g JOIN users u ON u.id = g.admin_id`

func scanGroup(row interface{ Scan(...any) error }) (*Group, error) {
	var g Group
	var confirmed, closed sql.NullTime
	var first, sur string
	var full bool
	if err := row.Scan(&g.ID, &g.EditionID, &g.Name, &g.Area, &g.AdminID, &g.InviteToken, &confirmed, &closed,
		&g.CreatedAt, &first, &sur, &full); err != nil {
		return nil, err
	}
	g.Confirmed, g.Closed = confirmed.Valid, closed.Valid
	g.CreatedAt = g.CreatedAt.UTC()
	g.AdminName = account.DisplayName(first, sur, full)
	return &g, nil
}

func (s *Service) groups(ctx context.Context, q store.Querier, where string, args ...any) ([]Group, error) {
	rows, err := q.Query(ctx, "SELECT "+groupColumns+groupFrom+" WHERE "+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Group{}
	for rows.Next() {
		g, err := scanGroup(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *g)
	}
	return out, rows.Err()
}

// group reads one group; not found when there is none.
func (s *Service) group(ctx context.Context, q store.Querier, id string) (*Group, error) {
	g, err := scanGroup(q.QueryRow(ctx, "SELECT "+groupColumns+groupFrom+" WHERE g.id = ?", id))
	if errors.Is(err, store.ErrNotFound) {
		return nil, apperr.NotFound()
	}
	return g, err
}

// adminGroup reads a group that admin administers; not found for anyone
// else.
func (s *Service) adminGroup(ctx context.Context, q store.Querier, admin *account.User, id string) (*Group, error) {
	g, err := s.group(ctx, q, id)
	if err != nil {
		return nil, err
	}
	if g.AdminID != admin.ID {
		return nil, apperr.NotFound()
	}
	return g, nil
}

// withMembers fills the members of the groups, in one query.
func (s *Service) withMembers(ctx context.Context, groups []Group) error {
	if len(groups) == 0 {
		return nil
	}
	byID := map[string]*Group{}
	args := make([]any, len(groups))
	for i := range groups {
		groups[i].Members = []Member{}
		byID[groups[i].ID] = &groups[i]
		args[i] = groups[i].ID
	}
	rows, err := s.db.Query(ctx, `SELECT m.group_id, m.user_id, u.first_name, u.surname, u.show_full_surname, u.town,
		m.joined_at, m.revoked_at
		FROM watch_members m JOIN users u ON u.id = m.user_id
		WHERE m.group_id IN (`+store.Placeholders(len(groups))+`) ORDER BY m.joined_at, m.user_id`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var gid, first, sur string
		var full bool
		var m Member
		var revoked sql.NullTime
		if err := rows.Scan(&gid, &m.UserID, &first, &sur, &full, &m.Town, &m.JoinedAt, &revoked); err != nil {
			return err
		}
		m.DisplayName = account.DisplayName(first, sur, full)
		m.JoinedAt = m.JoinedAt.UTC()
		m.Revoked = revoked.Valid
		byID[gid].Members = append(byID[gid].Members, m)
	}
	return rows.Err()
}

// RegisterGroup registers a neighbourhood-watch group with admin as its
// administrator and first member. Its members show the badge once a
// coordinator has confirmed the group.
func (s *Service) RegisterGroup(ctx context.Context, admin *account.User, name, area string) (*Group, error) {
	name, area = cleanLine(name), cleanLine(area)
	var c apperr.Collector
	checkLine(&c, "name", name, MaxGroupName)
	checkLine(&c, "area", area, MaxGroupArea)
	if err := c.Err(); err != nil {
		return nil, err
	}
	id := uuid.Must(uuid.NewV7()).String()
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		var open int
		if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM watch_groups WHERE admin_id = ? AND closed_at IS NULL",
			admin.ID).Scan(&open); err != nil {
			return err
		}
		if open >= MaxGroupsPerAdmin {
			return apperr.RateLimited("trust.too_many_groups", "max", MaxGroupsPerAdmin)
		}
		now := s.now()
		if _, err := tx.Exec(ctx, `INSERT INTO watch_groups (id, edition_id, name, area, admin_id, invite_token, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, id, admin.EditionID, name, area, admin.ID, newToken(), now); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, "INSERT INTO watch_members (group_id, user_id, joined_at) VALUES (?, ?, ?)", id, admin.ID, now)
		return err
	})
	if err != nil {
		return nil, err
	}
	return s.Group(ctx, admin, id)
}

// AdminGroups lists the groups admin administers, newest first, with
// their invite links and members.
func (s *Service) AdminGroups(ctx context.Context, admin *account.User) ([]Group, error) {
	gs, err := s.groups(ctx, s.db, "g.admin_id = ? ORDER BY g.created_at DESC, g.id DESC", admin.ID)
	if err != nil {
		return nil, err
	}
	return gs, s.withMembers(ctx, gs)
}

// MemberGroups lists the open groups u is a member of and does not
// administer, newest first, as the group's public face (no link, no
// members), so u can see and leave them. A revoked membership is left
// out: it is not u's to undo.
func (s *Service) MemberGroups(ctx context.Context, u *account.User) ([]Group, error) {
	gs, err := s.groups(ctx, s.db, `g.id IN (SELECT wm.group_id FROM watch_members wm WHERE wm.user_id = ? AND wm.revoked_at IS NULL)
		AND g.admin_id <> ? AND g.closed_at IS NULL ORDER BY g.created_at DESC, g.id DESC`, u.ID, u.ID)
	if err != nil {
		return nil, err
	}
	for i := range gs {
		gs[i] = *publicGroup(&gs[i])
	}
	return gs, nil
}

// Group returns one group for its administrator (with the invite link)
// or a coordinator of its edition (without); not found for anyone else.
func (s *Service) Group(ctx context.Context, viewer *account.User, groupID string) (*Group, error) {
	g, err := s.group(ctx, s.db, groupID)
	if err != nil {
		return nil, err
	}
	if g.AdminID != viewer.ID {
		ok, err := s.coordinates(ctx, viewer, g.EditionID)
		if err != nil || !ok {
			return nil, notFoundOr(err)
		}
		// The link lets someone join: only the administrator shares it.
		g.InviteToken = ""
	}
	gs := []Group{*g}
	if err := s.withMembers(ctx, gs); err != nil {
		return nil, err
	}
	return &gs[0], nil
}

// GroupByInvite returns the group an invite token is for, as the join
// page shows it (no link, no members); not found for an unknown token or
// a closed group.
func (s *Service) GroupByInvite(ctx context.Context, token string) (*Group, error) {
	g, err := s.groupByInvite(ctx, s.db, token)
	if err != nil {
		return nil, err
	}
	return publicGroup(g), nil
}

// publicGroup is what someone with the link may see of a group.
func publicGroup(g *Group) *Group {
	return &Group{ID: g.ID, EditionID: g.EditionID, Name: g.Name, Area: g.Area, AdminName: g.AdminName,
		Confirmed: g.Confirmed, CreatedAt: g.CreatedAt}
}

func (s *Service) groupByInvite(ctx context.Context, q store.Querier, token string) (*Group, error) {
	token = strings.TrimSpace(token)
	if token == "" || len(token) > 64 {
		return nil, apperr.NotFound()
	}
	g, err := scanGroup(q.QueryRow(ctx, "SELECT "+groupColumns+groupFrom+" WHERE g.invite_token = ?", token))
	if errors.Is(err, store.ErrNotFound) || (err == nil && g.Closed) {
		return nil, apperr.NotFound()
	}
	return g, err
}

// Join makes u a member of the group of an invite token. Joining again is
// fine; a member the administrator revoked cannot come back through the
// link (409 "membership_revoked").
func (s *Service) Join(ctx context.Context, u *account.User, token string) (*Group, error) {
	var g *Group
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		var err error
		if g, err = s.groupByInvite(ctx, tx, token); err != nil {
			return err
		}
		var revoked sql.NullTime
		err = tx.QueryRow(ctx, "SELECT revoked_at FROM watch_members WHERE group_id = ? AND user_id = ?", g.ID, u.ID).Scan(&revoked)
		switch {
		case err == nil && revoked.Valid:
			return apperr.New(http.StatusConflict, "membership_revoked", "trust.membership_revoked")
		case err == nil:
			return nil
		case !errors.Is(err, store.ErrNotFound):
			return err
		}
		_, err = tx.Exec(ctx, "INSERT INTO watch_members (group_id, user_id, joined_at) VALUES (?, ?, ?)", g.ID, u.ID, s.now())
		return err
	})
	if err != nil {
		return nil, err
	}
	return publicGroup(g), nil
}

// Leave ends u's own membership. It is removed, not revoked, so u can
// join again through the link; a revoked membership stays revoked.
func (s *Service) Leave(ctx context.Context, u *account.User, groupID string) error {
	res, err := s.db.Exec(ctx, "DELETE FROM watch_members WHERE group_id = ? AND user_id = ? AND revoked_at IS NULL", groupID, u.ID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return apperr.NotFound()
	}
	return nil
}

// RevokeMember ends a member's membership (the group's administrator
// only). The administrator's own membership is not revoked this way: they
// leave, or close the group. Revoking twice is fine.
func (s *Service) RevokeMember(ctx context.Context, admin *account.User, groupID, userID string) error {
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		g, err := s.adminGroup(ctx, tx, admin, groupID)
		if err != nil {
			return err
		}
		if userID == g.AdminID {
			return apperr.New(http.StatusConflict, "own_membership", "trust.revoke_self")
		}
		res, err := tx.Exec(ctx, "UPDATE watch_members SET revoked_at = ? WHERE group_id = ? AND user_id = ? AND revoked_at IS NULL",
			s.now(), groupID, userID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n > 0 {
			return nil
		}
		var one int
		err = tx.QueryRow(ctx, "SELECT 1 FROM watch_members WHERE group_id = ? AND user_id = ?", groupID, userID).Scan(&one)
		if errors.Is(err, store.ErrNotFound) {
			return apperr.NotFound()
		}
		return err
	})
}

// NewInvite replaces the group's invite link: the old one stops working
// (for a link that was shared too widely). Members stay members.
func (s *Service) NewInvite(ctx context.Context, admin *account.User, groupID string) (*Group, error) {
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		g, err := s.adminGroup(ctx, tx, admin, groupID)
		if err != nil {
			return err
		}
		if g.Closed {
			return errGroupClosed()
		}
		_, err = tx.Exec(ctx, "UPDATE watch_groups SET invite_token = ? WHERE id = ?", newToken(), groupID)
		return err
	})
	if err != nil {
		return nil, err
	}
	return s.Group(ctx, admin, groupID)
}

// CloseGroup closes a group: its members lose the badge and its link
// stops working. Its administrator or a coordinator of its edition (for a
// group that does not exist after all) may close it; closing twice is
// fine.
func (s *Service) CloseGroup(ctx context.Context, admin *account.User, groupID string) error {
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		g, err := s.group(ctx, tx, groupID)
		if err != nil {
			return err
		}
		if g.AdminID != admin.ID {
			ok, err := s.coordinates(ctx, admin, g.EditionID)
			if err != nil || !ok {
				return notFoundOr(err)
			}
		}
		if g.Closed {
			return nil
		}
		_, err = tx.Exec(ctx, "UPDATE watch_groups SET closed_at = ? WHERE id = ?", s.now(), groupID)
		return err
	})
}

// MaxPending bounds the list of groups waiting for confirmation.
const MaxPending = 200

// PendingGroups lists the unconfirmed open groups of the editions coord
// coordinates (all editions for a platform admin), oldest first, at most
// MaxPending.
func (s *Service) PendingGroups(ctx context.Context, coord *account.User) ([]Group, error) {
	eds, err := s.accounts.EditionsWithRole(ctx, coord, account.RoleCoordinator)
	if err != nil || len(eds) == 0 {
		return []Group{}, err
	}
	args := make([]any, 0, len(eds)+1)
	for _, e := range eds {
		args = append(args, e.ID)
	}
	args = append(args, MaxPending)
	gs, err := s.groups(ctx, s.db, "g.edition_id IN ("+store.Placeholders(len(eds))+
		") AND g.confirmed_at IS NULL AND g.closed_at IS NULL ORDER BY g.created_at, g.id LIMIT ?", args...)
	if err != nil {
		return nil, err
	}
	for i := range gs {
		gs[i].InviteToken = ""
	}
	return gs, s.withMembers(ctx, gs)
}

// ConfirmGroup confirms that a group exists (a coordinator of its
// edition); from then on its members show the badge. Confirming twice is
// fine; a closed group cannot be confirmed.
func (s *Service) ConfirmGroup(ctx context.Context, coord *account.User, groupID string) error {
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		g, err := s.group(ctx, tx, groupID)
		if err != nil {
			return err
		}
		ok, err := s.coordinates(ctx, coord, g.EditionID)
		if err != nil || !ok {
			return notFoundOr(err)
		}
		if g.Closed {
			return errGroupClosed()
		}
		if g.Confirmed {
			return nil
		}
		_, err = tx.Exec(ctx, "UPDATE watch_groups SET confirmed_at = ?, confirmed_by = ? WHERE id = ?", s.now(), coord.ID, groupID)
		return err
	})
}

func notFoundOr(err error) error {
	if err != nil {
		return err
	}
	return apperr.NotFound()
}
