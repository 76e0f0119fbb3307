package demo

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"

	"onboard/ent"
	"onboard/ent/customer"
	"onboard/internal/viewer"
)

// The playground's onboarding tab takes a customer from registered to
// ACTIVE in one click, so it needs a customer awaiting verification whose
// ids its variables can name: the demo keeps one, the FinHub individual
// registered under an address and reference of its own (the first tab
// registers the body itself, and must not find its e-mail taken).

// onboardingReferencePrefix marks the demo's onboarding customers.
const onboardingReferencePrefix = "demo-onboarding-"

// OnboardingCustomer is the customer the onboarding tab activates.
type OnboardingCustomer struct {
	CustomerID, PersonID string
}

// OnboardingQuery records what the demo tenant's individual category asks
// before activation — the KYC provider's identity, sanctions and PEP
// results and the TERMS consent — and activates the customer, reading back
// its status, what is still due and its history. Mutation fields run one
// after the other, so the activation sees what the fields before it wrote.
const OnboardingQuery = `mutation OnboardToActive($customerId: ID!, $personId: ID!) {
  identity: recordVerification(input: {customerId: $customerId, subjectId: $personId, kind: IDENTITY,
      outcome: PASSED, provider: "example-kyc", reference: "demo-identity", checkedAt: "2026-01-01T00:00:00Z"}) {
    verification { kind outcome }
  }
  sanctions: recordVerification(input: {customerId: $customerId, subjectId: $personId, kind: SANCTIONS,
      outcome: PASSED, provider: "example-kyc", reference: "demo-sanctions", checkedAt: "2026-01-01T00:00:00Z"}) {
    verification { kind outcome }
  }
  pep: recordVerification(input: {customerId: $customerId, subjectId: $personId, kind: PEP,
      outcome: PASSED, provider: "example-kyc", reference: "demo-pep", checkedAt: "2026-01-01T00:00:00Z"}) {
    verification { kind outcome }
  }
  terms: acceptConsents(input: {customerId: $customerId, consents: [{code: "TERMS", version: 1}]}) {
    consents { code version }
  }
  activate: activateCustomer(input: {customerId: $customerId, note: "Activated from the playground"}) {
    customer {
      id
      status
      user { status }
      requirements { currentlyDue { code field reason } }
      history(first: 10) { edges { node { type actor createdAt changes { field before after } } } }
    }
  }
}`

// onboardingVariables are the tab's variables for c.
func onboardingVariables(c OnboardingCustomer) string {
	b, err := json.MarshalIndent(map[string]string{"customerId": c.CustomerID, "personId": c.PersonID}, "", "  ")
	if err != nil {
		panic("demo: " + err.Error())
	}
	return string(b)
}

// EnsureOnboardingCustomer returns a demo onboarding customer awaiting
// verification, registering one through api (the GraphQL endpoint, called
// in process as the demo tenant) when none is left: a click on the tab
// activates the one it names, and the next start of the server registers
// another.
func EnsureOnboardingCustomer(ctx context.Context, client *ent.Client, tenantID string, api http.Handler) (OnboardingCustomer, error) {
	ctx = viewer.NewContext(ctx, &viewer.Viewer{Subject: "onboard-demo", TenantID: tenantID, TenantKey: TenantKey,
		Scopes: viewer.AllScopes()})
	onboarding := client.Customer.Query().Where(customer.ExternalReferenceHasPrefix(onboardingReferencePrefix))
	pending, err := onboarding.Clone().Where(customer.StatusEQ(customer.StatusPENDING_VERIFICATION)).WithPerson().First(ctx)
	if err == nil && pending.Edges.Person != nil {
		return OnboardingCustomer{CustomerID: pending.ID, PersonID: pending.Edges.Person.ID}, nil
	}
	if err != nil && !ent.IsNotFound(err) {
		return OnboardingCustomer{}, err
	}
	n, err := onboarding.Count(ctx)
	if err != nil {
		return OnboardingCustomer{}, err
	}
	body := bytes.ReplaceAll(individualBody, []byte("marcus.jensen@example.com"), fmt.Appendf(nil, "onboarding.demo+%d@example.com", n+1))
	var input map[string]any
	if err := json.Unmarshal(body, &input); err != nil {
		return OnboardingCustomer{}, err
	}
	input["externalReference"] = fmt.Sprintf("%s%d", onboardingReferencePrefix, n+1)
	req, err := json.Marshal(map[string]any{
		"query":     `mutation($input: RegisterIndividualInput!) { registerIndividual(input: $input) { customer { id person { id } } } }`,
		"variables": map[string]any{"input": input},
	})
	if err != nil {
		return OnboardingCustomer{}, err
	}
	r := httptest.NewRequestWithContext(ctx, http.MethodPost, "/graphql", bytes.NewReader(req))
	r.Header.Set("Content-Type", "application/json")
	w := httptest.NewRecorder()
	api.ServeHTTP(w, r)
	var resp struct {
		Data struct {
			RegisterIndividual *struct {
				Customer struct {
					ID     string
					Person struct{ ID string }
				}
			}
		}
		Errors []struct{ Message string }
	}
	if err := json.Unmarshal(w.Body.Bytes(), &resp); err != nil || resp.Data.RegisterIndividual == nil {
		return OnboardingCustomer{}, fmt.Errorf("demo: registering the onboarding customer: %s", w.Body.String())
	}
	c := resp.Data.RegisterIndividual.Customer
	return OnboardingCustomer{CustomerID: c.ID, PersonID: c.Person.ID}, nil
}
