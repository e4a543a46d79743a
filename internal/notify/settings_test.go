package notify

import (
	"encoding/base64"
	"testing"

	"github.com/noaber/noaber/internal/account"
	"github.com/noaber/noaber/internal/apperr"
	"github.com/noaber/noaber/internal/i18n"
	"github.com/noaber/noaber/internal/store"
	"github.com/noaber/noaber/internal/testkit"
)

func TestSettingsDefaultsAndSave(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		els := w.user("Els", "de Vries", "els@example.org", i18n.NL)
		set, err := w.s.Settings(w.ctx, els)
		if err != nil {
			t.Fatal(err)
		}
		// Escalations only for coordinators.
		if len(set.Prefs) != len(Kinds)-1 || set.QuietStart != "21:00" || set.QuietEnd != "08:00" || !set.EmailVerified || set.EmailDisabled {
			t.Fatalf("defaults: %+v", set)
		}
		for _, p := range set.Prefs {
			if p.Kind == Escalation || p != DefaultPref(p.Kind) || (p.Kind == InvitationWithdrawn) == p.Email {
				t.Errorf("default pref %+v", p)
			}
		}

		// Bad input: a clear error and nothing stored.
		for _, c := range []struct {
			in    SettingsInput
			field string
		}{
			{SettingsInput{QuietStart: "21:00", QuietEnd: "08:00", Prefs: []Pref{{Kind: "nonsense"}}}, "prefs"},
			{SettingsInput{QuietStart: "21:00", QuietEnd: "08:00", Prefs: []Pref{{Kind: Escalation}}}, "prefs"},
			{SettingsInput{QuietStart: "25:00", QuietEnd: "08:00", Prefs: []Pref{{Kind: Matched}}}, "quiet_start"},
			{SettingsInput{QuietStart: "21:00", QuietEnd: "8", Prefs: []Pref{{Kind: Matched}}}, "quiet_end"},
		} {
			err := w.s.SaveSettings(w.ctx, els, c.in)
			e, ok := apperr.As(err)
			if !ok || e.Status != 422 || e.Field(c.field) == "" {
				t.Errorf("%+v: %v, want 422 on %s", c.in, err, c.field)
			}
		}
		if n := w.count("SELECT COUNT(*) FROM notification_prefs") + w.count("SELECT COUNT(*) FROM helper_settings"); n != 0 {
			t.Fatalf("bad input stored %d rows", n)
		}

		err = w.s.SaveSettings(w.ctx, els, SettingsInput{QuietStart: "22:30", QuietEnd: "07:15",
			Prefs: []Pref{{Kind: Message, Email: false, Push: true}, {Kind: Matched, Email: true, Push: false}}})
		if err != nil {
			t.Fatal(err)
		}
		set, _ = w.s.Settings(w.ctx, els)
		if set.QuietStart != "22:30" || set.QuietEnd != "07:15" {
			t.Errorf("quiet hours %s-%s", set.QuietStart, set.QuietEnd)
		}
		for _, p := range set.Prefs {
			want := DefaultPref(p.Kind)
			switch p.Kind {
			case Message:
				want.Email = false
			case Matched:
				want.Push = false
			}
			if p != want {
				t.Errorf("pref %+v, want %+v", p, want)
			}
		}
		// The quiet hours are the helper's: the dispatcher reads the same
		// row, and the rest of it has the help defaults.
		var radius, weekly int
		if err := db.QueryRow(w.ctx, "SELECT radius_m, weekly_max FROM helper_settings WHERE user_id = ?", els.ID).Scan(&radius, &weekly); err != nil || radius != 2000 || weekly != 5 {
			t.Errorf("helper_settings radius %d weekly %d (%v)", radius, weekly, err)
		}

		// A coordinator sees and can save escalations.
		if _, err := db.Exec(w.ctx, "INSERT INTO edition_roles (edition_id, user_id, role, created_at) VALUES (?, ?, ?, ?)",
			account.NationalEditionID, els.ID, account.RoleCoordinator, w.clk.Now().UTC()); err != nil {
			t.Fatal(err)
		}
		if set, _ := w.s.Settings(w.ctx, els); len(set.Prefs) != len(Kinds) {
			t.Errorf("coordinator has %d kinds", len(set.Prefs))
		}
		if err := w.s.SaveSettings(w.ctx, els, SettingsInput{QuietStart: "22:30", QuietEnd: "07:15", Prefs: []Pref{{Kind: Escalation, Push: true}}}); err != nil {
			t.Errorf("coordinator saving escalation: %v", err)
		}
	})
}

