package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"math"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/noaber/noaber/internal/account"
	"github.com/noaber/noaber/internal/geo"
	"github.com/noaber/noaber/internal/help"
	"github.com/noaber/noaber/internal/i18n"
	"github.com/noaber/noaber/internal/message"
	"github.com/noaber/noaber/internal/report"
	"github.com/noaber/noaber/internal/testkit"
	"github.com/noaber/noaber/internal/trust"
)

// secret is one thing about a user nobody else may learn, as a pattern
// that finds it however it is written.
type secret struct {
	what string
	re   *regexp.Regexp
}

type secrets []secret

// find returns what of the secrets s holds.
func (ss secrets) find(s string) []string {
	var found []string
	for _, x := range ss {
		if m := x.re.FindString(s); m != "" {
			found = append(found, fmt.Sprintf("%s (%q)", x.what, m))
		}
	}
	return found
}

// space is how a page or an address may write the space in a postcode.
const space = `(?:\s|&nbsp;|&#160;|&#xa0;|\x{a0}|%20|\+|\\u00a0)*`

// secretsOf are r's e-mail address, full surname (others see an
// initial), postcode, house number and position.
func secretsOf(r *resident) secrets {
	ss := secrets{{"e-mail address", regexp.MustCompile(`(?i)` + regexp.QuoteMeta(r.email))}}
	if r.surname != "" {
		ss = append(ss, secret{"surname", regexp.MustCompile(`\b` + regexp.QuoteMeta(r.surname) + `\b`)})
	}
	ss = append(ss, addressSecrets("postcode", r.postcode, r.house)...)
	ss = append(ss, pointSecrets("position", r.pos)...)
	return append(ss, pointSecrets("grid cell", geo.Snap(r.pos))...)
}

// addressSecrets find a postcode with or without its space, in any case,
// and the house number next to it; a house number with a letter ("137h")
// is found anywhere.
func addressSecrets(what, postcode, house string) secrets {
	pc := strings.ReplaceAll(postcode, " ", "")
	digits, letters := pc[:4], pc[4:]
	pcRE := `(?:^|[^0-9A-Za-z])` + digits + space + letters + `(?:[^A-Za-z]|$)`
	ss := secrets{{what, regexp.MustCompile(`(?i)` + pcRE)}}
	if house == "" {
		return ss
	}
	hn := regexp.MustCompile(`^(\d+)\s*(.*)$`).FindStringSubmatch(house)
	houseRE := regexp.QuoteMeta(house)
	if hn != nil {
		houseRE = hn[1] + `\s*-?\s*` + regexp.QuoteMeta(hn[2])
	}
	ss = append(ss,
		secret{"house number after the postcode", regexp.MustCompile(`(?i)` + digits + space + letters + `[^0-9]{0,40}` + houseRE + `(?:[^0-9A-Za-z]|$)`)},
		secret{"house number", regexp.MustCompile(`(?i)(?:huisnummer|house.?number|nr\.?|nummer)\W{0,12}` + houseRE + `(?:[^0-9A-Za-z]|$)`)})
	if hn != nil && hn[2] != "" {
		ss = append(ss, secret{"house number", regexp.MustCompile(`(?i)(?:^|[^0-9A-Za-z])` + houseRE + `(?:[^0-9A-Za-z]|$)`)})
	}
	return ss
}

// pointSecrets find a latitude or longitude written with 3 to 6 decimals,
// rounded or cut off (and so with any more decimals), with a point or a
// decimal comma.
func pointSecrets(what string, p geo.Point) secrets {
	var ss secrets
	for _, c := range []struct {
		name string
		v    float64
	}{{"latitude", p.Lat}, {"longitude", p.Lng}} {
		// A rounded form ends there; the cut-off one may go on.
		forms := map[string]string{strconv.FormatFloat(math.Trunc(c.v*1000)/1000, 'f', 3, 64): ""}
		for n := 3; n <= 6; n++ {
			if f := strconv.FormatFloat(c.v, 'f', n, 64); !hasKey(forms, f) {
				forms[f] = `(?:[^0-9]|$)`
			}
		}
		var alts []string
		for f, end := range forms {
			whole, frac, _ := strings.Cut(f, ".")
			alts = append(alts, whole+`[.,]`+frac+end)
		}
		sort.Strings(alts)
		ss = append(ss, secret{what + " " + c.name, regexp.MustCompile(`(?:^|[^0-9.,])-?(?:` + strings.Join(alts, "|") + `)`)})
	}
	return ss
}

// privateKeys are the JSON keys that would carry a position or an
// address; answers about other users must not have them at any depth.
var privateKeys = map[string]bool{
	"lat": true, "lng": true, "lon": true, "latitude": true, "longitude": true, "cell_lat": true, "cell_lng": true,
	"postcode": true, "house_number": true, "house": true, "street": true, "email": true,
}

