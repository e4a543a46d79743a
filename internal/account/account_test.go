package account_test

import (
	"context"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/noaber/noaber/internal/account"
	"github.com/noaber/noaber/internal/apperr"
	"github.com/noaber/noaber/internal/geo"
	"github.com/noaber/noaber/internal/i18n"
	"github.com/noaber/noaber/internal/jobs"
	"github.com/noaber/noaber/internal/mail"
	"github.com/noaber/noaber/internal/store"
	"github.com/noaber/noaber/internal/testkit"
)

type env struct {
	db   *store.DB
	q    *jobs.Queue
	svc  *account.Service
	sink *testkit.SMTPSink
	mu   sync.Mutex
	now  time.Time
}

func newEnv(t *testing.T, db *store.DB) *env {
	e := &env{db: db, now: time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)}
	clock := func() time.Time { e.mu.Lock(); defer e.mu.Unlock(); return e.now }
	e.sink = testkit.NewSMTPSink(t)
	e.q = jobs.New(db, jobs.Options{Now: clock})
	mail.RegisterSender(e.q, mail.NewSender(mail.SMTPConfig{Host: e.sink.Host(), Port: e.sink.Port(), From: "Noaber <noreply@noaber.test>", TLS: "none"}))
	e.svc = account.New(db, e.q, account.Options{BaseURL: "http://noaber.test", SecretKey: []byte("test secret"),
		PasswordMemoryKiB: 1024, Now: clock, Resolver: geo.NewResolver(db, geo.ResolverOptions{})})
	return e
}

func (e *env) advance(d time.Duration) { e.mu.Lock(); e.now = e.now.Add(d); e.mu.Unlock() }

// deliver runs the queued jobs (the e-mails) now.
func (e *env) deliver(t *testing.T) {
	t.Helper()
	if _, err := e.q.RunDue(context.Background()); err != nil {
		t.Fatalf("run jobs: %v", err)
	}
}

// lastMailTo returns the newest mail to addr, failing when there is none.
func (e *env) lastMailTo(t *testing.T, addr string) testkit.Mail {
	t.Helper()
	e.deliver(t)
	var found *testkit.Mail
	for _, m := range e.sink.Messages() {
		for _, to := range m.To {
			if strings.EqualFold(to, addr) {
				found = &m
			}
		}
	}
	if found == nil {
		t.Fatalf("no mail to %s", addr)
	}
	return *found
}

func (e *env) mailsTo(addr string) int {
	n := 0
	for _, m := range e.sink.Messages() {
		for _, to := range m.To {
			if strings.EqualFold(to, addr) {
				n++
			}
		}
	}
	return n
}

func tokenFrom(t *testing.T, m testkit.Mail, path string) string {
	t.Helper()
	link := m.Link("http://noaber.test" + path)
	if link == "" {
		t.Fatalf("mail %q has no %s link:\n%s", m.Subject, path, m.Text)
	}
	u, err := url.Parse(link)
	if err != nil {
		t.Fatal(err)
	}
	return u.Query().Get("token")
}

func signupInput(email string) account.SignupInput {
	return account.SignupInput{Email: email, Password: "correct horse battery", FirstName: "Jan", Surname: "van den Berg",
		Postcode: "7511 ab", HouseNumber: "12a", Town: "Enschede", AcceptRules: true, Locale: i18n.NL, Addr: "192.0.2.1"}
}

// verifiedUser signs up and verifies through the e-mail link.
func (e *env) verifiedUser(t *testing.T, email string) *account.User {
	t.Helper()
	ctx := context.Background()
	if err := e.svc.Signup(ctx, signupInput(email)); err != nil {
		t.Fatalf("signup: %v", err)
	}
	u, err := e.svc.VerifyEmail(ctx, tokenFrom(t, e.lastMailTo(t, email), "/verify"))
	if err != nil {
		t.Fatalf("verify: %v", err)
	}
	return u
}

