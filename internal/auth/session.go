package auth

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"slices"
	"time"

	"onboard/ent"
	"onboard/ent/customer"
	"onboard/ent/privacy"
	"onboard/ent/user"
	"onboard/internal/apperr"
	"onboard/internal/pulid"
	"onboard/internal/viewer"
	"onboard/schema/schematype"
)

// CustomerClaim is the claim naming the one customer a customer session
// acts for. Its presence is what makes a token a customer session. It is
// namespaced, so that an identity provider's own "customer" claim (of
// another meaning) never turns one of its tokens into a session.
const CustomerClaim = "onboard:customer"

// CustomerSession describes a customer session to mint: the login user it
// was created for (the sub claim), the tenant it belongs to (its key, the
// one entry of tenants) and its customer.
type CustomerSession struct {
	UserID     string
	TenantKey  string
	CustomerID string
	TTL        time.Duration
}

// ErrNoSessionKey is MintCustomerSession's error on a server that verifies
// tokens with a public key: it holds no key to sign with, and a session
// signed with another key than the one verify uses would not verify.
var ErrNoSessionKey = errors.New("customer sessions need a shared secret (JWT_SECRET): this server verifies tokens with a public key")

// CanMintSessions reports whether MintCustomerSession can sign (the server
// is configured with JWT_SECRET rather than a public key).
func (a *Authenticator) CanMintSessions() bool { return a.signer }

// MintCustomerSession signs a customer session: sub = the user, tenants =
// [the tenant], scope = customer:self, CustomerClaim = the customer, with the
// configured issuer and audience, expiring after s.TTL. It returns the
// token and its expiry (exp, whole seconds).
func (a *Authenticator) MintCustomerSession(s CustomerSession) (string, time.Time, error) {
	if !a.signer {
		return "", time.Time{}, ErrNoSessionKey
	}
	if s.UserID == "" || s.TenantKey == "" || s.TenantKey == viewer.AllTenants ||
		!pulid.Valid(s.CustomerID, schematype.PrefixCustomer) || s.TTL <= 0 {
		return "", time.Time{}, errors.New("a customer session needs a user, one tenant, a customer id and a positive TTL")
	}
	now := time.Now()
	exp := time.Unix(now.Add(s.TTL).Unix(), 0)
	claims := map[string]any{
		"sub":         s.UserID,
		"tenants":     []string{s.TenantKey},
		"scope":       viewer.ScopeCustomerSelf,
		CustomerClaim: s.CustomerID,
		"iat":         now.Unix(),
		"exp":         exp.Unix(),
	}
	if a.issuer != "" {
		claims["iss"] = a.issuer
	}
	if a.audience != "" {
		claims["aud"] = a.audience
	}
	_, token, err := a.ja.Encode(claims)
	return token, exp, err
}

// customerSession applies the customer claim to v, the viewer of a verified
// token, and returns the rule the token breaks ("" when none).
//
// A token with a customer claim is a customer session: it acts for that
// customer only (v.CustomerID), in its one tenant, and keeps no scope but
// customer:self whatever else it claims, so that a session, however it was
// minted, reaches nothing a platform token reaches. A token without the
// claim loses customer:self: that scope means "act as the customer named
// by the token", and with none named it grants nothing, so @hasScope
// refuses `me` to it and viewer.ActsFor stays false.
func customerSession(v *viewer.Viewer, payload map[string]json.RawMessage) string {
	raw, ok := payload[CustomerClaim]
	if !ok || bytes.Equal(raw, []byte("null")) {
		v.Scopes = slices.DeleteFunc(v.Scopes, func(s string) bool { return s == viewer.ScopeCustomerSelf })
		return ""
	}
	var id string
	if err := json.Unmarshal(raw, &id); err != nil || !pulid.Valid(id, schematype.PrefixCustomer) {
		return CustomerClaim + " must be a customer id"
	}
	if len(v.Tenants) != 1 || v.Tenants[0] == viewer.AllTenants {
		return "a customer session grants exactly one tenant"
	}
	self := slices.Contains(v.Scopes, viewer.ScopeCustomerSelf)
	v.Scopes = nil
	if self {
		v.Scopes = []string{viewer.ScopeCustomerSelf}
	}
	v.CustomerID = id
	return ""
}

// EndedCustomerStatuses are the customer statuses in which no customer
// session may start or go on: the customer was turned down or has left.
// (A suspended customer's login is SUSPENDED, see EndedLoginStatuses.)
var EndedCustomerStatuses = []customer.Status{customer.StatusREJECTED, customer.StatusCLOSED}

// EndedLoginStatuses are the login statuses in which no customer session
// may start or go on.
var EndedLoginStatuses = []user.Status{user.StatusSUSPENDED, user.StatusLOCKED, user.StatusCLOSED}

// sessionEnded is the 401 of a customer session whose customer or login
// may no longer sign in.
func sessionEnded() *apperr.Error {
	return invalid("the customer session has ended")
}

// checkSessionLive refuses a customer session whose customer may no longer
// act: a token, once handed out, cannot be recalled, so without this check
// a customer suspended, closed, rejected or erased (or whose login was
// suspended, locked or closed) would keep its session until exp. It is one
// statement on every request of a session, by primary key (the customer,
// in the session's tenant, and its login, neither in an ended state), and
// deliberately not cached: a decision takes effect on the next request.
// The login is the customer's, not the token's sub: an identity provider
// signing sessions (with a public key configured) names its own subjects. tenantID is the request's tenant, "" when
// the request names none (the session's one tenant is checked then).
//
// A customer reinstated while its session is still within its exp can use
// the session again: the check reads the state now, it keeps no
// revocation list. CUSTOMER_SESSION_TTL's cap bounds that life.
func (a *Authenticator) checkSessionLive(ctx context.Context, v *viewer.Viewer) *apperr.Error {
	ctx = privacy.DecisionContext(ctx, privacy.Allow) // no viewer yet: the tenant is in the predicate
	tenantID := v.TenantID
	if tenantID == "" {
		id, err := a.TenantID(ctx, v.Tenants[0]) // customerSession checked there is exactly one
		if ent.IsNotFound(err) {
			return sessionEnded()
		}
		if err != nil {
			return storeFailure(err)
		}
		tenantID = id
	}
	live, err := a.client.Customer.Query().Where(
		customer.ID(v.CustomerID),
		customer.TenantID(tenantID),
		customer.StatusNotIn(EndedCustomerStatuses...),
		customer.ErasedAtIsNil(),
		customer.HasUserWith(user.StatusNotIn(EndedLoginStatuses...)),
	).Exist(ctx)
	if err != nil {
		return storeFailure(err)
	}
	if !live {
		return sessionEnded()
	}
	return nil
}

// storeFailure is the answer to a database error while authenticating:
// UNAVAILABLE when the database is down (retry), else an internal error.
func storeFailure(err error) *apperr.Error {
	if ue := apperr.AsUnavailable(err); ue != nil {
		return ue
	}
	return apperr.InternalError(err)
}
