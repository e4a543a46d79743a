// Package api is Noaber's public JSON API, version 1: a thin door into the
// same domain services the pages use. Every route lives under /api/v1,
// authenticates with bearer tokens only (never cookies, so it needs no CSRF
// check) and answers errors as RFC 9457 problem documents.
package api

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/noaber/noaber/internal/account"
	"github.com/noaber/noaber/internal/apperr"
	"github.com/noaber/noaber/internal/dispatch"
	"github.com/noaber/noaber/internal/help"
	"github.com/noaber/noaber/internal/live"
	"github.com/noaber/noaber/internal/message"
	"github.com/noaber/noaber/internal/moderation"
	"github.com/noaber/noaber/internal/notify"
	"github.com/noaber/noaber/internal/report"
	"github.com/noaber/noaber/internal/trust"
)

// Deps is what the API needs from the rest of the program.
type Deps struct {
	Accounts *account.Service
	// Help is the help domain: requests, offers, helper settings, search.
	Help *help.Service
	// Dispatch invites helpers; Notify keeps the in-app notifications.
	Dispatch *dispatch.Service
	Notify   *notify.Service
	// Messages keeps the conversations; Live streams their events.
	Messages *message.Service
	Live     *live.Broker
	// Reports, Moderation and Trust are trust and safety.
	Reports    *report.Service
	Moderation *moderation.Service
	Trust      *trust.Service
	Logger     *slog.Logger
	// BaseURL is the public address of the instance, e.g. "https://noaber.nl".
	BaseURL string
	// TrustProxy says a reverse proxy in front sets X-Forwarded-For, so the
	// client address for rate limits is taken from there.
	TrustProxy bool
}

// Handler serves the JSON API.
type Handler struct {
	accounts   *account.Service
	help       *help.Service
	dispatch   *dispatch.Service
	notify     *notify.Service
	messages   *message.Service
	live       *live.Broker
	reports    *report.Service
	moderation *moderation.Service
	trust      *trust.Service
	log        *slog.Logger
	baseURL    string
	trustProxy bool
	now        func() time.Time
	// probe holds the same routes as the server's mux; the fallback asks it
	// whether a path exists for another method (405) or not at all (404).
	probe *http.ServeMux
}

// New returns the API handler.
func New(d Deps) *Handler {
	if d.Logger == nil {
		d.Logger = slog.New(slog.DiscardHandler)
	}
	return &Handler{accounts: d.Accounts, help: d.Help, dispatch: d.Dispatch, notify: d.Notify, messages: d.Messages, live: d.Live, log: d.Logger,
		reports: d.Reports, moderation: d.Moderation, trust: d.Trust, baseURL: d.BaseURL, trustProxy: d.TrustProxy, now: time.Now}
}

// route is one line of the route table.
type route struct {
	pattern string
	handler http.Handler
}

