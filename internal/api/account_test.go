package api

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/noaber/noaber/internal/store"
	"github.com/noaber/noaber/internal/testkit"
)

const signupBody = `{"email":"%s","password":"een lang wachtwoord","first_name":"Jan","surname":"van den Berg",` +
	`"postcode":"%s","house_number":"12a","town":"Arnhem","accept_rules":true}`

func TestSignupAndVerification(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		var fresh, dup []byte
		e.run(t, []scenario{
			{name: "new address", method: "POST", path: "/api/v1/signup", body: fmt.Sprintf(signupBody, "jan@example.nl", "6811 AB"),
				status: 202, contains: []string{nl("api.signup_accepted")}, excludes: []string{"jan@example.nl", "id"},
				after: func(t *testing.T, r *response) { fresh = r.body }},
		})
		users := e.count(t, "SELECT COUNT(*) FROM users")
		if users != 1 {
			t.Fatalf("%d users after sign-up, want 1", users)
		}
		e.run(t, []scenario{
			{name: "address that has an account answers the same", method: "POST", path: "/api/v1/signup",
				body: fmt.Sprintf(signupBody, "JAN@example.nl", "1011 AB"), status: 202,
				after: func(t *testing.T, r *response) { dup = r.body }},
			{name: "malformed postcode", method: "POST", path: "/api/v1/signup", body: fmt.Sprintf(signupBody, "a@example.nl", "0123 AB"),
				status: 422, contains: []string{`"code":"invalid"`, `"field":"postcode"`, nl("account.postcode_invalid"), nl("error.invalid")}},
			{name: "malformed postcode in English", method: "POST", path: "/api/v1/signup", headers: english,
				body: fmt.Sprintf(signupBody, "a@example.nl", "1234 SS"), status: 422,
				contains: []string{`"field":"postcode"`, en("account.postcode_invalid")}},
			{name: "bad e-mail", method: "POST", path: "/api/v1/signup", body: fmt.Sprintf(signupBody, "Jan <jan@example.nl>", "1234 AB"),
				status: 422, contains: []string{`"field":"email"`, nl("account.email_invalid")}},
			{name: "empty object", method: "POST", path: "/api/v1/signup", body: `{}`, status: 422,
				contains: []string{`"field":"email"`, `"field":"password"`, `"field":"first_name"`, `"field":"postcode"`,
					`"field":"town"`, `"field":"accept_rules"`, nl("account.rules_required")}},
			{name: "name too long", method: "POST", path: "/api/v1/signup", status: 422,
				body:     strings.Replace(fmt.Sprintf(signupBody, "b@example.nl", "1234 AB"), `"Jan"`, `"`+strings.Repeat("a", 61)+`"`, 1),
				contains: []string{`"field":"first_name"`, nl("account.name_invalid", "max", 60)}},
			{name: "password too short", method: "POST", path: "/api/v1/signup", headers: english, status: 422,
				body:     strings.Replace(fmt.Sprintf(signupBody, "b@example.nl", "1234 AB"), "een lang wachtwoord", "kort", 1),
				contains: []string{`"field":"password"`, en("account.password_too_short", "min", 10)}},
			{name: "house rules not accepted", method: "POST", path: "/api/v1/signup", status: 422,
				body:     strings.Replace(fmt.Sprintf(signupBody, "b@example.nl", "1234 AB"), `"accept_rules":true`, `"accept_rules":false`, 1),
				contains: []string{`"field":"accept_rules"`}},
			{name: "house number", method: "POST", path: "/api/v1/signup", status: 422,
				body:     strings.Replace(fmt.Sprintf(signupBody, "b@example.nl", "1234 AB"), `"12a"`, `"twaalf"`, 1),
				contains: []string{`"field":"house_number"`, nl("account.house_number_invalid")}},
		})
		if string(fresh) != string(dup) {
			t.Errorf("sign-up tells an existing address apart:\nnew:      %s\nexisting: %s", fresh, dup)
		}
		if n := e.count(t, "SELECT COUNT(*) FROM users"); n != users {
			t.Errorf("rejected sign-ups wrote users: %d, want %d", n, users)
		}
		var pc string
		if err := db.QueryRow(context.Background(), "SELECT postcode FROM users WHERE email = ?", "jan@example.nl").Scan(&pc); err != nil || pc != "6811AB" {
			t.Errorf("the second sign-up changed the account: postcode %q, %v", pc, err)
		}

		link := e.lastLink(t, "jan@example.nl", "verify")
		e.run(t, []scenario{
			{name: "login before verification", method: "POST", path: "/api/v1/tokens",
				body: `{"email":"jan@example.nl","password":"een lang wachtwoord"}`, status: 403,
				contains: []string{`"code":"email_not_verified"`, nl("account.email_not_verified")}},
			{name: "unknown token", method: "POST", path: "/api/v1/email-verification", body: `{"token":"nope"}`, status: 410,
				contains: []string{`"code":"link_invalid"`, nl("account.link_invalid")}},
			{name: "empty token", method: "POST", path: "/api/v1/email-verification", body: `{"token":""}`, status: 422,
				contains: []string{`"field":"token"`, nl("api.field_required")}},
			{name: "verify", method: "POST", path: "/api/v1/email-verification", body: fmt.Sprintf(`{"token":%q}`, link), status: 200,
				contains: []string{`"email":"jan@example.nl"`, `"email_verified":true`, `"display_name":"Jan B."`, `"postcode":"6811AB"`}},
			{name: "reused token", method: "POST", path: "/api/v1/email-verification", body: fmt.Sprintf(`{"token":%q}`, link), headers: english,
				status: 410, contains: []string{en("account.link_invalid")}},
			{name: "resend for unknown address", method: "POST", path: "/api/v1/email-verification/resend", body: `{"email":"nobody@example.nl"}`,
				status: 202, contains: []string{nl("api.verification_resent")}},
			{name: "resend for verified address", method: "POST", path: "/api/v1/email-verification/resend", body: `{"email":"jan@example.nl"}`,
				status: 202, contains: []string{nl("api.verification_resent")}},
			{name: "resend with bad address", method: "POST", path: "/api/v1/email-verification/resend", body: `{"email":"jan@"}`,
				status: 422, contains: []string{`"field":"email"`}},
			{name: "resend without address", method: "POST", path: "/api/v1/email-verification/resend", body: `{}`,
				status: 422, contains: []string{nl("account.email_required")}},
		})
	})
}

