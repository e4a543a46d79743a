package moderation_test

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/noaber/noaber/internal/account"
	"github.com/noaber/noaber/internal/flag"
	"github.com/noaber/noaber/internal/help"
	"github.com/noaber/noaber/internal/i18n"
	"github.com/noaber/noaber/internal/mail"
	"github.com/noaber/noaber/internal/moderation"
	"github.com/noaber/noaber/internal/report"
	"github.com/noaber/noaber/internal/store"
	"github.com/noaber/noaber/internal/testkit"
)

// heldFlag sends a dating message from one to another and returns the
// message's id and the flag that holds it.
func (e *env) heldFlag(from, to *account.User) (convID, msgID, reportID string) {
	e.t.Helper()
	c, m := e.direct(from, to, "Hoi schoonheid, je bent zo sexy. Zin in een date?")
	if !m.Held {
		e.t.Fatalf("the dating message was not held: %+v", m)
	}
	if err := e.db.QueryRow(e.ctx, "SELECT id FROM reports WHERE target_id = ? AND reason = ? AND severity = ?",
		m.ID, flag.Dating, flag.High).Scan(&reportID); err != nil {
		e.t.Fatalf("no flag for the held message: %v", err)
	}
	return c.ID, m.ID, reportID
}

// sees reports whether u sees the message in the conversation.
func (e *env) sees(u *account.User, convID, msgID string) bool {
	e.t.Helper()
	msgs, _, err := e.m.Messages(e.ctx, u, convID, "", 50)
	if err != nil {
		return false
	}
	for _, m := range msgs {
		if m.ID == msgID {
			return true
		}
	}
	return false
}

func TestDismissReleasesAndWarnHidesAHeldMessage(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, false)
		mod := e.moderator("Mona", edA)
		anna, bert, carla := e.member("Anna", edA), e.member("Bert", edA), e.member("Carla", edA)

		conv, msg, rep := e.heldFlag(bert, anna)
		if e.sees(anna, conv, msg) {
			t.Fatal("the recipient sees a held message")
		}
		q, err := e.mod.Queue(e.ctx, mod, "", "")
		if err != nil || len(q) != 1 || q[0].Report.ID != rep || q[0].Report.Source != report.SourceFlag {
			t.Fatalf("queue: %+v, %v", q, err)
		}
		c, err := e.mod.Case(e.ctx, mod, rep)
		if err != nil || !c.Item.Held || c.Suggested != report.ReasonDating || c.ReporterName != "" {
			t.Fatalf("case: %+v, %v", c, err)
		}
		e.act(mod, rep, moderation.Decision{Action: moderation.Dismiss, Reason: moderation.ReasonNoViolation})
		if !e.sees(anna, conv, msg) {
			t.Error("dismissing did not deliver the held message")
		}
		if n, _ := e.m.UnreadTotal(e.ctx, anna.ID); n != 1 {
			t.Errorf("the recipient has %d unread", n)
		}

		conv, msg, rep = e.heldFlag(carla, anna)
		e.act(mod, rep, moderation.Decision{Action: moderation.Warn, Reason: report.ReasonDating})
		if e.sees(anna, conv, msg) {
			t.Error("the warned sender's held message was delivered")
		}
		if e.count("SELECT COUNT(*) FROM messages WHERE id = ? AND hidden_at IS NOT NULL", msg) != 1 {
			t.Error("the held message was not hidden")
		}
	})
}

func TestSuspendHidesHeldMessages(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, false)
		mod := e.moderator("Mona", edA)
		anna, bert := e.member("Anna", edA), e.member("Bert", edA)
		conv, msg, rep := e.heldFlag(bert, anna)
		e.act(mod, rep, moderation.Decision{Action: moderation.Suspend, Reason: report.ReasonDating, Days: 14})
		if e.sees(anna, conv, msg) || e.count("SELECT COUNT(*) FROM messages WHERE id = ? AND hidden_at IS NOT NULL", msg) != 1 {
			t.Error("the suspended sender's held message is not hidden")
		}
	})
}

