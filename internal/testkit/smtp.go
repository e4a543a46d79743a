package testkit

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

// SMTPSink is an SMTP server for tests: it accepts every message (except
// for addresses told to Reject) and keeps it for the test to look at.
type SMTPSink struct {
	t      testing.TB
	server *smtp.Server
	addr   *net.TCPAddr

	mu       sync.Mutex
	messages []Mail
	rejected map[string]int // lower-cased address -> SMTP code
	changed  chan struct{}  // closed and replaced when a message arrives
	// closed stops the server's goroutines from logging to a test that
	// has ended (which panics): they can outlive Close.
	closed bool
}

// Mail is a message as the sink received it. From and To are the SMTP
// envelope (MAIL FROM and RCPT TO); the headers are in Header.
type Mail struct {
	From    string
	To      []string
	Subject string // decoded from its MIME encoded-word form
	Text    string // the text/plain part, decoded
	HTML    string // the text/html part, decoded
	Header  mail.Header
	Raw     []byte
}

// NewSMTPSink starts a sink on 127.0.0.1 on a free port; it stops at the
// end of the test.
func NewSMTPSink(t testing.TB) *SMTPSink {
	t.Helper()
	s := &SMTPSink{t: t, rejected: map[string]int{}, changed: make(chan struct{})}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) {
		return &sinkSession{sink: s}, nil
	}))
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = true
	srv.EnableSMTPUTF8 = true
	srv.MaxMessageBytes = 10 << 20
	srv.ReadTimeout = 10 * time.Second
	srv.WriteTimeout = 10 * time.Second
	srv.ErrorLog = testLogger{s}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("smtp sink: listen: %v", err)
	}
	s.server = srv
	s.addr = l.Addr().(*net.TCPAddr)
	done := make(chan struct{})
	go func() {
		defer close(done)
		srv.Serve(l)
	}()
	t.Cleanup(func() {
		s.mu.Lock()
		s.closed = true
		s.mu.Unlock()
		srv.Close()
		// Close the listener too: go-smtp's Close only closes listeners
		// that Serve has registered, so a sink closed before its Serve
		// goroutine ran would accept forever and hang this cleanup (it
		// did, in CI, after a test that failed fast).
		l.Close()
		<-done
	})
	return s
}

// Host is the address the sink listens on.
func (s *SMTPSink) Host() string { return s.addr.IP.String() }

// Port is the port the sink listens on.
func (s *SMTPSink) Port() int { return s.addr.Port }

// Reject makes the sink refuse RCPT TO addr with a permanent "550 no such
// user", as a real server does for an address that does not exist.
func (s *SMTPSink) Reject(addr string) { s.reject(addr, 550) }

// RejectTemporarily makes the sink refuse RCPT TO addr with a temporary
// "450 mailbox unavailable", as a greylisting server does.
func (s *SMTPSink) RejectTemporarily(addr string) { s.reject(addr, 450) }

// Accept undoes Reject and RejectTemporarily for addr.
func (s *SMTPSink) Accept(addr string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.rejected, strings.ToLower(addr))
}

func (s *SMTPSink) reject(addr string, code int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rejected[strings.ToLower(addr)] = code
}

// Messages returns the messages received so far, oldest first.
func (s *SMTPSink) Messages() []Mail {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Mail(nil), s.messages...)
}

// WaitFor returns the first message (oldest first) for which match is true,
// waiting for it up to timeout; it fails the test when none arrives.
func (s *SMTPSink) WaitFor(t testing.TB, match func(Mail) bool, timeout time.Duration) Mail {
	t.Helper()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		msgs, changed := s.messages, s.changed
		s.mu.Unlock()
		for _, m := range msgs {
			if match(m) {
				return m
			}
		}
		select {
		case <-changed:
		case <-deadline.C:
			t.Fatalf("smtp sink: no matching message within %s; received %d: %s", timeout, len(msgs), summary(msgs))
			return Mail{}
		}
	}
}

func summary(msgs []Mail) string {
	var b strings.Builder
	for i, m := range msgs {
		if i > 0 {
			b.WriteString("; ")
		}
		fmt.Fprintf(&b, "to %v %q", m.To, m.Subject)
	}
	return b.String()
}

func (s *SMTPSink) add(m Mail) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.messages = append(s.messages, m)
	close(s.changed)
	s.changed = make(chan struct{})
}

var urlRE = regexp.MustCompile(`https?://[^\s<>"]+`)

// Link returns the first URL in the text part that starts with prefix, or
// "" when there is none.
func (m Mail) Link(prefix string) string {
	for _, u := range urlRE.FindAllString(m.Text, -1) {
		// A sentence may end right after a link.
		u = strings.TrimRight(u, ".,;:!?)]'")
		if strings.HasPrefix(u, prefix) {
			return u
		}
	}
	return ""
}