// jsonKeys returns the private keys anywhere in a JSON document, and
// distances that are not whole kilometres.
func jsonKeys(body []byte) []string {
	var v any
	if json.Unmarshal(body, &v) != nil {
		return nil
	}
	var found []string
	var walk func(path string, v any)
	walk = func(path string, v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				if privateKeys[strings.ToLower(k)] {
					found = append(found, path+"."+k)
				}
				// Distances are whole kilometres (0: less than 1 km).
				if f, ok := e.(float64); ok && strings.Contains(strings.ToLower(k), "distance") && f != math.Trunc(f) {
					found = append(found, fmt.Sprintf("%s.%s (%v, not whole km)", path, k, f))
				}
				walk(path+"."+k, e)
			}
		case []any:
			for i, e := range x {
				walk(fmt.Sprintf("%s[%d]", path, i), e)
			}
		}
	}
	walk("$", v)
	sort.Strings(found)
	return found
}

// privacyWorld is a small town: the viewer Vera and her neighbours, with
// requests and offers, one of them blocked by Vera.
type privacyWorld struct {
	vera, anna, bram, carla *resident
	others                  []*resident // everyone but Vera
	annaRequest, annaAway   string      // Anna's request at home, and one at another postcode
	bramRequest, bramGone   string      // Bram's open request, and one he cancelled
	carlaRequest, veraReq   string
	annaOffer, bramOffer    string
	carlaOffer              string
	visibleTitles           []string // what Vera must see somewhere, so the sweep looks at real pages
	blockedTitles           []string // Carla's, which Vera must never see
	awayPostcode, awayHouse string
	awayPoint               geo.Point
	veraInvitation          string // Vera is invited for Anna's groceries
	// Vera's conversations: with Anna (done and thanked), about Anna's
	// offer, about Bram's request, and with Carla from before the block.
	annaConversation, offerConversation, requestConversation, carlaConversation string
	// Trust and safety: Vera moderates the national edition; she reported
	// Anna's first message and Bram's offer; she runs a watch group Anna
	// joined, and vouched for Anna.
	annaReport, bramReport string
	veraGroup, groupToken  string

	base      string
	web, api  *http.Client
	veraToken string
}