// TestVerificationLinkExpires checks that an old link no longer works.
func TestVerificationLinkExpires(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		e.do(t, scenario{method: "POST", path: "/api/v1/signup", body: fmt.Sprintf(signupBody, "oud@example.nl", "1234 AB"), status: 202})
		link := e.lastLink(t, "oud@example.nl", "verify")
		e.clock.Advance(49 * time.Hour)
		e.do(t, scenario{method: "POST", path: "/api/v1/email-verification", body: fmt.Sprintf(`{"token":%q}`, link),
			status: 410, contains: []string{nl("account.link_invalid")}})
		if n := e.count(t, "SELECT COUNT(*) FROM users WHERE email_verified_at IS NOT NULL"); n != 0 {
			t.Errorf("an expired link verified %d accounts", n)
		}
	})
}

func TestTokens(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		_, token := e.member(t, "els@example.nl", "lange zin van els", "Els", "Bakker")
		other := e.login(t, "els@example.nl", "lange zin van els")
		_, pietToken := e.member(t, "piet@example.nl", "lange zin van piet", "Piet", "de Vries")

		var wrongPw, unknown []byte
		e.run(t, []scenario{
			{name: "login", method: "POST", path: "/api/v1/tokens", body: `{"email":"Els@Example.nl","password":"lange zin van els"}`,
				status: 201, contains: []string{`"token":"`, `"expires_at":"`, `"email":"els@example.nl"`}},
			{name: "wrong password", method: "POST", path: "/api/v1/tokens", body: `{"email":"els@example.nl","password":"fout fout fout"}`,
				status: 401, contains: []string{`"code":"login_failed"`, nl("account.login_failed")}, excludes: []string{`"token"`},
				after: func(t *testing.T, r *response) { wrongPw = r.body }},
			{name: "unknown address answers the same", method: "POST", path: "/api/v1/tokens",
				body: `{"email":"niemand@example.nl","password":"fout fout fout"}`, status: 401,
				after: func(t *testing.T, r *response) { unknown = r.body }},
			{name: "empty", method: "POST", path: "/api/v1/tokens", body: `{}`, status: 422, headers: english,
				contains: []string{`"field":"email"`, `"field":"password"`, en("account.email_invalid")}},

			{name: "me without token", method: "GET", path: "/api/v1/me", status: 401,
				header: map[string]string{"WWW-Authenticate": "Bearer"}, contains: []string{nl("api.token_missing")}},
			{name: "me with basic auth", method: "GET", path: "/api/v1/me", headers: map[string]string{"Authorization": "Basic ZWxzOnB3"},
				status: 401, header: map[string]string{"WWW-Authenticate": "Bearer"}},
			{name: "me with a bad token", method: "GET", path: "/api/v1/me", token: "not-a-token", status: 401, headers: english,
				header: map[string]string{"WWW-Authenticate": "Bearer"}, contains: []string{en("api.token_invalid")}},
			{name: "cookie is not a token", method: "GET", path: "/api/v1/me", headers: map[string]string{"Cookie": "session=" + token},
				status: 401},

			{name: "log out", method: "DELETE", path: "/api/v1/tokens/current", token: token, status: 204},
			{name: "logged-out token is dead", method: "GET", path: "/api/v1/me", token: token, status: 401},
			{name: "other token still works", method: "GET", path: "/api/v1/me", token: other, status: 200},
			{name: "log out everywhere", method: "POST", path: "/api/v1/tokens/revoke-all", token: other, status: 204},
			{name: "every token is dead", method: "GET", path: "/api/v1/me", token: other, status: 401},
			{name: "another user's token still works", method: "GET", path: "/api/v1/me", token: pietToken, status: 200},
			{name: "log out needs a token", method: "DELETE", path: "/api/v1/tokens/current", status: 401},
			{name: "revoke-all needs a token", method: "POST", path: "/api/v1/tokens/revoke-all", status: 401},
		})
		if string(wrongPw) != string(unknown) {
			t.Errorf("login tells an unknown address apart:\nwrong password: %s\nunknown:        %s", wrongPw, unknown)
		}
		if n := e.count(t, "SELECT COUNT(*) FROM sessions WHERE user_id = (SELECT id FROM users WHERE email = ?)", "els@example.nl"); n != 0 {
			t.Errorf("%d sessions left after logging out everywhere", n)
		}

		// Five failed logins for one account, each from another address:
		// the sixth attempt is refused even with the right password.
		for i := range 5 {
			e.do(t, scenario{name: fmt.Sprint("fail ", i), method: "POST", path: "/api/v1/tokens",
				body: `{"email":"piet@example.nl","password":"geraden wachtwoord"}`, status: 401})
		}
		res := e.do(t, scenario{method: "POST", path: "/api/v1/tokens", body: `{"email":"piet@example.nl","password":"lange zin van piet"}`,
			status: 429, contains: []string{`"code":"rate_limited"`}, excludes: []string{`"token"`}})
		if ra := res.header.Get("Retry-After"); ra == "" || ra == "0" {
			t.Errorf("429 without a Retry-After: %q", ra)
		}
	})
}

