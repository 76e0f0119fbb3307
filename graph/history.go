package graph

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"entgo.io/contrib/entgql"
	"github.com/99designs/gqlgen/graphql"

	"onboard/ent"
	"onboard/internal/history"
	"onboard/internal/viewer"
	"onboard/schema/schematype"
)

// Customer.history is asked of every customer of a page at once: the
// first customer's resolver loads the pages of all the page's customers in
// one statement (history.Pages) through the operation's loaders, so that
// fifty customers cost what five do. There is one loader per set of
// arguments, since history(first: 5) and history(first: 2, types: [...])
// on the same page are different reads.

// historyPages reads obj's page for q through the operation's loaders
// (graph/loaders.go): one history.Pages per page of customers and set of
// arguments.
func (r *Resolver) historyPages(ctx context.Context, customerID string, q history.PageQuery) (*history.Page, error) {
	ls := loadersFor(ctx)
	key := historyLoaderKey(q)
	ls.mu.Lock()
	if ls.history == nil {
		ls.history = map[string]*batchLoader[*history.Page]{}
	}
	l := ls.history[key]
	if l == nil {
		l = &batchLoader[*history.Page]{}
		ls.history[key] = l
	}
	ls.mu.Unlock()
	return l.load(ctx, customerID, pageCustomers(ctx), func(ctx context.Context, ids []string) (map[string]*history.Page, error) {
		return history.Pages(ctx, r.Client, ids, q)
	})
}

// historyLoaderKey tells apart the reads of different arguments.
func historyLoaderKey(q history.PageQuery) string {
	types := slices.Clone(q.Types)
	slices.Sort(types)
	return fmt.Sprintf("%d|%s|%s|%t", q.First, q.After, strings.Join(slices.Compact(types), ","), q.Count)
}

// historyConnection reads obj's page of history through the request's
// loader and gives it as a connection: the cursors are the events' ids,
// hasNextPage comes from the one row read past the page, totalCount is
// counted only when selected (one grouped statement for the whole page of
// customers).
func (r *Resolver) historyConnection(ctx context.Context, obj *ent.Customer, first *int, after *entgql.Cursor[string], types []string) (*ent.CustomerEventConnection, error) {
	q := history.PageQuery{Types: types, Count: selectsTotalCount(ctx)}
	if first != nil {
		q.First = *first
	}
	if after != nil {
		q.After = after.ID
	}
	if err := q.Check(); err != nil {
		return nil, err
	}
	conn := &ent.CustomerEventConnection{Edges: []*ent.CustomerEventEdge{}}
	conn.PageInfo.HasPreviousPage = after != nil
	if q.First == 0 && !q.Count {
		return conn, nil
	}
	page, err := r.historyPages(ctx, obj.ID, q)
	if err != nil {
		return nil, err
	}
	conn.TotalCount = page.Total
	conn.PageInfo.HasNextPage = page.HasNext
	for _, ev := range page.Events {
		conn.Edges = append(conn.Edges, &ent.CustomerEventEdge{Node: ev, Cursor: ent.Cursor{ID: ev.ID}})
	}
	if n := len(conn.Edges); n > 0 {
		conn.PageInfo.StartCursor = &conn.Edges[0].Cursor
		conn.PageInfo.EndCursor = &conn.Edges[n-1].Cursor
	}
	return conn, nil
}

// selectsTotalCount reports whether the connection being resolved
// selects totalCount (under any alias).
func selectsTotalCount(ctx context.Context) bool {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil {
		return false
	}
	for _, f := range graphql.CollectFields(graphql.GetOperationContext(ctx), fc.Field.Selections, nil) {
		if f.Name == "totalCount" {
			return true
		}
	}
	return false
}

// fieldChanges gives an event's changes as GraphQL answers them: a
// personal value masked (mask, as @personalData does) for a viewer without
// pii:read.
func fieldChanges(ctx context.Context, ev *ent.CustomerEvent) []*schematype.FieldChange {
	clear := viewer.FromContext(ctx).ReadsPersonalData()
	out := make([]*schematype.FieldChange, len(ev.Changes))
	for i, c := range ev.Changes {
		if c.Personal && !clear {
			c.Before, c.After = maskValue(c.Before), maskValue(c.After)
		}
		out[i] = &c
	}
	return out
}

// maskValue masks a change's value; null and "" stay, as in personalData.
func maskValue(v *string) *string {
	if v == nil || *v == "" {
		return v
	}
	m := mask(*v)
	return &m
}
