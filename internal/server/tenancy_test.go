package server_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"onboard/ent"
	"onboard/internal/testutil"
	"onboard/schema/schematype"
)

// seedGraph creates one row of every entity type in tenantID and returns
// the ids by GraphQL type name.
func seedGraph(t *testing.T, env *testutil.Env, tenantID string) map[string]string {
	t.Helper()
	ctx := env.As(tenantID)
	c := env.Client()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	role, err := c.Role.Create().SetCode("AUDITOR").SetName("Auditor").Save(ctx)
	must(err)
	feat, err := c.Feature.Create().SetCode("LIMITS").SetName("Limits").
		SetParameters([]schematype.ParameterDefinition{{Name: "monthly", Type: schematype.ParameterTypeInteger}}).Save(ctx)
	must(err)
	cat, err := c.Category.Create().SetCode("LOW").SetName("Low").SetCustomerType(schematype.CustomerTypeIndividual).Save(ctx)
	must(err)
	rel, err := c.FeatureRelation.Create().SetCategoryID(cat.ID).SetFeatureID(feat.ID).Save(ctx)
	must(err)
	user, err := c.User.Create().SetUsername("u@example.com").SetEmail("u@example.com").AddRoles(role).Save(ctx)
	must(err)
	dob := time.Date(1990, 5, 15, 0, 0, 0, 0, time.UTC)
	person, err := c.Person.Create().SetFirstName("Ann").SetLastName("Lee").SetDateOfBirth(dob).Save(ctx)
	must(err)
	addr, err := c.Address.Create().SetType("HOME").SetStreet("1 Main St").SetCity("Vilnius").SetCountry("LT").SetPerson(person).Save(ctx)
	must(err)
	contact, err := c.Contact.Create().SetType("EMAIL").SetValue("ann@example.com").SetPerson(person).Save(ctx)
	must(err)
	doc, err := c.IdentityDocument.Create().SetType("PASSPORT").SetNumber("X1234567").SetPerson(person).Save(ctx)
	must(err)
	cust, err := c.Customer.Create().SetType(schematype.CustomerTypeIndividual).SetName("Ann Lee").
		SetPerson(person).SetUser(user).SetCategory(cat).Save(ctx)
	must(err)
	cf, err := c.CustomerFeature.Create().SetCustomer(cust).SetFeature(feat).SetCode("LIMITS").Save(ctx)
	must(err)
	org, err := c.Organization.Create().SetLegalName("Acme Ltd").SetRegistrationNumber("REG-1").Save(ctx)
	must(err)
	rep, err := c.Representative.Create().SetOrganization(org).SetPerson(person).SetPosition("DIRECTOR").Save(ctx)
	must(err)
	emp, err := c.Employee.Create().SetOrganization(org).SetPerson(person).AddRoles(role).Save(ctx)
	must(err)
	return map[string]string{
		"Tenant": tenantID, "Role": role.ID, "Feature": feat.ID, "Category": cat.ID, "FeatureRelation": rel.ID,
		"User": user.ID, "Person": person.ID, "Address": addr.ID, "Contact": contact.ID,
		"IdentityDocument": doc.ID, "Customer": cust.ID, "CustomerFeature": cf.ID, "Organization": org.ID,
		"Representative": rep.ID, "Employee": emp.ID,
	}
}

