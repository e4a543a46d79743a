package web

import (
	"net/http"
	"net/url"

	"github.com/noaber/noaber/internal/apperr"
	"github.com/noaber/noaber/internal/message"
)

// respondField is the id of the short message box on the request, offer
// and profile pages.
const respondField = "respond-body"

// requestRespond starts a conversation with the seeker: "I can help".
func (h *Handler) requestRespond(w http.ResponseWriter, r *http.Request, v *visit) error {
	return h.start(w, r, v, message.StartInput{RequestID: r.PathValue("id")}, h.renderRequest)
}

// offerRespond starts a conversation with the helper who offers.
func (h *Handler) offerRespond(w http.ResponseWriter, r *http.Request, v *visit) error {
	return h.start(w, r, v, message.StartInput{OfferID: r.PathValue("id")}, h.renderOffer)
}

// personMessage starts (or continues) a conversation from a profile.
func (h *Handler) personMessage(w http.ResponseWriter, r *http.Request, v *visit) error {
	return h.start(w, r, v, message.StartInput{UserID: r.PathValue("id")}, h.renderProfile)
}

// sourcePage renders the page a respond form is on, with status.
type sourcePage func(w http.ResponseWriter, r *http.Request, v *visit, status int, vw *view) error

// start sends the first message and goes to the conversation; on an error
// the page with the form shows again, with the text kept.
func (h *Handler) start(w http.ResponseWriter, r *http.Request, v *visit, in message.StartInput, again sourcePage) error {
	f := readForm(r, "body", "key")
	in.Body, in.ClientKey = f.Values.Get("body"), f.get("key")
	c, m, err := h.messages.Start(r.Context(), v.user, in)
	if err != nil {
		e, ok := apperr.As(err)
		if !ok || e.Status == http.StatusNotFound {
			return err
		}
		kept := &form{Values: url.Values{}, Errors: map[string]string{}}
		kept.Values.Set(respondField, in.Body)
		status := kept.setError(v.lang, e, map[string]string{"body": respondField})
		return again(w, r, v, status, &view{Form: kept})
	}
	http.Redirect(w, r, sentLink(c.ID, m), http.StatusSeeOther)
	return nil
}
