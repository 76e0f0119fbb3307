package server_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"

	"onboard/graph"
	"onboard/internal/testutil"
	"onboard/schema"
)

// personalPaths say where each type holding people's data sits below a
// customer: the selection that reaches it and the where-input that
// filters customers on it.
var personalPaths = []struct{ typ, selection, where string }{
	{"Customer", "", "%s"},
	{"User", "user", "{hasUserWith: %s}"},
	{"Person", "person", "{hasPersonWith: %s}"},
	{"Address", "person.addresses", "{hasPersonWith: {hasAddressesWith: %s}}"},
	{"Contact", "person.contacts", "{hasPersonWith: {hasContactsWith: %s}}"},
	{"IdentityDocument", "person.identityDocuments", "{hasPersonWith: {hasIdentityDocumentsWith: %s}}"},
}

// markedFields are the @personalData fields of typ in the served schema.
func markedFields(s *ast.Schema, typ string) []string {
	var out []string
	for _, f := range s.Types[typ].Fields {
		if f.Directives.ForName(schema.PersonalDataDirective) != nil {
			out = append(out, f.Name)
		}
	}
	return out
}

// TestEveryPersonalFieldIsMaskedAndUnfilterable registers a customer, then
// reads every @personalData field the schema has on the customer's graph
// with and without pii:read: in clear with it, masked without; and a where
// on each is refused without pii:read.
func TestEveryPersonalFieldIsMaskedAndUnfilterable(t *testing.T) {
	env := newRegistrationEnv(t)
	input := testutil.Fixture(t, "finhub-individual.json")
	person := input["individualCustomer"].(map[string]any)["person"].(map[string]any)
	person["middleName"], person["placeOfBirth"] = "Alexander", "Vilnius"
	address := person["addresses"].([]any)[0].(map[string]any)
	address["line2"] = "Flat 7"
	address["addressLine"] = "123 Medium Risk Street, Flat 7, Compliance City"
	person["identityDocuments"] = []any{map[string]any{"type": "PASSPORT", "number": "LT1234567", "issuingCountry": "LT"}}
	var reg registered
	env.register(input, "User-Agent", "onboarding-form/2.1", "deviceId", "device-42", "X-Forwarded-For", "203.0.113.9").Into(t, &reg)
	id := reg.RegisterIndividual.ID

	s := graph.NewExecutableSchema(graph.Config{}).Schema()
	selection := map[string]string{} // selection path → its fields
	var fields []string              // "path.field" of every marked field
	for _, p := range personalPaths {
		marked := markedFields(s, p.typ)
		if len(marked) == 0 {
			t.Fatalf("%s has no @personalData field", p.typ)
		}
		selection[p.selection] = strings.Join(marked, " ")
		for _, f := range marked {
			fields = append(fields, strings.TrimPrefix(p.selection+"."+f, "."))
		}
	}
	query := fmt.Sprintf(`query($id: ID!) { node(id: $id) { ... on Customer { %s user { %s } person { %s addresses { %s } contacts { %s } identityDocuments { %s } } } } }`,
		selection[""], selection["user"], selection["person"], selection["person.addresses"],
		selection["person.contacts"], selection["person.identityDocuments"])
	read := func(token string) map[string][]string {
		r := env.Do(testutil.Request{Token: token, TenantKey: "acme", Query: query, Variables: map[string]any{"id": id}})
		var data struct{ Node map[string]any }
		r.Into(t, &data)
		values := map[string][]string{}
		collect(data.Node, "", values)
		return values
	}
	clear := read(env.token)
	masked := read(env.Token([]string{"acme"}, "customers:read"))
	for _, f := range fields {
		if len(clear[f]) == 0 || clear[f][0] == "" {
			t.Errorf("%s: the registration left it empty, so its masking is not checked", f)
			continue
		}
		for i, v := range clear[f] {
			if len(masked[f]) != len(clear[f]) {
				t.Errorf("%s: %d values in clear, %d masked", f, len(clear[f]), len(masked[f]))
				break
			}
			if want := maskOf(v); masked[f][i] != want {
				t.Errorf("%s: without pii:read %q, want %q (in clear %q)", f, masked[f][i], want, v)
			}
		}
	}

	noPII := env.Token([]string{"acme"}, "customers:read")
	for _, p := range personalPaths {
		for _, f := range markedFields(s, p.typ) {
			if s.Types[p.typ+"WhereInput"].Fields.ForName(f) == nil {
				t.Logf("%s.%s has no where predicate to refuse", p.typ, f)
				continue
			}
			where := fmt.Sprintf(p.where, fmt.Sprintf(`{%s: "x"}`, f))
			r := env.Do(testutil.Request{Token: noPII, TenantKey: "acme",
				Query: `{ customers(first: 1, where: ` + where + `) { totalCount } }`})
			if r.Status != http.StatusForbidden || len(r.Errors) != 1 || r.Errors[0].Reason() != "PII_FILTER_FORBIDDEN" {
				t.Errorf("where %s without pii:read: %d %s", where, r.Status, r.Raw)
			}
		}
	}
}

