package web

import (
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"

	"github.com/noaber/noaber/internal/apperr"
	"github.com/noaber/noaber/internal/i18n"
	"github.com/noaber/noaber/internal/notify"
)

// notifySettingsPage is "Meldingen instellen": per kind whether it comes
// by e-mail and by push, the quiet hours, the state of the e-mail address
// and the devices that get pushes.
type notifySettingsPage struct {
	Prefs    []notify.Pref
	Settings *notify.Settings
	Devices  []deviceItem
	// VAPIDKey is what push.js subscribes with; "" hides every push
	// control, as this instance sends no pushes.
	VAPIDKey string
}

// deviceItem is one push device as the list shows it.
type deviceItem struct {
	notify.Device
	Name string
}

func (h *Handler) notifySettings(w http.ResponseWriter, r *http.Request, v *visit) error {
	s, err := h.notify.Settings(r.Context(), v.user)
	if err != nil {
		return err
	}
	vw := &view{Form: &form{Values: prefValues(s), Errors: map[string]string{}}}
	q := r.URL.Query()
	switch {
	case q.Has("saved"):
		vw.Notice = "web.notifyset.saved"
	case q.Has("retried"):
		vw.Notice = "web.notifyset.email.retried"
	case q.Has("subscribed"):
		vw.Notice = "web.notifyset.push.subscribed"
	case q.Has("removed"):
		vw.Notice = "web.notifyset.push.removed"
	}
	return h.renderNotifySettings(w, r, v, http.StatusOK, vw, s)
}

// prefValues turns stored settings into the form's values, so a page
// sent back after an error and a fresh page are drawn the same way.
func prefValues(s *notify.Settings) url.Values {
	vals := url.Values{"quiet_start": {s.QuietStart}, "quiet_end": {s.QuietEnd}}
	for _, p := range s.Prefs {
		if p.Email {
			vals.Set("email_"+p.Kind, "1")
		}
		if p.Push {
			vals.Set("push_"+p.Kind, "1")
		}
	}
	return vals
}

