package graph

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"onboard/internal/viewer"
	"onboard/schema"
)

// Personal data is marked once, on the ent schema field (schema.PersonalData),
// which entgql turns into @personalData on the GraphQL field (hand-written
// fields such as Person.dateOfBirth carry it in the .graphqls). Everything
// here follows the mark: personalData masks the value for a viewer without
// pii:read, and isPersonalDataFilter refuses the where-input predicates of
// every marked field to that viewer.

// visibleTail is how many trailing characters a masked value keeps: enough
// to tell two documents apart on a screen, too few to use.
const visibleTail = 2

// personalData implements @personalData: the field's value whole with
// pii:read, else masked (mask). Null and empty values stay as they are:
// there is nothing to hide, and "****" would claim a value that is not there.
func personalData(ctx context.Context, _ any, next graphql.Resolver) (any, error) {
	value, err := next(ctx)
	if err != nil || viewer.FromContext(ctx).Has(viewer.ScopePIIRead) {
		return value, err
	}
	switch v := value.(type) {
	case nil:
		return nil, nil
	case string:
		if v == "" {
			return v, nil
		}
		return mask(v), nil
	case *string:
		if v == nil || *v == "" {
			return v, nil
		}
		masked := mask(*v)
		return &masked, nil
	}
	// A marked field of another type would go out in clear: fail instead.
	return nil, fmt.Errorf("@personalData on %s: cannot mask a %T", graphql.GetFieldContext(ctx).Field.Name, value)
}

// mask hides all of s but its last visibleTail characters (all of a short
// s), always behind the same four stars so the length is not given away.
func mask(s string) string {
	n := utf8.RuneCountInString(s)
	if n <= 2*visibleTail {
		return "****"
	}
	tail := s
	for range n - visibleTail {
		_, size := utf8.DecodeRuneInString(tail)
		tail = tail[size:]
	}
	return "****" + strings.TrimSpace(tail)
}

// searchesPersonalData are the where-input fields that match personal data
// without being the predicate of one marked field: search looks for its
// text in names and e-mails, so which customers it keeps tells them.
var searchesPersonalData = []string{"search"}

// isPersonalDataFilter reports whether a where-input key filters on
// personal data, which a viewer without pii:read may not do: with only
// masked values to see, a caller could otherwise find them out by
// bisecting with filters.
func isPersonalDataFilter(key string) bool {
	return personalDataFilters()[key]
}

// personalDataFilters is every where-input key that filters on a marked
// field, computed once from the executable schema: for each @personalData
// field of a type, each field of the type's WhereInput that is one of its
// predicates (phone, phoneNEQ, phoneContains, …), plus searchesPersonalData.
// The where walk sees keys, not types, so a key is refused in every
// where-input (an organization's email and phone filters too).
var personalDataFilters = sync.OnceValue(func() map[string]bool {
	return personalDataFiltersOf(NewExecutableSchema(Config{}).Schema())
})

// personalDataFiltersOf computes personalDataFilters from s.
func personalDataFiltersOf(s *ast.Schema) map[string]bool {
	keys := map[string]bool{}
	for _, k := range searchesPersonalData {
		keys[k] = true
	}
	for _, def := range s.Types {
		where := s.Types[def.Name+"WhereInput"]
		if def.Kind != ast.Object || where == nil {
			continue
		}
		for _, f := range def.Fields {
			if f.Directives.ForName(schema.PersonalDataDirective) == nil {
				continue
			}
			for _, in := range where.Fields {
				if isPredicateOf(in.Name, f.Name) {
					keys[in.Name] = true
				}
			}
		}
	}
	return keys
}

// isPredicateOf reports whether the where-input field key is one of
// entgql's predicates of field: the field itself or the field followed by
// an operator suffix (NEQ, In, Contains, HasPrefix, IsNil, …), which starts
// with an upper-case letter.
func isPredicateOf(key, field string) bool {
	rest, ok := strings.CutPrefix(key, field)
	return ok && (rest == "" || rest[0] >= 'A' && rest[0] <= 'Z')
}