func TestMe(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		id, token := e.member(t, "els@example.nl", "lange zin van els", "Els", "Bakker")
		stored := func(t *testing.T) string {
			t.Helper()
			var bio, pc, locale string
			if err := db.QueryRow(context.Background(), "SELECT bio, postcode, locale FROM users WHERE id = ?", id).Scan(&bio, &pc, &locale); err != nil {
				t.Fatal(err)
			}
			return bio + "|" + pc + "|" + locale
		}
		e.run(t, []scenario{
			{name: "get", method: "GET", path: "/api/v1/me", token: token, status: 200,
				contains: []string{`"id":"` + id + `"`, `"email":"els@example.nl"`, `"postcode":"4531AB"`, `"house_number":"7"`,
					`"display_name":"Els B."`, `"locale":"nl"`, `"asks":[]`},
				header: map[string]string{"Cache-Control": "no-store"}},
			{name: "change bio only", method: "PATCH", path: "/api/v1/me", token: token, body: `{"bio":"Ik help graag met de tuin."}`,
				status: 200, contains: []string{`"bio":"Ik help graag met de tuin."`, `"first_name":"Els"`, `"postcode":"4531AB"`, `"house_number":"7"`}},
			{name: "help and languages", method: "PATCH", path: "/api/v1/me", token: token,
				body:   `{"asks":["groceries"],"offers":["garden","company"],"languages":["nl","ar"],"show_full_surname":true}`,
				status: 200, contains: []string{`"asks":["groceries"]`, `"garden"`, `"company"`, `"ar"`, `"display_name":"Els Bakker"`}},
			{name: "locale", method: "PATCH", path: "/api/v1/me", token: token, body: `{"locale":"en"}`, status: 200,
				contains: []string{`"locale":"en"`, `"bio":"Ik help graag met de tuin."`}},
		})
		before := stored(t)
		e.run(t, []scenario{
			{name: "malformed postcode", method: "PATCH", path: "/api/v1/me", token: token, body: `{"bio":"nieuw","postcode":"12345"}`,
				headers: map[string]string{"Accept-Language": "nl"}, status: 422,
				contains: []string{`"field":"postcode"`, nl("account.postcode_invalid")}},
			{name: "user's own language without Accept-Language", method: "PATCH", path: "/api/v1/me", token: token,
				body: `{"postcode":"AB 1234"}`, status: 422, contains: []string{en("account.postcode_invalid")}},
			{name: "unknown locale writes nothing", method: "PATCH", path: "/api/v1/me", token: token, body: `{"bio":"nieuw","locale":"fr"}`,
				headers: map[string]string{"Accept-Language": "nl"}, status: 422, contains: []string{`"field":"locale"`, nl("account.locale_unknown")}},
			{name: "unknown category", method: "PATCH", path: "/api/v1/me", token: token, body: `{"bio":"nieuw","offers":["garden","skydiving"]}`,
				status: 422, contains: []string{`"field":"offers"`}},
			{name: "bio too long", method: "PATCH", path: "/api/v1/me", token: token, body: `{"bio":"` + strings.Repeat("é", 501) + `"}`,
				status: 422, contains: []string{`"field":"bio"`}},
			{name: "empty town", method: "PATCH", path: "/api/v1/me", token: token, body: `{"bio":"nieuw","town":"  "}`,
				status: 422, contains: []string{`"field":"town"`}},
			{name: "e-mail is not a profile field", method: "PATCH", path: "/api/v1/me", token: token, body: `{"email":"x@example.nl"}`,
				status: 400, contains: []string{`"code":"unknown_field"`}},
			{name: "needs a token", method: "PATCH", path: "/api/v1/me", body: `{"bio":"nieuw"}`, status: 401},
		})
		if after := stored(t); after != before {
			t.Errorf("rejected changes were written: %q became %q", before, after)
		}

		// Changing the e-mail address: a link to the new address.
		e.run(t, []scenario{
			{name: "new e-mail with wrong password", method: "PUT", path: "/api/v1/me/email", token: token,
				body: `{"password":"fout fout fout","new_email":"els@nieuw.nl"}`, headers: english, status: 422,
				contains: []string{`"field":"password"`, en("account.password_wrong")}},
			{name: "bad new e-mail", method: "PUT", path: "/api/v1/me/email", token: token,
				body: `{"password":"lange zin van els","new_email":"els@"}`, status: 422, contains: []string{`"field":"new_email"`}},
			{name: "same e-mail", method: "PUT", path: "/api/v1/me/email", token: token,
				body: `{"password":"lange zin van els","new_email":"els@example.nl"}`, status: 422, contains: []string{`"field":"new_email"`}},
			{name: "new e-mail", method: "PUT", path: "/api/v1/me/email", token: token,
				body: `{"password":"lange zin van els","new_email":"els@nieuw.nl"}`, status: 202, contains: []string{en("api.email_change_sent")}},
			{name: "address unchanged until the link is used", method: "GET", path: "/api/v1/me", token: token, status: 200,
				contains: []string{`"email":"els@example.nl"`}},
		})
		e.run(t, []scenario{
			{name: "use the link", method: "POST", path: "/api/v1/email-verification",
				body: fmt.Sprintf(`{"token":%q}`, e.lastLink(t, "els@nieuw.nl", "verify")), status: 200,
				contains: []string{`"email":"els@nieuw.nl"`, `"email_verified":true`}},
		})

		// Changing the password ends every session, this one too.
		e.run(t, []scenario{
			{name: "wrong current password", method: "PUT", path: "/api/v1/me/password", token: token,
				body: `{"current_password":"fout fout fout","new_password":"een nieuw wachtwoord"}`, status: 422,
				headers: map[string]string{"Accept-Language": "nl"}, contains: []string{`"field":"current_password"`, nl("account.password_wrong")}},
			{name: "new password too short", method: "PUT", path: "/api/v1/me/password", token: token,
				body: `{"current_password":"lange zin van els","new_password":"kort"}`, status: 422, contains: []string{`"field":"new_password"`}},
			{name: "change password", method: "PUT", path: "/api/v1/me/password", token: token,
				body: `{"current_password":"lange zin van els","new_password":"een nieuw wachtwoord"}`, status: 204},
			{name: "old token is dead", method: "GET", path: "/api/v1/me", token: token, status: 401},
			{name: "old password fails", method: "POST", path: "/api/v1/tokens", body: `{"email":"els@nieuw.nl","password":"lange zin van els"}`, status: 401},
		})
		e.login(t, "els@nieuw.nl", "een nieuw wachtwoord")
	})
}

