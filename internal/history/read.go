package history

import (
	"context"
	"slices"
	"strings"

	"entgo.io/contrib/entgql"
	"entgo.io/ent/dialect/sql"

	"onboard/ent"
	"onboard/ent/customerevent"
	"onboard/internal/apperr"
	"onboard/internal/apperr/vocab"
	"onboard/internal/pulid"
	"onboard/schema/schematype"
)

// PageQuery asks for one page of history of each of several customers:
// the First events (newest first) older than the event After (an event
// id, "" for the newest), of the given Types only (all when empty), and
// with Count the number of events each customer has of those types.
type PageQuery struct {
	First int
	After string
	Types []string
	Count bool
}

// Page is one customer's page: its events, newest first, whether older
// ones follow, and (when counted) how many it has in all.
type Page struct {
	Events  []*ent.CustomerEvent
	HasNext bool
	Total   int
}

// Check refuses a query the read cannot answer: a cursor that is not an
// event's id (a cursor of another connection would otherwise page by
// comparing unrelated ids) and a type that is not an event type. It
// reports the first problem: a query's field answers one error.
func (q PageQuery) Check() error {
	if q.After != "" && !pulid.Valid(q.After, schematype.PrefixCustomerEvent) {
		return apperr.Invalid(apperr.Path{"after"}, vocab.ReasonInvalidCursor,
			"after is not a cursor of a customer's history: pass an endCursor of history")
	}
	return CheckTypes(q.Types)
}

// CheckTypes refuses a type filter naming a type that is not an event
// type, on the argument types (the feed of internal/events filters the
// same way): the first one, since a field answers one error.
func CheckTypes(types []string) error {
	for i, t := range types {
		if !slices.Contains(schematype.EventTypes, t) {
			return apperr.Invalid(apperr.Path{"types", i}, vocab.ReasonInvalidValue,
				"unknown event type; one of "+strings.Join(schematype.EventTypes, ", "))
		}
	}
	return nil
}

// Pages reads a page of history for each of customerIDs in one statement
// (and one more for the counts when asked): the rows of every customer,
// numbered newest first per customer with ROW_NUMBER() OVER (PARTITION BY
// customer_id ORDER BY id DESC), are cut at First+1, the extra row telling
// whether a next page exists. Event ids are ULIDs, time-ordered, so id
// order is the order the changes were recorded in (the same millisecond
// within one process included: the ids are monotonic there), and a cursor
// is just an id. The tenant filter of the ent privacy layer applies as to
// every query. A customer without events gets an empty page.
func Pages(ctx context.Context, client *ent.Client, customerIDs []string, q PageQuery) (map[string]*Page, error) {
	pages := make(map[string]*Page, len(customerIDs))
	for _, id := range customerIDs {
		pages[id] = &Page{Events: []*ent.CustomerEvent{}}
	}
	if len(customerIDs) == 0 {
		return pages, nil
	}
	filter := func(query *ent.CustomerEventQuery) *ent.CustomerEventQuery {
		query.Where(customerevent.CustomerIDIn(customerIDs...))
		if len(q.Types) > 0 {
			query.Where(customerevent.TypeIn(q.Types...))
		}
		return query
	}
	if q.First > 0 {
		query := filter(client.CustomerEvent.Query())
		if q.After != "" {
			query.Where(customerevent.IDLT(q.After))
		}
		newestFirst := sql.ExprFunc(func(b *sql.Builder) { b.Ident(customerevent.FieldID).WriteString(" DESC") })
		query.Modify(entgql.LimitPerRow(customerevent.FieldCustomerID, q.First+1, newestFirst))
		events, err := query.All(ctx)
		if err != nil {
			return nil, err
		}
		slices.SortFunc(events, func(a, b *ent.CustomerEvent) int { return strings.Compare(b.ID, a.ID) })
		for _, ev := range events {
			p := pages[ev.CustomerID]
			if p == nil {
				continue
			}
			if len(p.Events) == q.First {
				p.HasNext = true
				continue
			}
			p.Events = append(p.Events, ev)
		}
	}
	if q.Count {
		var counts []struct {
			CustomerID string `json:"customer_id"`
			Count      int    `json:"count"`
		}
		err := filter(client.CustomerEvent.Query()).
			GroupBy(customerevent.FieldCustomerID).Aggregate(ent.Count()).Scan(ctx, &counts)
		if err != nil {
			return nil, err
		}
		for _, c := range counts {
			if p := pages[c.CustomerID]; p != nil {
				p.Total = c.Count
			}
		}
	}
	return pages, nil
}
