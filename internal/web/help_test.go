package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/noaber/noaber/internal/apperr"
	"github.com/noaber/noaber/internal/help"
	"github.com/noaber/noaber/internal/i18n"
	"github.com/noaber/noaber/internal/store"
	"github.com/noaber/noaber/internal/testkit"
)

func nowAmsterdam() time.Time {
	l, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		panic(err)
	}
	return time.Now().In(l)
}

func TestGuidedAskingPostsARequest(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newHelpEnv(t, db)
		e.resident(t, "els@example.org", "Els", 0)
		b := e.browser(t)
		b.login("els@example.org")
		v := e.askValues(t)

		b.get("/ask").expect(t, http.StatusOK).has(t, `id="category-groceries"`, `href="/ask?category=groceries"`)
		step2 := b.get("/ask?category=groceries").expect(t, http.StatusOK).has(t, `id="example"`, tr(i18n.NL, "web.ask.step", "n", 2, "total", 4))
		for k := range v {
			if strings.HasPrefix(k, "answer-") {
				step2.has(t, `id="`+k+`"`)
			}
		}
		// Each step carries the earlier answers and writes nothing.
		s2 := cloneForm(v)
		s2.Set("step", "2")
		s2.Set("go", "next")
		step3 := b.post("/ask", s2).expect(t, http.StatusOK).has(t, `id="when-window"`, `id="when-flexible"`, `id="when-weekly"`, `id="place-home"`, `id="place-postcode"`, `id="show-only"`)
		step3.has(t, `type="hidden" name="answer-`)
		s3 := cloneForm(v)
		s3.Set("step", "3")
		s3.Set("go", "next")
		step4 := b.post("/ask", s3).expect(t, http.StatusOK).has(t, `id="preview-count"`, `id="post-request"`, "Enschede")
		// The preview says how many helpers, or "a few" below help.PreviewFew.
		pv, err := e.help.Preview(context.Background(), e.user(t, firstID(t, db, "els@example.org")), "groceries", "home", "", "")
		if err != nil {
			t.Fatal(err)
		}
		tpl, _ := e.help.Template(context.Background(), i18n.NL, "groceries")
		want := i18n.N(i18n.NL, "web.ask.preview.count", pv.Count, "km", pv.RadiusKm, "category", tpl.Category.Name)
		if pv.Few {
			want = tr(i18n.NL, "web.ask.preview.few", "km", pv.RadiusKm, "category", tpl.Category.Name)
		}
		step4.has(t, want)
		back := cloneForm(v)
		back.Set("step", "4")
		back.Set("go", "back")
		b.post("/ask", back).expect(t, http.StatusOK).has(t, `id="when-window"`, `value="`+v.Get("date")+`"`)
		if n := count(t, db, "requests"); n != 0 {
			t.Fatalf("the steps wrote %d requests", n)
		}

		id := b.postRequest(v)
		p := b.get("/requests/"+id+"?posted=1").expect(t, http.StatusOK)
		p.has(t, `id="request-title"`, `id="request-town"`, "Enschede", tr(i18n.NL, "web.request.posted"), `id="cancel-request"`, `href="/requests/`+id+`/edit"`)
		b.get("/me/help").expect(t, http.StatusOK).has(t, `href="/requests/`+id+`"`)

		// Edit, then cancel with a confirmation step.
		ed := b.get("/requests/"+id+"/edit").expect(t, http.StatusOK).has(t, `value="14:00"`, `value="`+v.Get("date")+`"`)
		ed.has(t, `id="save-request"`)
		change := cloneForm(v)
		change.Set("from", "15:00")
		b.post("/requests/"+id+"/edit", change).expect(t, http.StatusSeeOther, "/requests/"+id+"?saved=1")
		b.get("/requests/"+id).expect(t, http.StatusOK).has(t, "15:00")
		b.post("/requests/"+id+"/cancel", url.Values{}).expect(t, http.StatusOK).has(t, `id="confirm-cancel"`)
		if rv, _ := e.help.Request(context.Background(), e.user(t, firstID(t, db, "els@example.org")), id, i18n.NL); rv.Status != help.StatusOpen {
			t.Fatalf("status %s before confirming", rv.Status)
		}
		b.post("/requests/"+id+"/cancel", url.Values{"confirm": {"1"}}).expect(t, http.StatusSeeOther, "/requests/"+id+"?cancelled=1")
		b.get("/requests/"+id).expect(t, http.StatusOK).has(t, tr(i18n.NL, "web.status.cancelled")).hasNot(t, `id="cancel-request"`)
	})
}

