package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"testing"

	"github.com/noaber/noaber/internal/account"
	"github.com/noaber/noaber/internal/geo"
	"github.com/noaber/noaber/internal/help"
	"github.com/noaber/noaber/internal/i18n"
	"github.com/noaber/noaber/internal/jobs"
	"github.com/noaber/noaber/internal/store"
	"github.com/noaber/noaber/internal/testkit"
	"github.com/noaber/noaber/internal/web"
)

// helpEnv is env with the help service wired into the pages.
type helpEnv struct {
	*env
	help *help.Service
}

func newHelpEnv(t *testing.T, db *store.DB) *helpEnv {
	t.Helper()
	e := &env{db: db, sink: testkit.NewSMTPSink(t)}
	e.q = jobs.New(db, jobs.Options{})
	resolver := geo.NewResolver(db, geo.ResolverOptions{})
	e.acc = account.New(db, e.q, account.Options{BaseURL: baseURL, SecretKey: []byte("test"), PasswordMemoryKiB: 1024, Resolver: resolver})
	hs := help.New(db, e.q, e.acc, resolver, help.Options{})
	h, err := web.New(web.Deps{Accounts: e.acc, Help: hs, BaseURL: baseURL})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	h.Register(mux)
	e.srv = httptest.NewServer(mux)
	t.Cleanup(e.srv.Close)
	return &helpEnv{env: e, help: hs}
}

// Enschede, the town the test members live in.
var enschede = geo.Point{Lat: 52.2215, Lng: 6.8937}

// resident makes a verified member living at p (north of Enschede by km)
// and returns the id; the position is set directly, as the sign-up would.
func (e *helpEnv) resident(t *testing.T, email, first string, northKm float64) string {
	t.Helper()
	p := geo.Point{Lat: enschede.Lat + northKm/111.0, Lng: enschede.Lng}
	id := e.member(t, account.SeedUser{Email: email, FirstName: first, Surname: "de Vries", Postcode: "7511AB", HouseNumber: "97b", Town: "Enschede"})
	cell := geo.Snap(p)
	if _, err := e.db.Exec(context.Background(), `UPDATE users SET lat = ?, lng = ?, cell_lat = ?, cell_lng = ?, municipality_code = ?, location_source = ? WHERE id = ?`,
		p.Lat, p.Lng, cell.Lat, cell.Lng, "0153", geo.SourceTown, id); err != nil {
		t.Fatal(err)
	}
	return id
}

func (e *helpEnv) user(t *testing.T, id string) *account.User {
	t.Helper()
	u, err := e.acc.User(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// askValues is a good request for groceries, answering every question of
// the template; change replaces fields ("" deletes).
func (e *helpEnv) askValues(t *testing.T, change ...string) url.Values {
	t.Helper()
	tpl, err := e.help.Template(context.Background(), i18n.NL, "groceries")
	if err != nil {
		t.Fatal(err)
	}
	v := url.Values{"category": {"groceries"}, "when": {"window"}, "date": {tomorrow()}, "from": {"14:00"}, "to": {"16:00"}, "place": {"home"}}
	for i, q := range tpl.Questions {
		v.Set("answer-"+q.ID, fmt.Sprintf("Boodschappen halen bij de supermarkt, deel %d", i+1))
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

func tomorrow() string { return nowAmsterdam().AddDate(0, 0, 1).Format("2006-01-02") }

// postRequest runs the guided flow's last step and returns the new
// request's id.
func (b *browser) postRequest(v url.Values) string {
	b.t.Helper()
	v = cloneForm(v)
	v.Set("step", "4")
	v.Set("go", "post")
	p := b.post("/ask", v).expect(b.t, http.StatusSeeOther)
	m := regexp.MustCompile(`^/requests/([^/?]+)\?posted=1$`).FindStringSubmatch(p.header.Get("Location"))
	if m == nil {
		b.t.Fatalf("posted to %q", p.header.Get("Location"))
	}
	return m[1]
}

func cloneForm(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

func count(t *testing.T, db *store.DB, table string) int {
	t.Helper()
	var n int
	if err := db.QueryRow(context.Background(), "SELECT COUNT(*) FROM "+table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func ftoa(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }
