package graph

import (
	"context"

	"onboard/ent"
	"onboard/internal/registration"
)

// customerPossibleDuplicates is Customer.possibleDuplicates (and a
// registration payload's) through the request's loader: the records of a
// page of customers and the existing customers they name, those loaded
// with what the selection of possibleDuplicates.customer reads, in a fixed
// number of statements whatever the page's size. The fields need
// customers:read (@hasScope), which a customer's own session never holds:
// that its registration looked like another customer is the back office's
// to know.
func (r *Resolver) customerPossibleDuplicates(ctx context.Context, customerID string) ([]*registration.PossibleDuplicate, error) {
	return loaded(loadersFor(ctx).possibleDuplicates.load(ctx, customerID, pageCustomers(ctx),
		func(ctx context.Context, ids []string) (map[string][]*registration.PossibleDuplicate, error) {
			return registration.PossibleDuplicates(ctx, r.Client, ids, func(q *ent.CustomerQuery) ([]*ent.Customer, error) {
				if sub, ok := selected(ctx, "customer"); ok {
					var err error
					if q, err = q.CollectFields(sub); err != nil {
						return nil, err
					}
				}
				return q.All(ctx)
			})
		}))
}
