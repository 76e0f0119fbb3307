package demo

import (
	"bytes"
	_ "embed"
	"encoding/json"
)

// Example is an operation a newcomer can run against the demo tenant as it
// is: the development server opens each one in its own GraphiQL tab.
// It is plain data so that a test can validate every operation against the
// executable schema, and a tab can never drift from it.
type Example struct {
	// Title labels the tab.
	Title string
	// Description, optional, tells what to do with the tab (shown under
	// the title as comment lines of the query).
	Description string
	// Query is a GraphQL document with one named operation.
	Query string
	// Variables is a JSON object as text ("" when the operation has none).
	Variables string
}

// The FinHub bodies the registration examples send unchanged. They are
// copies of testdata/finhub-individual.json and
// testdata/finhub-organization-categorized.json (an embedded file cannot
// live outside its package's directory); a test keeps them equal.
var (
	//go:embed examples/finhub-individual.json
	individualBody []byte
	//go:embed examples/finhub-organization-categorized.json
	organizationBody []byte
)

// RegisterIndividualQuery registers a FinHub individual body given as
// $input and reads back the customer's graph.
const RegisterIndividualQuery = `mutation RegisterIndividual($input: RegisterIndividualInput!) {
  registerIndividual(input: $input) {
    id
    status
    idempotentReplay
    user { username status roles { code } }
    customer {
      id
      type
      name
      category { code name }
      person {
        firstName
        lastName
        nationality
        addresses { type city country isPrimary }
        contacts { type value }
      }
      features { code parameters { name value source } }
    }
  }
}`

// RegisterOrganizationQuery registers a FinHub organization body given as
// $input and reads back the organization's people and features.
const RegisterOrganizationQuery = `mutation RegisterOrganization($input: RegisterOrganizationInput!) {
  registerOrganization(input: $input) {
    id
    organizationId
    status
    directors { position person { firstName lastName } }
    shareholders { ownershipShare isBeneficialOwner person { firstName lastName } }
    employees { department user { email } roles { code } }
    customer {
      id
      name
      category { code name }
      organization { legalName registrationNumber businessType addresses { city country } }
      features { code parameters { name value source } }
    }
  }
}`

// CustomersQuery is the deep read a BI client makes: a page of customers
// with their person or organization, representatives, category and the
// features frozen at registration.
const CustomersQuery = `query Customers {
  customers(first: 10) {
    edges {
      node {
        id
        type
        name
        person { firstName addresses { country } }
        organization {
          legalName
          representatives { position person { lastName } }
        }
        category { code }
        features { code parameters { name value source } }
      }
    }
    pageInfo { hasNextPage endCursor }
    totalCount
  }
}`

// Examples returns the demo's example operations, in tab order; the
// onboarding tab activates onboarding (EnsureOnboardingCustomer).
func Examples(onboarding OnboardingCustomer) []Example {
	return []Example{
		{Title: "Register an individual (FinHub body, unchanged)", Query: RegisterIndividualQuery, Variables: inputVariables(individualBody)},
		{Title: "Register an organization with a risk category", Query: RegisterOrganizationQuery, Variables: inputVariables(organizationBody)},
		{Title: "Onboard the FinHub individual: verify, consent, activate", Query: OnboardingQuery, Variables: onboardingVariables(onboarding)},
		{Title: "Customers and their graph (BI read)", Query: CustomersQuery},
		{Title: "The category tree with its features", Query: CategoryTreeQuery},
		{Title: "Customer statistics for a dashboard", Query: CustomerStatsQuery},
		{Title: "Subscribe to events", Description: WatchCustomerEventsDescription, Query: WatchCustomerEventsQuery},
	}
}

// WatchCustomerEventsQuery follows the demo tenant's events as they commit,
// over a websocket: the playground's one subscription. It runs until it is
// stopped, showing the latest event.
const WatchCustomerEventsQuery = `subscription WatchCustomerEvents {
  customerEvents {
    id
    type
    customer { id }
    changes { field before after }
  }
}`

// WatchCustomerEventsDescription tells the explorer that the tab waits: the
// events come from changes made elsewhere.
const WatchCustomerEventsDescription = "Click ▶ and this tab waits for the demo tenant's events (▶ again stops it). " +
	"Then run a registration in another tab (RegisterOrganization, or RegisterIndividual with another e-mail) " +
	"or OnboardToActive: each change's event appears here as it commits. Personal values are masked without pii:read."

// CategoryTreeQuery is the categorization hierarchy: the root categories
// of each type, their children, and the features each applies.
const CategoryTreeQuery = `query CategoryTree {
  categoryTree {
    code
    name
    customerType
    riskLevel
    isDefault
    children { code name }
    featureRelations {
      enabled
      parametrization { name value }
      feature { code parameters { name type allowedValues min max defaultValue } }
    }
  }
}`

// CustomerStatsQuery counts the customers for a dashboard, grouped in SQL.
const CustomerStatsQuery = `query CustomerStats {
  byType: customerStats(groupBy: [TYPE, STATUS]) { type status count }
  byRisk: customerStats(groupBy: [RISK_LEVEL, COUNTRY]) { riskLevel country count }
  byMonth: customerStats(groupBy: [CREATED_MONTH]) { createdMonth count }
}`

// inputVariables renders {"input": body}, indented for the variables editor.
func inputVariables(body []byte) string {
	doc, err := json.Marshal(map[string]json.RawMessage{"input": body})
	if err != nil {
		panic("demo: an embedded example body is not JSON: " + err.Error())
	}
	var buf bytes.Buffer
	if err := json.Indent(&buf, doc, "", "  "); err != nil {
		panic("demo: indenting an example body: " + err.Error())
	}
	return buf.String()
}
