package api

import (
	"time"

	"github.com/noaber/noaber/internal/account"
	"github.com/noaber/noaber/internal/i18n"
	"github.com/noaber/noaber/internal/moderation"
	"github.com/noaber/noaber/internal/report"
	"github.com/noaber/noaber/internal/trust"
)

// The shapes of trust and safety: reports as their reporter sees them,
// warnings, house rules, trust signals and what moderators see. A
// moderator sees a person as an id, a display name, a town and a status:
// never an e-mail address, postcode or position, like every other member.

// FiledReport is a report as the member who filed it sees it: what they
// reported and, in general terms, what came of it.
type FiledReport struct {
	ID         string  `json:"id"`
	TargetKind string  `json:"target_kind"`
	TargetID   string  `json:"target_id"`
	Reason     string  `json:"reason"`
	Note       string  `json:"note"`
	Outcome    string  `json:"outcome"`
	CreatedAt  string  `json:"created_at"`
	ClosedAt   *string `json:"closed_at"`
}

func filedFrom(f *report.Filed) FiledReport {
	return FiledReport{ID: f.ID, TargetKind: f.TargetKind, TargetID: f.TargetID, Reason: f.Reason, Note: f.Note,
		Outcome: f.Outcome, CreatedAt: timeJSON(f.CreatedAt), ClosedAt: optTime(f.ClosedAt)}
}

// ReportInput is a member's report.
type ReportInput struct {
	TargetKind string `json:"target_kind"`
	TargetID   string `json:"target_id"`
	Reason     string `json:"reason"`
	Note       string `json:"note"`
}

func reportInput(b ReportInput) report.Input {
	return report.Input{TargetKind: b.TargetKind, TargetID: b.TargetID, Reason: b.Reason, Note: b.Note}
}

// Warning is a moderator's warning as its person sees it. ReasonText is
// the reason in plain words, in the answer's language.
type Warning struct {
	ID         string `json:"id"`
	Reason     string `json:"reason"`
	ReasonText string `json:"reason_text"`
	Note       string `json:"note"`
	CreatedAt  string `json:"created_at"`
}

func warningsFrom(ws []moderation.Warning, l i18n.Lang) []Warning {
	out := make([]Warning, 0, len(ws))
	for _, w := range ws {
		out = append(out, Warning{ID: w.ID, Reason: w.Reason, ReasonText: reasonText(l, w.Reason), Note: w.Note, CreatedAt: timeJSON(w.CreatedAt)})
	}
	return out
}

// reasonText names a reason in plain words, as the warning's e-mail did;
// an unknown one stays a code.
func reasonText(l i18n.Lang, reason string) string {
	key := "moderation.reason." + reason
	if !i18n.Has(l, key) {
		return reason
	}
	return i18n.T(l, key)
}

// HouseRulesSection is one rule of the built-in house rules.
type HouseRulesSection struct {
	Title string `json:"title"`
	Text  string `json:"text"`
}

// HouseRules is the current house rules of the caller's edition. Body is
// the edition's own text; when it is "" the edition uses the built-in
// rules, given in Intro and Sections. URL is the page that shows them.
type HouseRules struct {
	EditionID   string              `json:"edition_id"`
	EditionName string              `json:"edition_name"`
	Version     int                 `json:"version"`
	Body        string              `json:"body"`
	Intro       string              `json:"intro"`
	Sections    []HouseRulesSection `json:"sections"`
	URL         string              `json:"url"`
	PublishedAt *string             `json:"published_at"`
	Accepted    bool                `json:"accepted"`
}

// builtinRules are the catalog keys of the built-in rules, in the order
// of the house rules page (web/templates/pages/house_rules.html).
var builtinRules = []string{"free", "kind", "dating", "money", "safe", "privacy", "report"}

func houseRulesFrom(hr *account.HouseRules, l i18n.Lang, baseURL string, accepted bool) HouseRules {
	out := HouseRules{EditionID: hr.EditionID, EditionName: hr.EditionName, Version: hr.Version, Body: hr.Body,
		Sections: []HouseRulesSection{}, URL: baseURL + "/house-rules", PublishedAt: optTime(hr.PublishedAt), Accepted: accepted}
	if hr.Body == "" {
		out.Intro = i18n.T(l, "web.rules.intro")
		for _, k := range builtinRules {
			out.Sections = append(out.Sections, HouseRulesSection{
				Title: i18n.T(l, "web.rules."+k+".title"), Text: i18n.T(l, "web.rules."+k+".text")})
		}
	}
	return out
}

