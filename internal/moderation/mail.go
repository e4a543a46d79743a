package moderation

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/noaber/noaber/internal/help"
	"github.com/noaber/noaber/internal/i18n"
	"github.com/noaber/noaber/internal/mail"
	"github.com/noaber/noaber/internal/store"
)

// mailPerson tells the person what a moderator did, in their language,
// in tx (the outbox): also a suspended or removed person, whose sessions
// just ended. The mail names the reason in plain words and how to object;
// never who reported them, and never the moderator's note, which is
// written for the audit log.
func (s *Service) mailPerson(ctx context.Context, tx *store.Tx, p *person, a *Action) error {
	if s.jobs == nil || p.Email == "" {
		return nil
	}
	lang, _ := i18n.Parse(p.Locale)
	until := ""
	if !a.Until.IsZero() {
		until = date(lang, a.Until)
	}
	rules := strings.TrimRight(s.opt.BaseURL, "/") + "/house-rules"
	contact := s.opt.Contact
	if contact == "" {
		contact = rules
	}
	m, err := mail.Render(lang, "moderation_"+a.Action, map[string]any{
		"Name":      p.FirstName,
		"Reason":    a.Reason,
		"Until":     until,
		"RulesLink": rules,
		"Contact":   contact,
		"Edition":   p.EditionName,
	})
	if err != nil {
		return fmt.Errorf("moderation: e-mail for %s: %w", a.Action, err)
	}
	m.To, m.UserID, m.Kind = p.Email, p.ID, "moderation."+a.Action
	return mail.Enqueue(ctx, s.jobs, tx, m)
}

// date is a day in Amsterdam as people write it: "14 januari 2027",
// "14 January 2027".
func date(lang i18n.Lang, t time.Time) string {
	t = t.In(help.Amsterdam)
	return strconv.Itoa(t.Day()) + " " + i18n.T(lang, "web.month."+strconv.Itoa(int(t.Month()))) + " " + strconv.Itoa(t.Year())
}