func (h *Handler) routes() []route {
	return []route{
		{"GET /api/v1/openapi.json", http.HandlerFunc(h.openAPI)},
		{"GET /api/v1/categories", h.public(h.categories)},

		{"POST /api/v1/signup", h.public(h.signup)},
		{"POST /api/v1/email-verification", h.public(h.verifyEmail)},
		{"POST /api/v1/email-verification/resend", h.public(h.resendVerification)},
		{"POST /api/v1/password-reset", h.public(h.requestPasswordReset)},
		{"POST /api/v1/password-reset/confirm", h.public(h.confirmPasswordReset)},

		{"POST /api/v1/tokens", h.public(h.createToken)},
		{"DELETE /api/v1/tokens/current", h.authedOut(outOfAll, h.deleteCurrentToken)},
		{"POST /api/v1/tokens/revoke-all", h.authedOut(outOfAll, h.revokeAllTokens)},

		{"GET /api/v1/me", h.authed(h.getMe)},
		{"PATCH /api/v1/me", h.authed(h.patchMe)},
		{"PUT /api/v1/me/password", h.authed(h.changePassword)},
		{"PUT /api/v1/me/email", h.authed(h.changeEmail)},

		{"GET /api/v1/users/{id}", h.authed(h.getUser)},
		{"POST /api/v1/users/{id}/block", h.authed(h.blockUser)},
		{"DELETE /api/v1/users/{id}/block", h.authed(h.unblockUser)},
		{"GET /api/v1/me/blocks", h.authed(h.myBlocks)},
		{"PUT /api/v1/me/position", h.authed(h.putPosition)},

		{"GET /api/v1/categories/{id}/template", h.authed(h.requestTemplate)},
		{"POST /api/v1/requests/preview", h.authed(h.previewRequest)},
		{"POST /api/v1/requests", h.authed(h.createRequest)},
		{"GET /api/v1/requests/{id}", h.authed(h.getRequest)},
		{"PATCH /api/v1/requests/{id}", h.authed(h.patchRequest)},
		{"POST /api/v1/requests/{id}/cancel", h.authed(h.cancelRequest)},
		{"GET /api/v1/me/requests", h.authed(h.myRequests)},

		{"GET /api/v1/me/helper-settings", h.authed(h.getHelperSettings)},
		{"PUT /api/v1/me/helper-settings", h.authed(h.putHelperSettings)},
		{"POST /api/v1/offers", h.authed(h.createOffer)},
		{"GET /api/v1/offers/{id}", h.authed(h.getOffer)},
		{"POST /api/v1/offers/{id}/close", h.authed(h.closeOffer)},
		{"GET /api/v1/me/offers", h.authed(h.myOffers)},

		{"GET /api/v1/search", h.authed(h.search)},

		{"GET /api/v1/invitations", h.authed(h.listInvitations)},
		{"GET /api/v1/invitations/{id}", h.authed(h.getInvitation)},
		{"POST /api/v1/invitations/{id}/accept", h.authed(h.acceptInvitation)},
		{"POST /api/v1/invitations/{id}/decline", h.authed(h.declineInvitation)},
		{"GET /api/v1/requests/{id}/progress", h.authed(h.requestProgress)},
		{"GET /api/v1/notifications", h.authed(h.listNotifications)},
		{"POST /api/v1/notifications/read", h.authed(h.markNotificationsRead)},

		{"GET /api/v1/conversations", h.authed(h.listConversations)},
		{"POST /api/v1/conversations", h.authed(h.startConversation)},
		{"GET /api/v1/conversations/{id}", h.authed(h.getConversation)},
		{"GET /api/v1/conversations/{id}/messages", h.authed(h.listMessages)},
		{"POST /api/v1/conversations/{id}/messages", h.authed(h.sendMessage)},
		{"POST /api/v1/conversations/{id}/read", h.authed(h.readConversation)},
		{"POST /api/v1/conversations/{id}/done", h.authed(h.doneConversation)},
		{"POST /api/v1/conversations/{id}/thanks", h.authed(h.thankConversation)},
		{"GET /api/v1/users/{id}/thanks", h.authed(h.userThanks)},
		{"GET /api/v1/events", h.authed(h.events)},
		{"GET /api/v1/me/notification-settings", h.authed(h.getNotificationSettings)},
		{"PUT /api/v1/me/notification-settings", h.authed(h.putNotificationSettings)},
		{"POST /api/v1/me/push-subscriptions", h.authed(h.createPushSubscription)},
		{"DELETE /api/v1/me/push-subscriptions/{id}", h.authed(h.deletePushSubscription)},
		{"GET /api/v1/push/vapid-public-key", h.public(h.vapidPublicKey)},

		// Trust and safety (api/reports.go, api/moderation.go, api/warnings.go,
		// api/house_rules.go).
		{"POST /api/v1/reports", h.authed(h.createReport)},
		{"GET /api/v1/me/reports", h.authed(h.myReports)},
		{"GET /api/v1/me/warnings", h.authed(h.myWarnings)},
		{"POST /api/v1/me/warnings/{id}/acknowledge", h.authedOut(outOfWarning, h.acknowledgeWarning)},
		{"GET /api/v1/house-rules", h.authed(h.getHouseRules)},
		{"POST /api/v1/me/house-rules/accept", h.authedOut(outOfRules, h.acceptHouseRules)},
		{"GET /api/v1/users/{id}/trust", h.authed(h.userTrust)},
		{"POST /api/v1/watch-groups/join", h.authed(h.joinWatchGroup)},
		{"GET /api/v1/moderation/queue", h.authed(h.moderationQueue)},
		{"GET /api/v1/moderation/reports/{id}", h.authed(h.moderationCase)},
		{"POST /api/v1/moderation/reports/{id}/actions", h.authed(h.moderationAct)},
		{"GET /api/v1/moderation/users/{id}", h.authed(h.moderationPerson)},
		{"POST /api/v1/moderation/users/{id}/actions", h.authed(h.moderationPersonAct)},
		{"GET /api/v1/moderation/audit-log", h.authed(h.moderationAudit)},

		{"GET /api/v1/escalations", h.authed(h.listEscalations)},
		{"GET /api/v1/requests/{id}/dispatch", h.authed(h.explainDispatch)},
		{"POST /api/v1/escalations/{request_id}/resolve", h.authed(h.resolveEscalation)},
		{"POST /api/v1/escalations/{request_id}/retry", h.authed(h.retryEscalation)},
		{"GET /api/v1/editions/{id}/dispatch-settings", h.authed(h.getDispatchSettings)},
		{"PUT /api/v1/editions/{id}/dispatch-settings", h.authed(h.putDispatchSettings)},
	}
}

// fallbackMethods are the methods the catch-all answers for. Each is
// registered with its method so that it never conflicts with a page
// pattern like "GET /" or "/" on the same mux.
var fallbackMethods = []string{"GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}

// Register adds the API routes to mux, and a catch-all that answers every
// other path under /api/ with a problem document instead of a page.
func (h *Handler) Register(mux *http.ServeMux) {
	h.probe = http.NewServeMux()
	for _, rt := range h.routes() {
		mux.Handle(rt.pattern, rt.handler)
		h.probe.Handle(rt.pattern, rt.handler)
	}
	for _, m := range fallbackMethods {
		mux.HandleFunc(m+" /api/", h.fallback)
	}
}

// fallback answers a request no route took: 405 with Allow when the path
// exists for another method, else 404.
func (h *Handler) fallback(w http.ResponseWriter, r *http.Request) {
	if ph, pattern := h.probe.Handler(r); pattern == "" {
		// The mux's own 404/405 handler knows the Allow header: run it into
		// a recorder and keep only its status and Allow.
		rec := &statusRecorder{header: http.Header{}}
		ph.ServeHTTP(rec, r)
		if rec.status == http.StatusMethodNotAllowed {
			w.Header().Set("Allow", rec.header.Get("Allow"))
			h.problem(w, r, apperr.New(http.StatusMethodNotAllowed, "method_not_allowed", "api.method_not_allowed", "method", r.Method))
			return
		}
	}
	h.problem(w, r, apperr.New(http.StatusNotFound, "not_found", "api.route_not_found"))
}

// statusRecorder keeps the status and headers a handler writes, and drops
// the body.
type statusRecorder struct {
	header http.Header
	status int
}

func (s *statusRecorder) Header() http.Header { return s.header }
func (s *statusRecorder) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	return len(b), nil
}
func (s *statusRecorder) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
}
