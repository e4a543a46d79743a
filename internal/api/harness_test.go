package api

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"github.com/noaber/noaber/internal/account"
	"github.com/noaber/noaber/internal/jobs"
	"github.com/noaber/noaber/internal/live"
	"github.com/noaber/noaber/internal/store"
	"github.com/noaber/noaber/internal/trust"
)

// env is the real wiring: the account service on a real database, the API
// on a mux beside a stand-in page handler, served over HTTP.
type env struct {
	t      *testing.T
	db     *store.DB
	svc    *account.Service
	srv    *httptest.Server
	router routers.Router
	spec   *openapi3.T
	clock  *clock
	addrs  atomic.Int64
}

// clock is the service's clock; tests move it to expire links.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func loadSpec(t testing.TB) *openapi3.T {
	t.Helper()
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(OpenAPI)
	if err != nil {
		t.Fatalf("load openapi.json: %v", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("openapi.json is not a valid OpenAPI document: %v", err)
	}
	return doc
}

func newEnv(t *testing.T, db *store.DB) *env {
	t.Helper()
	clk := &clock{now: time.Now().UTC()}
	svc := account.New(db, jobs.New(db, jobs.Options{}), account.Options{
		BaseURL: "http://noaber.test", SecretKey: []byte("test"), PasswordMemoryKiB: 1024, Now: clk.Now,
	})
	return serve(t, db, clk, Deps{Accounts: svc})
}

// serve registers the API with d on a mux beside a stand-in page handler,
// serves it over HTTP until the test ends, and returns the env that talks
// to it. Each harness wires the services it needs; the trust service,
// which public profiles always show, is added when d has none.
func serve(t *testing.T, db *store.DB, clk *clock, d Deps) *env {
	t.Helper()
	if d.Trust == nil {
		d.Trust = trust.New(db, d.Accounts, trust.Options{Now: clk.Now})
	}
	d.BaseURL, d.TrustProxy = "http://noaber.test", true
	mux := http.NewServeMux()
	// A page handler on "/" like the web's: nothing under /api/ may reach it.
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusNotFound)
		io.WriteString(w, "<!doctype html><title>page</title>")
	})
	New(d).Register(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	if d.Live != nil {
		// The event streams end before the server closes (Close waits
		// for them); cleanups run last-registered first.
		t.Cleanup(d.Live.CloseAll)
	}
	spec := loadSpec(t)
	router, err := gorillamux.NewRouter(spec)
	if err != nil {
		t.Fatalf("openapi router: %v", err)
	}
	return &env{t: t, db: db, svc: d.Accounts, srv: srv, router: router, spec: spec, clock: clk}
}

// startBroker runs a live broker until the test ends. On PostgreSQL
// events travel through LISTEN/NOTIFY, this instance's own too: the
// broker must listen before anything is sent.
func startBroker(t *testing.T, db *store.DB) *live.Broker {
	t.Helper()
	broker := live.New(db, "", nil)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); broker.Run(ctx) }()
	t.Cleanup(func() { broker.CloseAll(); cancel(); <-done })
	select {
	case <-broker.Ready():
	case <-time.After(30 * time.Second):
		t.Fatal("the live broker did not start listening")
	}
	return broker
}

// scenario is one request and what its answer must (and must not) hold.
type scenario struct {
	name       string
	method     string
	path       string
	token      string
	headers    map[string]string
	body       string
	status     int
	contains   []string
	excludes   []string
	header     map[string]string // expected response headers (substring)
	after      func(t *testing.T, res *response)
	skipSchema bool // only for answers the document cannot describe
}

type response struct {
	status int
	header http.Header
	body   []byte
}

// decodeBody unmarshals the answer into v.
func (r *response) decode(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("decode %s: %v", r.body, err)
	}
}

func (e *env) run(t *testing.T, scs []scenario) {
	t.Helper()
	for _, sc := range scs {
		t.Run(sc.name, func(t *testing.T) {
			res := e.do(t, sc)
			if sc.after != nil {
				sc.after(t, res)
			}
		})
	}
}

// do sends sc's request, checks the answer and returns it.
func (e *env) do(t *testing.T, sc scenario) *response {
	t.Helper()
	req, err := http.NewRequest(sc.method, e.srv.URL+sc.path, strings.NewReader(sc.body))
	if err != nil {
		t.Fatal(err)
	}
	if sc.body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	// A client address of its own per request keeps the per-address rate
	// limits out of the way; per-account limits are tested on purpose.
	req.Header.Set("X-Forwarded-For", fmt.Sprintf("192.0.2.1, 198.51.100.%d", e.addrs.Add(1)%250+1))
	if sc.token != "" {
		req.Header.Set("Authorization", "Bearer "+sc.token)
	}
	for k, v := range sc.headers {
		req.Header.Set(k, v)
	}
	hres, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(hres.Body)
	hres.Body.Close()
	res := &response{status: hres.StatusCode, header: hres.Header, body: body}

	if res.status != sc.status {
		t.Errorf("%s %s: status %d, want %d; body %s", sc.method, sc.path, res.status, sc.status, body)
	}
	for _, s := range sc.contains {
		if !bytes.Contains(body, []byte(s)) {
			t.Errorf("%s %s: body lacks %q: %s", sc.method, sc.path, s, body)
		}
	}
	for _, s := range sc.excludes {
		if bytes.Contains(body, []byte(s)) {
			t.Errorf("%s %s: body holds %q: %s", sc.method, sc.path, s, body)
		}
	}
	for k, v := range sc.header {
		if !strings.Contains(res.header.Get(k), v) {
			t.Errorf("%s %s: header %s = %q, want it to hold %q", sc.method, sc.path, k, res.header.Get(k), v)
		}
	}
	if strings.HasPrefix(sc.path, "/api/") {
		ct := res.header.Get("Content-Type")
		if res.status >= 400 && ct != "application/problem+json" {
			t.Errorf("%s %s: error with Content-Type %q, want application/problem+json: %s", sc.method, sc.path, ct, body)
		}
		if bytes.Contains(bytes.ToLower(body), []byte("<html")) || bytes.Contains(bytes.ToLower(body), []byte("<!doctype")) {
			t.Errorf("%s %s: an HTML page under /api/: %s", sc.method, sc.path, body)
		}
		if res.status >= 500 {
			t.Errorf("%s %s: server error for a test request: %s", sc.method, sc.path, body)
		}
	}
	if !sc.skipSchema {
		e.checkSchema(t, req, sc.body, res)
	}
	return res
}

