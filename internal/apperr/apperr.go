// Package apperr is Noaber's one error type for errors a user may see. It
// carries an HTTP status and catalog keys (internal/i18n) instead of text,
// so pages show it in the user's language and the API turns it into an RFC
// 9457 problem document, while handlers stay thin.
package apperr

import (
	"errors"
	"net/http"
)

// Error is a user-facing error.
type Error struct {
	// Status is the HTTP status that fits the error.
	Status int
	// Code is a stable, machine-readable name ("invalid", "not_found",
	// "rate_limited", ...), used as the problem type in the API.
	Code string
	// Key is the i18n catalog key of the whole message; Args fill its
	// placeholders (name, value pairs).
	Key  string
	Args []any
	// Fields lists what is wrong with each input field, in form order.
	Fields []FieldError
}

// FieldError says what is wrong with one input field.
type FieldError struct {
	Field string // the form or JSON field name, e.g. "postcode"
	Key   string // i18n key
	Args  []any
}

func (e *Error) Error() string {
	s := e.Code + ": " + e.Key
	for _, f := range e.Fields {
		s += "; " + f.Field + ": " + f.Key
	}
	return s
}

// Field returns the key of the problem with field, or "".
func (e *Error) Field(name string) string {
	for _, f := range e.Fields {
		if f.Field == name {
			return f.Key
		}
	}
	return ""
}

// As returns the *Error inside err, if any.
func As(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

// Invalid is a validation error for the given fields.
func Invalid(fields ...FieldError) *Error {
	return &Error{Status: http.StatusUnprocessableEntity, Code: "invalid", Key: "error.invalid", Fields: fields}
}

// NotFound is the answer for something that does not exist or that the user
// may not see: the two must look the same.
func NotFound() *Error {
	return &Error{Status: http.StatusNotFound, Code: "not_found", Key: "error.not_found"}
}

// Unauthorized means the request needs a signed-in user.
func Unauthorized() *Error {
	return &Error{Status: http.StatusUnauthorized, Code: "unauthorized", Key: "error.unauthorized"}
}

// Forbidden means the signed-in user may not do this (where hiding that the
// thing exists is not needed, e.g. an admin page).
func Forbidden() *Error {
	return &Error{Status: http.StatusForbidden, Code: "forbidden", Key: "error.forbidden"}
}

// RateLimited means too many attempts; key says which and what to do.
func RateLimited(key string, args ...any) *Error {
	return &Error{Status: http.StatusTooManyRequests, Code: "rate_limited", Key: key, Args: args}
}

// New makes an error with the given status, code and message key.
func New(status int, code, key string, args ...any) *Error {
	return &Error{Status: status, Code: code, Key: key, Args: args}
}

// Collector gathers field errors during validation.
type Collector struct{ fields []FieldError }

// Add records a problem with field unless that field already has one.
func (c *Collector) Add(field, key string, args ...any) {
	for _, f := range c.fields {
		if f.Field == field {
			return
		}
	}
	c.fields = append(c.fields, FieldError{Field: field, Key: key, Args: args})
}

// Err returns an Invalid error for the problems recorded, or nil.
func (c *Collector) Err() error {
	if len(c.fields) == 0 {
		return nil
	}
	return Invalid(c.fields...)
}
