package server

import (
	"context"
	"crypto/rand"
	"log/slog"
	"net/http"
	"runtime/debug"
	"time"
)

// reqState is what the middleware layers learn about one request and share:
// the outer layers run before the mux has picked a route, and a layer that
// copies the request (r.WithContext) would hide r.Pattern from them, so the
// innermost layer writes the pattern here.
type reqState struct {
	id      string
	pattern string
	rec     *recorder
}

type stateKey struct{}

func stateFrom(ctx context.Context) *reqState {
	st, _ := ctx.Value(stateKey{}).(*reqState)
	return st
}

// RequestID returns the id of the request that ctx belongs to (the
// X-Request-Id of its answer), or "" outside a request.
func RequestID(ctx context.Context) string {
	if st := stateFrom(ctx); st != nil {
		return st.id
	}
	return ""
}

// recorder notes the status and size of the answer for the log and metrics.
type recorder struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (rw *recorder) WriteHeader(code int) {
	// 1xx answers (103 Early Hints) come before the real one.
	if rw.status == 0 && code >= 200 {
		rw.status = code
	}
	rw.ResponseWriter.WriteHeader(code)
}

func (rw *recorder) Write(b []byte) (int, error) {
	if rw.status == 0 {
		rw.status = http.StatusOK
	}
	n, err := rw.ResponseWriter.Write(b)
	rw.bytes += int64(n)
	return n, err
}

// Flush keeps http.Flusher working for handlers that stream.
func (rw *recorder) Flush() {
	if rw.status == 0 {
		rw.status = http.StatusOK
	}
	http.NewResponseController(rw.ResponseWriter).Flush()
}

// Unwrap lets http.ResponseController reach the connection's writer.
func (rw *recorder) Unwrap() http.ResponseWriter { return rw.ResponseWriter }

// recoverPanics turns a panic into a logged 500, so that one bad request
// does not take the others down with it and the visitor sees no internals.
func recoverPanics(logger *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &recorder{ResponseWriter: w}
		st := &reqState{rec: rec}
		r = r.WithContext(context.WithValue(r.Context(), stateKey{}, st))
		defer func() {
			p := recover()
			if p == nil {
				return
			}
			if p == http.ErrAbortHandler {
				panic(p) // net/http's own way to cut a response short, on purpose
			}
			logger.ErrorContext(r.Context(), "panic in handler",
				"panic", p, "method", r.Method, "pattern", st.pattern, "request_id", st.id,
				"stack", string(debug.Stack()))
			if rec.status != 0 {
				// Part of the answer is out: cut the connection so the
				// client cannot take a half page for a whole one.
				panic(http.ErrAbortHandler)
			}
			writeError(rec, r, http.StatusInternalServerError, "server.internal")
		}()
		next.ServeHTTP(rec, r)
	})
}

// requestID gives each request an id to find its log lines by. A caller's
// own X-Request-Id (from a proxy) is kept when it is short and plain, so it
// cannot forge log lines.
func requestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get("X-Request-Id")
		if !plainID(id) {
			id = rand.Text()
		}
		if st := stateFrom(r.Context()); st != nil {
			st.id = id
		}
		w.Header().Set("X-Request-Id", id)
		next.ServeHTTP(w, r)
	})
}

func plainID(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, c := range []byte(s) {
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.'
		if !ok {
			return false
		}
	}
	return true
}

// quietRoutes are polled by machines every few seconds: their lines would
// drown the ones people read, so they log at debug level.
var quietRoutes = map[string]bool{"GET /healthz": true, "GET /readyz": true, "GET /metrics": true}

// accessLog writes one line per request and feeds the metrics. It logs the
// route pattern, never the path or query (they can hold tokens) and never
// cookies or addresses.
func accessLog(logger *slog.Logger, m *metrics, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		st := stateFrom(r.Context())
		start := time.Now()
		finished := false
		defer func() {
			d := time.Since(start)
			status := st.rec.status
			if status == 0 {
				// Nothing written: net/http answers 200 for a handler that
				// returned, and recoverPanics answers 500 for one that
				// panicked (this runs before it does).
				status = http.StatusOK
				if !finished {
					status = http.StatusInternalServerError
				}
			}
			m.observe(r.Method, st.pattern, status, d)
			level := slog.LevelInfo
			if quietRoutes[st.pattern] {
				level = slog.LevelDebug
			}
			logger.LogAttrs(r.Context(), level, "request",
				slog.String("method", r.Method),
				slog.String("pattern", st.pattern),
				slog.Int("status", status),
				slog.Duration("duration", d),
				slog.Int64("bytes", st.rec.bytes),
				slog.String("request_id", st.id))
		}()
		next.ServeHTTP(w, r)
		finished = true
	})
}

// contentSecurityPolicy allows only the site's own scripts, styles and
// images: no inline script, so an injected <script> does nothing. The
// service worker (/sw.js) and the app manifest come from the site too;
// they are named rather than left to default-src, so that a later change
// to the defaults cannot quietly break installing the app.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"worker-src 'self'; manifest-src 'self'; " +
	"object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"

func securityHeaders(https bool, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Permissions-Policy", "geolocation=(self), camera=(), microphone=()")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY") // frame-ancestors for browsers that predate it
		if https {
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		next.ServeHTTP(w, r)
	})
}

// limitBody refuses a body that says it is too large at once, and cuts off
// one that turns out to be (chunked, or lying about its length): the
// handler's read then fails with *http.MaxBytesError.
func limitBody(limit int64, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > limit {
			writeError(w, r, http.StatusRequestEntityTooLarge, "server.too_large")
			return
		}
		if r.Body != nil && r.Body != http.NoBody {
			r.Body = http.MaxBytesReader(w, r.Body, limit)
		}
		next.ServeHTTP(w, r)
	})
}

// recordPattern hands the route the mux chose to the outer layers. The mux
// sets r.Pattern on the request it is given, also when the handler panics.
func recordPattern(mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if st := stateFrom(r.Context()); st != nil {
			defer func() { st.pattern = r.Pattern }()
		}
		mux.ServeHTTP(w, r)
	})
}