func TestNodeResolvesEveryEntityType(t *testing.T) {
	env := testutil.New(t)
	ids := seedGraph(t, env, env.Tenant("acme"))
	token := env.Token([]string{"acme"}, "customers:read")
	for typ, id := range ids {
		t.Run(typ, func(t *testing.T) {
			resp := env.Do(testutil.Request{Token: token, TenantKey: "acme",
				Query: `query($id: ID!) { node(id: $id) { __typename id } }`, Variables: map[string]any{"id": id}})
			var data struct{ Node struct{ Typename, ID string } }
			resp.Into(t, &data)
			var raw struct {
				Node map[string]string `json:"node"`
			}
			_ = json.Unmarshal(resp.Data, &raw)
			if raw.Node["__typename"] != typ || raw.Node["id"] != id {
				t.Fatalf("node(%s) = %s", id, resp.Raw)
			}
		})
	}
	ordered := make([]any, 0, len(ids))
	for _, id := range ids {
		ordered = append(ordered, id)
	}
	resp := env.Do(testutil.Request{Token: token, TenantKey: "acme",
		Query: `query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, Variables: map[string]any{"ids": ordered}})
	var data struct{ Nodes []struct{ ID string } }
	resp.Into(t, &data)
	for i, n := range data.Nodes {
		if n.ID != ordered[i] {
			t.Fatalf("nodes[%d] = %s, want %s", i, n.ID, ordered[i])
		}
	}
}

func TestTenantCannotSeeOrChangeAnotherTenant(t *testing.T) {
	env := testutil.New(t)
	idsA := seedGraph(t, env, env.Tenant("tenant-a"))
	env.Tenant("tenant-b")
	tokenB := env.Token([]string{"tenant-b"}, testutil.AllScopes...)

	for typ, id := range idsA {
		t.Run("node "+typ, func(t *testing.T) {
			resp := env.Do(testutil.Request{Token: tokenB, TenantKey: "tenant-b",
				Query: `query($id: ID!) { node(id: $id) { id } }`, Variables: map[string]any{"id": id}})
			if len(resp.Errors) != 1 || resp.Errors[0].Code() != "NOT_FOUND" || strings.Contains(resp.Raw, `"id":"`+id) {
				t.Fatalf("B reading A's %s: %s", typ, resp.Raw)
			}
		})
	}
	t.Run("nodes", func(t *testing.T) {
		resp := env.Do(testutil.Request{Token: tokenB, TenantKey: "tenant-b",
			Query: `query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, Variables: map[string]any{"ids": []string{idsA["Customer"], idsA["Role"]}}})
		if strings.Contains(resp.Raw, idsA["Customer"]+`"}`) || len(resp.Errors) == 0 || resp.Errors[0].Code() != "NOT_FOUND" {
			t.Fatalf("B reading A's nodes: %s", resp.Raw)
		}
	})
	t.Run("list", func(t *testing.T) {
		resp := env.Do(testutil.Request{Token: tokenB, TenantKey: "tenant-b", Query: `{ roles { id code } tenant { id key } }`})
		var data struct {
			Roles  []struct{ ID, Code string }
			Tenant struct{ ID, Key string }
		}
		resp.Into(t, &data)
		if len(data.Roles) != 6 || data.Tenant.Key != "tenant-b" {
			t.Fatalf("B's roles and tenant: %s", resp.Raw)
		}
		for _, r := range data.Roles {
			if r.ID == idsA["Role"] || r.Code == "AUDITOR" {
				t.Fatalf("B sees A's role: %s", resp.Raw)
			}
		}
	})
	t.Run("mutate", func(t *testing.T) {
		resp := env.Do(testutil.Request{Token: tokenB, TenantKey: "tenant-b", Query: `mutation($id: ID!) {
			updateCategory(input: {id: $id, name: "Taken over"}) { category { id name } }
		}`, Variables: map[string]any{"id": idsA["Category"]}})
		if len(resp.Errors) != 1 || resp.Errors[0].Code() != "NOT_FOUND" || resp.Errors[0].Field() != "id" {
			t.Fatalf("B updating A's category: %s", resp.Raw)
		}
		cat, err := env.Client().Category.Get(env.As(idsA["Tenant"]), idsA["Category"])
		if err != nil || cat.Name != "Low" {
			t.Fatalf("A's category changed: %v %v", cat, err)
		}
	})
	t.Run("reference from another tenant", func(t *testing.T) {
		resp := env.Do(testutil.Request{Token: tokenB, TenantKey: "tenant-b", Query: `mutation($f: ID!) {
			createCategory(input: {code: "MINE", name: "Mine", customerType: INDIVIDUAL, features: [{featureId: $f}]}) { category { id } }
		}`, Variables: map[string]any{"f": idsA["Feature"]}})
		if len(resp.Errors) != 1 || resp.Errors[0].Code() != "NOT_FOUND" || resp.Errors[0].Field() != "features.0.featureId" {
			t.Fatalf("B attaching A's feature: %s", resp.Raw)
		}
	})
}

func TestDataLayerFailsClosedWithoutViewer(t *testing.T) {
	env := testutil.New(t)
	seedGraph(t, env, env.Tenant("acme"))
	if _, err := env.Client().Customer.Query().All(context.Background()); err == nil {
		t.Fatal("a query without a viewer must be denied")
	}
	if _, err := env.Client().Role.Create().SetCode("X").SetName("X").Save(context.Background()); err == nil {
		t.Fatal("a create without a viewer must be denied")
	}
	// Creating with another tenant's id explicitly is refused too.
	other := env.Tenant("other")
	if _, err := env.Client().Role.Create().SetCode("X").SetName("X").SetTenantID(other).Save(env.As(env.Tenant("third"))); err == nil {
		t.Fatal("a create for another tenant must be denied")
	}
}