// TestPublicProfile checks that another member sees a user's profile and
// never their e-mail address, postcode or house number.
func TestPublicProfile(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		_, elsToken := e.member(t, "els@example.nl", "lange zin van els", "Els", "Bakker")
		pietID, pietToken := e.member(t, "piet@example.nl", "lange zin van piet", "Piet", "van der Velde")
		e.do(t, scenario{method: "PATCH", path: "/api/v1/me", token: pietToken, status: 200,
			body: `{"postcode":"6812 CD","house_number":"33-2","town":"Arnhem","bio":"Ik kook graag.","offers":["meals"],"asks":["computer"],"languages":["nl","tr"]}`})
		private := []string{"piet@example.nl", "6812CD", "6812 CD", "33-2", `"email"`, `"postcode"`, `"house_number"`,
			`"street"`, `"lat"`, `"lon"`, `"latitude"`, `"longitude"`}
		e.run(t, []scenario{
			{name: "profile", method: "GET", path: "/api/v1/users/" + pietID, token: elsToken, status: 200,
				contains: []string{`"id":"` + pietID + `"`, `"display_name":"Piet V."`, `"town":"Arnhem"`, `"bio":"Ik kook graag."`,
					`{"id":"meals","name":"Koken en maaltijden","icon":"pan"}`, `"email_verified":true`, `"member_since":"`},
				excludes: private},
			{name: "profile in English", method: "GET", path: "/api/v1/users/" + pietID, token: elsToken, headers: english, status: 200,
				contains: []string{`"name":"Cooking and meals"`}, excludes: private},
			{name: "unknown user", method: "GET", path: "/api/v1/users/0190a0b0-0000-7000-8000-000000000000", token: elsToken, status: 404,
				contains: []string{`"code":"not_found"`}},
			{name: "odd id", method: "GET", path: "/api/v1/users/%27%20OR%201=1", token: elsToken, status: 404},
			{name: "members only", method: "GET", path: "/api/v1/users/" + pietID, status: 401, excludes: private},
		})
	})
}

