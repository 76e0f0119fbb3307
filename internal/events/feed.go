package events

import (
	"context"

	"onboard/ent"
	"onboard/ent/customerevent"
	"onboard/internal/apperr"
	"onboard/internal/apperr/vocab"
	"onboard/internal/history"
	"onboard/internal/pulid"
	"onboard/schema/schematype"
)

// FeedQuery asks for one page of the tenant's feed: the First events
// sequenced after After (a sequence; 0 from the start), in sequence
// order, of the given Types only (all when empty), of one customer when
// CustomerID is set, and with Count how many sequenced events match in
// all.
type FeedQuery struct {
	First      int
	After      int64
	Types      []string
	CustomerID string
	Count      bool
}

// FeedPage is one page of the feed: its events in sequence order, whether
// more follow, and (when counted) how many match in all.
type FeedPage struct {
	Events  []*ent.CustomerEvent
	HasNext bool
	Total   int
}

// Check refuses a query the feed cannot answer: a negative cursor, a type
// that is not an event type (as history refuses it), a customerId that is
// not a customer's id. It reports the first problem: a field answers one
// error.
func (q FeedQuery) Check() error {
	if q.After < 0 {
		return apperr.Invalid(apperr.Path{"after"}, vocab.ReasonInvalidCursor,
			"after is not a cursor of events: pass an endCursor of events")
	}
	if err := history.CheckTypes(q.Types); err != nil {
		return err
	}
	if q.CustomerID != "" && !pulid.Valid(q.CustomerID, schematype.PrefixCustomer) {
		return apperr.Invalid(apperr.Path{"customerId"}, vocab.ReasonInvalidValue,
			"customerId is not a customer's id")
	}
	return nil
}

// Feed reads a page of the feed through client, whose privacy policy
// keeps it to the viewer's tenant: `sequence > After ORDER BY sequence
// LIMIT First+1` on the index (tenant_id, sequence), the extra row telling
// whether a next page exists. Only sequenced events are read, and a
// sequence is given only after its event committed, above every sequence
// given before: a reader that resumes after the last sequence it read
// cannot miss an event that committed late, which an id order (ids are
// taken when the change starts, not when it commits) would skip.
//
// prepare, when not nil, adjusts the query of the page before it runs
// (the resolver eager-loads what the client selected through it).
func Feed(ctx context.Context, client *ent.Client, q FeedQuery, prepare func(*ent.CustomerEventQuery) (*ent.CustomerEventQuery, error)) (*FeedPage, error) {
	if err := q.Check(); err != nil {
		return nil, err
	}
	filter := func(query *ent.CustomerEventQuery, after int64) *ent.CustomerEventQuery {
		query.Where(customerevent.SequenceGT(after))
		if len(q.Types) > 0 {
			query.Where(customerevent.TypeIn(q.Types...))
		}
		if q.CustomerID != "" {
			query.Where(customerevent.CustomerID(q.CustomerID))
		}
		return query
	}
	page := &FeedPage{Events: []*ent.CustomerEvent{}}
	if q.First > 0 {
		query := filter(client.CustomerEvent.Query(), q.After).
			Order(customerevent.BySequence()).
			Limit(q.First + 1)
		if prepare != nil {
			var err error
			if query, err = prepare(query); err != nil {
				return nil, err
			}
		}
		evs, err := query.All(ctx)
		if err != nil {
			return nil, err
		}
		if len(evs) > q.First {
			page.HasNext, evs = true, evs[:q.First]
		}
		page.Events = evs
	}
	if q.Count {
		// The total of the whole feed, not of what follows After: a
		// count, like history's, of every event the filters keep.
		n, err := filter(client.CustomerEvent.Query(), 0).Count(ctx)
		if err != nil {
			return nil, err
		}
		page.Total = n
	}
	return page, nil
}
