package seed_test

import (
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"onboard/graph"
	"onboard/internal/database/seed"
	"onboard/internal/pulid"
	"onboard/internal/testutil"
	"onboard/internal/viewer"
)

// deepRead reads every edge the seeding writes.
const deepRead = `{
  customers(first: 100) {
    totalCount
    edges { node {
      id name type status
      person { firstName email dateOfBirth addresses { country isPrimary } contacts { type value } identityDocuments { number } }
      organization { legalName registrationNumber addresses { country } representatives { ownershipShare isPrimaryOwner person { lastName addresses { country } } } employees { id } }
      user { email roles { code } }
      category { code }
      features { code parameters { name value source } }
    } }
  }
}`

// TestSeededCustomersReadBackThroughTheAPI seeds two tenants and reads the
// first through GraphQL: every customer, with every edge, without errors,
// none of the other tenant's.
func TestSeededCustomersReadBackThroughTheAPI(t *testing.T) {
	if os.Getenv("TEST_DATABASE_URL") == "" {
		t.Skip("seeding is PostgreSQL only: set TEST_DATABASE_URL")
	}
	env := testutil.New(t)
	ctx := context.Background()
	_, n, err := seed.Tenant(ctx, env.Client(), env.DB.SQL, "seed-a", 40)
	if err != nil || n != 40 {
		t.Fatalf("seeding: %d customers, %v", n, err)
	}
	otherID, _, err := seed.Tenant(ctx, env.Client(), env.DB.SQL, "seed-b", 15)
	if err != nil {
		t.Fatal(err)
	}
	if _, again, err := seed.Tenant(ctx, env.Client(), env.DB.SQL, "seed-a", 99); err != nil || again != 40 {
		t.Fatalf("a seeded tenant must be left as it is: %d customers, %v", again, err)
	}

	token := env.Token([]string{"seed-a"}, viewer.ScopeCustomersRead, viewer.ScopePIIRead)
	resp := env.Do(testutil.Request{Token: token, TenantKey: "seed-a", Query: deepRead})
	if len(resp.Errors) > 0 {
		t.Fatalf("errors: %+v", resp.Errors)
	}
	var data struct {
		Customers struct {
			TotalCount int
			Edges      []struct {
				Node struct {
					ID, Type string
					Person   *struct {
						Addresses                   []struct{ Country string }
						Contacts, IdentityDocuments []struct{}
					}
					Organization *struct {
						Addresses       []struct{ Country string }
						Representatives []struct{ Person struct{ LastName string } }
						Employees       []struct{}
					}
					User     struct{ Roles []struct{ Code string } }
					Category struct{ Code string }
					Features []struct{ Parameters []struct{ Source string } }
				}
			}
		}
	}
	resp.Into(t, &data)
	if data.Customers.TotalCount != 40 || len(data.Customers.Edges) != 40 {
		t.Fatalf("read %d of %d customers, want 40", len(data.Customers.Edges), data.Customers.TotalCount)
	}
	orgs := 0
	for _, e := range data.Customers.Edges {
		c := e.Node
		if !pulid.Valid(c.ID, "cus") {
			t.Errorf("id %q is not a customer id", c.ID)
		}
		if len(c.User.Roles) == 0 || c.Category.Code == "" || len(c.Features) == 0 {
			t.Errorf("%s: roles %v, category %q, %d features", c.ID, c.User.Roles, c.Category.Code, len(c.Features))
		}
		switch c.Type {
		case "ORGANIZATION":
			orgs++
			if o := c.Organization; o == nil || len(o.Addresses) != 1 || len(o.Representatives) != 1 || len(o.Employees) != 1 {
				t.Errorf("%s: organization %+v", c.ID, o)
			}
		default:
			if p := c.Person; p == nil || len(p.Addresses) != 1 || len(p.Contacts) != 2 || len(p.IdentityDocuments) != 1 {
				t.Errorf("%s: person %+v", c.ID, p)
			}
		}
	}
	if orgs != 8 {
		t.Errorf("%d organizations, want every fifth (8)", orgs)
	}

	// The customer's own copy of its primary address's country, which the
	// seed writes beside the address, is what the country filter reads.
	byCountry := map[string]int{}
	for _, e := range data.Customers.Edges {
		if c := e.Node; c.Type == "ORGANIZATION" && c.Organization != nil && len(c.Organization.Addresses) == 1 {
			byCountry[c.Organization.Addresses[0].Country]++
		} else if c.Person != nil && len(c.Person.Addresses) == 1 {
			byCountry[c.Person.Addresses[0].Country]++
		}
	}
	for country, want := range byCountry {
		var counted struct{ Customers struct{ TotalCount int } }
		env.Do(testutil.Request{Token: token, TenantKey: "seed-a", Query: `query($c: String!) { customers(first: 1, where: {country: $c}) { totalCount } }`,
			Variables: map[string]any{"c": country}}).Into(t, &counted)
		if counted.Customers.TotalCount != want {
			t.Errorf("customers in %s: %d by the filter, %d by their addresses", country, counted.Customers.TotalCount, want)
		}
	}

	// The seeded tallies: customerStats without where (read from them)
	// answers as with a where that keeps everyone (a scan), for each key
	// of the schema's CustomerStatsGroup and for all of them.
	stats := func(groupBy []string, where map[string]any) string {
		vars := map[string]any{"groupBy": groupBy}
		if where != nil {
			vars["where"] = where
		}
		var got struct{ CustomerStats json.RawMessage }
		env.Do(testutil.Request{Token: token, TenantKey: "seed-a", Variables: vars,
			Query: `query($where: CustomerWhereInput, $groupBy: [CustomerStatsGroup!]!) {
				customerStats(where: $where, groupBy: $groupBy) { status type categoryId categoryCode country riskLevel createdMonth count } }`}).Into(t, &got)
		return string(got.CustomerStats)
	}
	everyone := map[string]any{"or": []any{map[string]any{"type": "INDIVIDUAL"}, map[string]any{"type": "ORGANIZATION"}}}
	var keys []string
	for _, v := range graph.NewExecutableSchema(graph.Config{}).Schema().Types["CustomerStatsGroup"].EnumValues {
		keys = append(keys, v.Name)
	}
	for _, groupBy := range append([][]string{keys}, splitEach(keys)...) {
		if tallied, scanned := stats(groupBy, nil), stats(groupBy, everyone); tallied != scanned {
			t.Errorf("groupBy %v: from the tallies %s, from the customers %s", groupBy, tallied, scanned)
		}
	}

	var otherCustomer string
	if err := env.DB.SQL.QueryRow(`SELECT id FROM customers WHERE tenant_id = $1 LIMIT 1`, otherID).Scan(&otherCustomer); err != nil {
		t.Fatal(err)
	}
	resp = env.Do(testutil.Request{Token: token, TenantKey: "seed-a", Query: `query($id: ID!) { node(id: $id) { id } }`,
		Variables: map[string]any{"id": otherCustomer}})
	if strings.Contains(string(resp.Data), otherCustomer) {
		t.Errorf("the other tenant's customer is visible: %s", resp.Data)
	}
}

// splitEach is each of keys alone.
func splitEach(keys []string) [][]string {
	out := make([][]string, len(keys))
	for i, k := range keys {
		out[i] = []string{k}
	}
	return out
}
