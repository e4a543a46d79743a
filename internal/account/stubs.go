package account

// Temporary: replaced method by method as the service is written.

import (
	"context"
	"errors"

	"github.com/noaber/noaber/internal/i18n"
)

var errTodo = errors.New("account: not implemented yet")

func (s *Service) Signup(ctx context.Context, in SignupInput) error                 { return errTodo }
func (s *Service) VerifyEmail(ctx context.Context, token string) (*User, error)     { return nil, errTodo }
func (s *Service) ResendVerification(ctx context.Context, email, addr string) error { return errTodo }
func (s *Service) Login(ctx context.Context, email, password, addr, userAgent string, kind SessionKind) (string, *User, error) {
	return "", nil, errTodo
}
func (s *Service) Authenticate(ctx context.Context, token string, kind SessionKind) (*User, error) {
	return nil, errTodo
}
func (s *Service) Logout(ctx context.Context, token string) error                     { return errTodo }
func (s *Service) LogoutEverywhere(ctx context.Context, userID string) error          { return errTodo }
func (s *Service) RequestPasswordReset(ctx context.Context, email, addr string) error { return errTodo }
func (s *Service) CheckResetToken(ctx context.Context, token string) error            { return errTodo }
func (s *Service) ResetPassword(ctx context.Context, token, newPassword string) error { return errTodo }
func (s *Service) User(ctx context.Context, id string) (*User, error)                 { return nil, errTodo }
func (s *Service) Profile(ctx context.Context, viewer *User, userID string, lang i18n.Lang) (*Profile, error) {
	return nil, errTodo
}
func (s *Service) UpdateProfile(ctx context.Context, userID string, in ProfileInput) (*User, error) {
	return nil, errTodo
}
func (s *Service) SetLocale(ctx context.Context, userID string, lang i18n.Lang) error { return errTodo }
func (s *Service) ChangePassword(ctx context.Context, userID, current, newPassword string) error {
	return errTodo
}
func (s *Service) ChangeEmail(ctx context.Context, userID, password, newEmail string) error {
	return errTodo
}
func (s *Service) Categories(ctx context.Context, lang i18n.Lang) ([]Category, error) {
	return nil, errTodo
}
func (s *Service) CreateAdmin(ctx context.Context, in SignupInput) (*User, error) {
	return nil, errTodo
}
