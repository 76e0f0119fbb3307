package graph

import (
	"context"
	"strings"
	"sync"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"onboard/ent"
	"onboard/internal/history"
	"onboard/internal/onboarding"
	"onboard/internal/registration"
	"onboard/internal/viewer"
)

// Request-scoped loaders of fields on Customer that are computed, not
// stored in a column entgql can eager-load. A page of customers resolves
// each customer's field in its own goroutine; a loader turns those calls
// into one batch per page, so the statements a page costs do not grow
// with its size.
//
// A batch is not collected over a time window (dataloader style), which
// would make the statement count depend on the scheduler: the first call
// of a page finds the page itself in gqlgen's field contexts (the list the
// customer is an element of, see pageCustomers) and loads it whole; the
// other customers' calls wait for that load. A customer outside a list of
// customers (customer(id:), a mutation's payload) is a batch of one.

type loadersKey struct{}

// loaders are one request's loaders.
type loaders struct {
	requirements  batchLoader[*onboarding.Requirements]
	verifications batchLoader[[]*ent.Verification]
	consents      batchLoader[[]*ent.Consent]
	// possibleDuplicates are a page's recorded duplicates (graph/duplicates.go).
	possibleDuplicates batchLoader[[]*registration.PossibleDuplicate]
	// mu guards history, a loader per set of arguments (graph/history.go),
	// and endpointChanges, one per changes(first) (graph/webhooks.go).
	mu      sync.Mutex
	history map[string]*batchLoader[*history.Page]
	// endpointChanges and deliveryAttempts load a page of webhook
	// endpoints' logs and of deliveries' attempts (graph/webhooks.go).
	endpointChanges  map[int]*batchLoader[[]*ent.WebhookEndpointChange]
	deliveryAttempts batchLoader[[]*ent.WebhookAttempt]
}

// operationLoaders are an operation's loaders: one set for a query, one
// per root field for a mutation, whose root fields run one after the
// other and may each change what an earlier one loaded (a value loaded
// for the first recordVerification's payload is stale for the second's).
type operationLoaders struct {
	mutation bool
	mu       sync.Mutex
	sets     map[string]*loaders
}

// withLoaders gives an operation its own loaders (AroundOperations).
func withLoaders(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	op := graphql.GetOperationContext(ctx)
	mutation := op != nil && op.Operation != nil && op.Operation.Operation == ast.Mutation
	return next(context.WithValue(ctx, loadersKey{}, &operationLoaders{mutation: mutation, sets: map[string]*loaders{}}))
}

// loadersFor returns the loaders of the operation (of its root field, in
// a mutation); outside an operation (a resolver called directly) a fresh
// set that batches nothing across calls.
func loadersFor(ctx context.Context) *loaders {
	ol, ok := ctx.Value(loadersKey{}).(*operationLoaders)
	if !ok {
		return &loaders{}
	}
	key := ""
	if rf := graphql.GetRootFieldContext(ctx); ol.mutation && rf != nil {
		key = rf.Field.Alias
	}
	ol.mu.Lock()
	defer ol.mu.Unlock()
	l := ol.sets[key]
	if l == nil {
		l = &loaders{}
		ol.sets[key] = l
	}
	return l
}

// batchLoader loads values by customer id, each id once per request.
type batchLoader[V any] struct {
	mu    sync.Mutex
	calls map[string]*loadCall[V]
}

// loadCall is one id's load: done closes when val and err are set.
type loadCall[V any] struct {
	done chan struct{}
	val  V
	err  error
}

// load returns id's value, loading it with fetch together with the other
// ids of batch that no call has loaded yet.
func (b *batchLoader[V]) load(ctx context.Context, id string, batch []string, fetch func(context.Context, []string) (map[string]V, error)) (V, error) {
	b.mu.Lock()
	if b.calls == nil {
		b.calls = map[string]*loadCall[V]{}
	}
	if c, ok := b.calls[id]; ok {
		b.mu.Unlock()
		select {
		case <-c.done:
			return c.val, c.err
		case <-ctx.Done():
			var zero V
			return zero, ctx.Err()
		}
	}
	mine := map[string]*loadCall[V]{}
	ids := []string{id}
	mine[id] = &loadCall[V]{done: make(chan struct{})}
	for _, other := range batch {
		if _, ok := b.calls[other]; ok || mine[other] != nil {
			continue
		}
		mine[other] = &loadCall[V]{done: make(chan struct{})}
		ids = append(ids, other)
	}
	for k, c := range mine {
		b.calls[k] = c
	}
	b.mu.Unlock()

	vals, err := fetch(ctx, ids)
	for k, c := range mine {
		c.val, c.err = vals[k], err
		close(c.done)
	}
	return mine[id].val, mine[id].err
}

