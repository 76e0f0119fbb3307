package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vikstrous/dataloadgen"

	"onboard/ent"
	"onboard/internal/onboarding"
)

// A page of customers selecting a list field that ent does not eager-load
// (the lifecycle's verifications and consents, which are not GraphQL
// edges) would read it one statement per customer. gqlgen resolves the
// customers of a list concurrently; the request's loaders gather their
// ids and read each field for all of them in one batch (one statement for
// verifications, two for consents), whatever the page size.

// loaders are one request's batch loaders, keyed by customer id.
type loaders struct {
	verifications *dataloadgen.Loader[string, []*ent.Verification]
	consents      *dataloadgen.Loader[string, []*ent.Consent]
}

type loadersKey struct{}

// requestLoaders gives every operation loaders of its own, so that
// nothing read for one request (under its viewer and tenant) is served
// to another.
type requestLoaders struct{ client *ent.Client }

var _ interface {
	graphql.HandlerExtension
	graphql.OperationInterceptor
} = requestLoaders{}

func (requestLoaders) ExtensionName() string                   { return "RequestLoaders" }
func (requestLoaders) Validate(graphql.ExecutableSchema) error { return nil }
func (l requestLoaders) InterceptOperation(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	return next(context.WithValue(ctx, loadersKey{}, newLoaders(l.client)))
}

func newLoaders(client *ent.Client) *loaders {
	return &loaders{
		verifications: dataloadgen.NewLoader(byKey(func(ctx context.Context, ids []string) (map[string][]*ent.Verification, error) {
			return onboarding.VerificationsInForce(ctx, client, ids)
		})),
		consents: dataloadgen.NewLoader(byKey(func(ctx context.Context, ids []string) (map[string][]*ent.Consent, error) {
			return onboarding.ConsentsInForce(ctx, client, ids)
		})),
	}
}

// byKey turns a fetch of lists by customer id into a loader's fetch: a
// customer the map lacks has an empty list (never an error), and the
// fetch's error is every key's.
func byKey[T any](fetch func(context.Context, []string) (map[string][]T, error)) func(context.Context, []string) ([][]T, []error) {
	return func(ctx context.Context, ids []string) ([][]T, []error) {
		found, err := fetch(ctx, ids)
		lists := make([][]T, len(ids))
		errs := make([]error, len(ids))
		for i, id := range ids {
			lists[i], errs[i] = nonNil(found[id]), err
		}
		return lists, errs
	}
}

// requestLoadersOf returns the operation's loaders; outside an operation
// (a resolver called directly) a fresh set that batches nothing across
// calls.
func (r *Resolver) requestLoadersOf(ctx context.Context) *loaders {
	if l, ok := ctx.Value(loadersKey{}).(*loaders); ok {
		return l
	}
	return newLoaders(r.Client)
}

// loaded is a loader's answer as a resolver returns it: never a null list.
func loaded[T any](list []T, err error) ([]T, error) {
	if err != nil {
		return nil, err
	}
	return nonNil(list), nil
}
