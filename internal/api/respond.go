package api

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/noaber/noaber/internal/server"
)

// writeJSON answers v as JSON with status.
func (h *Handler) writeJSON(w http.ResponseWriter, r *http.Request, status int, v any) {
	h.write(w, r, status, "application/json", v)
}

// write encodes v before sending any header, so an encoding failure still
// becomes a clean 500.
func (h *Handler) write(w http.ResponseWriter, r *http.Request, status int, contentType string, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	// Nothing here is embedded in HTML: keep "<" and "&" readable.
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		h.log.ErrorContext(r.Context(), "api: encode response", "path", r.URL.Path, "err", err)
		buf.Reset()
		buf.WriteString(`{"type":"` + ProblemTypeBase + `internal","title":"Internal Server Error","status":500,"detail":"","code":"internal"}` + "\n")
		status, contentType = http.StatusInternalServerError, "application/problem+json"
	}
	hd := w.Header()
	hd.Set("Content-Type", contentType)
	hd.Set("Content-Length", strconv.Itoa(buf.Len()))
	if hd.Get("Cache-Control") == "" {
		// Most answers hold personal data: no shared or browser cache.
		hd.Set("Cache-Control", "no-store")
	}
	hd.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		w.Write(buf.Bytes())
	}
}

// noContent answers 204.
func noContent(w http.ResponseWriter) {
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusNoContent)
}

// Message is the body of an answer that only says what happens next.
type Message struct {
	Message string `json:"message"`
}

// clientAddr is the address rate limits count per (see server.ClientAddr).
func (h *Handler) clientAddr(r *http.Request) string { return server.ClientAddr(r, h.trustProxy) }

// timeJSON formats t as RFC 3339 in UTC.
func timeJSON(t time.Time) string { return t.UTC().Format(time.RFC3339) }