func newPrivacyWorld(t *testing.T, n *noaber) *privacyWorld {
	t.Helper()
	ctx := context.Background()
	w := &privacyWorld{base: n.base, awayPostcode: "7522 NM", awayHouse: "11k", awayPoint: geo.Point{Lat: 52.2392, Lng: 6.8510}}
	// The postcode of Anna's request elsewhere is in the postcode table.
	if _, err := n.app.DB.Exec(ctx, `INSERT INTO postcodes (postcode, lat, lng, town, municipality_code) VALUES (?, ?, ?, ?, ?)`,
		strings.ReplaceAll(w.awayPostcode, " ", ""), w.awayPoint.Lat, w.awayPoint.Lng, "Enschede", "0153"); err != nil {
		t.Fatal(err)
	}
	w.vera = &resident{email: "vera.viewer@example.org", first: "Vera", surname: "Visser", postcode: "7511 JK", house: "21b",
		town: "Enschede", municipality: "0153", pos: geo.Point{Lat: 52.2206, Lng: 6.8921}, lang: i18n.NL, helps: []string{"groceries"}}
	w.anna = &resident{email: "Anna.Prive@Example.org", first: "Anna", surname: "de Groot", postcode: "7513 BW", house: "137h",
		town: "Enschede", municipality: "0153", pos: geo.Point{Lat: 52.2251, Lng: 6.8993}, lang: i18n.NL, helps: []string{"groceries", "pets"}}
	w.bram = &resident{email: "bram.geheim@example.net", first: "Bram", surname: "Hendriks", postcode: "7551 RX", house: "48",
		town: "Hengelo", municipality: "0164", pos: geo.Point{Lat: 52.2656, Lng: 6.7931}, lang: i18n.EN, helps: []string{"transport"}}
	w.carla = &resident{email: "carla.blok@example.com", first: "Carla", surname: "Wolters", postcode: "7514 TZ", house: "9q",
		town: "Enschede", municipality: "0153", pos: geo.Point{Lat: 52.2190, Lng: 6.9012}, lang: i18n.NL, helps: []string{"groceries"}}
	w.others = []*resident{w.anna, w.bram, w.carla}
	seedResidents(t, n, w.vera, w.anna, w.bram, w.carla)
	// Vera helps with groceries at any hour and coordinates the national
	// edition, so the sweep sees an invitation and the coordinator pages;
	// everyone within reach is invited at once, so hers comes for sure.
	helpsAnytime(t, n, w.vera)
	if err := n.app.Accounts.GrantRole(ctx, w.vera.email, "nederland", account.RoleCoordinator); err != nil {
		t.Fatal(err)
	}
	if _, err := n.app.DB.Exec(ctx, "UPDATE editions SET dispatch_batch = 5"); err != nil {
		t.Fatal(err)
	}

	request := func(r *resident, cat string, answers map[string]string, place ...string) string {
		t.Helper()
		in := help.RequestInput{CategoryID: cat, Answers: answers, WhenKind: help.WhenFlexible, PlaceKind: help.PlaceHome}
		if len(place) == 2 {
			in.PlaceKind, in.Postcode, in.House = help.PlaceElsewhere, place[0], place[1]
		}
		rv, err := n.app.Help.CreateRequest(ctx, r.user(t, n), in, i18n.NL)
		if err != nil {
			t.Fatalf("request by %s: %v", r.first, err)
		}
		if r != w.carla && r != w.vera {
			w.visibleTitles = append(w.visibleTitles, rv.Title)
		}
		if r == w.carla {
			w.blockedTitles = append(w.blockedTitles, rv.Title)
		}
		return rv.ID
	}
	offer := func(r *resident, cat, title, body string) string {
		t.Helper()
		ov, err := n.app.Help.CreateOffer(ctx, r.user(t, n), help.OfferInput{CategoryID: cat, Title: title, Body: body}, i18n.NL)
		if err != nil {
			t.Fatalf("offer by %s: %v", r.first, err)
		}
		if r != w.carla && r != w.vera {
			w.visibleTitles = append(w.visibleTitles, ov.Title)
		}
		if r == w.carla {
			w.blockedTitles = append(w.blockedTitles, ov.Title)
		}
		return ov.ID
	}
	w.annaRequest = request(w.anna, "groceries", map[string]string{"what": "Wie haalt mijn boodschappen bij de Albert Heijn?"})
	w.annaAway = request(w.anna, "pets", map[string]string{"what": "Wie laat de hond van mijn moeder uit?", "animal": "Een oude labrador"},
		w.awayPostcode, w.awayHouse)
	w.bramRequest = request(w.bram, "transport", map[string]string{"what": "A lift to the hospital in Hengelo", "destination": "ZGT Hengelo"})
	w.bramGone = request(w.bram, "groceries", map[string]string{"what": "Boodschappen die niet meer nodig zijn"})
	if err := n.app.Help.CancelRequest(ctx, w.bram.user(t, n), w.bramGone); err != nil {
		t.Fatal(err)
	}
	w.visibleTitles = w.visibleTitles[:len(w.visibleTitles)-1] // cancelled: found by address only
	w.carlaRequest = request(w.carla, "groceries", map[string]string{"what": "Boodschappen van Carla voor het weekend"})
	w.veraReq = request(w.vera, "garden", map[string]string{"what": "Wie helpt mij de heg te snoeien?"})
	w.annaOffer = offer(w.anna, "pets", "Ik laat op zaterdag graag een hond uit", "Grote en kleine honden, in het Volkspark.")
	w.bramOffer = offer(w.bram, "transport", "Lifts to the station on weekdays", "I drive to Enschede station most mornings.")
	w.carlaOffer = offer(w.carla, "groceries", "Boodschappen doen op vrijdag", "Ik ga toch naar de markt.")
	offer(w.vera, "company", "Samen wandelen in het Rutbeek", "Op zondagmiddag.")
	start := func(from *resident, in message.StartInput) string {
		t.Helper()
		c, _, err := n.app.Messages.Start(ctx, from.user(t, n), in)
		if err != nil {
			t.Fatalf("%s starts a conversation: %v", from.first, err)
		}
		return c.ID
	}
	w.carlaConversation = start(w.carla, message.StartInput{UserID: w.vera.id, Body: "Hoi Vera, ik woon hier om de hoek."})
	if err := n.app.Accounts.Block(ctx, w.vera.user(t, n), w.carla.id); err != nil {
		t.Fatalf("Vera blocks Carla: %v", err)
	}
	annaConv, annaFirst, err := n.app.Messages.Start(ctx, w.anna.user(t, n), message.StartInput{UserID: w.vera.id, Body: "Hoi Vera, zullen we samen wandelen?"})
	if err != nil {
		t.Fatal(err)
	}
	w.annaConversation = annaConv.ID
	if _, err := n.app.Messages.Send(ctx, w.vera.user(t, n), w.annaConversation, "Graag, zondag?", ""); err != nil {
		t.Fatal(err)
	}
	if err := n.app.Messages.MarkDone(ctx, w.anna.user(t, n), w.annaConversation); err != nil {
		t.Fatal(err)
	}
	if err := n.app.Messages.Thank(ctx, w.anna.user(t, n), w.annaConversation, "Dank je Vera, het was gezellig!"); err != nil {
		t.Fatal(err)
	}
	w.offerConversation = start(w.vera, message.StartInput{OfferID: w.annaOffer, Body: "Mag mijn hond ook mee?"})
	w.requestConversation = start(w.vera, message.StartInput{RequestID: w.bramRequest, Body: "I can drive you on Tuesday."})
	w.veraInvitation = waitForInvitation(t, n, w.vera, w.annaRequest)

	if err := n.app.Accounts.GrantRole(ctx, w.vera.email, "nederland", account.RoleModerator); err != nil {
		t.Fatal(err)
	}
	fileReport := func(in report.Input) string {
		t.Helper()
		r, err := n.app.Reports.File(ctx, w.vera.user(t, n), in)
		if err != nil {
			t.Fatalf("Vera reports %s: %v", in.TargetKind, err)
		}
		return r.ID
	}
	w.annaReport = fileReport(report.Input{TargetKind: report.TargetMessage, TargetID: annaFirst.ID, Reason: report.ReasonOther, Note: "Te vroeg om te wandelen."})
	w.bramReport = fileReport(report.Input{TargetKind: report.TargetOffer, TargetID: w.bramOffer, Reason: report.ReasonSpam})
	g, err := n.app.Trust.RegisterGroup(ctx, w.vera.user(t, n), "Buurtpreventie Roombeek", "Roombeek")
	if err != nil {
		t.Fatal(err)
	}
	w.veraGroup, w.groupToken = g.ID, g.InviteToken
	if _, err := n.app.Trust.Join(ctx, w.anna.user(t, n), g.InviteToken); err != nil {
		t.Fatal(err)
	}
	if err := n.app.Trust.ConfirmGroup(ctx, w.vera.user(t, n), g.ID); err != nil {
		t.Fatal(err)
	}
	if err := n.app.Trust.Vouch(ctx, w.vera.user(t, n), w.anna.id, trust.VouchInput{Organisation: "Wijkteam Enschede"}); err != nil {
		t.Fatal(err)
	}

	// Vera signs in on the pages (a cookie) and in the API (a token).
	jar, _ := cookiejar.New(nil)
	noRedirect := func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	w.web = &http.Client{Jar: jar, CheckRedirect: noRedirect}
	w.api = &http.Client{CheckRedirect: noRedirect}
	resp, err := w.web.PostForm(n.base+"/login", url.Values{"email": {w.vera.email}, "password": {seedPassword}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("Vera's login: status %d, want 303", resp.StatusCode)
	}
	w.veraToken = token(t, n, w.vera)
	return w
}

// probe is one address the sweep fetches as Vera.
type probe struct {
	url string
	// want is the status it must answer with: 0 any below 500, -1 any
	// other than 200 (someone else's edit form, a blocked user's page).
	want int
	// own: an answer about Vera herself, where her own address keys may
	// appear (the JSON key check is skipped; other users' values are
	// still looked for).
	own bool
	// pages: follow the "next" cursor (API) or link (pages) to the end.
	pages bool
}

// sweep says, for every GET route of the pages and the API, what the
// privacy sweep fetches. A route missing here fails the test, so a new
// page or endpoint cannot be forgotten.
var sweep = map[string]func(w *privacyWorld) []probe{
	"/{$}":         public("/"),
	"/house-rules": public("/house-rules"),
	"/signup":      public("/signup"),
	"/signup/sent": public("/signup/sent"),
	"/verify":      public("/verify?token=x"),
	"/login":       public("/login"),
	"/forgot":      public("/forgot"),
	"/reset":       public("/reset?token=x"),
	"/robots.txt":  public("/robots.txt"),
	"/favicon.ico": public("/favicon.ico"),
	"/me/profile":  own("/me/profile"),
	"/me/settings": own("/me/settings"),
	"/me/help":     own("/me/help"),
	"/me/helper":   own("/me/helper"),
	"/offers/new":  own("/offers/new"),
	"/ask":         own("/ask", "/ask?category=groceries", "/ask?category=pets"),
	"/people/{id}": func(w *privacyWorld) []probe {
		return []probe{{url: "/people/" + w.anna.id, want: 200}, {url: "/people/" + w.bram.id, want: 200}, {url: "/people/" + w.carla.id, want: -1}}
	},
	"/requests/{id}": func(w *privacyWorld) []probe {
		return []probe{{url: "/requests/" + w.annaRequest, want: 200}, {url: "/requests/" + w.annaAway, want: 200},
			{url: "/requests/" + w.bramRequest, want: 200}, {url: "/requests/" + w.bramGone},
			{url: "/requests/" + w.carlaRequest, want: -1}, {url: "/requests/" + w.veraReq, want: 200, own: true}}
	},
	"/requests/{id}/edit": func(w *privacyWorld) []probe {
		return []probe{{url: "/requests/" + w.annaRequest + "/edit", want: -1}, {url: "/requests/" + w.annaAway + "/edit", want: -1},
			{url: "/requests/" + w.carlaRequest + "/edit", want: -1}, {url: "/requests/" + w.bramGone + "/edit", want: -1}}
	},
	"/offers/{id}": func(w *privacyWorld) []probe {
		return []probe{{url: "/offers/" + w.annaOffer, want: 200}, {url: "/offers/" + w.bramOffer, want: 200}, {url: "/offers/" + w.carlaOffer, want: -1}}
	},
	"/search": func(w *privacyWorld) []probe {
		return searches("/search", "words", "radius", 200, true)
	},

	"/api/v1/openapi.json":       func(w *privacyWorld) []probe { return []probe{{url: "/api/v1/openapi.json", want: 200, own: true}} },
	"/api/v1/categories":         public("/api/v1/categories"),
	"/api/v1/me":                 own("/api/v1/me"),
	"/api/v1/me/blocks":          func(w *privacyWorld) []probe { return []probe{{url: "/api/v1/me/blocks", want: 200}} },
	"/api/v1/me/requests":        own("/api/v1/me/requests"),
	"/api/v1/me/offers":          own("/api/v1/me/offers"),
	"/api/v1/me/helper-settings": own("/api/v1/me/helper-settings"),
	"/api/v1/users/{id}": func(w *privacyWorld) []probe {
		return []probe{{url: "/api/v1/users/" + w.anna.id, want: 200}, {url: "/api/v1/users/" + w.bram.id, want: 200},
			{url: "/api/v1/users/" + w.carla.id, want: -1}}
	},
	"/api/v1/categories/{id}/template": func(w *privacyWorld) []probe {
		return []probe{{url: "/api/v1/categories/groceries/template", want: 200}, {url: "/api/v1/categories/pets/template", want: 200}}
	},
	"/api/v1/requests/{id}": func(w *privacyWorld) []probe {
		return []probe{{url: "/api/v1/requests/" + w.annaRequest, want: 200}, {url: "/api/v1/requests/" + w.annaAway, want: 200},
			{url: "/api/v1/requests/" + w.bramRequest, want: 200}, {url: "/api/v1/requests/" + w.bramGone},
			{url: "/api/v1/requests/" + w.carlaRequest, want: -1}}
	},
	"/api/v1/offers/{id}": func(w *privacyWorld) []probe {
		return []probe{{url: "/api/v1/offers/" + w.annaOffer, want: 200}, {url: "/api/v1/offers/" + w.bramOffer, want: 200},
			{url: "/api/v1/offers/" + w.carlaOffer, want: -1}}
	},
	"/api/v1/search": func(w *privacyWorld) []probe {
		return searches("/api/v1/search", "q", "radius_km", 200, false)
	},
	// The dispatcher: Vera's invitations and notifications, and what she
	// sees as a coordinator (Bram's transport request escalates: nobody
	// else offers transport). Carla's request is left out of the
	// coordinator's pages: a coordinator sees every request of the edition.
	"/notifications": own("/notifications"),
	"/invitations":   own("/invitations"),
	"/invitations/{id}": func(w *privacyWorld) []probe {
		return []probe{{url: "/invitations/" + w.veraInvitation, want: 200}, {url: "/invitations/does-not-exist", want: -1}}
	},
	"/coordinator": func(w *privacyWorld) []probe { return []probe{{url: "/coordinator", want: 200}} },
	"/coordinator/requests/{id}": func(w *privacyWorld) []probe {
		return []probe{{url: "/coordinator/requests/" + w.annaRequest, want: 200}, {url: "/coordinator/requests/" + w.bramRequest, want: 200}}
	},
	"/coordinator/editions/{id}/settings": func(w *privacyWorld) []probe {
		return []probe{{url: "/coordinator/editions/" + account.NationalEditionID + "/settings", want: 200}}
	},
	"/api/v1/invitations": own("/api/v1/invitations"),
	"/api/v1/invitations/{id}": func(w *privacyWorld) []probe {
		return []probe{{url: "/api/v1/invitations/" + w.veraInvitation, want: 200}, {url: "/api/v1/invitations/does-not-exist", want: -1}}
	},
	"/api/v1/requests/{id}/progress": func(w *privacyWorld) []probe {
		return []probe{{url: "/api/v1/requests/" + w.veraReq + "/progress", want: 200, own: true},
			{url: "/api/v1/requests/" + w.annaRequest + "/progress", want: -1}}
	},
	"/api/v1/notifications": own("/api/v1/notifications"),
	"/api/v1/escalations":   func(w *privacyWorld) []probe { return []probe{{url: "/api/v1/escalations", want: 200}} },
	"/api/v1/requests/{id}/dispatch": func(w *privacyWorld) []probe {
		return []probe{{url: "/api/v1/requests/" + w.annaRequest + "/dispatch", want: 200}, {url: "/api/v1/requests/" + w.bramRequest + "/dispatch", want: 200}}
	},
	"/api/v1/editions/{id}/dispatch-settings": func(w *privacyWorld) []probe {
		return []probe{{url: "/api/v1/editions/" + account.NationalEditionID + "/dispatch-settings", want: 200}}
	},

	// Conversations, notification settings and the app shell.
	"/messages": own("/messages"),
	"/messages/{id}": func(w *privacyWorld) []probe {
		return []probe{{url: "/messages/" + w.annaConversation, want: 200}, {url: "/messages/" + w.offerConversation, want: 200},
			{url: "/messages/" + w.requestConversation, want: 200}, {url: "/messages/" + w.carlaConversation, want: 200},
			{url: "/messages/does-not-exist", want: -1}}
	},
	"/me/notifications":     own("/me/notifications"),
	"/u/{token}":            public("/u/not-a-token"),
	"/manifest.webmanifest": public("/manifest.webmanifest"),
	"/sw.js":                public("/sw.js"),
	"/offline":              public("/offline"),
	"/api/v1/conversations": own("/api/v1/conversations"),
	"/api/v1/conversations/{id}": func(w *privacyWorld) []probe {
		return []probe{{url: "/api/v1/conversations/" + w.annaConversation, want: 200}, {url: "/api/v1/conversations/" + w.offerConversation, want: 200},
			{url: "/api/v1/conversations/" + w.requestConversation, want: 200}, {url: "/api/v1/conversations/" + w.carlaConversation, want: 200},
			{url: "/api/v1/conversations/does-not-exist", want: -1}}
	},
	"/api/v1/conversations/{id}/messages": func(w *privacyWorld) []probe {
		return []probe{{url: "/api/v1/conversations/" + w.annaConversation + "/messages", want: 200},
			{url: "/api/v1/conversations/" + w.carlaConversation + "/messages", want: 200},
			{url: "/api/v1/conversations/does-not-exist/messages", want: -1}}
	},
	"/api/v1/users/{id}/thanks": func(w *privacyWorld) []probe {
		return []probe{{url: "/api/v1/users/" + w.vera.id + "/thanks", want: 200, own: true}, {url: "/api/v1/users/" + w.anna.id + "/thanks", want: 200},
			{url: "/api/v1/users/" + w.carla.id + "/thanks", want: -1}}
	},
	"/api/v1/me/notification-settings": own("/api/v1/me/notification-settings"),
	"/api/v1/push/vapid-public-key":    public("/api/v1/push/vapid-public-key"),

	// Trust and safety: Vera's reports, warnings and house rules; as a
	// national moderator the queue, the cases about Anna and Bram, their
	// histories and the audit log; her watch group with Anna in it.
	"/report": func(w *privacyWorld) []probe {
		return []probe{{url: "/report?kind=person&id=" + w.anna.id, want: 200}, {url: "/report?kind=offer&id=" + w.bramOffer, want: 200}}
	},
	"/me/reports":     own("/me/reports"),
	"/me/warnings":    func(w *privacyWorld) []probe { return []probe{{url: "/me/warnings"}} },
	"/me/house-rules": func(w *privacyWorld) []probe { return []probe{{url: "/me/house-rules"}} },
	"/moderation":     func(w *privacyWorld) []probe { return []probe{{url: "/moderation", want: 200}} },
	"/moderation/reports/{id}": func(w *privacyWorld) []probe {
		return []probe{{url: "/moderation/reports/" + w.annaReport, want: 200}, {url: "/moderation/reports/" + w.bramReport, want: 200}}
	},
	"/moderation/people/{id}": func(w *privacyWorld) []probe {
		return []probe{{url: "/moderation/people/" + w.anna.id, want: 200}, {url: "/moderation/people/" + w.bram.id, want: 200}}
	},
	"/moderation/audit": func(w *privacyWorld) []probe { return []probe{{url: "/moderation/audit", want: 200}} },
	"/moderation/editions/{id}/rules": func(w *privacyWorld) []probe {
		return []probe{{url: "/moderation/editions/" + account.NationalEditionID + "/rules", want: 200}}
	},
	"/coordinator/editions/{id}/house-rules": func(w *privacyWorld) []probe {
		return []probe{{url: "/coordinator/editions/" + account.NationalEditionID + "/house-rules", want: 200}}
	},
	"/me/watch-groups": own("/me/watch-groups"),
	"/me/watch-groups/{id}": func(w *privacyWorld) []probe {
		return []probe{{url: "/me/watch-groups/" + w.veraGroup, want: 200}, {url: "/me/watch-groups/does-not-exist", want: -1}}
	},
	"/join/{token}": func(w *privacyWorld) []probe {
		return []probe{{url: "/join/" + w.groupToken, want: 200}, {url: "/join/not-a-token", want: -1}}
	},
	"/coordinator/watch-groups": func(w *privacyWorld) []probe { return []probe{{url: "/coordinator/watch-groups", want: 200}} },
	"/api/v1/me/reports":        own("/api/v1/me/reports"),
	"/api/v1/me/warnings":       func(w *privacyWorld) []probe { return []probe{{url: "/api/v1/me/warnings", want: 200}} },
	"/api/v1/house-rules":       func(w *privacyWorld) []probe { return []probe{{url: "/api/v1/house-rules", want: 200}} },
	"/api/v1/users/{id}/trust": func(w *privacyWorld) []probe {
		return []probe{{url: "/api/v1/users/" + w.anna.id + "/trust", want: 200}, {url: "/api/v1/users/" + w.bram.id + "/trust", want: 200},
			{url: "/api/v1/users/" + w.carla.id + "/trust", want: -1}}
	},
	"/api/v1/moderation/queue": func(w *privacyWorld) []probe { return []probe{{url: "/api/v1/moderation/queue", want: 200}} },
	"/api/v1/moderation/reports/{id}": func(w *privacyWorld) []probe {
		return []probe{{url: "/api/v1/moderation/reports/" + w.annaReport, want: 200}, {url: "/api/v1/moderation/reports/" + w.bramReport, want: 200}}
	},
	"/api/v1/moderation/users/{id}": func(w *privacyWorld) []probe {
		return []probe{{url: "/api/v1/moderation/users/" + w.anna.id, want: 200}, {url: "/api/v1/moderation/users/" + w.bram.id, want: 200}}
	},
	"/api/v1/moderation/audit-log": func(w *privacyWorld) []probe { return []probe{{url: "/api/v1/moderation/audit-log", want: 200}} },
}

// notSwept are GET routes the sweep leaves out, with the reason.
var notSwept = map[string]string{
	"/static/": "the stylesheet, script and icons: the same files for everyone",
	"/messages/{id}/events": "an event stream that never ends; it sends the same message fragments as /messages/{id}, " +
		"and its events carry ids only (internal/web tests read it)",
	"/api/v1/events": "an event stream that never ends; its message events are the JSON of /api/v1/conversations/{id}/messages " +
		"(internal/api and the two-instance test in this package read it)",
}

func public(urls ...string) func(*privacyWorld) []probe {
	return func(*privacyWorld) []probe {
		var ps []probe
		for _, u := range urls {
			ps = append(ps, probe{url: u, want: 0})
		}
		return ps
	}
}

func own(urls ...string) func(*privacyWorld) []probe {
	return func(*privacyWorld) []probe {
		var ps []probe
		for _, u := range urls {
			ps = append(ps, probe{url: u, want: 200, own: true})
		}
		return ps
	}
}

// searches are searches with many parameters: both kinds, words, each
// category that has something, radii from 1 to 25 km, dates, both orders,
// paged to the end.
func searches(path, words, radius string, want int, web bool) []probe {
	var ps []probe
	add := func(kv ...string) {
		v := url.Values{}
		for i := 0; i+1 < len(kv); i += 2 {
			v.Set(kv[i], kv[i+1])
		}
		ps = append(ps, probe{url: path + "?" + v.Encode(), want: want, pages: true})
	}
	for _, kind := range []string{help.KindRequests, help.KindOffers} {
		add("kind", kind)
		for _, r := range []string{"1", "5", "25"} {
			add("kind", kind, radius, r, "sort", help.SortNewest)
			add("kind", kind, radius, r, "sort", help.SortNearest)
		}
		for _, wd := range []string{"boodschap", "hond", "lift", "Enschede"} {
			add("kind", kind, words, wd, radius, "25")
		}
		for _, c := range []string{"groceries", "pets", "transport"} {
			add("kind", kind, "category", c, radius, "25")
		}
	}
	add("kind", help.KindRequests, "from", "2020-01-01", "to", "2099-12-31", radius, "25")
	if !web {
		// One result a page, so the cursor pages are fetched too.
		add("kind", help.KindRequests, radius, "25", "limit", "1")
		add("kind", help.KindOffers, radius, "25", "limit", "1", "sort", help.SortNewest)
	}
	return ps
}

// getRoutes reads the GET patterns from a route table in Go source.
func getRoutes(t *testing.T, file string) []string {
	t.Helper()
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("read the route table: %v", err)
	}
	var out []string
	for _, m := range regexp.MustCompile(`\{"GET (/[^"]*)",`).FindAllStringSubmatch(string(src), -1) {
		out = append(out, m[1])
	}
	if len(out) < 5 {
		t.Fatalf("found only %d GET routes in %s; has the route table changed shape?", len(out), file)
	}
	return out
}

