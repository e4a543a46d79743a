package web

import "net/http"

// fallback answers a path no page took: the 405 page with an Allow header
// when the path exists for another method, else the 404 page.
func (h *Handler) fallback(w http.ResponseWriter, r *http.Request, v *visit) error {
	if ph, pattern := h.probe.Handler(r); pattern == "" {
		// The probe mux's own handler knows the Allow header: run it into
		// a recorder and keep only its status and Allow.
		rec := &statusRecorder{header: http.Header{}}
		ph.ServeHTTP(rec, r)
		if rec.status == http.StatusMethodNotAllowed {
			w.Header().Set("Allow", rec.header.Get("Allow"))
			h.renderError(w, r, http.StatusMethodNotAllowed, "web.error.method.title", "web.error.method.text")
			return nil
		}
	}
	h.notFound(w, r)
	return nil
}

// statusRecorder keeps a response's header and status and drops its body.
type statusRecorder struct {
	header http.Header
	status int
}

func (s *statusRecorder) Header() http.Header         { return s.header }
func (s *statusRecorder) Write(b []byte) (int, error) { return len(b), nil }
func (s *statusRecorder) WriteHeader(code int)        { s.status = code }