func countUsers(t *testing.T, db *store.DB) int {
	var n int
	if err := db.QueryRow(context.Background(), "SELECT COUNT(*) FROM users").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func wantErr(t *testing.T, err error, code, field, key string) {
	t.Helper()
	ae, ok := apperr.As(err)
	if !ok {
		t.Fatalf("got %v, want an apperr with code %s", err, code)
	}
	if ae.Code != code {
		t.Fatalf("got code %s (%v), want %s", ae.Code, ae, code)
	}
	if field != "" && ae.Field(field) != key {
		t.Fatalf("field %s: got %q, want %q (%v)", field, ae.Field(field), key, ae)
	}
	if field == "" && key != "" && ae.Key != key {
		t.Fatalf("got key %q, want %q", ae.Key, key)
	}
}

func TestSignupVerifyLogin(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		in := signupInput("Jan@Example.org")
		if err := e.svc.Signup(ctx, in); err != nil {
			t.Fatal(err)
		}
		// Not verified yet: the right password still does not log in.
		_, _, err := e.svc.Login(ctx, "jan@example.org", in.Password, "192.0.2.1", "test", account.WebSession)
		wantErr(t, err, "email_not_verified", "", "account.email_not_verified")

		m := e.lastMailTo(t, "jan@example.org")
		if !strings.Contains(m.Text, "Jan") || !strings.Contains(m.HTML, "Jan") {
			t.Fatalf("verification mail does not greet by name: %s", m.Text)
		}
		u, err := e.svc.VerifyEmail(ctx, tokenFrom(t, m, "/verify"))
		if err != nil {
			t.Fatal(err)
		}
		if !u.EmailVerified || u.Email != "jan@example.org" || u.Postcode != "7511AB" || u.HouseNumber != "12a" || u.EditionID != account.NationalEditionID {
			t.Fatalf("unexpected user %+v", u)
		}
		if u.DisplayName() != "Jan B." {
			t.Fatalf("display name %q", u.DisplayName())
		}
		// The link works once.
		_, err = e.svc.VerifyEmail(ctx, tokenFrom(t, m, "/verify"))
		wantErr(t, err, "link_invalid", "", "account.link_invalid")

		token, lu, err := e.svc.Login(ctx, " JAN@example.org ", in.Password, "192.0.2.1", "test", account.WebSession)
		if err != nil || lu.ID != u.ID || token == "" {
			t.Fatalf("login: %v %+v", err, lu)
		}
		au, err := e.svc.Authenticate(ctx, token, account.WebSession)
		if err != nil || au.ID != u.ID {
			t.Fatalf("authenticate: %v", err)
		}
		// A browser session is not an API token.
		_, err = e.svc.Authenticate(ctx, token, account.APISession)
		wantErr(t, err, "unauthorized", "", "")
	})
}

func TestSignupInEnglishSendsEnglishMail(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		in := signupInput("amy@example.org")
		in.Locale = i18n.EN
		if err := e.svc.Signup(context.Background(), in); err != nil {
			t.Fatal(err)
		}
		en := e.lastMailTo(t, "amy@example.org")
		in = signupInput("anouk@example.org")
		if err := e.svc.Signup(context.Background(), in); err != nil {
			t.Fatal(err)
		}
		nl := e.lastMailTo(t, "anouk@example.org")
		if en.Subject == nl.Subject || en.Subject == "" {
			t.Fatalf("English and Dutch subjects should differ: %q vs %q", en.Subject, nl.Subject)
		}
	})
}