// TestPrivacySweep fills a small town and, as one of its residents, fetches
// every page and API answer that can show someone else, following every
// route of the pages and the API: none may hold another resident's e-mail
// address, postcode, house number or position (exact or of their grid
// cell), nor JSON keys for them.
func TestPrivacySweep(t *testing.T) {
	var routes []string
	for _, f := range []string{"../web/web.go", "../api/api.go"} {
		routes = append(routes, getRoutes(t, f)...)
	}
	for _, r := range routes {
		if _, ok := sweep[r]; !ok && notSwept[r] == "" {
			t.Errorf("GET %s is not in the privacy sweep: add what to fetch to sweep in %s", r, "privacy_test.go")
		}
	}
	for r := range sweep {
		if !contains(routes, r) {
			t.Errorf("the sweep has %s, which is no longer a GET route", r)
		}
	}
	if t.Failed() {
		return
	}
	for _, engine := range testkit.Engines(t) {
		t.Run(string(engine), func(t *testing.T) {
			n := startApp(t, testkit.NewDatabaseURL(t, engine))
			w := newPrivacyWorld(t, n)
			var secret secrets
			for _, r := range w.others {
				secret = append(secret, secretsOf(r)...)
			}
			secret = append(secret, addressSecrets("postcode of Anna's request elsewhere", w.awayPostcode, w.awayHouse)...)
			secret = append(secret, pointSecrets("position of Anna's request elsewhere", w.awayPoint)...)

			var all, ownPages, found strings.Builder
			fetched := 0
			sort.Strings(routes)
			for _, r := range routes {
				fn := sweep[r]
				if fn == nil {
					continue
				}
				for _, p := range fn(w) {
					for next := p.url; next != ""; {
						status, header, body, more := w.fetch(t, next)
						fetched++
						all.WriteString(body)
						if p.own {
							ownPages.WriteString(body)
						}
						if p.pages {
							found.WriteString(body)
						}
						where := "GET " + next
						switch {
						case status >= 500:
							t.Errorf("%s: status %d", where, status)
						case p.want > 0 && status != p.want:
							t.Errorf("%s: status %d, want %d", where, status, p.want)
						case p.want < 0 && status == http.StatusOK:
							t.Errorf("%s: status 200, want it refused", where)
						}
						for _, b := range w.blockedTitles {
							if strings.Contains(body, b) {
								t.Errorf("%s shows %q of Carla, whom Vera blocked", where, b)
							}
						}
						if found := secret.find(header + body); len(found) > 0 {
							t.Errorf("%s shows another user's %s", where, strings.Join(found, ", "))
						}
						if !p.own {
							if keys := jsonKeys([]byte(body)); len(keys) > 0 {
								t.Errorf("%s has private JSON keys %v", where, keys)
							}
						}
						if regexp.MustCompile(`(?i)data-(lat|lng|lon|latitude|longitude)\b`).MatchString(body) {
							t.Errorf("%s has a position in a data attribute", where)
						}
						next = ""
						if p.pages {
							next = more
						}
					}
				}
			}
			// The sweep must have seen the others' things, or it proves
			// nothing; and never Carla's, whom Vera blocked.
			seen, searched := html.UnescapeString(all.String()), html.UnescapeString(found.String())
			for _, s := range append(w.visibleTitles, "Anna G.", "Bram H.") {
				if !strings.Contains(seen, s) {
					t.Errorf("no page or answer of the sweep shows %q; the sweep did not see the other residents", s)
				}
				if !strings.Contains(searched, s) {
					t.Errorf("no search of the sweep finds %q; the sweep did not see search results", s)
				}
			}
			for _, s := range w.blockedTitles {
				if strings.Contains(seen, s) {
					t.Errorf("a page or answer shows %q of Carla, whom Vera blocked", s)
				}
			}
			// The patterns must find Vera's own postcode and house number
			// on her own pages, as the pages write them; else they would
			// miss another's too.
			for _, what := range []string{"postcode", "house number", "surname"} {
				if !strings.Contains(strings.Join(secretsOf(w.vera).find(ownPages.String()), " "), what+" (") {
					t.Errorf("the sweep's patterns do not find Vera's own %s on her own pages and answers; they would miss another's", what)
				}
			}
			if fetched < 60 {
				t.Errorf("the sweep fetched only %d pages and answers", fetched)
			}
			t.Logf("the sweep fetched %d pages and answers", fetched)
		})
	}
}

