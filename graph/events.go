package graph

import (
	"context"
	"strconv"

	"entgo.io/contrib/entgql"

	"onboard/ent"
	"onboard/internal/apperr"
	"onboard/internal/apperr/vocab"
	"onboard/internal/events"
)

// Query.events is the tenant's feed in commit order (internal/events). Its
// cursors carry an event's sequence, not its id: ids are taken when a
// change starts, sequences once it has committed, and only the latter
// order lets a consumer resume without missing a late commit. first is
// required and bounded by the limits walker as on every connection.

// eventsConnection maps the field's arguments to an events.FeedQuery,
// reads the page (eager-loading the nodes' customer when selected) and
// gives it as a connection; totalCount is counted only when selected.
func (r *Resolver) eventsConnection(ctx context.Context, first *int, after *entgql.Cursor[string], types []string, customerID *string) (*ent.CustomerEventConnection, error) {
	q := events.FeedQuery{Types: types, Count: selectsTotalCount(ctx)}
	if first != nil {
		q.First = *first
	}
	if after != nil {
		seq, err := parseSequenceCursor(after.ID)
		if err != nil {
			return nil, err
		}
		q.After = seq
	}
	if customerID != nil {
		q.CustomerID = *customerID
	}
	if err := q.Check(); err != nil {
		return nil, err
	}
	page, err := events.Feed(ctx, r.Client, q, func(query *ent.CustomerEventQuery) (*ent.CustomerEventQuery, error) {
		return withSelectedCustomer(ctx, query)
	})
	if err != nil {
		return nil, err
	}
	conn := &ent.CustomerEventConnection{Edges: []*ent.CustomerEventEdge{}, TotalCount: page.Total}
	conn.PageInfo.HasPreviousPage = after != nil
	conn.PageInfo.HasNextPage = page.HasNext
	for _, ev := range page.Events {
		conn.Edges = append(conn.Edges, &ent.CustomerEventEdge{Node: ev, Cursor: sequenceCursor(ev)})
	}
	if n := len(conn.Edges); n > 0 {
		conn.PageInfo.StartCursor = &conn.Edges[0].Cursor
		conn.PageInfo.EndCursor = &conn.Edges[n-1].Cursor
	}
	return conn, nil
}

// sequenceCursor is the cursor of a feed event: its sequence. The feed
// reads only sequenced events, so Sequence is set.
func sequenceCursor(ev *ent.CustomerEvent) ent.Cursor {
	var seq int64
	if ev.Sequence != nil {
		seq = *ev.Sequence
	}
	return ent.Cursor{ID: strconv.FormatInt(seq, 10)}
}

// parseSequenceCursor reads a feed cursor: a positive sequence. Any other
// cursor that decodes (a history cursor is an event id, a customers
// cursor a customer id) belongs to another connection.
func parseSequenceCursor(id string) (int64, error) {
	seq, err := strconv.ParseInt(id, 10, 64)
	if err != nil || seq <= 0 {
		return 0, apperr.Invalid(apperr.Path{"after"}, vocab.ReasonInvalidCursor,
			"after is not a cursor of events: pass an endCursor of events")
	}
	return seq, nil
}

// withSelectedCustomer eager-loads the nodes' customer edge, with what
// the client selects inside it, when the connection's edges { node {
// customer } } is selected: one statement for the page's customers
// instead of one per event.
func withSelectedCustomer(ctx context.Context, query *ent.CustomerEventQuery) (*ent.CustomerEventQuery, error) {
	edges, ok := selected(ctx, "edges")
	if !ok {
		return query, nil
	}
	node, ok := selected(edges, "node")
	if !ok {
		return query, nil
	}
	customer, ok := selected(node, "customer")
	if !ok {
		return query, nil
	}
	var collectErr error
	query.WithCustomer(func(cq *ent.CustomerQuery) {
		if _, err := cq.CollectFields(customer); err != nil {
			collectErr = err
		}
	})
	return query, collectErr
}
