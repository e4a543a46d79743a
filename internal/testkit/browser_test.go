package testkit

import (
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"
)

const strictCSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"

const pixel = "data:image/gif;base64,R0lGODlhAQABAAAAACH5BAEKAAEALAAAAAABAAEAAAICTAEAOw=="

func page(title, body string) string {
	return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>` + title + `</title></head><body><main>` + body + `</main></body></html>`
}

func testSite() *httptest.Server {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /good", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, page("Good", `<h1>Say hello</h1>
<form method="post" action="/greet">
<label for="name">Name</label> <input id="name" name="name" value="old">
<label for="colour">Colour</label> <select id="colour" name="colour"><option value="red">Red</option><option value="blue">Blue</option></select>
<button type="submit" id="send" name="action" value="greet">Send</button>
</form>`))
	})
	mux.HandleFunc("GET /bad", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, page("Bad", `<h1>Search</h1><img src="`+pixel+`"><input name="q">`))
	})
	mux.HandleFunc("GET /inline-script", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, page("Script", `<h1>Script</h1><script>document.title = "ran"</script>`))
	})
	mux.HandleFunc("POST /greet", func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		fmt.Fprint(w, page("Greeting", fmt.Sprintf(`<h1>Greeting</h1><p id="result">Hello, %s (%s, %s)</p><p id="lang">%s</p>`,
			html.EscapeString(r.PostFormValue("name")), html.EscapeString(r.PostFormValue("colour")),
			html.EscapeString(r.PostFormValue("action")), html.EscapeString(r.Header.Get("Accept-Language")))))
	})
	mux.HandleFunc("GET /sign-in", func(w http.ResponseWriter, r *http.Request) {
		http.SetCookie(w, &http.Cookie{Name: "who", Value: r.URL.Query().Get("as"), Path: "/"})
		fmt.Fprint(w, page("Signed in", `<h1>Signed in</h1>`))
	})
	mux.HandleFunc("GET /me", func(w http.ResponseWriter, r *http.Request) {
		who := "nobody"
		if c, err := r.Cookie("who"); err == nil {
			who = c.Value
		}
		fmt.Fprint(w, page("Me", `<h1 id="who">`+html.EscapeString(who)+`</h1>`))
	})
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", strictCSP)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		mux.ServeHTTP(w, r)
	}))
}

func TestBrowser(t *testing.T) {
	b := NewBrowser(t)
	site := testSite()
	defer site.Close()

	t.Run("fill and submit a form", func(t *testing.T) {
		ctx := b.NewContext(t)
		if status := Visit(ctx, site.URL+"/good"); status != 200 {
			t.Fatalf("status %d", status)
		}
		Fill(ctx, "#name", "Els")
		if got := Value(ctx, "#name"); got != "Els" {
			t.Fatalf("after Fill the field holds %q, want the old value replaced", got)
		}
		Select(ctx, "#colour", "blue")
		if status := Submit(ctx, "#send"); status != 200 {
			t.Fatalf("status after submit %d", status)
		}
		if got := Text(ctx, "#result"); got != "Hello, Els (blue, greet)" {
			t.Errorf("result %q", got)
		}
		if got := Text(ctx, "#lang"); !strings.HasPrefix(got, "nl") {
			t.Errorf("Accept-Language %q, want Dutch by default", got)
		}
		if loc := Location(ctx); loc != site.URL+"/greet" {
			t.Errorf("location %q", loc)
		}
	})

	t.Run("language option", func(t *testing.T) {
		ctx := b.NewContext(t, WithLanguage("en-GB,en"))
		Visit(ctx, site.URL+"/good")
		Submit(ctx, "#send")
		if got := Text(ctx, "#lang"); !strings.HasPrefix(got, "en-GB") {
			t.Errorf("Accept-Language %q, want en-GB", got)
		}
	})

	t.Run("contexts have their own cookies", func(t *testing.T) {
		els, piet := b.NewContext(t), b.NewContext(t)
		Visit(els, site.URL+"/sign-in?as=els")
		Visit(piet, site.URL+"/sign-in?as=piet")
		Visit(els, site.URL+"/me")
		Visit(piet, site.URL+"/me")
		if got := Text(els, "#who"); got != "els" {
			t.Errorf("first context is %q, want els", got)
		}
		if got := Text(piet, "#who"); got != "piet" {
			t.Errorf("second context is %q, want piet", got)
		}
		fresh := b.NewContext(t)
		Visit(fresh, site.URL+"/me")
		if got := Text(fresh, "#who"); got != "nobody" {
			t.Errorf("a new context is %q, want nobody signed in", got)
		}
	})

	t.Run("accessible page passes", func(t *testing.T) {
		ctx := b.NewContext(t)
		Visit(ctx, site.URL+"/good")
		CheckA11y(t, ctx)
	})

	t.Run("violations are found under a strict CSP", func(t *testing.T) {
		if _, err := axeSource(); err != nil {
			t.Skip(err) // CheckA11y above already failed in CI
		}
		ctx := b.NewContext(t)
		Visit(ctx, site.URL+"/bad")
		v, err := A11yViolations(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, x := range v {
			ids = append(ids, x.ID)
			if len(x.Nodes) == 0 || x.Help == "" || x.Impact == "" {
				t.Errorf("violation %s lacks detail: %+v", x.ID, x)
			}
		}
		for _, want := range []string{"image-alt", "label"} {
			if !slices.Contains(ids, want) {
				t.Errorf("violations %v lack %s", ids, want)
			}
		}
		for _, x := range v {
			if x.ID == "image-alt" && !strings.Contains(x.Nodes[0].HTML, "<img") {
				t.Errorf("image-alt points at %q, want the img", x.Nodes[0].HTML)
			}
		}
		// A second run on the same page reuses the injected axe.
		if again, err := A11yViolations(ctx); err != nil || len(again) != len(v) {
			t.Errorf("second run: %d violations, %v; want %d", len(again), err, len(v))
		}
	})

	t.Run("console shows what the CSP blocked", func(t *testing.T) {
		ctx := b.NewContext(t)
		Visit(ctx, site.URL+"/inline-script")
		deadline := time.Now().Add(5 * time.Second)
		for {
			msgs := ConsoleErrors(ctx)
			if slices.ContainsFunc(msgs, func(m string) bool { return strings.Contains(m, "Content Security Policy") }) {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("no CSP report in the console: %q", msgs)
			}
			time.Sleep(50 * time.Millisecond)
		}
	})
}
