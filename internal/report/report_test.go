package report_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/noaber/noaber/internal/account"
	"github.com/noaber/noaber/internal/apperr"
	"github.com/noaber/noaber/internal/flag"
	"github.com/noaber/noaber/internal/i18n"
	"github.com/noaber/noaber/internal/jobs"
	"github.com/noaber/noaber/internal/report"
	"github.com/noaber/noaber/internal/store"
	"github.com/noaber/noaber/internal/testkit"
)

var startTime = time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

type env struct {
	t   testing.TB
	ctx context.Context
	db  *store.DB
	clk *clock
	acc *account.Service
	r   *report.Service
	n   int
}

func newEnv(t testing.TB, db *store.DB) *env {
	clk := &clock{t: startTime}
	q := jobs.New(db, jobs.Options{Now: clk.now})
	acc := account.New(db, q, account.Options{PasswordMemoryKiB: 1024, Now: clk.now})
	return &env{t: t, ctx: context.Background(), db: db, clk: clk, acc: acc, r: report.New(db, report.Options{Now: clk.now})}
}

// person makes a user created at the given time (zero: now).
func (e *env) person(name string, created time.Time) *account.User {
	e.t.Helper()
	e.n++
	ids, err := e.acc.Seed(e.ctx, []account.SeedUser{{Email: fmt.Sprintf("%s%d@example.nl", strings.ToLower(name), e.n),
		FirstName: name, Surname: "Jansen", Postcode: "7201AB", Town: "Zutphen", CreatedAt: created}}, "a long password")
	if err != nil {
		e.t.Fatal(err)
	}
	u, err := e.acc.User(e.ctx, ids[0])
	if err != nil {
		e.t.Fatal(err)
	}
	return u
}

func (e *env) exec(q string, args ...any) {
	e.t.Helper()
	if _, err := e.db.Exec(e.ctx, q, args...); err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) count(q string, args ...any) int {
	e.t.Helper()
	var n int
	if err := e.db.QueryRow(e.ctx, q, args...).Scan(&n); err != nil {
		e.t.Fatal(err)
	}
	return n
}

// conversation makes a direct conversation started by a with one message
// from each, and returns the conversation and b's message.
func (e *env) conversation(a, b *account.User) (string, string) {
	e.t.Helper()
	conv := uuid.Must(uuid.NewV7()).String()
	now := e.clk.now()
	e.exec(`INSERT INTO conversations (id, seeker_id, helper_id, created_at, kind, pair_key, started_by)
		VALUES (?, ?, ?, ?, 'direct', ?, ?)`, conv, a.ID, b.ID, now, a.ID+":"+b.ID, a.ID)
	e.exec("INSERT INTO messages (id, conversation_id, sender_id, body, created_at) VALUES (?, ?, ?, 'Hallo!', ?)",
		uuid.Must(uuid.NewV7()).String(), conv, a.ID, now)
	msg := uuid.Must(uuid.NewV7()).String()
	e.exec("INSERT INTO messages (id, conversation_id, sender_id, body, created_at) VALUES (?, ?, ?, 'Dag!', ?)", msg, conv, b.ID, now)
	return conv, msg
}

func wantCode(t testing.TB, err error, status int, code string) {
	t.Helper()
	ae, ok := apperr.As(err)
	if !ok || ae.Status != status || ae.Code != code {
		t.Fatalf("got %v, want %d %s", err, status, code)
	}
	wantKeys(t, ae)
}

func wantField(t testing.TB, err error, field, key string) {
	t.Helper()
	ae, ok := apperr.As(err)
	if !ok || ae.Status != http.StatusUnprocessableEntity || ae.Field(field) != key {
		t.Fatalf("got %v, want 422 %s: %s", err, field, key)
	}
	wantKeys(t, ae)
}

func wantKeys(t testing.TB, ae *apperr.Error) {
	t.Helper()
	keys := []string{ae.Key}
	for _, f := range ae.Fields {
		keys = append(keys, f.Key)
	}
	for _, k := range keys {
		for _, l := range i18n.Supported {
			if !i18n.Has(l, k) {
				t.Errorf("key %s missing in %s", k, l)
			}
		}
	}
}

