// Package app wires Noaber together: the database, the job queue, the
// mailer, the domain services and the two doors into them (pages and API).
// cmd/noaber and the end-to-end tests both start Noaber through it.
package app

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/noaber/noaber/internal/account"
	"github.com/noaber/noaber/internal/api"
	"github.com/noaber/noaber/internal/config"
	"github.com/noaber/noaber/internal/dispatch"
	"github.com/noaber/noaber/internal/geo"
	"github.com/noaber/noaber/internal/help"
	"github.com/noaber/noaber/internal/jobs"
	"github.com/noaber/noaber/internal/live"
	"github.com/noaber/noaber/internal/mail"
	"github.com/noaber/noaber/internal/message"
	"github.com/noaber/noaber/internal/moderation"
	"github.com/noaber/noaber/internal/notify"
	"github.com/noaber/noaber/internal/push"
	"github.com/noaber/noaber/internal/report"
	"github.com/noaber/noaber/internal/server"
	"github.com/noaber/noaber/internal/store"
	"github.com/noaber/noaber/internal/trust"
	"github.com/noaber/noaber/internal/web"
)

// App is a wired Noaber instance.
type App struct {
	Config   config.Config
	Logger   *slog.Logger
	DB       *store.DB
	Jobs     *jobs.Queue
	Accounts *account.Service
	Help     *help.Service
	Dispatch *dispatch.Service
	Notify   *notify.Service
	Messages *message.Service
	Live     *live.Broker
	// Trust and safety.
	Reports    *report.Service
	Moderation *moderation.Service
	Trust      *trust.Service
	Handler    http.Handler
}

// Options change how an App is built; tests use them.
type Options struct {
	// PasswordMemoryKiB lowers the argon2id cost (tests); 0 is the default.
	PasswordMemoryKiB uint32
	// JobPoll is how often workers look for due jobs (default 1s).
	JobPoll time.Duration
}

// NewLogger makes the logger the configuration asks for.
func NewLogger(cfg config.Config) *slog.Logger {
	o := &slog.HandlerOptions{Level: cfg.LogLevel}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(os.Stderr, o))
	}
	return slog.New(slog.NewTextHandler(os.Stderr, o))
}

// Open opens and migrates the database of cfg.
func Open(ctx context.Context, cfg config.Config, logger *slog.Logger) (*store.DB, error) {
	db, err := store.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return nil, err
	}
	n, err := db.Migrate(ctx)
	if err != nil {
		db.Close()
		return nil, err
	}
	if n > 0 {
		logger.Info("database migrated", "engine", db.Engine(), "migrations", n)
	}
	return db, nil
}

// New opens the database and wires everything.
func New(ctx context.Context, cfg config.Config, logger *slog.Logger, opt Options) (*App, error) {
	db, err := Open(ctx, cfg, logger)
	if err != nil {
		return nil, err
	}
	secret := cfg.SecretKey
	if secret == "" {
		secret, err = db.SettingOrCreate(ctx, "secret_key", func() (string, error) {
			b := make([]byte, 32)
			_, err := rand.Read(b)
			return hex.EncodeToString(b), err
		})
		if err != nil {
			db.Close()
			return nil, fmt.Errorf("secret key: %w", err)
		}
	}
	q := jobs.New(db, jobs.Options{Workers: cfg.JobWorkers, PollInterval: opt.JobPoll, Lease: cfg.JobLease, Logger: logger})
	notifications := notify.New(db, nil)
	if cfg.SMTP.Host == "" {
		logger.Warn("no SMTP server configured (NOABER_SMTP_HOST): e-mails are written to this log instead of sent")
		q.Handle(mail.SendKind, logMail(logger))
	} else {
		sc := mail.SMTPConfig{Host: cfg.SMTP.Host, Port: cfg.SMTP.Port,
			Username: cfg.SMTP.Username, Password: cfg.SMTP.Password, From: cfg.SMTP.From, TLS: cfg.SMTP.TLS}
		if err := sc.Validate(); err != nil {
			db.Close()
			return nil, fmt.Errorf("SMTP settings: %w", err)
		}
		// The hooks count failing addresses, to turn them off.
		mail.RegisterSender(q, mail.NewSender(sc), notifications.MailHooks())
	}
	ro := geo.ResolverOptions{Logger: logger}
	if cfg.Geocoder == "pdok" {
		ro.PDOK = geo.NewPDOK(cfg.PDOKURL, nil)
	}
	resolver := geo.NewResolver(db, ro)
	accounts := account.New(db, q, account.Options{BaseURL: cfg.BaseURL, SecretKey: []byte(secret),
		PasswordMemoryKiB: opt.PasswordMemoryKiB, Resolver: resolver})
	reports := report.New(db, report.Options{})
	accounts.SetProfileHook(reports.ProfileSaved)
	trustSvc := trust.New(db, accounts, trust.Options{})
	helpSvc := help.New(db, q, accounts, resolver, help.Options{Reports: reports})
	accounts.OnPositionChange(help.ReindexHelper)
	weights, err := dispatch.ParseWeights(cfg.DispatchWeights)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("--dispatch-weights (NOABER_DISPATCH_WEIGHTS): %w", err)
	}
	dispatcher := dispatch.New(db, q, accounts, helpSvc, dispatch.Options{Weights: weights, Logger: logger})
	var dsn string
	if db.Engine() == store.Postgres {
		dsn = cfg.DatabaseURL
	}
	broker := live.New(db, dsn, logger)
	messages := message.New(db, accounts, helpSvc, broker, message.Options{Logger: logger, Reports: reports})
	moderator := moderation.New(db, q, accounts, reports, helpSvc, dispatcher, messages, moderation.Options{BaseURL: cfg.BaseURL, Contact: cfg.ModerationContact, Logger: logger})
	delivery := notify.DeliveryOptions{Queue: q, BaseURL: cfg.BaseURL, SecretKey: []byte(secret), DigestDelay: cfg.DigestDelay, Logger: logger}
	if cfg.Push {
		keys, err := vapidKeys(ctx, db, cfg)
		if err == nil {
			err = keys.Check()
		}
		if err != nil {
			db.Close()
			return nil, fmt.Errorf("VAPID keys: %w", err)
		}
		delivery.Push, delivery.VAPIDPublicKey = push.NewSender(keys, cfg.VAPIDSubject), keys.Public
	}
	notifications.Deliver(delivery)
	q.Periodic("account.cleanup", time.Hour, func(ctx context.Context, _ *jobs.Job) error { return accounts.Cleanup(ctx) })

	w, err := web.New(web.Deps{Accounts: accounts, Help: helpSvc, Dispatch: dispatcher, Notify: notifications, Messages: messages, Live: broker,
		Reports: reports, Moderation: moderator, Trust: trustSvc, Logger: logger, BaseURL: cfg.BaseURL, SecureCookies: cfg.Secure(), TrustProxy: cfg.TrustProxy})
	if err != nil {
		db.Close()
		return nil, err
	}
	a := api.New(api.Deps{Accounts: accounts, Help: helpSvc, Dispatch: dispatcher, Notify: notifications, Messages: messages, Live: broker,
		Reports: reports, Moderation: moderator, Trust: trustSvc, Logger: logger, BaseURL: cfg.BaseURL, TrustProxy: cfg.TrustProxy})
	h := server.New(server.Options{BaseURL: cfg.BaseURL, Logger: logger, DB: db, MetricsToken: cfg.MetricsToken}, w.Register, a.Register)
	return &App{Config: cfg, Logger: logger, DB: db, Jobs: q, Accounts: accounts, Help: helpSvc, Dispatch: dispatcher, Notify: notifications, Messages: messages, Live: broker,
		Reports: reports, Moderation: moderator, Trust: trustSvc, Handler: h}, nil
}

