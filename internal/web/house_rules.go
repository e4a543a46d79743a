package web

import (
	"net/http"
	"strings"

	"github.com/noaber/noaber/internal/account"
	"github.com/noaber/noaber/internal/i18n"
)

// The house rules of an edition: the built-in text (version 1, in the
// catalogs) until the edition's coordinator publishes its own. A member
// reads their own edition's rules; a visitor reads the national ones.

// builtinRules are the sections of the built-in rules, in order (catalog
// keys web.rules.<name>.title and .text).
var builtinRules = []string{"free", "kind", "dating", "money", "safe", "privacy", "report"}

// rulesSection is one part of the rules: a heading (may be empty) and its
// paragraphs.
type rulesSection struct {
	Title string
	Text  []string
}

type houseRulesPage struct {
	Rules    *account.HouseRules
	Lead     string
	Sections []rulesSection
}

// rulesContent lays out rules for a page: the built-in text from the
// catalog, or the edition's own text, whose paragraphs are separated by
// blank lines and where a paragraph that starts with "# " is a heading.
func rulesContent(lang i18n.Lang, hr *account.HouseRules) houseRulesPage {
	p := houseRulesPage{Rules: hr}
	if hr.Body == "" {
		p.Lead = i18n.T(lang, "web.rules.intro")
		for _, name := range builtinRules {
			p.Sections = append(p.Sections, rulesSection{
				Title: i18n.T(lang, "web.rules."+name+".title"),
				Text:  []string{i18n.T(lang, "web.rules."+name+".text")},
			})
		}
		return p
	}
	var cur rulesSection
	body := strings.ReplaceAll(hr.Body, "\r\n", "\n")
	for _, para := range strings.Split(body, "\n\n") {
		para = strings.TrimSpace(para)
		if para == "" {
			continue
		}
		if h, ok := strings.CutPrefix(para, "# "); ok && !strings.Contains(h, "\n") {
			if cur.Title != "" || len(cur.Text) > 0 {
				p.Sections = append(p.Sections, cur)
			}
			cur = rulesSection{Title: strings.TrimSpace(h)}
			continue
		}
		cur.Text = append(cur.Text, para)
	}
	if cur.Title != "" || len(cur.Text) > 0 {
		p.Sections = append(p.Sections, cur)
	}
	return p
}

// rulesPlainText is the built-in rules in the form a coordinator edits
// them: the starting point for an edition's own text.
func rulesPlainText(lang i18n.Lang) string {
	parts := []string{i18n.T(lang, "web.rules.intro")}
	for _, name := range builtinRules {
		parts = append(parts, "# "+i18n.T(lang, "web.rules."+name+".title"), i18n.T(lang, "web.rules."+name+".text"))
	}
	return strings.Join(parts, "\n\n")
}

// rulesEdition is the edition whose rules a visitor reads: their own, or
// the national edition's when they are not signed in.
func rulesEdition(v *visit) string {
	if v.user != nil && v.user.EditionID != "" {
		return v.user.EditionID
	}
	return account.NationalEditionID
}

// houseRules shows the rules every member accepts at sign-up.
func (h *Handler) houseRules(w http.ResponseWriter, r *http.Request, v *visit) error {
	hr, err := h.accounts.HouseRules(r.Context(), rulesEdition(v), v.lang)
	if err != nil {
		return err
	}
	h.render(w, r, http.StatusOK, "house_rules", &view{Data: rulesContent(v.lang, hr)})
	return nil
}
