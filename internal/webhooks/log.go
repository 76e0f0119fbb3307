package webhooks

import (
	"context"
	"slices"
	"strings"

	"entgo.io/contrib/entgql"
	"entgo.io/ent/dialect/sql"

	"onboard/ent"
	"onboard/ent/webhookattempt"
	"onboard/ent/webhookendpointchange"
)

// MaxChanges bounds WebhookEndpoint.changes(first): an endpoint's log
// grows with every redelivery asked for, so a page of endpoints must not
// read all of it.
const MaxChanges = 100

// Changes reads the newest first entries of the log of each of
// endpointIDs in one statement (a page of endpoints costs what one does):
// the rows of every endpoint, numbered newest first per endpoint with
// ROW_NUMBER() OVER (PARTITION BY endpoint_id ORDER BY id DESC), cut at
// first. Ids are ULIDs, so id order is the order of the changes. The
// tenant filter applies as to every query; an endpoint without entries
// gets an empty list.
func Changes(ctx context.Context, client *ent.Client, endpointIDs []string, first int) (map[string][]*ent.WebhookEndpointChange, error) {
	out := make(map[string][]*ent.WebhookEndpointChange, len(endpointIDs))
	for _, id := range endpointIDs {
		out[id] = []*ent.WebhookEndpointChange{}
	}
	if len(endpointIDs) == 0 || first <= 0 {
		return out, nil
	}
	newestFirst := sql.ExprFunc(func(b *sql.Builder) { b.Ident(webhookendpointchange.FieldID).WriteString(" DESC") })
	rows, err := client.WebhookEndpointChange.Query().
		Where(webhookendpointchange.EndpointIDIn(endpointIDs...)).
		Modify(entgql.LimitPerRow(webhookendpointchange.FieldEndpointID, first, newestFirst)).
		All(ctx)
	if err != nil {
		return nil, err
	}
	slices.SortFunc(rows, func(a, b *ent.WebhookEndpointChange) int { return strings.Compare(b.ID, a.ID) })
	for _, c := range rows {
		if list, ok := out[c.EndpointID]; ok {
			out[c.EndpointID] = append(list, c)
		}
	}
	return out, nil
}

// Attempts reads every attempt of each of deliveryIDs, first first, in one
// statement. A delivery's attempts are bounded by its retry schedule
// (RetryFor at BackoffMax apart, after the doubling steps), so they are
// read whole.
func Attempts(ctx context.Context, client *ent.Client, deliveryIDs []string) (map[string][]*ent.WebhookAttempt, error) {
	out := make(map[string][]*ent.WebhookAttempt, len(deliveryIDs))
	for _, id := range deliveryIDs {
		out[id] = []*ent.WebhookAttempt{}
	}
	if len(deliveryIDs) == 0 {
		return out, nil
	}
	rows, err := client.WebhookAttempt.Query().
		Where(webhookattempt.DeliveryIDIn(deliveryIDs...)).
		Order(ent.Asc(webhookattempt.FieldID)).
		All(ctx)
	if err != nil {
		return nil, err
	}
	for _, a := range rows {
		if list, ok := out[a.DeliveryID]; ok {
			out[a.DeliveryID] = append(list, a)
		}
	}
	return out, nil
}
