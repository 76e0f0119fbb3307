// Package viewer carries who is calling, in which tenant and with which
// scopes, from the HTTP layer down to the data layer. The ent privacy rules
// read it, so a query without a viewer is denied (fail closed).
package viewer

import (
	"context"
	"slices"
)

// Scopes a token may carry (the JWT "scope" claim, space separated).
const (
	ScopeCustomersRegister = "customers:register"
	ScopeCustomersRead     = "customers:read"
	ScopeCustomersManage   = "customers:manage"
	ScopePIIRead           = "pii:read"
	ScopeCatalogWrite      = "catalog:write"
	ScopeTenantsAdmin      = "tenants:admin"
)

// AllScopes returns every scope a token may carry, in a fresh slice: the
// development token printed at start grants them all.
func AllScopes() []string {
	return []string{ScopeCustomersRegister, ScopeCustomersRead, ScopeCustomersManage,
		ScopePIIRead, ScopeCatalogWrite, ScopeTenantsAdmin}
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
}

// Has reports whether the viewer holds scope.
func (v *Viewer) Has(scope string) bool {
	return v != nil && slices.Contains(v.Scopes, scope)
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
		Scopes: []string{ScopeCustomersRegister, ScopeCustomersRead, ScopeCustomersManage,
			ScopePIIRead, ScopeCatalogWrite},
	})
}
