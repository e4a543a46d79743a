package api

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/noaber/noaber/internal/geo"
	"github.com/noaber/noaber/internal/store"
	"github.com/noaber/noaber/internal/testkit"
)

// jsonBody encodes v for a scenario's body.
func jsonBody(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// helpWorld is a small town: Els asks for help in Terneuzen, three
// helpers live within a few km, Karel 30 km away, and Mo is a bystander.
type helpWorld struct {
	e                            *env
	els, piet, anna, bram, karel *neighbour
	mo                           *neighbour
	sweep                        privacySweep
	answers                      map[string]string
}

func (w *helpWorld) everyone() []*neighbour {
	return []*neighbour{w.els, w.piet, w.anna, w.bram, w.karel, w.mo}
}

func newHelpWorld(t *testing.T, db *store.DB) *helpWorld {
	e := newHelpEnv(t, db)
	addPostcodes(t, db)
	// House numbers with letters that are not hexadecimal, so that an id
	// never matches one by chance in the privacy sweep.
	w := &helpWorld{e: e,
		els:   e.neighbourAt(t, "els@example.nl", "Els", "4531 EK", "117-hs", geo.Point{Lat: 51.33582, Lng: 3.82764}),
		piet:  e.neighbourAt(t, "piet@example.nl", "Piet", "4532 AB", "58-zw", geo.Point{Lat: 51.32811, Lng: 3.84102}),
		anna:  e.neighbourAt(t, "anna@example.nl", "Anna", "4533 RT", "203-rd", geo.Point{Lat: 51.33421, Lng: 3.83013}),
		bram:  e.neighbourAt(t, "bram@example.nl", "Bram", "4535 XY", "74-th", geo.Point{Lat: 51.34021, Lng: 3.81877}),
		karel: e.neighbourAt(t, "karel@example.nl", "Karel", "4461 ZW", "166-qq", geo.Point{Lat: 51.60582, Lng: 3.82764}),
		mo:    e.neighbourAt(t, "mo@example.nl", "Mo", "4537 PQ", "9-kl", geo.Point{Lat: 51.33301, Lng: 3.82499}),
	}
	return w
}

// fillAnswers answers every question of the groceries template.
func (w *helpWorld) fillAnswers(t *testing.T) {
	t.Helper()
	var tpl Template
	w.e.do(t, scenario{method: "GET", path: "/api/v1/categories/groceries/template", token: w.els.token, status: 200}).decode(t, &tpl)
	if len(tpl.Questions) == 0 {
		t.Fatal("the template has no questions")
	}
	w.answers = map[string]string{}
	for _, q := range tpl.Questions {
		a := "Wie kan er boodschappen voor mij doen bij de supermarkt?"
		w.answers[q.ID] = a[:min(len(a), q.Max)]
	}
}

// km is the distance between two neighbours as others may see it.
func (w *helpWorld) km(a, b *neighbour) int { return geo.PublicKm(geo.Snap(a.pos), geo.Snap(b.pos)) }

func (w *helpWorld) tomorrow() string { return w.inDays(1) }

// inDays is the date n days from now in the Netherlands.
func (w *helpWorld) inDays(n int) string {
	return w.e.clock.Now().In(amsterdam).AddDate(0, 0, n).Format(time.DateOnly)
}

// request is a valid body for a request for groceries at home, tomorrow
// afternoon, changed by edit.
func (w *helpWorld) request(t *testing.T, edit func(m map[string]any)) string {
	m := map[string]any{
		"category": "groceries", "answers": w.answers,
		"when":  map[string]any{"kind": "window", "date": w.tomorrow(), "from": "14:00", "to": "16:00"},
		"place": map[string]any{"kind": "home"},
	}
	if edit != nil {
		edit(m)
	}
	return jsonBody(t, m)
}

const helperBody = `{"categories":["groceries","pets"],"radius_km":5,"availability":{"mon":["morning","evening"],"sat":["afternoon"]},` +
	`"quiet_start":"21:00","quiet_end":"08:00","weekly_max":5,"paused_until":null}`

// requestRow is what a request looks like in the database, to prove a
// refused change wrote nothing.
func requestRow(t *testing.T, e *env, id string) string {
	t.Helper()
	var title, body, answers, status string
	var showOnly bool
	if err := e.db.QueryRow(context.Background(), "SELECT title, body, answers, status, show_only FROM requests WHERE id = ?", id).
		Scan(&title, &body, &answers, &status, &showOnly); err != nil {
		t.Fatal(err)
	}
	return strings.Join([]string{title, body, answers, status}, "|") + "|" + map[bool]string{true: "show", false: "invite"}[showOnly]
}

func TestHelpRequestsAndSearch(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		w := newHelpWorld(t, db)
		e, els, piet, anna, karel := w.e, w.els, w.piet, w.anna, w.karel

		if w.km(els, anna) != 0 || w.km(els, piet) == 0 || w.km(els, karel) < 25 {
			t.Fatalf("the world is not as the test needs: %d, %d, %d km", w.km(els, anna), w.km(els, piet), w.km(els, karel))
		}

		// The template guides the asking.
		e.run(t, []scenario{
			{name: "template", method: "GET", path: "/api/v1/categories/groceries/template", token: els.token, status: 200,
				contains: []string{`"category":{"id":"groceries","name":"Boodschappen","icon":"basket"}`, `"questions":[{`, `"example":"`}},
			{name: "template in English", method: "GET", path: "/api/v1/categories/groceries/template", token: els.token, headers: english,
				status: 200, contains: []string{`"name":"Groceries"`}},
			{name: "template of an unknown category", method: "GET", path: "/api/v1/categories/skydiving/template", token: els.token,
				status: 404, contains: []string{`"code":"not_found"`}},
			{name: "template needs a token", method: "GET", path: "/api/v1/categories/groceries/template", status: 401},
		})
		w.fillAnswers(t)

		// The preview before and after three helpers signed up nearby.
		preview := `{"category":"groceries","place":{"kind":"home"}}`
		e.run(t, []scenario{
			{name: "preview without helpers", method: "POST", path: "/api/v1/requests/preview", token: els.token, body: preview,
				status: 200, contains: []string{`"few":true`, `"count":null`, `"radius_km":`}, after: w.sweep.watch(els, "preview")},
		})
		for _, h := range []*neighbour{piet, anna, w.bram, karel} {
			e.do(t, scenario{method: "PUT", path: "/api/v1/me/helper-settings", token: h.token, body: helperBody, status: 200})
		}
		e.run(t, []scenario{
			{name: "preview with three helpers near", method: "POST", path: "/api/v1/requests/preview", token: els.token, body: preview,
				status: 200, contains: []string{`"few":false`, `"count":3`}, after: w.sweep.watch(els, "preview")},
			{name: "preview for another postcode", method: "POST", path: "/api/v1/requests/preview", token: els.token,
				body: `{"category":"groceries","place":{"kind":"postcode","postcode":"4532 AB","house_number":"1"}}`, status: 200,
				after: w.sweep.watch(els, "preview elsewhere")},
			{name: "preview, unknown category", method: "POST", path: "/api/v1/requests/preview", token: els.token,
				body: `{"category":"skydiving","place":{"kind":"home"}}`, status: 422, contains: []string{`"field":"category"`}},
			{name: "preview, postcode that does not exist", method: "POST", path: "/api/v1/requests/preview", token: els.token,
				body: `{"category":"groceries","place":{"kind":"postcode","postcode":"9999 ZZ"}}`, status: 422,
				contains: []string{`"field":"place.postcode"`}},
			{name: "preview, malformed JSON", method: "POST", path: "/api/v1/requests/preview", token: els.token,
				body: `{"category":"groceries",`, status: 400, contains: []string{nl("api.malformed_json")}},
			{name: "preview from a point of the client's choosing", method: "POST", path: "/api/v1/requests/preview", token: els.token,
				body: `{"category":"groceries","place":{"kind":"home"},"lat":51.3}`, status: 400, contains: []string{`"code":"unknown_field"`}},
		})

		// Bad requests write nothing.
		yesterday := e.clock.Now().In(amsterdam).AddDate(0, 0, -1).Format(time.DateOnly)
		e.run(t, []scenario{
			{name: "unknown category", method: "POST", path: "/api/v1/requests", token: els.token, status: 422,
				body:     w.request(t, func(m map[string]any) { m["category"] = "skydiving" }),
				contains: []string{`"code":"invalid"`, `"field":"category"`, nl("help.category_unknown")}},
			{name: "time window in the past", method: "POST", path: "/api/v1/requests", token: els.token, status: 422,
				body: w.request(t, func(m map[string]any) {
					m["when"] = map[string]any{"kind": "window", "date": yesterday, "from": "14:00", "to": "16:00"}
				}), contains: []string{`"field":"when.date"`, nl("help.time_past")}},
			{name: "time window inverted", method: "POST", path: "/api/v1/requests", token: els.token, status: 422, headers: english,
				body: w.request(t, func(m map[string]any) {
					m["when"] = map[string]any{"kind": "window", "date": w.tomorrow(), "from": "16:00", "to": "14:00"}
				}), contains: []string{`"field":"when.to"`, en("help.time_inverted")}},
			{name: "weekday that does not exist", method: "POST", path: "/api/v1/requests", token: els.token, status: 422,
				body: w.request(t, func(m map[string]any) {
					m["when"] = map[string]any{"kind": "weekly", "weekday": "maandag", "from": "10:00", "to": "11:00"}
				}), contains: []string{`"field":"when.weekday"`, nl("api.weekday_invalid")}},
			{name: "postcode that does not exist", method: "POST", path: "/api/v1/requests", token: els.token, status: 422,
				body: w.request(t, func(m map[string]any) {
					m["place"] = map[string]any{"kind": "postcode", "postcode": "9999 ZZ"}
				}), contains: []string{`"field":"place.postcode"`, nl("help.postcode_unknown")}},
			{name: "answer over the limit", method: "POST", path: "/api/v1/requests", token: els.token, status: 422,
				body: w.request(t, func(m map[string]any) {
					long := map[string]string{}
					for k := range w.answers {
						long[k] = strings.Repeat("boodschap ", 60)
					}
					m["answers"] = long
				}), contains: []string{`"code":"invalid"`, `"field":"answers.`}},
			{name: "malformed JSON", method: "POST", path: "/api/v1/requests", token: els.token, status: 400,
				body: `{"category":"groceries"`, contains: []string{`"code":"malformed_body"`}},
			{name: "a position is not a field", method: "POST", path: "/api/v1/requests", token: els.token, status: 400,
				body:     w.request(t, func(m map[string]any) { m["lat"] = 51.3 }),
				contains: []string{`"code":"unknown_field"`, nl("api.unknown_field", "field", "lat")}},
			{name: "needs a token", method: "POST", path: "/api/v1/requests", status: 401, body: w.request(t, nil)},
		})
		if n := e.count(t, "SELECT COUNT(*) FROM requests"); n != 0 {
			t.Fatalf("refused requests wrote %d rows", n)
		}

		// Posting, and how the seeker and the others see it.
		var mine HelpRequest
		e.run(t, []scenario{
			{name: "post", method: "POST", path: "/api/v1/requests", token: els.token, body: w.request(t, nil), status: 201,
				header:   map[string]string{"Location": "/api/v1/requests/"},
				contains: []string{`"status":"open"`, `"mine":true`, `"place":{"kind":"home"}`, `"when":{"kind":"window","date":"` + w.tomorrow() + `","from":"14:00","to":"16:00"}`},
				after:    func(t *testing.T, r *response) { r.decode(t, &mine) }},
		})
		path := "/api/v1/requests/" + mine.ID
		e.run(t, []scenario{
			{name: "the seeker sees the place", method: "GET", path: path, token: els.token, status: 200,
				contains: []string{`"mine":true`, `"place":{"kind":"home"}`}},
			{name: "a neighbour sees town and distance", method: "GET", path: path, token: piet.token, status: 200,
				contains: []string{`"mine":false`, `"town":"Terneuzen"`, fmt.Sprintf(`"distance_km":%d`, w.km(els, piet)), `"seeker":{"id":"` + els.id + `","display_name":"Els T."}`},
				excludes: []string{`"place"`}, after: w.sweep.watch(piet, "request")},
			{name: "close by is less than 1 km", method: "GET", path: path, token: anna.token, status: 200,
				contains: []string{`"distance_km":0`}, after: w.sweep.watch(anna, "request")},
			{name: "unknown request", method: "GET", path: "/api/v1/requests/0190a0b0-0000-7000-8000-000000000000", token: piet.token, status: 404},
			{name: "post at another postcode", method: "POST", path: "/api/v1/requests", token: els.token, status: 201,
				body: w.request(t, func(m map[string]any) {
					m["place"] = map[string]any{"kind": "postcode", "postcode": "4532 AB", "house_number": "12"}
					m["when"] = map[string]any{"kind": "flexible"}
				}),
				contains: []string{`"place":{"kind":"postcode","postcode":"4532`, `"house_number":"12"`, `"when":{"kind":"flexible"}`}},
			{name: "post every week", method: "POST", path: "/api/v1/requests", token: els.token, status: 201,
				body: w.request(t, func(m map[string]any) {
					m["when"] = map[string]any{"kind": "weekly", "weekday": "sat", "from": "10:00", "to": "11:30"}
				}),
				contains: []string{`"when":{"kind":"weekly","weekday":"sat","from":"10:00","to":"11:30"}`}},
		})

		// Somebody else's request cannot be changed or cancelled.
		before := requestRow(t, e, mine.ID)
		e.run(t, []scenario{
			{name: "another user's patch", method: "PATCH", path: path, token: piet.token, body: `{"show_only":true}`, status: 404,
				after: w.sweep.watch(piet, "patch refused")},
			{name: "another user's cancel", method: "POST", path: path + "/cancel", token: piet.token, status: 404,
				after: w.sweep.watch(piet, "cancel refused")},
			{name: "patch with a past window", method: "PATCH", path: path, token: els.token, status: 422,
				body: jsonBody(t, map[string]any{"when": map[string]any{"kind": "window", "date": yesterday, "from": "14:00", "to": "16:00"}})},
			{name: "patch with an unknown field", method: "PATCH", path: path, token: els.token, status: 400,
				body: `{"status":"done"}`, contains: []string{`"code":"unknown_field"`}},
		})
		if after := requestRow(t, e, mine.ID); after != before {
			t.Errorf("refused changes were written:\n%s\n%s", before, after)
		}
		e.run(t, []scenario{
			{name: "the seeker changes one field", method: "PATCH", path: path, token: els.token, body: `{"show_only":true}`, status: 200,
				contains: []string{`"show_only":true`, `"from":"14:00"`, `"place":{"kind":"home"}`, `boodschappen`}},
			{name: "and changes it back", method: "PATCH", path: path, token: els.token, body: `{"show_only":false}`, status: 200,
				contains: []string{`"show_only":false`}},
		})

		// Search: words the Dutch way, distance, paging.
		search := func(q url.Values) string { return "/api/v1/search?" + q.Encode() }
		e.run(t, []scenario{
			{name: "word search finds boodschappen", method: "GET", token: piet.token, status: 200,
				path:     search(url.Values{"kind": {"requests"}, "q": {"boodschap"}, "radius_km": {"5"}}),
				contains: []string{`"id":"` + mine.ID + `"`, `"next":null`}, after: w.sweep.watch(piet, "search")},
			{name: "a word that is not there", method: "GET", token: piet.token, status: 200,
				path:     search(url.Values{"kind": {"requests"}, "q": {"fietsband"}}),
				contains: []string{`"items":[]`}, after: w.sweep.watch(piet, "search")},
			{name: "by category", method: "GET", token: anna.token, status: 200,
				path:     search(url.Values{"kind": {"requests"}, "category": {"groceries"}, "sort": {"newest"}}),
				contains: []string{`"id":"` + mine.ID + `"`}, after: w.sweep.watch(anna, "search")},
			{name: "another category", method: "GET", token: anna.token, status: 200,
				path:     search(url.Values{"kind": {"requests"}, "category": {"garden"}}),
				excludes: []string{mine.ID}, after: w.sweep.watch(anna, "search")},
			{name: "a helper 30 km away does not find it", method: "GET", token: karel.token, status: 200,
				path:     search(url.Values{"kind": {"requests"}, "radius_km": {"25"}, "q": {"boodschap"}}),
				excludes: []string{mine.ID}, after: w.sweep.watch(karel, "search")},
			{name: "within the dates", method: "GET", token: piet.token, status: 200,
				path:     search(url.Values{"kind": {"requests"}, "from": {w.tomorrow()}, "to": {w.tomorrow()}}),
				contains: []string{mine.ID}, after: w.sweep.watch(piet, "search")},
			{name: "outside the dates", method: "GET", token: piet.token, status: 200,
				path:     search(url.Values{"kind": {"requests"}, "from": {w.inDays(2)}, "to": {w.inDays(9)}}),
				excludes: []string{mine.ID}, after: w.sweep.watch(piet, "search")},
			{name: "dates inverted", method: "GET", token: piet.token, status: 422,
				path: search(url.Values{"kind": {"requests"}, "from": {w.inDays(3)}, "to": {w.tomorrow()}}), contains: []string{`"field":"to"`}},
			{name: "unknown kind", method: "GET", token: piet.token, status: 422,
				path: search(url.Values{"kind": {"people"}}), contains: []string{`"field":"kind"`}},
			{name: "limit out of range", method: "GET", token: piet.token, status: 422,
				path: search(url.Values{"kind": {"requests"}, "limit": {"51"}}), contains: []string{`"field":"limit"`}},
			{name: "radius out of range", method: "GET", token: piet.token, status: 422,
				path: search(url.Values{"kind": {"requests"}, "radius_km": {"26"}}), contains: []string{`"field":"radius_km"`}},
			{name: "radius not a number", method: "GET", token: piet.token, status: 422, headers: english,
				path: search(url.Values{"kind": {"requests"}, "radius_km": {"vijf"}}), contains: []string{`"field":"radius_km"`, en("api.parameter_integer")}},
			{name: "no searching from another point", method: "GET", token: piet.token, status: 400,
				path:     search(url.Values{"kind": {"requests"}, "lat": {"51.3"}, "lng": {"3.8"}}),
				contains: []string{`"code":"unknown_field"`}},
			{name: "search needs a token", method: "GET", status: 401, path: search(url.Values{"kind": {"requests"}})},
		})

		// Paging: six open requests, two per page, each seen once.
		for i := range 3 {
			e.do(t, scenario{name: "more", method: "POST", path: "/api/v1/requests", token: els.token, status: 201,
				body: w.request(t, func(m map[string]any) { m["show_only"] = i == 0 })})
		}
		var seen []string
		cursor := ""
		for page := 0; ; page++ {
			if page > 5 {
				t.Fatalf("paging does not end: %v", seen)
			}
			q := url.Values{"kind": {"requests"}, "limit": {"2"}, "sort": {"newest"}}
			if cursor != "" {
				q.Set("cursor", cursor)
			}
			var res SearchResult
			r := e.do(t, scenario{method: "GET", path: search(q), token: anna.token, status: 200})
			w.sweep.watch(anna, "page")(t, r)
			r.decode(t, &res)
			if len(res.Items) > 2 {
				t.Errorf("page %d has %d items, limit 2", page, len(res.Items))
			}
			for _, it := range res.Items {
				seen = append(seen, it.(map[string]any)["id"].(string))
			}
			if res.Next == nil {
				break
			}
			cursor = *res.Next
		}
		ids := slices.Clone(seen)
		slices.Sort(ids)
		if len(seen) != 6 || len(slices.Compact(ids)) != 6 {
			t.Errorf("paging saw %d requests (%v), want 6 different ones", len(seen), seen)
		}

		// The seeker's own list and cancelling.
		e.run(t, []scenario{
			{name: "my requests", method: "GET", path: "/api/v1/me/requests", token: els.token, status: 200,
				contains: []string{`"id":"` + mine.ID + `"`, `"mine":true`}},
			{name: "nobody else's in my list", method: "GET", path: "/api/v1/me/requests", token: piet.token, status: 200,
				contains: []string{`[]`}},
			{name: "cancel", method: "POST", path: path + "/cancel", token: els.token, status: 204},
			{name: "cancel twice", method: "POST", path: path + "/cancel", token: els.token, status: 409},
			{name: "cancelled", method: "GET", path: path, token: els.token, status: 200, contains: []string{`"status":"cancelled"`}},
			{name: "no longer found", method: "GET", token: piet.token, status: 200,
				path:     search(url.Values{"kind": {"requests"}, "q": {"boodschap"}}),
				excludes: []string{mine.ID}, after: w.sweep.watch(piet, "search")},
			{name: "no editing after cancelling", method: "PATCH", path: path, token: els.token, body: `{"show_only":true}`, status: 409},
		})

		w.sweep.check(t, e, w.everyone())
	})
}