// collect gathers the string leaves of v by path ("person.addresses.street").
func collect(v any, path string, out map[string][]string) {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			collect(x, strings.TrimPrefix(path+"."+k, "."), out)
		}
	case []any:
		for _, x := range v {
			collect(x, path, out)
		}
	case string:
		out[path] = append(out[path], v)
	case nil:
		out[path] = append(out[path], "")
	default:
		b, _ := json.Marshal(v)
		out[path] = append(out[path], string(b))
	}
}

// maskOf is the documented mask: four stars and the last two characters,
// or only the stars for four characters or fewer.
func maskOf(s string) string {
	r := []rune(s)
	if len(r) <= 4 {
		return "****"
	}
	return "****" + strings.TrimSpace(string(r[len(r)-2:]))
}

// TestCustomerNameIsPersonalForIndividualsOnly: a customer's name is an
// individual's own name, masked without pii:read, and an organization's
// legal name, which is not; the type decides even when the query does not
// select it. A customer name filter is refused without pii:read (it would
// match individuals), an organization's e-mail filter is not (only a
// person's e-mail is personal data).
func TestCustomerNameIsPersonalForIndividualsOnly(t *testing.T) {
	env := newRegistrationEnv(t)
	var ind registered
	env.register(testutil.Fixture(t, "finhub-individual.json")).Into(t, &ind)
	var org struct{ RegisterOrganization struct{ ID string } }
	env.registerOrganization(testutil.Fixture(t, "finhub-organization.json")).Into(t, &org)

	names := func(token string) map[string]string {
		var got struct {
			Customers struct {
				Edges []struct{ Node struct{ ID, Name string } }
			}
		}
		env.Do(testutil.Request{Token: token, TenantKey: "acme",
			Query: `{ customers(first: 10) { edges { node { id name } } } }`}).Into(t, &got)
		out := map[string]string{}
		for _, e := range got.Customers.Edges {
			out[e.Node.ID] = e.Node.Name
		}
		return out
	}
	clear, masked := names(env.token), names(env.Token([]string{"acme"}, "customers:read"))
	indID, orgID := ind.RegisterIndividual.ID, org.RegisterOrganization.ID
	if len(clear) != 2 || clear[indID] == "" || clear[orgID] == "" {
		t.Fatalf("customers read with pii:read: %v", clear)
	}
	if want := maskOf(clear[indID]); masked[indID] != want {
		t.Errorf("individual's name without pii:read: %q, want %q", masked[indID], want)
	}
	if masked[orgID] != clear[orgID] {
		t.Errorf("organization's name without pii:read: %q, want it in clear: %q", masked[orgID], clear[orgID])
	}
	// The same through edges, where the customer is loaded under another
	// entity's query and the selection names its name alone.
	throughEdges := `query($id: ID!) { node(id: $id) { ... on Customer {
		user { customer { name } } person { customer { name } } organization { customer { name } } } } }`
	for id, want := range map[string]string{indID: masked[indID], orgID: clear[orgID]} {
		var got struct {
			Node struct {
				User, Person, Organization *struct{ Customer struct{ Name string } }
			}
		}
		env.Do(testutil.Request{Token: env.Token([]string{"acme"}, "customers:read"), TenantKey: "acme",
			Query: throughEdges, Variables: map[string]any{"id": id}}).Into(t, &got)
		edges := 0
		for _, e := range []*struct{ Customer struct{ Name string } }{got.Node.User, got.Node.Person, got.Node.Organization} {
			if e != nil {
				edges++
				if e.Customer.Name != want {
					t.Errorf("%s's name through an edge without pii:read: %q, want %q", id, e.Customer.Name, want)
				}
			}
		}
		if edges != 2 {
			t.Errorf("%s: %d edges read back, want 2 (user and person or organization)", id, edges)
		}
	}

	// A page of customers per category is a wrapped query the type cannot
	// be added to: selected with the name, the type decides; left out, every
	// name is masked (fail closed), and the read still works.
	nested := func(fields string) map[string]string {
		var got struct {
			Categories struct {
				Edges []struct {
					Node struct {
						Customers struct {
							Edges []struct{ Node struct{ ID, Name string } }
						}
					}
				}
			}
		}
		env.Do(testutil.Request{Token: env.Token([]string{"acme"}, "customers:read"), TenantKey: "acme",
			Query: `{ categories(first: 20) { edges { node { customers(first: 5) { edges { node { ` + fields + ` } } } } } } }`}).Into(t, &got)
		out := map[string]string{}
		for _, c := range got.Categories.Edges {
			for _, e := range c.Node.Customers.Edges {
				out[e.Node.ID] = e.Node.Name
			}
		}
		return out
	}
	if got := nested("id type name"); got[indID] != masked[indID] || got[orgID] != clear[orgID] {
		t.Errorf("names in a page per category, type selected: %v, want %q and %q", got, masked[indID], clear[orgID])
	}
	if got := nested("id name"); got[indID] != masked[indID] || got[orgID] != maskOf(clear[orgID]) {
		t.Errorf("names in a page per category, type not selected: %v, want both masked", got)
	}

	noPII := env.Token([]string{"acme"}, "customers:read")
	r := env.Do(testutil.Request{Token: noPII, TenantKey: "acme",
		Query: `{ customers(first: 1, where: {nameContainsFold: "a"}) { totalCount } }`})
	if r.Status != http.StatusForbidden || len(r.Errors) != 1 || r.Errors[0].Reason() != "PII_FILTER_FORBIDDEN" {
		t.Errorf("a customer name filter without pii:read: %d %s", r.Status, r.Raw)
	}
	var byEmail struct{ Customers struct{ TotalCount int } }
	env.Do(testutil.Request{Token: noPII, TenantKey: "acme",
		Query: `{ customers(first: 1, where: {hasOrganizationWith: {emailNEQ: ""}}) { totalCount } }`}).Into(t, &byEmail)
	if byEmail.Customers.TotalCount != 1 {
		t.Errorf("an organization e-mail filter without pii:read kept %d customers, want 1", byEmail.Customers.TotalCount)
	}
}