func firstID(t *testing.T, db *store.DB, email string) string {
	t.Helper()
	var id string
	if err := db.QueryRow(context.Background(), "SELECT id FROM users WHERE email = ?", email).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

func TestAskingWithBadInputIsExplainedAndWritesNothing(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newHelpEnv(t, db)
		id := e.resident(t, "els@example.org", "Els", 0)
		ctx := context.Background()
		tpl, err := e.help.Template(ctx, i18n.NL, "groceries")
		if err != nil {
			t.Fatal(err)
		}
		long := strings.Repeat("x", tpl.Questions[0].Max+1)
		past := nowAmsterdam().AddDate(0, 0, -2).Format("2006-01-02")
		cases := []struct {
			name  string
			step  string
			form  url.Values
			field string // the input that shows the error
		}{
			{"long answer on step 2", "2", e.askValues(t, "answer-"+tpl.Questions[0].ID, long), "answer-" + tpl.Questions[0].ID},
			{"long answer at the end", "4", e.askValues(t, "answer-"+tpl.Questions[0].ID, long), "answer-" + tpl.Questions[0].ID},
			{"past date", "4", e.askValues(t, "date", past), "date"},
			{"inverted times", "4", e.askValues(t, "from", "16:00", "to", "14:00"), "to"},
			{"unknown postcode", "3", e.askValues(t, "place", "postcode", "postcode", "9999 ZZ"), "postcode"},
			{"unknown postcode at the end", "4", e.askValues(t, "place", "postcode", "postcode", "9999 ZZ"), "postcode"},
			{"unknown category", "2", e.askValues(t, "category", "rocket-science"), "category"},
		}
		for _, lang := range []i18n.Lang{i18n.NL, i18n.EN} {
			b := e.browser(t)
			b.login("els@example.org")
			if lang == i18n.EN {
				b.post("/language", url.Values{"lang": {"en"}, "return": {"/"}}).expect(t, http.StatusSeeOther)
			}
			for _, c := range cases {
				t.Run(string(lang)+"/"+c.name, func(t *testing.T) {
					f := cloneForm(c.form)
					f.Set("step", c.step)
					f.Set("go", "next")
					if c.step == "4" {
						f.Set("go", "post")
					}
					p := b.post("/ask", f).expect(t, http.StatusUnprocessableEntity).has(t, `<html lang="`+string(lang)+`">`, `id="error-summary"`)
					// The message is the service's own, in the visitor's
					// language (the same input given to the service).
					want := expectedMessage(t, e, id, f, lang)
					p.has(t, want)
					if c.field != "" {
						p.has(t, `id="`+c.field+`-error"`, `href="#`+c.field+`"`)
					}
					if n := count(t, db, "requests"); n != 0 {
						t.Fatalf("%d requests written", n)
					}
				})
			}
			b.get("/ask?category=rocket-science").expect(t, http.StatusUnprocessableEntity).has(t, `id="category-error"`, `id="category-groceries"`)
		}
	})
}