func TestHelperSettingsAndOffers(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		w := newHelpWorld(t, db)
		e, els, piet, bram := w.e, w.els, w.piet, w.bram
		settings := func(edit func(m map[string]any)) string {
			var m map[string]any
			json.Unmarshal([]byte(helperBody), &m)
			edit(m)
			return jsonBody(t, m)
		}
		e.run(t, []scenario{
			{name: "defaults", method: "GET", path: "/api/v1/me/helper-settings", token: bram.token, status: 200,
				contains: []string{`"categories":[]`, `"quiet_start":"21:00"`, `"quiet_end":"08:00"`, `"paused_until":null`, `"sun":["morning"`}},
			{name: "save", method: "PUT", path: "/api/v1/me/helper-settings", token: bram.token, body: helperBody, status: 200,
				contains: []string{`"categories":["groceries","pets"]`, `"radius_km":5`, `"mon":["morning","evening"]`, `"sat":["afternoon"]`, `"tue":[]`}},
			{name: "saved", method: "GET", path: "/api/v1/me/helper-settings", token: bram.token, status: 200,
				contains: []string{`"weekly_max":5`, `"mon":["morning","evening"]`}},
			{name: "paused", method: "PUT", path: "/api/v1/me/helper-settings", token: bram.token, status: 200,
				body:     settings(func(m map[string]any) { m["paused_until"] = w.tomorrow() }),
				contains: []string{`"paused_until":"` + w.tomorrow() + `"`}},
		})
		before := e.count(t, "SELECT COUNT(*) FROM helper_settings WHERE radius_m = 5000")
		e.run(t, []scenario{
			{name: "radius too large", method: "PUT", path: "/api/v1/me/helper-settings", token: bram.token, status: 422,
				body: settings(func(m map[string]any) { m["radius_km"] = 26 }), contains: []string{`"field":"radius_km"`}},
			{name: "radius too small", method: "PUT", path: "/api/v1/me/helper-settings", token: bram.token, status: 422,
				body: settings(func(m map[string]any) { m["radius_km"] = 0.1 }), contains: []string{`"field":"radius_km"`}},
			{name: "unknown category", method: "PUT", path: "/api/v1/me/helper-settings", token: bram.token, status: 422,
				body: settings(func(m map[string]any) { m["categories"] = []string{"skydiving"} }), contains: []string{`"field":"categories"`}},
			{name: "unknown day", method: "PUT", path: "/api/v1/me/helper-settings", token: bram.token, status: 422,
				body:     settings(func(m map[string]any) { m["availability"] = map[string]any{"maandag": []string{"morning"}} }),
				contains: []string{`"field":"availability"`, nl("api.availability_invalid")}},
			{name: "unknown part of day", method: "PUT", path: "/api/v1/me/helper-settings", token: bram.token, status: 422, headers: english,
				body:     settings(func(m map[string]any) { m["availability"] = map[string]any{"mon": []string{"night"}} }),
				contains: []string{`"field":"availability"`, en("api.availability_invalid")}},
			{name: "quiet hours that are no time", method: "PUT", path: "/api/v1/me/helper-settings", token: bram.token, status: 422,
				body: settings(func(m map[string]any) { m["quiet_start"] = "25:00" }), contains: []string{`"field":"quiet_start"`}},
			{name: "weekly maximum out of range", method: "PUT", path: "/api/v1/me/helper-settings", token: bram.token, status: 422,
				body: settings(func(m map[string]any) { m["weekly_max"] = 0 }), contains: []string{`"field":"weekly_max"`}},
			{name: "unknown field", method: "PUT", path: "/api/v1/me/helper-settings", token: bram.token, status: 400,
				body: settings(func(m map[string]any) { m["lat"] = 51.3 }), contains: []string{`"code":"unknown_field"`}},
			{name: "malformed JSON", method: "PUT", path: "/api/v1/me/helper-settings", token: bram.token, status: 400, body: `{"radius_km":`},
		})
		if after := e.count(t, "SELECT COUNT(*) FROM helper_settings WHERE radius_m = 5000"); after != before || before != 1 {
			t.Errorf("refused settings were written: %d rows with the saved radius, then %d", before, after)
		}

		// Offers.
		var offer Offer
		offerBody := `{"category":"pets","title":"Ik laat op zaterdag graag een hond uit","body":"In de buurt van het park, een uur of zo."}`
		e.run(t, []scenario{
			{name: "post an offer", method: "POST", path: "/api/v1/offers", token: piet.token, body: offerBody, status: 201,
				header:   map[string]string{"Location": "/api/v1/offers/"},
				contains: []string{`"status":"active"`, `"mine":true`, `"category":{"id":"pets"`},
				after:    func(t *testing.T, r *response) { r.decode(t, &offer) }},
			{name: "title over the limit", method: "POST", path: "/api/v1/offers", token: piet.token, status: 422,
				body: `{"category":"pets","title":"` + strings.Repeat("hond ", 17) + `","body":""}`, contains: []string{`"field":"title"`}},
			{name: "body over the limit", method: "POST", path: "/api/v1/offers", token: piet.token, status: 422,
				body: `{"category":"pets","title":"Hond uitlaten","body":"` + strings.Repeat("wandelen ", 112) + `"}`, contains: []string{`"field":"body"`}},
			{name: "offer in an unknown category", method: "POST", path: "/api/v1/offers", token: piet.token, status: 422,
				body: `{"category":"skydiving","title":"Springen","body":""}`, contains: []string{`"field":"category"`}},
			{name: "offer with unknown field", method: "POST", path: "/api/v1/offers", token: piet.token, status: 400,
				body: `{"category":"pets","title":"Hond","body":"","postcode":"4531AB"}`, contains: []string{`"code":"unknown_field"`}},
		})
		if n := e.count(t, "SELECT COUNT(*) FROM offers"); n != 1 {
			t.Errorf("%d offers, want 1: a refused one was written", n)
		}
		path := "/api/v1/offers/" + offer.ID
		search := "/api/v1/search?kind=offers&q=hond"
		e.run(t, []scenario{
			{name: "a neighbour sees the offer", method: "GET", path: path, token: els.token, status: 200,
				contains: []string{`"mine":false`, `"town":"Terneuzen"`, fmt.Sprintf(`"distance_km":%d`, w.km(els, piet)), `"helper":{"id":"` + piet.id + `"`},
				after:    w.sweep.watch(els, "offer")},
			{name: "and finds it", method: "GET", path: search, token: els.token, status: 200,
				contains: []string{`"id":"` + offer.ID + `"`, `"body":"In de buurt`}, after: w.sweep.watch(els, "offer search")},
			{name: "my offers", method: "GET", path: "/api/v1/me/offers", token: piet.token, status: 200, contains: []string{offer.ID}},
			{name: "another user's close", method: "POST", path: path + "/close", token: els.token, status: 404,
				after: w.sweep.watch(els, "close refused")},
			{name: "still active", method: "GET", path: path, token: els.token, status: 200, contains: []string{`"status":"active"`},
				after: w.sweep.watch(els, "offer")},
		})

		// Blocking hides both ways, until lifted.
		var req HelpRequest
		w.fillAnswers(t)
		e.do(t, scenario{method: "POST", path: "/api/v1/requests", token: els.token, status: 201, body: w.request(t, nil)}).decode(t, &req)
		e.run(t, []scenario{
			{name: "block", method: "POST", path: "/api/v1/users/" + piet.id + "/block", token: els.token, status: 204},
			{name: "block twice", method: "POST", path: "/api/v1/users/" + piet.id + "/block", token: els.token, status: 204},
			{name: "block yourself", method: "POST", path: "/api/v1/users/" + els.id + "/block", token: els.token, status: 404},
			{name: "block nobody", method: "POST", path: "/api/v1/users/0190a0b0-0000-7000-8000-000000000000/block", token: els.token, status: 404},
			{name: "blocked list", method: "GET", path: "/api/v1/me/blocks", token: els.token, status: 200,
				contains: []string{`"id":"` + piet.id + `"`, `"display_name":"Piet T."`, `"since":"`}, after: w.sweep.watch(els, "blocks")},
			{name: "the blocker no longer finds the offer", method: "GET", path: search, token: els.token, status: 200,
				excludes: []string{offer.ID}, after: w.sweep.watch(els, "offer search")},
			{name: "nor opens it", method: "GET", path: path, token: els.token, status: 404},
			{name: "the blocked one no longer opens the request", method: "GET", path: "/api/v1/requests/" + req.ID, token: piet.token, status: 404},
			{name: "nor finds it", method: "GET", path: "/api/v1/search?kind=requests", token: piet.token, status: 200,
				excludes: []string{req.ID}, after: w.sweep.watch(piet, "search")},
			{name: "nor sees the profile", method: "GET", path: "/api/v1/users/" + els.id, token: piet.token, status: 404},
			{name: "others still find it", method: "GET", path: "/api/v1/search?kind=requests", token: w.anna.token, status: 200,
				contains: []string{req.ID}, after: w.sweep.watch(w.anna, "search")},
			{name: "unblock", method: "DELETE", path: "/api/v1/users/" + piet.id + "/block", token: els.token, status: 204},
			{name: "unblock again", method: "DELETE", path: "/api/v1/users/" + piet.id + "/block", token: els.token, status: 404},
			{name: "visible again", method: "GET", path: "/api/v1/search?kind=requests", token: piet.token, status: 200,
				contains: []string{req.ID}, after: w.sweep.watch(piet, "search")},
			{name: "empty blocked list", method: "GET", path: "/api/v1/me/blocks", token: els.token, status: 200, contains: []string{`[]`}},
			{name: "blocking needs a token", method: "POST", path: "/api/v1/users/" + piet.id + "/block", status: 401},
		})

		// Closing the offer.
		e.run(t, []scenario{
			{name: "close", method: "POST", path: path + "/close", token: piet.token, status: 204},
			{name: "close twice", method: "POST", path: path + "/close", token: piet.token, status: 409},
			{name: "closed", method: "GET", path: path, token: piet.token, status: 200, contains: []string{`"status":"closed"`}},
			{name: "closed offers are not found", method: "GET", path: search, token: els.token, status: 200,
				excludes: []string{offer.ID}, after: w.sweep.watch(els, "offer search")},
		})
		w.sweep.check(t, e, w.everyone())
	})
}

