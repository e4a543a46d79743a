package notify

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/noaber/noaber/internal/account"
	"github.com/noaber/noaber/internal/apperr"
	"github.com/noaber/noaber/internal/help"
	"github.com/noaber/noaber/internal/i18n"
	"github.com/noaber/noaber/internal/jobs"
	"github.com/noaber/noaber/internal/mail"
	"github.com/noaber/noaber/internal/push"
	"github.com/noaber/noaber/internal/store"
	"github.com/noaber/noaber/internal/testkit"
)

// fakeClock is a fake clock the tests move by hand.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

func (c *fakeClock) Advance(d time.Duration) { c.Set(c.Now().Add(d)) }

// amsterdam makes a local time on a Tuesday in March (CET, UTC+1).
func amsterdam(hour, min int) time.Time {
	return time.Date(2026, 3, 10, hour, min, 0, 0, help.Amsterdam)
}

// world is a notification service with delivery on a real database, a
// fake clock, the SMTP sink and (when asked) a push sender.
type world struct {
	t    *testing.T
	ctx  context.Context
	db   *store.DB
	clk  *fakeClock
	q    *jobs.Queue
	s    *Service
	sink *testkit.SMTPSink
	acc  *account.Service
	keys push.Keys
}

func newWorld(t *testing.T, db *store.DB) *world {
	t.Helper()
	w := &world{t: t, ctx: context.Background(), db: db, clk: &fakeClock{t: amsterdam(10, 0)}}
	w.q = jobs.New(db, jobs.Options{Now: w.clk.Now})
	w.s = New(db, w.clk.Now)
	keys, err := push.GenerateKeys()
	if err != nil {
		t.Fatal(err)
	}
	w.keys = keys
	w.s.Deliver(DeliveryOptions{
		Queue: w.q, Push: push.NewSender(keys, "mailto:beheer@noaber.test"), VAPIDPublicKey: keys.Public,
		BaseURL: "https://noaber.test/", SecretKey: []byte("test secret"),
	})
	w.sink = testkit.NewSMTPSink(t)
	mail.RegisterSender(w.q, mail.NewSender(mail.SMTPConfig{
		Host: w.sink.Host(), Port: w.sink.Port(), TLS: mail.TLSNone, From: "Noaber <noreply@noaber.test>", Timeout: 5 * time.Second,
	}), w.s.MailHooks())
	w.acc = account.New(db, w.q, account.Options{SecretKey: []byte("test"), PasswordMemoryKiB: 1024, Now: w.clk.Now})
	return w
}

// user makes an active user with a verified address.
func (w *world) user(first, surname, email string, lang i18n.Lang) *account.User {
	w.t.Helper()
	ids, err := w.acc.Seed(w.ctx, []account.SeedUser{{Email: email, FirstName: first, Surname: surname,
		Postcode: "7511AB", Town: "Enschede", Locale: lang}}, "een lang wachtwoord")
	if err != nil {
		w.t.Fatal(err)
	}
	u, err := w.acc.User(w.ctx, ids[0])
	if err != nil {
		w.t.Fatal(err)
	}
	return u
}

// add writes a notification as the event that causes it would.
func (w *world) add(n Notice) string {
	w.t.Helper()
	err := w.db.InTx(w.ctx, func(tx *store.Tx) error {
		ok, err := Add(w.ctx, tx, n, w.clk.Now())
		if err == nil && !ok {
			w.t.Fatalf("notification %+v was not written", n)
		}
		return err
	})
	if err != nil {
		w.t.Fatal(err)
	}
	var id string
	if err := w.db.QueryRow(w.ctx, "SELECT id FROM notifications WHERE user_id = ? AND kind = ? AND ref = ?",
		n.UserID, n.Kind, n.Ref).Scan(&id); err != nil {
		w.t.Fatal(err)
	}
	return id
}

func (w *world) runDue() {
	w.t.Helper()
	if _, err := w.q.RunDue(w.ctx); err != nil {
		w.t.Fatal(err)
	}
}

