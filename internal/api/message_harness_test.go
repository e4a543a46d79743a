package api

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/routers/gorillamux"

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
	broker := live.New(db, "", nil)
	// On PostgreSQL events travel through LISTEN/NOTIFY, this instance's
	// own too: the broker must listen before anything is sent.
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); broker.Run(ctx) }()
	t.Cleanup(func() { broker.CloseAll(); cancel(); <-done })
	select {
	case <-broker.Ready():
	case <-time.After(30 * time.Second):
		t.Fatal("the live broker did not start listening")
	}
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

	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusNotFound)
		io.WriteString(w, "<!doctype html><title>page</title>")
	})
	New(Deps{Accounts: svc, Help: hs, Notify: ns, Messages: ms, Live: broker, BaseURL: "http://noaber.test", TrustProxy: true}).Register(mux)
	srv := httptest.NewServer(mux)
	// The event streams end before the server closes (Close waits for
	// them); cleanups run last-registered first.
	t.Cleanup(srv.Close)
	t.Cleanup(broker.CloseAll)
	spec := loadSpec(t)
	router, err := gorillamux.NewRouter(spec)
	if err != nil {
		t.Fatalf("openapi router: %v", err)
	}
	me.env = &env{t: t, db: db, svc: svc, srv: srv, router: router, spec: spec, clock: clk}
	return me
}