func TestSignupBadInputWritesNothing(t *testing.T) {
	long := strings.Repeat("a", 61)
	cases := []struct {
		name  string
		edit  func(*account.SignupInput)
		field string
		key   string
	}{
		{"empty email", func(in *account.SignupInput) { in.Email = "" }, "email", "account.email_required"},
		{"bad email", func(in *account.SignupInput) { in.Email = "jan@" }, "email", "account.email_invalid"},
		{"email with name", func(in *account.SignupInput) { in.Email = "Jan <jan@example.org>" }, "email", "account.email_invalid"},
		{"too long email", func(in *account.SignupInput) { in.Email = strings.Repeat("a", 250) + "@x.nl" }, "email", "account.email_invalid"},
		{"short password", func(in *account.SignupInput) { in.Password = "short" }, "password", "account.password_too_short"},
		{"long password", func(in *account.SignupInput) { in.Password = strings.Repeat("p", 201) }, "password", "account.password_too_long"},
		{"empty first name", func(in *account.SignupInput) { in.FirstName = "  " }, "first_name", "account.name_required"},
		{"long surname", func(in *account.SignupInput) { in.Surname = long }, "surname", "account.name_invalid"},
		{"markup in name", func(in *account.SignupInput) { in.FirstName = "<b>Jan</b>" }, "first_name", "account.name_invalid"},
		{"malformed postcode", func(in *account.SignupInput) { in.Postcode = "1234 A" }, "postcode", "account.postcode_invalid"},
		{"postcode starting with 0", func(in *account.SignupInput) { in.Postcode = "0123 AB" }, "postcode", "account.postcode_invalid"},
		{"postcode SS", func(in *account.SignupInput) { in.Postcode = "1234 SS" }, "postcode", "account.postcode_invalid"},
		{"empty postcode", func(in *account.SignupInput) { in.Postcode = "" }, "postcode", "account.postcode_required"},
		{"bad house number", func(in *account.SignupInput) { in.HouseNumber = "twelve" }, "house_number", "account.house_number_invalid"},
		{"empty town", func(in *account.SignupInput) { in.Town = "" }, "town", "account.town_required"},
		{"rules not accepted", func(in *account.SignupInput) { in.AcceptRules = false }, "accept_rules", "account.rules_required"},
		{"control character", func(in *account.SignupInput) { in.Town = "Ens\x00chede" }, "town", "account.town_invalid"},
	}
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				in := signupInput("new@example.org")
				c.edit(&in)
				err := e.svc.Signup(context.Background(), in)
				wantErr(t, err, "invalid", c.field, c.key)
				if !i18n.Has(i18n.NL, c.key) || !i18n.Has(i18n.EN, c.key) {
					t.Fatalf("message %s is not in both catalogs", c.key)
				}
			})
		}
		if n := countUsers(t, db); n != 0 {
			t.Fatalf("bad sign-ups wrote %d users", n)
		}
		e.deliver(t)
		if n := len(e.sink.Messages()); n != 0 {
			t.Fatalf("bad sign-ups sent %d mails", n)
		}
	})
}

func TestDuplicateSignupLooksTheSameAndMailsTheOwner(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		e.verifiedUser(t, "els@example.org")
		before := e.mailsTo("els@example.org")
		in := signupInput("ELS@example.org")
		in.FirstName = "Someone"
		if err := e.svc.Signup(ctx, in); err != nil {
			t.Fatalf("duplicate sign-up must answer like a new one, got %v", err)
		}
		if n := countUsers(t, db); n != 1 {
			t.Fatalf("%d users, want 1", n)
		}
		m := e.lastMailTo(t, "els@example.org")
		if e.mailsTo("els@example.org") != before+1 || m.Link("http://noaber.test/forgot") == "" {
			t.Fatalf("owner did not get the 'you already have an account' mail: %q", m.Subject)
		}
		// The owner's password still works.
		if _, _, err := e.svc.Login(ctx, "els@example.org", "correct horse battery", "192.0.2.9", "", account.WebSession); err != nil {
			t.Fatal(err)
		}
	})
}

func TestConcurrentSignupsWithOneAddressMakeOneAccount(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		var wg sync.WaitGroup
		errs := make(chan error, 10)
		for i := 0; i < 10; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs <- e.svc.Signup(context.Background(), signupInput("race@example.org"))
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		if n := countUsers(t, db); n != 1 {
			t.Fatalf("%d users, want 1", n)
		}
	})
}

func TestLoginFailuresAreRateLimited(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		e.verifiedUser(t, "kim@example.org")
		for i := 0; i < 5; i++ {
			_, _, err := e.svc.Login(ctx, "kim@example.org", "wrong password!", "192.0.2.1", "", account.WebSession)
			wantErr(t, err, "login_failed", "", "account.login_failed")
		}
		// Now even the right password is refused for a while, with a clear message.
		_, _, err := e.svc.Login(ctx, "kim@example.org", "correct horse battery", "192.0.2.1", "", account.WebSession)
		wantErr(t, err, "rate_limited", "", "account.login_rate_limited")
		ae, _ := apperr.As(err)
		if msg := i18n.T(i18n.NL, ae.Key, ae.Args...); !strings.Contains(msg, "15 minuten") {
			t.Fatalf("message does not say how long: %q", msg)
		}
		e.advance(16 * time.Minute)
		if _, _, err := e.svc.Login(ctx, "kim@example.org", "correct horse battery", "192.0.2.1", "", account.WebSession); err != nil {
			t.Fatalf("after the window: %v", err)
		}
		// An unknown address fails the same way as a wrong password.
		_, _, err = e.svc.Login(ctx, "nobody@example.org", "whatever123", "192.0.2.1", "", account.WebSession)
		wantErr(t, err, "login_failed", "", "account.login_failed")
	})
}

