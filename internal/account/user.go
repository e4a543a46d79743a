package account

import (
	"context"
	"database/sql"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/noaber/noaber/internal/apperr"
	"github.com/noaber/noaber/internal/geo"
	"github.com/noaber/noaber/internal/i18n"
	"github.com/noaber/noaber/internal/store"
)

const userColumns = `id, edition_id, email, email_verified_at, first_name, surname, show_full_surname,
	postcode, house_number, town, bio, locale, role, status, created_at,
	lat, lng, cell_lat, cell_lng, municipality_code, location_source, suspended_until`

// scanUser reads the userColumns of a row, and any extra columns selected
// after them into extra.
func scanUser(row *store.Row, extra ...any) (*User, error) {
	var u User
	var verified sql.NullTime
	var locale string
	var lat, lng, cellLat, cellLng sql.NullFloat64
	var suspendedUntil sql.NullTime
	dest := append([]any{&u.ID, &u.EditionID, &u.Email, &verified, &u.FirstName, &u.Surname, &u.ShowFullSurname,
		&u.Postcode, &u.HouseNumber, &u.Town, &u.Bio, &locale, &u.Role, &u.Status, &u.CreatedAt,
		&lat, &lng, &cellLat, &cellLng, &u.MunicipalityCode, &u.LocationSource, &suspendedUntil}, extra...)
	if err := row.Scan(dest...); err != nil {
		return nil, err
	}
	if lat.Valid && lng.Valid && cellLat.Valid && cellLng.Valid {
		u.HasPosition = true
		u.Position = geo.Point{Lat: lat.Float64, Lng: lng.Float64}
		u.Cell = geo.Point{Lat: cellLat.Float64, Lng: cellLng.Float64}
	}
	u.EmailVerified = verified.Valid
	u.Locale, _ = i18n.Parse(locale)
	u.CreatedAt = u.CreatedAt.UTC()
	if suspendedUntil.Valid {
		u.SuspendedUntil = suspendedUntil.Time.UTC()
	}
	return &u, nil
}

// prefixed qualifies each column of a column list with a table alias.
func prefixed(alias, cols string) string {
	parts := strings.Split(cols, ",")
	for i, p := range parts {
		parts[i] = alias + strings.TrimSpace(p)
	}
	return strings.Join(parts, ", ")
}

// loadLists fills the user's help and languages in one round trip.
func loadLists(ctx context.Context, q store.Querier, u *User) error {
	rows, err := q.Query(ctx, `SELECT kind, category_id FROM user_help WHERE user_id = ?
		UNION ALL SELECT 'lang', lang FROM user_languages WHERE user_id = ?`, u.ID, u.ID)
	if err != nil {
		return err
	}
	defer rows.Close()
	u.Asks, u.Offers, u.Languages = []string{}, []string{}, []string{}
	for rows.Next() {
		var kind, v string
		if err := rows.Scan(&kind, &v); err != nil {
			return err
		}
		switch kind {
		case "ask":
			u.Asks = append(u.Asks, v)
		case "offer":
			u.Offers = append(u.Offers, v)
		default:
			u.Languages = append(u.Languages, v)
		}
	}
	sort.Strings(u.Asks)
	sort.Strings(u.Offers)
	sort.Strings(u.Languages)
	return rows.Err()
}

// User returns the account with the given id; a not-found *apperr.Error
// when there is none.
func (s *Service) User(ctx context.Context, id string) (*User, error) {
	u, err := scanUser(s.db.QueryRow(ctx, "SELECT "+userColumns+" FROM users WHERE id = ?", id))
	if err != nil {
		return nil, notFound(err)
	}
	return u, loadLists(ctx, s.db, u)
}

func (s *Service) userTx(ctx context.Context, tx *store.Tx, id string) (*User, error) {
	return scanUser(tx.QueryRow(ctx, "SELECT "+userColumns+" FROM users WHERE id = ?", id))
}

