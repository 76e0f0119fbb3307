package schema

import (
	"context"
	"fmt"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/entql"
	"github.com/vektah/gqlparser/v2/ast"

	"onboard/ent/privacy"
	"onboard/internal/viewer"
)

// Policy confines every query and mutation of a tenant-owned entity to the
// viewer's tenant. Without a viewer acting in a tenant it denies: a code
// path that forgot to authenticate reads nothing and writes nothing.
func (TenantMixin) Policy() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{filterByViewerTenant()},
		Mutation: privacy.MutationPolicy{filterByViewerTenant()},
	}
}

// Hooks of the TenantMixin.
func (TenantMixin) Hooks() []ent.Hook {
	return []ent.Hook{setTenantOnCreate}
}

// tenantFilter is implemented by the entql filters of tenant-owned entities.
type tenantFilter interface {
	WhereTenantID(entql.StringP)
}

// filterByViewerTenant adds tenant_id = viewer's tenant to queries, updates
// and deletes (another tenant's rows are simply not there, hence NOT_FOUND,
// never FORBIDDEN).
func filterByViewerTenant() privacy.QueryMutationRule {
	return privacy.FilterFunc(func(ctx context.Context, f privacy.Filter) error {
		v := viewer.FromContext(ctx)
		if v == nil || v.TenantID == "" {
			return privacy.Denyf("no tenant in context")
		}
		tf, ok := f.(tenantFilter)
		if !ok {
			return privacy.Denyf("unexpected filter type %T", f)
		}
		tf.WhereTenantID(entql.StringEQ(v.TenantID))
		return privacy.Skip
	})
}

// setTenantOnCreate stamps new rows with the viewer's tenant. A tenant id
// given explicitly must be the viewer's own.
func setTenantOnCreate(next ent.Mutator) ent.Mutator {
	return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
		if !m.Op().Is(ent.OpCreate) {
			return next.Mutate(ctx, m)
		}
		tm, ok := m.(interface {
			TenantID() (string, bool)
			SetTenantID(string)
		})
		if !ok {
			return nil, fmt.Errorf("%T is not tenant-owned", m)
		}
		v := viewer.FromContext(ctx)
		if v == nil || v.TenantID == "" {
			return nil, privacy.Denyf("no tenant in context")
		}
		if id, set := tm.TenantID(); set && id != v.TenantID {
			return nil, privacy.Denyf("tenant mismatch")
		}
		tm.SetTenantID(v.TenantID)
		return next.Mutate(ctx, m)
	})
}

// Policy of the Tenant: a viewer sees only the tenant it acts in; only
// platform operators with tenants:admin create or change tenants. Internal
// code that must look tenants up by key (authentication) does so with a
// privacy.DecisionContext allowing it.
func (Tenant) Policy() ent.Policy {
	return privacy.Policy{
		Query: privacy.QueryPolicy{
			privacy.FilterFunc(func(ctx context.Context, f privacy.Filter) error {
				v := viewer.FromContext(ctx)
				if v == nil || v.TenantID == "" {
					return privacy.Denyf("no tenant in context")
				}
				f.(interface{ WhereID(entql.StringP) }).WhereID(entql.StringEQ(v.TenantID))
				return privacy.Skip
			}),
		},
		Mutation: privacy.MutationPolicy{
			privacy.MutationRuleFunc(func(ctx context.Context, _ ent.Mutation) error {
				v := viewer.FromContext(ctx)
				if v.Operator() && v.Has(viewer.ScopeTenantsAdmin) {
					return privacy.Allow
				}
				return privacy.Denyf("only platform operators manage tenants")
			}),
		},
	}
}

// readScope is the @hasScope(scope: "customers:read") directive that every
// read query field carries.
var readScope = HasScope(viewer.ScopeCustomersRead)

// HasScope is the @hasScope directive requiring scope, for the fields the
// ent schemas put into the generated GraphQL schema (ent/entc.go builds its
// own, from the same viewer constant).
func HasScope(scope viewer.Scope) entgql.Directive {
	return entgql.NewDirective("hasScope", &ast.Argument{
		Name:  "scope",
		Value: &ast.Value{Kind: ast.StringValue, Raw: string(scope)},
	})
}
