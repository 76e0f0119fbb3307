package server_test

import (
	"fmt"
	"testing"

	"onboard/internal/testutil"
)

// TestMutationPayloadsLoadTheirListsEagerly reads an organization's people
// through the payloads of addRepresentative and registerOrganization: the
// statements they cost must not grow with the number of people.
func TestMutationPayloadsLoadTheirListsEagerly(t *testing.T) {
	counter := &sqlCounter{}
	env := newRegistrationEnvWith(t, testutil.Options{WrapDriver: counter.Wrap})
	ctx, c := env.As(env.tenantID), env.Client()

	const add = `mutation($input: AddRepresentativeInput!) { addRepresentative(input: $input) {
		representative { id }
		organization { representatives { position person { firstName addresses { country } } } employees { roles { code } person { firstName } } }
	} }`
	statements := func(reps int) int64 {
		ids := seedCustomers(t, ctx, c, []customerSpec{{Name: "Org", Organization: true, Country: "LT", Shares: make([]float64, reps)}})
		orgID := c.Customer.GetX(ctx, ids[0]).QueryOrganization().OnlyIDX(ctx)
		n, _ := counter.Measure(func() {
			r := env.Do(testutil.Request{Token: env.manager, TenantKey: "acme", Query: add,
				Variables: map[string]any{"input": map[string]any{"organizationId": orgID, "representative": newRepresentative(0)}}})
			if len(r.Errors) > 0 {
				t.Fatalf("addRepresentative: %s", r.Raw)
			}
		})
		return n
	}
	few, many := statements(2), statements(30)
	if few != many {
		t.Errorf("addRepresentative's payload: %d statements with 3 representatives, %d with 31", few, many)
	}

	const deep = `mutation($input: RegisterOrganizationInput!) { registerOrganization(input: $input) {
		directors { person { firstName } } shareholders { person { lastName } }
		employees { person { firstName } roles { code } user { email } }
		customer { features { code } category { featureRelations { feature { code } } } }
	} }`
	const minimal = `mutation($input: RegisterOrganizationInput!) { registerOrganization(input: $input) { id } }`
	registration := 0
	register := func(query string, reps int) int64 {
		registration++
		input := testutil.Fixture(t, "finhub-organization.json")
		email := fmt.Sprintf("admin%d@example.com", registration)
		for _, path := range []string{"email", "organizationCustomer.user.email", "organizationCustomer.user.username"} {
			set(t, input, path, email)
		}
		set(t, input, "organizationCustomer.organization.registrationNumber", fmt.Sprint("REG-", registration))
		// Its own tax id too: with the fixture's, each registration would
		// be a possible duplicate of the earlier ones, which costs more.
		set(t, input, "organizationCustomer.organization.taxId", fmt.Sprint("TAX-", registration))
		var people []any
		for i := range reps {
			people = append(people, map[string]any{"firstName": fmt.Sprint("Rep", i), "lastName": "Sample",
				"position": "DIRECTOR", "ownershipShare": 1.0})
		}
		set(t, input, "organizationCustomer.organization.representatives", people)
		n, _ := counter.Measure(func() {
			r := env.Do(testutil.Request{Token: env.token, TenantKey: "acme", Query: query,
				Variables: map[string]any{"input": input}})
			if len(r.Errors) > 0 {
				t.Fatalf("registerOrganization: %s", r.Raw)
			}
		})
		return n
	}
	// What the deep selection costs over the bare id, with 2 and with 20
	// directors holding shares.
	payloadFew := register(deep, 2) - register(minimal, 2)
	payloadMany := register(deep, 20) - register(minimal, 20)
	if payloadFew != payloadMany {
		t.Errorf("registerOrganization's payload: %d statements with 2 representatives, %d with 20", payloadFew, payloadMany)
	}
}
