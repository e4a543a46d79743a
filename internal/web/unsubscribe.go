package web

import (
	"net/http"
)

// unsubscribePage asks, or says, that e-mails about one kind stop.
type unsubscribePage struct {
	Token string
	Kind  string
	Done  bool
}

// unsubscribeForm is where the link at the bottom of an e-mail leads. It
// only asks: a GET never changes anything, as mail scanners open links.
func (h *Handler) unsubscribeForm(w http.ResponseWriter, r *http.Request, v *visit) error {
	tok := r.PathValue("token")
	kind, err := h.notify.UnsubscribeInfo(r.Context(), tok)
	if err != nil {
		return err
	}
	h.render(w, r, http.StatusOK, "unsubscribe", &view{Data: unsubscribePage{Token: tok, Kind: kind}})
	return nil
}

// unsubscribe turns the e-mails off. It serves both the button on the
// page and RFC 8058 one-click: a mail provider POSTs
// "List-Unsubscribe=One-Click" without cookies or an Origin header, so
// the token alone decides, and the body need not be read.
func (h *Handler) unsubscribe(w http.ResponseWriter, r *http.Request, v *visit) error {
	kind, err := h.notify.UnsubscribeByToken(r.Context(), r.PathValue("token"))
	if err != nil {
		return err
	}
	h.render(w, r, http.StatusOK, "unsubscribe", &view{Data: unsubscribePage{Kind: kind, Done: true}})
	return nil
}
