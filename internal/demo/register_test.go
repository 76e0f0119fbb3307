package demo_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"onboard/internal/demo"
	"onboard/internal/testutil"
	"onboard/internal/viewer"
)

// demoEnv is a fresh service whose database holds the demo tenant as
// demo.Seed leaves it, and a token for that tenant with every scope.
func demoEnv(t *testing.T) (*testutil.Env, string) {
	t.Helper()
	env := testutil.New(t)
	if _, err := demo.Seed(context.Background(), env.Client()); err != nil {
		t.Fatalf("Seed: %v", err)
	}
	return env, env.Token([]string{demo.TenantKey}, viewer.AllScopes()...)
}

// registration is what the examples' registration mutations return (both
// payloads have an id and a customer with a category).
type registration struct {
	ID       string
	Customer struct {
		ID       string
		Category struct{ Code string }
		Features []struct{ Code string }
	}
}

// register sends fixture, unchanged, as $input of the example mutation for
// its customer type, through the real HTTP handler.
func register(t *testing.T, env *testutil.Env, token, fixture string) (*registration, *testutil.Response) {
	t.Helper()
	query, field := demo.RegisterOrganizationQuery, "registerOrganization"
	if strings.Contains(fixture, "individual") {
		query, field = demo.RegisterIndividualQuery, "registerIndividual"
	}
	r := env.Do(testutil.Request{Token: token, TenantKey: demo.TenantKey, Query: query,
		Variables: map[string]any{"input": testutil.Fixture(t, fixture)}})
	if len(r.Errors) > 0 {
		return nil, r
	}
	var data map[string]*registration
	r.Into(t, &data)
	return data[field], r
}

// Each FinHub body in testdata/ registers, unchanged, into the demo tenant
// a fresh installation seeds, in the category it names (or the default).
func TestFinHubFixturesRegisterIntoTheDemoTenant(t *testing.T) {
	for _, tc := range []struct{ fixture, category string }{
		{"finhub-individual.json", "MEDIUM_RISK_INDIVIDUAL"},
		{"finhub-organization.json", "SMALL_BUSINESS"},
		{"finhub-organization-employees.json", "SMALL_BUSINESS"}, // names none: the default
		{"finhub-organization-categorized.json", "BUSINESS_MEDIUM_RISK"},
	} {
		t.Run(tc.fixture, func(t *testing.T) {
			env, token := demoEnv(t)
			got, r := register(t, env, token, tc.fixture)
			if got == nil {
				t.Fatalf("registering %s: %s", tc.fixture, r.Raw)
			}
			if !strings.HasPrefix(got.ID, "cus_") || got.Customer.ID != got.ID {
				t.Errorf("customer id %q / %q", got.ID, got.Customer.ID)
			}
			if got.Customer.Category.Code != tc.category {
				t.Errorf("category %q, want %q", got.Customer.Category.Code, tc.category)
			}
			if len(got.Customer.Features) == 0 {
				t.Error("no features applied from the category")
			}
		})
	}
}

// A newcomer who runs every example in one demo database: the bodies
// coexist except the two organizations that share FinHub's registration
// number, and the BI read sees what was registered.
func TestFinHubFixturesShareOneDemoTenant(t *testing.T) {
	env, token := demoEnv(t)
	for _, fixture := range []string{"finhub-individual.json", "finhub-organization.json", "finhub-organization-employees.json"} {
		if got, r := register(t, env, token, fixture); got == nil {
			t.Fatalf("registering %s: %s", fixture, r.Raw)
		}
	}
	_, r := register(t, env, token, "finhub-organization-categorized.json")
	if len(r.Errors) != 1 || r.Errors[0].Code() != "CONFLICT" || r.Errors[0].Field() != "organizationCustomer.organization.registrationNumber" {
		t.Fatalf("the categorized body after the employees one (same registration number): want one CONFLICT, got %s", r.Raw)
	}

	r = env.Do(testutil.Request{Token: token, TenantKey: demo.TenantKey, Query: demo.CustomersQuery})
	var got struct {
		Customers struct {
			TotalCount int
			Edges      []struct {
				Node struct {
					Type     string
					Features []json.RawMessage
				}
			}
		}
	}
	r.Into(t, &got)
	if got.Customers.TotalCount != 3 || len(got.Customers.Edges) != 3 {
		t.Fatalf("customers: %s", r.Raw)
	}
	types := map[string]int{}
	for _, e := range got.Customers.Edges {
		types[e.Node.Type]++
	}
	if types["INDIVIDUAL"] != 1 || types["ORGANIZATION"] != 2 {
		t.Fatalf("customer types %v: %s", types, r.Raw)
	}
}