// vapidKeys returns the configured VAPID keys, or the ones generated on
// the first start and kept in the database, so that every instance signs
// with the same key and browsers' subscriptions stay valid.
func vapidKeys(ctx context.Context, db *store.DB, cfg config.Config) (push.Keys, error) {
	if cfg.VAPIDPublicKey != "" {
		return push.Keys{Public: cfg.VAPIDPublicKey, Private: cfg.VAPIDPrivateKey}, nil
	}
	v, err := db.SettingOrCreate(ctx, "vapid_keys", func() (string, error) {
		k, err := push.GenerateKeys()
		if err != nil {
			return "", err
		}
		b, err := json.Marshal(k)
		return string(b), err
	})
	if err != nil {
		return push.Keys{}, fmt.Errorf("VAPID keys: %w", err)
	}
	var k push.Keys
	if err := json.Unmarshal([]byte(v), &k); err != nil || k.Public == "" || k.Private == "" {
		return push.Keys{}, fmt.Errorf("VAPID keys in the settings table are unreadable; remove the row vapid_keys to make new ones")
	}
	return k, nil
}

// logMail stands in for SMTP when none is configured, so that someone
// trying Noaber out can still follow the links from the log.
func logMail(logger *slog.Logger) jobs.Handler {
	return func(ctx context.Context, j *jobs.Job) error {
		var m mail.Message
		if err := j.Decode(&m); err != nil {
			return jobs.Permanent(err)
		}
		logger.Info("e-mail (not sent: no SMTP server)", "to", m.To, "subject", m.Subject, "text", m.Text)
		return nil
	}
}

// Run serves HTTP and runs the background jobs until ctx is cancelled;
// then it stops taking requests, lets those in flight finish and waits for
// running jobs. It listens on ln, or on Config.Listen when ln is nil, and
// calls ready (if given) once it accepts connections.
func (a *App) Run(ctx context.Context, ln net.Listener, ready func(addr string)) error {
	if ln == nil {
		var err error
		if ln, err = net.Listen("tcp", a.Config.Listen); err != nil {
			return fmt.Errorf("listen on %s: %w", a.Config.Listen, err)
		}
	}
	liveDone := make(chan error, 1)
	lctx, stopLive := context.WithCancel(context.WithoutCancel(ctx))
	go func() { liveDone <- a.Live.Run(lctx) }()
	defer func() { stopLive(); <-liveDone }()
	jobsDone := make(chan error, 1)
	// Jobs stop after the HTTP server, so a request that queued one during
	// shutdown still has it picked up (or left for the next start).
	jctx, stopJobs := context.WithCancel(context.WithoutCancel(ctx))
	go func() { jobsDone <- a.Jobs.Run(jctx) }()
	if ready != nil {
		ready(ln.Addr().String())
	}
	srv := server.NewHTTPServer(a.Config.Listen, a.Handler)
	// Event streams never end by themselves: close them when the shutdown
	// starts, so it does not wait for them (their pages reconnect).
	srv.RegisterOnShutdown(a.Live.CloseAll)
	err := server.ServeListener(ctx, srv, ln, a.Logger)
	stopJobs()
	if jerr := <-jobsDone; err == nil && jerr != nil && !errors.Is(jerr, context.Canceled) {
		err = jerr
	}
	return err
}

// Close closes the database.
func (a *App) Close() error { return a.DB.Close() }
