package server

import (
	"encoding/json"
	"html/template"
	"net/http"
	"strings"

	"github.com/noaber/noaber/internal/apperr"
	"github.com/noaber/noaber/internal/i18n"
)

// The few answers the shell gives itself, before or instead of a handler:
// a short page for people, a problem document (RFC 9457, the same shape as
// the API's) for API clients.

var errorPage = template.Must(template.New("error").Parse(`<!doctype html>
<html lang="{{.Lang}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}} - Noaber</title>
</head>
<body>
<main>
<h1>{{.Title}}</h1>
<p>{{.Text}}</p>
<p><a href="/">{{.Home}}</a></p>
</main>
</body>
</html>
`))

var errorCodes = map[int]string{
	http.StatusForbidden:             "forbidden",
	http.StatusRequestEntityTooLarge: "too_large",
	http.StatusInternalServerError:   "internal",
}

func isAPI(path string) bool {
	return path == "/api" || strings.HasPrefix(path, "/api/")
}

func writeError(w http.ResponseWriter, r *http.Request, status int, key string) {
	lang := i18n.Match(r.Header.Get("Accept-Language"))
	h := w.Header()
	h.Del("Content-Length")
	h.Del("Content-Encoding")
	h.Set("Cache-Control", "no-store")
	if isAPI(r.URL.Path) {
		code := errorCodes[status]
		if code == "" {
			code = "error"
		}
		h.Set("Content-Type", "application/problem+json")
		w.WriteHeader(status)
		json.NewEncoder(w).Encode(apperr.New(status, code, key).Problem(lang))
		return
	}
	h.Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	errorPage.Execute(w, map[string]string{
		"Lang":  string(lang),
		"Title": i18n.T(lang, key+"_title"),
		"Text":  i18n.T(lang, key),
		"Home":  i18n.T(lang, "server.home"),
	})
}
