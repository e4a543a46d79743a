package testkit

import (
	"errors"
	"fmt"
	"net/smtp"
	"net/textproto"
	"runtime"
	"strings"
	"testing"
	"time"
)

// A message as another mail library might write it: quoted-printable text
// with a soft line break inside the link, base64 HTML, a nested multipart
// and an encoded subject.
const rawMultipart = "From: Noaber <noreply@example.org>\r\n" +
	"To: els@example.org\r\n" +
	"Subject: =?UTF-8?q?=C3=A9=C3=A9n_link?=\r\n" +
	"MIME-Version: 1.0\r\n" +
	"Content-Type: multipart/mixed; boundary=outer\r\n" +
	"\r\n" +
	"--outer\r\n" +
	"Content-Type: multipart/alternative; boundary=inner\r\n" +
	"\r\n" +
	"--inner\r\n" +
	"Content-Type: text/plain; charset=UTF-8\r\n" +
	"Content-Transfer-Encoding: quoted-printable\r\n" +
	"\r\n" +
	"Hallo Els, klik op https://noaber.test/other.\r\n" +
	"Of hier: https://noaber.test/verify?token=3Dabc=\r\n" +
	"def. Tot ziens =C3=A9=C3=A9n keer.\r\n" +
	"--inner\r\n" +
	"Content-Type: text/html; charset=UTF-8\r\n" +
	"Content-Transfer-Encoding: base64\r\n" +
	"\r\n" +
	"PHA+SGFsbG8g\r\n" +
	"PGI+RWxzPC9iPjwvcD4=\r\n" +
	"--inner--\r\n" +
	"--outer--\r\n"

func send(t *testing.T, s *SMTPSink, to []string, raw string) error {
	t.Helper()
	return smtp.SendMail(fmt.Sprintf("%s:%d", s.Host(), s.Port()), nil, "bounce@example.org", to, []byte(raw))
}

func TestSMTPSinkParsesMessages(t *testing.T) {
	s := NewSMTPSink(t)
	if err := send(t, s, []string{"els@example.org"}, rawMultipart); err != nil {
		t.Fatal(err)
	}
	m := s.WaitFor(t, func(m Mail) bool { return true }, 5*time.Second)
	if m.From != "bounce@example.org" || len(m.To) != 1 || m.To[0] != "els@example.org" {
		t.Errorf("envelope: from %q to %v", m.From, m.To)
	}
	if m.Subject != "één link" {
		t.Errorf("subject %q", m.Subject)
	}
	if !strings.Contains(m.Text, "Tot ziens één keer.") {
		t.Errorf("text part not decoded: %q", m.Text)
	}
	if m.HTML != "<p>Hallo <b>Els</b></p>" {
		t.Errorf("html part %q", m.HTML)
	}
	if m.Header.Get("From") != "Noaber <noreply@example.org>" {
		t.Errorf("header From %q", m.Header.Get("From"))
	}
	if got := m.Link("https://noaber.test/verify"); got != "https://noaber.test/verify?token=abcdef" {
		t.Errorf("Link = %q", got)
	}
	if got := m.Link("https://noaber.test/other"); got != "https://noaber.test/other" {
		t.Errorf("Link before a full stop = %q", got)
	}
	if got := m.Link("https://elsewhere.test/"); got != "" {
		t.Errorf("Link without a match = %q", got)
	}
	if len(s.Messages()) != 1 || !strings.Contains(string(s.Messages()[0].Raw), "boundary=outer") {
		t.Errorf("Messages: %d, raw kept: %v", len(s.Messages()), s.Messages())
	}
}

func TestSMTPSinkPlainMessage(t *testing.T) {
	s := NewSMTPSink(t)
	raw := "Subject: plain\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nSee http://localhost:8080/reset?t=3D1\r\n"
	if err := send(t, s, []string{"a@example.org", "b@example.org"}, raw); err != nil {
		t.Fatal(err)
	}
	m := s.WaitFor(t, func(m Mail) bool { return m.Subject == "plain" }, 5*time.Second)
	if m.Link("http://localhost:8080/") != "http://localhost:8080/reset?t=1" || m.HTML != "" {
		t.Errorf("text %q html %q", m.Text, m.HTML)
	}
	if strings.Join(m.To, ",") != "a@example.org,b@example.org" {
		t.Errorf("to %v", m.To)
	}
}

func TestSMTPSinkRejects(t *testing.T) {
	s := NewSMTPSink(t)
	s.Reject("Gone@Example.org")
	s.RejectTemporarily("later@example.org")
	cases := []struct {
		to   string
		code int
	}{
		{"gone@example.org", 550},
		{"later@example.org", 450},
	}
	for _, c := range cases {
		err := send(t, s, []string{c.to}, "Subject: x\r\n\r\nx\r\n")
		var te *textproto.Error
		if !errors.As(err, &te) || te.Code != c.code {
			t.Errorf("send to %s: %v, want code %d", c.to, err, c.code)
		}
	}
	s.Accept("later@example.org")
	if err := send(t, s, []string{"later@example.org"}, "Subject: now\r\n\r\nx\r\n"); err != nil {
		t.Fatalf("after Accept: %v", err)
	}
	if n := len(s.Messages()); n != 1 {
		t.Errorf("%d messages kept, want only the accepted one", n)
	}
}

func TestSMTPSinkWaitForFailsOnTimeout(t *testing.T) {
	s := NewSMTPSink(t)
	ft := &fatalRecorder{TB: t}
	done := make(chan struct{})
	go func() {
		// Fatalf ends the goroutine it is called on, like FailNow.
		defer close(done)
		s.WaitFor(ft, func(Mail) bool { return true }, 50*time.Millisecond)
	}()
	<-done
	if !ft.failed {
		t.Fatal("WaitFor returned without a message and without failing")
	}
}

type fatalRecorder struct {
	testing.TB
	failed bool
}

func (f *fatalRecorder) Helper() {}
func (f *fatalRecorder) Fatalf(format string, args ...any) {
	f.failed = true
	runtime.Goexit()
}
