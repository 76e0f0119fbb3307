package server_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"testing"

	"onboard/ent/customer"
	"onboard/internal/testutil"
	"onboard/schema"
	"onboard/schema/schematype"
)

// talliedStats is customerStats with every key selected.
const talliedStats = `query($where: CustomerWhereInput, $groupBy: [CustomerStatsGroup!]!) {
	customerStats(where: $where, groupBy: $groupBy) { status type categoryId categoryCode country riskLevel createdMonth count }
}`

// statsGroupCombinations are the non-empty sets of the schema's
// CustomerStatsGroup values, in the enum's order, and each in reverse.
func statsGroupCombinations(t *testing.T) [][]any {
	t.Helper()
	enum := hostileSchema().Types["CustomerStatsGroup"]
	if enum == nil || len(enum.EnumValues) == 0 {
		t.Fatal("the schema has no CustomerStatsGroup values")
	}
	var out [][]any
	for set := 1; set < 1<<len(enum.EnumValues); set++ {
		var keys, reversed []any
		for i, v := range enum.EnumValues {
			if set&(1<<i) != 0 {
				keys = append(keys, v.Name)
				reversed = append([]any{v.Name}, reversed...)
			}
		}
		out = append(out, keys)
		if len(keys) > 1 {
			out = append(out, reversed)
		}
	}
	return out
}

// statsJSON is the customerStats answer to groupBy (with where, if not
// nil), as the API sends it.
func (e *registrationEnv) statsJSON(t *testing.T, groupBy []any, where map[string]any) string {
	t.Helper()
	vars := map[string]any{"groupBy": groupBy}
	if where != nil {
		vars["where"] = where
	}
	r := e.Do(testutil.Request{Token: e.token, TenantKey: "acme", Query: talliedStats, Variables: vars})
	var got struct{ CustomerStats json.RawMessage }
	r.Into(t, &got)
	return string(got.CustomerStats)
}

// assertTalliesEqualTheScan checks that, for every combination of keys,
// customerStats without where (read from the tallies) answers exactly as
// with a where that keeps every customer (which scans them).
func (e *registrationEnv) assertTalliesEqualTheScan(t *testing.T) {
	t.Helper()
	everyone := map[string]any{"or": []any{
		map[string]any{"type": "INDIVIDUAL"}, map[string]any{"type": "ORGANIZATION"},
	}}
	for _, groupBy := range statsGroupCombinations(t) {
		tallied, scanned := e.statsJSON(t, groupBy, nil), e.statsJSON(t, groupBy, everyone)
		if tallied != scanned {
			t.Errorf("groupBy %v:\nfrom the tallies %s\nfrom the customers %s", groupBy, tallied, scanned)
		}
	}
}

