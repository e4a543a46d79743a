package web

import (
	"net/url"

	"github.com/noaber/noaber/internal/flag"
)

// A request or offer whose text holds a phone number, an e-mail or an
// address is posted all the same, but its author gets a gentle hint that
// strangers can read it. The hint travels on the redirect to the item's
// page as a query flag; the page shows it only to the author.

// hintQuery is the query flag for a hint the help service returned ("" for
// none).
func hintQuery(hint string) string {
	if hint == "" {
		return ""
	}
	return "&hint=" + url.QueryEscape(hint)
}

// safetyHint is the catalog key of the hint in a page's query, or "" for
// none or an unknown one (the query is the visitor's to change).
func safetyHint(q url.Values) string {
	if q.Get("hint") == flag.HintContactPublic {
		return "web.trust.hint.contact_public"
	}
	return ""
}
