package api

import (
	"regexp"
	"time"
	_ "time/tzdata" // Europe/Amsterdam on hosts without a zoneinfo database

	"github.com/noaber/noaber/internal/account"
	"github.com/noaber/noaber/internal/help"
)

// The API's shapes for requests, offers, helper settings and blocks. Like
// PublicProfile, the shapes others see have no field for a position,
// street, postcode, house number or e-mail address: only a town and a
// rounded distance between snapped cells. Place is filled for the seeker
// alone.

// amsterdam is the time zone of every time shown or taken: help happens
// in the Netherlands, whatever the server's zone (loaded once, in account).
var amsterdam = account.Amsterdam

// weekdays are the day names of the API, Monday first (index 0 = ISO 1).
var weekdays = [7]string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"}

// dayParts are the parts of a day in helper availability.
var dayParts = [3]string{"morning", "afternoon", "evening"}

// Template guides a seeker through asking for one kind of help.
type Template struct {
	Category  CategoryRef        `json:"category"`
	Questions []TemplateQuestion `json:"questions"`
	Example   string             `json:"example"`
}

// TemplateQuestion is one guided question; its id is the key of the
// answer in a request's "answers".
type TemplateQuestion struct {
	ID       string `json:"id"`
	Label    string `json:"label"`
	Hint     string `json:"hint"`
	Required bool   `json:"required"`
	Max      int    `json:"max"`
}

func templateFrom(t *help.Template) Template {
	out := Template{Category: categoryRef(t.Category), Example: t.Example, Questions: []TemplateQuestion{}}
	for _, q := range t.Questions {
		out.Questions = append(out.Questions, TemplateQuestion{ID: q.ID, Label: q.Label, Hint: q.Hint, Required: q.Required, Max: q.Max})
	}
	return out
}

func categoryRef(c account.Category) CategoryRef {
	return CategoryRef{ID: c.ID, Name: c.Name, Icon: c.Icon}
}

// Preview says how many helpers are within reach. Count is nil when Few:
// a small number could point at one neighbour.
type Preview struct {
	Few      bool `json:"few"`
	Many     bool `json:"many"`
	Count    *int `json:"count"`
	RadiusKm int  `json:"radius_km"`
}

func previewFrom(p *help.Preview) Preview {
	out := Preview{Few: p.Few, Many: p.Many, RadiusKm: p.RadiusKm}
	if !p.Few {
		// The rule is the service's; this is a second lock on the door.
		n := max(p.Count, help.PreviewFew)
		out.Count = &n
	}
	return out
}

// PersonRef is another user next to a request or offer.
type PersonRef struct {
	ID          string `json:"id"`
	DisplayName string `json:"display_name"`
}

// RequestAnswer is a guided question with the seeker's answer.
type RequestAnswer struct {
	Question string `json:"question"`
	Label    string `json:"label"`
	Text     string `json:"text"`
}

// When is a request's time, in Europe/Amsterdam. Only the fields of its
// kind are present.
type When struct {
	Kind    string `json:"kind"`
	Date    string `json:"date,omitempty"`
	Weekday string `json:"weekday,omitempty"`
	From    string `json:"from,omitempty"`
	To      string `json:"to,omitempty"`
}

func whenFrom(w help.When) When {
	out := When{Kind: w.Kind}
	switch w.Kind {
	case help.WhenWindow:
		s, e := w.Start.In(amsterdam), w.End.In(amsterdam)
		out.Date, out.From, out.To = s.Format(time.DateOnly), s.Format("15:04"), e.Format("15:04")
	case help.WhenWeekly:
		if w.Weekday >= 1 && w.Weekday <= 7 {
			out.Weekday = weekdays[w.Weekday-1]
		}
		out.From, out.To = w.From, w.To
	}
	return out
}

// Place is where the seeker wants help: at home, or at another postcode.
// Only the seeker ever gets it.
type Place struct {
	Kind        string `json:"kind"`
	Postcode    string `json:"postcode,omitempty"`
	HouseNumber string `json:"house_number,omitempty"`
}

// placeText splits the service's "7511 AB 12" into postcode and house.
var placeText = regexp.MustCompile(`^(\d{4} ?[A-Z]{2}|\d{4})(?: (.+))?$`)

func placeFrom(s string) *Place {
	switch s {
	case "":
		return nil
	case help.PlaceHome:
		return &Place{Kind: help.PlaceHome}
	}
	if m := placeText.FindStringSubmatch(s); m != nil {
		return &Place{Kind: help.PlaceElsewhere, Postcode: m[1], HouseNumber: m[2]}
	}
	return &Place{Kind: help.PlaceElsewhere, Postcode: s}
}

// HelpRequest is a request for help as the caller may see it.
type HelpRequest struct {
	ID         string          `json:"id"`
	Category   CategoryRef     `json:"category"`
	Title      string          `json:"title"`
	Answers    []RequestAnswer `json:"answers"`
	When       When            `json:"when"`
	Town       string          `json:"town"`
	DistanceKm *int            `json:"distance_km"`
	Status     string          `json:"status"`
	ShowOnly   bool            `json:"show_only"`
	// TrustedOnly: only helpers with a trust signal beyond a verified
	// e-mail address are invited.
	TrustedOnly bool      `json:"trusted_only"`
	Seeker      PersonRef `json:"seeker"`
	Mine        bool      `json:"mine"`
	Place       *Place    `json:"place,omitempty"`
	CreatedAt   string    `json:"created_at"`
	ExpiresAt   string    `json:"expires_at"`
	// Hint is a safety hint for the author, only in the answer to
	// creating or changing it ("contact_public": the text holds a phone
	// number, e-mail or address that strangers will read).
	Hint string `json:"hint,omitempty"`
}

