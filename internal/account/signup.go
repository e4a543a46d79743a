package account

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/noaber/noaber/internal/apperr"
	"github.com/noaber/noaber/internal/i18n"
	"github.com/noaber/noaber/internal/mail"
	"github.com/noaber/noaber/internal/store"
)

// NationalEditionID is the edition that covers everything no local edition
// covers (seeded by the first migration).
const NationalEditionID = "00000000-0000-7000-8000-000000000001"

// How long e-mailed links work.
const (
	verifyTTL = 48 * time.Hour
	resetTTL  = time.Hour
)

var b64url = base64.RawURLEncoding

func randRead(b []byte) {
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("crypto/rand failed: %v", err)) // cannot happen on Linux
	}
}

func (in *SignupInput) validate() (email string, p place, err error) {
	var c apperr.Collector
	email, ok := NormalizeEmail(in.Email)
	if strings.TrimSpace(in.Email) == "" {
		c.Add("email", "account.email_required")
	} else if !ok {
		c.Add("email", "account.email_invalid")
	}
	checkPassword(&c, "password", in.Password)
	in.FirstName, in.Surname = cleanLine(in.FirstName), cleanLine(in.Surname)
	checkName(&c, "first_name", in.FirstName)
	checkName(&c, "surname", in.Surname)
	p = checkPlace(&c, in.Postcode, in.HouseNumber, in.Town)
	if !in.AcceptRules {
		c.Add("accept_rules", "account.rules_required")
	}
	if _, ok := i18n.Parse(string(in.Locale)); !ok {
		in.Locale = i18n.Default
	}
	return email, p, c.Err()
}

// Signup creates an account and e-mails a verification link. When the
// address already has an account the answer is the same (nil) and that
// address gets a mail saying how to log in instead: nobody can learn from
// sign-up whether an address is registered.
func (s *Service) Signup(ctx context.Context, in SignupInput) error {
	email, p, err := in.validate()
	if err != nil {
		return err
	}
	var c apperr.Collector
	loc, located, err := s.locate(ctx, &c, p)
	if err != nil {
		return err
	}
	if err := c.Err(); err != nil {
		return err
	}
	over, wait, err := s.exceeded(ctx, s.db, signupPerAddr, in.Addr)
	if err != nil {
		return err
	}
	if over {
		return apperr.RateLimited("account.signup_rate_limited", "minutes", minutes(wait))
	}
	// Hash before the transaction (it is slow) and in both branches, so
	// the time taken does not tell whether the address exists.
	hash, err := s.hashPassword(in.Password)
	if err != nil {
		return err
	}
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		if err := s.record(ctx, tx, signupPerAddr, in.Addr); err != nil {
			return err
		}
		existing, err := s.userByEmail(ctx, tx, email)
		if err == nil {
			return s.mailExisting(ctx, tx, existing, in.Addr)
		}
		if !errors.Is(err, store.ErrNotFound) {
			return err
		}
		u := &User{
			ID: uuid.Must(uuid.NewV7()).String(), EditionID: NationalEditionID, Email: email,
			FirstName: in.FirstName, Surname: in.Surname, Postcode: p.postcode, HouseNumber: p.houseNumber,
			Town: p.town, Locale: in.Locale, Role: RoleMember, Status: StatusActive, CreatedAt: s.now(),
		}
		if err := s.insertUser(ctx, tx, u, hash); err != nil {
			return err
		}
		if located {
			if err := s.setLocation(ctx, tx, u.ID, loc); err != nil {
				return err
			}
			if err := acceptCurrentRules(ctx, tx, u.ID); err != nil {
				return err
			}
		}
		return s.sendVerification(ctx, tx, u, u.Email, "verify")
	})
	if errors.Is(err, store.ErrConflict) {
		// The same address signed up a moment ago, in another request:
		// answer as for any sign-up (PostgreSQL has rolled this one back).
		return nil
	}
	return err
}

func (s *Service) insertUser(ctx context.Context, tx *store.Tx, u *User, hash string) error {
	now := s.now()
	var verified any
	if u.EmailVerified {
		verified = now
	}
	_, err := tx.Exec(ctx, `INSERT INTO users (id, edition_id, email, email_verified_at, password_hash, first_name, surname,
		postcode, house_number, town, locale, role, status, rules_version, rules_accepted_at, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, (SELECT rules_version FROM editions WHERE id = ?), ?, ?, ?)`,
		u.ID, u.EditionID, u.Email, verified, hash, u.FirstName, u.Surname, u.Postcode, u.HouseNumber, u.Town,
		string(u.Locale), u.Role, u.Status, u.EditionID, now, now, now)
	return err
}

// acceptCurrentRules records that a new user accepted the current house
// rules of the edition they ended up in (placing them may have moved them
// from the national edition to a local one), in tx.
func acceptCurrentRules(ctx context.Context, tx *store.Tx, userID string) error {
	_, err := tx.Exec(ctx, `UPDATE users SET rules_version = (SELECT e.rules_version FROM editions e WHERE e.id = users.edition_id)
		WHERE id = ?`, userID)
	return err
}

// mailExisting tells the owner of an address that already has an account
// how to get in (at most a few times an hour).
func (s *Service) mailExisting(ctx context.Context, tx *store.Tx, u *User, addr string) error {
	ok, err := s.allow(ctx, tx, map[limit]string{mailPerAccount: u.Email, mailPerAddr: addr})
	if err != nil || !ok {
		return err
	}
	return s.enqueueMail(ctx, tx, u, u.Email, "signup_exists", map[string]any{
		"Name": u.FirstName, "LoginLink": s.opt.BaseURL + "/login", "ResetLink": s.opt.BaseURL + "/forgot",
	})
}

