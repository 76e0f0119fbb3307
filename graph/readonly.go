package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"onboard/internal/database"
)

// readOnlyQueries marks every query operation read-only, once, before it
// executes: with DATABASE_READ_URL set, all its statements then go to the
// read replica (internal/database's route). Mutations are not marked, so a
// mutation and its payload read the primary and see what they wrote.
// Without a replica the mark changes nothing.
type readOnlyQueries struct{}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationInterceptor
} = readOnlyQueries{}

func (readOnlyQueries) ExtensionName() string                   { return "ReadOnlyQueries" }
func (readOnlyQueries) Validate(graphql.ExecutableSchema) error { return nil }

func (readOnlyQueries) InterceptOperation(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	if oc := graphql.GetOperationContext(ctx); oc.Operation != nil && oc.Operation.Operation == ast.Query {
		ctx = database.ReadOnly(ctx)
	}
	return next(ctx)
}
