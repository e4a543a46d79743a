package api

import (
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/noaber/noaber/internal/apperr"
)

// MaxBodyBytes bounds a request body: every v1 body is a handful of short
// fields.
const MaxBodyBytes = 64 << 10

// decode reads the JSON object in r's body into dst. Whatever is wrong
// with the body (type, size, syntax, unknown or mistyped fields) becomes a
// 4xx *apperr.Error that says what, never a 500.
func decode(w http.ResponseWriter, r *http.Request, dst any) error {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/json" {
		return apperr.New(http.StatusUnsupportedMediaType, "unsupported_media_type", "api.content_type")
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
	dec.DisallowUnknownFields()
	err = dec.Decode(dst)
	if err == nil {
		// One object only: trailing data means the client sent something
		// other than what it thinks.
		if _, err := dec.Token(); !errors.Is(err, io.EOF) {
			if tooLarge(err) {
				return bodyTooLarge()
			}
			return malformed()
		}
		return nil
	}
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.Is(err, io.EOF):
		return apperr.New(http.StatusBadRequest, "malformed_body", "api.body_empty")
	case tooLarge(err):
		return bodyTooLarge()
	case errors.As(err, &syn), errors.Is(err, io.ErrUnexpectedEOF):
		return malformed()
	case errors.As(err, &typ):
		if typ.Field == "" {
			return apperr.New(http.StatusBadRequest, "malformed_body", "api.body_not_object")
		}
		return apperr.New(http.StatusBadRequest, "malformed_body", "api.field_type", "field", typ.Field)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		// encoding/json has no error type for this one.
		field := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return apperr.New(http.StatusBadRequest, "unknown_field", "api.unknown_field", "field", field)
	default:
		return malformed()
	}
}

func tooLarge(err error) bool {
	var mb *http.MaxBytesError
	return errors.As(err, &mb)
}

func malformed() error {
	return apperr.New(http.StatusBadRequest, "malformed_body", "api.malformed_json")
}

func bodyTooLarge() error {
	return apperr.New(http.StatusRequestEntityTooLarge, "body_too_large", "api.body_too_large", "max", MaxBodyBytes/1024)
}