// checkSchema fails the test when the answer does not match the OpenAPI
// document: its status must be documented for the operation (not only by
// "default") and its headers and body must fit the schema. The requests
// of successful calls must fit the document too.
func (e *env) checkSchema(t *testing.T, req *http.Request, body string, res *response) {
	t.Helper()
	route, params, err := e.router.FindRoute(req)
	if err != nil {
		// No such operation: only the fallback answers these.
		if res.status != http.StatusNotFound && res.status != http.StatusMethodNotAllowed {
			t.Errorf("%s %s: not in the OpenAPI document, but answered %d", req.Method, req.URL.Path, res.status)
		}
		// Still a problem document of the documented shape.
		var v any
		if err := json.Unmarshal(res.body, &v); err != nil {
			t.Errorf("%s %s: answer is not JSON: %v", req.Method, req.URL.Path, err)
			return
		}
		if err := e.spec.Components.Schemas["Problem"].Value.VisitJSON(v); err != nil {
			t.Errorf("%s %s: answer is not a Problem: %v", req.Method, req.URL.Path, err)
		}
		return
	}
	if route.Operation.Responses.Status(res.status) == nil {
		t.Errorf("%s %s: status %d is not documented for %s", req.Method, req.URL.Path, res.status, route.Operation.OperationID)
	}
	opts := &openapi3filter.Options{
		IncludeResponseStatus: true,
		AuthenticationFunc:    openapi3filter.NoopAuthenticationFunc,
	}
	reqIn := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route, Options: opts}
	if res.status < 300 {
		r2 := req.Clone(context.Background())
		r2.Body = io.NopCloser(strings.NewReader(body))
		in := &openapi3filter.RequestValidationInput{Request: r2, PathParams: params, Route: route, Options: opts}
		if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil {
			t.Errorf("%s %s: the request does not match the OpenAPI document: %v", req.Method, req.URL.Path, err)
		}
	}
	out := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: reqIn,
		Status:                 res.status,
		Header:                 res.header,
		Body:                   io.NopCloser(bytes.NewReader(res.body)),
		Options:                opts,
	}
	if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
		t.Errorf("%s %s: the response does not match the OpenAPI document: %v\nbody: %s", req.Method, req.URL.Path, err, res.body)
	}
}

// mail is an e-mail the service queued.
type mail struct {
	To   string `json:"to"`
	Text string `json:"text"`
}

// mailsTo returns the e-mails queued for addr, oldest first.
func (e *env) mailsTo(t *testing.T, addr string) []mail {
	t.Helper()
	rows, err := e.db.Query(context.Background(), "SELECT payload FROM jobs ORDER BY created_at, id")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []mail
	for rows.Next() {
		var p string
		if err := rows.Scan(&p); err != nil {
			t.Fatal(err)
		}
		var m mail
		if json.Unmarshal([]byte(p), &m) == nil && m.To == addr {
			out = append(out, m)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

var linkToken = regexp.MustCompile(`/(verify|reset)\?token=([A-Za-z0-9_-]+)`)

// lastLink returns the token of the newest link of kind ("verify" or
// "reset") mailed to addr.
func (e *env) lastLink(t *testing.T, addr, kind string) string {
	t.Helper()
	ms := e.mailsTo(t, addr)
	for i := len(ms) - 1; i >= 0; i-- {
		if m := linkToken.FindStringSubmatch(ms[i].Text); m != nil && m[1] == kind {
			return m[2]
		}
	}
	t.Fatalf("no %s link mailed to %s (%d mails)", kind, addr, len(ms))
	return ""
}

// count returns the number of rows a query counts.
func (e *env) count(t *testing.T, query string, args ...any) int {
	t.Helper()
	var n int
	if err := e.db.QueryRow(context.Background(), query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// member signs up a user through the API, confirms the address with the
// mailed link and logs in; it returns the user's id and a token.
func (e *env) member(t *testing.T, email, password, first, surname string) (id, token string) {
	t.Helper()
	e.do(t, scenario{method: "POST", path: "/api/v1/signup", status: 202, body: fmt.Sprintf(
		`{"email":%q,"password":%q,"first_name":%q,"surname":%q,"postcode":"4531 AB","house_number":"7","town":"Terneuzen","accept_rules":true}`,
		email, password, first, surname)})
	res := e.do(t, scenario{method: "POST", path: "/api/v1/email-verification", status: 200,
		body: fmt.Sprintf(`{"token":%q}`, e.lastLink(t, email, "verify"))})
	var me Me
	res.decode(t, &me)
	return me.ID, e.login(t, email, password)
}

func (e *env) login(t *testing.T, email, password string) string {
	t.Helper()
	res := e.do(t, scenario{method: "POST", path: "/api/v1/tokens", status: 201,
		body: fmt.Sprintf(`{"email":%q,"password":%q}`, email, password)})
	var tok Token
	res.decode(t, &tok)
	if tok.Token == "" {
		t.Fatalf("login %s: no token in %s", email, res.body)
	}
	return tok.Token
}
