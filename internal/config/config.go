// Package config reads Noaber's settings from flags and NOABER_*
// environment variables (a flag wins over the variable) into one Config,
// and checks every value at start with a message that names the setting.
package config

import (
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/mail"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Config is everything an operator can set.
type Config struct {
	DatabaseURL string
	Listen      string
	BaseURL     string
	SecretKey   string // empty: generated on first start and kept in the database
	TrustProxy  bool
	LogLevel    slog.Level
	LogFormat   string // text or json
	JobWorkers  int
	// MetricsToken, when set, is the bearer token /metrics asks for.
	MetricsToken string
	// Geocoder is "off" (postcode table and towns only) or "pdok" (ask
	// PDOK's Locatieserver for the exact address first).
	Geocoder string
	PDOKURL  string
	// DispatchWeights ranks the helpers the dispatcher invites:
	// "distance=1,fit=1,reliability=2,fairness=0.5" (checked by
	// dispatch.ParseWeights when the app starts).
	DispatchWeights string
	SMTP            SMTP
	// JobLease is how long a claimed job belongs to its worker; after a
	// crash, another worker takes it over when the lease runs out.
	JobLease time.Duration
	// DigestDelay is how long e-mails about new messages wait, to go out
	// as one digest.
	DigestDelay time.Duration
	// Push turns web push on; the VAPID keys are generated on first start
	// and kept in the database unless both are set.
	Push            bool
	VAPIDPublicKey  string
	VAPIDPrivateKey string
	// VAPIDSubject is the contact push services may use (mailto: or
	// https:); default: mailto: with the SMTP sender address.
	VAPIDSubject string
	// ModerationContact is where a person objects to a moderator's
	// decision (an e-mail address or a web address), named in the e-mail
	// that tells them of it.
	ModerationContact string
}

// SMTP is the outgoing mail server. With no Host, mails are written to the
// log instead (for trying Noaber out; a warning says so at start).
type SMTP struct {
	Host     string
	Port     int
	Username string
	Password string
	From     string
	TLS      string // none, starttls or tls
}

type setting struct {
	flag, env, def, help string
}

var settings = []setting{
	{"database", "NOABER_DATABASE_URL", "noaber.db", "database: a SQLite file path, or a postgres:// URL"},
	{"listen", "NOABER_LISTEN", "localhost:8080", "address to listen on (host:port)"},
	{"base-url", "NOABER_BASE_URL", "", "public address of this Noaber, for links in e-mails (default: from --listen)"},
	{"secret-key", "NOABER_SECRET_KEY", "", "secret of at least 32 characters (default: generated and kept in the database)"},
	{"trust-proxy", "NOABER_TRUST_PROXY", "false", "trust X-Forwarded-For from a reverse proxy"},
	{"log-level", "NOABER_LOG_LEVEL", "info", "debug, info, warn or error"},
	{"log-format", "NOABER_LOG_FORMAT", "text", "text or json"},
	{"job-workers", "NOABER_JOB_WORKERS", "4", "background jobs run at once by this instance"},
	{"dispatch-weights", "NOABER_DISPATCH_WEIGHTS", "", "how the dispatcher ranks helpers, e.g. distance=1,fit=1,reliability=2,fairness=0.5 (default: those)"},
	{"metrics-token", "NOABER_METRICS_TOKEN", "", "bearer token that /metrics asks for (empty: /metrics is open)"},
	{"geocoder", "NOABER_GEOCODER", "off", "off (postcode table and towns) or pdok (PDOK Locatieserver first)"},
	{"pdok-url", "NOABER_PDOK_URL", "", "PDOK Locatieserver base URL (default: PDOK's own)"},
	{"smtp-host", "NOABER_SMTP_HOST", "", "SMTP server (empty: write mails to the log)"},
	{"smtp-port", "NOABER_SMTP_PORT", "587", "SMTP port"},
	{"smtp-username", "NOABER_SMTP_USERNAME", "", "SMTP user name"},
	{"smtp-password", "NOABER_SMTP_PASSWORD", "", "SMTP password"},
	{"smtp-from", "NOABER_SMTP_FROM", "Noaber <noreply@localhost>", "sender address of e-mails"},
	{"smtp-tls", "NOABER_SMTP_TLS", "starttls", "none, starttls or tls"},
	{"job-lease", "NOABER_JOB_LEASE", "5m", "how long a worker holds a job before another instance may take it over (10s to 1h)"},
	{"message-digest-delay", "NOABER_MESSAGE_DIGEST_DELAY", "15m", "how long e-mails about new messages wait, to go out as one digest (1s to 24h)"},
	{"push", "NOABER_PUSH", "true", "web push notifications (true or false)"},
	{"vapid-public-key", "NOABER_VAPID_PUBLIC_KEY", "", "VAPID public key for web push (default: generated and kept in the database)"},
	{"vapid-private-key", "NOABER_VAPID_PRIVATE_KEY", "", "VAPID private key for web push (set both or neither)"},
	{"vapid-subject", "NOABER_VAPID_SUBJECT", "", "contact for push services, mailto: or https: (default: mailto: the SMTP sender)"},
	{"moderation-contact", "NOABER_MODERATION_CONTACT", "", "where people object to a moderator's decision, an e-mail or web address (default: the house rules page)"},
}

// Flags registers the settings on fs and returns a function that reads
// them, after fs.Parse, into a checked Config. getenv is os.Getenv outside
// tests.
func Flags(fs *flag.FlagSet, getenv func(string) string) func() (Config, error) {
	vals := make(map[string]*string, len(settings))
	for _, s := range settings {
		def := s.def
		if v := getenv(s.env); v != "" {
			def = v
		}
		vals[s.flag] = fs.String(s.flag, def, s.help+" ["+s.env+"]")
	}
	return func() (Config, error) {
		get := func(name string) string { return strings.TrimSpace(*vals[name]) }
		return parse(get)
	}
}

func parse(get func(string) string) (Config, error) {
	var c Config
	var errs []error
	bad := func(flagName, format string, args ...any) {
		env := ""
		for _, s := range settings {
			if s.flag == flagName {
				env = s.env
			}
		}
		errs = append(errs, fmt.Errorf("--%s (%s): %s", flagName, env, fmt.Sprintf(format, args...)))
	}

	c.DatabaseURL = get("database")
	if c.DatabaseURL == "" {
		bad("database", "is empty; give a SQLite file path or a postgres:// URL")
	} else if strings.Contains(c.DatabaseURL, "://") {
		u, err := url.Parse(c.DatabaseURL)
		switch {
		case err != nil:
			// url's error repeats the whole URL, password included.
			bad("database", "is not a valid URL: %v", errors.Unwrap(err))
		case u.Scheme != "postgres" && u.Scheme != "postgresql" && u.Scheme != "sqlite":
			bad("database", "scheme %q is not supported; use a file path or postgres://", u.Scheme)
		}
	}

	c.Listen = get("listen")
	host, port, err := net.SplitHostPort(c.Listen)
	if err != nil {
		bad("listen", "%q is not host:port, e.g. localhost:8080 or :8080", c.Listen)
	} else if p, err := strconv.Atoi(port); err != nil || p < 0 || p > 65535 {
		bad("listen", "port %q is not a number from 0 to 65535", port)
	}

	c.BaseURL = strings.TrimRight(get("base-url"), "/")
	if c.BaseURL == "" && err == nil {
		if host == "" || host == "0.0.0.0" || host == "::" {
			host = "localhost"
		}
		c.BaseURL = "http://" + net.JoinHostPort(host, port)
	} else if c.BaseURL != "" {
		u, err := url.Parse(c.BaseURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
			bad("base-url", "%q is not an http(s) address like https://noaber.example.nl", c.BaseURL)
		}
	}

	c.SecretKey = get("secret-key")
	if c.SecretKey != "" && len(c.SecretKey) < 32 {
		bad("secret-key", "has %d characters; use at least 32 (e.g. from 'openssl rand -hex 32')", len(c.SecretKey))
	}

	switch v := strings.ToLower(get("trust-proxy")); v {
	case "true", "1", "yes":
		c.TrustProxy = true
	case "false", "0", "no", "":
	default:
		bad("trust-proxy", "%q is not true or false", v)
	}

	if err := c.LogLevel.UnmarshalText([]byte(get("log-level"))); err != nil {
		bad("log-level", "%q is not debug, info, warn or error", get("log-level"))
	}
	c.LogFormat = get("log-format")
	if c.LogFormat != "text" && c.LogFormat != "json" {
		bad("log-format", "%q is not text or json", c.LogFormat)
	}

	c.JobWorkers, err = strconv.Atoi(get("job-workers"))
	if err != nil || c.JobWorkers < 1 || c.JobWorkers > 256 {
		bad("job-workers", "%q is not a number from 1 to 256", get("job-workers"))
	}

	c.MetricsToken = get("metrics-token")
	if c.MetricsToken != "" && len(c.MetricsToken) < 16 {
		bad("metrics-token", "has %d characters; use at least 16", len(c.MetricsToken))
	}

	c.Geocoder = strings.ToLower(get("geocoder"))
	if c.Geocoder != "off" && c.Geocoder != "pdok" {
		bad("geocoder", "%q is not off or pdok", c.Geocoder)
	}
	c.PDOKURL = get("pdok-url")
	if c.PDOKURL != "" {
		if u, err := url.Parse(c.PDOKURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			bad("pdok-url", "%q is not an http(s) address", c.PDOKURL)
		}
	}

	c.DispatchWeights = get("dispatch-weights")

	c.SMTP = SMTP{Host: get("smtp-host"), Username: get("smtp-username"), Password: get("smtp-password"),
		From: get("smtp-from"), TLS: strings.ToLower(get("smtp-tls"))}
	c.SMTP.Port, err = strconv.Atoi(get("smtp-port"))
	if err != nil || c.SMTP.Port < 1 || c.SMTP.Port > 65535 {
		bad("smtp-port", "%q is not a port number", get("smtp-port"))
	}
	if _, err := mail.ParseAddress(c.SMTP.From); err != nil {
		bad("smtp-from", "%q is not an address like 'Noaber <noreply@example.nl>'", c.SMTP.From)
	}
	switch c.SMTP.TLS {
	case "none", "starttls", "tls":
	default:
		bad("smtp-tls", "%q is not none, starttls or tls", c.SMTP.TLS)
	}
	if c.SMTP.Host != "" && strings.ContainsAny(c.SMTP.Host, "/: ") {
		bad("smtp-host", "%q should be a host name only; put the port in --smtp-port", c.SMTP.Host)
	}

	c.JobLease, err = time.ParseDuration(get("job-lease"))
	if err != nil || c.JobLease < 10*time.Second || c.JobLease > time.Hour {
		bad("job-lease", "%q is not a duration from 10s to 1h", get("job-lease"))
	}
	c.DigestDelay, err = time.ParseDuration(get("message-digest-delay"))
	if err != nil || c.DigestDelay < time.Second || c.DigestDelay > 24*time.Hour {
		bad("message-digest-delay", "%q is not a duration from 1s to 24h", get("message-digest-delay"))
	}
	c.Push, err = strconv.ParseBool(get("push"))
	if err != nil {
		bad("push", "%q is not true or false", get("push"))
	}
	c.VAPIDPublicKey, c.VAPIDPrivateKey = get("vapid-public-key"), get("vapid-private-key")
	if (c.VAPIDPublicKey == "") != (c.VAPIDPrivateKey == "") {
		bad("vapid-private-key", "set both VAPID keys or neither")
	}
	c.ModerationContact = strings.TrimSpace(get("moderation-contact"))
	if len(c.ModerationContact) > 200 {
		bad("moderation-contact", "has %d characters; use at most 200", len(c.ModerationContact))
	}
	c.VAPIDSubject = get("vapid-subject")
	if c.VAPIDSubject == "" {
		if a, err := mail.ParseAddress(c.SMTP.From); err == nil {
			c.VAPIDSubject = "mailto:" + a.Address
		}
	} else if !strings.HasPrefix(c.VAPIDSubject, "mailto:") && !strings.HasPrefix(c.VAPIDSubject, "https://") {
		bad("vapid-subject", "%q does not start with mailto: or https://", c.VAPIDSubject)
	}
	return c, errors.Join(errs...)
}

// Secure reports whether the public address is https (Secure cookies, HSTS).
func (c Config) Secure() bool { return strings.HasPrefix(c.BaseURL, "https://") }
