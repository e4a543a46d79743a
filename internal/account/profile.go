package account

import (
	"context"
	"errors"
	"slices"

	"github.com/noaber/noaber/internal/apperr"
	"github.com/noaber/noaber/internal/i18n"
	"github.com/noaber/noaber/internal/store"
)

// UpdateProfile replaces the user's profile with in, after checking all of
// it; nothing is written when anything is wrong.
func (s *Service) UpdateProfile(ctx context.Context, userID string, in ProfileInput) (*User, error) {
	var c apperr.Collector
	in.FirstName, in.Surname = cleanLine(in.FirstName), cleanLine(in.Surname)
	checkName(&c, "first_name", in.FirstName)
	checkName(&c, "surname", in.Surname)
	p := checkPlace(&c, in.Postcode, in.HouseNumber, in.Town)
	if !validText(in.Bio, MaxBio) {
		c.Add("bio", "account.bio_too_long", "max", MaxBio)
	}
	cats, err := s.Categories(ctx, i18n.Default)
	if err != nil {
		return nil, err
	}
	known := func(id string) bool {
		return slices.ContainsFunc(cats, func(c Category) bool { return c.ID == id })
	}
	asks, offers, langs := dedupe(in.Asks), dedupe(in.Offers), dedupe(in.Languages)
	for field, ids := range map[string][]string{"asks": asks, "offers": offers} {
		for _, id := range ids {
			if !known(id) {
				c.Add(field, "account.category_unknown")
			}
		}
	}
	for _, l := range langs {
		if !slices.Contains(LanguageCodes, l) {
			c.Add("languages", "account.language_unknown")
		}
	}
	if err := c.Err(); err != nil {
		return nil, err
	}
	loc, located, err := s.locate(ctx, &c, p)
	if err != nil {
		return nil, err
	}
	if err := c.Err(); err != nil {
		return nil, err
	}
	var saved *User
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		res, err := tx.Exec(ctx, `UPDATE users SET first_name = ?, surname = ?, show_full_surname = ?, postcode = ?,
			house_number = ?, town = ?, bio = ?, updated_at = ? WHERE id = ? AND status = ?`,
			in.FirstName, in.Surname, in.ShowFullSurname, p.postcode, p.houseNumber, p.town, in.Bio, s.now(), userID, StatusActive)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.NotFound()
		}
		if _, err := tx.Exec(ctx, "DELETE FROM user_help WHERE user_id = ?", userID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "DELETE FROM user_languages WHERE user_id = ?", userID); err != nil {
			return err
		}
		for kind, ids := range map[string][]string{"ask": asks, "offer": offers} {
			for _, id := range ids {
				if _, err := tx.Exec(ctx, "INSERT INTO user_help (user_id, kind, category_id) VALUES (?, ?, ?)", userID, kind, id); err != nil {
					return err
				}
			}
		}
		for _, l := range langs {
			if _, err := tx.Exec(ctx, "INSERT INTO user_languages (user_id, lang) VALUES (?, ?)", userID, l); err != nil {
				return err
			}
		}
		moved := false
		if located {
			if moved, err = s.movesTo(ctx, tx, userID, loc); err != nil {
				return err
			}
		}
		if moved {
			err = s.setLocation(ctx, tx, userID, loc)
		} else {
			// The offered help may have changed.
			err = s.positionChanged(ctx, tx, userID)
		}
		if err != nil {
			return err
		}
		if saved, err = s.userTx(ctx, tx, userID); err != nil {
			return err
		}
		if err := loadLists(ctx, tx, saved); err != nil {
			return err
		}
		// The checks of the text (the flag rules) are written with it, or
		// not at all.
		if s.profileHook != nil {
			return s.profileHook(ctx, tx, saved)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return saved, nil
}

func dedupe(ids []string) []string {
	out := []string{}
	for _, id := range ids {
		if id != "" && !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}

// SetLocale stores the user's interface and e-mail language.
func (s *Service) SetLocale(ctx context.Context, userID string, lang i18n.Lang) error {
	l, ok := i18n.Parse(string(lang))
	if !ok {
		return apperr.Invalid(apperr.FieldError{Field: "locale", Key: "account.locale_unknown"})
	}
	_, err := s.db.Exec(ctx, "UPDATE users SET locale = ?, updated_at = ? WHERE id = ?", string(l), s.now(), userID)
	return err
}

// checkCurrentPassword verifies the password of a signed-in user before a
// sensitive change, counting failures like failed logins.
func (s *Service) checkCurrentPassword(ctx context.Context, userID, password string) (*User, error) {
	var hash string
	u, err := scanUser(s.db.QueryRow(ctx, "SELECT "+userColumns+", password_hash FROM users WHERE id = ?", userID), &hash)
	if err != nil {
		return nil, notFound(err)
	}
	over, wait, err := s.exceeded(ctx, s.db, loginPerAccount, u.Email)
	if err != nil {
		return nil, err
	}
	if over {
		return nil, apperr.RateLimited("account.login_rate_limited", "minutes", minutes(wait))
	}
	if !checkPasswordHash(hash, password) {
		if err := s.record(ctx, s.db, loginPerAccount, u.Email); err != nil {
			return nil, err
		}
		return nil, apperr.Invalid(apperr.FieldError{Field: "current_password", Key: "account.password_wrong"})
	}
	return u, nil
}

// ChangePassword sets a new password after checking the current one. Every
// session of the account ends, this one included (a stolen session must not
// survive a password change): the caller asks the user to log in again.
func (s *Service) ChangePassword(ctx context.Context, userID, current, newPassword string) error {
	var c apperr.Collector
	if current == "" {
		c.Add("current_password", "account.password_required")
	}
	checkPassword(&c, "new_password", newPassword)
	if err := c.Err(); err != nil {
		return err
	}
	if _, err := s.checkCurrentPassword(ctx, userID, current); err != nil {
		return err
	}
	hash, err := s.hashPassword(newPassword)
	if err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *store.Tx) error { return s.setPassword(ctx, tx, userID, hash, false) })
}

// ChangeEmail starts a change of address: a link goes to the new address,
// and the change happens when it is used. If the new address belongs to
// another account nothing is sent, and the answer is the same.
func (s *Service) ChangeEmail(ctx context.Context, userID, password, newEmail string) error {
	var c apperr.Collector
	norm, ok := NormalizeEmail(newEmail)
	if !ok {
		c.Add("new_email", "account.email_invalid")
	}
	if password == "" {
		c.Add("current_password", "account.password_required")
	}
	if err := c.Err(); err != nil {
		return err
	}
	u, err := s.checkCurrentPassword(ctx, userID, password)
	if err != nil {
		return err
	}
	if norm == u.Email {
		return apperr.Invalid(apperr.FieldError{Field: "new_email", Key: "account.email_same"})
	}
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		if _, err := s.userByEmail(ctx, tx, norm); err == nil {
			return nil
		} else if !errors.Is(err, store.ErrNotFound) {
			return err
		}
		return s.sendVerification(ctx, tx, u, norm, "verify_change")
	})
}