func TestLoginFailuresPerAddress(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		for i := 0; i < 30; i++ {
			_, _, err := e.svc.Login(ctx, "user"+string(rune('a'+i%26))+"@example.org", "wrong password", "198.51.100.7", "", account.WebSession)
			wantErr(t, err, "login_failed", "", "")
		}
		_, _, err := e.svc.Login(ctx, "other@example.org", "wrong password", "198.51.100.7", "", account.WebSession)
		wantErr(t, err, "rate_limited", "", "account.login_rate_limited")
		// Another address is not affected.
		_, _, err = e.svc.Login(ctx, "other@example.org", "wrong password", "198.51.100.8", "", account.WebSession)
		wantErr(t, err, "login_failed", "", "")
	})
}

func TestSessionsEnd(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		u := e.verifiedUser(t, "noor@example.org")
		login := func(kind account.SessionKind) string {
			tok, _, err := e.svc.Login(ctx, "noor@example.org", "correct horse battery", "192.0.2.1", "", kind)
			if err != nil {
				t.Fatal(err)
			}
			return tok
		}
		a, b, c := login(account.WebSession), login(account.WebSession), login(account.APISession)
		if a == b {
			t.Fatal("two logins got the same session token")
		}
		if err := e.svc.Logout(ctx, a); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.Authenticate(ctx, a, account.WebSession); err == nil {
			t.Fatal("logged-out session still works")
		}
		if _, err := e.svc.Authenticate(ctx, b, account.WebSession); err != nil {
			t.Fatalf("other session ended too: %v", err)
		}
		if err := e.svc.LogoutEverywhere(ctx, u.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.Authenticate(ctx, b, account.WebSession); err == nil {
			t.Fatal("web session survived log out everywhere")
		}
		if _, err := e.svc.Authenticate(ctx, c, account.APISession); err == nil {
			t.Fatal("API token survived log out everywhere")
		}
		// A session expires when unused for its lifetime.
		d := login(account.WebSession)
		e.advance(account.SessionTTL(account.WebSession) + time.Minute)
		if _, err := e.svc.Authenticate(ctx, d, account.WebSession); err == nil {
			t.Fatal("expired session still works")
		}
	})
}

func TestPasswordReset(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		e.verifiedUser(t, "piet@example.org")
		old, _, err := e.svc.Login(ctx, "piet@example.org", "correct horse battery", "192.0.2.1", "", account.WebSession)
		if err != nil {
			t.Fatal(err)
		}
		// Unknown address: same answer, no mail.
		if err := e.svc.RequestPasswordReset(ctx, "ghost@example.org", "192.0.2.1"); err != nil {
			t.Fatal(err)
		}
		e.deliver(t)
		if e.mailsTo("ghost@example.org") != 0 {
			t.Fatal("a reset mail went to an address without account")
		}
		err = e.svc.RequestPasswordReset(ctx, "not an address", "192.0.2.1")
		wantErr(t, err, "invalid", "email", "account.email_invalid")

		if err := e.svc.RequestPasswordReset(ctx, "Piet@example.org", "192.0.2.1"); err != nil {
			t.Fatal(err)
		}
		token := tokenFrom(t, e.lastMailTo(t, "piet@example.org"), "/reset")
		if err := e.svc.CheckResetToken(ctx, token); err != nil {
			t.Fatal(err)
		}
		wantErr(t, e.svc.ResetPassword(ctx, token, "short"), "invalid", "password", "account.password_too_short")
		if err := e.svc.ResetPassword(ctx, token, "a brand new password"); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.Authenticate(ctx, old, account.WebSession); err == nil {
			t.Fatal("session survived a password reset")
		}
		wantErr(t, e.svc.ResetPassword(ctx, token, "yet another password"), "link_invalid", "", "account.link_invalid")
		if _, _, err := e.svc.Login(ctx, "piet@example.org", "a brand new password", "192.0.2.1", "", account.WebSession); err != nil {
			t.Fatalf("new password: %v", err)
		}
		if _, _, err := e.svc.Login(ctx, "piet@example.org", "correct horse battery", "192.0.2.1", "", account.WebSession); err == nil {
			t.Fatal("old password still works")
		}

		// An expired link does not work, and an older link dies when a newer one is sent.
		if err := e.svc.RequestPasswordReset(ctx, "piet@example.org", "192.0.2.1"); err != nil {
			t.Fatal(err)
		}
		first := tokenFrom(t, e.lastMailTo(t, "piet@example.org"), "/reset")
		if err := e.svc.RequestPasswordReset(ctx, "piet@example.org", "192.0.2.1"); err != nil {
			t.Fatal(err)
		}
		second := tokenFrom(t, e.lastMailTo(t, "piet@example.org"), "/reset")
		wantErr(t, e.svc.CheckResetToken(ctx, first), "link_invalid", "", "")
		e.advance(61 * time.Minute)
		wantErr(t, e.svc.ResetPassword(ctx, second, "password after expiry"), "link_invalid", "", "")
	})
}