func (w *world) count(query string, args ...any) int {
	w.t.Helper()
	var n int
	if err := w.db.QueryRow(w.ctx, query, args...).Scan(&n); err != nil {
		w.t.Fatal(err)
	}
	return n
}

func (w *world) mailsTo(addr string) []testkit.Mail {
	var out []testkit.Mail
	for _, m := range w.sink.Messages() {
		if len(m.To) == 1 && m.To[0] == addr {
			out = append(out, m)
		}
	}
	return out
}

// conversation makes a conversation between seeker and helper.
func (w *world) conversation(seeker, helper *account.User) string {
	w.t.Helper()
	id := uuid.Must(uuid.NewV7()).String()
	_, err := w.db.Exec(w.ctx, `INSERT INTO conversations (id, seeker_id, helper_id, created_at, kind, pair_key)
		VALUES (?, ?, ?, ?, 'direct', ?)`, id, seeker.ID, helper.ID, w.clk.Now().UTC(), seeker.ID+":"+helper.ID)
	if err != nil {
		w.t.Fatal(err)
	}
	return id
}

// message writes a message in the conversation and its notification for
// the receiver, as the message package does.
func (w *world) message(conv string, from, to *account.User, body string) string {
	w.t.Helper()
	id := uuid.Must(uuid.NewV7()).String()
	if _, err := w.db.Exec(w.ctx, `INSERT INTO messages (id, conversation_id, sender_id, body, created_at) VALUES (?, ?, ?, ?, ?)`,
		id, conv, from.ID, body, w.clk.Now().UTC()); err != nil {
		w.t.Fatal(err)
	}
	return w.add(Notice{UserID: to.ID, Kind: Message, Ref: id, ConversationID: conv})
}

func TestInvitationEmailArrivesInTheUsersLanguage(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		els := w.user("Els", "de Vries", "els@example.org", i18n.NL)
		ann := w.user("Ann", "Smith", "ann@example.org", i18n.EN)
		w.add(Notice{UserID: els.ID, Kind: Invitation, Ref: "inv-els"})
		w.add(Notice{UserID: ann.ID, Kind: Invitation, Ref: "inv-ann"})
		w.runDue()

		for _, c := range []struct {
			u                      *account.User
			subject, hello, button string
			ref, lang              string
		}{
			{els, "Iemand vraagt je hulp", "Hallo Els,", "Bekijk de vraag", "inv-els", "nl"},
			{ann, "Someone asks for your help", "Hello Ann,", "See the request", "inv-ann", "en"},
		} {
			got := w.mailsTo(c.u.Email)
			if len(got) != 1 {
				t.Fatalf("%s got %d mails, want 1", c.u.Email, len(got))
			}
			m := got[0]
			if m.Subject != c.subject || !strings.Contains(m.Text, c.hello) || !strings.Contains(m.HTML, c.button) {
				t.Errorf("%s: subject %q, text:\n%s", c.u.Email, m.Subject, m.Text)
			}
			if m.Header.Get("Content-Language") != c.lang {
				t.Errorf("%s: Content-Language %q", c.u.Email, m.Header.Get("Content-Language"))
			}
			if link := m.Link("https://noaber.test/invitations/"); link != "https://noaber.test/invitations/"+c.ref {
				t.Errorf("%s: link %q", c.u.Email, link)
			}
			if m.Link("https://noaber.test/me/notifications") == "" {
				t.Errorf("%s: no link to the settings:\n%s", c.u.Email, m.Text)
			}
			lu := m.Header.Get("List-Unsubscribe")
			if !strings.HasPrefix(lu, "<https://noaber.test/u/") || !strings.HasSuffix(lu, ">") {
				t.Fatalf("%s: List-Unsubscribe %q", c.u.Email, lu)
			}
			if m.Header.Get("List-Unsubscribe-Post") != "List-Unsubscribe=One-Click" {
				t.Errorf("%s: List-Unsubscribe-Post %q", c.u.Email, m.Header.Get("List-Unsubscribe-Post"))
			}
			// The link in the header is the one in the footer, and it
			// names this user and kind.
			token := strings.TrimSuffix(strings.TrimPrefix(lu, "<https://noaber.test/u/"), ">")
			if m.Link("https://noaber.test/u/") != "https://noaber.test/u/"+token {
				t.Errorf("%s: footer unsubscribe link %q", c.u.Email, m.Link("https://noaber.test/u/"))
			}
			if kind, err := w.s.UnsubscribeInfo(w.ctx, token); err != nil || kind != Invitation {
				t.Errorf("%s: token says %q, %v", c.u.Email, kind, err)
			}
		}
		if n := w.count("SELECT COUNT(*) FROM notifications WHERE emailed_at IS NULL"); n != 0 {
			t.Errorf("%d notifications not marked e-mailed", n)
		}
		// Nothing more on later runs.
		w.clk.Advance(time.Hour)
		w.runDue()
		if n := len(w.sink.Messages()); n != 2 {
			t.Errorf("%d mails after another run, want 2", n)
		}
	})
}

