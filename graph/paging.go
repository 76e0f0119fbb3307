package graph

import (
	"time"

	"github.com/vektah/gqlparser/v2/ast"

	"onboard/ent"
)

// This file tells a cursor taken from another ordering, which entgql
// would pass on to the database and fail on there (INTERNAL, or a wrong
// page on SQLite). The limits walker (limits.go) refuses it before
// execution, with the cursors that do not decode at all.

// orderedBy describes an ordering for checkCursors: the fields' names, and
// whether the type orders by several fields at once (its cursors then hold
// a list of values, one per field).
type orderedBy struct {
	fields []string
	multi  bool
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

// orderOf describes a field's orderBy argument as the request gives it
// (a literal or variables, decoded): an object {field, direction}, or a
// list of them when the connection orders by several fields at once.
func orderOf(def *ast.FieldDefinition, orderBy any) orderedBy {
	arg := def.Arguments.ForName("orderBy")
	if arg == nil || orderBy == nil {
		return orderedBy{}
	}
	order := orderedBy{multi: arg.Type.Elem != nil}
	add := func(o any) {
		if m, ok := o.(map[string]any); ok {
			name, _ := m["field"].(string)
			order.fields = append(order.fields, name)
		}
	}
	if list, ok := orderBy.([]any); ok {
		for _, o := range list {
			add(o)
		}
	} else {
		add(orderBy)
	}
	return order
}
