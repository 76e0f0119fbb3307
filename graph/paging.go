package graph

import (
	"time"

	"entgo.io/contrib/entgql"

	"onboard/ent"
	"onboard/internal/apperr"
)

// This file refuses a cursor taken from another ordering, which entgql
// would pass on to the database and fail on there (INTERNAL, or a wrong
// page on SQLite).

// orderedBy describes an ordering for checkCursors: the fields' names, and
// whether the type orders by several fields at once (its cursors then hold
// a list of values, one per field).
type orderedBy struct {
	fields []string
	multi  bool
}

// checkCursors reports a cursor whose values do not fit the ordering (one
// value of the field's kind per order field; none when ordering by id) as
// BAD_USER_INPUT INVALID_CURSOR on its argument.
func checkCursors(order orderedBy, cursors map[string]*entgql.Cursor[string]) error {
	for arg, c := range cursors {
		if c != nil && !fits(order, c.Value) {
			return apperr.Invalid(apperr.Path{arg}, "INVALID_CURSOR",
				arg+" is a cursor of another ordering; start again from the first page")
		}
	}
	return nil
}

func fits(order orderedBy, v ent.Value) bool {
	if len(order.fields) == 0 {
		return v == nil
	}
	if !order.multi {
		return len(order.fields) == 1 && ofKind(order.fields[0], v)
	}
	values, ok := v.([]any)
	if !ok || len(values) != len(order.fields) {
		return false
	}
	for i, f := range order.fields {
		if !ofKind(f, values[i]) {
			return false
		}
	}
	return true
}

// ofKind reports whether v can be a value of order field f: a time for
// the timestamps, a string for names and codes.
func ofKind(f string, v any) bool {
	switch f {
	case "CREATED_AT", "UPDATED_AT":
		_, ok := v.(time.Time)
		return ok
	default:
		_, ok := v.(string)
		return ok
	}
}

// customerOrder describes the customers' ordering (entgql's multi-field
// order).
func customerOrder(orderBy []*ent.CustomerOrder) orderedBy {
	order := orderedBy{multi: true}
	for _, o := range orderBy {
		if o != nil && o.Field != nil {
			order.fields = append(order.fields, o.Field.String())
		}
	}
	return order
}
