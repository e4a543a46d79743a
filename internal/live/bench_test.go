package live

import (
	"context"
	"strconv"
	"testing"

	"github.com/noaber/noaber/internal/store"
	"github.com/noaber/noaber/internal/testkit"
)

// BenchmarkPublishLocal publishes to one reader among 10,000 open
// subscriptions on SQLite and waits until the reader has the event:
// "tx" with the (empty) transaction Publish runs in, "deliver" the fan-out
// alone.
func BenchmarkPublishLocal(b *testing.B) {
	db := testkit.NewDB(b, store.SQLite)
	br := New(db, "", quiet)
	for i := 1; i < 10000; i++ {
		s := br.Subscribe("u" + strconv.Itoa(i))
		defer s.Close()
	}
	reader := br.Subscribe("u0")
	defer reader.Close()
	ev := msg("u0", "m1")
	ctx := context.Background()

	b.Run("tx", func(b *testing.B) {
		for b.Loop() {
			err := db.InTx(ctx, func(tx *store.Tx) error { return br.Publish(ctx, tx, ev) })
			if err != nil {
				b.Fatal(err)
			}
			<-reader.C
		}
	})
	b.Run("deliver", func(b *testing.B) {
		for b.Loop() {
			br.deliver(ev)
			<-reader.C
		}
	})
}

// BenchmarkPublishPostgres: publish in a transaction, until the reader on
// this instance has it back through NOTIFY and LISTEN.
func BenchmarkPublishPostgres(b *testing.B) {
	db := testkit.NewDB(b, store.Postgres)
	br := New(db, "", quiet)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go br.Run(ctx)
	<-br.Ready()
	reader := br.Subscribe("u0")
	defer reader.Close()
	i := 0
	for b.Loop() {
		i++
		err := db.InTx(ctx, func(tx *store.Tx) error { return br.Publish(ctx, tx, msg("u0", strconv.Itoa(i))) })
		if err != nil {
			b.Fatal(err)
		}
		<-reader.C
	}
}
