package api

import (
	"context"
	"errors"
	"net/http"
	"strconv"

	"github.com/noaber/noaber/internal/account"
	"github.com/noaber/noaber/internal/apperr"
	"github.com/noaber/noaber/internal/i18n"
)

// ProblemTypeBase prefixes the code of an error to make the problem "type"
// URI. It is a stable identifier shared by every Noaber instance, so a
// client can match on it; it does not need to resolve.
const ProblemTypeBase = "https://noaber.nl/problems/"

// Problem is an RFC 9457 problem document. Code repeats the last part of
// Type for clients that prefer a plain string.
type Problem struct {
	Type   string         `json:"type"`
	Title  string         `json:"title"`
	Status int            `json:"status"`
	Detail string         `json:"detail"`
	Code   string         `json:"code"`
	Errors []FieldProblem `json:"errors,omitempty"`
}

// FieldProblem says what is wrong with one field of the request body.
type FieldProblem struct {
	Field  string `json:"field"`
	Detail string `json:"detail"`
}

// problemSpec is an error before translation.
type problemSpec struct {
	status int
	code   string
	key    string
	args   []any
	fields []apperr.FieldError
}

type ctxKey int

const userKey ctxKey = iota

// lang is the language of the answer: the Accept-Language header, else the
// signed-in user's own language, else Dutch.
func lang(r *http.Request) i18n.Lang {
	if al := r.Header.Get("Accept-Language"); al != "" {
		return i18n.Match(al)
	}
	if u, ok := r.Context().Value(userKey).(*account.User); ok && u.Locale != "" {
		return u.Locale
	}
	return i18n.Default
}

func withUser(ctx context.Context, u *account.User) context.Context {
	return context.WithValue(ctx, userKey, u)
}

// fail answers err: an *apperr.Error as its problem document, anything else
// as a logged 500 that tells the client nothing about the cause.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	e, ok := apperr.As(err)
	if !ok {
		if errors.Is(err, context.Canceled) && r.Context().Err() != nil {
			return // the client went away; nobody reads the answer
		}
		h.log.ErrorContext(r.Context(), "api request failed", "method", r.Method, "path", r.URL.Path, "err", err)
		h.problem(w, r, &problemSpec{status: http.StatusInternalServerError, code: "internal", key: "error.internal"})
		return
	}
	if e.Status == http.StatusTooManyRequests {
		w.Header().Set("Retry-After", strconv.Itoa(retryAfter(e.Args)))
	}
	if e.Status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="noaber"`)
	}
	status := e.Status
	if status < 400 || status > 599 {
		status = http.StatusInternalServerError
	}
	h.problem(w, r, &problemSpec{status: status, code: e.Code, key: e.Key, args: e.Args, fields: e.Fields})
}

// retryAfter reads the wait from a rate-limit error's message arguments
// ("minutes" or "seconds"), in seconds; a minute when it has none.
func retryAfter(args []any) int {
	for i := 0; i+1 < len(args); i += 2 {
		n, ok := args[i+1].(int)
		if !ok || n <= 0 {
			continue
		}
		switch args[i] {
		case "minutes":
			return n * 60
		case "seconds":
			return n
		}
	}
	return 60
}

func (h *Handler) problem(w http.ResponseWriter, r *http.Request, p *problemSpec) {
	l := lang(r)
	code := p.code
	if code == "" {
		code = "error"
	}
	doc := Problem{
		Type:   ProblemTypeBase + code,
		Title:  http.StatusText(p.status),
		Status: p.status,
		Detail: i18n.T(l, p.key, p.args...),
		Code:   code,
	}
	for _, f := range p.fields {
		doc.Errors = append(doc.Errors, FieldProblem{Field: f.Field, Detail: i18n.T(l, f.Key, f.Args...)})
	}
	h.write(w, r, p.status, "application/problem+json", doc)
}
