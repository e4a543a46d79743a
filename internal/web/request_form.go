package web

import (
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/noaber/noaber/internal/apperr"
	"github.com/noaber/noaber/internal/help"
)

// The fields of the request form (asking and editing), besides one
// "answer-<question id>" per guided question.
var requestFields = []string{"category", "when", "date", "weekday", "from", "to", "place", "postcode", "house", "show_only", "trusted_only"}

// Which step of guided asking shows each field; a field error sends the
// seeker back to the first step that has one.
var fieldStep = map[string]int{
	"category": 1,
	"title":    2,
	"when":     3, "date": 3, "weekday": 3, "from": 3, "to": 3,
	"place": 3, "postcode": 3, "house": 3, "show_only": 3, "trusted_only": 3,
}

func stepOf(id string) int {
	if strings.HasPrefix(id, "answer-") {
		return 2
	}
	if s, ok := fieldStep[id]; ok {
		return s
	}
	return 4
}

// readRequestForm keeps the request fields of a posted form.
func readRequestForm(r *http.Request) *form {
	f := readForm(r, requestFields...)
	for k, vs := range r.PostForm {
		if strings.HasPrefix(k, "answer-") && len(k) < 80 {
			f.Values[k] = vs
		}
	}
	return f
}

// requestInput is the form as the help service takes it.
func requestInput(f *form) help.RequestInput {
	in := help.RequestInput{
		CategoryID: f.get("category"),
		Answers:    map[string]string{},
		WhenKind:   f.get("when"),
		Date:       f.get("date"),
		From:       f.get("from"),
		To:         f.get("to"),
		PlaceKind:  f.get("place"),
		Postcode:   f.get("postcode"),
		House:      f.get("house"),
		ShowOnly:   f.get("show_only") != "",
		// Only helpers with a trust signal are invited (trust.Signals.Any).
		TrustedOnly: f.get("trusted_only") != "",
	}
	if in.WhenKind == help.WhenWeekly {
		// A weekday that is not a number becomes 0, which the service
		// refuses with its own message.
		in.Weekday, _ = strconv.Atoi(f.get("weekday"))
	}
	if in.PlaceKind != help.PlaceElsewhere {
		in.Postcode, in.House = "", ""
	}
	for k := range f.Values {
		if q, ok := strings.CutPrefix(k, "answer-"); ok {
			in.Answers[q] = strings.TrimSpace(f.Values.Get(k))
		}
	}
	return in
}

// checkAnswers holds the answers against the category's template before
// the seeker goes on to the next step; the service checks them all again
// when the request is posted.
func checkAnswers(t *help.Template, f *form) error {
	var c apperr.Collector
	for _, q := range t.Questions {
		a := strings.TrimSpace(f.Values.Get("answer-" + q.ID))
		switch {
		case q.Required && a == "":
			c.Add("answer-"+q.ID, "web.ask.answer_required", "question", q.Label)
		case q.Max > 0 && utf8.RuneCountInString(a) > q.Max:
			c.Add("answer-"+q.ID, "web.ask.answer_too_long", "question", q.Label, "max", q.Max)
		}
	}
	return c.Err()
}

// answerList is the template's questions with the form's answers, for a
// preview.
func answerList(t *help.Template, f *form) []help.Answer {
	var out []help.Answer
	for _, q := range t.Questions {
		if a := strings.TrimSpace(f.Values.Get("answer-" + q.ID)); a != "" {
			out = append(out, help.Answer{QuestionID: q.ID, Label: q.Label, Text: a})
		}
	}
	return out
}