// expectedMessage is what the pages should say for a bad request form:
// the first field message the service (or the step check) gives.
func expectedMessage(t *testing.T, e *helpEnv, userID string, f url.Values, lang i18n.Lang) string {
	t.Helper()
	ctx := context.Background()
	in := help.RequestInput{CategoryID: f.Get("category"), Answers: map[string]string{}, WhenKind: f.Get("when"), Date: f.Get("date"),
		From: f.Get("from"), To: f.Get("to"), PlaceKind: f.Get("place"), Postcode: f.Get("postcode"), House: f.Get("house")}
	for k := range f {
		if q, ok := strings.CutPrefix(k, "answer-"); ok {
			in.Answers[q] = f.Get(k)
		}
	}
	var err error
	if _, terr := e.help.Template(ctx, lang, in.CategoryID); terr != nil {
		if ae, ok := apperr.As(terr); ok && len(ae.Fields) > 0 {
			return tr(lang, ae.Fields[0].Key, ae.Fields[0].Args...)
		}
		return tr(lang, "web.ask.category_unknown")
	}
	if f.Get("step") == "2" {
		tpl, _ := e.help.Template(ctx, lang, in.CategoryID)
		for _, q := range tpl.Questions {
			if len([]rune(in.Answers[q.ID])) > q.Max {
				return tr(lang, "web.ask.answer_too_long", "question", q.Label, "max", q.Max)
			}
		}
	}
	if f.Get("step") == "3" {
		_, err = e.help.Preview(ctx, e.user(t, userID), in.CategoryID, in.PlaceKind, in.Postcode, in.House)
	} else {
		_, err = e.help.CreateRequest(ctx, e.user(t, userID), in, lang)
	}
	ae, ok := apperr.As(err)
	if !ok {
		t.Fatalf("the service took the bad input: %v", err)
	}
	if len(ae.Fields) > 0 {
		return tr(lang, ae.Fields[0].Key, ae.Fields[0].Args...)
	}
	return tr(lang, ae.Key, ae.Args...)
}

func TestOthersSeeATownAndADistanceOnly(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newHelpEnv(t, db)
		seekerID := e.resident(t, "els@example.org", "Els", 0)
		e.resident(t, "piet@example.org", "Piet", 3)
		seeker := e.user(t, seekerID)
		els := e.browser(t)
		els.login("els@example.org")
		id := els.postRequest(e.askValues(t))

		piet := e.browser(t)
		piet.login("piet@example.org")
		p := piet.get("/requests/"+id).expect(t, http.StatusOK)
		p.has(t, `id="request-distance"`, "3 km", "Enschede", `href="/people/`+seekerID+`"`, `id="block-user"`, tr(i18n.NL, "web.request.respond_soon"))
		p.hasNot(t, `id="cancel-request"`, `id="edit-request"`, `id="request-place"`)
		s := piet.get("/search?words=boodschap&radius=5").expect(t, http.StatusOK).has(t, `href="/requests/`+id+`"`)
		for _, pg := range []page{p, s, piet.get("/people/" + seekerID)} {
			pg.hasNot(t, "7511", "97b", "els@example.org", ftoa(seeker.Position.Lat), ftoa(seeker.Position.Lng),
				ftoa(seeker.Cell.Lat), ftoa(seeker.Cell.Lng), "52.22", "6.89")
		}

		// Piet cannot change or cancel Els's request: 404, nothing changed.
		before, _ := e.help.Request(context.Background(), seeker, id, i18n.NL)
		piet.get("/requests/"+id+"/edit").expect(t, http.StatusNotFound)
		piet.post("/requests/"+id+"/edit", e.askValues(t, "from", "09:00")).expect(t, http.StatusNotFound)
		piet.post("/requests/"+id+"/cancel", url.Values{}).expect(t, http.StatusNotFound)
		piet.post("/requests/"+id+"/cancel", url.Values{"confirm": {"1"}}).expect(t, http.StatusNotFound)
		after, _ := e.help.Request(context.Background(), seeker, id, i18n.NL)
		if after.Status != help.StatusOpen || !after.When.Start.Equal(before.When.Start) || after.Title != before.Title {
			t.Fatalf("the request changed: %+v", after)
		}
		piet.get("/requests/nope").expect(t, http.StatusNotFound)
	})
}

func TestSearchFindsByWordAndRespectsDistance(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newHelpEnv(t, db)
		e.resident(t, "els@example.org", "Els", 0)
		e.resident(t, "near@example.org", "Anna", 2)
		e.resident(t, "far@example.org", "Bram", 30)
		els := e.browser(t)
		els.login("els@example.org")
		id := els.postRequest(e.askValues(t))

		near := e.browser(t)
		near.login("near@example.org")
		near.get("/search?kind=requests&words=boodschap&radius=5").expect(t, http.StatusOK).has(t, `id="results"`, `class="result"`, `href="/requests/`+id+`"`, "2 km")
		near.get("/search?kind=requests&words=fietsband&radius=5").expect(t, http.StatusOK).has(t, `id="results-empty"`, tr(i18n.NL, "web.search.empty", "n", 5), `id="search-wider"`)
		near.get("/search?kind=requests&radius=1").expect(t, http.StatusOK).has(t, `id="results-empty"`)
		// A position in the query is ignored: results stay around home.
		near.get("/search?kind=requests&words=boodschap&radius=5&lat=52.5&lng=6.0").expect(t, http.StatusOK).has(t, `href="/requests/`+id+`"`)

		far := e.browser(t)
		far.login("far@example.org")
		far.get("/search?kind=requests&words=boodschap&radius=25").expect(t, http.StatusOK).has(t, `id="results-empty"`).hasNot(t, `href="/requests/`+id+`"`)
		// A radius out of range is explained.
		far.get("/search?kind=requests&radius=500").expect(t, http.StatusUnprocessableEntity).has(t, `id="error-summary"`)
	})
}

