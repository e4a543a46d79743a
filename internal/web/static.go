package web

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"regexp"
	"strings"
)

//go:embed templates
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// staticFiles are the embedded CSS, script and images, each with a short
// hash of its content: pages link "/static/x.css?v=<hash>", so a file can
// be cached for a year and a new release still loads the new one.
type staticFiles struct {
	files map[string][]byte // by path under static/
	hash  map[string]string
	icons map[string]template.HTML
}

func loadStatic() (*staticFiles, error) {
	st := &staticFiles{files: map[string][]byte{}, hash: map[string]string{}, icons: map[string]template.HTML{}}
	err := fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := staticFS.ReadFile(p)
		if err != nil {
			return err
		}
		name := strings.TrimPrefix(p, "static/")
		sum := sha256.Sum256(b)
		st.files[name] = b
		st.hash[name] = hex.EncodeToString(sum[:6])
		if strings.HasPrefix(name, "icons/") && strings.HasSuffix(name, ".svg") {
			st.icons[strings.TrimSuffix(path.Base(name), ".svg")] = inlineSVG(b)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("web: read static files: %w", err)
	}
	return st, nil
}

var xmlDecl = regexp.MustCompile(`<\?xml[^>]*>\s*`)

// inlineSVG prepares an icon file to sit inside a page: decorative, hidden
// from screen readers (the text beside it says the same), not focusable.
func inlineSVG(b []byte) template.HTML {
	s := strings.TrimSpace(xmlDecl.ReplaceAllString(string(b), ""))
	s = strings.Replace(s, "<svg ", `<svg class="icon" aria-hidden="true" focusable="false" `, 1)
	return template.HTML(s) // our own embedded files, not user input
}

// icon returns the inline SVG of a category icon (the "dots" icon for a
// name we do not have).
func (st *staticFiles) icon(name string) template.HTML {
	if s, ok := st.icons[name]; ok {
		return s
	}
	return st.icons["dots"]
}

// url is the cache-busting address of a static file.
func (st *staticFiles) url(name string) string {
	return "/static/" + name + "?v=" + st.hash[name]
}

func (st *staticFiles) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimPrefix(r.URL.Path, "/static/")
	b, ok := st.files[name]
	if !ok {
		http.NotFound(w, r)
		return
	}
	st.serve(w, r, name, b)
}

func (st *staticFiles) serve(w http.ResponseWriter, r *http.Request, name string, b []byte) {
	h := w.Header()
	ct := mime.TypeByExtension(path.Ext(name))
	if ct == "" {
		ct = "application/octet-stream"
	}
	h.Set("Content-Type", ct)
	etag := `"` + st.hash[name] + `"`
	h.Set("ETag", etag)
	if r.URL.Query().Get("v") == st.hash[name] {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		h.Set("Cache-Control", "public, max-age=3600")
	}
	if r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h.Set("Content-Length", fmt.Sprint(len(b)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write(b)
	}
}

func (h *Handler) favicon(w http.ResponseWriter, r *http.Request) {
	h.static.serve(w, r, "logo.svg", h.static.files["logo.svg"])
}

// robotsTxt lets search engines see the public pages only; the other pages
// also carry noindex, and profiles need a signed-in member anyway.
const robotsTxt = `User-agent: *
Disallow: /people/
Disallow: /me/
Disallow: /verify
Disallow: /reset
Disallow: /login
Disallow: /signup
Disallow: /forgot
Disallow: /api/
`

func robots(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=86400")
	fmt.Fprint(w, robotsTxt)
}
