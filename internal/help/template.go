package help

import (
	"context"
	"fmt"

	"github.com/noaber/noaber/internal/account"
	"github.com/noaber/noaber/internal/apperr"
	"github.com/noaber/noaber/internal/i18n"
)

// questionSpec is a guided question without its texts; the texts are in
// the catalogs (help.json): help.q.<category>.<id>.label and .hint, and
// help.example.<category>.
type questionSpec struct {
	id       string
	required bool
	max      int
}

// The guided questions per category, in order. The first is always "what"
// (the request's title is made from its answer); the others help the
// seeker say what a helper needs to know.
var templates = map[string][]questionSpec{
	"groceries": {{"what", true, 300}, {"shop", false, 200}, {"payment", false, 200}},
	"transport": {{"what", true, 300}, {"destination", true, 200}, {"mobility", false, 200}},
	"company":   {{"what", true, 300}, {"interests", false, 300}},
	"odd-jobs":  {{"what", true, 300}, {"tools", false, 200}},
	"garden":    {{"what", true, 300}, {"size", false, 200}},
	"pets":      {{"what", true, 300}, {"animal", true, 200}},
	"computer":  {{"what", true, 300}, {"device", false, 200}},
	"paperwork": {{"what", true, 300}, {"kind", false, 200}},
	"language":  {{"what", true, 300}, {"level", false, 200}},
	"meals":     {{"what", true, 300}, {"diet", false, 300}},
	"respite":   {{"what", true, 300}, {"care", true, MaxAnswer}},
	"other":     {{"what", true, 300}, {"details", false, MaxAnswer}},
}

// fallbackTemplate is for categories an edition adds later, which have no
// questions of their own.
var fallbackTemplate = templates["other"]

func specsFor(categoryID string) []questionSpec {
	if t, ok := templates[categoryID]; ok {
		return t
	}
	return fallbackTemplate
}

func questionKey(categoryID, id, part string) string {
	if _, ok := templates[categoryID]; !ok {
		categoryID = "other"
	}
	return fmt.Sprintf("help.q.%s.%s.%s", categoryID, id, part)
}

func questionLabel(lang i18n.Lang, categoryID, id string) string {
	return i18n.T(lang, questionKey(categoryID, id, "label"))
}

// Template returns the guided questions for a category.
func (s *Service) Template(ctx context.Context, lang i18n.Lang, categoryID string) (*Template, error) {
	cat, err := s.category(ctx, lang, categoryID)
	if err != nil {
		return nil, err
	}
	if cat == nil {
		return nil, apperr.Invalid(apperr.FieldError{Field: "category", Key: "help.category_unknown"})
	}
	t := &Template{Category: cat.Category}
	for _, q := range specsFor(cat.ID) {
		t.Questions = append(t.Questions, Question{
			ID: q.id, Label: questionLabel(lang, cat.ID, q.id), Hint: i18n.T(lang, questionKey(cat.ID, q.id, "hint")),
			Required: q.required, Max: q.max,
		})
	}
	exampleCat := cat.ID
	if _, ok := templates[exampleCat]; !ok {
		exampleCat = "other"
	}
	t.Example = i18n.T(lang, "help.example."+exampleCat)
	return t, nil
}

// category is a category with its number in the helper index.
type category struct {
	account.Category
	No int // categories.position: the first dimension of helper_rtree
}

// categories lists the platform's categories in lang, in their order.
func (s *Service) categories(ctx context.Context, lang i18n.Lang) ([]category, error) {
	cats, err := s.accounts.Categories(ctx, lang)
	if err != nil {
		return nil, err
	}
	out := make([]category, len(cats))
	for i, c := range cats {
		out[i] = category{Category: c, No: c.Position}
	}
	return out, nil
}

// category returns one category, or nil when there is no such category.
func (s *Service) category(ctx context.Context, lang i18n.Lang, id string) (*category, error) {
	cats, err := s.categories(ctx, lang)
	if err != nil {
		return nil, err
	}
	for i := range cats {
		if cats[i].ID == id {
			return &cats[i], nil
		}
	}
	return nil, nil
}

// categoryMap returns the categories in lang by id.
func (s *Service) categoryMap(ctx context.Context, lang i18n.Lang) (map[string]category, error) {
	cats, err := s.categories(ctx, lang)
	if err != nil {
		return nil, err
	}
	m := make(map[string]category, len(cats))
	for _, c := range cats {
		m[c.ID] = c
	}
	return m, nil
}
