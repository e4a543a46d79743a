package help

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/noaber/noaber/internal/account"
	"github.com/noaber/noaber/internal/apperr"
	"github.com/noaber/noaber/internal/flag"
	"github.com/noaber/noaber/internal/geo"
	"github.com/noaber/noaber/internal/i18n"
	"github.com/noaber/noaber/internal/report"
	"github.com/noaber/noaber/internal/store"
)

// CreateOffer posts a concrete offer at the helper's position. It is
// active for OfferTTL.
func (s *Service) CreateOffer(ctx context.Context, helper *account.User, in OfferInput, lang i18n.Lang) (*OfferView, error) {
	var c apperr.Collector
	cat, err := s.category(ctx, lang, in.CategoryID)
	if err != nil {
		return nil, err
	}
	if cat == nil {
		c.Add("category", "help.category_unknown")
	}
	title := strings.Join(strings.Fields(in.Title), " ")
	switch {
	case title == "":
		c.Add("title", "help.title_required")
	case !validText(title, MaxTitle):
		c.Add("title", "help.title_too_long", "max", MaxTitle)
	}
	body := strings.TrimSpace(in.Body)
	if !validText(body, MaxOfferBody) {
		c.Add("body", "help.body_too_long", "max", MaxOfferBody)
	}
	pos := positionOf(helper)
	if err := c.Err(); err != nil {
		return nil, err
	}
	if !pos.Has {
		return nil, errNoPosition()
	}
	flags, err := s.verdict(ctx, helper, flag.KindOffer, title+"\n"+body)
	if err != nil {
		return nil, err
	}
	id := uuid.Must(uuid.NewV7()).String()
	now := s.now()
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		var seq int64
		if err := tx.QueryRow(ctx, `INSERT INTO offers (id, edition_id, user_id, category_id, title, body, lat, lng,
			cell_lat, cell_lng, town, municipality_code, status, expires_at, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING seq`,
			id, pos.EditionID, helper.ID, cat.ID, title, body, pos.Point.Lat, pos.Point.Lng, pos.Cell.Lat, pos.Cell.Lng,
			pos.Town, pos.MunicipalityCode, OfferActive, now.Add(OfferTTL), now, now).Scan(&seq); err != nil {
			return err
		}
		if err := setWords(ctx, tx, "offers_fts", seq, false, title, body); err != nil {
			return err
		}
		return s.recordFlags(ctx, tx, helper, report.TargetOffer, id, flags)
	})
	if err != nil {
		return nil, err
	}
	v, err := s.Offer(ctx, helper, id, lang)
	if err != nil {
		return nil, err
	}
	v.Hint = flags.Hint
	return v, nil
}

// CloseOffer closes an active offer of the helper.
func (s *Service) CloseOffer(ctx context.Context, helper *account.User, id string) error {
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		var owner, status string
		err := tx.QueryRow(ctx, "SELECT user_id, status FROM offers WHERE id = ?", id).Scan(&owner, &status)
		if errors.Is(err, store.ErrNotFound) || (err == nil && owner != helper.ID) {
			return apperr.NotFound()
		}
		if err != nil {
			return err
		}
		if status != OfferActive {
			return errClosed("help.offer_closed")
		}
		_, err = tx.Exec(ctx, "UPDATE offers SET status = ?, updated_at = ? WHERE id = ?", OfferClosed, s.now(), id)
		return err
	})
}

const offerColumns = `o.seq, o.id, o.category_id, o.title, o.body, o.cell_lat, o.cell_lng, o.town, o.status,
	o.expires_at, o.created_at, o.user_id, u.first_name, u.surname, u.show_full_surname`

type offerRow struct {
	seq        int64
	view       OfferView
	categoryID string
	cell       geo.Point
	expires    time.Time
	created    time.Time
}

