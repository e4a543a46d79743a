// Package trust keeps the signals that help neighbours dare to meet: an
// e-mail address that was verified, membership of a neighbourhood-watch
// group (buurtpreventie) vouched for by the group's administrator, being
// known to a partner organisation (optionally with a checked certificate
// of conduct, VOG), and the people helped and thank-you notes received.
// It also keeps the groups and the vouches themselves.
package trust

import (
	"context"
	"time"

	"github.com/noaber/noaber/internal/account"
	"github.com/noaber/noaber/internal/store"
)

// Limits.
const (
	MaxGroupName      = 80
	MaxGroupArea      = 80
	MaxOrganisation   = 120
	MaxGroupsPerAdmin = 10
)

// Vouch says a partner organisation knows the person.
type Vouch struct {
	Organisation string
	// VOGCheckedOn is the day a certificate of conduct (VOG) was checked;
	// zero when it was not.
	VOGCheckedOn time.Time
	CreatedAt    time.Time
}

// Signals are the trust signals of one person, as every member may see
// them.
type Signals struct {
	EmailVerified bool
	WatchGroups   []string // names of confirmed groups the person belongs to
	Vouches       []Vouch
	Helped        int // different people helped (done conversations as helper)
	Thanks        int // thank-you notes received
}

// Any reports whether the person has a signal beyond a verified e-mail
// address (which every member who can sign in has): the test for "only
// helpers with a trust signal".
func (s Signals) Any() bool {
	return len(s.WatchGroups) > 0 || len(s.Vouches) > 0 || s.Helped > 0 || s.Thanks > 0
}

// groupBadge is the condition on a membership wm of group wg that shows
// as a signal: not revoked, in a confirmed group that is still open.
const groupBadge = `wm.revoked_at IS NULL AND wg.confirmed_at IS NOT NULL AND wg.closed_at IS NULL`

// HasSignalSQL is a condition, true when the user whose id is in column
// col has a signal beyond e-mail (the same test as Signals.Any), for the
// dispatcher's trusted-only candidates and the new-account contact cap
// (internal/message). It takes no arguments.
func HasSignalSQL(col string) string {
	return `(EXISTS (SELECT 1 FROM watch_members wm JOIN watch_groups wg ON wg.id = wm.group_id
			WHERE wm.user_id = ` + col + ` AND ` + groupBadge + `)
		OR EXISTS (SELECT 1 FROM vouches v WHERE v.user_id = ` + col + ` AND v.revoked_at IS NULL)
		OR EXISTS (SELECT 1 FROM conversations cd WHERE cd.helper_id = ` + col + ` AND cd.done_at IS NOT NULL)
		OR EXISTS (SELECT 1 FROM thanks th WHERE th.to_id = ` + col + `))`
}

// Group is a neighbourhood-watch group. InviteToken and Members are
// filled only for its administrator (and the edition's coordinators see
// Members).
type Group struct {
	ID          string
	EditionID   string
	Name        string
	Area        string
	AdminID     string
	AdminName   string
	InviteToken string
	Confirmed   bool
	Closed      bool
	Members     []Member
	CreatedAt   time.Time
}

// Member is a member of a group as its administrator sees them.
type Member struct {
	UserID      string
	DisplayName string
	Town        string
	JoinedAt    time.Time
	Revoked     bool
}

// VouchInput is what a coordinator marks.
type VouchInput struct {
	Organisation string     // the partner organisation's name
	VOGCheckedOn *time.Time // the day a VOG was checked; nil when not
}

// Options tune a Service.
type Options struct {
	Now func() time.Time
}

// Service is the trust domain.
type Service struct {
	db       *store.DB
	accounts *account.Service
	opt      Options
}

// New returns the trust service.
func New(db *store.DB, accounts *account.Service, opt Options) *Service {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	return &Service{db: db, accounts: accounts, opt: opt}
}

// The contract the pages and the API use. Coordinator means a coordinator
// of the edition concerned or a platform admin; others get 404 (as the
// coordinator pages do) for a group or person they may not manage.
var _ interface {
	// Signals returns one person's signals.
	Signals(ctx context.Context, userID string) (*Signals, error)
	// SignalsFor returns the signals of several people (for lists of
	// invitations and search results) in a few queries.
	SignalsFor(ctx context.Context, userIDs []string) (map[string]Signals, error)
	// RegisterGroup registers a group with admin as its administrator
	// (unconfirmed until a coordinator confirms it). Errors: 422 fields
	// name, area; 429 after MaxGroupsPerAdmin open groups.
	RegisterGroup(ctx context.Context, admin *account.User, name, area string) (*Group, error)
	// MemberGroups lists the open groups u joined (not administers).
	MemberGroups(ctx context.Context, u *account.User) ([]Group, error)
	// AdminGroups lists the groups admin administers, with link and members.
	AdminGroups(ctx context.Context, admin *account.User) ([]Group, error)
	// Group returns one group for its administrator or a coordinator.
	Group(ctx context.Context, viewer *account.User, groupID string) (*Group, error)
	// GroupByInvite returns the group an invite token is for (name and
	// area only); 404 for an unknown token or a closed group.
	GroupByInvite(ctx context.Context, token string) (*Group, error)
	// Join makes u a member through an invite token (joining twice is
	// fine; a member the administrator revoked cannot rejoin: 409
	// "membership_revoked").
	Join(ctx context.Context, u *account.User, token string) (*Group, error)
	// Leave ends u's own membership.
	Leave(ctx context.Context, u *account.User, groupID string) error
	// RevokeMember ends a member's membership (administrator only).
	RevokeMember(ctx context.Context, admin *account.User, groupID, userID string) error
	// NewInvite replaces the group's invite link (the old one stops working).
	NewInvite(ctx context.Context, admin *account.User, groupID string) (*Group, error)
	// CloseGroup closes a group: its members lose the badge.
	CloseGroup(ctx context.Context, admin *account.User, groupID string) error
	// PendingGroups lists unconfirmed open groups of the editions coord
	// coordinates, oldest first.
	PendingGroups(ctx context.Context, coord *account.User) ([]Group, error)
	// ConfirmGroup confirms a group exists (coordinator of its edition).
	ConfirmGroup(ctx context.Context, coord *account.User, groupID string) error
	// CanVouch says whether coord may vouch for the user (a coordinator of
	// the user's edition).
	CanVouch(ctx context.Context, coord *account.User, userID string) (bool, error)
	// Vouch marks the user known to coord's organisation (replacing an
	// earlier vouch of that edition). Errors: 422 fields organisation,
	// vog_checked_on (not in the future); 404 when coord may not.
	Vouch(ctx context.Context, coord *account.User, userID string, in VouchInput) error
	// Unvouch withdraws it.
	Unvouch(ctx context.Context, coord *account.User, userID string) error
} = (*Service)(nil)

func (s *Service) now() time.Time { return s.opt.Now().UTC().Truncate(time.Microsecond) }

// coordinates says whether u is a coordinator of the edition (platform
// admins always are).
func (s *Service) coordinates(ctx context.Context, u *account.User, editionID string) (bool, error) {
	return s.accounts.HasRole(ctx, u, editionID, account.RoleCoordinator)
}