func TestFileValidatesAndChecksVisibility(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		anna, bert, carla := e.person("Anna", time.Time{}), e.person("Bert", time.Time{}), e.person("Carla", time.Time{})
		_, msg := e.conversation(anna, bert)

		_, err := e.r.File(e.ctx, anna, report.Input{TargetKind: "cat", TargetID: bert.ID, Reason: report.ReasonSpam})
		wantField(t, err, "target_kind", "report.error.target_kind")
		_, err = e.r.File(e.ctx, anna, report.Input{TargetKind: report.TargetPerson, TargetID: bert.ID, Reason: "rude"})
		wantField(t, err, "reason", "report.error.reason")
		_, err = e.r.File(e.ctx, anna, report.Input{TargetKind: report.TargetPerson, TargetID: bert.ID, Reason: report.ReasonOther, Note: "  "})
		wantField(t, err, "note", "report.error.note_required")
		_, err = e.r.File(e.ctx, anna, report.Input{TargetKind: report.TargetPerson, TargetID: bert.ID, Reason: report.ReasonSpam,
			Note: strings.Repeat("é", report.MaxNote+1)})
		wantField(t, err, "note", "report.error.note_long")
		_, err = e.r.File(e.ctx, anna, report.Input{TargetKind: report.TargetPerson, TargetID: anna.ID, Reason: report.ReasonSpam})
		wantCode(t, err, http.StatusUnprocessableEntity, "self_report")
		_, err = e.r.File(e.ctx, anna, report.Input{TargetKind: report.TargetRequest, TargetID: "no-such-request", Reason: report.ReasonSpam})
		wantCode(t, err, http.StatusNotFound, "not_found")
		// A message only in the reporter's own conversation.
		_, err = e.r.File(e.ctx, carla, report.Input{TargetKind: report.TargetMessage, TargetID: msg, Reason: report.ReasonHarassment})
		wantCode(t, err, http.StatusNotFound, "not_found")
		// Nor one held for a moderator: the reporter never saw it.
		e.exec("UPDATE messages SET held_at = ? WHERE id = ?", e.clk.now(), msg)
		_, err = e.r.File(e.ctx, anna, report.Input{TargetKind: report.TargetMessage, TargetID: msg, Reason: report.ReasonHarassment})
		wantCode(t, err, http.StatusNotFound, "not_found")
		e.exec("UPDATE messages SET held_at = NULL WHERE id = ?", msg)
		if n := e.count("SELECT COUNT(*) FROM reports"); n != 0 {
			t.Fatalf("%d reports after refused ones", n)
		}

		f, err := e.r.File(e.ctx, anna, report.Input{TargetKind: report.TargetMessage, TargetID: msg, Reason: report.ReasonHarassment, Note: " Hij blijft appen "})
		if err != nil {
			t.Fatal(err)
		}
		if f.Outcome != report.OutcomePending || f.Note != "Hij blijft appen" || f.TargetID != msg {
			t.Errorf("filed %+v", f)
		}
		var subject, edition, source, severity string
		if err := db.QueryRow(e.ctx, "SELECT subject_id, edition_id, source, severity FROM reports WHERE id = ?", f.ID).
			Scan(&subject, &edition, &source, &severity); err != nil {
			t.Fatal(err)
		}
		if subject != bert.ID || edition != bert.EditionID || source != report.SourceMember || severity != flag.Low {
			t.Errorf("row: subject %s edition %s source %s severity %s", subject, edition, source, severity)
		}
		// The same open item again is the first report.
		again, err := e.r.File(e.ctx, anna, report.Input{TargetKind: report.TargetMessage, TargetID: msg, Reason: report.ReasonSpam})
		if err != nil || again.ID != f.ID {
			t.Fatalf("again: %+v, %v; want report %s", again, err, f.ID)
		}
		// An unsafe situation is high.
		u, err := e.r.File(e.ctx, carla, report.Input{TargetKind: report.TargetPerson, TargetID: bert.ID, Reason: report.ReasonUnsafe})
		if err != nil {
			t.Fatal(err)
		}
		if e.count("SELECT COUNT(*) FROM reports WHERE id = ? AND severity = 'high'", u.ID) != 1 {
			t.Error("an unsafe report is not high")
		}
		// A blocked person's request is not visible: not found.
		req := uuid.Must(uuid.NewV7()).String()
		e.exec(`INSERT INTO requests (id, edition_id, seeker_id, category_id, title, body, answers, when_kind, place_kind,
				postcode, house_number, lat, lng, cell_lat, cell_lng, town, municipality_code, status, expires_at, created_at, updated_at)
			VALUES (?, ?, ?, 'groceries', 'Boodschappen', 'Wie helpt?', '{}', 'flexible', 'home', '7201AB', '1', 52.1, 6.2, 52.1, 6.2,
				'Zutphen', '0301', 'open', ?, ?, ?)`, req, bert.EditionID, bert.ID, e.clk.now().Add(72*time.Hour), e.clk.now(), e.clk.now())
		if err := e.acc.Block(e.ctx, bert, carla.ID); err != nil {
			t.Fatal(err)
		}
		_, err = e.r.File(e.ctx, carla, report.Input{TargetKind: report.TargetRequest, TargetID: req, Reason: report.ReasonSpam})
		wantCode(t, err, http.StatusNotFound, "not_found")
		if _, err = e.r.File(e.ctx, anna, report.Input{TargetKind: report.TargetRequest, TargetID: req, Reason: report.ReasonSpam}); err != nil {
			t.Fatalf("a visible request: %v", err)
		}

		// The reporter's view: newest first, the outcome in general terms.
		e.exec("UPDATE reports SET status = 'closed', outcome = 'dismiss', closed_at = ? WHERE id = ?", e.clk.now(), f.ID)
		list, err := e.r.Filed(e.ctx, anna)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 2 || list[1].ID != f.ID || list[1].Outcome != report.OutcomeNone || list[0].Outcome != report.OutcomePending {
			t.Errorf("filed: %+v", list)
		}
		e.exec("UPDATE reports SET outcome = 'suspend' WHERE id = ?", f.ID)
		if list, _ = e.r.Filed(e.ctx, anna); list[1].Outcome != report.OutcomeAction {
			t.Errorf("after a suspension the outcome is %s", list[1].Outcome)
		}
		if list, _ = e.r.Filed(e.ctx, bert); len(list) != 0 {
			t.Errorf("the subject sees %d reports", len(list))
		}
	})
}