func TestConcurrentResetUsesTheLinkOnce(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		e.verifiedUser(t, "sam@example.org")
		if err := e.svc.RequestPasswordReset(ctx, "sam@example.org", "192.0.2.1"); err != nil {
			t.Fatal(err)
		}
		token := tokenFrom(t, e.lastMailTo(t, "sam@example.org"), "/reset")
		var wg sync.WaitGroup
		var mu sync.Mutex
		ok := 0
		for i := 0; i < 8; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if e.svc.ResetPassword(ctx, token, "concurrent password") == nil {
					mu.Lock()
					ok++
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		if ok != 1 {
			t.Fatalf("%d resets succeeded with one link, want 1", ok)
		}
	})
}

func TestProfileShowsNoPrivateData(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		owner := e.verifiedUser(t, "owner@example.org")
		viewer := e.verifiedUser(t, "viewer@example.org")
		u, err := e.svc.UpdateProfile(ctx, owner.ID, account.ProfileInput{
			FirstName: "Fatima", Surname: "El Amrani", Postcode: "7511 AB", HouseNumber: "3", Town: "Enschede",
			Bio: "Ik kook graag.", Asks: []string{"paperwork"}, Offers: []string{"meals", "company", "meals"}, Languages: []string{"nl", "ar"},
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(u.Offers) != 2 || u.Bio != "Ik kook graag." {
			t.Fatalf("profile not saved: %+v", u)
		}
		p, err := e.svc.Profile(ctx, viewer, owner.ID, i18n.EN)
		if err != nil {
			t.Fatal(err)
		}
		if p.DisplayName != "Fatima A." || p.Town != "Enschede" || len(p.Offers) != 2 || p.Asks[0].Name != "Forms and post" {
			t.Fatalf("unexpected profile %+v", p)
		}
		dump := strings.ToLower(strings.Join([]string{p.ID, p.DisplayName, p.Town, p.Bio}, " "))
		for _, secret := range []string{"owner@example.org", "7511", "el amrani"} {
			if strings.Contains(dump, secret) {
				t.Fatalf("profile shows %q", secret)
			}
		}
		// Only members see profiles, and unknown ids look the same.
		_, err = e.svc.Profile(ctx, nil, owner.ID, i18n.NL)
		wantErr(t, err, "not_found", "", "")
		_, err = e.svc.Profile(ctx, viewer, "no-such-id", i18n.NL)
		wantErr(t, err, "not_found", "", "")
	})
}

func TestUpdateProfileBadInputWritesNothing(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		u := e.verifiedUser(t, "bad@example.org")
		good := account.ProfileInput{FirstName: "Jan", Surname: "Berg", Postcode: "7511AB", Town: "Enschede"}
		cases := []struct {
			edit       func(*account.ProfileInput)
			field, key string
		}{
			{func(p *account.ProfileInput) { p.Bio = strings.Repeat("é", 501) }, "bio", "account.bio_too_long"},
			{func(p *account.ProfileInput) { p.Offers = []string{"massage"} }, "offers", "account.category_unknown"},
			{func(p *account.ProfileInput) { p.Languages = []string{"xx"} }, "languages", "account.language_unknown"},
			{func(p *account.ProfileInput) { p.Postcode = "ABCD 12" }, "postcode", "account.postcode_invalid"},
			{func(p *account.ProfileInput) { p.FirstName = "" }, "first_name", "account.name_required"},
		}
		for _, c := range cases {
			in := good
			in.Bio = "unchanged?"
			c.edit(&in)
			_, err := e.svc.UpdateProfile(ctx, u.ID, in)
			wantErr(t, err, "invalid", c.field, c.key)
		}
		after, err := e.svc.User(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		if after.Bio != "" || after.Surname != "van den Berg" || len(after.Offers) != 0 {
			t.Fatalf("a refused update wrote something: %+v", after)
		}
		// A bio of exactly 500 characters (not bytes) fits.
		in := good
		in.Bio = strings.Repeat("é", 500)
		if _, err := e.svc.UpdateProfile(ctx, u.ID, in); err != nil {
			t.Fatal(err)
		}
	})
}

