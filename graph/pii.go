package graph

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"onboard/ent"
	"onboard/internal/apperr"
	"onboard/internal/viewer"
	"onboard/schema"
	"onboard/schema/schematype"
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
// pii:read or in the customer's own session (viewer.ReadsPersonalData),
// else masked (mask). Null and empty values stay as they are:
// there is nothing to hide, and "****" would claim a value that is not there.
// With individualsOnly, an organization's value is not personal data and
// goes out whole; a customer whose type was not loaded is treated as an
// individual, so the rule fails closed (schema.PersonalDataOfIndividuals).
func personalData(ctx context.Context, obj any, next graphql.Resolver, individualsOnly *bool) (any, error) {
	value, err := next(ctx)
	if err != nil || viewer.FromContext(ctx).ReadsPersonalData() {
		return value, err
	}
	if individualsOnly != nil && *individualsOnly && isOrganization(obj) {
		return value, nil
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

// isOrganization reports whether obj, the object a field resolves on, is
// an organization's customer.
func isOrganization(obj any) bool {
	c, ok := obj.(*ent.Customer)
	return ok && c.Type == schematype.CustomerTypeOrganization
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

// isPersonalDataFilter reports whether key, a field of the where-input
// type whereType, filters on personal data, which a viewer without
// pii:read may not do: with only masked values to see, a caller could
// otherwise find them out by bisecting with filters.
func isPersonalDataFilter(whereType, key string) bool {
	return personalDataFilters()[whereType][key]
}

// apiSchema is the API's schema, parsed once, for the rules that
// follow its marks.
var apiSchema = sync.OnceValue(func() *ast.Schema { return NewExecutableSchema(Config{}).Schema() })

// whereFieldType is the input type of the where-input field key of
// whereType ("" when there is none): where a nested where value is checked
// against its own type's personal data.
func whereFieldType(whereType, key string) string {
	if def := apiSchema().Types[whereType]; def != nil {
		if f := def.Fields.ForName(key); f != nil {
			return f.Type.Name()
		}
	}
	return ""
}

// personalDataFilters is, for each where-input type, its keys that filter
// on a marked field, computed once from the executable schema: for each
// @personalData field of a type, each field of the type's WhereInput that
// is one of its predicates (phone, phoneNEQ, phoneContains, …), plus
// searchesPersonalData.
var personalDataFilters = sync.OnceValue(func() map[string]map[string]bool {
	return personalDataFiltersOf(apiSchema())
})

// personalDataFiltersOf computes personalDataFilters from s.
func personalDataFiltersOf(s *ast.Schema) map[string]map[string]bool {
	filters := map[string]map[string]bool{}
	refuse := func(where, key string) {
		if filters[where] == nil {
			filters[where] = map[string]bool{}
		}
		filters[where][key] = true
	}
	for _, def := range s.Types {
		where := s.Types[def.Name+"WhereInput"]
		if def.Kind != ast.Object || where == nil {
			continue
		}
		for _, in := range where.Fields {
			if slices.Contains(searchesPersonalData, in.Name) {
				refuse(where.Name, in.Name)
			}
		}
		for _, f := range def.Fields {
			if f.Directives.ForName(schema.PersonalDataDirective) == nil {
				continue
			}
			for _, in := range where.Fields {
				if isPredicateOf(in.Name, f.Name) {
					refuse(where.Name, in.Name)
				}
			}
		}
	}
	return filters
}

// isPredicateOf reports whether the where-input field key is one of
// entgql's predicates of field: the field itself or the field followed by
// an operator suffix (NEQ, In, Contains, HasPrefix, IsNil, …), which starts
// with an upper-case letter.
func isPredicateOf(key, field string) bool {
	rest, ok := strings.CutPrefix(key, field)
	return ok && (rest == "" || rest[0] >= 'A' && rest[0] <= 'Z')
}

// isPersonalDataOrder reports whether ordering the connection def by the
// order field value field (NAME) orders on personal data: the node type's
// field it names carries @personalData. Such an ordering is refused
// without pii:read: its cursors carry the value in clear, and the order
// alone would let a caller place unknown values among known ones.
func isPersonalDataOrder(def *ast.FieldDefinition, field string) bool {
	arg := def.Arguments.ForName("orderBy")
	return arg != nil && personalDataOrders()[arg.Type.Name()][field]
}

// personalDataOrders is, for each order input type (CustomerOrder), its
// order field values that name a @personalData field, computed once from
// the executable schema (see orderFieldsOf).
var personalDataOrders = sync.OnceValue(func() map[string]map[string]bool {
	orders := map[string]map[string]bool{}
	for typ, fields := range orderFieldsOf(apiSchema()) {
		for value, f := range fields {
			if f != nil && f.Directives.ForName(schema.PersonalDataDirective) != nil {
				if orders[typ+"Order"] == nil {
					orders[typ+"Order"] = map[string]bool{}
				}
				orders[typ+"Order"][value] = true
			}
		}
	}
	return orders
})

// orderFieldsOf maps each object type with an order field enum (entgql's
// CustomerOrderField) to its values and the fields they name by entgql's
// convention, NAME → name and CREATED_AT → createdAt (nil where a value
// names no field: graph's tests require that there is none).
func orderFieldsOf(s *ast.Schema) map[string]map[string]*ast.FieldDefinition {
	out := map[string]map[string]*ast.FieldDefinition{}
	for _, def := range s.Types {
		enum := s.Types[def.Name+"OrderField"]
		if def.Kind != ast.Object || enum == nil {
			continue
		}
		out[def.Name] = map[string]*ast.FieldDefinition{}
		for _, v := range enum.EnumValues {
			out[def.Name][v.Name] = def.Fields.ForName(orderFieldName(v.Name))
		}
	}
	return out
}

// orderFieldName is the field an order field value names by entgql's
// convention: CREATED_AT → createdAt.
func orderFieldName(value string) string { return apperr.LowerCamel(strings.ToLower(value)) }