func TestDevicePosition(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		w := newHelpWorld(t, db)
		e, mo := w.e, w.mo
		// Without a position (the address could not be placed) there is
		// nothing to search from or count around.
		_, nomad := e.member(t, "nomad@example.nl", "lange zin van nomad", "Noor", "Mad")
		e.run(t, []scenario{
			{name: "preview without a position", method: "POST", path: "/api/v1/requests/preview", token: nomad, status: 422,
				body: `{"category":"groceries","place":{"kind":"home"}}`, contains: []string{nl("help.no_position")}},
			{name: "search without a position", method: "GET", path: "/api/v1/search?kind=requests", token: nomad, status: 422,
				contains: []string{nl("help.no_position")}},
		})
		e.run(t, []scenario{
			{name: "outside the Netherlands", method: "PUT", path: "/api/v1/me/position", token: mo.token, status: 422,
				body: `{"lat":48.8566,"lng":2.3522}`, contains: []string{`"field":"position"`}},
			{name: "without lng", method: "PUT", path: "/api/v1/me/position", token: mo.token, status: 422,
				body: `{"lat":51.4}`, contains: []string{`"field":"lng"`, nl("api.field_required")}},
			{name: "not a number", method: "PUT", path: "/api/v1/me/position", token: mo.token, status: 400,
				body: `{"lat":"51.4","lng":3.9}`, contains: []string{nl("api.field_type", "field", "lat")}},
			{name: "unknown field", method: "PUT", path: "/api/v1/me/position", token: mo.token, status: 400,
				body: `{"lat":51.4,"lng":3.9,"accuracy":10}`},
			{name: "needs a token", method: "PUT", path: "/api/v1/me/position", status: 401, body: `{"lat":51.4,"lng":3.9}`},
		})
		// A search starts from where the device said Mo is: Els's request
		// near home is found before the move and not 8 km away.
		w.fillAnswers(t)
		var req HelpRequest
		e.do(t, scenario{method: "POST", path: "/api/v1/requests", token: w.els.token, status: 201, body: w.request(t, nil)}).decode(t, &req)
		near := "/api/v1/search?kind=requests&radius_km=5"
		e.do(t, scenario{name: "found at home", method: "GET", path: near, token: mo.token, status: 200, contains: []string{req.ID}})
		for i, p := range []string{`{"lat":51.4,"lng":3.9}`, `{"lat":51.41,"lng":3.91}`, `{"lat":51.42,"lng":3.92}`} {
			e.do(t, scenario{name: "move", method: "PUT", path: "/api/v1/me/position", token: mo.token, body: p, status: 204})
			if i == 0 {
				e.do(t, scenario{name: "not found after the move", method: "GET", path: near, token: mo.token, status: 200, excludes: []string{req.ID}})
			}
			var lat float64
			if err := db.QueryRow(context.Background(), "SELECT lat FROM users WHERE id = ?", mo.id).Scan(&lat); err != nil || lat != 51.4+float64(i)/100 {
				t.Errorf("after move %d the stored lat is %v (%v)", i, lat, err)
			}
		}
		res := e.do(t, scenario{name: "too often", method: "PUT", path: "/api/v1/me/position", token: mo.token, status: 429,
			body: `{"lat":51.43,"lng":3.93}`, contains: []string{`"code":"rate_limited"`}})
		if ra := res.header.Get("Retry-After"); ra == "" || ra == "0" {
			t.Errorf("429 without a Retry-After: %q", ra)
		}
		var lat float64
		if err := db.QueryRow(context.Background(), "SELECT lat FROM users WHERE id = ?", mo.id).Scan(&lat); err != nil || lat != 51.42 {
			t.Errorf("a refused move was stored: lat %v (%v)", lat, err)
		}
	})
}
