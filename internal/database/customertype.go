package database

import (
	"context"
	"strings"

	entgo "entgo.io/ent"
	entsql "entgo.io/ent/dialect/sql"

	"onboard/ent"
	"onboard/ent/customer"
)

// customerTypeWithName makes every read of customers that selects the name
// select the type too. An individual's name is personal data and an
// organization's is not (schema.PersonalDataOfIndividuals), so the GraphQL
// directive that masks it reads the customer's type, whichever query loaded
// the customer: a page, a node, an edge below a user, a category or an
// organization, a mutation's payload. entgql collects only the columns a
// selection names, so without this a customer read for its name alone has
// no type, and its name would be masked even for an organization.
//
// Only reads that return customers get the column: All, First and Only, and
// customers eager-loaded under another entity's query (whose context names
// that entity). A Select, GroupBy, Count or IDs of customers keeps the
// columns it asked for.
func customerTypeWithName() entgo.Interceptor {
	return entgo.InterceptFunc(func(next entgo.Querier) entgo.Querier {
		return entgo.QuerierFunc(func(ctx context.Context, q entgo.Query) (entgo.Value, error) {
			if cq, ok := q.(*ent.CustomerQuery); ok && returnsCustomers(ctx) {
				cq.Modify(selectTypeWithName)
			}
			return next.Query(ctx, q)
		})
	})
}

// returnsCustomers reports whether the query running in ctx returns
// customer rows: the outermost query's context is the one ctx carries, so
// a customer query inside another entity's is an eager load (All).
func returnsCustomers(ctx context.Context) bool {
	qc := entgo.QueryFromContext(ctx)
	if qc == nil || qc.Type != ent.TypeCustomer {
		return true
	}
	switch qc.Op {
	case entgo.OpQueryAll, entgo.OpQueryFirst, entgo.OpQueryOnly:
		return true
	}
	return false
}

// selectTypeWithName adds the type column to a selection of the name
// without it. It leaves alone a selection that is not the customers
// table's own: entgql's page of customers per parent row (category {
// customers(first:) }) wraps the query, selecting the wrapped query's
// columns by their bare names, and the type is not among them. There the
// name stays masked for organizations too unless the selection names
// type (fail closed: an individual's name never goes out).
func selectTypeWithName(s *entsql.Selector) {
	var name, typ, ownTable bool
	for _, c := range s.SelectedColumns() {
		ownTable = ownTable || strings.Contains(c, ".")
	}
	for _, c := range s.UnqualifiedColumns() {
		name = name || c == customer.FieldName
		typ = typ || c == customer.FieldType
	}
	if ownTable && name && !typ {
		s.AppendSelect(s.C(customer.FieldType))
	}
}
