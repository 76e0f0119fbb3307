package demo_test

import (
	"testing"

	"onboard/internal/demo"
	"onboard/internal/testutil"
)

// A registered customer carries its primary address's country (copied at
// registration, schema/customer.go), so the country filter and the
// statistics, which read only that copy, find it: an individual by its
// person's address, an organization by its own.
func TestRegisteredCustomersAreFoundByCountry(t *testing.T) {
	env, token := demoEnv(t)
	for _, fixture := range []string{"finhub-individual.json", "finhub-organization.json"} {
		if got, r := register(t, env, token, fixture); got == nil {
			t.Fatalf("registering %s: %s", fixture, r.Raw)
		}
	}
	read := func(query string) string {
		r := env.Do(testutil.Request{Token: token, TenantKey: demo.TenantKey, Query: query})
		if len(r.Errors) > 0 {
			t.Fatalf("%s: %+v", query, r.Errors)
		}
		return string(r.Data)
	}
	for _, tc := range []struct{ where, want string }{
		{`{country: "LT"}`, `{"customers":{"totalCount":2}}`},
		{`{country: "LT", type: ORGANIZATION}`, `{"customers":{"totalCount":1}}`},
		{`{country: "DE"}`, `{"customers":{"totalCount":0}}`},
	} {
		if got := read(`{ customers(first: 5, where: ` + tc.where + `) { totalCount } }`); got != tc.want {
			t.Errorf("customers where %s: %s, want %s", tc.where, got, tc.want)
		}
	}
	if got, want := read(`{ customerStats(groupBy: [COUNTRY]) { country count } }`),
		`{"customerStats":[{"country":"LT","count":2}]}`; got != want {
		t.Errorf("stats by country: %s, want %s", got, want)
	}
}
