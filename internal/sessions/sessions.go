// Package sessions exchanges a customer's username and password for a
// customer session: a short-lived token that acts for that one customer
// (see auth.MintCustomerSession). It verifies the argon2id hash stored at
// registration, and throttles failed attempts per username and per client
// address in the database, so that the limit holds across instances.
//
// Nothing in an answer tells an unknown username from a wrong password, nor
// either from a customer or login that may not sign in: each is the same
// INVALID_CREDENTIALS after the same one argon2id verification, and each
// counts as a failure, so the lockout does not tell them apart either.
// Only input that no login can have (a blank or over-long username, text
// registration refuses) is refused as input, with its path: it names
// nobody, so that refusal tells nothing either.
package sessions

import (
	"context"
	"errors"
	"slices"
	"time"

	"onboard/ent"
	"onboard/ent/customer"
	"onboard/ent/user"
	"onboard/internal/apperr"
	"onboard/internal/apperr/vocab"
	"onboard/internal/auth"
	"onboard/internal/catalog"
	"onboard/internal/values"
	"onboard/internal/viewer"
	"onboard/schema/schematype"
)

// Limits bound failed attempts and a session's life. Zero fields take the
// Default… values (see WithDefaults).
type Limits struct {
	// UserFailures failed attempts for one username within Window lock
	// that username for Lockout.
	UserFailures int
	// AddressFailures failed attempts from one client address within
	// Window lock that address for Lockout, whatever usernames it tries.
	AddressFailures int
	Window          time.Duration
	Lockout         time.Duration
	// TTL is how long a customer session lives.
	TTL time.Duration
}

// The defaults of Limits (and of the configuration's
// CUSTOMER_SESSION_* variables).
const (
	DefaultUserFailures    = 5
	DefaultAddressFailures = 20
	DefaultWindow          = 15 * time.Minute
	DefaultLockout         = 15 * time.Minute
	DefaultTTL             = 15 * time.Minute
	// MaxTTL caps CUSTOMER_SESSION_TTL: a session is rechecked against
	// its customer on every request, but a token handed out cannot be
	// recalled, so a leaked one must not live for long.
	MaxTTL = time.Hour
)

// WithDefaults returns l with its zero fields set to the defaults.
func (l Limits) WithDefaults() Limits {
	if l.UserFailures <= 0 {
		l.UserFailures = DefaultUserFailures
	}
	if l.AddressFailures <= 0 {
		l.AddressFailures = DefaultAddressFailures
	}
	if l.Window <= 0 {
		l.Window = DefaultWindow
	}
	if l.Lockout <= 0 {
		l.Lockout = DefaultLockout
	}
	if l.TTL <= 0 {
		l.TTL = DefaultTTL
	}
	return l
}

// Service creates customer sessions.
type Service struct {
	Client *ent.Client
	// Hasher verifies passwords; it is the server's bounded one, so a burst
	// of sign-ins waits for a slot like a burst of registrations.
	Hasher *values.Hasher
	Auth   *auth.Authenticator
	Limits Limits
	// Now is the clock (time.Now when nil).
	Now func() time.Time
}

// Session is a created customer session.
type Session struct {
	Token     string
	ExpiresAt time.Time
	Customer  *ent.Customer
}

// dummyHash is verified in place of a hash when the username names no
// user (or a user without a password), so that an unknown username costs
// the same one argon2id verification as a wrong password. Its parameters
// are values.Hasher's (TestDummyHashHasTheHasherParameters); the password
// it hashes is nobody's.
const dummyHash = "$argon2id$v=19$m=19456,t=2,p=1$bkjGs3Fjns6c5gen3uOVyA$8P+TdTTqWYMGjhQxofuEH6S/nc1Y+pAYT+kaaHlLGh8"

// invalidCredentials is the one answer for every refused sign-in.
func invalidCredentials() error {
	return apperr.New(apperr.Unauthenticated, vocab.ReasonInvalidCredentials, "the username or the password is not right")
}

