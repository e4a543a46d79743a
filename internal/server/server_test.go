package server

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/noaber/noaber/internal/store"
	"github.com/noaber/noaber/internal/testkit"
)

// routes is a small site: a page, a form, an API endpoint, and handlers
// that misbehave.
func routes(mux *http.ServeMux) {
	mux.HandleFunc("GET /profile/{id}", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "profile "+r.PathValue("id"))
	})
	mux.HandleFunc("POST /form", func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil {
			var tooLarge *http.MaxBytesError
			if errors.As(err, &tooLarge) {
				http.Error(w, "too large", http.StatusRequestEntityTooLarge)
				return
			}
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		io.WriteString(w, "saved "+r.PostFormValue("name"))
	})
	mux.HandleFunc("POST /u/{token}", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "unsubscribed "+r.PathValue("token"))
	})
	mux.HandleFunc("POST /api/v1/things", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusCreated)
	})
	mux.HandleFunc("GET /boom", func(w http.ResponseWriter, r *http.Request) {
		panic("secret internals")
	})
	mux.HandleFunc("GET /api/v1/boom", func(w http.ResponseWriter, r *http.Request) {
		panic("secret internals")
	})
}

type testServer struct {
	url string
	log *lockedWriter
}

func newTestServer(t *testing.T, opt Options) *testServer {
	t.Helper()
	log := &lockedWriter{}
	opt.Logger = slog.New(slog.NewTextHandler(log, &slog.HandlerOptions{Level: slog.LevelDebug}))
	ts := httptest.NewServer(New(opt, routes))
	t.Cleanup(ts.Close)
	return &testServer{url: ts.URL, log: log}
}

func (s *testServer) do(t *testing.T, method, path string, body io.Reader, header map[string]string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, s.url+path, body)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("%s %s: read body: %v", method, path, err)
	}
	return res, string(b)
}

func TestSecurityHeaders(t *testing.T) {
	s := newTestServer(t, Options{BaseURL: "http://localhost"})
	want := map[string]string{
		"Content-Security-Policy":    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; worker-src 'self'; manifest-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
		"X-Content-Type-Options":     "nosniff",
		"Referrer-Policy":            "same-origin",
		"Permissions-Policy":         "geolocation=(self), camera=(), microphone=()",
		"Cross-Origin-Opener-Policy": "same-origin",
	}
	for _, tc := range []struct {
		path   string
		status int
	}{
		{"/profile/1", 200},
		{"/no/such/page", 404},
		{"/boom", 500},
		{"/healthz", 200},
	} {
		res, _ := s.do(t, "GET", tc.path, nil, nil)
		if res.StatusCode != tc.status {
			t.Errorf("GET %s: status %d, want %d", tc.path, res.StatusCode, tc.status)
		}
		for k, v := range want {
			if got := res.Header.Get(k); got != v {
				t.Errorf("GET %s: %s = %q, want %q", tc.path, k, got, v)
			}
		}
		if got := res.Header.Get("Strict-Transport-Security"); got != "" {
			t.Errorf("GET %s over http: HSTS %q, want none", tc.path, got)
		}
		if res.Header.Get("X-Request-Id") == "" {
			t.Errorf("GET %s: no X-Request-Id", tc.path)
		}
	}
}

func TestHSTSOnlyForHTTPS(t *testing.T) {
	s := newTestServer(t, Options{BaseURL: "https://noaber.example"})
	res, _ := s.do(t, "GET", "/profile/1", nil, nil)
	if got := res.Header.Get("Strict-Transport-Security"); !strings.HasPrefix(got, "max-age=") {
		t.Errorf("HSTS = %q, want max-age=...", got)
	}
}

func TestRequestID(t *testing.T) {
	s := newTestServer(t, Options{})
	res, _ := s.do(t, "GET", "/profile/1", nil, map[string]string{"X-Request-Id": "abc-123"})
	if got := res.Header.Get("X-Request-Id"); got != "abc-123" {
		t.Errorf("a plain incoming id: got %q, want it kept", got)
	}
	res, _ = s.do(t, "GET", "/profile/1", nil, map[string]string{"X-Request-Id": "x\" forged=1"})
	if got := res.Header.Get("X-Request-Id"); got == "" || strings.Contains(got, "forged") {
		t.Errorf("an unsafe incoming id: got %q, want a new one", got)
	}
}

