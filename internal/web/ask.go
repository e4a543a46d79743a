package web

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/noaber/noaber/internal/account"
	"github.com/noaber/noaber/internal/apperr"
	"github.com/noaber/noaber/internal/help"
)

// Guided asking is four steps: a category, its questions, when and where,
// and a preview. Without JavaScript each step is a form that carries the
// earlier answers in hidden fields; only the last one ("post") writes. The
// steps after the first are POSTs so that answers stay out of addresses
// and logs.
const askSteps = 4

type askPage struct {
	EditID     string // editing this request instead of asking
	Step       int
	Steps      int
	Categories []account.Category // step 1
	Template   *help.Template     // steps 2-4
	Carry      []hidden           // values of the other steps
	Weekdays   []int
	Today      string
	// The preview (step 4).
	Answers  []help.Answer
	When     help.When
	Town     string
	Preview  string
	Few      bool
	Count    int
	ShowOnly bool
	// TrustedOnly: only helpers with a trust signal are invited.
	TrustedOnly bool
}

// The fields each step shows; the rest are carried.
var askShown = map[int]map[string]bool{
	3: {"when": true, "date": true, "weekday": true, "from": true, "to": true, "place": true, "postcode": true, "house": true, "show_only": true, "trusted_only": true},
}

// askForm shows step 1, or step 2 for the category in the query (the
// category links of step 1 are plain GETs).
func (h *Handler) askForm(w http.ResponseWriter, r *http.Request, v *visit) error {
	cat := r.URL.Query().Get("category")
	f := &form{Values: url.Values{}, Errors: map[string]string{}}
	if cat == "" {
		return h.renderAsk(w, r, v, http.StatusOK, 1, f, nil)
	}
	f.Values.Set("category", cat)
	t, err := h.help.Template(r.Context(), v.lang, cat)
	if err != nil {
		return h.askCategoryError(w, r, v, f, err)
	}
	return h.renderAsk(w, r, v, http.StatusOK, 2, f, t)
}

// ask takes one step forward (or back), and at the end posts the request.
func (h *Handler) ask(w http.ResponseWriter, r *http.Request, v *visit) error {
	f := readRequestForm(r)
	step, _ := strconv.Atoi(r.PostFormValue("step"))
	step = min(max(step, 2), askSteps)
	ctx := r.Context()
	t, err := h.help.Template(ctx, v.lang, f.get("category"))
	if err != nil {
		return h.askCategoryError(w, r, v, f, err)
	}
	if r.PostFormValue("go") == "back" {
		return h.renderAsk(w, r, v, http.StatusOK, step-1, f, t)
	}
	switch step {
	case 2:
		if err := checkAnswers(t, f); err != nil {
			return h.askError(w, r, v, f, t, err)
		}
		return h.renderAsk(w, r, v, http.StatusOK, 3, f, t)
	case 3:
		in := requestInput(f)
		if in.WhenKind != help.WhenWindow && in.WhenKind != help.WhenFlexible && in.WhenKind != help.WhenWeekly {
			var c apperr.Collector
			c.Add("when", "web.ask.when_required")
			return h.askError(w, r, v, f, t, c.Err())
		}
		return h.renderAsk(w, r, v, http.StatusOK, 4, f, t)
	}
	if r.PostFormValue("go") != "post" {
		// Step 4 without its button (Enter in no field): show it again.
		return h.renderAsk(w, r, v, http.StatusOK, 4, f, t)
	}
	rv, err := h.help.CreateRequest(ctx, v.user, requestInput(f), v.lang)
	if err != nil {
		return h.askError(w, r, v, f, t, err)
	}
	http.Redirect(w, r, "/requests/"+rv.ID+"?posted=1"+hintQuery(rv.Hint), http.StatusSeeOther)
	return nil
}

// askCategoryError sends the seeker back to step 1 when the category is
// unknown.
func (h *Handler) askCategoryError(w http.ResponseWriter, r *http.Request, v *visit, f *form, err error) error {
	e, ok := apperr.As(err)
	if !ok {
		return err
	}
	if e.Status == http.StatusNotFound || len(e.Fields) == 0 {
		e = apperr.Invalid(apperr.FieldError{Field: "category", Key: "web.ask.category_unknown"})
	}
	status := f.setError(v.lang, e, map[string]string{"category_id": "category"})
	return h.renderAsk(w, r, v, status, 1, f, nil)
}

// askError shows the first step with a wrong field again, with the error
// summary and every value kept.
func (h *Handler) askError(w http.ResponseWriter, r *http.Request, v *visit, f *form, t *help.Template, err error) error {
	e, ok := apperr.As(err)
	if !ok {
		return err
	}
	if e.Status == http.StatusNotFound {
		return e
	}
	status := f.setError(v.lang, e, fieldIDs(e))
	step := askSteps
	for id := range f.Errors {
		step = min(step, stepOf(id))
	}
	if step == 1 {
		t = nil
	}
	return h.renderAsk(w, r, v, status, step, f, t)
}

func (h *Handler) renderAsk(w http.ResponseWriter, r *http.Request, v *visit, status, step int, f *form, t *help.Template) error {
	ctx := r.Context()
	p := askPage{Step: step, Steps: askSteps, Template: t, Weekdays: []int{1, 2, 3, 4, 5, 6, 7},
		Today: time.Now().In(amsterdam).Format("2006-01-02")}
	if f.Values.Get("when") == "" {
		f.Values.Set("when", help.WhenWindow)
	}
	if f.Values.Get("place") == "" {
		f.Values.Set("place", help.PlaceHome)
	}
	switch step {
	case 1:
		cats, err := h.accounts.Categories(ctx, v.lang)
		if err != nil {
			return err
		}
		p.Categories = cats
	case 2:
		shown := map[string]bool{}
		for _, q := range t.Questions {
			shown["answer-"+q.ID] = true
		}
		p.Carry = carry(f, shown)
	case 3:
		p.Carry = carry(f, askShown[3])
	case 4:
		in := requestInput(f)
		pv, err := h.help.Preview(ctx, v.user, in.CategoryID, in.PlaceKind, in.Postcode, in.House)
		if err != nil {
			e, ok := apperr.As(err)
			if !ok || len(f.Errors) > 0 {
				return err
			}
			// The place is wrong: back to step 3 with the message.
			st := f.setError(v.lang, e, fieldIDs(e))
			return h.renderAsk(w, r, v, st, 3, f, t)
		}
		p.Carry = carry(f, nil)
		p.Answers = answerList(t, f)
		p.When = whenOf(in)
		p.Preview = previewText(v.lang, pv, t.Category.Name)
		p.Few, p.Count = pv.Few, pv.Count
		p.ShowOnly = in.ShowOnly
		p.TrustedOnly = in.TrustedOnly
		if in.PlaceKind != help.PlaceElsewhere {
			p.Town = v.user.Town
		}
	}
	h.render(w, r, status, "ask", &view{Form: f, Data: p})
	return nil
}

// whenOf is the time of a request being written, as a request shows it.
// A date or time that does not parse is left out: the service says what
// is wrong when the request is posted.
func whenOf(in help.RequestInput) help.When {
	w := help.When{Kind: in.WhenKind, Weekday: in.Weekday, From: in.From, To: in.To}
	if in.WhenKind == help.WhenWindow {
		s, err1 := time.ParseInLocation("2006-01-02 15:04", in.Date+" "+in.From, amsterdam)
		e, err2 := time.ParseInLocation("2006-01-02 15:04", in.Date+" "+in.To, amsterdam)
		if err1 != nil || err2 != nil {
			w.Kind = ""
		}
		w.Start, w.End = s, e
	}
	return w
}