// TestEmails checks the mails to the person over SMTP, in their own
// language: what happened, the reason in words, how to object, and never
// who reported them.
func TestEmails(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db, true)
		mod := e.moderator("Mona", edA)
		reporter := e.person("Rianne", edA, i18n.NL, east(1))
		for _, lang := range []i18n.Lang{i18n.NL, i18n.EN} {
			for _, c := range []struct {
				action, subjectKey string
				days               int
			}{
				{moderation.Warn, "mail.moderation_warn.subject", 0},
				{moderation.Suspend, "mail.moderation_suspend.subject", 14},
				{moderation.Suspend, "mail.moderation_suspend.subject", 0},
				{moderation.Remove, "mail.moderation_remove.subject", 0},
			} {
				subject := e.person("Bert", edA, lang, east(1))
				f := e.reportPerson(reporter, subject, report.ReasonMoney)
				a := e.act(mod, f.ID, moderation.Decision{Action: c.action, Reason: report.ReasonMoney, Note: "Vroeg om 200 euro", Days: c.days})
				e.run()
				m := e.sink.WaitFor(t, func(m testkit.Mail) bool { return len(m.To) == 1 && m.To[0] == subject.Email }, 10*time.Second)
				name := string(lang) + " " + c.action
				if want := i18n.T(lang, c.subjectKey, "site", "Noaber"); m.Subject != want {
					t.Errorf("%s: subject %q, want %q", name, m.Subject, want)
				}
				for _, part := range []string{m.Text, m.HTML} {
					for _, want := range []string{i18n.T(lang, "moderation.reason.money"), "Bert"} {
						if !strings.Contains(part, want) {
							t.Errorf("%s: no %q in %q", name, want, part)
						}
					}
					if c.action != moderation.Remove && !strings.Contains(part, "https://noaber.test/house-rules") {
						t.Errorf("%s: no link to the house rules", name)
					}
					for _, not := range []string{"Rianne", reporter.Email, "200 euro"} {
						if strings.Contains(part, not) {
							t.Errorf("%s: the mail names %q", name, not)
						}
					}
				}
				if !strings.Contains(m.Text, i18n.T(lang, "mail.moderation.object", "edition", "Noaber Zutphen", "contact", "https://noaber.test/house-rules")) {
					t.Errorf("%s: does not say how to object", name)
				}
				if c.action == moderation.Suspend {
					until := i18n.T(lang, "mail.moderation_suspend.intro_indefinitely", "site", "Noaber")
					if c.days > 0 {
						month := i18n.T(lang, "web.month."+strconv.Itoa(int(a.Until.In(help.Amsterdam).Month())))
						until = month
					}
					if !strings.Contains(m.Text, until) {
						t.Errorf("%s: no %q in %q", name, until, m.Text)
					}
				}
				if m.Header.Get("Content-Language") != string(lang) {
					t.Errorf("%s: Content-Language %q", name, m.Header.Get("Content-Language"))
				}
			}
		}
	})
}

// TestMailsRender renders every mail of trust and safety in every
// language with the data their senders give (the lift mail and the
// reporter's notification are not sent over SMTP above).
func TestMailsRender(t *testing.T) {
	keyLike := regexp.MustCompile(`\b(mail|moderation|report|web)\.[a-z_]+(\.[a-z_]+)*\b`)
	data := map[string]any{"Name": "Els", "Reason": report.ReasonSpam, "Until": "8 december 2026", "RulesLink": "https://noaber.test/house-rules",
		"Link": "https://noaber.test/me/reports", "SettingsLink": "https://noaber.test/me/notifications",
		"UnsubscribeLink": "https://noaber.test/u/tok", "RequestTitle": "", "Contact": "moderatie@noaber.test", "Edition": "Noaber Zutphen"}
	for _, name := range []string{"moderation_warn", "moderation_suspend", "moderation_remove", "moderation_lift", "notify_report_outcome"} {
		subjects := map[string]bool{}
		for _, lang := range i18n.Supported {
			m, err := mail.Render(lang, name, data)
			if err != nil {
				t.Errorf("%s in %s: %v", name, lang, err)
				continue
			}
			subjects[m.Subject] = true
			for _, part := range []string{m.Subject, m.Text, m.HTML} {
				if strings.Contains(part, "{") || keyLike.MatchString(part) {
					t.Errorf("%s in %s: a gap or a key in %q", name, lang, part)
				}
			}
			if !strings.Contains(m.Text, "Els") {
				t.Errorf("%s in %s: no name", name, lang)
			}
		}
		if len(subjects) != len(i18n.Supported) {
			t.Errorf("%s: the same subject in two languages: %v", name, subjects)
		}
	}
}
