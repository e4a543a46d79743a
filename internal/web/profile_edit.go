package web

import (
	"net/http"
	"net/url"

	"github.com/noaber/noaber/internal/account"
	"github.com/noaber/noaber/internal/apperr"
)

type profileEditPage struct {
	Categories []account.Category
	Languages  []string
	MaxBio     int
}

var profileFields = []string{"first_name", "surname", "show_full_surname", "postcode", "house_number", "town", "bio", "asks", "offers", "languages"}

func (h *Handler) profileEditForm(w http.ResponseWriter, r *http.Request, v *visit) error {
	u := v.user
	f := &form{Errors: map[string]string{}, Values: url.Values{
		"first_name": {u.FirstName}, "surname": {u.Surname}, "postcode": {account.FormatPostcode(u.Postcode)},
		"house_number": {u.HouseNumber}, "town": {u.Town}, "bio": {u.Bio},
		"asks": u.Asks, "offers": u.Offers, "languages": u.Languages,
	}}
	if u.ShowFullSurname {
		f.Values.Set("show_full_surname", "1")
	}
	return h.renderProfileEdit(w, r, v, http.StatusOK, f)
}

// profileEdit saves the whole profile; nothing is saved when any field is
// wrong.
func (h *Handler) profileEdit(w http.ResponseWriter, r *http.Request, v *visit) error {
	if err := r.ParseForm(); err != nil {
		return apperr.Invalid()
	}
	f := readForm(r, profileFields...)
	_, err := h.accounts.UpdateProfile(r.Context(), v.user.ID, account.ProfileInput{
		FirstName: f.get("first_name"), Surname: f.get("surname"), ShowFullSurname: f.get("show_full_surname") != "",
		Postcode: f.get("postcode"), HouseNumber: f.get("house_number"), Town: f.get("town"),
		Bio: f.Values.Get("bio"), Asks: f.Values["asks"], Offers: f.Values["offers"], Languages: f.Values["languages"],
	})
	if e, ok := apperr.As(err); ok {
		return h.renderProfileEdit(w, r, v, f.setError(v.lang, e, nil), f)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/people/"+v.user.ID+"?saved=1", http.StatusSeeOther)
	return nil
}

func (h *Handler) renderProfileEdit(w http.ResponseWriter, r *http.Request, v *visit, status int, f *form) error {
	cats, err := h.accounts.Categories(r.Context(), v.lang)
	if err != nil {
		return err
	}
	h.render(w, r, status, "profile_edit", &view{Form: f, Data: profileEditPage{
		Categories: cats, Languages: account.LanguageCodes, MaxBio: account.MaxBio,
	}})
	return nil
}
