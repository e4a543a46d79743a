package web

import (
	"net/http"
	"net/url"
	"slices"

	"github.com/noaber/noaber/internal/account"
	"github.com/noaber/noaber/internal/apperr"
	"github.com/noaber/noaber/internal/moderation"
)

// The moderators' pages: the queue, one case with its actions, a
// person's history, the audit log and an edition's flag rules. The
// moderation service decides who may see what; someone who may not gets
// 403 with the ordinary error page. Unlike elsewhere this is not hidden
// behind a 404: the issue asks for 403, and a moderation page holds
// nothing of anyone's that a member could learn from its existence.

// editionFilter is the edition choice above the queue and the audit log
// (the "edition_filter" template).
type editionFilter struct {
	Editions []account.Edition // the moderator's
	Edition  string            // the one chosen; "" for all
}

// editionFilter reads the moderator's editions and the chosen one.
func (h *Handler) editionFilter(r *http.Request, v *visit) (editionFilter, error) {
	eds, err := h.moderation.Editions(r.Context(), v.user)
	return editionFilter{Editions: eds, Edition: r.URL.Query().Get("edition")}, err
}

type queuePage struct {
	editionFilter
	Items []moderation.QueueItem
	Next  string // "after" of the next page; "" on the last
}

func (h *Handler) moderationQueue(w http.ResponseWriter, r *http.Request, v *visit) error {
	fl, err := h.editionFilter(r, v)
	if err != nil {
		return h.moderationFailed(w, r, err)
	}
	q := r.URL.Query()
	items, err := h.moderation.Queue(r.Context(), v.user, fl.Edition, q.Get("after"))
	if err != nil {
		return h.moderationFailed(w, r, err)
	}
	p := queuePage{editionFilter: fl, Items: items}
	if len(items) == moderation.QueuePage {
		p.Next = items[len(items)-1].Report.ID
	}
	vw := &view{Data: p}
	if a := q.Get("done"); slices.Contains(moderation.Actions, a) {
		vw.Notice = "web.moderation.done." + a
	}
	h.render(w, r, http.StatusOK, "moderation", vw)
	return nil
}

// moderationFailed renders "not allowed" as the 403 page with a text of
// its own; other errors go the usual way.
func (h *Handler) moderationFailed(w http.ResponseWriter, r *http.Request, err error) error {
	if e, ok := apperr.As(err); ok && e.Status == http.StatusForbidden {
		h.renderError(w, r, http.StatusForbidden, "web.moderation.forbidden.title", "web.moderation.forbidden.text")
		return nil
	}
	return err
}

// NextLink is the address of the queue's next page, with the filter.
func (p queuePage) NextLink() string { return "/moderation?" + pageQuery(p.Edition, "after", p.Next) }

// pageQuery is the query of a next page: the edition filter, if any, and
// where the page starts.
func pageQuery(edition, key, from string) string {
	q := url.Values{key: {from}}
	if edition != "" {
		q.Set("edition", edition)
	}
	return q.Encode()
}
