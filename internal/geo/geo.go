// Package geo knows where places in the Netherlands are: an offline
// gazetteer of Dutch towns (GeoNames, CC-BY 4.0), an imported postcode
// table, and optionally PDOK's Locatieserver; and it holds the rules that
// keep positions private: snapping to a grid and rounded distances.
package geo

import (
	"errors"
	"math"
)

// Point is a WGS84 position.
type Point struct {
	Lat, Lng float64
}

const earthRadiusKm = 6371.0088

// Distance returns the great-circle distance between a and b in km.
func Distance(a, b Point) float64 {
	la1, la2 := a.Lat*math.Pi/180, b.Lat*math.Pi/180
	dla := la2 - la1
	dlo := (b.Lng - a.Lng) * math.Pi / 180
	h := math.Sin(dla/2)*math.Sin(dla/2) + math.Cos(la1)*math.Cos(la2)*math.Sin(dlo/2)*math.Sin(dlo/2)
	return 2 * earthRadiusKm * math.Asin(math.Min(1, math.Sqrt(h)))
}

// The privacy grid: cells of 0.009° latitude (1.0 km) by 0.015° longitude
// (1.0 km at 52° N). Everything others see about a position is derived from
// the centre of its cell, never from the position itself, so querying
// distances from many points (trilateration) finds at best the cell.
const (
	cellLat = 0.009
	cellLng = 0.015
)

// Snap returns the centre of the grid cell that p lies in.
func Snap(p Point) Point {
	return Point{
		Lat: (math.Floor(p.Lat/cellLat) + 0.5) * cellLat,
		Lng: (math.Floor(p.Lng/cellLng) + 0.5) * cellLng,
	}
}

// PublicKm is the distance between two snapped positions as others may see
// it: 0 means "less than 1 km", otherwise whole kilometres (rounded).
func PublicKm(aCell, bCell Point) int {
	d := Distance(aCell, bCell)
	if d < 1 {
		return 0
	}
	return int(math.Round(d))
}

// BBox returns the box that holds every point within km of p.
func BBox(p Point, km float64) (min, max Point) {
	dLat := km / 111.0
	dLng := km / (111.320 * math.Cos(p.Lat*math.Pi/180))
	return Point{p.Lat - dLat, p.Lng - dLng}, Point{p.Lat + dLat, p.Lng + dLng}
}

// InNetherlands reports whether p lies in the box around the European
// Netherlands (a sanity check for positions from devices).
func InNetherlands(p Point) bool {
	return p.Lat >= 50.7 && p.Lat <= 53.7 && p.Lng >= 3.2 && p.Lng <= 7.3
}

// Location is a resolved position with where it is.
type Location struct {
	Point
	Town             string
	MunicipalityCode string // CBS gemeentecode, e.g. "0153"
	Source           string // SourceDevice, SourceAddress, SourcePostcode or SourceTown
}

// How precise a Location is, best first.
const (
	SourceDevice   = "device"
	SourceAddress  = "address"  // postcode + house number
	SourcePostcode = "postcode" // PC6 or PC4 centroid
	SourceTown     = "town"
)

// Errors of Resolve.
var (
	ErrUnknownPostcode = errors.New("geo: postcode not found")
	ErrUnknownTown     = errors.New("geo: town not found")
)
