package api

import (
	"time"

	"github.com/noaber/noaber/internal/account"
	"github.com/noaber/noaber/internal/dispatch"
	"github.com/noaber/noaber/internal/notify"
	"github.com/noaber/noaber/internal/trust"
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
	Trust         TrustSignals  `json:"trust"`
}

// CategoryRef names a category inside another object.
type CategoryRef struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Icon string `json:"icon"`
}

func profileFrom(p *account.Profile, sig *trust.Signals) PublicProfile {
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
		EmailVerified: p.EmailVerified, MemberSince: timeJSON(p.MemberSince), Trust: trustFrom(sig),
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

// listFrom converts each of vs with from, in order; an empty list encodes
// as [] rather than null.
func listFrom[T, U any](vs []T, from func(*T) U) []U {
	out := make([]U, 0, len(vs))
	for i := range vs {
		out = append(out, from(&vs[i]))
	}
	return out
}

// nonNil makes an empty list encode as [] rather than null.
func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// The shapes of the dispatcher: invitations, progress, notifications and
// what coordinators see. A helper sees the request as any other member
// does (a town and a rounded distance); a seeker sees the helper's name
// only once matched; a coordinator sees names, never an address.

// Invitation is an invitation as the invited helper sees it.
type Invitation struct {
	ID              string      `json:"id"`
	Status          string      `json:"status"`
	WithdrawnReason *string     `json:"withdrawn_reason"`
	Request         HelpRequest `json:"request"`
	SentAt          string      `json:"sent_at"`
	DeadlineAt      string      `json:"deadline_at"`
	AnsweredAt      *string     `json:"answered_at"`
	ConversationID  *string     `json:"conversation_id"`
}

func invitationFrom(v *dispatch.Invitation) Invitation {
	out := Invitation{
		ID: v.ID, Status: v.Status, Request: requestFrom(&v.Request),
		SentAt: timeJSON(v.SentAt), DeadlineAt: timeJSON(v.DeadlineAt), AnsweredAt: optTime(v.AnsweredAt),
		ConversationID: optString(v.ConversationID),
	}
	if v.Status == dispatch.InvWithdrawn {
		out.WithdrawnReason = optString(v.WithdrawnWhy)
	}
	return out
}

// Match is what an accepted invitation leads to: the request, and the
// conversation in which seeker and helper arrange the help.
type Match struct {
	RequestID      string `json:"request_id"`
	ConversationID string `json:"conversation_id"`
}

// Progress is the search for a helper as the seeker follows it. Helper is
// set only when matched.
type Progress struct {
	RequestID      string     `json:"request_id"`
	Status         string     `json:"status"`
	Asked          int        `json:"asked"`
	Declined       int        `json:"declined"`
	NoAnswer       int        `json:"no_answer"`
	Waiting        int        `json:"waiting"`
	Scheduled      int        `json:"scheduled"`
	Helper         *PersonRef `json:"helper"`
	ConversationID *string    `json:"conversation_id"`
	EscalatedAt    *string    `json:"escalated_at"`
}

func progressFrom(requestID string, p *dispatch.Progress) Progress {
	out := Progress{
		RequestID: requestID, Status: p.Status, Asked: p.Asked, Declined: p.Declined, NoAnswer: p.NoAnswer,
		Waiting: p.Waiting, Scheduled: p.Scheduled, ConversationID: optString(p.ConversationID), EscalatedAt: optTime(p.EscalatedAt),
	}
	if p.Helper != nil && p.Status == dispatch.Matched {
		out.Helper = &PersonRef{ID: p.Helper.ID, DisplayName: p.Helper.DisplayName}
	}
	return out
}

// Notification is one entry of the caller's notification list. The
// stored ref is a key against writing one twice (for an escalation it
// holds a moment too); a client gets the ids it can open instead.
type Notification struct {
	ID           string  `json:"id"`
	Kind         string  `json:"kind"`
	InvitationID *string `json:"invitation_id"`
	RequestID    *string `json:"request_id"`
	RequestTitle *string `json:"request_title"`
	CreatedAt    string  `json:"created_at"`
	Read         bool    `json:"read"`
}

// Notifications is the list behind the bell and its badge.
type Notifications struct {
	Unread int            `json:"unread"`
	Items  []Notification `json:"items"`
}

func notificationsFrom(unread int, ns []notify.Notification) Notifications {
	out := Notifications{Unread: unread, Items: make([]Notification, 0, len(ns))}
	for _, n := range ns {
		item := Notification{
			ID: n.ID, Kind: n.Kind, RequestID: optString(n.RequestID),
			RequestTitle: optString(n.RequestTitle), CreatedAt: timeJSON(n.CreatedAt), Read: n.Read,
		}
		if n.Kind == notify.Invitation || n.Kind == notify.InvitationWithdrawn {
			item.InvitationID = optString(n.Ref)
		}
		out.Items = append(out.Items, item)
	}
	return out
}

// Escalation is a request on a coordinator's list: nobody said yes in
// time, or every helper within reach was asked.
type Escalation struct {
	RequestID   string      `json:"request_id"`
	EditionID   string      `json:"edition_id"`
	Title       string      `json:"title"`
	Category    CategoryRef `json:"category"`
	Town        string      `json:"town"`
	Seeker      PersonRef   `json:"seeker"`
	Reason      string      `json:"reason"`
	EscalatedAt string      `json:"escalated_at"`
	Asked       int         `json:"asked"`
	Declined    int         `json:"declined"`
	NoAnswer    int         `json:"no_answer"`
}

// escalationsFrom names each category from cats (id to category); an
// unknown one keeps its id as its name.
func escalationsFrom(es []dispatch.Escalation, cats map[string]CategoryRef) []Escalation {
	out := make([]Escalation, 0, len(es))
	for _, e := range es {
		cat, ok := cats[e.CategoryID]
		if !ok {
			cat = CategoryRef{ID: e.CategoryID, Name: e.CategoryID}
		}
		out = append(out, Escalation{
			RequestID: e.RequestID, EditionID: e.EditionID, Title: e.Title, Category: cat, Town: e.Town,
			Seeker: PersonRef{ID: e.Seeker.ID, DisplayName: e.Seeker.DisplayName}, Reason: e.Reason,
			EscalatedAt: timeJSON(e.EscalatedAt), Asked: e.Asked, Declined: e.Declined, NoAnswer: e.NoAnswer,
		})
	}
	return out
}

// DispatchWeights are the weights of the ranking score.
type DispatchWeights struct {
	Distance    float64 `json:"distance"`
	Fit         float64 `json:"fit"`
	Reliability float64 `json:"reliability"`
	Fairness    float64 `json:"fairness"`
}

// DispatchExplanation shows a coordinator how a request was dispatched.
type DispatchExplanation struct {
	RequestID   string          `json:"request_id"`
	Title       string          `json:"title"`
	Status      string          `json:"status"`
	RadiusKm    float64         `json:"radius_km"`
	Weights     DispatchWeights `json:"weights"`
	Invitations []RankedHelper  `json:"invitations"`
}

// RankedHelper is one invited helper with the parts of their score; the
// distance is whole km, as everywhere.
type RankedHelper struct {
	Rank        int       `json:"rank"`
	Helper      PersonRef `json:"helper"`
	Status      string    `json:"status"`
	Km          int       `json:"km"`
	Fit         float64   `json:"fit"`
	Reliability float64   `json:"reliability"`
	Recent      int       `json:"recent"`
	Score       float64   `json:"score"`
	SentAt      *string   `json:"sent_at"`
	AnsweredAt  *string   `json:"answered_at"`
}

func explanationFrom(x *dispatch.Explanation) DispatchExplanation {
	w := x.Weights
	out := DispatchExplanation{
		RequestID: x.RequestID, Title: x.Title, Status: x.Status, RadiusKm: x.RadiusKm,
		Weights:     DispatchWeights{Distance: w.Distance, Fit: w.Fit, Reliability: w.Reliability, Fairness: w.Fairness},
		Invitations: make([]RankedHelper, 0, len(x.Invitations)),
	}
	for _, r := range x.Invitations {
		out.Invitations = append(out.Invitations, RankedHelper{
			Rank: r.Rank, Helper: PersonRef{ID: r.Helper.ID, DisplayName: r.Helper.DisplayName}, Status: r.Status,
			Km: r.Km, Fit: r.Fit, Reliability: r.Reliability, Recent: r.Recent, Score: r.Score,
			SentAt: optTime(r.SentAt), AnsweredAt: optTime(r.AnsweredAt),
		})
	}
	return out
}

// DispatchSettings is how an edition dispatches. The same shape is read
// and written.
type DispatchSettings struct {
	Batch         int     `json:"batch"`
	AnswerMinutes int     `json:"answer_minutes"`
	MaxKm         float64 `json:"max_km"`
	EscalateHours int     `json:"escalate_hours"`
}

func dispatchSettingsFrom(s dispatch.EditionSettings) DispatchSettings {
	return DispatchSettings{Batch: s.Batch, AnswerMinutes: s.AnswerMinutes, MaxKm: s.MaxKm, EscalateHours: s.EscalateHours}
}

// optTime is t in RFC 3339, or null when zero.
func optTime(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := timeJSON(t)
	return &s
}

// optString is s, or null when empty.
func optString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func dispatchEditionSettings(b DispatchSettings) dispatch.EditionSettings {
	return dispatch.EditionSettings{Batch: b.Batch, AnswerMinutes: b.AnswerMinutes, MaxKm: b.MaxKm, EscalateHours: b.EscalateHours}
}
