package store_test

import (
	"context"
	"errors"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/noaber/noaber/internal/store"
	"github.com/noaber/noaber/internal/testkit"
)

func TestMigrateIsIdempotent(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		n, err := db.Migrate(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Fatalf("second migrate applied %d migrations, want 0", n)
		}
		migs, _ := store.Migrations()
		v, err := db.Version(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if v != migs[len(migs)-1].Version {
			t.Fatalf("version %d, want %d", v, migs[len(migs)-1].Version)
		}
	})
}

func TestErrorsAreTranslated(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		var v string
		err := db.QueryRow(ctx, "SELECT value FROM settings WHERE key = ?", "nope").Scan(&v)
		if !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("missing row: got %v, want ErrNotFound", err)
		}
		if _, err := db.Exec(ctx, "INSERT INTO settings (key, value) VALUES (?, ?)", "k", "1"); err != nil {
			t.Fatal(err)
		}
		_, err = db.Exec(ctx, "INSERT INTO settings (key, value) VALUES (?, ?)", "k", "2")
		if !errors.Is(err, store.ErrConflict) {
			t.Fatalf("duplicate key: got %v, want ErrConflict", err)
		}
	})
}

func TestTimesRoundTripInUTCAndSort(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		base := time.Date(2026, 11, 23, 18, 0, 0, 0, time.UTC)
		// Fractional seconds of different lengths must still sort right.
		times := []time.Time{base.Add(1500 * time.Millisecond), base.Add(time.Second), base.Add(1234567 * time.Microsecond), base}
		for i, at := range times {
			if _, err := db.Exec(ctx, "INSERT INTO rate_events (key, at) VALUES (?, ?)", "k", at); err != nil {
				t.Fatalf("insert %d: %v", i, err)
			}
		}
		rows, err := db.Query(ctx, "SELECT at FROM rate_events WHERE key = ? AND at > ? ORDER BY at", "k", base)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var got []time.Time
		for rows.Next() {
			var at time.Time
			if err := rows.Scan(&at); err != nil {
				t.Fatal(err)
			}
			got = append(got, at)
		}
		want := []time.Time{base.Add(time.Second), base.Add(1234567 * time.Microsecond), base.Add(1500 * time.Millisecond)}
		if len(got) != len(want) {
			t.Fatalf("got %v, want %v", got, want)
		}
		for i := range want {
			if _, off := got[i].Zone(); !got[i].Equal(want[i]) || off != 0 {
				t.Fatalf("row %d: got %v, want %v in UTC", i, got[i], want[i])
			}
		}
	})
}

func TestTxRollsBackAndRunsAfterCommitOnlyOnCommit(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		ran := 0
		boom := errors.New("boom")
		err := db.InTx(ctx, func(tx *store.Tx) error {
			tx.AfterCommit(func() { ran++ })
			if _, err := tx.Exec(ctx, "INSERT INTO settings (key, value) VALUES (?, ?)", "a", "1"); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) || ran != 0 {
			t.Fatalf("err %v ran %d", err, ran)
		}
		if _, err := db.Setting(ctx, "a"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("rolled back write is visible: %v", err)
		}
		err = db.InTx(ctx, func(tx *store.Tx) error {
			tx.AfterCommit(func() { ran++ })
			_, err := tx.Exec(ctx, "INSERT INTO settings (key, value) VALUES (?, ?)", "a", "1")
			return err
		})
		if err != nil || ran != 1 {
			t.Fatalf("err %v ran %d", err, ran)
		}
	})
}

func TestSettingOrCreateAgreesUnderConcurrency(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		var wg sync.WaitGroup
		vals := make([]string, 8)
		errs := make([]error, 8)
		for i := range vals {
			wg.Add(1)
			go func() {
				defer wg.Done()
				vals[i], errs[i] = db.SettingOrCreate(ctx, "secret", func() (string, error) {
					return time.Now().String() + string(rune('a'+i)), nil
				})
			}()
		}
		wg.Wait()
		for i := range vals {
			if errs[i] != nil {
				t.Fatal(errs[i])
			}
			if vals[i] != vals[0] {
				t.Fatalf("instance %d got %q, instance 0 got %q", i, vals[i], vals[0])
			}
		}
	})
}

func TestQuestionMarkInStringIsNotRebound(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		var s string
		if err := db.QueryRow(ctx, "SELECT 'is it?' || ?", "yes").Scan(&s); err != nil {
			t.Fatal(err)
		}
		if s != "is it?yes" {
			t.Fatalf("got %q", s)
		}
	})
}

func TestBackupIsAConsistentCopy(t *testing.T) {
	testkit.ForEachEngine(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if _, err := db.Exec(ctx, "INSERT INTO settings (key, value) VALUES (?, ?)", "backed", "up"); err != nil {
			t.Fatal(err)
		}
		out := filepath.Join(t.TempDir(), "backup")
		if err := db.Backup(ctx, out); err != nil {
			t.Fatal(err)
		}
		if db.Engine() == store.SQLite {
			copyDB, err := store.Open(ctx, out)
			if err != nil {
				t.Fatal(err)
			}
			defer copyDB.Close()
			if v, err := copyDB.Setting(ctx, "backed"); err != nil || v != "up" {
				t.Fatalf("copy has %q, %v", v, err)
			}
			return
		}
		// pg_dump's custom format: list its table of contents.
		toc, err := exec.Command("pg_restore", "--list", out).CombinedOutput()
		if err != nil {
			t.Fatalf("pg_restore --list: %v: %s", err, toc)
		}
		if !strings.Contains(string(toc), "TABLE DATA") || !strings.Contains(string(toc), "settings") {
			t.Fatalf("dump lacks the settings table:\n%s", toc)
		}
	})
}