func requestFrom(v *help.RequestView) HelpRequest {
	out := HelpRequest{
		ID: v.ID, Category: categoryRef(v.Category), Title: v.Title, Answers: []RequestAnswer{},
		When: whenFrom(v.When), Town: v.Town, DistanceKm: distance(v.HasDistance, v.DistanceKm), Status: v.Status, ShowOnly: v.ShowOnly, TrustedOnly: v.TrustedOnly,
		Seeker: PersonRef{ID: v.Seeker.ID, DisplayName: v.Seeker.DisplayName}, Mine: v.Mine,
		CreatedAt: timeJSON(v.CreatedAt), ExpiresAt: timeJSON(v.ExpiresAt),
	}
	if v.Mine {
		out.Hint = v.Hint
	}
	for _, a := range v.Answers {
		out.Answers = append(out.Answers, RequestAnswer{Question: a.QuestionID, Label: a.Label, Text: a.Text})
	}
	if v.Mine {
		// Never for anyone else, whatever the view holds.
		out.Place = placeFrom(v.Place)
	}
	return out
}

// Offer is a helper's concrete offer as the caller may see it.
type Offer struct {
	ID         string      `json:"id"`
	Category   CategoryRef `json:"category"`
	Title      string      `json:"title"`
	Body       string      `json:"body"`
	Town       string      `json:"town"`
	DistanceKm *int        `json:"distance_km"`
	Status     string      `json:"status"`
	Helper     PersonRef   `json:"helper"`
	Mine       bool        `json:"mine"`
	CreatedAt  string      `json:"created_at"`
	ExpiresAt  string      `json:"expires_at"`
	// Hint: as HelpRequest.Hint.
	Hint string `json:"hint,omitempty"`
}

func offerFrom(v *help.OfferView) Offer {
	out := Offer{
		ID: v.ID, Category: categoryRef(v.Category), Title: v.Title, Body: v.Body, Town: v.Town,
		DistanceKm: distance(v.HasDistance, v.DistanceKm), Status: v.Status, Helper: PersonRef{ID: v.Helper.ID, DisplayName: v.Helper.DisplayName},
		Mine: v.Mine, CreatedAt: timeJSON(v.CreatedAt), ExpiresAt: timeJSON(v.ExpiresAt),
	}
	if v.Mine {
		out.Hint = v.Hint
	}
	return out
}

// HelperSettings is what the caller is willing to do as a helper.
// Availability maps a day ("mon".."sun") to its parts ("morning",
// "afternoon", "evening"); every day is present, an empty list for none.
type HelperSettings struct {
	Categories   []string            `json:"categories"`
	RadiusKm     float64             `json:"radius_km"`
	Availability map[string][]string `json:"availability"`
	QuietStart   string              `json:"quiet_start"`
	QuietEnd     string              `json:"quiet_end"`
	WeeklyMax    int                 `json:"weekly_max"`
	PausedUntil  *string             `json:"paused_until"`
}

func helperSettingsFrom(s *help.HelperSettings) HelperSettings {
	out := HelperSettings{
		Categories: nonNil(s.Categories), RadiusKm: s.RadiusKm, Availability: map[string][]string{},
		QuietStart: s.QuietStart, QuietEnd: s.QuietEnd, WeeklyMax: s.WeeklyMax,
	}
	for d, parts := range s.Availability {
		out.Availability[weekdays[d]] = []string{}
		for p, on := range parts {
			if on {
				out.Availability[weekdays[d]] = append(out.Availability[weekdays[d]], dayParts[p])
			}
		}
	}
	if s.PausedUntil != "" {
		p := s.PausedUntil
		out.PausedUntil = &p
	}
	return out
}

// SearchResult is one page of requests or offers, nearest or newest
// first. Next is the cursor of the following page, null on the last.
type SearchResult struct {
	Items []any   `json:"items"`
	Next  *string `json:"next"`
}

func searchResultFrom(r *help.SearchResult) SearchResult {
	out := SearchResult{Items: []any{}}
	for i := range r.Requests {
		out.Items = append(out.Items, requestFrom(&r.Requests[i]))
	}
	for i := range r.Offers {
		out.Items = append(out.Items, offerFrom(&r.Offers[i]))
	}
	if r.Next != "" {
		n := r.Next
		out.Next = &n
	}
	return out
}

// BlockedUser is someone the caller blocked.
type BlockedUser struct {
	ID          string `json:"id"`
	DisplayName string `json:"display_name"`
	Since       string `json:"since"`
}

func blockedFrom(bs []account.BlockedUser) []BlockedUser {
	out := make([]BlockedUser, 0, len(bs))
	for _, b := range bs {
		out = append(out, BlockedUser{ID: b.ID, DisplayName: b.DisplayName, Since: timeJSON(b.Since)})
	}
	return out
}

// distance is km, or null when the viewer has no stored position to
// measure from.
func distance(has bool, km int) *int {
	if !has {
		return nil
	}
	return &km
}
