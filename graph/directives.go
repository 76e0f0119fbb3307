package graph

import (
	"context"
	"net/http"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"onboard/internal/apperr"
	"onboard/internal/apperr/vocab"
	"onboard/internal/viewer"
)

// hasScope implements @hasScope: the field needs the scope in the token.
func hasScope(ctx context.Context, _ any, next graphql.Resolver, scope string) (any, error) {
	if !viewer.FromContext(ctx).Has(viewer.Scope(scope)) {
		return nil, apperr.ForbiddenScope(scope)
	}
	return next(ctx)
}

// tenantRequirement rejects, before execution, an operation that selects a
// tenant-scoped root field without an X-Tenant-ID header (fields marked
// @withoutTenant and introspection need none). The response is HTTP 400.
type tenantRequirement struct{}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = tenantRequirement{}

func (tenantRequirement) ExtensionName() string                   { return "TenantRequirement" }
func (tenantRequirement) Validate(graphql.ExecutableSchema) error { return nil }
func (tenantRequirement) MutateOperationContext(ctx context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if v := viewer.FromContext(ctx); v != nil && v.TenantID != "" {
		return nil
	}
	for _, f := range graphql.CollectFields(oc, oc.Operation.SelectionSet, nil) {
		if f.Definition == nil || f.Name == "__typename" || f.Name == "__schema" || f.Name == "__type" {
			continue
		}
		if f.Definition.Directives.ForName("withoutTenant") != nil {
			continue
		}
		setStatus(ctx, http.StatusBadRequest)
		return &gqlerror.Error{
			Message: "the X-Tenant-ID header is required for " + f.Name,
			Err:     apperr.New(apperr.BadUserInput, vocab.ReasonMissingTenant, "the X-Tenant-ID header is required for "+f.Name),
		}
	}
	return nil
}
