package mail

import (
	"context"
	"errors"
	"fmt"
	netmail "net/mail"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// TLS modes of SMTPConfig.TLS.
const (
	TLSNone     = "none"     // plain SMTP: only for a relay on the same host or network
	TLSStartTLS = "starttls" // STARTTLS required, usually port 587
	TLSImplicit = "tls"      // TLS from the first byte, usually port 465
)

// SMTPConfig says how to reach the outgoing mail server.
type SMTPConfig struct {
	Host     string
	Port     int // 0 picks the usual port for TLS: 25, 587 or 465
	Username string
	Password string
	From     string // "Noaber <noreply@example.org>"
	TLS      string // TLSNone, TLSStartTLS (the default) or TLSImplicit
	// Timeout bounds connecting and each SMTP command (default 15s).
	Timeout time.Duration
}

// Validate reports what is wrong with the configuration, so that a
// misconfigured server fails at start instead of at its first mail.
func (c SMTPConfig) Validate() error {
	if c.Host == "" {
		return errors.New("mail: SMTP host is empty")
	}
	if c.Port < 0 || c.Port > 65535 {
		return fmt.Errorf("mail: SMTP port %d is out of range", c.Port)
	}
	switch c.TLS {
	case "", TLSNone, TLSStartTLS, TLSImplicit:
	default:
		return fmt.Errorf("mail: SMTP TLS mode %q is not one of none, starttls, tls", c.TLS)
	}
	if _, err := netmail.ParseAddress(c.From); err != nil {
		return fmt.Errorf("mail: sender address %q: %w", c.From, err)
	}
	return nil
}

// Sender sends messages over SMTP, one connection a message: Noaber sends
// few mails, and a fresh connection never finds a half-dead one.
type Sender struct {
	cfg    SMTPConfig
	domain string // of the From address, for Message-IDs
}

// NewSender returns a Sender for cfg. It does not connect; check cfg with
// Validate at start.
func NewSender(cfg SMTPConfig) *Sender {
	if cfg.TLS == "" {
		cfg.TLS = TLSStartTLS
	}
	if cfg.Port == 0 {
		switch cfg.TLS {
		case TLSNone:
			cfg.Port = 25
		case TLSImplicit:
			cfg.Port = 465
		default:
			cfg.Port = 587
		}
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 15 * time.Second
	}
	domain := "noaber.invalid"
	if a, err := netmail.ParseAddress(cfg.From); err == nil {
		if i := strings.LastIndexByte(a.Address, '@'); i >= 0 && i < len(a.Address)-1 {
			domain = a.Address[i+1:]
		}
	}
	return &Sender{cfg: cfg, domain: domain}
}

// MessageID returns a Message-ID made from id (a job id) in the sender's
// domain: the same id always gives the same Message-ID.
func (s *Sender) MessageID(id string) string { return "<" + id + "@" + s.domain + ">" }

// Send delivers m. An error for which IsPermanent is true means the mail
// can never be delivered as it is (the server rejected the address or the
// message); any other error may go away on a retry.
func (s *Sender) Send(ctx context.Context, m Message) error {
	msg, err := s.build(m)
	if err != nil {
		return err
	}
	opts := []gomail.Option{gomail.WithPort(s.cfg.Port), gomail.WithTimeout(s.cfg.Timeout)}
	switch s.cfg.TLS {
	case TLSNone:
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	case TLSImplicit:
		opts = append(opts, gomail.WithSSL())
	default:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	}
	if s.cfg.Username != "" {
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover),
			gomail.WithUsername(s.cfg.Username), gomail.WithPassword(s.cfg.Password))
	}
	c, err := gomail.NewClient(s.cfg.Host, opts...)
	if err != nil {
		return fmt.Errorf("mail: SMTP client for %s:%d: %w", s.cfg.Host, s.cfg.Port, err)
	}
	if err := c.DialAndSendWithContext(ctx, msg); err != nil {
		var se *gomail.SendError
		if errors.As(err, &se) && se.ErrorCode()/100 == 5 {
			return &permanentError{fmt.Errorf("mail: %s rejected %s (%s): %w", s.cfg.Host, m.ID, se.Reason, err)}
		}
		return fmt.Errorf("mail: sending %s via %s:%d: %w", m.ID, s.cfg.Host, s.cfg.Port, err)
	}
	return nil
}

// build turns m into a go-mail message: multipart/alternative when there
// is HTML, UTF-8, quoted-printable.
func (s *Sender) build(m Message) (*gomail.Msg, error) {
	msg := gomail.NewMsg(gomail.WithCharset(gomail.CharsetUTF8), gomail.WithEncoding(gomail.EncodingQP))
	if err := msg.From(s.cfg.From); err != nil {
		// A configuration error: retrying after the operator fixes it works.
		return nil, fmt.Errorf("mail: sender address %q: %w", s.cfg.From, err)
	}
	if err := msg.To(m.To); err != nil {
		return nil, &permanentError{fmt.Errorf("mail: recipient address %q: %w", m.To, err)}
	}
	if m.Text == "" && m.HTML == "" {
		return nil, &permanentError{fmt.Errorf("mail: message %s to %q has no body", m.ID, m.To)}
	}
	msg.Subject(m.Subject)
	msg.SetDate()
	// Instead of the library's name and version, which tell an attacker
	// more than a reader.
	msg.SetUserAgent("Noaber")
	if id := strings.Trim(m.ID, "<>"); id != "" {
		msg.SetMessageIDWithValue(id)
	} else {
		msg.SetMessageID()
	}
	// Tell auto-responders (out-of-office) not to answer a robot
	// (RFC 3834).
	msg.SetGenHeader(gomail.Header("Auto-Submitted"), "auto-generated")
	msg.SetGenHeader(gomail.HeaderXAutoResponseSuppress, "All")
	for k, v := range m.Headers {
		msg.SetGenHeader(gomail.Header(k), v)
	}
	switch {
	case m.HTML == "":
		msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	case m.Text == "":
		msg.SetBodyString(gomail.TypeTextHTML, m.HTML)
	default:
		msg.SetBodyString(gomail.TypeTextPlain, m.Text)
		msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	}
	return msg, nil
}

// permanentError marks a failure that a retry cannot fix.
type permanentError struct{ err error }

func (e *permanentError) Error() string { return e.err.Error() }
func (e *permanentError) Unwrap() error { return e.err }

// IsPermanent reports whether err says the message can never be delivered
// as it is: the SMTP server answered with a 5xx code, or the message itself
// is invalid (a malformed recipient address). Connection failures and 4xx
// answers are temporary.
func IsPermanent(err error) bool {
	var p *permanentError
	return errors.As(err, &p)
}