type sinkSession struct {
	sink *SMTPSink
	from string
	to   []string
}

func (ss *sinkSession) Reset()        { ss.from, ss.to = "", nil }
func (ss *sinkSession) Logout() error { return nil }

func (ss *sinkSession) Mail(from string, _ *smtp.MailOptions) error {
	ss.from = from
	return nil
}

func (ss *sinkSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	ss.sink.mu.Lock()
	code := ss.sink.rejected[strings.ToLower(to)]
	ss.sink.mu.Unlock()
	switch code {
	case 0:
		ss.to = append(ss.to, to)
		return nil
	case 550:
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "No such user: " + to}
	default:
		return &smtp.SMTPError{Code: code, EnhancedCode: smtp.EnhancedCode{code / 100, 2, 0}, Message: "Mailbox unavailable, try again later: " + to}
	}
}

func (ss *sinkSession) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	m, err := ParseMail(raw)
	if err != nil {
		// Keep it anyway: the test that sent it wants to see the failure
		// with the message that caused it.
		ss.sink.logf(true, "smtp sink: cannot parse the message to %v: %v\n%s", ss.to, err, raw)
	}
	m.From, m.To = ss.from, append([]string(nil), ss.to...)
	ss.sink.add(m)
	return nil
}

// ParseMail parses a raw message into a Mail (without the envelope): the
// subject decoded and the text and HTML parts found in any nesting of
// multipart parts and decoded from quoted-printable or base64.
func ParseMail(raw []byte) (Mail, error) {
	m := Mail{Raw: raw}
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return m, err
	}
	m.Header = msg.Header
	dec := mime.WordDecoder{}
	if m.Subject, err = dec.DecodeHeader(msg.Header.Get("Subject")); err != nil {
		return m, fmt.Errorf("subject: %w", err)
	}
	err = m.readPart(msg.Header.Get("Content-Type"), msg.Header.Get("Content-Transfer-Encoding"), msg.Body)
	return m, err
}

func (m *Mail) readPart(contentType, encoding string, body io.Reader) error {
	if contentType == "" {
		contentType = "text/plain"
	}
	mediaType, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return fmt.Errorf("content type %q: %w", contentType, err)
	}
	if strings.HasPrefix(mediaType, "multipart/") {
		// NextPart decodes quoted-printable parts by itself (and hides
		// their Content-Transfer-Encoding); base64 is left to us.
		mr := multipart.NewReader(body, params["boundary"])
		for {
			p, err := mr.NextPart()
			if errors.Is(err, io.EOF) {
				return nil
			}
			if err != nil {
				return fmt.Errorf("%s: %w", mediaType, err)
			}
			if err := m.readPart(p.Header.Get("Content-Type"), p.Header.Get("Content-Transfer-Encoding"), p); err != nil {
				return err
			}
		}
	}
	switch strings.ToLower(strings.TrimSpace(encoding)) {
	case "quoted-printable":
		body = quotedprintable.NewReader(body)
	case "base64":
		body = base64.NewDecoder(base64.StdEncoding, &newlineSkipper{body})
	}
	b, err := io.ReadAll(body)
	if err != nil {
		return fmt.Errorf("%s part: %w", mediaType, err)
	}
	if cs := strings.ToLower(params["charset"]); cs != "" && cs != "utf-8" && cs != "us-ascii" {
		return fmt.Errorf("%s part: charset %q (Noaber sends UTF-8 only)", mediaType, cs)
	}
	// The first part of each kind counts, as in a mail client.
	switch mediaType {
	case "text/plain":
		if m.Text == "" {
			m.Text = string(b)
		}
	case "text/html":
		if m.HTML == "" {
			m.HTML = string(b)
		}
	}
	return nil
}

// newlineSkipper drops CR and LF, which base64 bodies wrap lines with.
type newlineSkipper struct{ r io.Reader }

func (n *newlineSkipper) Read(p []byte) (int, error) {
	for {
		k, err := n.r.Read(p)
		j := 0
		for _, c := range p[:k] {
			if c != '\r' && c != '\n' {
				p[j] = c
				j++
			}
		}
		if j > 0 || err != nil {
			return j, err
		}
	}
}

// logf logs to the test (failing it when fail is set) while it runs.
func (s *SMTPSink) logf(fail bool, format string, v ...any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return
	}
	if fail {
		s.t.Errorf(format, v...)
	} else {
		s.t.Logf(format, v...)
	}
}

// testLogger sends the SMTP server's own errors to the test log.
type testLogger struct{ s *SMTPSink }

func (l testLogger) Printf(format string, v ...any) { l.s.logf(false, "smtp sink: "+format, v...) }
func (l testLogger) Println(v ...any)               { l.s.logf(false, "smtp sink: %s", fmt.Sprintln(v...)) }
