package graph

import (
	"context"
	"fmt"
	"reflect"
	"time"

	"github.com/99designs/gqlgen/graphql"

	"entgo.io/contrib/entgql"

	"onboard/ent"
	"onboard/internal/apperr"
)

// This file refuses a cursor taken from another ordering, which entgql
// would pass on to the database and fail on there (INTERNAL, or a wrong
// page on SQLite). Cursors that do not decode at all are refused earlier,
// in limits.go.

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

// refuseForeignCursors is a field middleware that checks the cursors of
// every connection field, the root ones and the nested ones that entgql
// resolves (Category.customers, Tenant.customers), against the field's
// orderBy.
func refuseForeignCursors(ctx context.Context, next graphql.Resolver) (any, error) {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil {
		return next(ctx)
	}
	after, _ := fc.Args["after"].(*entgql.Cursor[string])
	before, _ := fc.Args["before"].(*entgql.Cursor[string])
	if after == nil && before == nil {
		return next(ctx)
	}
	if err := checkCursors(orderOf(fc.Args["orderBy"]), map[string]*entgql.Cursor[string]{"after": after, "before": before}); err != nil {
		return nil, err
	}
	return next(ctx)
}

// orderOf describes an orderBy argument: entgql's *XOrder (one field) or
// []*XOrder (several), each with a Field that names itself.
func orderOf(orderBy any) orderedBy {
	v := reflect.ValueOf(orderBy)
	if !v.IsValid() || (v.Kind() == reflect.Pointer && v.IsNil()) {
		return orderedBy{}
	}
	if v.Kind() != reflect.Slice {
		return orderedBy{fields: []string{fieldName(v)}}
	}
	order := orderedBy{multi: true}
	for i := range v.Len() {
		if o := v.Index(i); !o.IsNil() {
			order.fields = append(order.fields, fieldName(o))
		}
	}
	return order
}

// fieldName is the name of an *XOrder's field ("NAME", "CREATED_AT").
func fieldName(order reflect.Value) string {
	if s, ok := order.Elem().FieldByName("Field").Interface().(fmt.Stringer); ok {
		return s.String()
	}
	return ""
}
