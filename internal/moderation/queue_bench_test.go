package moderation_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/noaber/noaber/internal/account"
	"github.com/noaber/noaber/internal/store"
	"github.com/noaber/noaber/internal/testkit"
)

// BenchmarkQueue reads the first page (QueuePage) of a national
// moderator's queue and the page after it, with 10,000 open reports on
// 200 people in two editions (and as many closed ones, which the partial
// indexes leave out).
func BenchmarkQueue(b *testing.B) {
	for _, engine := range testkit.Engines(b) {
		b.Run(string(engine), func(b *testing.B) {
			db := testkit.NewDB(b, engine)
			e := newEnv(b, db, false)
			mod := e.moderator("Nina", national)
			var seed []account.SeedUser
			for i := 0; i < 200; i++ {
				seed = append(seed, account.SeedUser{Email: fmt.Sprintf("p%d@example.nl", i), FirstName: "Piet", Surname: "Jansen",
					Postcode: "7201AB", Town: "Zutphen", Bio: "Ik help graag met boodschappen."})
			}
			ids, err := e.acc.Seed(e.ctx, seed, "a long password")
			if err != nil {
				b.Fatal(err)
			}
			err = db.InTx(e.ctx, func(tx *store.Tx) error {
				for i := 0; i < 20000; i++ {
					status, ed := "open", edA
					if i%2 == 1 {
						status = "closed"
					}
					if i%4 >= 2 {
						ed = edB
					}
					subject := ids[i%len(ids)]
					if _, err := tx.Exec(e.ctx, `INSERT INTO reports (id, edition_id, source, subject_id, target_kind, target_id, reason, status, created_at)
						VALUES (?, ?, 'flag', ?, 'person', ?, ?, ?, ?)`, newID(), ed, subject, subject, fmt.Sprintf("r%d", i), status,
						startTime.Add(time.Duration(i)*time.Second)); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				b.Fatal(err)
			}
			if engine == store.Postgres {
				// Statistics for the bulk load, as autovacuum gathers them
				// soon after one; without them the planner guesses.
				if _, err := db.Exec(e.ctx, "ANALYZE reports"); err != nil {
					b.Fatal(err)
				}
			}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				page, err := e.mod.Queue(e.ctx, mod, "", "")
				if err != nil || len(page) != 50 {
					b.Fatalf("first page: %d, %v", len(page), err)
				}
				next, err := e.mod.Queue(e.ctx, mod, edB, page[49].Report.ID)
				if err != nil || len(next) != 50 {
					b.Fatalf("next page of B: %d, %v", len(next), err)
				}
			}
		})
	}
}
