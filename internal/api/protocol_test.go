package api

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/noaber/noaber/internal/i18n"
	"github.com/noaber/noaber/internal/store"
	"github.com/noaber/noaber/internal/testkit"
)

// nl and en return a catalog text as it appears inside a JSON string, for
// matching against raw bodies.
func nl(key string, args ...any) string { return jsonText(i18n.T(i18n.NL, key, args...)) }
func en(key string, args ...any) string { return jsonText(i18n.T(i18n.EN, key, args...)) }

func jsonText(s string) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.Encode(s)
	out := strings.TrimSpace(b.String())
	return out[1 : len(out)-1]
}

var english = map[string]string{"Accept-Language": "en-GB,en;q=0.9"}

// TestProtocol checks what every endpoint shares: problem documents for
// unknown routes, wrong methods and bodies that are not the JSON object
// the endpoint wants, in Dutch and English, and never a page or a 500.
func TestProtocol(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		_, token := e.member(t, "els@example.nl", "lange zin van els", "Els", "Bakker")
		users := e.count(t, "SELECT COUNT(*) FROM users")

		e.run(t, []scenario{
			{name: "unknown route", method: "GET", path: "/api/v1/nope", status: 404,
				contains: []string{`"type":"https://noaber.nl/problems/not_found"`, nl("api.route_not_found")}},
			{name: "unknown route in English", method: "GET", path: "/api/v1/nope", headers: english, status: 404,
				contains: []string{en("api.route_not_found")}},
			{name: "unknown version", method: "POST", path: "/api/v2/signup", body: "{}", status: 404,
				contains: []string{`"status":404`}},
			{name: "api root", method: "GET", path: "/api/", status: 404},
			{name: "trailing slash", method: "GET", path: "/api/v1/me/", token: token, status: 404},
			{name: "wrong method", method: "GET", path: "/api/v1/signup", status: 405,
				header:   map[string]string{"Allow": "POST"},
				contains: []string{`"code":"method_not_allowed"`, nl("api.method_not_allowed", "method", "GET")}},
			{name: "wrong method on me", method: "DELETE", path: "/api/v1/me", token: token, status: 405,
				header: map[string]string{"Allow": "PATCH"}},
			{name: "wrong method with a body", method: "PUT", path: "/api/v1/tokens", body: "{}", status: 405},

			{name: "no content type", method: "POST", path: "/api/v1/tokens", status: 415,
				contains: []string{`"code":"unsupported_media_type"`, nl("api.content_type")}},
			{name: "form instead of JSON", method: "POST", path: "/api/v1/tokens", body: "email=a@b.nl",
				headers: map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, status: 415},
			{name: "JSON with charset is fine", method: "POST", path: "/api/v1/password-reset", body: `{"email":"x@example.nl"}`,
				headers: map[string]string{"Content-Type": "application/json; charset=utf-8"}, status: 202},
			{name: "empty body", method: "POST", path: "/api/v1/signup", status: 400,
				headers:  map[string]string{"Content-Type": "application/json"},
				contains: []string{`"code":"malformed_body"`, nl("api.body_empty")}},
			{name: "malformed JSON", method: "POST", path: "/api/v1/signup", body: `{"email": "a@b.nl",`, status: 400,
				contains: []string{nl("api.malformed_json")}},
			{name: "malformed JSON in English", method: "POST", path: "/api/v1/signup", body: `{email}`, headers: english, status: 400,
				contains: []string{en("api.malformed_json")}},
			{name: "two objects", method: "POST", path: "/api/v1/tokens", body: `{"email":"a@b.nl"}{"password":"x"}`, status: 400,
				contains: []string{nl("api.malformed_json")}},
			{name: "array instead of object", method: "POST", path: "/api/v1/tokens", body: `[1,2]`, status: 400,
				contains: []string{nl("api.body_not_object")}},
			{name: "null body", method: "POST", path: "/api/v1/tokens", body: `null`, status: 422},
			{name: "unknown field", method: "POST", path: "/api/v1/signup", body: `{"email":"a@b.nl","role":"admin"}`, status: 400,
				contains: []string{`"code":"unknown_field"`, nl("api.unknown_field", "field", "role")}},
			{name: "unknown field in English", method: "PATCH", path: "/api/v1/me", token: token, headers: english,
				body: `{"email":"new@example.nl"}`, status: 400, contains: []string{en("api.unknown_field", "field", "email")}},
			{name: "wrong type", method: "POST", path: "/api/v1/signup", body: `{"accept_rules":"yes"}`, status: 400,
				contains: []string{nl("api.field_type", "field", "accept_rules")}},
			{name: "wrong type in a list", method: "PATCH", path: "/api/v1/me", token: token, body: `{"asks":[1]}`, status: 400,
				contains: []string{nl("api.field_type", "field", "asks")}},
			{name: "body too large", method: "POST", path: "/api/v1/signup", status: 413,
				body:     `{"bio":"` + strings.Repeat("x", MaxBodyBytes) + `"}`,
				contains: []string{`"code":"body_too_large"`, nl("api.body_too_large", "max", 64)}},
			{name: "invalid UTF-8 does not crash", method: "POST", path: "/api/v1/tokens", body: "{\"email\":\"\xff\xfe\",\"password\":\"x\"}", status: 422},

			{name: "openapi document", method: "GET", path: "/api/v1/openapi.json", status: 200,
				contains: []string{`"openapi": "3.0.3"`, `"bearerAuth"`}},
			{name: "categories in Dutch", method: "GET", path: "/api/v1/categories", status: 200,
				contains: []string{`"id":"groceries"`, `"name":"Boodschappen"`, `"icon":"basket"`}},
			{name: "categories in English", method: "GET", path: "/api/v1/categories", headers: english, status: 200,
				contains: []string{`"name":"Groceries"`}, excludes: []string{"Boodschappen"}},
			{name: "pages still work beside the API", method: "GET", path: "/about", status: 404, skipSchema: true,
				contains: []string{"<title>page</title>"}},
		})
		if n := e.count(t, "SELECT COUNT(*) FROM users"); n != users {
			t.Errorf("bad requests changed the number of users from %d to %d", users, n)
		}
	})
}

