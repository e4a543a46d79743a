package api

import (
	"net/http"

	"github.com/noaber/noaber/internal/apperr"
	"github.com/noaber/noaber/internal/help"
)

// whenBody is a request's time as a client sends it (Europe/Amsterdam).
type whenBody struct {
	Kind    string `json:"kind"`
	Date    string `json:"date"`
	Weekday string `json:"weekday"`
	From    string `json:"from"`
	To      string `json:"to"`
}

// placeBody says where help is wanted.
type placeBody struct {
	Kind        string `json:"kind"`
	Postcode    string `json:"postcode"`
	HouseNumber string `json:"house_number"`
}

type requestBody struct {
	Category string            `json:"category"`
	Answers  map[string]string `json:"answers"`
	When     whenBody          `json:"when"`
	Place    placeBody         `json:"place"`
	ShowOnly bool              `json:"show_only"`
	// TrustedOnly: invite only helpers with a trust signal.
	TrustedOnly bool `json:"trusted_only"`
}

// patchRequestBody replaces each field that is present as a whole (all the
// answers, the whole time, the whole place); absent fields keep their
// value.
type patchRequestBody struct {
	Category    *string            `json:"category"`
	Answers     *map[string]string `json:"answers"`
	When        *whenBody          `json:"when"`
	Place       *placeBody         `json:"place"`
	ShowOnly    *bool              `json:"show_only"`
	TrustedOnly *bool              `json:"trusted_only"`
}

// requestFields maps the service's field names to the body's.
var requestFields = map[string]string{
	"when_kind":    "when.kind",
	"date":         "when.date",
	"weekday":      "when.weekday",
	"from":         "when.from",
	"to":           "when.to",
	"place_kind":   "place.kind",
	"postcode":     "place.postcode",
	"house_number": "place.house_number",
}

func weekdayNumber(s string) (int, error) {
	if s == "" {
		return 0, nil
	}
	for i, d := range weekdays {
		if d == s {
			return i + 1, nil
		}
	}
	return 0, apperr.Invalid(apperr.FieldError{Field: "when.weekday", Key: "api.weekday_invalid"})
}

func (b *requestBody) input() (help.RequestInput, error) {
	wd, err := weekdayNumber(b.When.Weekday)
	if err != nil {
		return help.RequestInput{}, err
	}
	return help.RequestInput{
		CategoryID: b.Category, Answers: b.Answers,
		WhenKind: b.When.Kind, Date: b.When.Date, Weekday: wd, From: b.When.From, To: b.When.To,
		PlaceKind: b.Place.Kind, Postcode: b.Place.Postcode, House: b.Place.HouseNumber,
		ShowOnly: b.ShowOnly, TrustedOnly: b.TrustedOnly,
	}, nil
}

// bodyFrom turns a stored request back into the body that would make it,
// the base a PATCH applies its fields to.
func bodyFrom(v *help.RequestView) requestBody {
	b := requestBody{Category: v.Category.ID, Answers: map[string]string{}, ShowOnly: v.ShowOnly, TrustedOnly: v.TrustedOnly}
	for _, a := range v.Answers {
		b.Answers[a.QuestionID] = a.Text
	}
	w := whenFrom(v.When)
	b.When = whenBody{Kind: w.Kind, Date: w.Date, Weekday: w.Weekday, From: w.From, To: w.To}
	if p := placeFrom(v.Place); p != nil {
		b.Place = placeBody{Kind: p.Kind, Postcode: p.Postcode, HouseNumber: p.HouseNumber}
	}
	return b
}

func (h *Handler) requestTemplate(w http.ResponseWriter, r *http.Request, s *session) error {
	t, err := h.help.Template(r.Context(), lang(r), r.PathValue("id"))
	if e, ok := apperr.As(err); ok && e.Field("category") != "" {
		// The category is the path here: an unknown one is a page that
		// does not exist, not a field to correct.
		return apperr.NotFound()
	}
	if err != nil {
		return err
	}
	w.Header().Set("Vary", "Accept-Language")
	h.writeJSON(w, r, http.StatusOK, templateFrom(t))
	return nil
}

type previewBody struct {
	Category string    `json:"category"`
	Place    placeBody `json:"place"`
}

func (h *Handler) previewRequest(w http.ResponseWriter, r *http.Request, s *session) error {
	var b previewBody
	if err := decode(w, r, &b); err != nil {
		return err
	}
	p, err := h.help.Preview(r.Context(), s.user, b.Category, b.Place.Kind, b.Place.Postcode, b.Place.HouseNumber)
	if err != nil {
		return renameFields(err, requestFields)
	}
	h.writeJSON(w, r, http.StatusOK, previewFrom(p))
	return nil
}

func (h *Handler) createRequest(w http.ResponseWriter, r *http.Request, s *session) error {
	var b requestBody
	if err := decode(w, r, &b); err != nil {
		return err
	}
	in, err := b.input()
	if err != nil {
		return err
	}
	v, err := h.help.CreateRequest(r.Context(), s.user, in, lang(r))
	if err != nil {
		return renameFields(err, requestFields)
	}
	w.Header().Set("Location", h.baseURL+"/api/v1/requests/"+v.ID)
	h.writeJSON(w, r, http.StatusCreated, requestFrom(v))
	return nil
}

func (h *Handler) getRequest(w http.ResponseWriter, r *http.Request, s *session) error {
	v, err := h.help.Request(r.Context(), s.user, r.PathValue("id"), lang(r))
	if err != nil {
		return err
	}
	h.writeJSON(w, r, http.StatusOK, requestFrom(v))
	return nil
}

// patchRequest changes an open request of the caller. Anyone else's
// request answers 404, as one that does not exist.
func (h *Handler) patchRequest(w http.ResponseWriter, r *http.Request, s *session) error {
	var p patchRequestBody
	if err := decode(w, r, &p); err != nil {
		return err
	}
	id := r.PathValue("id")
	cur, err := h.help.Request(r.Context(), s.user, id, lang(r))
	if err != nil {
		return err
	}
	if !cur.Mine {
		return apperr.NotFound()
	}
	b := bodyFrom(cur)
	set(&b.Category, p.Category)
	set(&b.Answers, p.Answers)
	set(&b.When, p.When)
	set(&b.Place, p.Place)
	set(&b.ShowOnly, p.ShowOnly)
	set(&b.TrustedOnly, p.TrustedOnly)
	in, err := b.input()
	if err != nil {
		return err
	}
	v, err := h.help.UpdateRequest(r.Context(), s.user, id, in, lang(r))
	if err != nil {
		return renameFields(err, requestFields)
	}
	h.writeJSON(w, r, http.StatusOK, requestFrom(v))
	return nil
}

func (h *Handler) cancelRequest(w http.ResponseWriter, r *http.Request, s *session) error {
	if err := h.help.CancelRequest(r.Context(), s.user, r.PathValue("id")); err != nil {
		return err
	}
	noContent(w)
	return nil
}

func (h *Handler) myRequests(w http.ResponseWriter, r *http.Request, s *session) error {
	vs, err := h.help.MyRequests(r.Context(), s.user, lang(r))
	if err != nil {
		return err
	}
	h.writeJSON(w, r, http.StatusOK, listFrom(vs, requestFrom))
	return nil
}