// TestOrderingByAPersonalFieldNeedsPIIRead: a page of customers ordered by
// name would give individuals' names away, in its cursors (which carry the
// ordering's value) and in the order itself.
func TestOrderingByAPersonalFieldNeedsPIIRead(t *testing.T) {
	env := newRegistrationEnv(t)
	env.register(testutil.Fixture(t, "finhub-individual.json")).Into(t, &registered{})
	byName := `{ customers(first: 5, orderBy: [{field: NAME}]) { edges { cursor node { id } } } }`
	noPII := env.Token([]string{"acme"}, "customers:read")
	r := env.Do(testutil.Request{Token: noPII, TenantKey: "acme", Query: byName})
	if r.Status != http.StatusForbidden || len(r.Errors) != 1 || r.Errors[0].Reason() != "PII_FILTER_FORBIDDEN" ||
		r.Errors[0].Field() != "customers.orderBy" {
		t.Errorf("ordering by NAME without pii:read: %d %s", r.Status, r.Raw)
	}
	var page struct {
		Customers struct{ Edges []struct{ Cursor string } }
	}
	env.Do(testutil.Request{Token: env.token, TenantKey: "acme", Query: byName}).Into(t, &page)
	if len(page.Customers.Edges) != 1 {
		t.Errorf("ordering by NAME with pii:read: %d edges, want 1", len(page.Customers.Edges))
	}
	env.Do(testutil.Request{Token: noPII, TenantKey: "acme",
		Query: `{ customers(first: 5, orderBy: [{field: CREATED_AT}]) { edges { node { id } } } }`}).Into(t, &page)
	if len(page.Customers.Edges) != 1 {
		t.Errorf("ordering by CREATED_AT without pii:read: %d edges, want 1", len(page.Customers.Edges))
	}
}
