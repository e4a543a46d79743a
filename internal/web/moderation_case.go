package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/noaber/noaber/internal/account"
	"github.com/noaber/noaber/internal/apperr"
	"github.com/noaber/noaber/internal/moderation"
	"github.com/noaber/noaber/internal/report"
)

// One report as a moderator judges it, and a person's history: the same
// page (moderation_case.html), with one form per action. Each form sits
// in a <details> with the reason and the period already chosen, so that
// a moderator acts in three clicks: open the report, open the action,
// confirm.

type casePage struct {
	Case    *moderation.Case
	Person  bool     // the person's history page, not a report
	Forms   []string // the actions offered, in order
	Open    string   // the action whose form is open (sent back with an error)
	Target  string   // where the forms post to
	Reasons []string
	Days    []int
	MaxNote int
}

func (h *Handler) moderationCase(w http.ResponseWriter, r *http.Request, v *visit) error {
	return h.renderCase(w, r, v, http.StatusOK, &view{}, "")
}

func (h *Handler) moderationPerson(w http.ResponseWriter, r *http.Request, v *visit) error {
	vw := &view{}
	if a := r.URL.Query().Get("done"); slices.Contains(moderation.Actions, a) {
		vw.Notice = "web.moderation.done." + a
	}
	return h.renderCase(w, r, v, http.StatusOK, vw, "")
}

// moderationAct applies a decision to a report and goes back to the
// queue, where the next report waits.
func (h *Handler) moderationAct(w http.ResponseWriter, r *http.Request, v *visit) error {
	d, f := readDecision(r)
	if _, err := h.moderation.Act(r.Context(), v.user, r.PathValue("id"), d); err != nil {
		return h.actFailed(w, r, v, d.Action, f, err)
	}
	http.Redirect(w, r, "/moderation?done="+url.QueryEscape(d.Action), http.StatusSeeOther)
	return nil
}

// moderationPersonAct applies a decision to a person without a report.
func (h *Handler) moderationPersonAct(w http.ResponseWriter, r *http.Request, v *visit) error {
	d, f := readDecision(r)
	id := r.PathValue("id")
	if _, err := h.moderation.ActOnPerson(r.Context(), v.user, id, d); err != nil {
		return h.actFailed(w, r, v, d.Action, f, err)
	}
	http.Redirect(w, r, "/moderation/people/"+url.PathEscape(id)+"?done="+url.QueryEscape(d.Action), http.StatusSeeOther)
	return nil
}

// readDecision reads an action form. The fields are kept under the ids of
// that action's form, so the page shows them again in the right place.
func readDecision(r *http.Request) (moderation.Decision, *form) {
	f := readForm(r, "action", "reason", "days", "note")
	d := moderation.Decision{Action: f.get("action"), Reason: f.get("reason"), Note: f.get("note"), Days: -1}
	if n, err := strconv.Atoi(f.get("days")); err == nil {
		d.Days = n
	} else if f.get("days") == "" && d.Action != moderation.Suspend {
		d.Days = 0
	}
	kept := &form{Values: url.Values{}, Errors: map[string]string{}}
	for _, n := range []string{"reason", "days", "note"} {
		kept.Values.Set(n+"-"+d.Action, f.Values.Get(n))
	}
	return d, kept
}

func (h *Handler) actFailed(w http.ResponseWriter, r *http.Request, v *visit, action string, f *form, err error) error {
	e, ok := apperr.As(err)
	if !ok || e.Status == http.StatusNotFound || e.Status == http.StatusForbidden {
		return h.moderationFailed(w, r, err)
	}
	ids := map[string]string{}
	for _, n := range []string{"reason", "days", "note"} {
		ids[n] = n + "-" + action
	}
	status := f.setError(v.lang, e, ids)
	if !slices.Contains(moderation.Actions, action) {
		action = ""
	}
	return h.renderCase(w, r, v, status, &view{Form: f}, action)
}

// renderCase shows a report (or, on /moderation/people/, a person) with
// the action forms; open is the form to show unfolded.
func (h *Handler) renderCase(w http.ResponseWriter, r *http.Request, v *visit, status int, vw *view, open string) error {
	ctx := r.Context()
	id := r.PathValue("id")
	p := casePage{Person: strings.HasPrefix(r.URL.Path, "/moderation/people/"), Open: open,
		Reasons: moderation.Reasons, Days: moderation.SuspendDays, MaxNote: moderation.MaxNote}
	var c *moderation.Case
	var err error
	if p.Person {
		c, err = h.moderation.Person(ctx, v.user, id)
		p.Target = "/moderation/people/" + id + "/action"
	} else {
		c, err = h.moderation.Case(ctx, v.user, id)
		p.Target = "/moderation/reports/" + id + "/action"
	}
	if err != nil {
		return h.moderationFailed(w, r, err)
	}
	p.Case = c
	p.Forms = caseForms(c, p.Person)
	if vw.Form == nil {
		vw.Form = &form{Values: url.Values{}, Errors: map[string]string{}}
	}
	// Every form not sent back starts with the suggested reason and the
	// default period, so that confirming is the only step left.
	for _, a := range p.Forms {
		if a == open {
			continue
		}
		reason := c.Suggested
		if a == moderation.Dismiss {
			reason = moderation.ReasonNoViolation
		}
		vw.Form.Values.Set("reason-"+a, reason)
		vw.Form.Values.Set("days-"+a, strconv.Itoa(moderation.SuspendDays[0]))
	}
	vw.Data = p
	h.render(w, r, status, "moderation_case", vw)
	return nil
}

// caseForms are the actions a moderator can take here: none for a removed
// account or on a closed report (its history stays readable); on a
// person's page lifting instead of suspending while they are suspended.
func caseForms(c *moderation.Case, person bool) []string {
	switch {
	case c.Subject.Status == account.StatusRemoved:
		return nil
	case person && c.Subject.Status == account.StatusSuspended:
		return []string{moderation.Lift, moderation.Warn, moderation.Remove}
	case person:
		return []string{moderation.Warn, moderation.Suspend, moderation.Remove}
	case c.Report.Status != report.StatusOpen:
		return nil
	}
	return []string{moderation.Dismiss, moderation.Warn, moderation.Suspend, moderation.Remove}
}