func TestFileLimitPerDay(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		anna := e.person("Anna", time.Time{})
		var others []*account.User
		for i := 0; i <= report.MaxPerDay; i++ {
			others = append(others, e.person("Bert", time.Time{}))
		}
		for i := 0; i < report.MaxPerDay; i++ {
			if _, err := e.r.File(e.ctx, anna, report.Input{TargetKind: report.TargetPerson, TargetID: others[i].ID, Reason: report.ReasonSpam}); err != nil {
				t.Fatalf("report %d: %v", i+1, err)
			}
		}
		_, err := e.r.File(e.ctx, anna, report.Input{TargetKind: report.TargetPerson, TargetID: others[report.MaxPerDay].ID, Reason: report.ReasonSpam})
		wantCode(t, err, http.StatusTooManyRequests, "rate_limited")
		// One already filed still answers with the first.
		if _, err := e.r.File(e.ctx, anna, report.Input{TargetKind: report.TargetPerson, TargetID: others[0].ID, Reason: report.ReasonSpam}); err != nil {
			t.Errorf("the same item over the limit: %v", err)
		}
		e.clk.add(24*time.Hour + time.Second)
		if _, err := e.r.File(e.ctx, anna, report.Input{TargetKind: report.TargetPerson, TargetID: others[report.MaxPerDay].ID, Reason: report.ReasonSpam}); err != nil {
			t.Errorf("a day later: %v", err)
		}
	})
}