// pageCustomers are the ids of the customers in the list the resolving
// customer is an element of: the nearest list element among the field's
// ancestors, when its list holds customers (a customer connection's
// edges, a plain list, nodes(ids:), or the possibleDuplicates of a
// customer). Nil when the customer is in no such list.
func pageCustomers(ctx context.Context) []string {
	for fc := graphql.GetFieldContext(ctx); fc != nil; fc = fc.Parent {
		if fc.Index == nil || fc.Parent == nil {
			continue
		}
		var ids []string
		switch list := fc.Parent.Result.(type) {
		case []*ent.CustomerEdge:
			for _, e := range list {
				if e != nil && e.Node != nil {
					ids = append(ids, e.Node.ID)
				}
			}
		case []*ent.Customer:
			for _, c := range list {
				if c != nil {
					ids = append(ids, c.ID)
				}
			}
		case []ent.Noder: // nodes(ids:)
			for _, n := range list {
				if c, ok := n.(*ent.Customer); ok && c != nil {
					ids = append(ids, c.ID)
				}
			}
		case []*registration.PossibleDuplicate:
			for _, d := range list {
				if d != nil && d.Customer != nil {
					ids = append(ids, d.Customer.ID)
				}
			}
		}
		return ids
	}
	return nil
}

// customerRequirements is Customer.requirements through the request's
// loader: one onboarding.Compute per page of customers. A customer session
// gets only the entries it can answer itself (forSession).
func (r *Resolver) customerRequirements(ctx context.Context, c *ent.Customer) (*onboarding.Requirements, error) {
	req, err := loadersFor(ctx).requirements.load(ctx, c.ID, pageCustomers(ctx), r.Onboarding.Requirements)
	if err != nil {
		return nil, err
	}
	if req == nil {
		// The customer was read in this request, so it exists; a nil
		// would only come from a customer the batch's read did not see.
		return &onboarding.Requirements{CurrentlyDue: []onboarding.Requirement{}, EventuallyDue: []onboarding.Requirement{},
			PendingVerification: []onboarding.Requirement{}, Errors: []onboarding.Requirement{}}, nil
	}
	if v := viewer.FromContext(ctx); v != nil && v.CustomerID != "" {
		return forSession(req), nil
	}
	return req, nil
}

// forSession keeps of req what a customer session may see and answer
// itself: the consents to accept and the documents to provide. The rest —
// verifications due, under review or failed (sanctions, PEP), ownership
// rules — is the back office's: telling the customer would tip it off
// (AML). A copy, as req is the loader's, shared within the request.
func forSession(req *onboarding.Requirements) *onboarding.Requirements {
	keep := func(list []onboarding.Requirement) []onboarding.Requirement {
		out := []onboarding.Requirement{}
		for _, x := range list {
			if strings.HasPrefix(x.Code, onboarding.ConsentCode("")) || strings.HasPrefix(x.Code, onboarding.DocumentCode("")) {
				out = append(out, x)
			}
		}
		return out
	}
	return &onboarding.Requirements{CurrentlyDue: keep(req.CurrentlyDue), EventuallyDue: keep(req.EventuallyDue),
		PendingVerification: keep(req.PendingVerification), Errors: keep(req.Errors)}
}

// customerVerifications is Customer.verifications through the request's
// loader: the results in force of a page of customers in one statement.
func (r *Resolver) customerVerifications(ctx context.Context, c *ent.Customer) ([]*ent.Verification, error) {
	return loaded(loadersFor(ctx).verifications.load(ctx, c.ID, pageCustomers(ctx),
		func(ctx context.Context, ids []string) (map[string][]*ent.Verification, error) {
			return onboarding.VerificationsInForce(ctx, r.Client, ids)
		}))
}

// customerConsents is Customer.consents through the request's loader: the
// acceptances of the current versions of a page of customers at once.
func (r *Resolver) customerConsents(ctx context.Context, c *ent.Customer) ([]*ent.Consent, error) {
	return loaded(loadersFor(ctx).consents.load(ctx, c.ID, pageCustomers(ctx),
		func(ctx context.Context, ids []string) (map[string][]*ent.Consent, error) {
			return onboarding.ConsentsInForce(ctx, r.Client, ids)
		}))
}

// loaded is a loader's answer as a resolver returns it: never a null list.
func loaded[T any](list []T, err error) ([]T, error) {
	if err != nil {
		return nil, err
	}
	return nonNil(list), nil
}
