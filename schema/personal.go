package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent/schema"
	"github.com/vektah/gqlparser/v2/ast"
)

// PersonalDataDirective is the GraphQL directive that marks a field as
// personal data (graph/schema.graphqls declares it).
const PersonalDataDirective = "personalData"

// PersonalData marks a field as personal data, the one place that says so:
// entgql puts @personalData on the GraphQL field, whose directive masks the
// value for a viewer without pii:read (graph/pii.go), and the field's
// where-input predicates are refused to that viewer. A field added with
// people's data must carry it, or graph's TestPersonalDataIsMarked fails.
func PersonalData() schema.Annotation {
	return entgql.Directives(entgql.NewDirective(PersonalDataDirective))
}

// PersonalDataOfIndividuals marks a customer's field that is personal data
// when the customer is an individual and not when it is an organization
// (the customer's name: a person's own, or a company's legal name). The
// directive reads the customer's type to tell, which internal/database
// loads with the name (customerTypeWithName).
func PersonalDataOfIndividuals() schema.Annotation {
	return entgql.Directives(entgql.NewDirective(PersonalDataDirective, &ast.Argument{
		Name:  "individualsOnly",
		Value: &ast.Value{Kind: ast.BooleanValue, Raw: "true"},
	}))
}
