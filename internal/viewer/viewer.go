// Package viewer carries who is calling, in which tenant and with which
// scopes, from the HTTP layer down to the data layer. The ent privacy rules
// read it, so a query without a viewer is denied (fail closed).
package viewer

import (
	"context"
	"slices"
	"time"
)

// Scope is a permission a token carries (the JWT "scope" claim, space
// separated). Scopes lists every one; a scope outside it is refused when a
// token is minted, and graph's TestHasScopeArgumentsAreKnownScopes fails on a
// @hasScope naming one.
type Scope string

// The scopes. They are untyped constants so that they also serve where the
// token's claim is handled as plain strings (auth, token minting).
const (
	ScopeCustomersRegister = "customers:register"
	ScopeCustomersRead     = "customers:read"
	ScopeCustomersManage   = "customers:manage"
	ScopePIIRead           = "pii:read"
	ScopeCatalogWrite      = "catalog:write"
	ScopeTenantsAdmin      = "tenants:admin"
	// ScopeCustomersVerify records verification results (KYC/KYB).
	ScopeCustomersVerify = "customers:verify"
	// ScopeCustomersDecide moves a customer's status: activate, reject,
	// suspend, reinstate, close, and erases a closed customer's data.
	ScopeCustomersDecide = "customers:decide"
	// ScopeCustomersSessions exchanges a customer's username and password
	// for a customer session (createCustomerSession).
	ScopeCustomersSessions = "customers:sessions"
	// ScopeCustomerSelf is what a customer session carries: it reads its
	// own customer, changes its own profile and accepts consents, for the
	// one customer named by the viewer's CustomerID and no other.
	ScopeCustomerSelf = "customer:self"
	// ScopeEventsRead reads the tenant's event feed and subscribes to it.
	ScopeEventsRead = "events:read"
	// ScopeWebhooksManage creates, rotates, enables and disables webhook
	// endpoints, reads their delivery log and asks for redeliveries.
	ScopeWebhooksManage = "webhooks:manage"
	// ScopeAPIKeysManage creates, lists and revokes the tenant's API keys.
	ScopeAPIKeysManage = "apikeys:manage"
)

// Scopes is every scope a token may carry, each once.
var Scopes = []Scope{ScopeCustomersRegister, ScopeCustomersRead, ScopeCustomersManage,
	ScopePIIRead, ScopeCatalogWrite, ScopeTenantsAdmin, ScopeCustomersVerify, ScopeCustomersDecide,
	ScopeCustomersSessions, ScopeCustomerSelf, ScopeEventsRead, ScopeWebhooksManage, ScopeAPIKeysManage}

// CodeScopes are the scopes no @hasScope names, because code checks them
// where a directive cannot: pii:read decides, per value, whether personal
// data is masked (@personalData) and whether a filter on it is refused.
var CodeScopes = []Scope{ScopePIIRead}

// AllScopes returns every scope a platform token may carry, in a fresh
// slice: the development token printed at start grants them all. It leaves
// out ScopeCustomerSelf, which only a customer session carries (auth mints
// it with the customer it acts for, and strips it from any token without
// one), so that no platform token is minted claiming a customer's powers.
func AllScopes() []string {
	all := make([]string, 0, len(Scopes))
	for _, s := range Scopes {
		if s != ScopeCustomerSelf {
			all = append(all, string(s))
		}
	}
	return all
}

// AllTenants is the token "tenants" entry of platform operators.
const AllTenants = "*"

// Viewer is the authenticated caller of one request.
type Viewer struct {
	// Subject is the token's "sub" claim (never personal data in logs).
	Subject string
	// Tenants are the tenant keys the token grants; AllTenants for operators.
	Tenants []string
	// Scopes are the token's scopes.
	Scopes []string
	// TenantID is the id (ten_…) of the tenant this request acts in, or ""
	// when the request carries no X-Tenant-ID.
	TenantID string
	// TenantKey is the X-Tenant-ID value the tenant was resolved from.
	TenantKey string
	// CustomerID is set for a customer session (ScopeCustomerSelf): the
	// one customer the token acts for.
	CustomerID string
	// ExpiresAt is when the token stops being accepted (its exp plus the
	// allowed clock skew); zero for internal viewers, which do not
	// expire. A request ends long before; a subscription, which outlives
	// requests, ends at it.
	ExpiresAt time.Time
}

// ActsFor reports whether the viewer may act on customerID with a power
// that a customer session shares with the platform: it holds platform,
// a platform token holding scope, or a customer session for that very
// customer.
func (v *Viewer) ActsFor(customerID string, platform Scope) bool {
	if v == nil {
		return false
	}
	if v.CustomerID != "" {
		return v.CustomerID == customerID && v.Has(ScopeCustomerSelf)
	}
	return v.Has(platform)
}

// Has reports whether the viewer holds scope.
func (v *Viewer) Has(scope Scope) bool {
	return v != nil && slices.Contains(v.Scopes, string(scope))
}

// ReadsPersonalData reports whether personal data goes to the viewer in
// clear: a token holding pii:read, or a customer session, which reaches its
// own customer only and so reads only its own data.
func (v *Viewer) ReadsPersonalData() bool {
	return v.Has(ScopePIIRead) || (v != nil && v.CustomerID != "" && v.Has(ScopeCustomerSelf))
}

// Operator reports whether the token may act in every tenant.
func (v *Viewer) Operator() bool {
	return v != nil && slices.Contains(v.Tenants, AllTenants)
}

// Grants reports whether the token allows acting in the tenant with key.
func (v *Viewer) Grants(key string) bool {
	return v != nil && (v.Operator() || slices.Contains(v.Tenants, key))
}

type ctxKey struct{}

// NewContext returns ctx carrying v.
func NewContext(ctx context.Context, v *Viewer) context.Context {
	return context.WithValue(ctx, ctxKey{}, v)
}

// FromContext returns the viewer of ctx, or nil.
func FromContext(ctx context.Context) *Viewer {
	v, _ := ctx.Value(ctxKey{}).(*Viewer)
	return v
}

// ForTenant returns a context acting inside tenantID for internal work
// (demo seeding, tests): the data layer's tenant filter applies as for a
// request, only the scopes are all granted.
func ForTenant(ctx context.Context, tenantID string) context.Context {
	return NewContext(ctx, &Viewer{
		Subject:  "system",
		TenantID: tenantID,
		Scopes:   slices.DeleteFunc(AllScopes(), func(s string) bool { return s == ScopeTenantsAdmin }),
	})
}
