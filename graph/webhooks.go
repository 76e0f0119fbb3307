package graph

import (
	"context"
	"strconv"

	"entgo.io/contrib/entgql"
	"github.com/99designs/gqlgen/graphql"

	"onboard/ent"
	"onboard/ent/webhookattempt"
	"onboard/ent/webhookdelivery"
	"onboard/ent/webhookendpoint"
	"onboard/ent/webhookendpointchange"
	"onboard/graph/model"
	"onboard/internal/apperr"
	"onboard/internal/apperr/vocab"
	"onboard/internal/viewer"
	"onboard/internal/webhooks"
)

// Webhook endpoints: the resolvers map the inputs to internal/webhooks'
// and back. An endpoint's log (changes) and a delivery's attempts
// (attemptLog) are asked of every element of a page at once: the first
// element's resolver loads those of the whole page in one statement
// through the operation's loaders (graph/loaders.go), as history does for
// customers, so that a page of fifty costs what one does.

// newestFirst orders a webhook connection by id, descending: ids are
// ULIDs, so the newest comes first and a cursor is an id.
var (
	endpointsNewestFirst  = &ent.WebhookEndpointOrder{Direction: entgql.OrderDirectionDesc, Field: ent.DefaultWebhookEndpointOrder.Field}
	deliveriesNewestFirst = &ent.WebhookDeliveryOrder{Direction: entgql.OrderDirectionDesc, Field: ent.DefaultWebhookDeliveryOrder.Field}
)

func createEndpointInput(in model.CreateWebhookEndpointInput) webhooks.CreateInput {
	return webhooks.CreateInput{URL: in.URL, EventTypes: in.EventTypes, Description: in.Description}
}

func updateEndpointInput(in model.UpdateWebhookEndpointInput) webhooks.UpdateInput {
	return webhooks.UpdateInput{EndpointID: in.EndpointID, URL: in.URL, EventTypes: in.EventTypes,
		Description: in.Description, Enabled: in.Enabled, Reason: in.Reason}
}

// webhookDeliveries is an endpoint's deliveries, newest first, kept to
// status and eventID when given; another tenant's endpoint is NOT_FOUND.
func (r *Resolver) webhookDeliveries(ctx context.Context, endpointID string, first *int, after *entgql.Cursor[string],
	status *webhookdelivery.Status, eventID *string) (*ent.WebhookDeliveryConnection, error) {
	if _, err := r.Webhooks.Endpoint(ctx, apperr.Path{"endpointId"}, endpointID); err != nil {
		return nil, err
	}
	q := r.Client.WebhookDelivery.Query().Where(webhookdelivery.EndpointID(endpointID))
	if status != nil {
		q.Where(webhookdelivery.StatusEQ(*status))
	}
	if eventID != nil {
		q.Where(webhookdelivery.EventID(*eventID))
	}
	return q.Paginate(countOnlyIfAsked(ctx), after, first, nil, nil, ent.WithWebhookDeliveryOrder(deliveriesNewestFirst))
}

// endpointChanges is WebhookEndpoint.changes through the operation's
// loaders: one webhooks.Changes per page of endpoints and value of first.
func (r *Resolver) endpointChanges(ctx context.Context, ep *ent.WebhookEndpoint, first *int) ([]*ent.WebhookEndpointChange, error) {
	n := 20
	if first != nil {
		n = *first
	}
	switch {
	case n < 0:
		return nil, apperr.Invalid(apperr.Path{"first"}, vocab.ReasonInvalidPageSize, "first must not be negative")
	case n > webhooks.MaxChanges:
		return nil, apperr.Invalid(apperr.Path{"first"}, vocab.ReasonPageSizeTooLarge, "first is at most "+strconv.Itoa(webhooks.MaxChanges)+" here")
	}
	ls := loadersFor(ctx)
	ls.mu.Lock()
	if ls.endpointChanges == nil {
		ls.endpointChanges = map[int]*batchLoader[[]*ent.WebhookEndpointChange]{}
	}
	l := ls.endpointChanges[n]
	if l == nil {
		l = &batchLoader[[]*ent.WebhookEndpointChange]{}
		ls.endpointChanges[n] = l
	}
	ls.mu.Unlock()
	return loaded(l.load(ctx, ep.ID, pageEndpoints(ctx), func(ctx context.Context, ids []string) (map[string][]*ent.WebhookEndpointChange, error) {
		return webhooks.Changes(ctx, r.Client, ids, n)
	}))
}

// deliveryAttempts is WebhookDelivery.attemptLog through the operation's
// loader: the attempts of a page of deliveries in one statement.
func (r *Resolver) deliveryAttempts(ctx context.Context, d *ent.WebhookDelivery) ([]*ent.WebhookAttempt, error) {
	return loaded(loadersFor(ctx).deliveryAttempts.load(ctx, d.ID, pageDeliveries(ctx),
		func(ctx context.Context, ids []string) (map[string][]*ent.WebhookAttempt, error) {
			return webhooks.Attempts(ctx, r.Client, ids)
		}))
}

// webhookNodeScope refuses node(id:) and nodes(ids:) of the webhook
// tables (endpoints with their URLs, deliveries, attempts with the
// receivers' answers, the endpoints' logs) to a token without
// webhooks:manage, which every other way to them requires: node itself
// asks only customers:read.
func webhookNodeScope(ctx context.Context, table string) error {
	switch table {
	case webhookendpoint.Table, webhookdelivery.Table, webhookattempt.Table, webhookendpointchange.Table:
		if !viewer.FromContext(ctx).Has(viewer.ScopeWebhooksManage) {
			return apperr.ForbiddenScope(viewer.ScopeWebhooksManage)
		}
	}
	return nil
}

// pageEndpoints are the ids of the endpoints in the list the resolving
// endpoint is an element of (a connection's edges or a plain list), as
// pageCustomers finds customers; nil outside such a list.
func pageEndpoints(ctx context.Context) []string {
	return pageIDs(ctx, func(result any) ([]string, bool) {
		var ids []string
		switch list := result.(type) {
		case []*ent.WebhookEndpointEdge:
			for _, e := range list {
				if e != nil && e.Node != nil {
					ids = append(ids, e.Node.ID)
				}
			}
		case []*ent.WebhookEndpoint:
			for _, ep := range list {
				if ep != nil {
					ids = append(ids, ep.ID)
				}
			}
		default:
			return nil, false
		}
		return ids, true
	})
}

// pageDeliveries are the ids of the deliveries in the list the resolving
// delivery is an element of.
func pageDeliveries(ctx context.Context) []string {
	return pageIDs(ctx, func(result any) ([]string, bool) {
		var ids []string
		switch list := result.(type) {
		case []*ent.WebhookDeliveryEdge:
			for _, e := range list {
				if e != nil && e.Node != nil {
					ids = append(ids, e.Node.ID)
				}
			}
		case []*ent.WebhookDelivery:
			for _, d := range list {
				if d != nil {
					ids = append(ids, d.ID)
				}
			}
		default:
			return nil, false
		}
		return ids, true
	})
}

// pageIDs walks up from the resolving field to the nearest list element
// and reads the ids of its list with ids.
func pageIDs(ctx context.Context, ids func(result any) ([]string, bool)) []string {
	for fc := graphql.GetFieldContext(ctx); fc != nil; fc = fc.Parent {
		if fc.Index == nil || fc.Parent == nil {
			continue
		}
		list, _ := ids(fc.Parent.Result)
		return list
	}
	return nil
}