// TestRegisterBesidePages checks that the API's patterns never conflict
// with the page handler, whichever catch-all form the web uses (a conflict
// makes ServeMux panic at start).
func TestRegisterBesidePages(t *testing.T) {
	for _, page := range []string{"/", "GET /", "GET /{$}"} {
		t.Run(page, func(t *testing.T) {
			mux := http.NewServeMux()
			mux.HandleFunc(page, func(http.ResponseWriter, *http.Request) {})
			New(Deps{}).Register(mux)
		})
	}
}

// TestOpenAPICoversRoutes checks that the document and the route table
// name the same operations.
func TestOpenAPICoversRoutes(t *testing.T) {
	doc := loadSpec(t)
	var documented []string
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			documented = append(documented, method+" /api/v1"+path)
		}
	}
	var served []string
	for _, rt := range New(Deps{}).routes() {
		served = append(served, rt.pattern)
	}
	slices.Sort(documented)
	slices.Sort(served)
	if !slices.Equal(documented, served) {
		t.Errorf("the OpenAPI document and the routes differ:\ndocumented %q\nserved     %q", documented, served)
	}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			if op.Description == "" && op.Summary == "" {
				t.Errorf("%s %s has no description", method, path)
			}
			if op.Responses.Default() == nil && path != "/openapi.json" {
				t.Errorf("%s %s documents no default (problem) response", method, path)
			}
		}
	}
}

func TestClientAddr(t *testing.T) {
	for _, c := range []struct {
		trust bool
		xff   string
		want  string
	}{
		{false, "203.0.113.9", "192.0.2.7"},
		{true, "203.0.113.9", "203.0.113.9"},
		{true, "10.0.0.1, 203.0.113.9", "203.0.113.9"},
		{true, "", "192.0.2.7"},
	} {
		h := New(Deps{TrustProxy: c.trust})
		r, _ := http.NewRequest("GET", "/", nil)
		r.RemoteAddr = "192.0.2.7:5555"
		if c.xff != "" {
			r.Header.Set("X-Forwarded-For", c.xff)
		}
		if got := h.clientAddr(r); got != c.want {
			t.Errorf("trust=%v xff=%q: clientAddr = %q, want %q", c.trust, c.xff, got, c.want)
		}
	}
}
