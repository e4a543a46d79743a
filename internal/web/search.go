package web

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/noaber/noaber/internal/account"
	"github.com/noaber/noaber/internal/apperr"
	"github.com/noaber/noaber/internal/help"
)

type searchPage struct {
	Categories []account.Category
	Radii      []int
	Kind       string
	RadiusKm   int
	Result     *help.SearchResult
	Empty      bool
	Next       string // address of the next page
	Wider      string // the same search farther away, for the empty state
	WiderKm    int
}

var searchFields = []string{"kind", "category", "radius", "words", "from", "to", "sort"}

var searchRadii = []int{1, 2, 5, 10, 25}

// search finds requests or offers around the viewer's own stored
// position: the form has no position field, and none is read.
func (h *Handler) search(w http.ResponseWriter, r *http.Request, v *visit) error {
	qv := r.URL.Query()
	f := &form{Values: url.Values{}, Errors: map[string]string{}}
	for _, n := range searchFields {
		if x := qv.Get(n); x != "" {
			f.Values.Set(n, x)
		}
	}
	if f.get("kind") != help.KindOffers {
		f.Values.Set("kind", help.KindRequests)
	}
	if f.get("radius") == "" {
		f.Values.Set("radius", "5")
	}
	if f.get("sort") == "" {
		f.Values.Set("sort", help.SortNearest)
	}
	radius, err := strconv.Atoi(f.get("radius"))
	if err != nil {
		radius = -1 // the service says what is wrong
	}
	// The inputs have ids of their own ("search-words"); the form shows
	// the values under those, the links keep the names.
	params := cloneValues(f.Values)
	for _, n := range []string{"words", "from", "to", "radius", "category", "sort"} {
		f.Values.Set("search-"+n, f.Values.Get(n))
	}
	p := searchPage{Radii: searchRadii, Kind: f.get("kind"), RadiusKm: radius}
	res, err := h.help.Search(r.Context(), v.user, help.SearchQuery{
		Kind: p.Kind, CategoryID: f.get("category"), RadiusKm: radius, Words: f.get("words"),
		From: f.get("from"), To: f.get("to"), Sort: f.get("sort"), Cursor: qv.Get("cursor"),
	}, v.lang)
	status := http.StatusOK
	if e, ok := apperr.As(err); ok {
		status = f.setError(v.lang, e, map[string]string{
			"radius_km": "search-radius", "radius": "search-radius", "category_id": "search-category", "category": "search-category",
			"words": "search-words", "from": "search-from", "to": "search-to", "sort": "search-sort",
		})
	} else if err != nil {
		return err
	} else {
		p.Result = res
		p.Empty = len(res.Requests) == 0 && len(res.Offers) == 0
		if res.Next != "" {
			next := cloneValues(params)
			next.Set("cursor", res.Next)
			p.Next = "/search?" + next.Encode()
		}
		for _, km := range searchRadii {
			if km > radius {
				wider := cloneValues(params)
				wider.Set("radius", strconv.Itoa(km))
				p.Wider, p.WiderKm = "/search?"+wider.Encode(), km
				break
			}
		}
	}
	cats, err := h.accounts.Categories(r.Context(), v.lang)
	if err != nil {
		return err
	}
	p.Categories = cats
	h.render(w, r, status, "search", &view{Form: f, Data: p})
	return nil
}

func cloneValues(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}