func TestCrossOriginProtection(t *testing.T) {
	s := newTestServer(t, Options{BaseURL: "https://noaber.example"})
	form := "application/x-www-form-urlencoded"
	tests := []struct {
		name   string
		path   string
		header map[string]string
		status int
	}{
		{"cross-site form post", "/form", map[string]string{"Sec-Fetch-Site": "cross-site", "Content-Type": form}, 403},
		{"same-site form post", "/form", map[string]string{"Sec-Fetch-Site": "same-site", "Content-Type": form}, 403},
		{"old browser, foreign origin", "/form", map[string]string{"Origin": "https://evil.example", "Content-Type": form}, 403},
		{"same-origin form post", "/form", map[string]string{"Sec-Fetch-Site": "same-origin", "Content-Type": form}, 200},
		{"the site's public origin behind a proxy", "/form", map[string]string{"Origin": "https://noaber.example", "Content-Type": form}, 200},
		{"no browser headers (curl)", "/form", map[string]string{"Content-Type": form}, 200},
		{"cross-site API call", "/api/v1/things", map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://partner.example"}, 201},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, body := s.do(t, "POST", tc.path, strings.NewReader("name=Els"), tc.header)
			if res.StatusCode != tc.status {
				t.Fatalf("status %d, want %d; body %q", res.StatusCode, tc.status, body)
			}
			if tc.status == 403 {
				if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
					t.Errorf("Content-Type %q, want a page", ct)
				}
				if !strings.Contains(body, "andere website") {
					t.Errorf("403 page does not explain (in Dutch by default): %q", body)
				}
				if res.Header.Get("Content-Security-Policy") == "" {
					t.Error("403 page without CSP")
				}
			}
			if tc.status == 200 && body != "saved Els" {
				t.Errorf("body %q, want the handler's answer", body)
			}
		})
	}
}

// A mail provider sends an RFC 8058 one-click unsubscribe from its own
// servers: a POST with no cookies, no Origin and no Sec-Fetch-Site. The
// cross-origin check must let it through; a browser on another site that
// posts the same is still refused.
func TestOneClickUnsubscribePassesTheCrossOriginCheck(t *testing.T) {
	s := newTestServer(t, Options{BaseURL: "https://noaber.example"})
	body := "List-Unsubscribe=One-Click"
	for _, ct := range []string{"application/x-www-form-urlencoded", "multipart/form-data; boundary=x"} {
		res, got := s.do(t, "POST", "/u/tok123", strings.NewReader(body), map[string]string{"Content-Type": ct})
		if res.StatusCode != 200 || got != "unsubscribed tok123" {
			t.Fatalf("%s: status %d, body %q; want the handler's answer", ct, res.StatusCode, got)
		}
	}
	res, _ := s.do(t, "POST", "/u/tok123", strings.NewReader(body), map[string]string{
		"Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"})
	if res.StatusCode != 403 {
		t.Fatalf("cross-site browser post: status %d, want 403", res.StatusCode)
	}
}

func TestPanicRecovery(t *testing.T) {
	s := newTestServer(t, Options{})
	res, body := s.do(t, "GET", "/boom", nil, map[string]string{"Accept-Language": "en"})
	if res.StatusCode != 500 {
		t.Fatalf("status %d, want 500", res.StatusCode)
	}
	if strings.Contains(body, "secret internals") || strings.Contains(body, "goroutine") {
		t.Errorf("500 page shows internals: %q", body)
	}
	if !strings.Contains(body, "Something went wrong") {
		t.Errorf("500 page %q, want the English text", body)
	}
	if !strings.Contains(s.log.String(), "secret internals") || !strings.Contains(s.log.String(), "server_test.go") {
		t.Errorf("log lacks the panic and its stack:\n%s", s.log.String())
	}

	res, body = s.do(t, "GET", "/api/v1/boom", nil, nil)
	if res.StatusCode != 500 || res.Header.Get("Content-Type") != "application/problem+json" {
		t.Fatalf("API panic: status %d, Content-Type %q, want 500 problem+json", res.StatusCode, res.Header.Get("Content-Type"))
	}
	if !strings.Contains(body, `"code":"internal"`) || strings.Contains(body, "secret") {
		t.Errorf("API panic body %q", body)
	}

	res, body = s.do(t, "GET", "/profile/7", nil, nil)
	if res.StatusCode != 200 || body != "profile 7" {
		t.Errorf("after a panic: %d %q, want the server still serving", res.StatusCode, body)
	}
}

func TestBodyLimit(t *testing.T) {
	s := newTestServer(t, Options{MaxBodyBytes: 64})
	h := map[string]string{"Content-Type": "application/x-www-form-urlencoded"}
	res, body := s.do(t, "POST", "/form", strings.NewReader("name="+strings.Repeat("a", 100)), h)
	if res.StatusCode != 413 {
		t.Errorf("declared too large: %d %q, want 413", res.StatusCode, body)
	}
	// Without a Content-Length the limit shows when the handler reads.
	res, body = s.do(t, "POST", "/form", io.MultiReader(strings.NewReader("name="+strings.Repeat("a", 100))), h)
	if res.StatusCode != 413 || body != "too large\n" {
		t.Errorf("chunked too large: %d %q, want the handler's 413", res.StatusCode, body)
	}
	res, body = s.do(t, "POST", "/form", strings.NewReader("name=Els"), h)
	if res.StatusCode != 200 {
		t.Errorf("small body: %d %q, want 200", res.StatusCode, body)
	}
	res, body = s.do(t, "POST", "/api/v1/things", strings.NewReader(strings.Repeat("a", 100)), nil)
	if res.StatusCode != 413 || res.Header.Get("Content-Type") != "application/problem+json" {
		t.Errorf("API too large: %d %q %q, want 413 problem+json", res.StatusCode, res.Header.Get("Content-Type"), body)
	}
}

