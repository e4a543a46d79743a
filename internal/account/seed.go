package account

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/noaber/noaber/internal/geo"
	"github.com/noaber/noaber/internal/i18n"
	"github.com/noaber/noaber/internal/store"
)

// SeedUser is a ready-made, verified account: for the demo town and for
// test fixtures, never for people signing up.
type SeedUser struct {
	Email, FirstName, Surname, Postcode, HouseNumber, Town, Bio string
	Locale                                                      i18n.Lang
	Asks, Offers, Languages                                     []string
	CreatedAt                                                   time.Time
	// Location, when set (Lat != 0), places the user; else they have no
	// position until they edit their profile.
	Location geo.Location
}

// Seed creates the given accounts, all with one password (hashed once), in
// one transaction, and returns their ids in order.
func (s *Service) Seed(ctx context.Context, users []SeedUser, password string) ([]string, error) {
	hash, err := s.hashPassword(password)
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(users))
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		for i, su := range users {
			created := su.CreatedAt
			if created.IsZero() {
				created = s.now()
			}
			created = created.UTC().Truncate(time.Microsecond)
			ids[i] = uuid.Must(uuid.NewV7()).String()
			if su.Locale == "" {
				su.Locale = i18n.Default
			}
			// Stored as sign-up stores it, so logins and lookups find it.
			if email, ok := NormalizeEmail(su.Email); ok {
				su.Email = email
			}
			if _, err := tx.Exec(ctx, `INSERT INTO users (id, edition_id, email, email_verified_at, password_hash, first_name, surname,
				postcode, house_number, town, bio, locale, role, status, rules_version, rules_accepted_at, created_at, updated_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, (SELECT rules_version FROM editions WHERE id = ?), ?, ?, ?)`,
				ids[i], NationalEditionID, su.Email, created, hash, su.FirstName, su.Surname, su.Postcode, su.HouseNumber,
				su.Town, su.Bio, string(su.Locale), RoleMember, StatusActive, NationalEditionID, created, created, created); err != nil {
				return err
			}
			for kind, cats := range map[string][]string{"ask": su.Asks, "offer": su.Offers} {
				for _, c := range dedupe(cats) {
					if _, err := tx.Exec(ctx, "INSERT INTO user_help (user_id, kind, category_id) VALUES (?, ?, ?)", ids[i], kind, c); err != nil {
						return err
					}
				}
			}
			for _, l := range dedupe(su.Languages) {
				if _, err := tx.Exec(ctx, "INSERT INTO user_languages (user_id, lang) VALUES (?, ?)", ids[i], l); err != nil {
					return err
				}
			}
			if su.Location.Lat != 0 {
				if su.Location.Source == "" {
					su.Location.Source = geo.SourceAddress
				}
				if err := s.setLocation(ctx, tx, ids[i], su.Location); err != nil {
					return err
				}
				if err := acceptCurrentRules(ctx, tx, ids[i]); err != nil {
					return err
				}
			}
		}
		return nil
	})
	return ids, err
}