// AcceptRulesInput accepts one version of the house rules.
type AcceptRulesInput struct {
	Version int `json:"version"`
}

// Vouch is a partner organisation that knows the person; VOGCheckedOn
// is the day a certificate of conduct was checked (YYYY-MM-DD), or null.
type Vouch struct {
	Organisation string  `json:"organisation"`
	VOGCheckedOn *string `json:"vog_checked_on"`
}

// TrustSignals are what helps people dare to meet someone.
type TrustSignals struct {
	EmailVerified bool     `json:"email_verified"`
	WatchGroups   []string `json:"watch_groups"`
	Vouches       []Vouch  `json:"vouches"`
	Helped        int      `json:"helped"`
	Thanks        int      `json:"thanks"`
}

func trustFrom(s *trust.Signals) TrustSignals {
	out := TrustSignals{EmailVerified: s.EmailVerified, WatchGroups: nonNil(s.WatchGroups), Vouches: make([]Vouch, 0, len(s.Vouches)),
		Helped: s.Helped, Thanks: s.Thanks}
	for _, v := range s.Vouches {
		var on *string
		if !v.VOGCheckedOn.IsZero() {
			// A calendar day, stored as its midnight in UTC.
			d := v.VOGCheckedOn.UTC().Format(time.DateOnly)
			on = &d
		}
		out.Vouches = append(out.Vouches, Vouch{Organisation: v.Organisation, VOGCheckedOn: on})
	}
	return out
}

// WatchGroup is a neighbourhood-watch group (buurtpreventie) the caller
// joined.
type WatchGroup struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Area string `json:"area"`
}

// JoinWatchGroupInput is the token of a group's invite link.
type JoinWatchGroupInput struct {
	Token string `json:"token"`
}

// EditionRef names an edition.
type EditionRef struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	National bool   `json:"national"`
}

// ModReport is a report or flag as a moderator sees it.
type ModReport struct {
	ID         string     `json:"id"`
	EditionID  string     `json:"edition_id"`
	Source     string     `json:"source"`
	Reporter   *PersonRef `json:"reporter"`
	SubjectID  string     `json:"subject_id"`
	TargetKind string     `json:"target_kind"`
	TargetID   string     `json:"target_id"`
	Reason     string     `json:"reason"`
	Note       string     `json:"note"`
	Evidence   string     `json:"evidence"`
	Severity   string     `json:"severity"`
	Status     string     `json:"status"`
	Outcome    *string    `json:"outcome"`
	CreatedAt  string     `json:"created_at"`
	ClosedAt   *string    `json:"closed_at"`
}

// modReportFrom shows a report; reporterName is "" when unknown (the
// reporter's name is only read for the case).
func modReportFrom(r *report.Report, reporterName string) ModReport {
	out := ModReport{ID: r.ID, EditionID: r.EditionID, Source: r.Source, SubjectID: r.SubjectID, TargetKind: r.TargetKind,
		TargetID: r.TargetID, Reason: r.Reason, Note: r.Note, Evidence: r.Evidence, Severity: r.Severity, Status: r.Status,
		Outcome: optString(r.Outcome), CreatedAt: timeJSON(r.CreatedAt), ClosedAt: optTime(r.ClosedAt)}
	if r.ReporterID != "" {
		out.Reporter = &PersonRef{ID: r.ReporterID, DisplayName: reporterName}
	}
	return out
}

func modReportsFrom(rs []report.Report) []ModReport {
	return listFrom(rs, func(r *report.Report) ModReport { return modReportFrom(r, "") })
}

// QueueItem is one open report or flag in the moderation queue.
type QueueItem struct {
	Report  ModReport `json:"report"`
	Subject PersonRef `json:"subject"`
	Summary string    `json:"summary"`
	Others  int       `json:"others"`
}

// ModerationQueue is a page of the queue, oldest first, and the editions
// the moderator covers (for choosing one). Next is the cursor for the
// following page (pass it as after), null on the last.
type ModerationQueue struct {
	Editions []EditionRef `json:"editions"`
	Items    []QueueItem  `json:"items"`
	Next     *string      `json:"next"`
}

// Subject is the person a report is about, as a moderator sees them.
type Subject struct {
	ID             string  `json:"id"`
	DisplayName    string  `json:"display_name"`
	Town           string  `json:"town"`
	EditionID      string  `json:"edition_id"`
	Status         string  `json:"status"`
	SuspendedUntil *string `json:"suspended_until"`
	MemberSince    string  `json:"member_since"`
}

