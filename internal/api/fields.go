package api

import (
	"strings"

	"github.com/noaber/noaber/internal/apperr"
)

// required reports a field the service cannot check itself (a token, an
// address it would otherwise answer "sent" for) as missing.
func required(field, v string) error {
	if strings.TrimSpace(v) == "" {
		key := "api.field_required"
		if field == "email" {
			key = "account.email_required"
		}
		return apperr.Invalid(apperr.FieldError{Field: field, Key: key})
	}
	return nil
}

// renameFields maps the service's field names to this endpoint's JSON
// names, where the two differ.
func renameFields(err error, names map[string]string) error {
	e, ok := apperr.As(err)
	if !ok || len(e.Fields) == 0 {
		return err
	}
	c := *e
	c.Fields = make([]apperr.FieldError, len(e.Fields))
	for i, f := range e.Fields {
		if n, ok := names[f.Field]; ok {
			f.Field = n
		}
		c.Fields[i] = f
	}
	return &c
}
