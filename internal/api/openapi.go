package api

import (
	_ "embed"
	"net/http"
)

// OpenAPI is the OpenAPI 3.0 document of API v1, written by hand. The
// tests check every response against it.
//
//go:embed openapi.json
var OpenAPI []byte

func (h *Handler) openAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	w.Header().Set("Access-Control-Allow-Origin", "*")
	w.Write(OpenAPI)
}