func TestPasswordReset(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		_, token := e.member(t, "els@example.nl", "lange zin van els", "Els", "Bakker")
		var known, unknown []byte
		e.run(t, []scenario{
			{name: "request for an account", method: "POST", path: "/api/v1/password-reset", body: `{"email":"els@example.nl"}`,
				status: 202, contains: []string{nl("api.password_reset_requested")}, after: func(t *testing.T, r *response) { known = r.body }},
			{name: "request for nobody answers the same", method: "POST", path: "/api/v1/password-reset", body: `{"email":"nobody@example.nl"}`,
				status: 202, after: func(t *testing.T, r *response) { unknown = r.body }},
			{name: "bad address", method: "POST", path: "/api/v1/password-reset", body: `{"email":"els"}`, status: 422,
				contains: []string{`"field":"email"`}},
		})
		if string(known) != string(unknown) {
			t.Errorf("password reset tells an unknown address apart:\n%s\n%s", known, unknown)
		}
		link := e.lastLink(t, "els@example.nl", "reset")
		e.run(t, []scenario{
			{name: "unknown token", method: "POST", path: "/api/v1/password-reset/confirm",
				body: `{"token":"nope","new_password":"een nieuw wachtwoord"}`, status: 410, contains: []string{nl("account.link_invalid")}},
			{name: "missing token", method: "POST", path: "/api/v1/password-reset/confirm",
				body: `{"new_password":"een nieuw wachtwoord"}`, status: 422, contains: []string{`"field":"token"`}},
			{name: "short password", method: "POST", path: "/api/v1/password-reset/confirm", headers: english,
				body: fmt.Sprintf(`{"token":%q,"new_password":"kort"}`, link), status: 422,
				contains: []string{`"field":"new_password"`, en("account.password_too_short", "min", 10)}},
			{name: "old password still works after rejected tries", method: "POST", path: "/api/v1/tokens",
				body: `{"email":"els@example.nl","password":"lange zin van els"}`, status: 201},
			{name: "reset", method: "POST", path: "/api/v1/password-reset/confirm",
				body: fmt.Sprintf(`{"token":%q,"new_password":"een nieuw wachtwoord"}`, link), status: 204},
			{name: "reused token", method: "POST", path: "/api/v1/password-reset/confirm",
				body: fmt.Sprintf(`{"token":%q,"new_password":"nog een ander wachtwoord"}`, link), status: 410,
				contains: []string{`"code":"link_invalid"`}},
			{name: "sessions ended", method: "GET", path: "/api/v1/me", token: token, status: 401},
			{name: "old password fails", method: "POST", path: "/api/v1/tokens",
				body: `{"email":"els@example.nl","password":"lange zin van els"}`, status: 401},
			{name: "new password works", method: "POST", path: "/api/v1/tokens",
				body: `{"email":"els@example.nl","password":"een nieuw wachtwoord"}`, status: 201},
		})

		// An expired link: asked for, then used after more than an hour.
		e.do(t, scenario{method: "POST", path: "/api/v1/password-reset", body: `{"email":"els@example.nl"}`, status: 202})
		old := e.lastLink(t, "els@example.nl", "reset")
		e.clock.Advance(61 * time.Minute)
		e.do(t, scenario{method: "POST", path: "/api/v1/password-reset/confirm",
			body: fmt.Sprintf(`{"token":%q,"new_password":"te laat gekozen wachtwoord"}`, old), status: 410})
		e.do(t, scenario{method: "POST", path: "/api/v1/tokens",
			body: `{"email":"els@example.nl","password":"een nieuw wachtwoord"}`, status: 201})
	})
}