func TestHealthz(t *testing.T) {
	s := newTestServer(t, Options{})
	res, body := s.do(t, "GET", "/healthz", nil, nil)
	if res.StatusCode != 200 || body != "ok\n" {
		t.Errorf("/healthz: %d %q", res.StatusCode, body)
	}
}

func TestReadyz(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		s := newTestServer(t, Options{DB: db})
		res, body := s.do(t, "GET", "/readyz", nil, nil)
		if res.StatusCode != 200 {
			t.Fatalf("/readyz with a live database: %d %q", res.StatusCode, body)
		}
		db.Close()
		res, body = s.do(t, "GET", "/readyz", nil, nil)
		if res.StatusCode != 503 {
			t.Errorf("/readyz with a closed database: %d %q, want 503", res.StatusCode, body)
		}
	})
}

func TestMetrics(t *testing.T) {
	s := newTestServer(t, Options{})
	for range 2 {
		s.do(t, "GET", "/profile/42", nil, nil)
	}
	s.do(t, "GET", "/no/such/page", nil, nil)
	s.do(t, "BREW", "/profile/42", nil, nil)
	res, body := s.do(t, "GET", "/metrics", nil, nil)
	if res.StatusCode != 200 {
		t.Fatalf("/metrics: %d", res.StatusCode)
	}
	for _, want := range []string{
		`http_requests_total{method="GET",route="GET /profile/{id}",status="200"} 2`,
		`http_requests_total{method="GET",route="none",status="404"} 1`,
		`http_requests_total{method="OTHER",route="none",status="405"} 1`,
		`http_request_duration_seconds_count{method="GET",route="GET /profile/{id}"} 2`,
		"go_goroutines",
		"process_cpu_seconds_total",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	if strings.Contains(body, "/profile/42") {
		t.Error("/metrics has a raw path as a label")
	}
}

func TestMetricsToken(t *testing.T) {
	s := newTestServer(t, Options{MetricsToken: "s3cret"})
	if res, _ := s.do(t, "GET", "/metrics", nil, nil); res.StatusCode != 401 {
		t.Errorf("/metrics without the token: %d, want 401", res.StatusCode)
	}
	if res, _ := s.do(t, "GET", "/metrics", nil, map[string]string{"Authorization": "Bearer s3cret"}); res.StatusCode != 200 {
		t.Errorf("/metrics with the token: %d, want 200", res.StatusCode)
	}
}

func TestAccessLog(t *testing.T) {
	s := newTestServer(t, Options{})
	s.do(t, "GET", "/profile/42?token=tok-in-query", nil, map[string]string{"Cookie": "session=cookie-value"})
	log := s.log.String()
	if !strings.Contains(log, `pattern="GET /profile/{id}"`) || !strings.Contains(log, "status=200") {
		t.Errorf("access log lacks the pattern or status:\n%s", log)
	}
	for _, secret := range []string{"tok-in-query", "cookie-value", "/profile/42"} {
		if strings.Contains(log, secret) {
			t.Errorf("access log holds %q:\n%s", secret, log)
		}
	}
}

func TestGracefulShutdown(t *testing.T) {
	started := make(chan struct{})
	h := New(Options{Logger: slog.New(slog.DiscardHandler)}, func(mux *http.ServeMux) {
		mux.HandleFunc("GET /slow", func(w http.ResponseWriter, r *http.Request) {
			close(started)
			time.Sleep(500 * time.Millisecond)
			io.WriteString(w, "finished")
		})
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	served := make(chan error, 1)
	go func() { served <- ServeListener(ctx, NewHTTPServer("", h), ln, slog.New(slog.DiscardHandler)) }()

	type result struct {
		body string
		err  error
	}
	got := make(chan result, 1)
	go func() {
		res, err := http.Get("http://" + ln.Addr().String() + "/slow")
		if err != nil {
			got <- result{err: err}
			return
		}
		defer res.Body.Close()
		b, err := io.ReadAll(res.Body)
		got <- result{string(b), err}
	}()
	select {
	case <-started:
	case <-time.After(10 * time.Second):
		t.Fatal("the slow request never started")
	}
	cancel()

	r := <-got
	if r.err != nil || r.body != "finished" {
		t.Errorf("in-flight request: %q, %v; want it to finish", r.body, r.err)
	}
	select {
	case err := <-served:
		if err != nil {
			t.Errorf("Serve: %v, want nil after a clean shutdown", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Serve did not return after the shutdown")
	}
	if _, err := http.Get("http://" + ln.Addr().String() + "/slow"); err == nil {
		t.Error("a new request after the shutdown was answered")
	}
}

func TestServeReportsListenError(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	err = Serve(context.Background(), NewHTTPServer(ln.Addr().String(), http.NotFoundHandler()), slog.New(slog.DiscardHandler))
	if err == nil {
		t.Fatal("Serve on a port in use returned nil")
	}
}

func TestClientAddr(t *testing.T) {
	tests := []struct {
		name   string
		remote string
		xff    []string
		trust  bool
		want   string
	}{
		{"direct", "203.0.113.7:5123", nil, false, "203.0.113.7"},
		{"header ignored when not trusted", "203.0.113.7:5123", []string{"198.51.100.1"}, false, "203.0.113.7"},
		{"trusted proxy", "10.0.0.2:4000", []string{"198.51.100.1"}, true, "198.51.100.1"},
		{"client-written entries are skipped", "10.0.0.2:4000", []string{"1.2.3.4, 198.51.100.1"}, true, "198.51.100.1"},
		{"last of several headers", "10.0.0.2:4000", []string{"1.2.3.4", "198.51.100.1"}, true, "198.51.100.1"},
		{"garbage falls back to the connection", "10.0.0.2:4000", []string{"not-an-ip"}, true, "10.0.0.2"},
		{"IPv6", "[2001:db8::1]:443", nil, false, "2001:db8::1"},
		{"IPv4-mapped", "[::ffff:192.0.2.1]:443", nil, false, "192.0.2.1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/", nil)
			r.RemoteAddr = tc.remote
			for _, v := range tc.xff {
				r.Header.Add("X-Forwarded-For", v)
			}
			if got := ClientAddr(r, tc.trust); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

// TestInBrowser checks what only a real browser shows: the CSRF check
// stops a form that another site posts, the site's own form passes, and
// the error pages are accessible under the strict CSP.
func TestInBrowser(t *testing.T) {
	b := testkit.NewBrowser(t)
	site := httptest.NewServer(New(Options{Logger: slog.New(slog.DiscardHandler)}, func(mux *http.ServeMux) {
		routes(mux)
		mux.HandleFunc("GET /form", func(w http.ResponseWriter, r *http.Request) {
			io.WriteString(w, `<!doctype html><html lang="en"><head><title>Form</title></head><body><main><h1>Form</h1>
<form method="post" action="/form"><label for="name">Name</label> <input id="name" name="name"><button id="send">Send</button></form></main></body></html>`)
		})
	}))
	defer site.Close()
	// Another origin (another port is another origin, the same site).
	evil := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, `<!doctype html><html lang="en"><head><title>Evil</title></head><body><main><h1>Evil</h1>
<form method="post" action="`+site.URL+`/form"><input type="hidden" name="name" value="Mallory"><button id="send">Win a prize</button></form></main></body></html>`)
	}))
	defer evil.Close()

	t.Run("cross-origin form is refused", func(t *testing.T) {
		ctx := b.NewContext(t)
		testkit.Visit(ctx, evil.URL)
		if status := testkit.Submit(ctx, "#send"); status != http.StatusForbidden {
			t.Fatalf("status %d, want 403", status)
		}
		if got := testkit.Text(ctx, "h1"); got != "Dit formulier kunnen we niet verwerken" {
			t.Errorf("heading %q", got)
		}
		testkit.CheckA11y(t, ctx)
	})
	t.Run("own form passes", func(t *testing.T) {
		ctx := b.NewContext(t)
		testkit.Visit(ctx, site.URL+"/form")
		testkit.Fill(ctx, "#name", "Els")
		if status := testkit.Submit(ctx, "#send"); status != http.StatusOK {
			t.Fatalf("status %d, want 200", status)
		}
		if got := testkit.Text(ctx, "body"); got != "saved Els" {
			t.Errorf("body %q", got)
		}
	})
	t.Run("error pages are accessible", func(t *testing.T) {
		ctx := b.NewContext(t, testkit.WithLanguage("en"))
		if status := testkit.Visit(ctx, site.URL+"/boom"); status != 500 {
			t.Fatalf("status %d, want 500", status)
		}
		if got := testkit.Text(ctx, "h1"); got != "Something went wrong" {
			t.Errorf("heading %q", got)
		}
		testkit.CheckA11y(t, ctx)
	})
}
