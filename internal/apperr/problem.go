package apperr

import (
	"net/http"

	"github.com/noaber/noaber/internal/i18n"
)

// ProblemTypeBase prefixes the code of an error to make the problem "type"
// URI. It is a stable identifier shared by every Noaber instance, so a
// client can match on it; it does not need to resolve.
const ProblemTypeBase = "https://noaber.nl/problems/"

// Problem is an RFC 9457 problem document, the shape of every error the
// API answers (and the few JSON answers the pages and the server shell
// give). Code repeats the last part of Type for clients that prefer a
// plain string.
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

// Problem is e as a problem document in lang. A status outside 400-599
// becomes 500.
func (e *Error) Problem(lang i18n.Lang) Problem {
	status := e.Status
	if status < 400 || status > 599 {
		status = http.StatusInternalServerError
	}
	code := e.Code
	if code == "" {
		code = "error"
	}
	p := Problem{Type: ProblemTypeBase + code, Title: http.StatusText(status), Status: status,
		Detail: i18n.T(lang, e.Key, e.Args...), Code: code}
	for _, f := range e.Fields {
		p.Errors = append(p.Errors, FieldProblem{Field: f.Field, Detail: i18n.T(lang, f.Key, f.Args...)})
	}
	return p
}