func TestSubscribeAndUnsubscribe(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		els := w.user("Els", "de Vries", "els@example.org", i18n.NL)
		piet := w.user("Piet", "Jansen", "piet@example.org", i18n.NL)
		ep := testkit.NewPushEndpoint(t)
		good := ep.Subscription()
		b64 := base64.RawURLEncoding.EncodeToString
		for _, c := range []struct {
			in    PushInput
			field string
		}{
			{PushInput{Endpoint: "", P256dh: good.P256dh, Auth: good.Auth}, "endpoint"},
			{PushInput{Endpoint: "http://push.example.org/x", P256dh: good.P256dh, Auth: good.Auth}, "endpoint"},
			{PushInput{Endpoint: "ftp://push.example.org/x", P256dh: good.P256dh, Auth: good.Auth}, "endpoint"},
			{PushInput{Endpoint: "javascript:alert(1)", P256dh: good.P256dh, Auth: good.Auth}, "endpoint"},
			{PushInput{Endpoint: good.Endpoint, P256dh: b64(make([]byte, 65)), Auth: good.Auth}, "p256dh"},
			{PushInput{Endpoint: good.Endpoint, P256dh: "not base64!", Auth: good.Auth}, "p256dh"},
			{PushInput{Endpoint: good.Endpoint, P256dh: good.P256dh, Auth: b64(make([]byte, 15))}, "auth"},
		} {
			_, err := w.s.Subscribe(w.ctx, els, c.in)
			e, ok := apperr.As(err)
			if !ok || e.Status != 422 || e.Field(c.field) == "" {
				t.Errorf("%+v: %v, want 422 on %s", c.in, err, c.field)
			}
		}
		if n := w.count("SELECT COUNT(*) FROM push_subscriptions"); n != 0 {
			t.Fatalf("bad input stored %d subscriptions", n)
		}
		in := PushInput{Endpoint: good.Endpoint, P256dh: good.P256dh, Auth: good.Auth, UserAgent: "Firefox op Android"}
		id, err := w.s.Subscribe(w.ctx, els, in)
		if err != nil {
			t.Fatal(err)
		}
		if again, err := w.s.Subscribe(w.ctx, els, in); err != nil || again != id {
			t.Errorf("subscribing twice: %q, %v (first %q)", again, err, id)
		}
		// https endpoints are fine.
		if _, err := w.s.Subscribe(w.ctx, els, PushInput{Endpoint: "https://fcm.googleapis.com/fcm/send/abc", P256dh: good.P256dh, Auth: good.Auth}); err != nil {
			t.Errorf("https endpoint: %v", err)
		}
		// Someone else cannot remove it; its owner can.
		if err := w.s.Unsubscribe(w.ctx, piet, id); !isNotFound(err) {
			t.Errorf("Piet removing Els's device: %v", err)
		}
		// The same browser with another user moves there.
		if moved, err := w.s.Subscribe(w.ctx, piet, in); err != nil || moved != id {
			t.Fatalf("moving: %q, %v", moved, err)
		}
		if set, _ := w.s.Settings(w.ctx, els); len(set.Devices) != 1 {
			t.Errorf("Els has %d devices after the move, want 1", len(set.Devices))
		}
		if err := w.s.Unsubscribe(w.ctx, els, id); !isNotFound(err) {
			t.Errorf("Els removing the moved device: %v", err)
		}
		if err := w.s.Unsubscribe(w.ctx, piet, id); err != nil {
			t.Errorf("Piet removing his device: %v", err)
		}
		if set, _ := w.s.Settings(w.ctx, piet); len(set.Devices) != 0 {
			t.Errorf("devices after removing: %+v", set.Devices)
		}
		if w.s.VAPIDPublicKey() != w.keys.Public || (&Service{}).VAPIDPublicKey() != "" {
			t.Error("VAPIDPublicKey")
		}
	})
}
