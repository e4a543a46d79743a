// Package web serves Noaber's server-rendered pages: thin handlers that read
// a form, call the account service and render one embedded html/template
// page in the visitor's language. Every core flow works without
// JavaScript; the small script under /static/ only adds comfort.
package web

import (
	"log/slog"
	"net/http"

	"github.com/noaber/noaber/internal/account"
	"github.com/noaber/noaber/internal/dispatch"
	"github.com/noaber/noaber/internal/help"
	"github.com/noaber/noaber/internal/live"
	"github.com/noaber/noaber/internal/message"
	"github.com/noaber/noaber/internal/moderation"
	"github.com/noaber/noaber/internal/notify"
	"github.com/noaber/noaber/internal/report"
	"github.com/noaber/noaber/internal/trust"
)

// Deps is what the pages need from the rest of the program.
type Deps struct {
	Accounts *account.Service
	Help     *help.Service
	Dispatch *dispatch.Service
	Notify   *notify.Service
	Messages *message.Service
	Live     *live.Broker
	// Reports, Moderation and Trust are trust and safety.
	Reports    *report.Service
	Moderation *moderation.Service
	Trust      *trust.Service
	Logger     *slog.Logger
	// BaseURL is the public address of the instance, e.g. "https://noaber.nl".
	BaseURL string
	// SecureCookies marks cookies Secure (the site is served over HTTPS).
	SecureCookies bool
	// TrustProxy says a reverse proxy in front sets X-Forwarded-For, so the
	// client address for rate limits is taken from there.
	TrustProxy bool
}

// Handler serves the pages.
type Handler struct {
	accounts      *account.Service
	help          *help.Service
	dispatch      *dispatch.Service
	notify        *notify.Service
	messages      *message.Service
	live          *live.Broker
	reports       *report.Service
	moderation    *moderation.Service
	trust         *trust.Service
	log           *slog.Logger
	baseURL       string
	secureCookies bool
	trustProxy    bool
	pages         *pages
	static        *staticFiles
	sw            []byte // the service worker script (pwa.go)
	// probe holds the page routes only; the catch-all asks it whether a
	// path exists for another method (405) or not at all (404).
	probe *http.ServeMux
}

// New parses every template and reads the static files once, so that a
// broken template stops the program at start instead of failing a visitor.
func New(d Deps) (*Handler, error) {
	if d.Logger == nil {
		d.Logger = slog.New(slog.DiscardHandler)
	}
	st, err := loadStatic()
	if err != nil {
		return nil, err
	}
	p, err := parsePages(st)
	if err != nil {
		return nil, err
	}
	return &Handler{
		accounts: d.Accounts, help: d.Help, dispatch: d.Dispatch, notify: d.Notify, messages: d.Messages, live: d.Live, log: d.Logger,
		reports: d.Reports, moderation: d.Moderation, trust: d.Trust, baseURL: d.BaseURL,
		secureCookies: d.SecureCookies, trustProxy: d.TrustProxy,
		pages: p, static: st, sw: serviceWorkerScript(st),
	}, nil
}

type route struct {
	pattern string
	handler http.Handler
}