func TestThreeQuickMessagesMakeOneDigest(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		els := w.user("Els", "de Vries", "els@example.org", i18n.NL)
		anna := w.user("Anna", "Bakker", "anna@example.org", i18n.NL)
		piet := w.user("Piet", "Jansen", "piet@example.org", i18n.NL)
		withAnna := w.conversation(els, anna)
		withPiet := w.conversation(els, piet)
		w.message(withAnna, anna, els, "Mijn adres is Dorpsstraat 1")
		w.runDue()
		w.clk.Advance(time.Minute)
		w.message(withAnna, anna, els, "Ik kom om drie uur")
		w.runDue()
		w.clk.Advance(time.Minute)
		w.message(withPiet, piet, els, "Geheim bericht")
		w.runDue()
		if n := len(w.sink.Messages()); n != 0 {
			t.Fatalf("%d mails before the delay, want none", n)
		}
		// A message read in the app before the digest is not in it.
		w.clk.Advance(time.Minute)
		read := w.message(withPiet, piet, els, "Al gelezen")
		w.runDue()
		if err := w.s.MarkRead(w.ctx, els.ID, read); err != nil {
			t.Fatal(err)
		}

		w.clk.Advance(DefaultDigestDelay - 3*time.Minute + time.Second)
		w.runDue()
		got := w.mailsTo("els@example.org")
		if len(got) != 1 {
			t.Fatalf("%d digests, want 1: %v", len(got), w.sink.Messages())
		}
		m := got[0]
		if m.Subject != "3 nieuwe berichten" {
			t.Errorf("subject %q", m.Subject)
		}
		for _, want := range []string{"Van Anna B. (2 berichten)", "Van Piet J. (1 bericht)", "https://noaber.test/messages/" + withAnna, "https://noaber.test/messages/" + withPiet} {
			if !strings.Contains(m.Text, want) {
				t.Errorf("digest lacks %q:\n%s", want, m.Text)
			}
		}
		for _, secret := range []string{"Dorpsstraat", "drie uur", "Geheim", "Al gelezen", "anna@example.org"} {
			if strings.Contains(string(m.Raw), secret) {
				t.Errorf("the digest shows %q", secret)
			}
		}
		if m.Header.Get("List-Unsubscribe") == "" {
			t.Error("the digest has no List-Unsubscribe")
		}
		// Later runs send nothing more.
		w.clk.Advance(time.Hour)
		w.runDue()
		if n := len(w.sink.Messages()); n != 1 {
			t.Errorf("%d mails after another hour, want 1", n)
		}
		if n := w.count("SELECT COUNT(*) FROM notifications WHERE email_due_at IS NOT NULL AND emailed_at IS NULL"); n != 0 {
			t.Errorf("%d notifications still wait for a digest", n)
		}
	})
}

