package store

import (
	"context"
	"errors"
)

// Setting returns the value stored under key, or ErrNotFound.
func (db *DB) Setting(ctx context.Context, key string) (string, error) {
	var v string
	err := db.QueryRow(ctx, "SELECT value FROM settings WHERE key = ?", key).Scan(&v)
	return v, err
}

// SettingOrCreate returns the value stored under key; when there is none it
// stores the value made by create. When several instances start at once,
// all of them end up with the value of the one that stored first.
func (db *DB) SettingOrCreate(ctx context.Context, key string, create func() (string, error)) (string, error) {
	v, err := db.Setting(ctx, key)
	if err == nil || !errors.Is(err, ErrNotFound) {
		return v, err
	}
	nv, err := create()
	if err != nil {
		return "", err
	}
	if _, err := db.Exec(ctx, "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING", key, nv); err != nil {
		return "", err
	}
	// Read from the write pool's point of view: another instance may have won.
	var stored string
	err = db.InTx(ctx, func(tx *Tx) error {
		return tx.QueryRow(ctx, "SELECT value FROM settings WHERE key = ?", key).Scan(&stored)
	})
	return stored, err
}