// sendVerification makes a verification link for email (the account's own
// address, or a new one it wants to change to) and queues the mail.
func (s *Service) sendVerification(ctx context.Context, tx *store.Tx, u *User, email, tmpl string) error {
	token, hash := newToken()
	now := s.now()
	if _, err := tx.Exec(ctx, `INSERT INTO email_tokens (token_hash, user_id, purpose, email, created_at, expires_at)
		VALUES (?, ?, 'verify', ?, ?, ?)`, hash, u.ID, email, now, now.Add(verifyTTL)); err != nil {
		return err
	}
	return s.enqueueMail(ctx, tx, u, email, tmpl, map[string]any{
		"Name": u.FirstName, "Link": s.opt.BaseURL + "/verify?token=" + token, "Hours": int(verifyTTL.Hours()),
	})
}

func (s *Service) enqueueMail(ctx context.Context, tx *store.Tx, u *User, to, tmpl string, data map[string]any) error {
	m, err := mail.Render(u.Locale, tmpl, data)
	if err != nil {
		return fmt.Errorf("render %s mail: %w", tmpl, err)
	}
	m.To = to
	return mail.Enqueue(ctx, s.jobs, tx, m)
}

// VerifyEmail uses a verification link: it confirms the account's address,
// or switches the account to the new address the link was sent to.
func (s *Service) VerifyEmail(ctx context.Context, token string) (*User, error) {
	var userID string
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		var email string
		now := s.now()
		err := tx.QueryRow(ctx, `UPDATE email_tokens SET used_at = ?
			WHERE token_hash = ? AND purpose = 'verify' AND used_at IS NULL AND expires_at > ?
			RETURNING user_id, email`, now, hashToken(token), now).Scan(&userID, &email)
		if errors.Is(err, store.ErrNotFound) {
			return linkInvalid()
		}
		if err != nil {
			return err
		}
		u, err := s.userTx(ctx, tx, userID)
		if err != nil {
			return err
		}
		if u.Email == email {
			_, err = tx.Exec(ctx, "UPDATE users SET email_verified_at = COALESCE(email_verified_at, ?), updated_at = ? WHERE id = ?", now, now, userID)
			return err
		}
		_, err = tx.Exec(ctx, "UPDATE users SET email = ?, email_verified_at = ?, updated_at = ? WHERE id = ?", email, now, now, userID)
		if errors.Is(err, store.ErrConflict) {
			return apperr.New(http.StatusConflict, "email_unavailable", "account.email_unavailable")
		}
		if err != nil {
			return err
		}
		return s.enqueueMail(ctx, tx, u, u.Email, "email_changed", map[string]any{"Name": u.FirstName, "NewEmail": email})
	})
	if err != nil {
		return nil, err
	}
	return s.User(ctx, userID)
}

func linkInvalid() error {
	return apperr.New(http.StatusGone, "link_invalid", "account.link_invalid")
}

// ResendVerification sends a new verification link when the address has an
// unverified account. The answer is the same either way.
func (s *Service) ResendVerification(ctx context.Context, email, addr string) error {
	email, ok := NormalizeEmail(email)
	if !ok {
		return apperr.Invalid(apperr.FieldError{Field: "email", Key: "account.email_invalid"})
	}
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		u, err := s.userByEmail(ctx, tx, email)
		if errors.Is(err, store.ErrNotFound) || (err == nil && u.EmailVerified) {
			return nil
		}
		if err != nil {
			return err
		}
		if ok, err := s.allow(ctx, tx, map[limit]string{mailPerAccount: u.Email, mailPerAddr: addr}); err != nil || !ok {
			return err
		}
		return s.sendVerification(ctx, tx, u, u.Email, "verify")
	})
}

// CreateAdmin creates a platform admin with a verified address (for the
// `noaber admin create` command, run by the operator).
func (s *Service) CreateAdmin(ctx context.Context, in SignupInput) (*User, error) {
	in.AcceptRules = true
	email, p, err := in.validate()
	if err != nil {
		return nil, err
	}
	var c apperr.Collector
	loc, located, err := s.locate(ctx, &c, p)
	if err != nil {
		return nil, err
	}
	if err := c.Err(); err != nil {
		return nil, err
	}
	hash, err := s.hashPassword(in.Password)
	if err != nil {
		return nil, err
	}
	u := &User{
		ID: uuid.Must(uuid.NewV7()).String(), EditionID: NationalEditionID, Email: email, EmailVerified: true,
		FirstName: in.FirstName, Surname: in.Surname, Postcode: p.postcode, HouseNumber: p.houseNumber,
		Town: p.town, Locale: in.Locale, Role: RoleAdmin, Status: StatusActive,
	}
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		if err := s.insertUser(ctx, tx, u, hash); err != nil || !located {
			return err
		}
		if err := s.setLocation(ctx, tx, u.ID, loc); err != nil {
			return err
		}
		return acceptCurrentRules(ctx, tx, u.ID)
	})
	if errors.Is(err, store.ErrConflict) {
		return nil, apperr.Invalid(apperr.FieldError{Field: "email", Key: "account.email_taken"})
	}
	if err != nil {
		return nil, err
	}
	return s.User(ctx, u.ID)
}

func minutes(d time.Duration) int {
	m := int((d + time.Minute - 1) / time.Minute)
	return max(m, 1)
}