func scanOffer(rows interface{ Scan(...any) error }, extra ...any) (*offerRow, error) {
	var o offerRow
	var first, sur string
	var full bool
	dest := append([]any{&o.seq, &o.view.ID, &o.categoryID, &o.view.Title, &o.view.Body, &o.cell.Lat, &o.cell.Lng,
		&o.view.Town, &o.view.Status, &o.expires, &o.created, &o.view.Helper.ID, &first, &sur, &full}, extra...)
	if err := rows.Scan(dest...); err != nil {
		return nil, err
	}
	o.view.Helper.DisplayName = account.DisplayName(first, sur, full)
	o.view.ExpiresAt, o.view.CreatedAt = o.expires.UTC(), o.created.UTC()
	return &o, nil
}

func (o *offerRow) finish(viewerID string, viewer position, cats map[string]category) OfferView {
	v := o.view
	v.Category = cats[o.categoryID].Category
	if v.Category.ID == "" {
		v.Category.ID = o.categoryID
	}
	v.Mine = v.Helper.ID == viewerID
	if viewer.Has {
		v.HasDistance = true
		v.DistanceKm = geo.PublicKm(viewer.Cell, o.cell)
	}
	return v
}

// Offer returns one offer as viewer may see it: others see only active
// offers that have not expired, never across a block.
func (s *Service) Offer(ctx context.Context, viewer *account.User, id string, lang i18n.Lang) (*OfferView, error) {
	var helperStatus string
	o, err := scanOffer(s.db.QueryRow(ctx, "SELECT "+offerColumns+`, u.status FROM offers o JOIN users u ON u.id = o.user_id
		WHERE o.id = ?`, id), &helperStatus)
	if errors.Is(err, store.ErrNotFound) {
		return nil, apperr.NotFound()
	}
	if err != nil {
		return nil, err
	}
	if o.view.Helper.ID != viewer.ID {
		// A suspended or removed helper's offers are gone for others.
		if o.view.Status != OfferActive || !o.expires.After(s.now()) || helperStatus != account.StatusActive {
			return nil, apperr.NotFound()
		}
		if blocked, err := account.BlockedEitherWay(ctx, s.db, viewer.ID, o.view.Helper.ID); err != nil || blocked {
			return nil, notFoundOr(err)
		}
	}
	pos := positionOf(viewer)
	cats, err := s.categoryMap(ctx, lang)
	if err != nil {
		return nil, err
	}
	v := o.finish(viewer.ID, pos, cats)
	return &v, nil
}

// MyOffers lists the viewer's own offers, newest first (at most MaxMine).
func (s *Service) MyOffers(ctx context.Context, viewer *account.User, lang i18n.Lang) ([]OfferView, error) {
	pos := positionOf(viewer)
	cats, err := s.categoryMap(ctx, lang)
	if err != nil {
		return nil, err
	}
	rows, err := s.db.Query(ctx, "SELECT "+offerColumns+` FROM offers o JOIN users u ON u.id = o.user_id
		WHERE o.user_id = ? ORDER BY o.created_at DESC, o.seq DESC LIMIT ?`, viewer.ID, MaxMine)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []OfferView{}
	for rows.Next() {
		o, err := scanOffer(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, o.finish(viewer.ID, pos, cats))
	}
	return out, rows.Err()
}

// ExpireDue expires open requests whose time has passed (their expires_at:
// the end of the window, or RequestTTL after asking), and closes offers
// past their expiry; a periodic job calls it. Running it again changes
// nothing. The word index keeps their rows: searches filter by status.
func (s *Service) ExpireDue(ctx context.Context) (int, error) {
	now := s.now()
	var n int
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		a, err := s.closeRequests(ctx, tx, StatusExpired, now, "status = ? AND expires_at <= ?", StatusOpen, now)
		if err != nil {
			return err
		}
		res, err := tx.Exec(ctx, `UPDATE offers SET status = ?, updated_at = ? WHERE status = ? AND expires_at <= ?`,
			OfferClosed, now, OfferActive, now)
		if err != nil {
			return err
		}
		b, _ := res.RowsAffected()
		n = a + int(b)
		return nil
	})
	return n, err
}
