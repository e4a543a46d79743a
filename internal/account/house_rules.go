package account

import (
	"context"
	"errors"
	"time"

	"github.com/noaber/noaber/internal/i18n"
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
	return &HouseRules{EditionID: editionID, Version: RulesVersion}, nil
}

// PublishHouseRules publishes a new version of an edition's house rules,
// one text per language (Dutch required), and returns its version. Only a
// coordinator of the edition or a platform admin may (404 otherwise).
// Errors: 422 fields "body_nl", "body_en" (empty Dutch, too long).
func (s *Service) PublishHouseRules(ctx context.Context, by *User, editionID string, bodies map[i18n.Lang]string) (int, error) {
	return 0, errors.New("account: PublishHouseRules not implemented")
}

// AcceptHouseRules records that the user accepted version of their
// edition's house rules. Errors: 409 "rules_version_stale" when version
// is not the current one (the page was old: show the new text).
func (s *Service) AcceptHouseRules(ctx context.Context, userID string, version int) error {
	return errors.New("account: AcceptHouseRules not implemented")
}
