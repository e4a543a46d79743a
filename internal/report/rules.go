package report

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/noaber/noaber/internal/apperr"
	"github.com/noaber/noaber/internal/flag"
	"github.com/noaber/noaber/internal/store"
)

// cachedRules is an edition's compiled rules and when they were read.
type cachedRules struct {
	rules *flag.Rules
	at    time.Time
}

// Rules returns the edition's rules: the defaults with its overrides,
// compiled once per Options.RulesTTL rather than per text. Overrides that
// no longer compile (the defaults changed under them) are logged and the
// defaults used: a broken setting must not stop people from writing.
func (s *Service) Rules(ctx context.Context, editionID string) (*flag.Rules, error) {
	now := s.opt.Now()
	s.mu.Lock()
	c, ok := s.rules[editionID]
	s.mu.Unlock()
	if ok && now.Sub(c.at) < s.opt.RulesTTL && now.Sub(c.at) >= 0 {
		return c.rules, nil
	}
	text, err := s.Overrides(ctx, editionID)
	if err != nil {
		return nil, err
	}
	rules := flag.Default()
	if text != "" {
		r, err := compileOverrides(text)
		if err != nil {
			slog.Default().Error("report: the edition's flag overrides do not compile; using the defaults",
				"edition", editionID, "err", err)
		} else {
			rules = r
		}
	}
	s.mu.Lock()
	if s.rules == nil {
		s.rules = map[string]cachedRules{}
	}
	s.rules[editionID] = cachedRules{rules, now}
	s.mu.Unlock()
	return rules, nil
}

// compileOverrides reads overrides (unknown fields are an error, so a
// misspelt field does not pass silently) and applies them to the defaults.
func compileOverrides(text string) (*flag.Rules, error) {
	dec := json.NewDecoder(strings.NewReader(text))
	dec.DisallowUnknownFields()
	var o flag.Overrides
	if err := dec.Decode(&o); err != nil {
		return nil, fmt.Errorf("flag: reading overrides: %w", err)
	}
	if dec.More() {
		return nil, errors.New("flag: reading overrides: more than one JSON document")
	}
	return flag.Default().With(o)
}

// Overrides returns the edition's overrides as indented JSON ("" for
// none).
func (s *Service) Overrides(ctx context.Context, editionID string) (string, error) {
	var text string
	err := s.db.QueryRow(ctx, "SELECT overrides FROM edition_flag_rules WHERE edition_id = ?", editionID).Scan(&text)
	if errors.Is(err, store.ErrNotFound) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("report: overrides of %s: %w", editionID, err)
	}
	return text, nil
}

// SaveOverrides checks and stores an edition's overrides ("" removes
// them); this instance uses them at once, others within RulesTTL.
func (s *Service) SaveOverrides(ctx context.Context, editionID, byUserID, jsonText string) error {
	jsonText = strings.TrimSpace(jsonText)
	if len(jsonText) > MaxOverrides {
		return apperr.Invalid(apperr.FieldError{Field: "overrides", Key: "report.error.overrides_long", Args: []any{"max", MaxOverrides / 1024}})
	}
	var n int
	if err := s.db.QueryRow(ctx, "SELECT COUNT(*) FROM editions WHERE id = ?", editionID).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return apperr.NotFound()
	}
	now := stamp(s.opt.Now())
	if jsonText == "" {
		if _, err := s.db.Exec(ctx, "DELETE FROM edition_flag_rules WHERE edition_id = ?", editionID); err != nil {
			return err
		}
		s.forget(editionID)
		return nil
	}
	if _, err := compileOverrides(jsonText); err != nil {
		return apperr.Invalid(apperr.FieldError{Field: "overrides", Key: "report.error.overrides", Args: []any{"error", err.Error()}})
	}
	var pretty bytes.Buffer
	if err := json.Indent(&pretty, []byte(jsonText), "", "  "); err != nil {
		return apperr.Invalid(apperr.FieldError{Field: "overrides", Key: "report.error.overrides", Args: []any{"error", err.Error()}})
	}
	_, err := s.db.Exec(ctx, `INSERT INTO edition_flag_rules (edition_id, overrides, updated_by, updated_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (edition_id) DO UPDATE SET overrides = excluded.overrides, updated_by = excluded.updated_by,
			updated_at = excluded.updated_at`, editionID, pretty.String(), store.Null(byUserID), now)
	if err != nil {
		return fmt.Errorf("report: save overrides of %s: %w", editionID, err)
	}
	s.forget(editionID)
	return nil
}

func (s *Service) forget(editionID string) {
	s.mu.Lock()
	delete(s.rules, editionID)
	s.mu.Unlock()
}
