package api

import (
	"net/http"

	"github.com/noaber/noaber/internal/moderation"
)

// The moderators' routes. Who may see and act on what is the moderation
// service's rule: a member, and a moderator of another edition, get 403
// problem documents from it; these handlers only translate.

// moderationQueue lists open reports and flags, oldest first, of one
// edition (?edition=) or of every edition the moderator covers, with
// those editions; ?after= is the cursor of the next page.
func (h *Handler) moderationQueue(w http.ResponseWriter, r *http.Request, s *session) error {
	eds, err := h.moderation.Editions(r.Context(), s.user)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	items, err := h.moderation.Queue(r.Context(), s.user, q.Get("edition"), q.Get("after"))
	if err != nil {
		return err
	}
	out := ModerationQueue{Editions: make([]EditionRef, 0, len(eds)), Items: make([]QueueItem, 0, len(items))}
	for _, e := range eds {
		out.Editions = append(out.Editions, EditionRef{ID: e.ID, Name: e.Name, National: e.National})
	}
	for i := range items {
		it := &items[i]
		out.Items = append(out.Items, QueueItem{Report: modReportFrom(&it.Report, ""),
			Subject: PersonRef{ID: it.Report.SubjectID, DisplayName: it.SubjectName}, Summary: it.Summary, Others: it.Others})
	}
	if len(items) == moderation.QueuePage {
		out.Next = optString(items[len(items)-1].Report.ID)
	}
	h.writeJSON(w, r, http.StatusOK, out)
	return nil
}

// moderationCase answers one report with the context to judge it.
func (h *Handler) moderationCase(w http.ResponseWriter, r *http.Request, s *session) error {
	c, err := h.moderation.Case(r.Context(), s.user, r.PathValue("id"))
	if err != nil {
		return err
	}
	h.writeJSON(w, r, http.StatusOK, caseFrom(c))
	return nil
}

// moderationAct applies a decision to a report's subject and closes the
// report; the answer is the action as the audit log keeps it.
func (h *Handler) moderationAct(w http.ResponseWriter, r *http.Request, s *session) error {
	var b DecisionInput
	if err := decode(w, r, &b); err != nil {
		return err
	}
	a, err := h.moderation.Act(r.Context(), s.user, r.PathValue("id"), b.decision())
	if err != nil {
		return err
	}
	h.writeJSON(w, r, http.StatusCreated, auditFrom(a))
	return nil
}

// moderationPerson answers a person's history: reports and actions.
func (h *Handler) moderationPerson(w http.ResponseWriter, r *http.Request, s *session) error {
	c, err := h.moderation.Person(r.Context(), s.user, r.PathValue("id"))
	if err != nil {
		return err
	}
	h.writeJSON(w, r, http.StatusOK, ModerationPerson{Subject: subjectFrom(&c.Subject),
		Reports: modReportsFrom(c.OtherReports), Actions: listFrom(c.Actions, auditFrom)})
	return nil
}

// moderationPersonAct warns, suspends, removes or reinstates a person
// without a report.
func (h *Handler) moderationPersonAct(w http.ResponseWriter, r *http.Request, s *session) error {
	var b DecisionInput
	if err := decode(w, r, &b); err != nil {
		return err
	}
	a, err := h.moderation.ActOnPerson(r.Context(), s.user, r.PathValue("id"), b.decision())
	if err != nil {
		return err
	}
	h.writeJSON(w, r, http.StatusCreated, auditFrom(a))
	return nil
}

// moderationAudit lists the audit log, newest first; ?before= is the
// cursor of the next (older) page.
func (h *Handler) moderationAudit(w http.ResponseWriter, r *http.Request, s *session) error {
	q := r.URL.Query()
	as, err := h.moderation.AuditLog(r.Context(), s.user, q.Get("edition"), q.Get("before"))
	if err != nil {
		return err
	}
	out := AuditLog{Actions: listFrom(as, auditFrom)}
	if len(as) == moderation.QueuePage {
		out.Next = optString(as[len(as)-1].ID)
	}
	h.writeJSON(w, r, http.StatusOK, out)
	return nil
}