func TestBlockingHidesBothWaysUntilUnblocked(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newHelpEnv(t, db)
		elsID := e.resident(t, "els@example.org", "Els", 0)
		pietID := e.resident(t, "piet@example.org", "Piet", 1)
		els := e.browser(t)
		els.login("els@example.org")
		id := els.postRequest(e.askValues(t))
		piet := e.browser(t)
		piet.login("piet@example.org")
		piet.get("/requests/"+id).expect(t, http.StatusOK)

		// Blocking asks first.
		piet.post("/people/"+elsID+"/block", url.Values{}).expect(t, http.StatusOK).has(t, `id="confirm-block"`)
		if n := count(t, db, "blocks"); n != 0 {
			t.Fatal("blocked before confirming")
		}
		piet.post("/people/"+elsID+"/block", url.Values{"confirm": {"1"}}).expect(t, http.StatusSeeOther)
		piet.get("/requests/"+id).expect(t, http.StatusNotFound)
		piet.get("/people/"+elsID).expect(t, http.StatusNotFound)
		els.get("/people/"+pietID).expect(t, http.StatusNotFound)
		piet.get("/search?words=boodschap&radius=5").expect(t, http.StatusOK).hasNot(t, `href="/requests/`+id+`"`)
		piet.get("/me/settings").expect(t, http.StatusOK).has(t, `id="unblock-`+elsID+`"`, "Els")

		piet.post("/me/blocks/"+elsID+"/delete", url.Values{}).expect(t, http.StatusSeeOther)
		piet.get("/requests/"+id).expect(t, http.StatusOK)
		els.get("/people/"+pietID).expect(t, http.StatusOK)
		piet.get("/me/settings").expect(t, http.StatusOK).has(t, `id="blocked-none"`)
		// Unblocking someone not blocked is the 404 page.
		piet.post("/me/blocks/"+elsID+"/delete", url.Values{}).expect(t, http.StatusNotFound)
	})
}