// check runs Check in a transaction as a domain storing a text would.
func (e *env) check(in report.TextCheck) flag.Result {
	e.t.Helper()
	var res flag.Result
	err := e.db.InTx(e.ctx, func(tx *store.Tx) error {
		var err error
		res, err = e.r.Check(e.ctx, tx, in)
		return err
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return res
}

type flagRow struct{ reason, severity, evidence, kind, subject, edition string }

func (e *env) flags(targetID string) []flagRow {
	e.t.Helper()
	rows, err := e.db.Query(e.ctx, `SELECT reason, severity, evidence, target_kind, subject_id, edition_id FROM reports
		WHERE target_id = ? AND source = 'flag' AND reporter_id IS NULL AND status = 'open' ORDER BY reason`, targetID)
	if err != nil {
		e.t.Fatal(err)
	}
	defer rows.Close()
	var out []flagRow
	for rows.Next() {
		var f flagRow
		if err := rows.Scan(&f.reason, &f.severity, &f.evidence, &f.kind, &f.subject, &f.edition); err != nil {
			e.t.Fatal(err)
		}
		out = append(out, f)
	}
	return out
}

func TestCheckWritesFlags(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		bert := e.person("Bert", time.Time{})
		msg := func() string { return uuid.Must(uuid.NewV7()).String() }

		dating := msg()
		res := e.check(report.TextCheck{Kind: flag.KindMessage, TargetKind: report.TargetMessage, TargetID: dating, SubjectID: bert.ID,
			Text: "Je bent zo sexy, zin in een date?"})
		if !res.Hold {
			t.Errorf("dating message not held: %+v", res)
		}
		got := e.flags(dating)
		if len(got) != 1 || got[0].reason != flag.Dating || got[0].severity != flag.High || got[0].evidence == "" ||
			got[0].kind != report.TargetMessage || got[0].subject != bert.ID || got[0].edition != bert.EditionID {
			t.Errorf("dating flags: %+v", got)
		}
		// Checked again (an edit, a retry): still one open flag.
		e.check(report.TextCheck{Kind: flag.KindMessage, TargetKind: report.TargetMessage, TargetID: dating, SubjectID: bert.ID,
			EditionID: bert.EditionID, Text: "Je bent zo sexy"})
		if n := len(e.flags(dating)); n != 1 {
			t.Errorf("%d flags after a second check", n)
		}

		phone := msg()
		res = e.check(report.TextCheck{Kind: flag.KindMessage, TargetKind: report.TargetMessage, TargetID: phone, SubjectID: bert.ID,
			EditionID: bert.EditionID, Text: "Hoi! Ik kan je wel helpen, bel me op 06-12345678", FirstMessage: true})
		if res.Hold || res.Hint != flag.HintContactFirstMessage {
			t.Errorf("phone in a first message: %+v", res)
		}
		if got := e.flags(phone); len(got) != 1 || got[0].reason != flag.Contact || got[0].severity != flag.Low {
			t.Errorf("phone flags: %+v", got)
		}

		normal := msg()
		res = e.check(report.TextCheck{Kind: flag.KindMessage, TargetKind: report.TargetMessage, TargetID: normal, SubjectID: bert.ID,
			EditionID: bert.EditionID, Text: "Ik kan zaterdag om tien uur de boodschappen doen. Zal ik het bonnetje bewaren?", FirstMessage: true})
		if res.Flagged() || res.Hint != "" {
			t.Errorf("normal text: %+v", res)
		}
		if got := e.flags(normal); len(got) != 0 {
			t.Errorf("normal text flags: %+v", got)
		}

		// A profile: the hook checks the bio as the person.
		bert.Bio = "Bel me op 0612345678 of kijk op mijnklusjes.com"
		err := db.InTx(e.ctx, func(tx *store.Tx) error { return e.r.ProfileSaved(e.ctx, tx, bert) })
		if err != nil {
			t.Fatal(err)
		}
		if got := e.flags(bert.ID); len(got) != 2 || got[0].reason != flag.Contact || got[1].reason != flag.Link || got[0].kind != report.TargetPerson {
			t.Errorf("profile flags: %+v", got)
		}
	})
}

