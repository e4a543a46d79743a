package account

import (
	"context"
	"database/sql"
	"net/http"
	"strings"
	"time"

	"github.com/noaber/noaber/internal/apperr"
	"github.com/noaber/noaber/internal/i18n"
	"github.com/noaber/noaber/internal/store"
)

// House rules per edition. Version 1 is the built-in text (the catalog
// keys web.rules.*); an edition's coordinator can publish its own text as
// a new version, and every member of the edition is then asked to accept
// it before they go on (RulesOutdated).

// MaxHouseRules is the longest house rules text, in characters.
const MaxHouseRules = 20000

// HouseRules is an edition's current house rules in one language.
type HouseRules struct {
	EditionID   string
	EditionName string
	Version     int
	// Body is the edition's own text (paragraphs separated by blank
	// lines); "" means the built-in rules.
	Body        string
	PublishedAt time.Time // zero for the built-in rules
}

// HouseRules returns the current house rules of an edition in lang
// (falling back to Dutch when the edition wrote none in lang).
func (s *Service) HouseRules(ctx context.Context, editionID string, lang i18n.Lang) (*HouseRules, error) {
	hr := HouseRules{EditionID: editionID}
	var body, dutch sql.NullString
	var at, dutchAt sql.NullTime
	err := s.db.QueryRow(ctx, `SELECT e.name, e.rules_version, t.body, t.published_at, d.body, d.published_at
		FROM editions e
		LEFT JOIN house_rules t ON t.edition_id = e.id AND t.version = e.rules_version AND t.lang = ?
		LEFT JOIN house_rules d ON d.edition_id = e.id AND d.version = e.rules_version AND d.lang = ?
		WHERE e.id = ?`, string(lang), string(i18n.Default), editionID).Scan(&hr.EditionName, &hr.Version, &body, &at, &dutch, &dutchAt)
	if err != nil {
		return nil, notFound(err)
	}
	if !body.Valid {
		body, at = dutch, dutchAt
	}
	hr.Body = body.String
	if at.Valid {
		hr.PublishedAt = at.Time.UTC()
	}
	return &hr, nil
}

// PublishHouseRules publishes a new version of an edition's house rules,
// one text per language (Dutch required), and returns its version. Only a
// coordinator of the edition or a platform admin may (404 otherwise).
// Errors: 422 fields "body_nl", "body_en" (empty Dutch, too long).
func (s *Service) PublishHouseRules(ctx context.Context, by *User, editionID string, bodies map[i18n.Lang]string) (int, error) {
	if by == nil {
		return 0, apperr.NotFound()
	}
	if ok, err := s.HasRole(ctx, by, editionID, RoleCoordinator); err != nil || !ok {
		return 0, notFoundOr(err)
	}
	var c apperr.Collector
	texts := map[i18n.Lang]string{}
	for _, l := range i18n.Supported {
		body := strings.TrimSpace(strings.ReplaceAll(bodies[l], "\r\n", "\n"))
		field := "body_" + string(l)
		switch {
		case body == "" && l == i18n.Default:
			c.Add(field, "account.house_rules_required")
		case !validText(body, MaxHouseRules):
			c.Add(field, "account.house_rules_too_long", "max", MaxHouseRules)
		case body != "":
			texts[l] = body
		}
	}
	if err := c.Err(); err != nil {
		return 0, err
	}
	var version int
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		now := s.now()
		err := tx.QueryRow(ctx, "UPDATE editions SET rules_version = rules_version + 1 WHERE id = ? RETURNING rules_version",
			editionID).Scan(&version)
		if err != nil {
			return notFound(err)
		}
		for l, body := range texts {
			if _, err := tx.Exec(ctx, `INSERT INTO house_rules (edition_id, version, lang, body, published_by, published_at)
				VALUES (?, ?, ?, ?, ?, ?)`, editionID, version, string(l), body, by.ID, now); err != nil {
				return err
			}
		}
		// Whoever wrote them has read them: a coordinator of their own
		// edition is not asked to accept their own text.
		_, err = tx.Exec(ctx, "UPDATE users SET rules_version = ?, rules_accepted_at = ? WHERE id = ? AND edition_id = ?",
			version, now, by.ID, editionID)
		return err
	})
	if err != nil {
		return 0, err
	}
	return version, nil
}

// AcceptHouseRules records that the user accepted version of their
// edition's house rules. Errors: 409 "rules_version_stale" when version
// is not the current one (the page was old: show the new text).
func (s *Service) AcceptHouseRules(ctx context.Context, userID string, version int) error {
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		var current int
		err := tx.QueryRow(ctx, "SELECT e.rules_version FROM users u JOIN editions e ON e.id = u.edition_id WHERE u.id = ?",
			userID).Scan(&current)
		if err != nil {
			return notFound(err)
		}
		if version != current {
			return apperr.New(http.StatusConflict, "rules_version_stale", "account.rules_version_stale")
		}
		_, err = tx.Exec(ctx, "UPDATE users SET rules_version = ?, rules_accepted_at = ?, updated_at = ? WHERE id = ?",
			version, s.now(), s.now(), userID)
		return err
	})
}