// Create checks username and password in the viewer's tenant and returns a
// session for the customer of that login user. ip is the client address
// (the request origin), throttled alongside the username.
func (s *Service) Create(ctx context.Context, username, password, ip string) (*Session, error) {
	v := viewer.FromContext(ctx)
	if v == nil || v.TenantID == "" || v.TenantKey == "" {
		return nil, apperr.New(apperr.BadUserInput, vocab.ReasonMissingTenant, "the X-Tenant-ID header is required for createCustomerSession")
	}
	if !s.Auth.CanMintSessions() {
		return nil, apperr.New(apperr.Forbidden, vocab.ReasonCustomerSessionsDisabled,
			"this server verifies tokens with a public key (JWT_PUBLIC_KEY_FILE) and cannot sign customer sessions")
	}
	name, err := checkInput(username, password)
	if err != nil {
		return nil, err
	}
	limits := s.Limits.WithDefaults()
	now := s.now()
	keys := throttleKeys{user: ThrottleKey(KindUsername, name), address: ThrottleKey(KindAddress, ip)}
	admitted, err := s.admit(ctx, now, limits, keys)
	if err != nil {
		return nil, err
	}
	if !admitted {
		return nil, apperr.New(apperr.RateLimited, vocab.ReasonTooManyAttempts,
			"too many failed attempts for this username or from this address: try again later")
	}
	u, c, err := s.login(ctx, name)
	if err != nil {
		return nil, err
	}
	hash := dummyHash
	if u != nil && u.PasswordHash != "" {
		hash = u.PasswordHash
	}
	ok, err := s.Hasher.VerifyContext(ctx, password, hash)
	if err != nil && !errors.Is(err, values.ErrMalformedHash) {
		return nil, err // the request ended while waiting for a hashing slot
	}
	// A malformed stored hash fails closed, as a wrong password. A failure
	// stays counted (admit counted it before the verification).
	if !ok || u == nil || c == nil || !mayStart(u, c) {
		return nil, invalidCredentials()
	}
	if err := s.succeeded(ctx, keys); err != nil {
		return nil, err
	}
	token, exp, err := s.Auth.MintCustomerSession(auth.CustomerSession{
		UserID: u.ID, TenantKey: v.TenantKey, CustomerID: c.ID, TTL: limits.TTL,
	})
	if err != nil {
		return nil, apperr.InternalError(err)
	}
	return &Session{Token: token, ExpiresAt: exp, Customer: c}, nil
}

// passwordTextRules are the password problems of values.CheckPassword that
// no registered password can have (registration refuses them), so that
// refusing them at sign-in reveals nothing of any user; the strength rules
// are left out, as a policy may have changed since a password was chosen.
var passwordTextRules = []vocab.Reason{values.ReasonInvalidUTF8, values.ReasonContainsNUL,
	values.ReasonControlCharacter, values.ReasonInvisibleCharacter, values.ReasonPasswordTooLong}

// checkInput refuses, with its path, a username or password that no login
// can have: blank, too long, or text the registration rules refuse (a NUL,
// a control or invisible character, a mixed-script username). Such an
// attempt names nobody, so the refusal says nothing of who exists; it is
// answered before the throttle, costs no hash, and is not counted. It
// returns the username normalized as registration stores it.
func checkInput(username, password string) (string, error) {
	var problems apperr.List
	name, err := values.ParseUsername(username, schematype.MaxEmailLen)
	switch {
	case err != nil:
		problems.Invalid(apperr.Path{"username"}, values.ReasonOf(err), catalog.ProblemMessage(err))
	case name == "":
		problems.Invalid(apperr.Path{"username"}, vocab.ReasonRequired, "a username is required")
	}
	if password == "" {
		problems.Invalid(apperr.Path{"password"}, vocab.ReasonRequired, "a password is required")
	}
	for _, p := range values.CheckPassword(password) {
		if slices.Contains(passwordTextRules, p.Reason) {
			problems.Invalid(apperr.Path{"password"}, p.Reason, p.Message)
		}
	}
	return name, problems.Err()
}

// login finds the tenant's user with the normalized username and the
// customer whose login it is (an individual's, or an organization's admin
// login, Customer.user): a session acts for the whole customer, so only
// the customer's own login opens one. A missing one is nil. Both statements run whether or not the user exists, so that
// an unknown username costs what a known one does.
func (s *Service) login(ctx context.Context, name string) (*ent.User, *ent.Customer, error) {
	c, err := s.Client.Customer.Query().Where(customer.HasUserWith(user.Username(name))).Only(ctx)
	if err != nil && !ent.IsNotFound(err) {
		return nil, nil, err
	}
	u, err := s.Client.User.Query().Where(user.Username(name)).Only(ctx)
	if err != nil && !ent.IsNotFound(err) {
		return nil, nil, err
	}
	return u, c, nil
}

// mayStart reports whether the login and its customer may open a session:
// not when the customer was rejected, closed or erased, nor when the login
// is suspended, locked or closed. The same rule ends a live session on its
// next request (auth's checkSessionLive).
func mayStart(u *ent.User, c *ent.Customer) bool {
	return !slices.Contains(auth.EndedCustomerStatuses, c.Status) &&
		!slices.Contains(auth.EndedLoginStatuses, u.Status) && c.ErasedAt == nil
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}
