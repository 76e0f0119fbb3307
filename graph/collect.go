package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
)

// This file lets a mutation eager-load what its payload's fields select.
// entgql's CollectFields reads the selection of the field being resolved;
// in a mutation that is the payload, not the customer or organization
// inside it, whose lists would then be read one query per row.

// selected returns ctx as the payload field name sees it (its first
// selection), for CollectFields, and whether the client selected it.
func selected(ctx context.Context, name string) (context.Context, bool) {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil {
		return ctx, false
	}
	var satisfies []string
	if fc.Field.Definition != nil {
		satisfies = []string{fc.Field.Definition.Type.Name()}
	}
	for _, f := range graphql.CollectFields(graphql.GetOperationContext(ctx), fc.Field.Selections, satisfies) {
		if f.Name == name {
			return withoutCounts(graphql.WithFieldContext(ctx, &graphql.FieldContext{Parent: fc, Field: f})), true
		}
	}
	return ctx, false
}

// collectable is an ent query of T that entgql can eager-load for.
type collectable[Q any, T any] interface {
	CollectFields(context.Context, ...string) (Q, error)
	All(context.Context) ([]T, error)
	Only(context.Context) (T, error)
}

// loadOne runs q for the payload field name, eager-loading what it
// selects; when the client did not select it, nothing is read and the
// zero T (nil), never shown, stands in.
func loadOne[Q collectable[Q, T], T any](ctx context.Context, name string, q Q) (T, error) {
	var none T
	sub, ok := selected(ctx, name)
	if !ok {
		return none, nil
	}
	q, err := q.CollectFields(sub)
	if err != nil {
		return none, err
	}
	return q.Only(ctx)
}

// loadList runs q for the payload field name, eager-loading what it
// selects; a list the client did not select is not read at all.
func loadList[Q collectable[Q, T], T any](ctx context.Context, name string, q Q) ([]T, error) {
	sub, ok := selected(ctx, name)
	if !ok {
		return []T{}, nil
	}
	q, err := q.CollectFields(sub)
	if err != nil {
		return nil, err
	}
	list, err := q.All(ctx)
	return nonNil(list), err
}
