package server_test

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"

	"onboard/graph"
	"onboard/internal/sessions"
	"onboard/internal/testutil"
)

// sessionSelfFields are the root fields a customer session may use: on its
// own customer only. me is this branch's; acceptConsents, updateIndividual
// and updateOrganization belong to other parts and check viewer.ActsFor
// (their own tests cover a session on another customer). exportPersonalData
// is not one: it is the platform's (TestCustomerSessionReadsNoComplianceData),
// so the walk below finds it FORBIDDEN.
var sessionSelfFields = map[string]bool{
	"me": true, "acceptConsents": true, "updateIndividual": true, "updateOrganization": true,
}

// TestCustomerSessionActsOnItsOwnCustomerOnly sends the session's own
// fields (sessionSelfFields) over HTTP with a real session token: each
// works on the session's customer and is FORBIDDEN NOT_YOUR_CUSTOMER on
// another customer of the tenant, which it leaves unchanged.
func TestCustomerSessionActsOnItsOwnCustomerOnly(t *testing.T) {
	e := newSessionEnv(t, sessions.Limits{})
	token := e.session(t)
	other := registerAnother(t, e.registrationEnv)
	version := func(id string) int {
		return e.Client().Customer.GetX(e.As(e.tenantID), id).Version
	}
	calls := map[string]func(id string) testutil.Request{
		"updateIndividual": func(id string) testutil.Request {
			return testutil.Request{Query: `mutation($input: UpdateIndividualInput!) { updateIndividual(input: $input) { customer { id } } }`,
				Variables: map[string]any{"input": map[string]any{"customerId": id, "expectedVersion": version(id),
					"person": map[string]any{"phone": "+37060099999"}}}}
		},
		"acceptConsents": func(id string) testutil.Request {
			return testutil.Request{Query: `mutation($input: AcceptConsentsInput!) { acceptConsents(input: $input) { customer { id } } }`,
				Variables: map[string]any{"input": map[string]any{"customerId": id, "consents": []any{map[string]any{"code": "TERMS", "version": 1}}}}}
		},
	}
	for name, call := range calls {
		t.Run(name, func(t *testing.T) {
			before := version(other)
			req := call(other)
			req.Token, req.TenantKey = token, "acme"
			r := e.Do(req)
			if len(r.Errors) != 1 || r.Errors[0].Code() != "FORBIDDEN" || r.Errors[0].Reason() != "NOT_YOUR_CUSTOMER" {
				t.Fatalf("on another customer: %s", r.Raw)
			}
			if version(other) != before {
				t.Fatalf("the other customer changed")
			}
			req = call(e.customerID)
			req.Token, req.TenantKey = token, "acme"
			if r := e.Do(req); len(r.Errors) > 0 {
				t.Fatalf("on its own customer: %s", r.Raw)
			}
		})
	}
}

// TestCustomerSessionReachesNoOtherRootField walks every root Query and
// Mutation field of the executable schema and sends each, with its
// required arguments, under a customer session: every field but those of
// sessionSelfFields answers FORBIDDEN (the session holds customer:self
// only, and every other field needs a platform scope), and none answers a
// byte of the other customer registered in the tenant. A field added later
// without a scope fails here.
func TestCustomerSessionReachesNoOtherRootField(t *testing.T) {
	e := newSessionEnv(t, sessions.Limits{})
	token := e.session(t)
	other := registerAnother(t, e.registrationEnv)
	s := graph.NewExecutableSchema(graph.Config{}).Schema()

	var tried []string
	for _, root := range []*ast.Definition{s.Query, s.Mutation} {
		for _, f := range root.Fields {
			if strings.HasPrefix(f.Name, "__") {
				continue
			}
			if sessionSelfFields[f.Name] {
				continue
			}
			tried = append(tried, f.Name)
			op := rootOperation(s, root, f)
			r := e.Do(testutil.Request{Token: token, TenantKey: "acme", Query: op.query, Variables: op.vars})
			if strings.Contains(r.Raw, other) || strings.Contains(r.Raw, e.customerID) {
				t.Errorf("%s: answers a customer: %s", f.Name, r.Raw)
			}
			if len(r.Errors) == 0 || r.Errors[0].Code() != "FORBIDDEN" || r.Errors[0].Reason() != "MISSING_SCOPE" {
				t.Errorf("%s: want FORBIDDEN MISSING_SCOPE, got %d %s\n%s", f.Name, r.Status, r.Raw, op.query)
			}
		}
	}
	sort.Strings(tried)
	for _, must := range []string{"customers", "node", "nodes", "registerIndividual", "createCustomerSession", "exportPersonalData"} {
		if !slices.Contains(tried, must) {
			t.Errorf("the walk did not try %s (tried %v)", must, tried)
		}
	}

	// me, the one field of this branch a session uses, answers its own
	// customer.
	var me struct{ Me struct{ ID string } }
	e.Do(testutil.Request{Token: token, TenantKey: "acme", Query: readMe}).Into(t, &me)
	want(t, "me", me.Me.ID, e.customerID)
}

type rootOp struct {
	query string
	vars  map[string]any
}

// rootOperation writes an operation selecting f with a variable for each
// required argument, valued by argSample.
func rootOperation(s *ast.Schema, root *ast.Definition, f *ast.FieldDefinition) rootOp {
	kind := "query"
	if root == s.Mutation {
		kind = "mutation"
	}
	var defs, args []string
	vars := map[string]any{}
	for _, a := range f.Arguments {
		// A connection needs a page size, checked before execution.
		required := a.Type.NonNull && a.DefaultValue == nil
		if !required && a.Name != "first" {
			continue
		}
		defs = append(defs, "$"+a.Name+": "+a.Type.String())
		args = append(args, a.Name+": $"+a.Name)
		vars[a.Name] = argSample(s, a.Type, 0)
	}
	q := kind
	if len(defs) > 0 {
		q += "(" + strings.Join(defs, ", ") + ")"
	}
	q += " { " + f.Name
	if len(args) > 0 {
		q += "(" + strings.Join(args, ", ") + ")"
	}
	if def := s.Types[f.Type.Name()]; def != nil && def.Kind != ast.Scalar && def.Kind != ast.Enum {
		q += " { __typename }"
	}
	return rootOp{query: q + " }", vars: vars}
}

// argSample is a value of type t that parses: the required fields of an input
// object, one element of a list, the first value of an enum.
func argSample(s *ast.Schema, t *ast.Type, depth int) any {
	if t.Elem != nil {
		return []any{argSample(s, t.Elem, depth)}
	}
	def := s.Types[t.NamedType]
	switch def.Kind {
	case ast.Enum:
		return def.EnumValues[0].Name
	case ast.InputObject:
		obj := map[string]any{}
		if depth > 6 {
			return obj
		}
		for _, f := range def.Fields {
			if f.Type.NonNull && f.DefaultValue == nil {
				obj[f.Name] = argSample(s, f.Type, depth+1)
			}
		}
		return obj
	}
	switch t.NamedType {
	case "Int":
		return 1
	case "Float":
		return 1.5
	case "Boolean":
		return true
	case "Date":
		return "2000-01-01"
	case "DateTime":
		return "2026-01-01T00:00:00Z"
	case "GenderValue":
		return "MALE"
	case "ID":
		return "cus_01J00000000000000000000000"
	case "String", "PhoneTypeValue":
		return "x"
	}
	panic(fmt.Sprintf("no sample value for the scalar %s", t.NamedType))
}
