package database_test

import (
	"context"
	"testing"

	"onboard/ent"
	"onboard/ent/customer"
	"onboard/internal/catalog"
	"onboard/internal/database"
	"onboard/internal/viewer"
	"onboard/schema/schematype"
)

// The type travels with the name (database.customerTypeWithName) on reads
// that return customers, and only there: a Select, GroupBy or Count of
// names keeps its own columns.
func TestCustomerTypeTravelsWithTheName(t *testing.T) {
	db, err := database.Open(database.Config{DataDir: t.TempDir(), MaxConns: 2}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	admin := viewer.NewContext(context.Background(), &viewer.Viewer{Subject: "t", Tenants: []string{viewer.AllTenants},
		Scopes: []string{viewer.ScopeTenantsAdmin}})
	tn, err := catalog.CreateTenant(admin, db.Client, catalog.TenantInput{Key: "acme", Name: "acme"})
	if err != nil {
		t.Fatal(err)
	}
	ctx := viewer.ForTenant(context.Background(), tn.ID)
	u := db.Client.User.Create().SetUsername("a@example.com").SetEmail("a@example.com").SetPasswordHash("x").SaveX(ctx)
	db.Client.Customer.Create().SetType(schematype.CustomerTypeOrganization).SetName("Acme Ltd").SetUser(u).ExecX(ctx)

	c, err := db.Client.Customer.Query().Select(customer.FieldName).Only(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if c.Type != schematype.CustomerTypeOrganization {
		t.Errorf("a customer read for its name has type %q, want %q", c.Type, schematype.CustomerTypeOrganization)
	}
	loaded, err := db.Client.User.Query().WithCustomer(func(q *ent.CustomerQuery) { q.Select(customer.FieldName) }).Only(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got := loaded.Edges.Customer; got == nil || got.Type != schematype.CustomerTypeOrganization {
		t.Errorf("a customer eager-loaded for its name: %+v, want its type loaded", got)
	}

	if names, err := db.Client.Customer.Query().Select(customer.FieldName).Strings(ctx); err != nil || len(names) != 1 {
		t.Errorf("Select(name).Strings = %v, %v", names, err)
	}
	var groups []struct {
		Name  string `json:"name"`
		Count int    `json:"count"`
	}
	if err := db.Client.Customer.Query().GroupBy(customer.FieldName).Aggregate(ent.Count()).Scan(ctx, &groups); err != nil || len(groups) != 1 {
		t.Errorf("GroupBy(name) = %v, %v", groups, err)
	}
	if n, err := db.Client.Customer.Query().Select(customer.FieldName).Count(ctx); err != nil || n != 1 {
		t.Errorf("Count = %d, %v", n, err)
	}
}
