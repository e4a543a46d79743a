package web

import (
	"net/http"
	"strconv"

	"github.com/noaber/noaber/internal/account"
	"github.com/noaber/noaber/internal/i18n"
	"github.com/noaber/noaber/internal/notify"
)

// header fills what the header shows a signed-in user besides the menu:
// the numbers of unread notifications and messages and, for
// coordinators, the link to their pages. None is worth failing a page
// for, so an error is only logged.
func (h *Handler) header(r *http.Request, vw *view) {
	if vw.User == nil {
		return
	}
	ctx := r.Context()
	if h.notify != nil {
		n, err := h.notify.Unread(ctx, vw.User.ID)
		if err != nil {
			h.log.Warn("unread notifications", "err", err)
		}
		vw.Unread = n
	}
	if h.messages != nil {
		n, err := h.messages.UnreadTotal(ctx, vw.User.ID)
		if err != nil {
			h.log.Warn("unread messages", "err", err)
		}
		vw.UnreadMessages = n
	}
	roles, err := h.accounts.RolesHeld(ctx, vw.User)
	if err != nil {
		h.log.Warn("roles for the header", "err", err)
	}
	vw.Coordinator, vw.Moderator = roles[account.RoleCoordinator], roles[account.RoleModerator]
}

// Badge is the unread count as the badge shows it: "99+" from 100 on
// (notify.Unread stops counting at 100).
func (v *view) Badge() string {
	if v.Unread > 99 {
		return "99+"
	}
	return strconv.Itoa(v.Unread)
}

// notificationItem is one line of the list: its text and where it leads.
type notificationItem struct {
	notify.Notification
	Text string
	Link string
	New  bool // unread until this page opened
}

type notificationsPage struct {
	Items []notificationItem
	// More says unread notifications remain beyond the list (or arrived
	// while it was read): then the "mark all read" button shows.
	More bool
}

// notifications lists the user's notifications, newest first. Opening the
// list marks what it shows as read, one by one, so that a notification
// that arrives at the same moment is not marked read unseen.
func (h *Handler) notifications(w http.ResponseWriter, r *http.Request, v *visit) error {
	ctx := r.Context()
	list, err := h.notify.List(ctx, v.user.ID)
	if err != nil {
		return err
	}
	items := make([]notificationItem, len(list))
	for i, n := range list {
		items[i] = notificationItem{Notification: n, New: !n.Read}
		items[i].Text, items[i].Link = notificationText(v, n)
		if !n.Read {
			if err := h.notify.MarkRead(ctx, v.user.ID, n.ID); err != nil {
				return err
			}
		}
	}
	left, err := h.notify.Unread(ctx, v.user.ID)
	if err != nil {
		return err
	}
	vw := &view{Data: notificationsPage{Items: items, More: left > 0}}
	if r.URL.Query().Has("read") {
		vw.Notice = "web.notifications.all_read"
	}
	h.render(w, r, http.StatusOK, "notifications", vw)
	return nil
}

// notificationsRead marks every notification read ("mark all read").
func (h *Handler) notificationsRead(w http.ResponseWriter, r *http.Request, v *visit) error {
	if err := h.notify.MarkRead(r.Context(), v.user.ID, ""); err != nil {
		return err
	}
	http.Redirect(w, r, "/notifications?read=1", http.StatusSeeOther)
	return nil
}

// notificationText says in words what a notification is about, and
// where it leads.
func notificationText(v *visit, n notify.Notification) (text, link string) {
	title := n.RequestTitle
	if title == "" {
		title = i18n.T(v.lang, "web.notifications.a_request")
	}
	switch n.Kind {
	case notify.Invitation:
		return i18n.T(v.lang, "web.notifications.invitation", "title", title), "/invitations/" + n.Ref
	case notify.InvitationWithdrawn:
		return i18n.T(v.lang, "web.notifications.invitation_withdrawn", "title", title), "/invitations/" + n.Ref
	case notify.Matched:
		return i18n.T(v.lang, "web.notifications.matched", "title", title), "/requests/" + n.RequestID
	case notify.Escalated:
		return i18n.T(v.lang, "web.notifications.escalated", "title", title), "/requests/" + n.RequestID
	case notify.Escalation:
		return i18n.T(v.lang, "web.notifications.escalation", "title", title), "/coordinator/requests/" + n.RequestID
	case notify.ReportOutcome:
		return i18n.T(v.lang, "web.notifications.report_outcome"), "/me/reports"
	}
	if n.RequestID != "" {
		return i18n.T(v.lang, "web.notifications.other", "title", title), "/requests/" + n.RequestID
	}
	return i18n.T(v.lang, "web.notifications.other", "title", title), ""
}