func TestDuplicatesAreConflicts(t *testing.T) {
	env := testutil.New(t)
	env.Tenant("acme")
	env.Tenant("globex")
	token := env.Token([]string{"acme", "globex"}, testutil.AllScopes...)
	cases := []struct{ name, first, dup, field string }{
		{"role code",
			`mutation { createRole(input: {code: "AUDITOR", name: "Auditor"}) { role { id } } }`,
			`mutation { createRole(input: {code: "AUDITOR", name: "Another"}) { role { id } } }`, "code"},
		{"feature code",
			`mutation { createFeature(input: {code: "LIMITS", name: "Limits"}) { feature { id } } }`,
			`mutation { createFeature(input: {code: "LIMITS", name: "Other"}) { feature { id } } }`, "code"},
		{"feature external id",
			`mutation { createFeature(input: {code: "RISK", externalId: "ext-1", name: "Risk"}) { feature { id } } }`,
			`mutation { createFeature(input: {code: "RISK2", externalId: "ext-1", name: "Risk"}) { feature { id } } }`, "externalId"},
		{"category code",
			`mutation { createCategory(input: {code: "LOW", name: "Low", customerType: INDIVIDUAL}) { category { id } } }`,
			`mutation { createCategory(input: {code: "LOW", name: "Lower", customerType: ORGANIZATION}) { category { id } } }`, "code"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if r := env.Do(testutil.Request{Token: token, TenantKey: "acme", Query: tc.first}); len(r.Errors) > 0 {
				t.Fatalf("first: %s", r.Raw)
			}
			second := env.Do(testutil.Request{Token: token, TenantKey: "acme", Query: tc.dup})
			if len(second.Errors) != 1 || second.Errors[0].Code() != "CONFLICT" || second.Errors[0].Field() != tc.field {
				t.Fatalf("second: %s", second.Raw)
			}
			if strings.Contains(strings.ToLower(second.Raw), "constraint") || strings.Contains(second.Raw, "pq:") {
				t.Fatalf("driver text leaked: %s", second.Raw)
			}
			// Unique per tenant: another tenant may use the same value.
			if r := env.Do(testutil.Request{Token: token, TenantKey: "globex", Query: tc.dup}); len(r.Errors) > 0 {
				t.Fatalf("other tenant: %s", r.Raw)
			}
		})
	}
	t.Run("tenant key", func(t *testing.T) {
		op := env.Token([]string{"*"}, "tenants:admin")
		q := `mutation { createTenant(input: {key: "initech", name: "Initech"}) { tenant { id key } } }`
		if r := env.Do(testutil.Request{Token: op, Query: q}); len(r.Errors) > 0 {
			t.Fatalf("first: %s", r.Raw)
		}
		r := env.Do(testutil.Request{Token: op, Query: q})
		if len(r.Errors) != 1 || r.Errors[0].Code() != "CONFLICT" || r.Errors[0].Field() != "key" {
			t.Fatalf("second: %s", r.Raw)
		}
	})
}

func TestPanicIsInternalAndServiceStaysUp(t *testing.T) {
	env := testutil.New(t)
	env.Tenant("acme")
	env.Client().Role.Use(func(next ent.Mutator) ent.Mutator {
		return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
			if code, _ := m.(*ent.RoleMutation).Code(); code == "PANIC" {
				panic("boom: secret detail")
			}
			return next.Mutate(ctx, m)
		})
	})
	token := env.Token([]string{"acme"}, testutil.AllScopes...)
	resp := env.Do(testutil.Request{Token: token, TenantKey: "acme",
		Query: `mutation { createRole(input: {code: "PANIC", name: "Panic"}) { role { id } } }`})
	if len(resp.Errors) != 1 || resp.Errors[0].Code() != "INTERNAL" || resp.Errors[0].Extensions["requestId"] == "" {
		t.Fatalf("panic: %s", resp.Raw)
	}
	if strings.Contains(resp.Raw, "boom") || strings.Contains(resp.Raw, "goroutine") {
		t.Fatalf("panic detail leaked: %s", resp.Raw)
	}
	if !strings.Contains(env.Logs(), resp.Errors[0].Extensions["requestId"].(string)) {
		t.Fatal("the panic is not logged with its request id")
	}
	after := env.Do(testutil.Request{Token: token, TenantKey: "acme",
		Query: `mutation { createRole(input: {code: "CALM", name: "Calm"}) { role { code } } }`})
	if len(after.Errors) > 0 {
		t.Fatalf("after the panic: %s", after.Raw)
	}
}
