package web

import (
	"net/http"
	"net/url"

	"github.com/noaber/noaber/internal/apperr"
	"github.com/noaber/noaber/internal/report"
)

// The report form: any member can report a person, a request, an offer
// or a message. The link that leads here names the kind and the id; the
// service checks that the reporter may see the item.

type reportPage struct {
	Kind    string
	ID      string
	What    string // the request's or offer's title, the person's name; "" for a message
	Back    string // the page the report link was on
	Reasons []string
	MaxNote int
	Filed   *report.Filed // after sending
	// ReasonField is the id the reason's error belongs to.
	ReasonField string
}

// reasonField is the id of the first reason's radio button: the error
// summary links there.
var reasonField = "reason-" + report.Reasons[0]

var reportKinds = map[string]bool{report.TargetPerson: true, report.TargetRequest: true, report.TargetOffer: true, report.TargetMessage: true}

func (h *Handler) reportForm(w http.ResponseWriter, r *http.Request, v *visit) error {
	q := r.URL.Query()
	f := &form{Values: url.Values{}, Errors: map[string]string{}}
	f.Values.Set("back", q.Get("back"))
	return h.renderReport(w, r, v, http.StatusOK, q.Get("kind"), q.Get("id"), f)
}

// reportCreate files the report and says thank you; a form with a
// mistake comes back with the reason by the field.
func (h *Handler) reportCreate(w http.ResponseWriter, r *http.Request, v *visit) error {
	f := readForm(r, "kind", "id", "reason", "note", "back")
	kind, id := f.get("kind"), f.get("id")
	filed, err := h.reports.File(r.Context(), v.user, report.Input{TargetKind: kind, TargetID: id, Reason: f.get("reason"), Note: f.get("note")})
	if err != nil {
		e, ok := apperr.As(err)
		if !ok || e.Status == http.StatusNotFound {
			return err
		}
		status := f.setError(v.lang, e, map[string]string{"reason": reasonField})
		return h.renderReport(w, r, v, status, kind, id, f)
	}
	h.render(w, r, http.StatusOK, "report_sent", &view{Data: reportPage{Kind: kind, ID: id, Back: safeNext(f.get("back")), Filed: filed}})
	return nil
}

func (h *Handler) renderReport(w http.ResponseWriter, r *http.Request, v *visit, status int, kind, id string, f *form) error {
	if !reportKinds[kind] || id == "" {
		return apperr.NotFound()
	}
	p := reportPage{Kind: kind, ID: id, Back: safeNext(f.get("back")), Reasons: report.Reasons, MaxNote: report.MaxNote, ReasonField: reasonField}
	what, back, err := h.reportedItem(r, v, kind, id)
	if err != nil {
		return err
	}
	p.What = what
	if p.Back == "" {
		p.Back = back
	}
	h.render(w, r, status, "report", &view{Form: f, Data: p})
	return nil
}

// reportedItem names what is reported and where it came from, as the
// reporter sees it; something the reporter cannot see is not found.
func (h *Handler) reportedItem(r *http.Request, v *visit, kind, id string) (what, back string, err error) {
	ctx := r.Context()
	switch kind {
	case report.TargetRequest:
		rv, err := h.help.Request(ctx, v.user, id, v.lang)
		if err != nil {
			return "", "", err
		}
		return rv.Title, "/requests/" + id, nil
	case report.TargetOffer:
		ov, err := h.help.Offer(ctx, v.user, id, v.lang)
		if err != nil {
			return "", "", err
		}
		return ov.Title, "/offers/" + id, nil
	case report.TargetPerson:
		p, err := h.accounts.Profile(ctx, v.user, id, v.lang)
		if err != nil {
			return "", "", err
		}
		return p.DisplayName, "/people/" + id, nil
	}
	return "", "", nil
}