func TestUnsubscribedKindSendsNothing(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		els := w.user("Els", "de Vries", "els@example.org", i18n.NL)
		token := w.s.UnsubscribeToken(els.ID, Invitation)
		for range 2 { // twice is fine
			if kind, err := w.s.UnsubscribeByToken(w.ctx, token); err != nil || kind != Invitation {
				t.Fatalf("UnsubscribeByToken: %q, %v", kind, err)
			}
		}
		w.add(Notice{UserID: els.ID, Kind: Invitation, Ref: "inv-1"})
		w.add(Notice{UserID: els.ID, Kind: Matched, Ref: "req-1"})
		w.runDue()
		got := w.mailsTo("els@example.org")
		if len(got) != 1 || got[0].Subject != "Er is een helper voor je vraag" {
			t.Fatalf("mails: %v, want only the matched one", got)
		}
		set, err := w.s.Settings(w.ctx, els)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range set.Prefs {
			if p.Kind == Invitation && (p.Email || !p.Push) {
				t.Errorf("invitation pref %+v, want e-mail off and push on", p)
			}
			if p.Kind == Matched && !p.Email {
				t.Errorf("matched pref %+v changed", p)
			}
		}

		// A token that was tampered with, or signed with another key.
		parts := strings.SplitN(token, ".", 2)
		other := (&Service{opt: DeliveryOptions{SecretKey: []byte("other")}}).UnsubscribeToken(els.ID, Matched)
		for _, bad := range []string{"", "x", parts[0], parts[0] + ".AAAA", parts[1] + "." + parts[0], other,
			w.s.UnsubscribeToken(els.ID, "nonsense"), w.s.UnsubscribeToken("no-such-user", Invitation)} {
			if _, err := w.s.UnsubscribeByToken(w.ctx, bad); !isNotFound(err) {
				t.Errorf("token %q: %v, want 404", bad, err)
			}
		}
	})
}

func isNotFound(err error) bool {
	e, ok := apperr.As(err)
	return ok && e.Status == 404
}

func TestNothingIsSentInQuietHoursUntilTheMorning(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		els := w.user("Els", "de Vries", "els@example.org", i18n.NL)
		ep := testkit.NewPushEndpoint(t)
		if _, err := w.s.Subscribe(w.ctx, els, PushInput{Endpoint: ep.Subscription().Endpoint, P256dh: ep.Subscription().P256dh, Auth: ep.Subscription().Auth}); err != nil {
			t.Fatal(err)
		}
		w.clk.Set(amsterdam(23, 0))
		w.add(Notice{UserID: els.ID, Kind: Invitation, Ref: "inv-night"})
		w.runDue()
		w.clk.Set(amsterdam(23, 0).Add(8*time.Hour + 59*time.Minute)) // 07:59
		w.runDue()
		if n := len(w.sink.Messages()); n != 0 || len(ep.Pushes()) != 0 {
			t.Fatalf("%d mails and %d pushes in quiet hours", n, len(ep.Pushes()))
		}
		w.clk.Set(amsterdam(23, 0).Add(9 * time.Hour)) // 08:00
		w.runDue()
		if n := len(w.mailsTo("els@example.org")); n != 1 {
			t.Fatalf("%d mails in the morning, want 1", n)
		}
		if n := len(ep.Pushes()); n != 1 {
			t.Fatalf("%d pushes in the morning, want 1", n)
		}
		w.clk.Advance(time.Hour)
		w.runDue()
		if n := len(w.sink.Messages()); n != 1 || len(ep.Pushes()) != 1 {
			t.Errorf("%d mails and %d pushes after another run, want 1 each", n, len(ep.Pushes()))
		}

		// Her own quiet hours count: 22:00 to 07:00.
		if err := w.s.SaveSettings(w.ctx, els, SettingsInput{QuietStart: "22:00", QuietEnd: "07:00"}); err != nil {
			t.Fatal(err)
		}
		w.clk.Set(amsterdam(21, 30).AddDate(0, 0, 1))
		w.add(Notice{UserID: els.ID, Kind: Matched, Ref: "req-evening"})
		w.runDue()
		if n := len(w.mailsTo("els@example.org")); n != 2 {
			t.Errorf("%d mails at 21:30 with quiet hours from 22:00, want 2", n)
		}
	})
}

