package api

import (
	"github.com/noaber/noaber/internal/account"
)

// The API's own shapes. Domain types are never serialised as they are:
// that is how an e-mail address or a postcode leaks.

// Me is the signed-in user's own account. It is the only shape that holds
// the e-mail address, postcode and house number.
type Me struct {
	ID              string   `json:"id"`
	Email           string   `json:"email"`
	EmailVerified   bool     `json:"email_verified"`
	FirstName       string   `json:"first_name"`
	Surname         string   `json:"surname"`
	ShowFullSurname bool     `json:"show_full_surname"`
	DisplayName     string   `json:"display_name"`
	Postcode        string   `json:"postcode"`
	HouseNumber     string   `json:"house_number"`
	Town            string   `json:"town"`
	Bio             string   `json:"bio"`
	Locale          string   `json:"locale"`
	Asks            []string `json:"asks"`
	Offers          []string `json:"offers"`
	Languages       []string `json:"languages"`
	CreatedAt       string   `json:"created_at"`
}

func meFrom(u *account.User) Me {
	return Me{
		ID: u.ID, Email: u.Email, EmailVerified: u.EmailVerified,
		FirstName: u.FirstName, Surname: u.Surname, ShowFullSurname: u.ShowFullSurname,
		DisplayName: u.DisplayName(), Postcode: u.Postcode, HouseNumber: u.HouseNumber,
		Town: u.Town, Bio: u.Bio, Locale: string(u.Locale),
		Asks: nonNil(u.Asks), Offers: nonNil(u.Offers), Languages: nonNil(u.Languages),
		CreatedAt: timeJSON(u.CreatedAt),
	}
}

// PublicProfile is what another signed-in member sees of a user. It has no
// field for an e-mail address, postcode, house number, street or
// coordinates, so none can be filled by mistake.
type PublicProfile struct {
	ID            string        `json:"id"`
	DisplayName   string        `json:"display_name"`
	Town          string        `json:"town"`
	Bio           string        `json:"bio"`
	Asks          []CategoryRef `json:"asks"`
	Offers        []CategoryRef `json:"offers"`
	Languages     []string      `json:"languages"`
	EmailVerified bool          `json:"email_verified"`
	MemberSince   string        `json:"member_since"`
}

// CategoryRef names a category inside another object.
type CategoryRef struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Icon string `json:"icon"`
}

func profileFrom(p *account.Profile) PublicProfile {
	refs := func(cs []account.Category) []CategoryRef {
		out := make([]CategoryRef, 0, len(cs))
		for _, c := range cs {
			out = append(out, CategoryRef{ID: c.ID, Name: c.Name, Icon: c.Icon})
		}
		return out
	}
	return PublicProfile{
		ID: p.ID, DisplayName: p.DisplayName, Town: p.Town, Bio: p.Bio,
		Asks: refs(p.Asks), Offers: refs(p.Offers), Languages: nonNil(p.Languages),
		EmailVerified: p.EmailVerified, MemberSince: timeJSON(p.MemberSince),
	}
}

// Category is a kind of help, in the request's language.
type Category struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Description string `json:"description"`
	Icon        string `json:"icon"`
}

// Token is a new API session.
type Token struct {
	Token     string `json:"token"`
	ExpiresAt string `json:"expires_at"`
	User      Me     `json:"user"`
}

// nonNil makes an empty list encode as [] rather than null.
func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
