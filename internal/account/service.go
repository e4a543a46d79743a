package account

import (
	"context"
	"time"

	"github.com/noaber/noaber/internal/geo"
	"github.com/noaber/noaber/internal/i18n"
	"github.com/noaber/noaber/internal/jobs"
	"github.com/noaber/noaber/internal/store"
)

// Options tune the account rules. Zero values take the defaults.
type Options struct {
	// BaseURL is the public address, for links in e-mails.
	BaseURL string
	// SecretKey keys the HMACs that hide e-mail addresses and client
	// addresses in the rate-limit table.
	SecretKey []byte
	// Password hashing cost (argon2id); tests lower it.
	PasswordMemoryKiB uint32
	PasswordTime      uint32
	// Now is the clock; time.Now by default.
	Now func() time.Time
	// Resolver finds where a postcode or town is. Without one (some
	// tests), users get no position.
	Resolver *geo.Resolver
}

// Service is the account domain.
type Service struct {
	db    *store.DB
	jobs  *jobs.Queue
	opt   Options
	hooks []PositionHook
	// profileHook checks a saved profile (moderation.go).
	profileHook ProfileHook
	cats        categoryCache
}

// New returns the account service.
func New(db *store.DB, q *jobs.Queue, opt Options) *Service {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.PasswordMemoryKiB == 0 {
		opt.PasswordMemoryKiB = 64 * 1024
	}
	if opt.PasswordTime == 0 {
		opt.PasswordTime = 1
	}
	return &Service{db: db, jobs: q, opt: opt}
}

func (s *Service) now() time.Time { return s.opt.Now().UTC().Truncate(time.Microsecond) }

// The methods below are the contract the pages and the API use. Every error
// a user should see is an *apperr.Error; anything else is a 500.
var _ interface {
	Signup(ctx context.Context, in SignupInput) error
	VerifyEmail(ctx context.Context, token string) (*User, error)
	ResendVerification(ctx context.Context, email, addr string) error
	Login(ctx context.Context, email, password, addr, userAgent string, kind SessionKind) (token string, u *User, err error)
	Authenticate(ctx context.Context, token string, kind SessionKind) (*User, error)
	Logout(ctx context.Context, token string) error
	LogoutEverywhere(ctx context.Context, userID string) error
	RequestPasswordReset(ctx context.Context, email, addr string) error
	CheckResetToken(ctx context.Context, token string) error
	ResetPassword(ctx context.Context, token, newPassword string) error
	User(ctx context.Context, id string) (*User, error)
	Profile(ctx context.Context, viewer *User, userID string, lang i18n.Lang) (*Profile, error)
	UpdateProfile(ctx context.Context, userID string, in ProfileInput) (*User, error)
	SetLocale(ctx context.Context, userID string, lang i18n.Lang) error
	ChangePassword(ctx context.Context, userID, current, newPassword string) error
	ChangeEmail(ctx context.Context, userID, password, newEmail string) error
	Categories(ctx context.Context, lang i18n.Lang) ([]Category, error)
	CreateAdmin(ctx context.Context, in SignupInput) (*User, error)
} = (*Service)(nil)
