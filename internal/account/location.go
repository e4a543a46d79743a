package account

import (
	"context"
	"database/sql"
	"errors"
	"math"
	"strings"
	"time"

	"github.com/noaber/noaber/internal/apperr"
	"github.com/noaber/noaber/internal/geo"
	"github.com/noaber/noaber/internal/store"
)

// positionPerAccount limits how often a user's device may move them, so
// that nobody can walk their own position around a target and read the
// distances (trilateration).
var positionPerAccount = limit{"position-account", 3, 24 * time.Hour}

// PositionHook runs in the transaction that changed a user's position or
// offered help, so that indexes over positions (the help package's helper
// index) follow at once.
type PositionHook func(ctx context.Context, tx *store.Tx, userID string) error

// OnPositionChange registers a hook; call it while wiring, before use.
func (s *Service) OnPositionChange(h PositionHook) { s.hooks = append(s.hooks, h) }

func (s *Service) positionChanged(ctx context.Context, tx *store.Tx, userID string) error {
	for _, h := range s.hooks {
		if err := h(ctx, tx, userID); err != nil {
			return err
		}
	}
	return nil
}

// locate resolves where a user lives, as field errors on failure.
func (s *Service) locate(ctx context.Context, c *apperr.Collector, p place) (geo.Location, bool, error) {
	if s.opt.Resolver == nil || p.postcode == "" || p.town == "" {
		return geo.Location{}, false, nil
	}
	loc, err := s.opt.Resolver.Resolve(ctx, p.postcode, p.houseNumber, p.town)
	switch {
	case errors.Is(err, geo.ErrUnknownPostcode):
		c.Add("postcode", "account.postcode_unknown")
		return loc, false, nil
	case errors.Is(err, geo.ErrUnknownTown):
		c.Add("town", "account.town_unknown")
		return loc, false, nil
	case err != nil:
		return loc, false, err
	}
	return loc, true, nil
}

// editionFor returns the edition that covers a municipality: a local one
// where there is one, else the national edition.
func editionFor(ctx context.Context, q store.Querier, municipality string) (string, error) {
	if municipality == "" {
		return NationalEditionID, nil
	}
	var id string
	err := q.QueryRow(ctx, "SELECT edition_id FROM edition_areas WHERE municipality_code = ?", municipality).Scan(&id)
	if errors.Is(err, store.ErrNotFound) {
		return NationalEditionID, nil
	}
	return id, err
}

// setLocation stores a resolved location on the user, with the edition
// that covers it, and lets the position hooks follow.
func (s *Service) setLocation(ctx context.Context, tx *store.Tx, userID string, loc geo.Location) error {
	edition, err := editionFor(ctx, tx, loc.MunicipalityCode)
	if err != nil {
		return err
	}
	cell := geo.Snap(loc.Point)
	if _, err := tx.Exec(ctx, `UPDATE users SET lat = ?, lng = ?, cell_lat = ?, cell_lng = ?, municipality_code = ?,
		location_source = ?, location_updated_at = ?, edition_id = ? WHERE id = ?`,
		loc.Lat, loc.Lng, cell.Lat, cell.Lng, loc.MunicipalityCode, loc.Source, s.now(), edition, userID); err != nil {
		return err
	}
	return s.positionChanged(ctx, tx, userID)
}

// movesTo reports whether an address change should move the user to loc,
// counting a real move (to another cell) against the daily limit on moves:
// editing the postcode back and forth must not become a way to measure
// distances from many points. A device position is more precise than the
// address, so it stays unless the address is in another town.
func (s *Service) movesTo(ctx context.Context, tx *store.Tx, userID string, loc geo.Location) (bool, error) {
	var source, town string
	var cellLat, cellLng sql.NullFloat64
	if err := tx.QueryRow(ctx, "SELECT location_source, town, cell_lat, cell_lng FROM users WHERE id = ?", userID).Scan(&source, &town, &cellLat, &cellLng); err != nil {
		return false, err
	}
	if source == geo.SourceDevice && strings.EqualFold(town, loc.Town) {
		return false, nil
	}
	if cellLat.Valid && (geo.Point{Lat: cellLat.Float64, Lng: cellLng.Float64}) == geo.Snap(loc.Point) {
		return true, nil // same cell: nothing others could measure changes
	}
	if !cellLat.Valid {
		return true, nil // a first position
	}
	over, wait, err := s.exceeded(ctx, tx, positionPerAccount, userID)
	if err != nil {
		return false, err
	}
	if over {
		return false, apperr.RateLimited("account.position_rate_limited", "minutes", minutes(wait))
	}
	return true, s.record(ctx, tx, positionPerAccount, userID)
}

// SetDevicePosition stores the position the user's device gave (with the
// user's consent) as their own, more precise position. Moving is limited to
// a few times a day, so nobody can probe distances from many points.
func (s *Service) SetDevicePosition(ctx context.Context, u *User, lat, lng float64) error {
	loc, ok := geo.DeviceLocation(geo.Point{Lat: lat, Lng: lng})
	if math.IsNaN(lat) || math.IsNaN(lng) || !ok {
		return apperr.Invalid(apperr.FieldError{Field: "position", Key: "account.position_outside"})
	}
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		over, wait, err := s.exceeded(ctx, tx, positionPerAccount, u.ID)
		if err != nil {
			return err
		}
		if over {
			return apperr.RateLimited("account.position_rate_limited", "minutes", minutes(wait))
		}
		if err := s.record(ctx, tx, positionPerAccount, u.ID); err != nil {
			return err
		}
		// The device gives a position, not an address: the town stays the
		// one the user gave; the municipality is that of the nearest place.
		loc.Town = u.Town
		return s.setLocation(ctx, tx, u.ID, loc)
	})
}
