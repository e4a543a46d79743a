package server

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"time"
)

// ShutdownTimeout is how long Serve lets requests in flight finish once
// its context is cancelled; a container runtime usually waits 30s before
// it kills, so this stays below that.
const ShutdownTimeout = 20 * time.Second

// NewHTTPServer returns an http.Server for h on addr with timeouts that
// keep slow or idle clients from holding connections for ever.
func NewHTTPServer(addr string, h http.Handler) *http.Server {
	return &http.Server{
		Addr:              addr,
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		// A handler that streams longer extends its own deadline with
		// http.ResponseController.SetWriteDeadline.
		WriteTimeout:   90 * time.Second,
		IdleTimeout:    120 * time.Second,
		MaxHeaderBytes: 64 << 10,
	}
}

// Serve listens on srv.Addr and serves until ctx is cancelled, then shuts
// down gracefully: no new connections, requests in flight get
// ShutdownTimeout to finish, after that their connections are closed. It
// returns nil after a clean shutdown.
func Serve(ctx context.Context, srv *http.Server, logger *slog.Logger) error {
	addr := srv.Addr
	if addr == "" {
		addr = ":http"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	return ServeListener(ctx, srv, ln, logger)
}

// ServeListener is Serve on a listener the caller opened (a test's
// random port, a socket handed over by systemd).
func ServeListener(ctx context.Context, srv *http.Server, ln net.Listener, logger *slog.Logger) error {
	if logger == nil {
		logger = slog.Default()
	}
	if srv.ErrorLog == nil {
		srv.ErrorLog = slog.NewLogLogger(logger.Handler(), slog.LevelWarn)
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	logger.Info("listening", "addr", ln.Addr().String())

	select {
	case err := <-errc:
		return err // Serve never returns nil; ErrServerClosed needs a Shutdown, which only we call
	case <-ctx.Done():
	}

	logger.Info("shutting down", "timeout", ShutdownTimeout)
	sctx, cancel := context.WithTimeout(context.Background(), ShutdownTimeout)
	defer cancel()
	err := srv.Shutdown(sctx)
	if err != nil {
		logger.Warn("requests still running at the shutdown deadline; closing their connections", "err", err)
		srv.Close()
	}
	if serr := <-errc; serr != nil && !errors.Is(serr, http.ErrServerClosed) {
		return serr
	}
	return err
}
