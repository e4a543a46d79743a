package web_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/noaber/noaber/internal/account"
	"github.com/noaber/noaber/internal/i18n"
	"github.com/noaber/noaber/internal/store"
	"github.com/noaber/noaber/internal/testkit"
)

// formCase is one bad submission of a form.
type formCase struct {
	name   string
	path   string
	member bool       // the form is for a signed-in member
	form   url.Values // "EMAIL" is replaced by the member's address
	field  string     // the input id that must show the error ("" for a whole-form error)
	key    string     // catalog key of the message
	args   []any
	keep   []string // submitted values the page must show again
	status int      // 422 unless set
}

var long = strings.Repeat("a", account.MaxName+1)

func signupValues(change ...string) url.Values {
	v := url.Values{
		"email": {"new@example.org"}, "password": {password}, "first_name": {"Anna"}, "surname": {"de Jong"},
		"postcode": {"7511 AB"}, "house_number": {"97b"}, "town": {"Enschede"}, "accept_rules": {"1"},
	}
	for i := 0; i+1 < len(change); i += 2 {
		if change[i+1] == "" {
			v.Del(change[i])
		} else {
			v.Set(change[i], change[i+1])
		}
	}
	return v
}

func profileValues(change ...string) url.Values {
	v := url.Values{
		"first_name": {"Els"}, "surname": {"de Vries"}, "postcode": {"7511 AB"}, "house_number": {"3"},
		"town": {"Enschede"}, "bio": {"Hallo"}, "asks": {"groceries"}, "offers": {"garden"}, "languages": {"nl"},
	}
	for i := 0; i+1 < len(change); i += 2 {
		v.Set(change[i], change[i+1])
	}
	return v
}

var formCases = []formCase{
	{name: "signup empty", path: "/signup", form: url.Values{}, field: "email", key: "account.email_required"},
	{name: "signup bad e-mail", path: "/signup", form: signupValues("email", "anna@"), field: "email", key: "account.email_invalid", keep: []string{"anna@", "Anna", "7511 AB", "97b"}},
	{name: "signup long name", path: "/signup", form: signupValues("first_name", long), field: "first_name", key: "account.name_invalid", args: []any{"max", account.MaxName}, keep: []string{long, "new@example.org"}},
	{name: "signup bad postcode", path: "/signup", form: signupValues("postcode", "12345"), field: "postcode", key: "account.postcode_invalid", keep: []string{"12345", "new@example.org", "Enschede"}},
	{name: "signup short password", path: "/signup", form: signupValues("password", "kort"), field: "password", key: "account.password_too_short", args: []any{"min", account.MinPassword}, keep: []string{"new@example.org"}},
	{name: "signup rules not accepted", path: "/signup", form: signupValues("accept_rules", ""), field: "accept_rules", key: "account.rules_required", keep: []string{"new@example.org"}},
	{name: "login empty", path: "/login", form: url.Values{}, field: "email", key: "account.email_invalid"},
	{name: "login wrong password", path: "/login", form: url.Values{"email": {"EMAIL"}, "password": {"wrong password!"}}, key: "account.login_failed", keep: []string{"EMAIL"}},
	{name: "forgot bad e-mail", path: "/forgot", form: url.Values{"email": {"not an address"}}, field: "email", key: "account.email_invalid", keep: []string{"not an address"}},
	{name: "resend bad e-mail", path: "/verify/resend", form: url.Values{"email": {"x@y"}}, field: "email", key: "account.email_invalid", keep: []string{"x@y"}},
	{name: "profile empty name", path: "/me/profile", member: true, form: profileValues("first_name", ""), field: "first_name", key: "account.name_required", keep: []string{"Enschede"}},
	{name: "profile long bio", path: "/me/profile", member: true, form: profileValues("bio", strings.Repeat("b", account.MaxBio+1)), field: "bio", key: "account.bio_too_long", args: []any{"max", account.MaxBio}, keep: []string{strings.Repeat("b", account.MaxBio+1)}},
	{name: "profile bad postcode", path: "/me/profile", member: true, form: profileValues("postcode", "0123 AB", "first_name", "Elsje"), field: "postcode", key: "account.postcode_invalid", keep: []string{"0123 AB", "Elsje"}},
	{name: "profile unknown category", path: "/me/profile", member: true, form: profileValues("asks", "rocket-science"), field: "asks", key: "account.category_unknown"},
	{name: "password wrong", path: "/me/settings/password", member: true, form: url.Values{"current_password": {"wrong password!"}, "new_password": {"a new password"}}, field: "current_password", key: "account.password_wrong"},
	{name: "password too short", path: "/me/settings/password", member: true, form: url.Values{"current_password": {password}, "new_password": {"kort"}}, field: "new_password", key: "account.password_too_short", args: []any{"min", account.MinPassword}},
	{name: "e-mail malformed", path: "/me/settings/email", member: true, form: url.Values{"current_password": {password}, "new_email": {"nieuw@"}}, field: "new_email", key: "account.email_invalid", keep: []string{"nieuw@"}},
	{name: "e-mail wrong password", path: "/me/settings/email", member: true, form: url.Values{"current_password": {"wrong password!"}, "new_email": {"nieuw@example.org"}}, field: "email_password", key: "account.password_wrong", keep: []string{"nieuw@example.org"}},
}