func TestCheckContacts(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		fresh := e.person("Frits", startTime.Add(-48*time.Hour))
		old := e.person("Olga", startTime.Add(-60*24*time.Hour))
		contacts := func(u *account.User, n int) {
			for i := 0; i < n; i++ {
				other := e.person("Ander", time.Time{})
				e.conversation(u, other)
			}
			if err := db.InTx(e.ctx, func(tx *store.Tx) error { return e.r.CheckContacts(e.ctx, tx, u) }); err != nil {
				t.Fatal(err)
			}
		}
		contacts(fresh, 5)
		if got := e.flags(fresh.ID); len(got) != 0 {
			t.Fatalf("5 contacts in a day flagged: %+v", got)
		}
		contacts(fresh, 1)
		if got := e.flags(fresh.ID); len(got) != 1 || got[0].reason != report.ReasonContacts || got[0].kind != report.TargetPerson {
			t.Fatalf("6 contacts in a day: %+v", got)
		}
		contacts(old, 8)
		if got := e.flags(old.ID); len(got) != 0 {
			t.Errorf("an old account flagged: %+v", got)
		}
	})
}

func TestOverrides(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		bert := e.person("Bert", time.Time{})
		ed := bert.EditionID
		err := e.r.SaveOverrides(e.ctx, ed, bert.ID, `{"remove_words": ["geen-woord-in-de-regels"]}`)
		wantField(t, err, "overrides", "report.error.overrides")
		if ae, _ := apperr.As(err); !strings.Contains(fmt.Sprint(ae.Fields[0].Args), "geen-woord-in-de-regels") {
			t.Errorf("the error does not say what is wrong: %v", ae.Fields[0].Args)
		}
		wantField(t, e.r.SaveOverrides(e.ctx, ed, bert.ID, `{"add_termz": []}`), "overrides", "report.error.overrides")
		wantField(t, e.r.SaveOverrides(e.ctx, ed, bert.ID, `{`), "overrides", "report.error.overrides")
		wantField(t, e.r.SaveOverrides(e.ctx, ed, bert.ID, `{"remove_words": ["`+strings.Repeat("a", report.MaxOverrides)+`"]}`), "overrides", "report.error.overrides_long")
		wantCode(t, e.r.SaveOverrides(e.ctx, "no-such-edition", bert.ID, `{}`), http.StatusNotFound, "not_found")

		text := func() string {
			return "Zin in een wandeling op de heide?"
		}
		if r, _ := e.r.Rules(e.ctx, ed); r.Check(flag.Input{Text: text()}).Flagged() {
			t.Fatal("flagged before the override")
		}
		if err := e.r.SaveOverrides(e.ctx, ed, bert.ID, `{"add_terms": [{"category": "dating", "severity": "low", "words": ["heide"]}]}`); err != nil {
			t.Fatal(err)
		}
		saved, err := e.r.Overrides(e.ctx, ed)
		if err != nil || !strings.Contains(saved, "\n  \"add_terms\"") {
			t.Errorf("overrides: %q, %v", saved, err)
		}
		if r, _ := e.r.Rules(e.ctx, ed); !r.Check(flag.Input{Text: text()}).Flagged() {
			t.Error("the saved override is not used")
		}
		// Another instance (its own cache) sees it too, and a removal
		// within its TTL.
		other := report.New(db, report.Options{Now: e.clk.now})
		if r, _ := other.Rules(e.ctx, ed); !r.Check(flag.Input{Text: text()}).Flagged() {
			t.Error("another instance does not use the override")
		}
		if err := e.r.SaveOverrides(e.ctx, ed, bert.ID, ""); err != nil {
			t.Fatal(err)
		}
		if saved, _ := e.r.Overrides(e.ctx, ed); saved != "" {
			t.Errorf("after removing: %q", saved)
		}
		if r, _ := other.Rules(e.ctx, ed); !r.Check(flag.Input{Text: text()}).Flagged() {
			t.Error("the other instance dropped its cache before the TTL")
		}
		e.clk.add(time.Minute + time.Second)
		if r, _ := other.Rules(e.ctx, ed); r.Check(flag.Input{Text: text()}).Flagged() {
			t.Error("the other instance still uses the removed override after the TTL")
		}
	})
}
