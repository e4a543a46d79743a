package geo

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/noaber/noaber/internal/store"
)

// Place is a town of the gazetteer.
type Place struct {
	Name             string
	MunicipalityCode string
	Point
}

// ResolverOptions configure a Resolver.
type ResolverOptions struct {
	// PDOK, when set, is asked for the exact address first (its answers are
	// cached in the database).
	PDOK *PDOK
	// Logger receives PDOK failures (Resolve carries on without PDOK);
	// slog.Default() when nil.
	Logger *slog.Logger
}

// Resolver turns what a person typed (postcode, house number, town) into a
// Location, most precise source first: PDOK (postcode + house number), the
// imported postcode table (PC6, then PC4), then the gazetteer (town).
type Resolver struct {
	db  *store.DB
	opt ResolverOptions

	mu         sync.Mutex
	hasRows    bool
	checkedAt  time.Time
	generation uint64
}

// tableCheckFor is how long a resolver trusts what it knows about whether
// the postcode table is empty; an import in this process resets it at
// once, one by the command in another process within this time.
const tableCheckFor = time.Minute

// NewResolver returns a resolver over db's postcode table and cache.
func NewResolver(db *store.DB, opt ResolverOptions) *Resolver {
	if opt.Logger == nil {
		opt.Logger = slog.Default()
	}
	return &Resolver{db: db, opt: opt}
}

// Resolve finds where postcode (normalised "1234AB"), houseNumber
// (optional) and town are. The town of the result is the one the data
// gives, else the one typed. When a postcode table was imported and the
// postcode is in neither it nor PDOK, the answer is ErrUnknownPostcode;
// when only the town is left and the gazetteer does not know it,
// ErrUnknownTown.
//
// The postcode may also be given as "1234 AB" or as a PC4 "1234"; a
// postcode that is neither counts as not given. A failing PDOK is logged
// and passed over.
func (r *Resolver) Resolve(ctx context.Context, postcode, houseNumber, town string) (Location, error) {
	pc, _ := NormalizePostcode(postcode)
	if pc != "" {
		if len(pc) == 6 && r.opt.PDOK != nil {
			loc, found, err := r.opt.PDOK.lookup(ctx, r.db, pc, houseNumber)
			switch {
			case err != nil && ctx.Err() != nil:
				return Location{}, ctx.Err()
			case err != nil:
				r.opt.Logger.Warn("geo: PDOK Locatieserver failed; using the postcode table", "err", err)
			case found:
				return r.withTown(loc, town), nil
			}
		}
		candidates := []string{pc}
		if len(pc) == 6 {
			candidates = append(candidates, pc[:4])
		}
		for _, c := range candidates {
			var loc Location
			err := r.db.QueryRow(ctx, `SELECT lat, lng, town, municipality_code FROM postcodes WHERE postcode = ?`, c).
				Scan(&loc.Lat, &loc.Lng, &loc.Town, &loc.MunicipalityCode)
			if err == nil {
				loc.Source = SourcePostcode
				return r.withTown(loc, town), nil
			}
			if !errors.Is(err, store.ErrNotFound) {
				return Location{}, err
			}
		}
		has, err := r.tableHasRows(ctx)
		if err != nil {
			return Location{}, err
		}
		if has {
			return Location{}, ErrUnknownPostcode
		}
	}
	pl, ok := LookupTown(town)
	if !ok {
		return Location{}, ErrUnknownTown
	}
	return Location{Point: pl.Point, Town: pl.Name, MunicipalityCode: pl.MunicipalityCode, Source: SourceTown}, nil
}

// withTown fills in a town the data left empty: the typed one in the
// gazetteer's spelling, else the nearest place's.
func (r *Resolver) withTown(loc Location, typed string) Location {
	if loc.Town != "" && loc.MunicipalityCode != "" {
		return loc
	}
	pl, ok := LookupTown(typed)
	if !ok || Distance(pl.Point, loc.Point) > 15 {
		pl = Nearest(loc.Point)
	}
	if loc.Town == "" {
		loc.Town = pl.Name
	}
	if loc.MunicipalityCode == "" {
		loc.MunicipalityCode = pl.MunicipalityCode
	}
	return loc
}

// tableHasRows says whether a postcode table was imported, asking the
// database at most once a minute.
func (r *Resolver) tableHasRows(ctx context.Context) (bool, error) {
	gen := importGeneration.Load()
	r.mu.Lock()
	if gen == r.generation && !r.checkedAt.IsZero() && time.Since(r.checkedAt) < tableCheckFor {
		has := r.hasRows
		r.mu.Unlock()
		return has, nil
	}
	r.mu.Unlock()
	var one int
	err := r.db.QueryRow(ctx, `SELECT 1 FROM postcodes LIMIT 1`).Scan(&one)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return false, err
	}
	has := err == nil
	r.mu.Lock()
	r.hasRows, r.checkedAt, r.generation = has, time.Now(), gen
	r.mu.Unlock()
	return has, nil
}

// DeviceLocation is the Location of a position a device gave (browser
// geolocation, with consent): its town and municipality are those of the
// nearest gazetteer place. False outside the Netherlands.
func DeviceLocation(p Point) (Location, bool) {
	if !InNetherlands(p) {
		return Location{}, false
	}
	pl := Nearest(p)
	return Location{Point: p, Town: pl.Name, MunicipalityCode: pl.MunicipalityCode, Source: SourceDevice}, true
}