func TestReadBeforeDeliveryAndRunTwice(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		els := w.user("Els", "de Vries", "els@example.org", i18n.NL)
		ep := testkit.NewPushEndpoint(t)
		sub := ep.Subscription()
		if _, err := w.s.Subscribe(w.ctx, els, PushInput{Endpoint: sub.Endpoint, P256dh: sub.P256dh, Auth: sub.Auth}); err != nil {
			t.Fatal(err)
		}
		// Read in the app before the job ran: nothing goes out.
		seen := w.add(Notice{UserID: els.ID, Kind: Invitation, Ref: "inv-seen"})
		if err := w.s.MarkRead(w.ctx, els.ID, seen); err != nil {
			t.Fatal(err)
		}
		w.runDue()
		if n := len(w.sink.Messages()); n != 0 || len(ep.Pushes()) != 0 {
			t.Fatalf("%d mails and %d pushes for a read notification", n, len(ep.Pushes()))
		}

		// The same job run again (a retry, a second instance) delivers
		// once.
		id := w.add(Notice{UserID: els.ID, Kind: Invitation, Ref: "inv-twice"})
		for range 2 {
			if err := w.s.deliver(w.ctx, id, 2); err != nil {
				t.Fatal(err)
			}
		}
		w.runDue() // the job Add queued, and the mail
		if n := len(w.mailsTo("els@example.org")); n != 1 {
			t.Errorf("%d mails, want 1", n)
		}
		if n := len(ep.Pushes()); n != 1 {
			t.Errorf("%d pushes, want 1", n)
		}
	})
}

func TestAddressDisabledAfterThreeFailures(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		els := w.user("Els", "de Vries", "els@example.org", i18n.NL)
		w.sink.Reject("els@example.org")
		for i := range MaxEmailFailures {
			w.add(Notice{UserID: els.ID, Kind: Matched, Ref: "req-" + string(rune('a'+i))})
			w.runDue()
		}
		set, err := w.s.Settings(w.ctx, els)
		if err != nil {
			t.Fatal(err)
		}
		if !set.EmailDisabled || set.EmailDisabledAt.IsZero() {
			t.Fatalf("after %d failures the address is not disabled: %+v", MaxEmailFailures, set)
		}
		// No more mail jobs for a disabled address.
		w.add(Notice{UserID: els.ID, Kind: Matched, Ref: "req-x"})
		w.runDue()
		if n := w.count("SELECT COUNT(*) FROM jobs WHERE kind = ?", mail.SendKind); n != MaxEmailFailures {
			t.Errorf("%d mail jobs, want %d", n, MaxEmailFailures)
		}

		w.sink.Accept("els@example.org")
		if err := w.s.RetryEmail(w.ctx, els); err != nil {
			t.Fatal(err)
		}
		if set, _ := w.s.Settings(w.ctx, els); set.EmailDisabled {
			t.Error("RetryEmail left the address disabled")
		}
		w.add(Notice{UserID: els.ID, Kind: Matched, Ref: "req-y"})
		w.runDue()
		if n := len(w.mailsTo("els@example.org")); n != 1 {
			t.Errorf("%d mails after RetryEmail, want 1", n)
		}
		if n := w.count("SELECT email_failures FROM users WHERE id = ?", els.ID); n != 0 {
			t.Errorf("email_failures %d after a success", n)
		}

		// An unverified address gets no notification e-mail.
		if _, err := db.Exec(w.ctx, "UPDATE users SET email_verified_at = NULL WHERE id = ?", els.ID); err != nil {
			t.Fatal(err)
		}
		w.add(Notice{UserID: els.ID, Kind: Matched, Ref: "req-z"})
		w.runDue()
		if n := len(w.mailsTo("els@example.org")); n != 1 {
			t.Errorf("%d mails after the address became unverified, want 1", n)
		}
		if set, _ := w.s.Settings(w.ctx, els); set.EmailVerified {
			t.Error("Settings says the address is verified")
		}
	})
}

