package api

import (
	"fmt"
	"testing"

	"github.com/noaber/noaber/internal/geo"
	"github.com/noaber/noaber/internal/store"
	"github.com/noaber/noaber/internal/testkit"
)

// TestNotificationSettings checks the settings, push devices and the
// VAPID key: what is saved comes back, bad input is a field error and
// changes nothing, and one member cannot touch another's device.
func TestNotificationSettings(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		m := newMessageEnv(t, db, true)
		e := m.env
		addPostcodes(t, db)
		els := e.neighbourAt(t, "els@example.nl", "Els", "4531 EK", "117-hs", geo.Point{Lat: 51.33582, Lng: 3.82764})
		piet := e.neighbourAt(t, "piet@example.nl", "Piet", "4532 AB", "58-zw", geo.Point{Lat: 51.32811, Lng: 3.84102})

		ep := testkit.NewPushEndpoint(t)
		sub := ep.Subscription()
		subBody := fmt.Sprintf(`{"endpoint":%q,"expirationTime":null,"keys":{"p256dh":%q,"auth":%q}}`, sub.Endpoint, sub.P256dh, sub.Auth)
		ua := map[string]string{"User-Agent": "Noaber-Test/1 (telefoon)"}
		const saved = `{"prefs":[{"kind":"message","email":false,"push":true},{"kind":"invitation","email":true,"push":false}],` +
			`"quiet_start":"22:00","quiet_end":"07:30"}`

		e.run(t, []scenario{
			{name: "settings need a token", method: "GET", path: "/api/v1/me/notification-settings", status: 401},
			{name: "saving needs a token", method: "PUT", path: "/api/v1/me/notification-settings", body: saved, status: 401},
			{name: "push needs a token", method: "POST", path: "/api/v1/me/push-subscriptions", body: subBody, status: 401},
			{name: "the defaults", method: "GET", path: "/api/v1/me/notification-settings", token: els.token, status: 200,
				contains: []string{`"kind":"message"`, `"kind":"invitation"`, `"email_verified":true`, `"email_disabled":false`,
					`"email_disabled_at":null`, `"devices":[]`},
				excludes: []string{`"kind":"escalation"`}}, // only for coordinators
			{name: "save", method: "PUT", path: "/api/v1/me/notification-settings", token: els.token, body: saved, status: 200,
				contains: []string{`{"kind":"message","email":false,"push":true}`, `{"kind":"invitation","email":true,"push":false}`,
					`"quiet_start":"22:00"`, `"quiet_end":"07:30"`}},
			{name: "an unknown kind", method: "PUT", path: "/api/v1/me/notification-settings", token: els.token, status: 422,
				body:     `{"prefs":[{"kind":"message","email":true,"push":true},{"kind":"spam","email":true,"push":true}],"quiet_start":"22:00","quiet_end":"07:30"}`,
				contains: []string{`"code":"invalid"`, `"field":"prefs"`}},
			{name: "an hour that does not exist", method: "PUT", path: "/api/v1/me/notification-settings", token: els.token, status: 422,
				body:     `{"prefs":[{"kind":"message","email":true,"push":true}],"quiet_start":"25:00","quiet_end":"07:30"}`,
				contains: []string{`"field":"quiet_start"`}},
			{name: "an unknown field", method: "PUT", path: "/api/v1/me/notification-settings", token: els.token, status: 400,
				body: `{"prefs":[],"quiet_start":"22:00","quiet_end":"07:30","sms":true}`, contains: []string{`"code":"unknown_field"`}},
			{name: "nothing changed", method: "GET", path: "/api/v1/me/notification-settings", token: els.token, status: 200,
				contains: []string{`{"kind":"message","email":false,"push":true}`, `"quiet_start":"22:00"`}},
			{name: "Piet's are his own", method: "GET", path: "/api/v1/me/notification-settings", token: piet.token, status: 200,
				excludes: []string{`"quiet_start":"22:00"`}},

			{name: "the VAPID key is public", method: "GET", path: "/api/v1/push/vapid-public-key", status: 200,
				contains: []string{`{"key":"` + m.vapid + `"}`}},
			{name: "a subscription without keys", method: "POST", path: "/api/v1/me/push-subscriptions", token: els.token, status: 422,
				body: fmt.Sprintf(`{"endpoint":%q,"keys":{"p256dh":"","auth":""}}`, sub.Endpoint), contains: []string{`"field":"keys.p256dh"`, `"field":"keys.auth"`}},
			{name: "an endpoint that is not https", method: "POST", path: "/api/v1/me/push-subscriptions", token: els.token, status: 422,
				body:     fmt.Sprintf(`{"endpoint":"http://push.example.net/x","keys":{"p256dh":%q,"auth":%q}}`, sub.P256dh, sub.Auth),
				contains: []string{`"field":"endpoint"`}},
		})
		if n := e.count(t, "SELECT COUNT(*) FROM push_subscriptions"); n != 0 {
			t.Fatalf("refused subscriptions were stored: %d", n)
		}

		var dev Created
		e.do(t, scenario{method: "POST", path: "/api/v1/me/push-subscriptions", token: els.token, headers: ua, body: subBody, status: 201}).decode(t, &dev)
		// A GET answer sent back as it is saves too (its read-only parts are
		// ignored).
		res := e.do(t, scenario{method: "GET", path: "/api/v1/me/notification-settings", token: els.token, status: 200,
			contains: []string{`"id":"` + dev.ID + `"`, `"user_agent":"Noaber-Test/1 (telefoon)"`, `"disabled":false`}})
		e.run(t, []scenario{
			{name: "a GET answer sent back", method: "PUT", path: "/api/v1/me/notification-settings", token: els.token, body: string(res.body), status: 200,
				contains: []string{`"id":"` + dev.ID + `"`}},
			{name: "Piet cannot remove Els's device", method: "DELETE", path: "/api/v1/me/push-subscriptions/" + dev.ID, token: piet.token, status: 404},
			{name: "Els can", method: "DELETE", path: "/api/v1/me/push-subscriptions/" + dev.ID, token: els.token, status: 204},
			{name: "once", method: "DELETE", path: "/api/v1/me/push-subscriptions/" + dev.ID, token: els.token, status: 404},
			{name: "gone from her settings", method: "GET", path: "/api/v1/me/notification-settings", token: els.token, status: 200,
				contains: []string{`"devices":[]`}},
		})

		// Without push configured there is no key.
		off := newMessageEnv(t, db, false)
		off.do(t, scenario{name: "no push", method: "GET", path: "/api/v1/push/vapid-public-key", status: 404,
			contains: []string{`"code":"not_found"`}})
	})
}
