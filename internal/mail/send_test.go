package mail

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/noaber/noaber/internal/testkit"
)

func sinkSender(sink *testkit.SMTPSink) *Sender {
	return NewSender(SMTPConfig{
		Host: sink.Host(), Port: sink.Port(), TLS: TLSNone,
		From: "Noaber <noreply@noaber.test>", Timeout: 5 * time.Second,
	})
}

func TestSendDeliversBothPartsAndHeaders(t *testing.T) {
	sink := testkit.NewSMTPSink(t)
	s := sinkSender(sink)
	m := Message{
		ID:      "<job-1@noaber.test>",
		To:      "els@example.org",
		Subject: "Nog één keer: bevestig je adres",
		Text:    "Hallo Els,\n\nKlik hier: https://noaber.test/verify?token=abc\n\nGroeten, één buur",
		HTML:    `<p>Hallo Els,</p><p><a href="https://noaber.test/verify?token=abc">Bevestigen</a> – één klik</p>`,
		Headers: map[string]string{"Content-Language": "nl", "X-Noaber-Kind": "verify"},
	}
	if err := s.Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	got := sink.WaitFor(t, func(testkit.Mail) bool { return true }, 5*time.Second)

	if got.Subject != m.Subject {
		t.Errorf("subject %q, want %q", got.Subject, m.Subject)
	}
	if strings.Contains(got.Header.Get("Subject"), "é") {
		t.Errorf("subject header is not MIME-encoded: %q", got.Header.Get("Subject"))
	}
	if got.Header.Get("Message-Id") != "<job-1@noaber.test>" {
		t.Errorf("Message-ID %q", got.Header.Get("Message-Id"))
	}
	if d, err := got.Header.Date(); err != nil || time.Since(d) > time.Minute {
		t.Errorf("Date %q: %v", got.Header.Get("Date"), err)
	}
	if got.Header.Get("From") != `"Noaber" <noreply@noaber.test>` {
		t.Errorf("From %q", got.Header.Get("From"))
	}
	if got.Header.Get("To") != "<els@example.org>" {
		t.Errorf("To %q", got.Header.Get("To"))
	}
	if len(got.To) != 1 || got.To[0] != "els@example.org" || got.From != "noreply@noaber.test" {
		t.Errorf("envelope from %q to %v", got.From, got.To)
	}
	for k, v := range m.Headers {
		if got.Header.Get(k) != v {
			t.Errorf("header %s = %q, want %q", k, got.Header.Get(k), v)
		}
	}
	if got.Header.Get("User-Agent") != "Noaber" || got.Header.Get("X-Mailer") != "Noaber" {
		t.Errorf("User-Agent %q, X-Mailer %q", got.Header.Get("User-Agent"), got.Header.Get("X-Mailer"))
	}
	if got.Header.Get("Auto-Submitted") != "auto-generated" {
		t.Errorf("Auto-Submitted %q", got.Header.Get("Auto-Submitted"))
	}
	if !strings.HasPrefix(got.Header.Get("Content-Type"), "multipart/alternative") {
		t.Errorf("Content-Type %q", got.Header.Get("Content-Type"))
	}
	if normalize(got.Text) != normalize(m.Text) {
		t.Errorf("text part\n got %q\nwant %q", got.Text, m.Text)
	}
	if normalize(got.HTML) != normalize(m.HTML) {
		t.Errorf("HTML part\n got %q\nwant %q", got.HTML, m.HTML)
	}
	if l := got.Link("https://noaber.test/verify"); l != "https://noaber.test/verify?token=abc" {
		t.Errorf("link %q", l)
	}
}

// normalize undoes what the trip through SMTP may do to line ends.
func normalize(s string) string {
	return strings.TrimRight(strings.ReplaceAll(s, "\r\n", "\n"), "\n")
}

func TestSendMakesAMessageIDWhenThereIsNone(t *testing.T) {
	sink := testkit.NewSMTPSink(t)
	if err := sinkSender(sink).Send(context.Background(), Message{To: "a@example.org", Subject: "x", Text: "x"}); err != nil {
		t.Fatal(err)
	}
	got := sink.WaitFor(t, func(testkit.Mail) bool { return true }, 5*time.Second)
	if id := got.Header.Get("Message-Id"); !strings.HasPrefix(id, "<") || !strings.HasSuffix(id, ">") || len(id) < 10 {
		t.Errorf("Message-ID %q", id)
	}
	if got.HTML != "" || normalize(got.Text) != "x" {
		t.Errorf("text-only message came out as text %q, HTML %q", got.Text, got.HTML)
	}
}

func TestSendClassifiesFailures(t *testing.T) {
	sink := testkit.NewSMTPSink(t)
	sink.Reject("gone@example.org")
	sink.RejectTemporarily("greylisted@example.org")
	s := sinkSender(sink)

	// A port nobody listens on: take a free one and close it again.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closedPort := l.Addr().(*net.TCPAddr).Port
	l.Close()
	closed := NewSender(SMTPConfig{Host: "127.0.0.1", Port: closedPort, TLS: TLSNone, From: "noreply@noaber.test", Timeout: 2 * time.Second})

	cases := []struct {
		name      string
		sender    *Sender
		to        string
		permanent bool
	}{
		{"550 for the recipient", s, "gone@example.org", true},
		{"450 for the recipient", s, "greylisted@example.org", false},
		{"closed port", closed, "els@example.org", false},
		{"malformed recipient", s, "not an address", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.sender.Send(context.Background(), Message{ID: "<x@noaber.test>", To: c.to, Subject: "x", Text: "x"})
			if err == nil {
				t.Fatal("Send succeeded")
			}
			if IsPermanent(err) != c.permanent {
				t.Errorf("IsPermanent = %v, want %v: %v", IsPermanent(err), c.permanent, err)
			}
		})
	}
	if n := len(sink.Messages()); n != 0 {
		t.Errorf("%d messages arrived, want none", n)
	}
}

func TestSMTPConfigValidate(t *testing.T) {
	ok := SMTPConfig{Host: "smtp.example.org", From: "Noaber <noreply@example.org>"}
	if err := ok.Validate(); err != nil {
		t.Errorf("valid config: %v", err)
	}
	bad := []SMTPConfig{
		{From: "noreply@example.org"},
		{Host: "smtp.example.org", From: "nobody"},
		{Host: "smtp.example.org", From: "noreply@example.org", TLS: "ssl"},
		{Host: "smtp.example.org", From: "noreply@example.org", Port: 70000},
	}
	for _, c := range bad {
		if c.Validate() == nil {
			t.Errorf("%+v passed", c)
		}
	}
	if p := NewSender(SMTPConfig{Host: "h", TLS: TLSImplicit}).cfg.Port; p != 465 {
		t.Errorf("default port for tls: %d", p)
	}
	if p := NewSender(SMTPConfig{Host: "h"}).cfg.Port; p != 587 {
		t.Errorf("default port: %d", p)
	}
}