// notifySettingsSave saves every choice at once. Only the kinds the page
// showed are sent: a kind the user cannot get (escalation for someone who
// coordinates nothing) is not theirs to switch.
func (h *Handler) notifySettingsSave(w http.ResponseWriter, r *http.Request, v *visit) error {
	ctx := r.Context()
	s, err := h.notify.Settings(ctx, v.user)
	if err != nil {
		return err
	}
	names := []string{"quiet_start", "quiet_end"}
	for _, p := range s.Prefs {
		names = append(names, "email_"+p.Kind, "push_"+p.Kind)
	}
	f := readForm(r, names...)
	in := notify.SettingsInput{QuietStart: f.get("quiet_start"), QuietEnd: f.get("quiet_end")}
	pushOn := h.notify.VAPIDPublicKey() != ""
	for _, p := range s.Prefs {
		np := notify.Pref{Kind: p.Kind, Email: f.get("email_"+p.Kind) != "", Push: p.Push}
		if pushOn {
			// Without push the boxes are not on the page; the stored
			// choice stays for when push comes back.
			np.Push = f.get("push_"+p.Kind) != ""
		}
		in.Prefs = append(in.Prefs, np)
	}
	err = h.notify.SaveSettings(ctx, v.user, in)
	if e, ok := apperr.As(err); ok {
		if !pushOn {
			for _, p := range s.Prefs {
				if p.Push {
					f.Values.Set("push_"+p.Kind, "1")
				}
			}
		}
		status := f.setError(v.lang, e, map[string]string{"quiet": "quiet_start", "prefs": "prefs", "kind": "prefs"})
		return h.renderNotifySettings(w, r, v, status, &view{Form: f}, s)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/me/notifications?saved=1", http.StatusSeeOther)
	return nil
}

func (h *Handler) renderNotifySettings(w http.ResponseWriter, r *http.Request, v *visit, status int, vw *view, s *notify.Settings) error {
	p := notifySettingsPage{Prefs: s.Prefs, Settings: s, VAPIDKey: h.notify.VAPIDPublicKey()}
	for _, d := range s.Devices {
		p.Devices = append(p.Devices, deviceItem{Device: d, Name: deviceName(v.lang, d.UserAgent)})
	}
	vw.Data = p
	h.render(w, r, status, "notify_settings", vw)
	return nil
}

// notifyEmailRetry turns notification e-mail on again after the address
// failed too often (the user fixed a full mailbox, say).
func (h *Handler) notifyEmailRetry(w http.ResponseWriter, r *http.Request, v *visit) error {
	if err := h.notify.RetryEmail(r.Context(), v.user); err != nil {
		return err
	}
	http.Redirect(w, r, "/me/notifications?retried=1", http.StatusSeeOther)
	return nil
}

// pushJSON is PushSubscription.toJSON(), as push.js posts it.
type pushJSON struct {
	Endpoint string `json:"endpoint"`
	Keys     struct {
		P256dh string `json:"p256dh"`
		Auth   string `json:"auth"`
	} `json:"keys"`
}

// pushSubscribe stores this browser's push subscription. push.js sends
// JSON and gets 204 or a problem document; a plain form (endpoint, p256dh,
// auth) gets a page, like every other form.
func (h *Handler) pushSubscribe(w http.ResponseWriter, r *http.Request, v *visit) error {
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	isJSON := ct == "application/json"
	in := notify.PushInput{UserAgent: r.UserAgent()}
	if isJSON {
		var pj pushJSON
		dec := json.NewDecoder(io.LimitReader(r.Body, 8<<10))
		if err := dec.Decode(&pj); err != nil {
			writeProblem(w, v.lang, apperr.New(http.StatusUnprocessableEntity, "invalid", "web.notifyset.push.bad_json"))
			return nil
		}
		in.Endpoint, in.P256dh, in.Auth = strings.TrimSpace(pj.Endpoint), strings.TrimSpace(pj.Keys.P256dh), strings.TrimSpace(pj.Keys.Auth)
	} else {
		in.Endpoint, in.P256dh, in.Auth = strings.TrimSpace(r.PostFormValue("endpoint")), strings.TrimSpace(r.PostFormValue("p256dh")), strings.TrimSpace(r.PostFormValue("auth"))
	}
	_, err := h.notify.Subscribe(r.Context(), v.user, in)
	if e, ok := apperr.As(err); ok {
		if isJSON {
			writeProblem(w, v.lang, e)
			return nil
		}
		s, err := h.notify.Settings(r.Context(), v.user)
		if err != nil {
			return err
		}
		f := &form{Values: prefValues(s), Errors: map[string]string{}}
		status := f.setError(v.lang, e, nil)
		f.Summary = nil // the fields are not on the page: the message says it
		return h.renderNotifySettings(w, r, v, status, &view{Form: f}, s)
	}
	if err != nil {
		return err
	}
	if isJSON {
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
	http.Redirect(w, r, "/me/notifications?subscribed=1", http.StatusSeeOther)
	return nil
}

// pushDelete removes one of the user's devices; anyone else's is a 404.
func (h *Handler) pushDelete(w http.ResponseWriter, r *http.Request, v *visit) error {
	if err := h.notify.Unsubscribe(r.Context(), v.user, r.PathValue("id")); err != nil {
		return err
	}
	http.Redirect(w, r, "/me/notifications?removed=1", http.StatusSeeOther)
	return nil
}

// writeProblem answers e as a problem document, the API's shape, for the
// one page route a script talks to.
func writeProblem(w http.ResponseWriter, lang i18n.Lang, e *apperr.Error) {
	p := e.Problem(lang)
	b, err := json.Marshal(p)
	if err != nil {
		b = []byte(`{"status":500}`)
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Content-Language", string(lang))
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(p.Status)
	w.Write(b)
}

// deviceName makes a user agent readable: "Firefox op Android". A string
// it does not know is cut short rather than shown in full.
func deviceName(lang i18n.Lang, ua string) string {
	browser, os := "", ""
	for _, b := range []struct{ token, name string }{
		{"Edg/", "Edge"}, {"OPR/", "Opera"}, {"SamsungBrowser", "Samsung Internet"}, {"Firefox/", "Firefox"},
		{"FxiOS", "Firefox"}, {"CriOS", "Chrome"}, {"Chrome/", "Chrome"}, {"Chromium/", "Chromium"}, {"Safari/", "Safari"},
	} {
		if strings.Contains(ua, b.token) {
			browser = b.name
			break
		}
	}
	for _, o := range []struct{ token, name string }{
		{"Android", "Android"}, {"iPhone", "iPhone"}, {"iPad", "iPad"}, {"Windows", "Windows"},
		{"Mac OS X", "Mac"}, {"CrOS", "ChromeOS"}, {"Linux", "Linux"},
	} {
		if strings.Contains(ua, o.token) {
			os = o.name
			break
		}
	}
	switch {
	case browser != "" && os != "":
		return i18n.T(lang, "web.notifyset.device.on", "browser", browser, "os", os)
	case browser != "":
		return browser
	case os != "":
		return os
	case strings.TrimSpace(ua) == "":
		return i18n.T(lang, "web.notifyset.device.unknown")
	}
	if r := []rune(ua); len(r) > 40 {
		return string(r[:40]) + "…"
	}
	return ua
}
