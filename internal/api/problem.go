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

// ProblemTypeBase, Problem and FieldProblem are apperr's: the pages and
// the server shell answer with the same document.
const ProblemTypeBase = apperr.ProblemTypeBase

type (
	Problem      = apperr.Problem
	FieldProblem = apperr.FieldProblem
)

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
		h.problem(w, r, apperr.New(http.StatusInternalServerError, "internal", "error.internal"))
		return
	}
	if e.Status == http.StatusTooManyRequests {
		w.Header().Set("Retry-After", strconv.Itoa(retryAfter(e.Args)))
	}
	if e.Status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="noaber"`)
	}
	h.problem(w, r, e)
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

func (h *Handler) problem(w http.ResponseWriter, r *http.Request, e *apperr.Error) {
	doc := e.Problem(lang(r))
	h.write(w, r, doc.Status, "application/problem+json", doc)
}
