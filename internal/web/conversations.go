package web

import "net/http"

// Stubs: the conversation pages (to be written).

func (h *Handler) conversations(w http.ResponseWriter, r *http.Request, v *visit) error {
	return errTodo
}
func (h *Handler) conversationView(w http.ResponseWriter, r *http.Request, v *visit) error {
	return errTodo
}
func (h *Handler) conversationSend(w http.ResponseWriter, r *http.Request, v *visit) error {
	return errTodo
}
func (h *Handler) conversationEvents(w http.ResponseWriter, r *http.Request, v *visit) error {
	return errTodo
}
func (h *Handler) conversationDone(w http.ResponseWriter, r *http.Request, v *visit) error {
	return errTodo
}
func (h *Handler) conversationThanks(w http.ResponseWriter, r *http.Request, v *visit) error {
	return errTodo
}
func (h *Handler) requestRespond(w http.ResponseWriter, r *http.Request, v *visit) error {
	return errTodo
}
func (h *Handler) offerRespond(w http.ResponseWriter, r *http.Request, v *visit) error {
	return errTodo
}
func (h *Handler) personMessage(w http.ResponseWriter, r *http.Request, v *visit) error {
	return errTodo
}