// fetch gets path as Vera (her session cookie for pages, her token for
// the API) and returns the status, the headers as text, the body, and the
// address of the next page of results, if any.
func (w *privacyWorld) fetch(t *testing.T, path string) (status int, header, body, next string) {
	t.Helper()
	req, err := http.NewRequest("GET", w.base+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	c := w.web
	isAPI := strings.HasPrefix(path, "/api/")
	if isAPI {
		c = w.api
		req.Header.Set("Authorization", "Bearer "+w.veraToken)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	var head strings.Builder
	resp.Header.Write(&head)

	if isAPI {
		var page struct{ Next *string }
		if json.Unmarshal(raw, &page) == nil && page.Next != nil && *page.Next != "" {
			u, _ := url.Parse(path)
			q := u.Query()
			q.Set("cursor", *page.Next)
			u.RawQuery = q.Encode()
			next = u.String()
		}
	} else if m := regexp.MustCompile(`href="([^"]*)" id="search-next"`).FindStringSubmatch(string(raw)); m != nil {
		next = html.UnescapeString(m[1])
	}
	return resp.StatusCode, head.String(), string(raw), next
}

func hasKey(m map[string]string, k string) bool {
	_, ok := m[k]
	return ok
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// TestSecretPatterns checks that the sweep's patterns find an address
// and a position however they are written, and not in ids or other
// numbers.
func TestSecretPatterns(t *testing.T) {
	r := &resident{email: "Anna.Prive@Example.org", postcode: "7513 BW", house: "137h", pos: geo.Point{Lat: 52.2251, Lng: 6.8993}}
	ss := secretsOf(r)
	for _, s := range []string{
		"anna.prive@example.org", "7513 BW", "7513bw", "<dd>7513&nbsp;BW</dd>", `"pc":"7513\u00a0BW"`, "?postcode=7513+BW",
		"Oldenzaalsestraat 137h", "nr. 137 H", `"postcode":"7513BW","house_number":"137"`,
		"52.2251", "52.225100", `"y":52.2251,`, "52,2251", "52.225", "52.22512345", "6.8993", "6.899", "6.89930",
		"52.2225", // the latitude of Anna's grid cell
	} {
		if len(ss.find(s)) == 0 {
			t.Errorf("the patterns miss %q", s)
		}
	}
	for _, s := range []string{
		"01970f2c-7513-7bcd-9e2a-1137f0000000", "17513 BWX", "1370h", "52.2151", "152.2251", "6.8", "Enschede, 2 km",
	} {
		if found := ss.find(s); len(found) > 0 {
			t.Errorf("the patterns find %v in %q", found, s)
		}
	}
	keys := jsonKeys([]byte(`{"id":"x","town":"Enschede","seeker":{"display_name":"A","Postcode":"x"},"items":[{"lat":1,"distance_km":2},{"distance_km":0.4}]}`))
	if strings.Join(keys, " ") != "$.items[0].lat $.items[1].distance_km (0.4, not whole km) $.seeker.Postcode" {
		t.Errorf("jsonKeys found %v", keys)
	}
}
