package api

import (
	"errors"
	"net/http"
)

var errTodo = errors.New("api: not implemented")

// Stubs (to be written).

func (h *Handler) listConversations(w http.ResponseWriter, r *http.Request, s *session) error {
	return errTodo
}
func (h *Handler) startConversation(w http.ResponseWriter, r *http.Request, s *session) error {
	return errTodo
}
func (h *Handler) getConversation(w http.ResponseWriter, r *http.Request, s *session) error {
	return errTodo
}
func (h *Handler) listMessages(w http.ResponseWriter, r *http.Request, s *session) error {
	return errTodo
}
func (h *Handler) sendMessage(w http.ResponseWriter, r *http.Request, s *session) error {
	return errTodo
}
func (h *Handler) readConversation(w http.ResponseWriter, r *http.Request, s *session) error {
	return errTodo
}
func (h *Handler) doneConversation(w http.ResponseWriter, r *http.Request, s *session) error {
	return errTodo
}
func (h *Handler) thankConversation(w http.ResponseWriter, r *http.Request, s *session) error {
	return errTodo
}
func (h *Handler) userThanks(w http.ResponseWriter, r *http.Request, s *session) error {
	return errTodo
}
func (h *Handler) events(w http.ResponseWriter, r *http.Request, s *session) error { return errTodo }
func (h *Handler) getNotificationSettings(w http.ResponseWriter, r *http.Request, s *session) error {
	return errTodo
}
func (h *Handler) putNotificationSettings(w http.ResponseWriter, r *http.Request, s *session) error {
	return errTodo
}
func (h *Handler) createPushSubscription(w http.ResponseWriter, r *http.Request, s *session) error {
	return errTodo
}
func (h *Handler) deletePushSubscription(w http.ResponseWriter, r *http.Request, s *session) error {
	return errTodo
}
func (h *Handler) vapidPublicKey(w http.ResponseWriter, r *http.Request) error { return errTodo }
