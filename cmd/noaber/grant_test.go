package main

import (
	"context"
	"strings"
	"testing"

	"github.com/noaber/noaber/internal/testkit"
)

func TestAdminGrantMakesACoordinator(t *testing.T) {
	for _, e := range testkit.Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			url := testkit.NewDatabaseURL(t, e)
			c := onDB(url)
			if r := c.run(t, "een lang wachtwoord\n", "admin", "create", "--email", "wijk@example.nl", "--postcode", "7201 AB", "--town", "Zutphen"); r.err != nil {
				t.Fatal(r.err)
			}
			r := c.run(t, "", "admin", "grant", "--email", "Wijk@Example.nl", "--edition", "nederland", "--role", "coordinator")
			if r.err != nil || !strings.Contains(r.stdout, "coordinator of edition nederland") {
				t.Fatalf("grant: %v %q", r.err, r.stdout)
			}
			var n int
			if err := openDB(t, url).QueryRow(context.Background(), `SELECT COUNT(*) FROM edition_roles r JOIN users u ON u.id = r.user_id
				WHERE u.email = 'wijk@example.nl' AND r.role = 'coordinator'`).Scan(&n); err != nil || n != 1 {
				t.Fatalf("%d roles (%v)", n, err)
			}
			for _, bad := range [][]string{
				{"--email", "nobody@example.nl"},
				{"--email", "wijk@example.nl", "--edition", "atlantis"},
				{"--email", "wijk@example.nl", "--role", "king"},
				{},
			} {
				if r := c.run(t, "", append([]string{"admin", "grant"}, bad...)...); r.err == nil {
					t.Errorf("grant %v succeeded", bad)
				}
			}
		})
	}
}