func TestPushDeliveredAndDecrypted(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		els := w.user("Els", "de Vries", "els@example.org", i18n.NL)
		anna := w.user("Anna", "Bakker", "anna@example.org", i18n.EN)
		ep := testkit.NewPushEndpoint(t)
		ep.RequireKey(w.s.VAPIDPublicKey())
		sub := ep.Subscription()
		if _, err := w.s.Subscribe(w.ctx, els, PushInput{Endpoint: sub.Endpoint, P256dh: sub.P256dh, Auth: sub.Auth, UserAgent: "Firefox"}); err != nil {
			t.Fatal(err)
		}
		conv := w.conversation(els, anna)
		id := w.message(conv, anna, els, "Ik woon op Dorpsstraat 1")
		w.runDue()
		got := ep.Pushes()
		if len(got) != 1 {
			t.Fatalf("%d pushes, refused %v", len(got), ep.Refused())
		}
		var p pushPayload
		if err := json.Unmarshal(got[0].Payload, &p); err != nil {
			t.Fatal(err)
		}
		want := pushPayload{Title: "Nieuw bericht van Anna B.", Body: "Open Noaber om het te lezen.",
			URL: "/messages/" + conv, Tag: "message:" + conv, ID: id}
		if p != want {
			t.Errorf("payload %+v, want %+v", p, want)
		}
		for _, secret := range []string{"Dorpsstraat", "@", "7511"} {
			if strings.Contains(string(got[0].Payload), secret) {
				t.Errorf("the push shows %q", secret)
			}
		}
		if got[0].Topic != topic(id) || len(got[0].Topic) != 32 {
			t.Errorf("topic %q", got[0].Topic)
		}
		if n := w.count("SELECT COUNT(*) FROM notifications WHERE id = ? AND pushed_at IS NOT NULL", id); n != 1 {
			t.Error("pushed_at not set")
		}
		if err := w.s.deliver(w.ctx, id, 2); err != nil || len(ep.Pushes()) != 1 {
			t.Errorf("a second run pushed again (%v)", err)
		}
		// Push off for a kind: no push.
		if err := w.s.SaveSettings(w.ctx, els, SettingsInput{QuietStart: "21:00", QuietEnd: "08:00",
			Prefs: []Pref{{Kind: Matched, Email: true, Push: false}}}); err != nil {
			t.Fatal(err)
		}
		w.add(Notice{UserID: els.ID, Kind: Matched, Ref: "req-1", RequestID: ""})
		w.add(Notice{UserID: els.ID, Kind: Invitation, Ref: "inv-1"})
		w.runDue()
		got = ep.Pushes()
		if len(got) != 2 {
			t.Fatalf("%d pushes, want 2 (not the matched one)", len(got))
		}
		if err := json.Unmarshal(got[1].Payload, &p); err != nil || p.URL != "/invitations/inv-1" || p.Title != "Iemand vraagt je hulp" || got[1].Urgency != "high" {
			t.Errorf("invitation push %+v urgency %q (%v)", p, got[1].Urgency, err)
		}
	})
}

