package message_test

import (
	"fmt"
	"sort"
	"testing"
	"time"

	"github.com/noaber/noaber/internal/live"
	"github.com/noaber/noaber/internal/testkit"
)

// BenchmarkSend is a message send as the issue measures it: the write
// (message, unread count, notification, delivery job, live event in one
// transaction) and the fan-out to a connected reader: the recipient's
// subscription is open and each op ends when the event arrives there.
// On PostgreSQL that is the round trip through pg_notify and LISTEN.
func BenchmarkSend(b *testing.B) {
	for _, engine := range testkit.Engines(b) {
		b.Run(string(engine), func(b *testing.B) {
			e := newEnv(b, testkit.NewDB(b, engine))
			anna, bram := e.person("Anna", zutphen), e.person("Bram", east(1))
			c, _ := e.direct(anna, bram, "Hallo")
			sub := e.live.Subscribe(bram.ID)
			defer sub.Close()
			took := make([]time.Duration, 0, b.N)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				start := time.Now()
				m, err := e.m.Send(e.ctx, anna, c.ID, fmt.Sprintf("Bericht %d", i), "")
				if err != nil {
					b.Fatal(err)
				}
				for {
					ev, ok := <-sub.C
					if !ok {
						b.Fatal("the subscription ended")
					}
					if ev.Kind == live.KindMessage && ev.MessageID == m.ID {
						break
					}
				}
				took = append(took, time.Since(start))
			}
			b.StopTimer()
			sort.Slice(took, func(i, j int) bool { return took[i] < took[j] })
			at := func(p float64) float64 {
				return float64(took[int(p*float64(len(took)-1))].Microseconds()) / 1000
			}
			b.ReportMetric(at(0.50), "p50-ms")
			b.ReportMetric(at(0.99), "p99-ms")
		})
	}
}
