package api

import (
	"net/http"

	"github.com/noaber/noaber/internal/account"
	"github.com/noaber/noaber/internal/apperr"
	"github.com/noaber/noaber/internal/i18n"
)

// MeStatus is the caller's own account with what they must do before
// they can write again: acknowledge a moderator's warning (GET
// /me/warnings), accept new house rules (GET /house-rules).
type MeStatus struct {
	Me
	WarningPending     bool `json:"warning_pending"`
	HouseRulesOutdated bool `json:"house_rules_outdated"`
}

func meStatusFrom(u *account.User) MeStatus {
	return MeStatus{Me: meFrom(u), WarningPending: u.WarningPending, HouseRulesOutdated: u.RulesOutdated}
}

func (h *Handler) getMe(w http.ResponseWriter, r *http.Request, s *session) error {
	h.writeJSON(w, r, http.StatusOK, meStatusFrom(s.user))
	return nil
}

// patchMeRequest has a pointer for every field: a field that is absent (or
// null) keeps its value.
type patchMeRequest struct {
	FirstName       *string   `json:"first_name"`
	Surname         *string   `json:"surname"`
	ShowFullSurname *bool     `json:"show_full_surname"`
	Postcode        *string   `json:"postcode"`
	HouseNumber     *string   `json:"house_number"`
	Town            *string   `json:"town"`
	Bio             *string   `json:"bio"`
	Locale          *string   `json:"locale"`
	Asks            *[]string `json:"asks"`
	Offers          *[]string `json:"offers"`
	Languages       *[]string `json:"languages"`
}

// patchMe applies the given fields on top of the stored profile. The
// locale is checked before anything is written, so a bad request changes
// nothing.
func (h *Handler) patchMe(w http.ResponseWriter, r *http.Request, s *session) error {
	var req patchMeRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	var locale i18n.Lang
	if req.Locale != nil {
		l, ok := i18n.Parse(*req.Locale)
		if !ok {
			return apperr.Invalid(apperr.FieldError{Field: "locale", Key: "account.locale_unknown"})
		}
		locale = l
	}
	u := s.user
	in := account.ProfileInput{
		FirstName: u.FirstName, Surname: u.Surname, ShowFullSurname: u.ShowFullSurname,
		Postcode: u.Postcode, HouseNumber: u.HouseNumber, Town: u.Town, Bio: u.Bio,
		Asks: u.Asks, Offers: u.Offers, Languages: u.Languages,
	}
	set(&in.FirstName, req.FirstName)
	set(&in.Surname, req.Surname)
	set(&in.ShowFullSurname, req.ShowFullSurname)
	set(&in.Postcode, req.Postcode)
	set(&in.HouseNumber, req.HouseNumber)
	set(&in.Town, req.Town)
	set(&in.Bio, req.Bio)
	set(&in.Asks, req.Asks)
	set(&in.Offers, req.Offers)
	set(&in.Languages, req.Languages)
	if _, err := h.accounts.UpdateProfile(r.Context(), u.ID, in); err != nil {
		return err
	}
	if locale != "" && locale != u.Locale {
		if err := h.accounts.SetLocale(r.Context(), u.ID, locale); err != nil {
			return err
		}
	}
	fresh, err := h.accounts.User(r.Context(), u.ID)
	if err != nil {
		return err
	}
	h.writeJSON(w, r, http.StatusOK, meFrom(fresh))
	return nil
}

func set[T any](dst *T, v *T) {
	if v != nil {
		*dst = *v
	}
}

type changePasswordRequest struct {
	CurrentPassword string `json:"current_password"`
	NewPassword     string `json:"new_password"`
}

// changePassword ends every session of the account, this token's too: the
// client logs in again with the new password.
func (h *Handler) changePassword(w http.ResponseWriter, r *http.Request, s *session) error {
	var req changePasswordRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	if err := h.accounts.ChangePassword(r.Context(), s.user.ID, req.CurrentPassword, req.NewPassword); err != nil {
		return err
	}
	noContent(w)
	return nil
}

type changeEmailRequest struct {
	Password string `json:"password"`
	NewEmail string `json:"new_email"`
}

// changeEmail sends a link to the new address; the address changes when
// the link is used (POST /email-verification).
func (h *Handler) changeEmail(w http.ResponseWriter, r *http.Request, s *session) error {
	var req changeEmailRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	if err := h.accounts.ChangeEmail(r.Context(), s.user.ID, req.Password, req.NewEmail); err != nil {
		return renameFields(err, map[string]string{"current_password": "password"})
	}
	h.writeJSON(w, r, http.StatusAccepted, Message{i18n.T(lang(r), "api.email_change_sent")})
	return nil
}
