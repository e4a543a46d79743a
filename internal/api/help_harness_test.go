package api

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/noaber/noaber/internal/account"
	"github.com/noaber/noaber/internal/geo"
	"github.com/noaber/noaber/internal/help"
	"github.com/noaber/noaber/internal/jobs"
	"github.com/noaber/noaber/internal/store"
)

// newHelpEnv is newEnv with the help service wired in, as internal/app
// does it.
func newHelpEnv(t *testing.T, db *store.DB) *env {
	t.Helper()
	clk := &clock{now: time.Now().UTC()}
	q := jobs.New(db, jobs.Options{})
	svc := account.New(db, q, account.Options{
		BaseURL: "http://noaber.test", SecretKey: []byte("test"), PasswordMemoryKiB: 1024, Now: clk.Now,
	})
	hs := help.New(db, q, svc, geo.NewResolver(db, geo.ResolverOptions{}), help.Options{Now: clk.Now})
	return serve(t, db, clk, Deps{Accounts: svc, Help: hs})
}

// neighbour is a test member with a private address and position.
type neighbour struct {
	id, token   string
	email       string
	postcode    string // as typed, "4531 EK"
	houseNumber string
	pos         geo.Point
}

// neighbourAt signs up a member living at postcode and house number and
// gives them a position the way the account service will (users.lat/lng,
// the snapped cell and the municipality), directly in SQL, so these tests
// do not depend on geocoding.
func (e *env) neighbourAt(t *testing.T, email, first, postcode, house string, pos geo.Point) *neighbour {
	t.Helper()
	pw := "lange zin van " + first
	e.do(t, scenario{method: "POST", path: "/api/v1/signup", status: 202, body: fmt.Sprintf(
		`{"email":%q,"password":%q,"first_name":%q,"surname":"Test","postcode":%q,"house_number":%q,"town":"Terneuzen","accept_rules":true}`,
		email, pw, first, postcode, house)})
	res := e.do(t, scenario{method: "POST", path: "/api/v1/email-verification", status: 200,
		body: fmt.Sprintf(`{"token":%q}`, e.lastLink(t, email, "verify"))})
	var me Me
	res.decode(t, &me)
	n := &neighbour{id: me.ID, token: e.login(t, email, pw), email: email, postcode: postcode, houseNumber: house, pos: pos}
	cell := geo.Snap(pos)
	if _, err := e.db.Exec(context.Background(), `UPDATE users SET lat = ?, lng = ?, cell_lat = ?, cell_lng = ?,
		municipality_code = ?, location_source = ? WHERE id = ?`, pos.Lat, pos.Lng, cell.Lat, cell.Lng, "0715", geo.SourceAddress, n.id); err != nil {
		t.Fatal(err)
	}
	return n
}

// addPostcodes loads a small postcode table, so that a postcode outside it
// does not exist.
func addPostcodes(t *testing.T, db *store.DB) {
	t.Helper()
	for _, p := range []struct {
		pc       string
		lat, lng float64
	}{{"4531EK", 51.33582, 3.82764}, {"4532AB", 51.32811, 3.84102}, {"4531AB", 51.33741, 3.81932}} {
		if _, err := db.Exec(context.Background(), `INSERT INTO postcodes (postcode, lat, lng, town, municipality_code)
			VALUES (?, ?, ?, 'Terneuzen', '0715')`, p.pc, p.lat, p.lng); err != nil {
			t.Fatal(err)
		}
	}
}

// privacySweep collects answers one member got about others' data, and
// checks at the end that none holds another member's e-mail address,
// postcode, house number, coordinates, or a key that could carry one.
type privacySweep struct {
	bodies []sweptBody
}

type sweptBody struct {
	viewer *neighbour
	what   string
	body   []byte
}

// watch returns an after-func that keeps the answer for the sweep.
func (p *privacySweep) watch(viewer *neighbour, what string) func(t *testing.T, r *response) {
	return func(t *testing.T, r *response) {
		p.bodies = append(p.bodies, sweptBody{viewer: viewer, what: what, body: r.body})
	}
}

// check runs the sweep against the private data of everyone and of every
// request and offer in the database.
func (p *privacySweep) check(t *testing.T, e *env, everyone []*neighbour) {
	t.Helper()
	if len(p.bodies) < 10 {
		t.Fatalf("the privacy sweep saw only %d answers", len(p.bodies))
	}
	ctx := context.Background()
	type coords struct {
		owner      string
		lat, lng   float64
		clat, clng float64
	}
	var places []coords
	for _, q := range []string{
		"SELECT id, lat, lng, cell_lat, cell_lng FROM users WHERE lat IS NOT NULL",
		"SELECT seeker_id, lat, lng, cell_lat, cell_lng FROM requests",
		"SELECT user_id, lat, lng, cell_lat, cell_lng FROM offers",
	} {
		rows, err := e.db.Query(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var c coords
			if err := rows.Scan(&c.owner, &c.lat, &c.lng, &c.clat, &c.clng); err != nil {
				t.Fatal(err)
			}
			places = append(places, c)
		}
		rows.Close()
	}
	keys := []string{`"lat"`, `"lng"`, `"postcode"`, `"house_number"`, `"street"`, `"email"`, `"latitude"`, `"longitude"`}
	for _, b := range p.bodies {
		body := strings.ToLower(string(b.body))
		for _, k := range keys {
			if strings.Contains(body, k) {
				t.Errorf("privacy: %s seen by %s holds the key %s: %s", b.what, b.viewer.email, k, body)
			}
		}
		for _, o := range everyone {
			if o == b.viewer {
				continue
			}
			pc := strings.ReplaceAll(o.postcode, " ", "")
			for _, s := range []string{o.email, pc, pc[:4] + " " + pc[4:], o.houseNumber} {
				if strings.Contains(body, strings.ToLower(s)) {
					t.Errorf("privacy: %s seen by %s holds %q of %s: %s", b.what, b.viewer.email, s, o.email, body)
				}
			}
		}
		for _, c := range places {
			if c.owner == b.viewer.id {
				continue
			}
			for _, f := range []float64{c.lat, c.lng, c.clat, c.clng} {
				for _, s := range coordinateDigits(f) {
					if strings.Contains(body, s) {
						t.Errorf("privacy: %s seen by %s holds the coordinate %s: %s", b.what, b.viewer.email, s, body)
					}
				}
			}
		}
	}
}

// coordinateDigits are the ways a coordinate could show up with 3
// decimals: rounded and cut off.
func coordinateDigits(f float64) []string {
	full := strconv.FormatFloat(f, 'f', 10, 64)
	cut := full[:strings.IndexByte(full, '.')+4]
	return []string{fmt.Sprintf("%.3f", f), cut}
}