func TestHelperSettingsAndOffers(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newHelpEnv(t, db)
		e.resident(t, "els@example.org", "Els", 0)
		pietID := e.resident(t, "piet@example.org", "Piet", 1)
		els := e.browser(t)
		els.login("els@example.org")
		els.get("/me/helper").expect(t, http.StatusOK).has(t, `value="21:00"`, `value="08:00"`, `id="avail-0-0"`, `id="categories-groceries"`, `id="radius"`)
		good := url.Values{"categories": {"groceries", "pets"}, "radius": {"2"}, "avail": {"0-0", "5-2"}, "quiet_start": {"22:00"}, "quiet_end": {"07:30"}, "weekly_max": {"3"}}
		els.post("/me/helper", good).expect(t, http.StatusSeeOther, "/me/helper?saved=1")
		p := els.get("/me/helper?saved=1").expect(t, http.StatusOK).has(t, tr(i18n.NL, "web.helper.saved"), `value="22:00"`, `value="07:30"`, `value="3"`)
		if !regexp.MustCompile(`id="avail-5-2"[^>]* checked`).MatchString(p.body) || regexp.MustCompile(`id="avail-1-1"[^>]* checked`).MatchString(p.body) {
			t.Fatalf("availability not kept:\n%s", p.body)
		}
		for _, bad := range []url.Values{
			{"categories": {"groceries"}, "radius": {"30"}, "weekly_max": {"3"}, "quiet_start": {"21:00"}, "quiet_end": {"08:00"}},
			{"categories": {"groceries"}, "radius": {"2"}, "weekly_max": {"0"}, "quiet_start": {"21:00"}, "quiet_end": {"08:00"}},
			{"categories": {"rocket-science"}, "radius": {"2"}, "weekly_max": {"3"}, "quiet_start": {"21:00"}, "quiet_end": {"08:00"}},
			{"categories": {"groceries"}, "radius": {"2"}, "weekly_max": {"3"}, "quiet_start": {"25:00"}, "quiet_end": {"08:00"}},
		} {
			before := els.get("/me/helper").body
			els.post("/me/helper", bad).expect(t, http.StatusUnprocessableEntity).has(t, `id="error-summary"`)
			if after := els.get("/me/helper").body; after != before {
				t.Fatalf("bad settings %v changed what was saved", bad)
			}
		}

		// A concrete offer: the owner can close it, others see it and can
		// block its author.
		els.post("/offers/new", url.Values{"category": {"pets"}, "title": {""}}).expect(t, http.StatusUnprocessableEntity).has(t, `id="error-summary"`)
		p = els.post("/offers/new", url.Values{"category": {"pets"}, "title": {"Ik laat op zaterdag graag een hond uit"}, "body": {"Grote en kleine honden."}}).expect(t, http.StatusSeeOther)
		offer := strings.TrimSuffix(p.header.Get("Location"), "?posted=1")
		els.get(offer).expect(t, http.StatusOK).has(t, `id="close-offer"`)
		piet := e.browser(t)
		piet.login("piet@example.org")
		piet.get(offer).expect(t, http.StatusOK).has(t, "Ik laat op zaterdag graag een hond uit", `id="offer-distance"`, `id="block-user"`).hasNot(t, `id="close-offer"`)
		piet.get("/search?kind=offers&words=hond&radius=5").expect(t, http.StatusOK).has(t, `href="`+offer+`"`)
		piet.post(offer+"/close", url.Values{}).expect(t, http.StatusNotFound)
		els.post(offer+"/close", url.Values{}).expect(t, http.StatusSeeOther)
		els.get("/me/help").expect(t, http.StatusOK).has(t, `href="`+offer+`"`, tr(i18n.NL, "web.status.closed"))
		_ = pietID
	})
}

func TestDevicePosition(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newHelpEnv(t, db)
		id := e.resident(t, "els@example.org", "Els", 0)
		els := e.browser(t)
		els.login("els@example.org")
		// The section is hidden until the script shows it.
		els.get("/me/settings").expect(t, http.StatusOK).has(t, `id="position" hidden`, `id="use-location"`, tr(i18n.NL, "web.position.private"))
		els.post("/me/position", url.Values{"lat": {"48.85"}, "lng": {"2.35"}}).expect(t, http.StatusUnprocessableEntity).has(t, tr(i18n.NL, "account.position_outside"))
		els.post("/me/position", url.Values{"lat": {"x"}, "lng": {""}}).expect(t, http.StatusUnprocessableEntity)
		els.post("/me/position", url.Values{"lat": {"52.2301"}, "lng": {"6.9001"}}).expect(t, http.StatusSeeOther, "/me/settings?position=1")
		if u := e.user(t, id); u.Position.Lat != 52.2301 {
			t.Fatalf("position %v", u.Position)
		}
	})
}

func TestHelpPagesUseNoInlineCode(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newHelpEnv(t, db)
		e.resident(t, "els@example.org", "Els", 0)
		b := e.browser(t)
		b.login("els@example.org")
		id := b.postRequest(e.askValues(t))
		inline := regexp.MustCompile(`(?i)<script>|<script [^>]*>[^<]|<style|\sstyle="|\son[a-z]+="`)
		for _, path := range []string{"/ask", "/ask?category=groceries", "/requests/" + id, "/requests/" + id + "/edit", "/me/help", "/me/helper", "/offers/new", "/search", "/me/settings"} {
			p := b.get(path).expect(t, http.StatusOK)
			if m := inline.FindString(p.body); m != "" {
				t.Fatalf("%s has inline code %q", path, m)
			}
			p.has(t, `id="nav-ask"`, `id="nav-helper"`, `id="nav-search"`)
		}
	})
}