// routes is the one list of the pages. page wraps a handler with the
// session and language lookup; member also sends visitors who are not
// signed in to the login page.
func (h *Handler) routes() []route {
	return []route{
		{"GET /{$}", h.page(h.home)},
		{"GET /house-rules", h.page(h.houseRules)},
		{"POST /language", h.page(h.setLanguage)},

		{"GET /signup", h.page(h.signupForm)},
		{"POST /signup", h.page(h.signup)},
		{"GET /signup/sent", h.page(h.signupSent)},
		{"GET /verify", h.page(h.verifyForm)},
		{"POST /verify", h.page(h.verify)},
		{"POST /verify/resend", h.page(h.verifyResend)},

		{"GET /login", h.page(h.loginForm)},
		{"POST /login", h.page(h.login)},
		{"POST /logout", h.page(h.logout)},
		{"POST /logout-everywhere", h.member(h.logoutEverywhere)},
		{"GET /forgot", h.page(h.forgotForm)},
		{"POST /forgot", h.page(h.forgot)},
		{"GET /reset", h.page(h.resetForm)},
		{"POST /reset", h.page(h.reset)},

		{"GET /people/{id}", h.member(h.profileView)},
		{"GET /me/profile", h.member(h.profileEditForm)},
		{"POST /me/profile", h.member(h.profileEdit)},
		{"GET /me/settings", h.member(h.settings)},
		{"POST /me/settings/email", h.member(h.changeEmail)},
		{"POST /me/settings/password", h.member(h.changePassword)},
		{"POST /me/position", h.member(h.setPosition)},
		{"POST /people/{id}/block", h.member(h.block)},
		{"POST /me/blocks/{id}/delete", h.member(h.unblock)},

		{"GET /ask", h.member(h.askForm)},
		{"POST /ask", h.member(h.ask)},
		{"GET /requests/{id}", h.member(h.requestView)},
		{"GET /requests/{id}/edit", h.member(h.requestEditForm)},
		{"POST /requests/{id}/edit", h.member(h.requestEdit)},
		{"POST /requests/{id}/cancel", h.member(h.requestCancel)},
		{"GET /me/help", h.member(h.myHelp)},
		{"GET /me/helper", h.member(h.helperForm)},
		{"POST /me/helper", h.member(h.helperSave)},
		{"GET /offers/new", h.member(h.offerForm)},
		{"POST /offers/new", h.member(h.offerCreate)},
		{"GET /offers/{id}", h.member(h.offerView)},
		{"POST /offers/{id}/close", h.member(h.offerClose)},
		{"GET /search", h.member(h.search)},

		{"GET /notifications", h.member(h.notifications)},
		{"POST /notifications/read", h.member(h.notificationsRead)},
		{"GET /invitations", h.member(h.invitations)},
		{"GET /invitations/{id}", h.member(h.invitationView)},
		{"POST /invitations/{id}/accept", h.member(h.invitationAccept)},
		{"POST /invitations/{id}/decline", h.member(h.invitationDecline)},
		{"GET /coordinator", h.member(h.coordinator)},
		{"GET /coordinator/requests/{id}", h.member(h.coordinatorRequest)},
		{"POST /coordinator/requests/{id}/resolve", h.member(h.coordinatorResolve)},
		{"POST /coordinator/requests/{id}/retry", h.member(h.coordinatorRetry)},
		{"GET /coordinator/editions/{id}/settings", h.member(h.editionSettingsForm)},
		{"POST /coordinator/editions/{id}/settings", h.member(h.editionSettingsSave)},

		// Conversations (web/conversations*.go).
		{"GET /messages", h.member(h.conversations)},
		{"GET /messages/{id}", h.member(h.conversationView)},
		{"POST /messages/{id}", h.member(h.conversationSend)},
		{"POST /messages/{id}/read", h.member(h.conversationRead)},
		{"GET /messages/{id}/events", h.member(h.conversationEvents)},
		{"POST /messages/{id}/done", h.member(h.conversationDone)},
		{"POST /messages/{id}/thanks", h.member(h.conversationThanks)},
		{"POST /requests/{id}/respond", h.member(h.requestRespond)},
		{"POST /offers/{id}/respond", h.member(h.offerRespond)},
		{"POST /people/{id}/message", h.member(h.personMessage)},

		// Notification settings, push, unsubscribe and the app shell
		// (web/notify_settings.go, web/unsubscribe.go, web/pwa.go).
		{"GET /me/notifications", h.member(h.notifySettings)},
		{"POST /me/notifications", h.member(h.notifySettingsSave)},
		{"POST /me/notifications/email-retry", h.member(h.notifyEmailRetry)},
		{"POST /me/push", h.member(h.pushSubscribe)},
		{"POST /me/push/{id}/delete", h.member(h.pushDelete)},
		{"GET /u/{token}", h.page(h.unsubscribeForm)},
		{"POST /u/{token}", h.page(h.unsubscribe)},
		{"GET /manifest.webmanifest", http.HandlerFunc(h.manifest)},
		{"GET /sw.js", http.HandlerFunc(h.serviceWorker)},
		{"GET /offline", h.page(h.offline)},

		// Trust and safety: reports, warnings and moderation
		// (web/report*.go, web/warnings.go, web/moderation*.go).
		{"GET /report", h.member(h.reportForm)},
		{"POST /report", h.member(h.reportCreate)},
		{"GET /me/reports", h.member(h.myReports)},
		{"GET /me/warnings", h.member(h.warnings)},
		{"POST /me/warnings/{id}/acknowledge", h.member(h.warningAcknowledge)},
		{"GET /moderation", h.member(h.moderationQueue)},
		{"GET /moderation/reports/{id}", h.member(h.moderationCase)},
		{"POST /moderation/reports/{id}/action", h.member(h.moderationAct)},
		{"GET /moderation/people/{id}", h.member(h.moderationPerson)},
		{"POST /moderation/people/{id}/action", h.member(h.moderationPersonAct)},
		{"GET /moderation/audit", h.member(h.moderationAudit)},
		{"GET /moderation/editions/{id}/rules", h.member(h.moderationRulesForm)},
		{"POST /moderation/editions/{id}/rules", h.member(h.moderationRulesSave)},

		// House rules and trust signals (web/house_rules*.go,
		// web/watch_groups.go, web/vouch.go).
		{"GET /me/house-rules", h.member(h.rulesAcceptForm)},
		{"POST /me/house-rules", h.member(h.rulesAccept)},
		{"GET /coordinator/editions/{id}/house-rules", h.member(h.houseRulesEditForm)},
		{"POST /coordinator/editions/{id}/house-rules", h.member(h.houseRulesPublish)},
		{"GET /me/watch-groups", h.member(h.watchGroups)},
		{"POST /me/watch-groups", h.member(h.watchGroupCreate)},
		{"GET /me/watch-groups/{id}", h.member(h.watchGroupView)},
		{"POST /me/watch-groups/{id}/revoke", h.member(h.watchGroupRevoke)},
		{"POST /me/watch-groups/{id}/new-link", h.member(h.watchGroupNewLink)},
		{"POST /me/watch-groups/{id}/close", h.member(h.watchGroupClose)},
		{"POST /me/watch-groups/{id}/leave", h.member(h.watchGroupLeave)},
		{"GET /join/{token}", h.member(h.watchJoinForm)},
		{"POST /join/{token}", h.member(h.watchJoin)},
		{"GET /coordinator/watch-groups", h.member(h.watchGroupsPending)},
		{"POST /coordinator/watch-groups/{id}/confirm", h.member(h.watchGroupConfirm)},
		{"POST /people/{id}/vouch", h.member(h.vouch)},
		{"POST /people/{id}/unvouch", h.member(h.unvouch)},

		{"GET /static/", h.static},
		{"GET /robots.txt", http.HandlerFunc(robots)},
		{"GET /favicon.ico", http.HandlerFunc(h.favicon)},
	}
}

// Register adds the pages to mux, with a catch-all "/" that answers every
// other path with the 404 or 405 page.
func (h *Handler) Register(mux *http.ServeMux) {
	h.probe = http.NewServeMux()
	for _, rt := range h.routes() {
		mux.Handle(rt.pattern, rt.handler)
		h.probe.Handle(rt.pattern, rt.handler)
	}
	mux.Handle("/", h.page(h.fallback))
}
