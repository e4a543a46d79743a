package api

import (
	"net/http"

	"github.com/noaber/noaber/internal/account"
	"github.com/noaber/noaber/internal/i18n"
)

type signupRequest struct {
	Email       string `json:"email"`
	Password    string `json:"password"`
	FirstName   string `json:"first_name"`
	Surname     string `json:"surname"`
	Postcode    string `json:"postcode"`
	HouseNumber string `json:"house_number"`
	Town        string `json:"town"`
	AcceptRules bool   `json:"accept_rules"`
	Locale      string `json:"locale"`
}

// signup answers the same whether or not the address already has an
// account: the service mails the owner instead.
func (h *Handler) signup(w http.ResponseWriter, r *http.Request) error {
	var req signupRequest
	if err := decode(w, r, &req); err != nil {
		return err
	}
	l := lang(r)
	if req.Locale != "" {
		if pl, ok := i18n.Parse(req.Locale); ok {
			l = pl
		}
	}
	err := h.accounts.Signup(r.Context(), account.SignupInput{
		Email: req.Email, Password: req.Password, FirstName: req.FirstName, Surname: req.Surname,
		Postcode: req.Postcode, HouseNumber: req.HouseNumber, Town: req.Town,
		AcceptRules: req.AcceptRules, Locale: l, Addr: h.clientAddr(r),
	})
	if err != nil {
		return err
	}
	h.writeJSON(w, r, http.StatusAccepted, Message{i18n.T(lang(r), "api.signup_accepted")})
	return nil
}
