package graph

// Where-inputs: how deep they nest, how many objects and list values they
// hold, and that a nested object holds a condition.

import (
	"fmt"
	"maps"
	"slices"

	"github.com/vektah/gqlparser/v2/ast"

	"onboard/internal/apperr"
	"onboard/internal/apperr/vocab"
)

// where checks a where-input value of the input type typ at path (inside
// the field's arguments): its nesting, its number of objects and of list
// values, empty objects, and personal-data keys. The where objects and values are
// few (MaxWhereNodes, MaxWhereValues), so paths are built as it goes.
func (w *limitWalker) where(f *ast.Field, typ string, v any, path apperr.Path, depth int) {
	switch v := v.(type) {
	case map[string]any:
		if depth > w.MaxWhereDepth {
			w.fail(f.Position, apperr.QueryTooComplex, vocab.ReasonWhereTooDeep,
				fmt.Sprintf("where nests more than %d levels deep", w.MaxWhereDepth), path...)
			return
		}
		if w.whereNodes++; w.whereNodes > w.MaxWhereNodes {
			w.fail(f.Position, apperr.QueryTooComplex, vocab.ReasonWhereTooDeep,
				fmt.Sprintf("the query's where arguments hold more than %d condition objects", w.MaxWhereNodes), path...)
			return
		}
		if depth > 1 && !holdsCondition(v) {
			w.fail(f.Position, apperr.BadUserInput, vocab.ReasonEmptyFilter,
				"a where object inside another must hold at least one condition", path...)
			return
		}
		for _, key := range slices.Sorted(maps.Keys(v)) { // sorted: the same error every time
			if w.piiFilter(f, typ, key, path) {
				return
			}
			w.where(f, whereFieldType(typ, key), v[key], path.With(key), depth+1)
			if w.err != nil {
				return
			}
		}
	case []any:
		if w.whereValues += len(v); w.whereValues > w.MaxWhereValues {
			w.fail(f.Position, apperr.QueryTooComplex, vocab.ReasonWhereTooLarge,
				fmt.Sprintf("the query's where arguments hold more than %d list values: filter in smaller batches",
					w.MaxWhereValues), path...)
			return
		}
		for i, elem := range v {
			w.where(f, typ, elem, path.With(i), depth) // a list is not a level: its objects are
			if w.err != nil {
				return
			}
		}
	}
}

// holdsCondition reports whether a where object sets anything: entgql
// skips null keys and empty lists, and a nested object left without a
// predicate fails the whole query ("ent: empty predicate"), while the root
// one then merely filters nothing.
func holdsCondition(obj map[string]any) bool {
	for _, v := range obj {
		if list, isList := v.([]any); v != nil && (!isList || len(list) > 0) {
			return true
		}
	}
	return false
}