// snapshot is everything a bad submission must leave as it was.
type snapshot struct {
	users, jobs, sessions int
	user                  *account.User
}

func takeSnapshot(t *testing.T, e *env, userID string) snapshot {
	t.Helper()
	ctx := context.Background()
	var s snapshot
	for _, c := range []struct {
		table string
		n     *int
	}{{"users", &s.users}, {"jobs", &s.jobs}} {
		if err := e.db.QueryRow(ctx, "SELECT COUNT(*) FROM "+c.table).Scan(c.n); err != nil {
			t.Fatal(err)
		}
	}
	if userID != "" {
		u, err := e.acc.User(ctx, userID)
		if err != nil {
			t.Fatal(err)
		}
		s.user = u
	}
	return s
}

func TestBadFormInputIsExplainedInTheVisitorsLanguage(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		n := 0
		for _, c := range formCases {
			// Dutch by default; English chosen by the browser's
			// Accept-Language, by the language cookie, or (for a member)
			// by their stored choice.
			for _, how := range []string{"default", "accept-language", "cookie"} {
				t.Run(c.name+"/"+how, func(t *testing.T) {
					n++
					email := fmt.Sprintf("m%d@example.org", n)
					id := e.member(t, account.SeedUser{Email: email})
					b := e.browser(t)
					lang := i18n.NL
					if c.member {
						b.login(email)
					}
					switch {
					case how == "accept-language" && !c.member:
						lang = i18n.EN
						b.header.Set("Accept-Language", "en-GB,en;q=0.9")
					case how == "accept-language":
						// A member's stored language (Dutch) wins over the browser's.
						b.header.Set("Accept-Language", "en-GB,en;q=0.9")
					case how == "cookie":
						// For a member this also stores the choice.
						lang = i18n.EN
						b.post("/language", url.Values{"lang": {"en"}, "return": {"/"}}).expect(t, http.StatusSeeOther, "/")
						b.header.Set("Accept-Language", "nl")
					}
					form := url.Values{}
					for k, vs := range c.form {
						for _, v := range vs {
							form.Add(k, strings.ReplaceAll(v, "EMAIL", email))
						}
					}
					before := takeSnapshot(t, e, id)
					p := b.post(c.path, form)
					want := c.status
					if want == 0 {
						want = http.StatusUnprocessableEntity
					}
					p.expect(t, want).has(t, `<html lang="`+string(lang)+`">`, `id="error-summary"`, tr(lang, c.key, c.args...))
					if c.field != "" {
						p.has(t, `id="`+c.field+`-error"`, `href="#`+c.field+`"`)
					}
					for _, k := range c.keep {
						k = strings.ReplaceAll(k, "EMAIL", email)
						if !strings.Contains(p.body, `value="`+html.EscapeString(k)+`"`) && !strings.Contains(p.body, ">"+html.EscapeString(k)+"</textarea>") {
							t.Fatalf("the page lost the value %q:\n%s", k, p.body)
						}
					}
					if pw := form.Get("password"); pw != "" && pw != password {
						p.hasNot(t, pw)
					}
					after := takeSnapshot(t, e, id)
					if after.users != before.users || after.jobs != before.jobs || !reflect.DeepEqual(after.user, before.user) {
						t.Fatalf("a bad submission changed something:\nbefore %+v %+v\nafter  %+v %+v", before, before.user, after, after.user)
					}
				})
			}
		}
	})
}