// TestCustomerStatsFromTheTalliesEqualTheScan registers individuals and
// organizations through the API (several countries and categories), adds
// customers without country or category and in other months as the read
// tests seed them (still through ent's hooks), and another tenant's: every
// combination of keys answers the same from the tallies as from the
// customers. Then an update of one customer's keys moves its tally, and
// what would change many customers' keys at once is refused.
func TestCustomerStatsFromTheTalliesEqualTheScan(t *testing.T) {
	env := newRegistrationEnv(t)
	for i, edit := range []map[string]any{
		{},
		{"individualCustomer.person.addresses.0.country": "DE", "individualCustomer.person.nationality": "DE"},
		{"customerCategory": nil, "individualCustomer.categorization": nil},
	} {
		in := testutil.Fixture(t, "finhub-individual.json")
		login := fmt.Sprintf("tally%d@example.com", i)
		for _, p := range []string{"email", "individualCustomer.user.email", "individualCustomer.user.username"} {
			set(t, in, p, login)
		}
		for p, v := range edit {
			set(t, in, p, v)
		}
		env.register(in).Into(t, &registered{})
	}
	for _, fixture := range []string{"finhub-organization.json", "finhub-organization-categorized.json"} {
		env.registerOrganization(testutil.Fixture(t, fixture)).Into(t, &struct{}{})
	}
	ctx, c := env.As(env.tenantID), env.Client()
	ids := seedCustomers(t, ctx, c, filterCustomers())
	// Customers without an address (so no country) nor category.
	c.Customer.Create().SetType(schematype.CustomerTypeIndividual).SetName("No Where").
		SetStatus(customer.StatusREJECTED).SetCreatedAt(day("2025-12-31")).ExecX(ctx)
	c.Customer.Create().SetType(schematype.CustomerTypeOrganization).SetName("Nowhere Ltd").
		SetStatus(customer.StatusCLOSED).SetCreatedAt(day("2025-11-30")).ExecX(ctx)
	seedCustomers(t, env.As(env.Tenant("globex")), c,
		[]customerSpec{{Name: "Elsewhere", Country: "LT", Status: "ACTIVE"}})
	env.assertTalliesEqualTheScan(t)

	// One customer's status and country, then its category cleared.
	c.Customer.UpdateOneID(ids[0]).SetStatus(customer.StatusCLOSED).SetCountry("FR").ExecX(ctx)
	c.Customer.UpdateOneID(ids[1]).ClearCategoryID().ExecX(ctx)
	env.assertTalliesEqualTheScan(t)

	if err := c.Customer.Update().Where(customer.IDIn(ids...)).SetStatus(customer.StatusACTIVE).Exec(ctx); !errors.Is(err, schema.ErrTallyKeys) {
		t.Errorf("an update-many of the status: %v, want ErrTallyKeys", err)
	}
	if err := c.Customer.DeleteOneID(ids[2]).Exec(ctx); !errors.Is(err, schema.ErrTallyKeys) {
		t.Errorf("a delete: %v, want ErrTallyKeys", err)
	}
	env.assertTalliesEqualTheScan(t)
}

// TestConcurrentRegistrationsKeepExactTallies registers eight individuals
// at once, all of one group: its tally counts each of them.
func TestConcurrentRegistrationsKeepExactTallies(t *testing.T) {
	env := newRegistrationEnv(t)
	reqs := make([]testutil.Request, 8)
	for i := range reqs {
		in := testutil.Fixture(t, "finhub-individual.json")
		login := fmt.Sprintf("concurrent%d@example.com", i)
		for _, p := range []string{"email", "individualCustomer.user.email", "individualCustomer.user.username"} {
			set(t, in, p, login)
		}
		reqs[i] = testutil.Request{Token: env.token, TenantKey: "acme", Query: registerIndividual, Variables: map[string]any{"input": in}}
	}
	n := tally(t, race(t, env.Env, reqs), "OK")
	want(t, "registrations that succeeded", n["OK"], len(reqs))
	want(t, "the tallies' sum", countSQL(t, env.Env, `SELECT sum(count) FROM customer_tallies WHERE tenant_id = ?`, env.tenantID), len(reqs))
	want(t, "stats by type", env.statsJSON(t, []any{"TYPE"}, nil), fmt.Sprintf(`[{"status":null,"type":"INDIVIDUAL","categoryId":null,"categoryCode":null,"country":null,"riskLevel":null,"createdMonth":null,"count":%d}]`, len(reqs)))
	env.assertTalliesEqualTheScan(t)
}

// TestARegistrationWhoseTallyFailsLeavesNothing registers an individual
// when the tallies' table is gone: the tally is written in the
// registration's transaction, so the registration fails and leaves no
// customer.
func TestARegistrationWhoseTallyFailsLeavesNothing(t *testing.T) {
	env := newRegistrationEnv(t)
	if _, err := env.DB.SQL.Exec(`DROP TABLE customer_tallies`); err != nil {
		t.Fatal(err)
	}
	if r := env.register(testutil.Fixture(t, "finhub-individual.json")); len(r.Errors) != 1 || r.Errors[0].Code() != "INTERNAL" {
		t.Fatalf("the registration without its tally answered %s, want INTERNAL", r.Raw)
	}
	customers, persons, users := env.count(t)
	want(t, "customers, persons, users", fmt.Sprint(customers, persons, users), "0 0 0")
}
