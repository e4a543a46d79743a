// Package server is the HTTP shell around Noaber's pages and API: the
// middleware every request passes (panic recovery, request id, access log,
// metrics, security headers, CSRF protection, body limit), the operational
// endpoints (/healthz, /readyz, /metrics) and a graceful Serve.
package server

import (
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/noaber/noaber/internal/store"
)

// DefaultMaxBodyBytes bounds a request body when Options.MaxBodyBytes is 0.
const DefaultMaxBodyBytes = 1 << 20

// readyTimeout is how long /readyz waits for the database: longer means the
// probe itself hangs, which load balancers treat worse than a clear 503.
const readyTimeout = 2 * time.Second

// Options configures the handler that New builds.
type Options struct {
	// BaseURL is the public address of the site. With https, responses carry
	// HSTS, and its origin is trusted by the CSRF check (which matters behind
	// a proxy that changes the Host header).
	BaseURL string
	// Logger receives the access log and the panics; slog.Default() when nil.
	Logger *slog.Logger
	// DB is what /readyz checks. With no DB, /readyz answers like /healthz.
	DB *store.DB
	// Registry receives the HTTP metrics and is what /metrics shows. When
	// nil, New makes one with the Go and process collectors.
	Registry *prometheus.Registry
	// MetricsToken, when set, is the bearer token /metrics asks for, so
	// that an instance without a private metrics network does not publish
	// its figures.
	MetricsToken string
	// MaxBodyBytes bounds request bodies; DefaultMaxBodyBytes when 0.
	MaxBodyBytes int64
}

// New returns the site's handler: a ServeMux with the routes that each
// register func adds (Go 1.22 patterns such as "GET /profile/{id}"), the
// operational endpoints, and the middleware around all of it.
//
// The security headers are set before the route's handler runs, so a
// handler that needs another policy (an embeddable widget, say) overrides
// a header with w.Header().Set.
func New(opt Options, register ...func(mux *http.ServeMux)) http.Handler {
	if opt.Logger == nil {
		opt.Logger = slog.Default()
	}
	if opt.MaxBodyBytes <= 0 {
		opt.MaxBodyBytes = DefaultMaxBodyBytes
	}
	reg := opt.Registry
	if reg == nil {
		reg = prometheus.NewRegistry()
	}
	m := newMetrics(reg)

	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", healthz)
	mux.Handle("GET /readyz", readyz(opt.DB))
	mux.Handle("GET /metrics", metricsHandler(reg, opt.MetricsToken, opt.Logger))
	for _, fn := range register {
		fn(mux)
	}

	base, _ := url.Parse(opt.BaseURL)
	https := base != nil && strings.EqualFold(base.Scheme, "https")

	csrf := http.NewCrossOriginProtection()
	// The API authenticates with bearer tokens, never cookies, so a
	// cross-site request there carries no ambient authority to abuse.
	csrf.AddInsecureBypassPattern("/api/")
	if base != nil && base.Scheme != "" && base.Host != "" {
		if err := csrf.AddTrustedOrigin(base.Scheme + "://" + base.Host); err != nil {
			opt.Logger.Warn("base URL is not a valid origin for the CSRF check", "base_url", opt.BaseURL, "err", err)
		}
	}
	csrf.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		opt.Logger.InfoContext(r.Context(), "cross-origin request refused",
			"method", r.Method, "sec_fetch_site", r.Header.Get("Sec-Fetch-Site"), "request_id", RequestID(r.Context()))
		writeError(w, r, http.StatusForbidden, "server.cross_origin")
	}))

	// Outermost first.
	var h http.Handler = recordPattern(mux)
	h = limitBody(opt.MaxBodyBytes, h)
	h = csrf.Handler(h)
	h = securityHeaders(https, h)
	h = accessLog(opt.Logger, m, h)
	h = requestID(h)
	h = recoverPanics(opt.Logger, h)
	return h
}

func healthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Write([]byte("ok\n"))
}

func readyz(db *store.DB) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		if db != nil {
			ctx, cancel := context.WithTimeout(r.Context(), readyTimeout)
			defer cancel()
			var one int
			// A query, not a ping: a pool can answer a ping from an idle
			// connection to a database that no longer answers queries.
			if err := db.QueryRow(ctx, "SELECT 1").Scan(&one); err != nil {
				w.WriteHeader(http.StatusServiceUnavailable)
				w.Write([]byte("database unavailable\n"))
				return
			}
		}
		w.Write([]byte("ok\n"))
	})
}

func metricsHandler(reg *prometheus.Registry, token string, logger *slog.Logger) http.Handler {
	h := promhttp.HandlerFor(reg, promhttp.HandlerOpts{
		ErrorLog: slog.NewLogLogger(logger.Handler(), slog.LevelError),
	})
	if token == "" {
		return h
	}
	want := "Bearer " + token
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !constantTimeEqual(r.Header.Get("Authorization"), want) {
			w.Header().Set("WWW-Authenticate", `Bearer realm="metrics"`)
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		h.ServeHTTP(w, r)
	})
}
