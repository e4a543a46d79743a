package account_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/noaber/noaber/internal/account"
	"github.com/noaber/noaber/internal/store"
	"github.com/noaber/noaber/internal/testkit"
)

// Logins for addresses without an account hash a stand-in password so they
// take as long as wrong passwords; many at once must be safe (run with -race).
func TestConcurrentLoginsForUnknownAddresses(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		var wg sync.WaitGroup
		// Each login for an address and from a client of its own: the
		// rate limits (per account, per client) are not what is tested.
		for i := 0; i < 8; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, _, err := e.svc.Login(context.Background(), fmt.Sprintf("nobody%d@example.org", i), "some password", fmt.Sprintf("192.0.2.%d", 50+i), "", account.WebSession)
				wantErr(t, err, "login_failed", "", "account.login_failed")
			}()
		}
		wg.Wait()
	})
}

func TestCleanupRemovesOnlyWhatExpired(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		e.verifiedUser(t, "clean@example.org")
		old, _, err := e.svc.Login(ctx, "clean@example.org", "correct horse battery", "192.0.2.1", "", account.WebSession)
		if err != nil {
			t.Fatal(err)
		}
		_, _, _ = e.svc.Login(ctx, "clean@example.org", "wrong password!", "192.0.2.1", "", account.WebSession)
		e.advance(account.SessionTTL(account.WebSession) - time.Hour)
		fresh, _, err := e.svc.Login(ctx, "clean@example.org", "correct horse battery", "192.0.2.1", "", account.WebSession)
		if err != nil {
			t.Fatal(err)
		}
		e.advance(2 * time.Hour) // the first session and the verification link have expired
		if err := e.svc.Cleanup(ctx); err != nil {
			t.Fatal(err)
		}
		count := func(q string) int {
			var n int
			if err := db.QueryRow(ctx, q).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		if n := count("SELECT COUNT(*) FROM sessions"); n != 1 {
			t.Fatalf("%d sessions left, want the fresh one only", n)
		}
		if _, err := e.svc.Authenticate(ctx, fresh, account.WebSession); err != nil {
			t.Fatalf("the live session was removed: %v", err)
		}
		if _, err := e.svc.Authenticate(ctx, old, account.WebSession); err == nil {
			t.Fatal("the expired session still works")
		}
		if n := count("SELECT COUNT(*) FROM email_tokens"); n != 0 {
			t.Fatalf("%d expired e-mail links left", n)
		}
		if n := count("SELECT COUNT(*) FROM rate_events"); n != 0 {
			t.Fatalf("%d rate events older than a day left", n)
		}
	})
}