func (s *Service) userByEmail(ctx context.Context, q store.Querier, email string) (*User, error) {
	return scanUser(q.QueryRow(ctx, "SELECT "+userColumns+" FROM users WHERE email = ?", email))
}

// notFoundOr is err, or not-found when err is nil.
func notFoundOr(err error) error {
	if err != nil {
		return err
	}
	return apperr.NotFound()
}

func notFound(err error) error {
	if err == store.ErrNotFound {
		return apperr.NotFound()
	}
	return err
}

// categoriesTTL is how long the category list is kept in memory: it is
// read on nearly every page and search, and changes only when an operator
// edits it (another instance then follows within this time).
const categoriesTTL = time.Minute

type categoryCache struct {
	mu     sync.Mutex
	byLang map[i18n.Lang]cachedCategories
}

type cachedCategories struct {
	at   time.Time
	cats []Category
}

// Categories lists the kinds of help in lang (Dutch where a text is
// missing in lang), in their set order. Callers must not change the slice.
func (s *Service) Categories(ctx context.Context, lang i18n.Lang) ([]Category, error) {
	now := time.Now()
	s.cats.mu.Lock()
	c, ok := s.cats.byLang[lang]
	s.cats.mu.Unlock()
	if ok && now.Sub(c.at) < categoriesTTL {
		return c.cats, nil
	}
	cats, err := s.loadCategories(ctx, lang)
	if err != nil {
		return nil, err
	}
	s.cats.mu.Lock()
	if s.cats.byLang == nil {
		s.cats.byLang = map[i18n.Lang]cachedCategories{}
	}
	s.cats.byLang[lang] = cachedCategories{at: now, cats: cats}
	s.cats.mu.Unlock()
	return cats, nil
}

func (s *Service) loadCategories(ctx context.Context, lang i18n.Lang) ([]Category, error) {
	rows, err := s.db.Query(ctx, `SELECT c.id, c.icon, c.position, COALESCE(t.name, d.name), COALESCE(t.description, d.description)
		FROM categories c
		JOIN category_texts d ON d.category_id = c.id AND d.lang = ?
		LEFT JOIN category_texts t ON t.category_id = c.id AND t.lang = ?
		WHERE c.edition_id IS NULL
		ORDER BY c.position`, string(i18n.Default), string(lang))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Category
	for rows.Next() {
		var c Category
		if err := rows.Scan(&c.ID, &c.Icon, &c.Position, &c.Name, &c.Description); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// Profile returns what viewer may see of the user with id userID.
// Profiles are for signed-in members only; for anyone else, and for
// accounts that are suspended or removed (to anyone but their owner), the
// answer is not-found.
func (s *Service) Profile(ctx context.Context, viewer *User, userID string, lang i18n.Lang) (*Profile, error) {
	if viewer == nil {
		return nil, apperr.NotFound()
	}
	u, err := s.User(ctx, userID)
	if err != nil {
		return nil, err
	}
	if u.Status != StatusActive && u.ID != viewer.ID {
		return nil, apperr.NotFound()
	}
	if blocked, err := BlockedEitherWay(ctx, s.db, viewer.ID, u.ID); err != nil || blocked {
		return nil, notFoundOr(err)
	}
	cats, err := s.Categories(ctx, lang)
	if err != nil {
		return nil, err
	}
	byID := make(map[string]Category, len(cats))
	for _, c := range cats {
		byID[c.ID] = c
	}
	pick := func(ids []string) []Category {
		out := []Category{}
		for _, id := range ids {
			if c, ok := byID[id]; ok {
				out = append(out, c)
			}
		}
		return out
	}
	return &Profile{
		ID: u.ID, DisplayName: u.DisplayName(), Town: u.Town, Bio: u.Bio,
		Asks: pick(u.Asks), Offers: pick(u.Offers), Languages: u.Languages,
		EmailVerified: u.EmailVerified, MemberSince: u.CreatedAt.Truncate(24 * time.Hour),
	}, nil
}
