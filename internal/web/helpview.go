package web

import (
	"github.com/noaber/noaber/internal/account"
	"sort"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // Europe/Amsterdam on hosts without a zoneinfo database

	"github.com/noaber/noaber/internal/apperr"
	"github.com/noaber/noaber/internal/help"
	"github.com/noaber/noaber/internal/i18n"
)

// amsterdam is the time zone of every time shown or taken: help happens
// in the Netherlands, whatever the server's zone (loaded once, in account).
var amsterdam = account.Amsterdam

// Distance is a distance as others may see it: "minder dan 1 km" for 0,
// else whole kilometres.
func (v *view) Distance(km int) string {
	if km < 1 {
		return v.T("web.distance.near")
	}
	return v.T("web.distance.km", "n", km)
}

// Status is the name of a request's or offer's status.
func (v *view) Status(s string) string { return v.T("web.status." + s) }

// Weekday is the name of a weekday, 1 = Monday .. 7 = Sunday.
func (v *view) Weekday(d int) string { return v.T("web.weekday." + strconv.Itoa(d)) }

// Date formats t as "woensdag 25 november 2026" in Amsterdam.
func (v *view) Date(t time.Time) string {
	t = t.In(amsterdam)
	wd := int(t.Weekday())
	if wd == 0 {
		wd = 7
	}
	return v.Weekday(wd) + " " + strconv.Itoa(t.Day()) + " " + v.T("web.month."+strconv.Itoa(int(t.Month()))) + " " + strconv.Itoa(t.Year())
}

// When says when a request is, in words.
func (v *view) When(w help.When) string {
	switch w.Kind {
	case help.WhenWindow:
		s, e := w.Start.In(amsterdam), w.End.In(amsterdam)
		return v.T("web.when.window", "date", v.Date(s), "from", s.Format("15:04"), "to", e.Format("15:04"))
	case help.WhenWeekly:
		return v.T("web.when.weekly", "day", v.Weekday(w.Weekday), "from", w.From, "to", w.To)
	case help.WhenFlexible:
		return v.T("web.when.flexible")
	}
	return ""
}

// Question describes the input for a guided question, whose label and
// hint come translated from the help service.
func (v *view) Question(q help.Question) field {
	id := "answer-" + q.ID
	f := field{ID: id, Name: id, Type: "textarea", Label: q.Label, Hint: q.Hint, Value: v.Value(id), Error: v.Error(id),
		ErrorPrefix: v.T("web.error_prefix"), Required: q.Required, Maxlength: q.Max}
	if q.Max > 0 {
		f.Counter = v.T("web.field.bio_counter")
	}
	f.describe()
	return f
}

// Described is the aria-describedby value for a group or input with an
// optional hint: its error and hint ids, when they are shown.
func (v *view) Described(id string, hint bool) string {
	var ids []string
	if hint {
		ids = append(ids, id+"-hint")
	}
	if v.Error(id) != "" {
		ids = append(ids, id+"-error")
	}
	return strings.Join(ids, " ")
}

// hidden is a form value carried to the next step of a form in a hidden
// field.
type hidden struct{ Name, Value string }

// carry lists the values of f that this step does not show, so that the
// next step still has them.
func carry(f *form, shown map[string]bool) []hidden {
	var out []hidden
	for name, vs := range f.Values {
		if shown[name] {
			continue
		}
		for _, x := range vs {
			out = append(out, hidden{name, x})
		}
	}
	// Map order is random; a stable order keeps pages comparable.
	sort.SliceStable(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// answerField maps the help service's name for an answer ("answers.what",
// "answers[what]", "answer.what") to the page's input id "answer-what";
// other names stay as they are.
func answerField(name string) string {
	for _, p := range []string{"answers.", "answer.", "answers[", "answers-", "answer-"} {
		if rest, ok := strings.CutPrefix(name, p); ok {
			return "answer-" + strings.TrimSuffix(rest, "]")
		}
	}
	return name
}

// fieldIDs turns the service's field names into this page's input ids.
func fieldIDs(e *apperr.Error) map[string]string {
	ids := map[string]string{}
	for _, fe := range e.Fields {
		if id := answerField(fe.Field); id != fe.Field {
			ids[fe.Field] = id
		}
		switch fe.Field {
		case "house_number":
			ids[fe.Field] = "house"
		case "when_kind", "kind":
			ids[fe.Field] = "when"
		case "place_kind":
			ids[fe.Field] = "place"
		case "category_id":
			ids[fe.Field] = "category"
		case "show_only":
			ids[fe.Field] = "show_only"
		}
	}
	return ids
}

// previewText is help.Preview in a sentence: the number only from
// help.PreviewFew up, "a few" below, "more than" from help.PreviewMax.
func previewText(lang i18n.Lang, p *help.Preview, category string) string {
	if p.Few {
		return i18n.T(lang, "web.ask.preview.few", "km", p.RadiusKm, "category", category)
	}
	if p.Many {
		return i18n.T(lang, "web.ask.preview.many", "n", help.PreviewMax, "km", p.RadiusKm, "category", category)
	}
	return i18n.N(lang, "web.ask.preview.count", p.Count, "km", p.RadiusKm, "category", category)
}