func TestChangeEmailAndPassword(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		u := e.verifiedUser(t, "old@example.org")
		e.verifiedUser(t, "taken@example.org")

		wantErr(t, e.svc.ChangeEmail(ctx, u.ID, "wrong password", "new@example.org"), "invalid", "current_password", "account.password_wrong")
		wantErr(t, e.svc.ChangeEmail(ctx, u.ID, "correct horse battery", "old@example.org"), "invalid", "new_email", "account.email_same")
		// Taken address: same answer, nothing sent.
		takenBefore := e.mailsTo("taken@example.org")
		if err := e.svc.ChangeEmail(ctx, u.ID, "correct horse battery", "taken@example.org"); err != nil {
			t.Fatal(err)
		}
		e.deliver(t)
		if e.mailsTo("taken@example.org") != takenBefore {
			t.Fatal("a mail went to an address of another account")
		}
		if err := e.svc.ChangeEmail(ctx, u.ID, "correct horse battery", "new@example.org"); err != nil {
			t.Fatal(err)
		}
		still, _ := e.svc.User(ctx, u.ID)
		if still.Email != "old@example.org" {
			t.Fatal("address changed before the new one was confirmed")
		}
		nu, err := e.svc.VerifyEmail(ctx, tokenFrom(t, e.lastMailTo(t, "new@example.org"), "/verify"))
		if err != nil || nu.Email != "new@example.org" {
			t.Fatalf("%v %+v", err, nu)
		}
		if m := e.lastMailTo(t, "old@example.org"); !strings.Contains(m.Text, "new@example.org") {
			t.Fatalf("old address was not told of the change: %s", m.Text)
		}

		tok, _, err := e.svc.Login(ctx, "new@example.org", "correct horse battery", "192.0.2.1", "", account.WebSession)
		if err != nil {
			t.Fatal(err)
		}
		wantErr(t, e.svc.ChangePassword(ctx, u.ID, "correct horse battery", "short"), "invalid", "new_password", "account.password_too_short")
		wantErr(t, e.svc.ChangePassword(ctx, u.ID, "not it at all", "a fine new password"), "invalid", "current_password", "account.password_wrong")
		if err := e.svc.ChangePassword(ctx, u.ID, "correct horse battery", "a fine new password"); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.Authenticate(ctx, tok, account.WebSession); err == nil {
			t.Fatal("session survived a password change")
		}
		if err := e.svc.SetLocale(ctx, u.ID, "en"); err != nil {
			t.Fatal(err)
		}
		wantErr(t, e.svc.SetLocale(ctx, u.ID, "xx"), "invalid", "locale", "account.locale_unknown")
		if u2, _ := e.svc.User(ctx, u.ID); u2.Locale != i18n.EN {
			t.Fatalf("locale %s", u2.Locale)
		}
	})
}

func TestCreateAdmin(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		a, err := e.svc.CreateAdmin(ctx, signupInput("admin@example.org"))
		if err != nil {
			t.Fatal(err)
		}
		if !a.IsAdmin() || !a.EmailVerified {
			t.Fatalf("%+v", a)
		}
		_, err = e.svc.CreateAdmin(ctx, signupInput("admin@example.org"))
		wantErr(t, err, "invalid", "email", "account.email_taken")
	})
}

func TestPostcodeNormalisation(t *testing.T) {
	for in, want := range map[string]string{"7511 ab": "7511AB", "7511AB": "7511AB", " 1012 JS ": "1012JS"} {
		if got, ok := account.NormalizePostcode(in); !ok || got != want {
			t.Errorf("NormalizePostcode(%q) = %q, %v", in, got, ok)
		}
	}
	for _, in := range []string{"", "0123AB", "123AB", "1234 A", "1234ABC", "1234 SA", "12345"} {
		if _, ok := account.NormalizePostcode(in); ok {
			t.Errorf("NormalizePostcode(%q) accepted", in)
		}
	}
}
