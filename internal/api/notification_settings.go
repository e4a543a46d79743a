package api

import (
	"net/http"

	"github.com/noaber/noaber/internal/apperr"
	"github.com/noaber/noaber/internal/notify"
)

// Notification settings: which kinds reach the user by e-mail and by
// push (in-app always), their quiet hours, and the devices that get
// pushes. The rules (known kinds, valid times, whose device) are the
// notify service's.

func (h *Handler) getNotificationSettings(w http.ResponseWriter, r *http.Request, s *session) error {
	st, err := h.notify.Settings(r.Context(), s.user)
	if err != nil {
		return err
	}
	h.writeJSON(w, r, http.StatusOK, notificationSettingsFrom(st))
	return nil
}

func (h *Handler) putNotificationSettings(w http.ResponseWriter, r *http.Request, s *session) error {
	var b NotificationSettingsInput
	if err := decode(w, r, &b); err != nil {
		return err
	}
	in := notify.SettingsInput{QuietStart: b.QuietStart, QuietEnd: b.QuietEnd}
	for _, p := range b.Prefs {
		in.Prefs = append(in.Prefs, notify.Pref{Kind: p.Kind, Email: p.Email, Push: p.Push})
	}
	if err := h.notify.SaveSettings(r.Context(), s.user, in); err != nil {
		return err
	}
	return h.getNotificationSettings(w, r, s)
}

// createPushSubscription stores the browser's subscription; the notify
// service checks it (an https endpoint, a P-256 key, a 16-byte secret).
func (h *Handler) createPushSubscription(w http.ResponseWriter, r *http.Request, s *session) error {
	var b PushSubscriptionInput
	if err := decode(w, r, &b); err != nil {
		return err
	}
	id, err := h.notify.Subscribe(r.Context(), s.user, notify.PushInput{
		Endpoint: b.Endpoint, P256dh: b.Keys.P256dh, Auth: b.Keys.Auth, UserAgent: r.UserAgent(),
	})
	if err != nil {
		return renameFields(err, map[string]string{"p256dh": "keys.p256dh", "auth": "keys.auth"})
	}
	h.writeJSON(w, r, http.StatusCreated, Created{ID: id})
	return nil
}

func (h *Handler) deletePushSubscription(w http.ResponseWriter, r *http.Request, s *session) error {
	if err := h.notify.Unsubscribe(r.Context(), s.user, r.PathValue("id")); err != nil {
		return err
	}
	noContent(w)
	return nil
}

// vapidPublicKey is public: a page or app asks for it before the user
// turns push on. Without push configured there is no key (404).
func (h *Handler) vapidPublicKey(w http.ResponseWriter, r *http.Request) error {
	key := ""
	if h.notify != nil {
		key = h.notify.VAPIDPublicKey()
	}
	if key == "" {
		return apperr.NotFound()
	}
	w.Header().Set("Cache-Control", "public, max-age=3600")
	h.writeJSON(w, r, http.StatusOK, VAPIDKey{Key: key})
	return nil
}