func subjectFrom(s *moderation.Subject) Subject {
	return Subject{ID: s.ID, DisplayName: s.DisplayName, Town: s.Town, EditionID: s.EditionID, Status: s.Status,
		SuspendedUntil: optTime(s.SuspendedUntil), MemberSince: timeJSON(s.MemberSince)}
}

// ReportedItem is what was reported.
type ReportedItem struct {
	Kind      string  `json:"kind"`
	ID        string  `json:"id"`
	Title     string  `json:"title"`
	Text      string  `json:"text"`
	Held      bool    `json:"held"`
	Hidden    bool    `json:"hidden"`
	CreatedAt *string `json:"created_at"`
}

// ContextMessage is a message around a reported one, from the same
// conversation only.
type ContextMessage struct {
	ID        string    `json:"id"`
	Sender    PersonRef `json:"sender"`
	Body      string    `json:"body"`
	Reported  bool      `json:"reported"`
	Held      bool      `json:"held"`
	CreatedAt string    `json:"created_at"`
}

// AuditAction is one row of the audit log. Actor is null for the system
// (a suspension that ran out).
type AuditAction struct {
	ID        string     `json:"id"`
	EditionID string     `json:"edition_id"`
	Actor     *PersonRef `json:"actor"`
	Subject   PersonRef  `json:"subject"`
	ReportID  *string    `json:"report_id"`
	Action    string     `json:"action"`
	Reason    string     `json:"reason"`
	Note      string     `json:"note"`
	Until     *string    `json:"until"`
	CreatedAt string     `json:"created_at"`
}

func auditFrom(a *moderation.Action) AuditAction {
	out := AuditAction{ID: a.ID, EditionID: a.EditionID, Subject: PersonRef{ID: a.SubjectID, DisplayName: a.SubjectName},
		ReportID: optString(a.ReportID), Action: a.Action, Reason: a.Reason, Note: a.Note, Until: optTime(a.Until),
		CreatedAt: timeJSON(a.CreatedAt)}
	if a.ActorID != "" {
		out.Actor = &PersonRef{ID: a.ActorID, DisplayName: a.ActorName}
	}
	return out
}

// ModerationCase is everything a moderator needs to judge one report.
type ModerationCase struct {
	Report       ModReport        `json:"report"`
	Subject      Subject          `json:"subject"`
	Item         ReportedItem     `json:"item"`
	Context      []ContextMessage `json:"context"`
	OtherReports []ModReport      `json:"other_reports"`
	Actions      []AuditAction    `json:"actions"`
	Suggested    string           `json:"suggested_reason"`
}

func caseFrom(c *moderation.Case) ModerationCase {
	out := ModerationCase{
		Report: modReportFrom(&c.Report, c.ReporterName), Subject: subjectFrom(&c.Subject),
		Item: ReportedItem{Kind: c.Item.Kind, ID: c.Item.ID, Title: c.Item.Title, Text: c.Item.Text, Held: c.Item.Held,
			Hidden: c.Item.Hidden, CreatedAt: optTime(c.Item.CreatedAt)},
		Context: make([]ContextMessage, 0, len(c.Context)), OtherReports: modReportsFrom(c.OtherReports),
		Actions: listFrom(c.Actions, auditFrom), Suggested: c.Suggested,
	}
	for _, m := range c.Context {
		out.Context = append(out.Context, ContextMessage{ID: m.ID, Sender: PersonRef{ID: m.SenderID, DisplayName: m.SenderName},
			Body: m.Body, Reported: m.Reported, Held: m.Held, CreatedAt: timeJSON(m.CreatedAt)})
	}
	return out
}

// ModerationPerson is a person's history for a moderator: their reports
// and the actions on them, newest first.
type ModerationPerson struct {
	Subject Subject       `json:"subject"`
	Reports []ModReport   `json:"reports"`
	Actions []AuditAction `json:"actions"`
}

// DecisionInput is what a moderator decides. Days is for suspend: 1 to
// 3650, or 0 (or absent) for indefinitely.
type DecisionInput struct {
	Action string `json:"action"`
	Reason string `json:"reason"`
	Note   string `json:"note"`
	Days   int    `json:"days"`
}

func (d DecisionInput) decision() moderation.Decision {
	return moderation.Decision{Action: d.Action, Reason: d.Reason, Note: d.Note, Days: d.Days}
}

// AuditLog is a page of the audit log, newest first. Next is the cursor
// for older actions (pass it as before), null on the last page.
type AuditLog struct {
	Actions []AuditAction `json:"actions"`
	Next    *string       `json:"next"`
}
