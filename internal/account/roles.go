package account

import (
	"context"
	"errors"
	"fmt"

	"github.com/noaber/noaber/internal/store"
)

// Roles in an edition.
const (
	RoleCoordinator = "coordinator" // sees the edition's escalations and how dispatch ranked
	RoleModerator   = "moderator"
)

// Edition is an edition of Noaber: the national one or a local one that
// covers some municipalities.
type Edition struct {
	ID       string
	Slug     string
	Name     string
	National bool
}

// Edition returns the edition with the given id.
func (s *Service) Edition(ctx context.Context, id string) (*Edition, error) {
	var e Edition
	err := s.db.QueryRow(ctx, "SELECT id, slug, name, is_national FROM editions WHERE id = ?", id).
		Scan(&e.ID, &e.Slug, &e.Name, &e.National)
	if err != nil {
		return nil, notFound(err)
	}
	return &e, nil
}

// EditionsWithRole lists the editions in which u holds role; a platform
// admin holds every role in every edition.
func (s *Service) EditionsWithRole(ctx context.Context, u *User, role string) ([]Edition, error) {
	q := "SELECT e.id, e.slug, e.name, e.is_national FROM editions e"
	var args []any
	if u.Role != RoleAdmin {
		q += " JOIN edition_roles r ON r.edition_id = e.id AND r.user_id = ? AND r.role = ?"
		args = []any{u.ID, role}
	}
	rows, err := s.db.Query(ctx, q+" ORDER BY e.is_national DESC, e.name", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Edition
	for rows.Next() {
		var e Edition
		if err := rows.Scan(&e.ID, &e.Slug, &e.Name, &e.National); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// RolesHeld says which edition roles u holds anywhere (all of them for a
// platform admin), in one indexed query: the pages' header asks it on
// every page view, for the coordinator and moderator links.
func (s *Service) RolesHeld(ctx context.Context, u *User) (map[string]bool, error) {
	if u.Role == RoleAdmin {
		return map[string]bool{RoleCoordinator: true, RoleModerator: true}, nil
	}
	rows, err := s.db.Query(ctx, "SELECT DISTINCT role FROM edition_roles WHERE user_id = ?", u.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	held := map[string]bool{}
	for rows.Next() {
		var role string
		if err := rows.Scan(&role); err != nil {
			return nil, err
		}
		held[role] = true
	}
	return held, rows.Err()
}

// HasRole says whether u holds role in the edition.
func (s *Service) HasRole(ctx context.Context, u *User, editionID, role string) (bool, error) {
	if u.Role == RoleAdmin {
		return true, nil
	}
	var n int
	err := s.db.QueryRow(ctx, "SELECT COUNT(*) FROM edition_roles WHERE user_id = ? AND edition_id = ? AND role = ?",
		u.ID, editionID, role).Scan(&n)
	return n > 0, err
}

// GrantRole gives the user with the given e-mail address role in the
// edition with the given slug (for 'noaber admin grant').
func (s *Service) GrantRole(ctx context.Context, email, editionSlug, role string) error {
	if role != RoleCoordinator && role != RoleModerator {
		return fmt.Errorf("unknown role %q (coordinator or moderator)", role)
	}
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		var userID, editionID string
		norm, _ := NormalizeEmail(email)
		if err := tx.QueryRow(ctx, "SELECT id FROM users WHERE email = ?", norm).Scan(&userID); err != nil {
			if errors.Is(err, store.ErrNotFound) {
				return fmt.Errorf("no account with e-mail address %s", email)
			}
			return err
		}
		if err := tx.QueryRow(ctx, "SELECT id FROM editions WHERE slug = ?", editionSlug).Scan(&editionID); err != nil {
			if errors.Is(err, store.ErrNotFound) {
				return fmt.Errorf("no edition %q", editionSlug)
			}
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO edition_roles (user_id, edition_id, role, created_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (user_id, edition_id, role) DO NOTHING`, userID, editionID, role, s.now())
		return err
	})
}
