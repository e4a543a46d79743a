package web_test

import (
	"context"
	"testing"

	"github.com/noaber/noaber/internal/account"
	"github.com/noaber/noaber/internal/store"
	"github.com/noaber/noaber/internal/trust"
)

// nationalEdition is the edition every seeded member belongs to.
const nationalEdition = account.NationalEditionID

// trustEnv is dispatchEnv with the trust service and the flag checks of
// requests and offers (the report service) wired in, as the app does.
type trustEnv struct {
	*dispatchEnv
	trust *trust.Service
}

func newTrustEnv(t *testing.T, db *store.DB) *trustEnv {
	t.Helper()
	e, s := newWired(t, db, wiring{reports: true, trust: true})
	return &trustEnv{dispatchEnv: e, trust: s.trust}
}

// coordinator makes a member who coordinates the national edition.
func (e *trustEnv) coordinator(t *testing.T, email, first string) *account.User {
	t.Helper()
	u := e.person(t, email, first, 0.2)
	if err := e.acc.GrantRole(context.Background(), email, "nederland", account.RoleCoordinator); err != nil {
		t.Fatal(err)
	}
	return u
}
