package graph

// Page sizes and cursors: a connection must say how many rows it wants,
// at most MaxPageSize, and a cursor must be one this ordering handed out.

import (
	"encoding/json"
	"fmt"
	"strings"

	"entgo.io/contrib/entgql"
	"github.com/vektah/gqlparser/v2/ast"

	"onboard/internal/apperr"
	"onboard/internal/apperr/vocab"
)

// pageSize checks the field's first, last and ids arguments and returns
// how many rows the field will return at most, and whether it was told.
func (w *limitWalker) pageSize(f *ast.Field) (rows int, given bool) {
	for _, name := range []string{"first", "last"} {
		v, ok := w.argument(f, name)
		if !ok || v == nil {
			continue
		}
		n, isInt := asInt(v)
		if !isInt {
			continue // validation has checked the type; nothing to bound
		}
		switch {
		case n < 0:
			w.fail(f.Position, apperr.BadUserInput, vocab.ReasonInvalidPageSize, name+" must not be negative", name)
			return 0, true
		case n > int64(w.MaxPageSize):
			w.fail(f.Position, apperr.BadUserInput, vocab.ReasonPageSizeTooLarge,
				fmt.Sprintf("%s must be at most %d", name, w.MaxPageSize), name)
			return 0, true
		}
		rows, given = max(rows, int(n)), true
	}
	if v, ok := w.argument(f, "ids"); ok {
		if ids, isList := v.([]any); isList {
			if len(ids) > w.MaxPageSize {
				w.fail(f.Position, apperr.BadUserInput, vocab.ReasonPageSizeTooLarge,
					fmt.Sprintf("at most %d ids at once", w.MaxPageSize), "ids")
				return 0, true
			}
			rows, given = max(rows, len(ids)), true
		}
	}
	return rows, given
}

// isConnection reports whether the field returns a Relay connection that
// takes first or last.
func isConnection(def *ast.FieldDefinition) bool {
	if def.Type == nil || def.Type.Elem != nil || !strings.HasSuffix(def.Type.NamedType, "Connection") {
		return false
	}
	return def.Arguments.ForName("first") != nil || def.Arguments.ForName("last") != nil
}

// asInt reads an Int argument: int64 from a literal or a top-level
// variable, json.Number inside a variable's object, or another number.
func asInt(v any) (int64, bool) {
	switch n := v.(type) {
	case int64:
		return n, true
	case int:
		return int64(n), true
	case int32:
		return int64(n), true
	case float64:
		return int64(n), true
	case json.Number:
		i, err := n.Int64()
		return i, err == nil
	}
	return 0, false
}

// cursor refuses an after or before cursor that entgql cannot decode, or
// that was taken from another ordering (see paging.go): the connection's
// resolver would fail on it with an internal error.
func (w *limitWalker) cursor(f *ast.Field, arg *ast.Argument) {
	v, err := arg.Value.Value(w.vars)
	if err != nil || v == nil {
		return
	}
	var c entgql.Cursor[string]
	if err := c.UnmarshalGQL(v); err != nil {
		w.fail(f.Position, apperr.BadUserInput, vocab.ReasonInvalidCursor,
			arg.Name+" is not a cursor: pass a startCursor, endCursor or cursor as returned", arg.Name)
		return
	}
	if orderBy, _ := w.argument(f, "orderBy"); !fits(orderOf(f.Definition, orderBy), c.Value) {
		w.fail(f.Position, apperr.BadUserInput, vocab.ReasonInvalidCursor,
			arg.Name+" is a cursor of another ordering; start again from the first page", arg.Name)
	}
}
