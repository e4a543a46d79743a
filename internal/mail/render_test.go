package mail

import (
	"regexp"
	"strings"
	"testing"

	"github.com/noaber/noaber/internal/i18n"
)

// sampleData has every data key some mail needs.
func sampleData() map[string]any {
	return map[string]any{
		"Name":      "Els",
		"Link":      "https://noaber.test/verify?token=abc123",
		"LoginLink": "https://noaber.test/login",
		"ResetLink": "https://noaber.test/forgot",
		"NewEmail":  "els.nieuw@example.org",
		"Hours":     24,
		"Minutes":   60,
		// Notification e-mails (internal/notify).
		"RequestTitle":    "Boodschappen doen",
		"SettingsLink":    "https://noaber.test/me/notifications",
		"UnsubscribeLink": "https://noaber.test/u/tok123",
		"Count":           3,
		// Moderation e-mails (internal/moderation).
		"Reason":    "spam",
		"Until":     "8 december 2026",
		"RulesLink": "https://noaber.test/house-rules",
		"Contact":   "moderatie@noaber.test",
		"Edition":   "Noaber Zutphen",
		"Conversations": []map[string]any{
			{"From": "Anna B.", "Title": "Boodschappen doen", "Link": "https://noaber.test/messages/c1", "Count": 2},
			{"From": "Piet", "Title": "", "Link": "https://noaber.test/messages/c2", "Count": 1},
		},
	}
}

var notifyLinks = []string{"Link", "SettingsLink", "UnsubscribeLink"}

// wantLinks lists the data keys whose URL must be in both parts.
var wantLinks = map[string][]string{
	"verify":           {"Link"},
	"verify_change":    {"Link"},
	"signup_exists":    {"LoginLink", "ResetLink"},
	"reset":            {"Link"},
	"password_changed": {"ResetLink"},
	"email_changed":    nil,

	"notify_invitation":           notifyLinks,
	"notify_invitation_withdrawn": notifyLinks,
	"notify_matched":              notifyLinks,
	"notify_expiring":             notifyLinks,
	"notify_escalated":            notifyLinks,
	"notify_escalation":           notifyLinks,
	"notify_digest":               notifyLinks,
	"notify_report_outcome":       notifyLinks,

	"moderation_warn":    {"RulesLink"},
	"moderation_suspend": {"RulesLink"},
	"moderation_lift":    {"RulesLink"},
	"moderation_remove":  nil,
}

func TestEveryMailRendersInEveryLanguage(t *testing.T) {
	names, err := Names()
	if err != nil {
		t.Fatal(err)
	}
	if len(names) != len(wantLinks) {
		t.Errorf("templates for %v, the test knows %d mails", names, len(wantLinks))
	}
	// A catalog key looks like "mail.verify.subject"; seeing one in a mail
	// means a text is missing.
	keyLike := regexp.MustCompile(`\bmail\.[a-z_]+(\.[a-z_]+)+\b`)
	for _, name := range names {
		texts := map[i18n.Lang]Message{}
		for _, lang := range i18n.Supported {
			m, err := Render(lang, name, sampleData())
			if err != nil {
				t.Errorf("%s in %s: %v", name, lang, err)
				continue
			}
			texts[lang] = m
			for part, s := range map[string]string{"subject": m.Subject, "text": m.Text, "HTML": m.HTML} {
				if strings.TrimSpace(s) == "" {
					t.Errorf("%s in %s: empty %s", name, lang, part)
				}
				if k := keyLike.FindString(s); k != "" {
					t.Errorf("%s in %s: %s shows the key %q", name, lang, part, k)
				}
				if strings.Contains(s, "<no value>") || strings.Contains(s, "{") {
					t.Errorf("%s in %s: %s has a gap: %q", name, lang, part, s)
				}
			}
			for _, k := range wantLinks[name] {
				url := sampleData()[k].(string)
				if !strings.Contains(m.Text, url) {
					t.Errorf("%s in %s: text lacks %s %s", name, lang, k, url)
				}
				if !strings.Contains(m.HTML, `href="`+url+`"`) {
					t.Errorf("%s in %s: HTML lacks a link to %s %s", name, lang, k, url)
				}
			}
			if !strings.Contains(m.Text, "Els") || !strings.Contains(m.HTML, "Els") {
				t.Errorf("%s in %s: the name is missing", name, lang)
			}
			if !strings.Contains(m.HTML, `<html lang="`+string(lang)+`"`) {
				t.Errorf("%s in %s: no lang attribute", name, lang)
			}
			if m.Headers["Content-Language"] != string(lang) {
				t.Errorf("%s in %s: Content-Language %q", name, lang, m.Headers["Content-Language"])
			}
		}
		if nl, en := texts[i18n.NL], texts[i18n.EN]; nl.Subject == en.Subject || nl.Text == en.Text {
			t.Errorf("%s: Dutch and English are the same: %q", name, nl.Subject)
		}
	}
}

