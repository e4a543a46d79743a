package web

import (
	"errors"
	"net/http"
)

var errTodo = errors.New("web: not implemented")

// Stubs: notification settings, push, unsubscribe and the app shell (to be written).

func (h *Handler) notifySettings(w http.ResponseWriter, r *http.Request, v *visit) error {
	return errTodo
}
func (h *Handler) notifySettingsSave(w http.ResponseWriter, r *http.Request, v *visit) error {
	return errTodo
}
func (h *Handler) notifyEmailRetry(w http.ResponseWriter, r *http.Request, v *visit) error {
	return errTodo
}
func (h *Handler) pushSubscribe(w http.ResponseWriter, r *http.Request, v *visit) error {
	return errTodo
}
func (h *Handler) pushDelete(w http.ResponseWriter, r *http.Request, v *visit) error { return errTodo }
func (h *Handler) unsubscribeForm(w http.ResponseWriter, r *http.Request, v *visit) error {
	return errTodo
}
func (h *Handler) unsubscribe(w http.ResponseWriter, r *http.Request, v *visit) error { return errTodo }
func (h *Handler) manifest(w http.ResponseWriter, r *http.Request)                    {}
func (h *Handler) serviceWorker(w http.ResponseWriter, r *http.Request)               {}
func (h *Handler) offline(w http.ResponseWriter, r *http.Request, v *visit) error     { return errTodo }
