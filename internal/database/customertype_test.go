package database_test

import (
	"testing"

	"onboard/ent"
	"onboard/ent/customer"
	"onboard/internal/testutil"
	"onboard/schema/schematype"
)

// The type travels with the name (customerTypeWithName, installed by
// database.Open, which testutil uses) on reads
// that return customers, and only there: a Select, GroupBy or Count of
// names keeps its own columns.
func TestCustomerTypeTravelsWithTheName(t *testing.T) {
	env := testutil.New(t)
	ctx, client := env.As(env.Tenant("acme")), env.Client()
	u := client.User.Create().SetUsername("a@example.com").SetEmail("a@example.com").SetPasswordHash("x").SaveX(ctx)
	client.Customer.Create().SetType(schematype.CustomerTypeOrganization).SetName("Acme Ltd").SetUser(u).ExecX(ctx)

	c, err := client.Customer.Query().Select(customer.FieldName).Only(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if c.Type != schematype.CustomerTypeOrganization {
		t.Errorf("a customer read for its name has type %q, want %q", c.Type, schematype.CustomerTypeOrganization)
	}
	loaded, err := client.User.Query().WithCustomer(func(q *ent.CustomerQuery) { q.Select(customer.FieldName) }).Only(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got := loaded.Edges.Customer; got == nil || got.Type != schematype.CustomerTypeOrganization {
		t.Errorf("a customer eager-loaded for its name: %+v, want its type loaded", got)
	}

	if names, err := client.Customer.Query().Select(customer.FieldName).Strings(ctx); err != nil || len(names) != 1 {
		t.Errorf("Select(name).Strings = %v, %v", names, err)
	}
	var groups []struct {
		Name  string `json:"name"`
		Count int    `json:"count"`
	}
	if err := client.Customer.Query().GroupBy(customer.FieldName).Aggregate(ent.Count()).Scan(ctx, &groups); err != nil || len(groups) != 1 {
		t.Errorf("GroupBy(name) = %v, %v", groups, err)
	}
	if n, err := client.Customer.Query().Select(customer.FieldName).Count(ctx); err != nil || n != 1 {
		t.Errorf("Count = %d, %v", n, err)
	}
}