func TestRenderDutchAndEnglish(t *testing.T) {
	nl, err := Render(i18n.NL, "reset", sampleData())
	if err != nil {
		t.Fatal(err)
	}
	en, err := Render(i18n.EN, "reset", sampleData())
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		got, want string
	}{
		{nl.Subject, "Maak een nieuw wachtwoord voor Noaber"},
		{en.Subject, "Make a new password for Noaber"},
	} {
		if c.got != c.want {
			t.Errorf("subject %q, want %q", c.got, c.want)
		}
	}
	for _, want := range []string{"Hallo Els,", "Deze link werkt 60 minuten.", "Groeten van Noaber"} {
		if !strings.Contains(nl.Text, want) {
			t.Errorf("Dutch text lacks %q:\n%s", want, nl.Text)
		}
	}
	for _, want := range []string{"Hello Els,", "This link works for 60 minutes.", "<title>Make a new password for Noaber</title>"} {
		if !strings.Contains(en.Text+en.HTML, want) {
			t.Errorf("English lacks %q", want)
		}
	}
	// The plural form follows the number.
	d := sampleData()
	d["Minutes"] = 1
	one, err := Render(i18n.NL, "reset", d)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(one.Text, "Deze link werkt 1 minuut.") {
		t.Errorf("singular missing:\n%s", one.Text)
	}
	// An unknown language falls back to Dutch.
	other, err := Render(i18n.Lang("fr"), "reset", sampleData())
	if err != nil || other.Subject != nl.Subject {
		t.Errorf("fr: %q, %v", other.Subject, err)
	}
}

func TestRenderEscapesDataInHTML(t *testing.T) {
	d := sampleData()
	d["Name"] = `<script>alert("x")</script>`
	d["NewEmail"] = `a&b"<i>@example.org`
	m, err := Render(i18n.EN, "email_changed", d)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(m.HTML, "<script>") || strings.Contains(m.HTML, "<i>") {
		t.Errorf("data not escaped in HTML:\n%s", m.HTML)
	}
	if !strings.Contains(m.HTML, "&lt;script&gt;") {
		t.Errorf("escaped name missing:\n%s", m.HTML)
	}
	// The text part is plain text: it shows the name as typed.
	if !strings.Contains(m.Text, `Hello <script>alert("x")</script>,`) {
		t.Errorf("text part changed the name:\n%s", m.Text)
	}

	// A link that is not http(s) is not put in an href as it is.
	d["Link"] = `javascript:alert(1)`
	v, err := Render(i18n.EN, "verify", d)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(v.HTML, `href="javascript:`) {
		t.Errorf("javascript: URL in href:\n%s", v.HTML)
	}
}

func TestRenderFailsOnMissingDataOrMail(t *testing.T) {
	d := sampleData()
	delete(d, "Link")
	if _, err := Render(i18n.NL, "verify", d); err == nil {
		t.Error("verify without Link rendered")
	}
	if _, err := Render(i18n.NL, "no_such_mail", sampleData()); err == nil {
		t.Error("an unknown mail rendered")
	}
	d = sampleData()
	d["Hours"] = "24"
	if _, err := Render(i18n.NL, "verify", d); err == nil {
		t.Error("a text count rendered")
	}
}

func TestRenderWithoutNameAndWithOwnSiteName(t *testing.T) {
	d := sampleData()
	d["Name"] = ""
	d["Site"] = "Noaber Terneuzen"
	m, err := Render(i18n.NL, "verify", d)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(m.Text, "Hallo,\n") || !strings.Contains(m.Subject, "Noaber Terneuzen") {
		t.Errorf("subject %q text:\n%s", m.Subject, m.Text)
	}
}

func TestRenderDigest(t *testing.T) {
	m, err := Render(i18n.NL, "notify_digest", sampleData())
	if err != nil {
		t.Fatal(err)
	}
	if m.Subject != "3 nieuwe berichten" {
		t.Errorf("subject %q", m.Subject)
	}
	for _, want := range []string{"Van Anna B., over: Boodschappen doen (2 berichten)", "https://noaber.test/messages/c1", "Van Piet (1 bericht)", "https://noaber.test/messages/c2"} {
		if !strings.Contains(m.Text, want) {
			t.Errorf("text lacks %q:\n%s", want, m.Text)
		}
	}
	if !strings.Contains(m.HTML, `href="https://noaber.test/messages/c2"`) {
		t.Errorf("HTML lacks the conversation link:\n%s", m.HTML)
	}
	d := sampleData()
	d["Count"] = 1
	one, err := Render(i18n.EN, "notify_digest", d)
	if err != nil || one.Subject != "1 new message" {
		t.Errorf("subject %q (%v)", one.Subject, err)
	}
}
