package web_test

import (
	"context"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/noaber/noaber/internal/account"
	"github.com/noaber/noaber/internal/i18n"
	"github.com/noaber/noaber/internal/jobs"
	"github.com/noaber/noaber/internal/mail"
	"github.com/noaber/noaber/internal/store"
	"github.com/noaber/noaber/internal/testkit"
	"github.com/noaber/noaber/internal/web"
)

const (
	baseURL  = "http://noaber.test"
	password = "correct horse battery"
)

// env is the real wiring: the account service on a real database, mail
// through the jobs queue into an SMTP sink, and the pages on a test server.
type env struct {
	db   *store.DB
	q    *jobs.Queue
	acc  *account.Service
	sink *testkit.SMTPSink
	srv  *httptest.Server
}

func newEnv(t *testing.T, db *store.DB) *env {
	t.Helper()
	e := &env{db: db, sink: testkit.NewSMTPSink(t)}
	e.q = jobs.New(db, jobs.Options{})
	mail.RegisterSender(e.q, mail.NewSender(mail.SMTPConfig{Host: e.sink.Host(), Port: e.sink.Port(), From: "Noaber <noreply@noaber.test>", TLS: "none"}))
	e.acc = account.New(db, e.q, account.Options{BaseURL: baseURL, SecretKey: []byte("test"), PasswordMemoryKiB: 1024})
	h, err := web.New(web.Deps{Accounts: e.acc, BaseURL: baseURL})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	h.Register(mux)
	e.srv = httptest.NewServer(mux)
	t.Cleanup(e.srv.Close)
	return e
}

// browser is one visitor with its own cookies; it does not follow
// redirects, so tests see each 303.
type browser struct {
	t      *testing.T
	e      *env
	c      *http.Client
	header http.Header
}

func (e *env) browser(t *testing.T) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, e: e, header: http.Header{}, c: &http.Client{
		Jar:           jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// page is a response with its body read.
type page struct {
	status int
	header http.Header
	body   string
}

func (b *browser) do(method, path string, form url.Values) page {
	b.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, b.e.srv.URL+path, body)
	if err != nil {
		b.t.Fatal(err)
	}
	for k, v := range b.header {
		req.Header[k] = v
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		b.t.Fatal(err)
	}
	return page{status: resp.StatusCode, header: resp.Header, body: string(raw)}
}

func (b *browser) get(path string) page                { b.t.Helper(); return b.do("GET", path, nil) }
func (b *browser) post(path string, f url.Values) page { b.t.Helper(); return b.do("POST", path, f) }

// expect fails unless p has the status (and, for a redirect, the location).
func (p page) expect(t *testing.T, status int, location ...string) page {
	t.Helper()
	if p.status != status {
		t.Fatalf("status %d, want %d; body:\n%s", p.status, status, p.body)
	}
	if len(location) > 0 && p.header.Get("Location") != location[0] {
		t.Fatalf("redirect to %q, want %q", p.header.Get("Location"), location[0])
	}
	return p
}

// has fails unless the page shows each text (HTML-escaped as a template
// would write it).
func (p page) has(t *testing.T, texts ...string) page {
	t.Helper()
	for _, s := range texts {
		if !strings.Contains(p.body, html.EscapeString(s)) && !strings.Contains(p.body, s) {
			t.Fatalf("page does not contain %q:\n%s", s, p.body)
		}
	}
	return p
}

// uuidRE matches ids in links and forms: "97b" or "7511" may well be part
// of one by chance, and that is no leak.
var uuidRE = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)

func (p page) hasNot(t *testing.T, texts ...string) page {
	t.Helper()
	body := uuidRE.ReplaceAllString(p.body, "<id>")
	for _, s := range texts {
		if strings.Contains(body, s) {
			t.Fatalf("page contains %q, it must not:\n%s", s, p.body)
		}
	}
	return p
}

// member makes a verified account directly in the service.
func (e *env) member(t *testing.T, su account.SeedUser) string {
	t.Helper()
	if su.FirstName == "" {
		su.FirstName, su.Surname, su.Postcode, su.Town = "Els", "de Vries", "7511AB", "Enschede"
	}
	ids, err := e.acc.Seed(context.Background(), []account.SeedUser{su}, password)
	if err != nil {
		t.Fatal(err)
	}
	return ids[0]
}

// login signs the browser in and returns the user's id.
func (b *browser) login(email string) {
	b.t.Helper()
	b.post("/login", url.Values{"email": {email}, "password": {password}}).expect(b.t, http.StatusSeeOther)
}

// lastLink delivers the queued mail and returns the newest link to addr
// that starts with path.
func (e *env) lastLink(t *testing.T, addr, path string) string {
	t.Helper()
	if _, err := e.q.RunDue(context.Background()); err != nil {
		t.Fatal(err)
	}
	link := ""
	for _, m := range e.sink.Messages() {
		for _, to := range m.To {
			if strings.EqualFold(to, addr) {
				if l := m.Link(baseURL + path); l != "" {
					link = l
				}
			}
		}
	}
	if link == "" {
		t.Fatalf("no %s link mailed to %s", path, addr)
	}
	return strings.TrimPrefix(link, baseURL)
}

func countUsers(t *testing.T, db *store.DB) int {
	t.Helper()
	var n int
	if err := db.QueryRow(context.Background(), "SELECT COUNT(*) FROM users").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// tr is a catalog text as a page shows it.
func tr(l i18n.Lang, key string, args ...any) string { return i18n.T(l, key, args...) }
