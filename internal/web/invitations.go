package web

import (
	"net/http"
	"strconv"

	"github.com/noaber/noaber/internal/apperr"
	"github.com/noaber/noaber/internal/dispatch"
	"github.com/noaber/noaber/internal/trust"
)

type invitationsPage struct {
	Open   []dispatch.Invitation
	Recent []dispatch.Invitation
	// Signals are the seekers' trust signals, by seeker id.
	Signals map[string]trust.Signals
}

// invitations lists the helper's invitations: open ones first, soonest
// deadline first (the service's order), then the recent answered ones.
func (h *Handler) invitations(w http.ResponseWriter, r *http.Request, v *visit) error {
	if h.dispatch == nil {
		return apperr.NotFound()
	}
	list, err := h.dispatch.Invitations(r.Context(), v.user, v.lang)
	if err != nil {
		return err
	}
	var p invitationsPage
	var seekers []string
	for _, inv := range list {
		seekers = append(seekers, inv.Request.Seeker.ID)
		if inv.Status == dispatch.InvOpen {
			p.Open = append(p.Open, inv)
		} else {
			p.Recent = append(p.Recent, inv)
		}
	}
	p.Signals = h.signalsFor(r.Context(), seekers)
	h.render(w, r, http.StatusOK, "invitations", &view{Data: p})
	return nil
}

type invitationPage struct {
	Inv       *dispatch.Invitation
	PauseDays int
	// Signals are the seeker's trust signals: they help the helper say yes.
	Signals trust.Signals
}

// pauseDays is how long "Pauzeer mij" pauses a helper.
const pauseDays = 14

// invitationView shows one invitation with the three answers.
func (h *Handler) invitationView(w http.ResponseWriter, r *http.Request, v *visit) error {
	vw := &view{}
	q := r.URL.Query()
	switch {
	case q.Has("accepted"):
		vw.Notice = "web.invitation.accepted_notice"
	case q.Has("paused"):
		vw.Notice = "web.invitation.paused_notice"
	case q.Has("declined"):
		vw.Notice = "web.invitation.declined_notice"
	}
	return h.renderInvitation(w, r, v, http.StatusOK, vw)
}

// invitationAccept says yes. An answer that comes too late, twice or for
// a withdrawn invitation shows the invitation again with the reason.
func (h *Handler) invitationAccept(w http.ResponseWriter, r *http.Request, v *visit) error {
	if h.dispatch == nil {
		return apperr.NotFound()
	}
	id := r.PathValue("id")
	if _, err := h.dispatch.Accept(r.Context(), v.user, id); err != nil {
		return h.answerFailed(w, r, v, err)
	}
	http.Redirect(w, r, "/invitations/"+id+"?accepted=1", http.StatusSeeOther)
	return nil
}

// invitationDecline says "not this time"; with pause_days also "pause me".
func (h *Handler) invitationDecline(w http.ResponseWriter, r *http.Request, v *visit) error {
	if h.dispatch == nil {
		return apperr.NotFound()
	}
	id := r.PathValue("id")
	f := readForm(r, "pause_days")
	days := 0
	if s := f.get("pause_days"); s != "" {
		var err error
		if days, err = strconv.Atoi(s); err != nil {
			days = -1 // the service refuses it with its own message
		}
	}
	if err := h.dispatch.Decline(r.Context(), v.user, id, days); err != nil {
		return h.answerFailed(w, r, v, err)
	}
	next := "?declined=1"
	if days > 0 {
		next = "?paused=1"
	}
	http.Redirect(w, r, "/invitations/"+id+next, http.StatusSeeOther)
	return nil
}

// answerFailed shows the invitation again, as it is now, with what went
// wrong at the top; someone else's invitation is the ordinary 404.
func (h *Handler) answerFailed(w http.ResponseWriter, r *http.Request, v *visit, err error) error {
	e, ok := apperr.As(err)
	if !ok || e.Status == http.StatusNotFound {
		return err
	}
	f := &form{Errors: map[string]string{}}
	status := f.setError(v.lang, e, map[string]string{"pause_days": "pause"})
	return h.renderInvitation(w, r, v, status, &view{Form: f})
}

func (h *Handler) renderInvitation(w http.ResponseWriter, r *http.Request, v *visit, status int, vw *view) error {
	if h.dispatch == nil {
		return apperr.NotFound()
	}
	ctx := r.Context()
	inv, err := h.dispatch.Invitation(ctx, v.user, r.PathValue("id"), v.lang)
	if err != nil {
		return err
	}
	// The helper has seen what the notifications pointed at.
	if h.notify != nil {
		if err := h.notify.MarkReadAbout(ctx, v.user.ID, inv.Request.ID); err != nil {
			return err
		}
	}
	vw.Data = invitationPage{Inv: inv, PauseDays: pauseDays, Signals: h.signals(ctx, inv.Request.Seeker.ID)}
	h.render(w, r, status, "invitation", vw)
	return nil
}