func TestFailingPushSubscriptions(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		els := w.user("Els", "de Vries", "els@example.org", i18n.NL)
		subscribe := func(ep *testkit.PushEndpoint) string {
			sub := ep.Subscription()
			id, err := w.s.Subscribe(w.ctx, els, PushInput{Endpoint: sub.Endpoint, P256dh: sub.P256dh, Auth: sub.Auth})
			if err != nil {
				t.Fatal(err)
			}
			return id
		}
		// 410: the subscription is gone and deleted.
		gone := testkit.NewPushEndpoint(t)
		subscribe(gone)
		gone.Answer(410, 1)
		w.add(Notice{UserID: els.ID, Kind: Invitation, Ref: "inv-gone"})
		w.runDue()
		if set, _ := w.s.Settings(w.ctx, els); len(set.Devices) != 0 {
			t.Fatalf("devices after a 410: %+v", set.Devices)
		}

		// A push service that keeps failing: the device is turned off
		// after MaxPushFailures notifications failed, and shown so.
		broken := testkit.NewPushEndpoint(t)
		dev := subscribe(broken)
		broken.Answer(500, 100)
		for i := range MaxPushFailures {
			w.add(Notice{UserID: els.ID, Kind: Invitation, Ref: "inv-broken-" + string(rune('a'+i))})
			w.runDue()
			set, err := w.s.Settings(w.ctx, els)
			if err != nil {
				t.Fatal(err)
			}
			if len(set.Devices) != 1 || set.Devices[0].ID != dev || set.Devices[0].Failures != i+1 || set.Devices[0].Disabled != (i+1 == MaxPushFailures) {
				t.Fatalf("after %d failures: %+v", i+1, set.Devices)
			}
		}
		// The failed deliveries are retried later (temporary errors),
		// but a disabled device gets nothing and counts nothing.
		w.clk.Advance(3 * time.Hour)
		w.runDue()
		if set, _ := w.s.Settings(w.ctx, els); set.Devices[0].Failures != MaxPushFailures {
			t.Errorf("failures %d after the retries", set.Devices[0].Failures)
		}
		// Subscribing again turns it back on; a success resets the count.
		subscribe(broken)
		if set, _ := w.s.Settings(w.ctx, els); set.Devices[0].Disabled || set.Devices[0].Failures != 0 {
			t.Errorf("after subscribing again: %+v", set.Devices[0])
		}
	})
}

func TestExpiringWrittenOnce(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		els := w.user("Els", "de Vries", "els@example.org", i18n.NL)
		now := w.clk.Now().UTC()
		request := func(status string, expires time.Time) string {
			id := uuid.Must(uuid.NewV7()).String()
			_, err := db.Exec(w.ctx, `INSERT INTO requests (id, edition_id, seeker_id, category_id, title, body, answers,
				when_kind, place_kind, postcode, house_number, lat, lng, cell_lat, cell_lng, town, municipality_code,
				status, expires_at, created_at, updated_at)
				VALUES (?, ?, ?, 'groceries', 'Boodschappen', 'Graag melk', '{}', 'flexible', 'home', '7511AB', '1',
				52.2, 6.9, 52.2, 6.9, 'Enschede', 'GM0153', ?, ?, ?, ?)`,
				id, account.NationalEditionID, els.ID, status, expires, now, now)
			if err != nil {
				t.Fatal(err)
			}
			return id
		}
		soon := request("open", now.Add(10*time.Hour))
		request("open", now.Add(48*time.Hour))
		request("matched", now.Add(5*time.Hour))
		request("open", now.Add(-time.Hour))
		n, err := w.s.WriteExpiring(w.ctx)
		if err != nil || n != 1 {
			t.Fatalf("WriteExpiring wrote %d (%v), want 1", n, err)
		}
		if n, err := w.s.WriteExpiring(w.ctx); err != nil || n != 0 {
			t.Errorf("second run wrote %d (%v)", n, err)
		}
		w.runDue() // the periodic job too: nothing new
		if n := w.count("SELECT COUNT(*) FROM notifications WHERE kind = ? AND ref = ? AND request_id = ?", Expiring, soon, soon); n != 1 {
			t.Errorf("%d expiring notifications for the request, want 1", n)
		}
		if n := w.count("SELECT COUNT(*) FROM notifications"); n != 1 {
			t.Errorf("%d notifications, want 1", n)
		}
		got := w.mailsTo("els@example.org")
		if len(got) != 1 || got[0].Subject != "Je vraag stopt bijna" || !strings.Contains(got[0].Text, "Boodschappen") ||
			got[0].Link("https://noaber.test/requests/") != "https://noaber.test/requests/"+soon {
			t.Errorf("mails: %v", got)
		}
	})
}
