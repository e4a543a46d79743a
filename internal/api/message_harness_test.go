package api

import (
	"testing"
	"time"

	"github.com/noaber/noaber/internal/account"
	"github.com/noaber/noaber/internal/geo"
	"github.com/noaber/noaber/internal/help"
	"github.com/noaber/noaber/internal/jobs"
	"github.com/noaber/noaber/internal/live"
	"github.com/noaber/noaber/internal/message"
	"github.com/noaber/noaber/internal/notify"
	"github.com/noaber/noaber/internal/push"
	"github.com/noaber/noaber/internal/store"
)

// messageEnv is newHelpEnv with conversations, the live broker and the
// notification settings wired in as internal/app does it, on one test
// clock. Push is on, with keys made here, when vapid is set.
type messageEnv struct {
	*env
	broker *live.Broker
	vapid  string // the VAPID public key, "" when push is off
}

func newMessageEnv(t *testing.T, db *store.DB, withPush bool) *messageEnv {
	t.Helper()
	clk := &clock{now: time.Now().UTC().Truncate(time.Second)}
	q := jobs.New(db, jobs.Options{Now: clk.Now})
	svc := account.New(db, q, account.Options{
		BaseURL: "http://noaber.test", SecretKey: []byte("test"), PasswordMemoryKiB: 1024, Now: clk.Now,
	})
	hs := help.New(db, q, svc, geo.NewResolver(db, geo.ResolverOptions{}), help.Options{Now: clk.Now})
	ns := notify.New(db, clk.Now)
	broker := startBroker(t, db)
	ms := message.New(db, svc, hs, broker, message.Options{Now: clk.Now})
	me := &messageEnv{broker: broker}
	opt := notify.DeliveryOptions{Queue: q, BaseURL: "http://noaber.test", SecretKey: []byte("test")}
	if withPush {
		keys, err := push.GenerateKeys()
		if err != nil {
			t.Fatal(err)
		}
		opt.Push, opt.VAPIDPublicKey, me.vapid = push.NewSender(keys, "mailto:test@noaber.test"), keys.Public, keys.Public
	}
	ns.Deliver(opt)
	me.env = serve(t, db, clk, Deps{Accounts: svc, Help: hs, Notify: ns, Messages: ms, Live: broker})
	return me
}
