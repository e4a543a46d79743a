package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/noaber/noaber/internal/store"
	"github.com/noaber/noaber/internal/testkit"
)

func TestGeoImport(t *testing.T) {
	for _, e := range testkit.Engines(t) {
		t.Run(string(e), func(t *testing.T) {
			url := testkit.NewDatabaseURL(t, e)
			c := onDB(url)
			file := filepath.Join(t.TempDir(), "pc.csv")
			csv := "postcode;lat;lng;woonplaats;gemeentecode\n7511 JM;52,2196;6,8941;Enschede;0153\n7512;52,22;6,88;Enschede;0153\n9999;1;2;Nergens;0000\n"
			if err := os.WriteFile(file, []byte(csv), 0o600); err != nil {
				t.Fatal(err)
			}
			// Flags after the file are read too.
			r := c.run(t, "", "geo", "import", file, "--format", "csv")
			if !strings.Contains(r.stdout, "2 postcodes loaded") {
				t.Errorf("stdout %q, want the count", r.stdout)
			}
			if r.err == nil || !strings.Contains(r.err.Error(), "line 4:") {
				t.Errorf("err %v, want the bad line 4 reported", r.err)
			}
			db, err := store.Open(context.Background(), url)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			var n int
			if err := db.QueryRow(context.Background(), `SELECT COUNT(*) FROM postcodes WHERE municipality_code = '0153'`).Scan(&n); err != nil || n != 2 {
				t.Errorf("%d Enschede postcodes stored (%v), want 2", n, err)
			}

			for _, bad := range [][]string{
				{"geo"},
				{"geo", "export"},
				{"geo", "import"},
				{"geo", "import", file, "other"},
				{"geo", "import", "--format", "xml", file},
				{"geo", "import", filepath.Join(t.TempDir(), "missing.csv")},
			} {
				if r := c.run(t, "", bad...); r.err == nil {
					t.Errorf("%v succeeded", bad)
				}
			}
		})
	}
}
