package web

import (
	"net/http"

	"github.com/noaber/noaber/internal/account"
	"github.com/noaber/noaber/internal/apperr"
)

var signupFields = []string{"email", "first_name", "surname", "postcode", "house_number", "town", "accept_rules"}

func (h *Handler) signupForm(w http.ResponseWriter, r *http.Request, v *visit) error {
	if v.user != nil {
		http.Redirect(w, r, "/me/profile", http.StatusSeeOther)
		return nil
	}
	h.render(w, r, http.StatusOK, "signup", &view{})
	return nil
}

// signup creates the account. Whether or not the address already had one,
// the visitor sees the same "check your e-mail" page.
func (h *Handler) signup(w http.ResponseWriter, r *http.Request, v *visit) error {
	if err := r.ParseForm(); err != nil {
		return apperr.Invalid()
	}
	f := readForm(r, signupFields...)
	err := h.accounts.Signup(r.Context(), account.SignupInput{
		Email: f.get("email"), Password: r.PostFormValue("password"),
		FirstName: f.get("first_name"), Surname: f.get("surname"),
		Postcode: f.get("postcode"), HouseNumber: f.get("house_number"), Town: f.get("town"),
		AcceptRules: f.get("accept_rules") != "", Locale: v.lang, Addr: h.clientAddr(r),
	})
	if e, ok := apperr.As(err); ok {
		h.render(w, r, f.setError(v.lang, e, nil), "signup", &view{Form: f})
		return nil
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/signup/sent", http.StatusSeeOther)
	return nil
}

func (h *Handler) signupSent(w http.ResponseWriter, r *http.Request, v *visit) error {
	h.render(w, r, http.StatusOK, "signup_sent", &view{})
	return nil
}
