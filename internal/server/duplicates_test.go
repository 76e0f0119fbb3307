package server_test

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"onboard/ent"
	"onboard/ent/customer"
	"onboard/ent/organization"
	"onboard/ent/possibleduplicate"
	"onboard/ent/privacy"
	"onboard/ent/tenant"
	"onboard/internal/demo"
	"onboard/internal/testutil"
	"onboard/schema/schematype"
)

// Duplicate detection (issue 16, part 5), end to end: a registration that
// looks like an existing customer of the tenant is flagged (FLAG, the
// default: registered, with possibleDuplicates on the payload and the
// customer) or refused (REJECT: CONFLICT POSSIBLE_DUPLICATE naming the
// customer), by the rules of internal/registration/duplicates.go.

const registerIndividualDuplicates = `mutation($input: RegisterIndividualInput!) {
  registerIndividual(input: $input) {
    id
    possibleDuplicates { rule customer { id name person { firstName lastName } } }
    customer { id possibleDuplicates { rule customer { id } } }
  }
}`

const registerOrganizationDuplicates = `mutation($input: RegisterOrganizationInput!) {
  registerOrganization(input: $input) {
    id
    possibleDuplicates { rule customer { id organization { registrationNumber } } }
  }
}`

const validateIndividualDuplicates = `mutation($input: RegisterIndividualInput!) {
  validateIndividualRegistration(input: $input) { valid }
}`

// duplicateMatch is a decoded PossibleDuplicate.
type duplicateMatch struct {
	Rule     string
	Customer struct {
		ID, Name string
		Person   *struct{ FirstName, LastName string }
	}
}

// matches renders a list of matches as "rule:customer" strings, in order.
func matches(list []duplicateMatch) string {
	out := make([]string, len(list))
	for i, m := range list {
		out[i] = m.Rule + ":" + m.Customer.ID
	}
	return strings.Join(out, " ")
}

// duplicatePerson is the FinHub individual with its own login (n) and the
// given names, date of birth, phone (nil: none) and document numbers.
func duplicatePerson(t *testing.T, n int, first, last, dob string, phone any, documents ...string) map[string]any {
	t.Helper()
	email := fmt.Sprintf("person%d@example.com", n)
	docs := make([]any, len(documents))
	for i, d := range documents {
		docs[i] = map[string]any{"type": "PASSPORT", "number": d, "issuingCountry": "LT"}
	}
	return fixtureWith(t, "finhub-individual.json", map[string]any{
		"email": email, "firstName": nil, "lastName": nil, "phone": phone,
		"individualCustomer.customerName":             nil,
		"individualCustomer.user.username":            email,
		"individualCustomer.user.email":               email,
		"individualCustomer.person.email":             email,
		"individualCustomer.person.firstName":         first,
		"individualCustomer.person.lastName":          last,
		"individualCustomer.person.dateOfBirth":       dob,
		"individualCustomer.person.contacts":          nil,
		"individualCustomer.person.identityDocuments": docs,
	})
}

// duplicateOrganization is the FinHub organization with its own logins and
// reference (n), the given registration number, tax id (nil: none) and
// country.
func duplicateOrganization(t *testing.T, n int, registrationNumber string, taxID any, country string) map[string]any {
	t.Helper()
	email := fmt.Sprintf("admin%d@org.example.com", n)
	return fixtureWith(t, "finhub-organization.json", map[string]any{
		"email":                                                     email,
		"organizationCustomer.user.username":                        email,
		"organizationCustomer.user.email":                           email,
		"organizationCustomer.organization.email":                   email,
		"organizationCustomer.organization.registrationNumber":      registrationNumber,
		"organizationCustomer.organization.taxId":                   taxID,
		"organizationCustomer.organization.addresses.0.country":     country,
		"organizationCustomer.organization.representatives.0.email": fmt.Sprintf("director%d@org.example.com", n),
	})
}

// setDuplicatePolicy sets the tenant's policy directly (updateTenantSettings
// is another part's).
func (e *registrationEnv) setDuplicatePolicy(t *testing.T, policy string) {
	t.Helper()
	ctx := privacy.DecisionContext(e.As(e.tenantID), privacy.Allow) // tenants are changed by operators
	e.Client().Tenant.Update().Where(tenant.ID(e.tenantID)).SetDuplicatePolicy(tenant.DuplicatePolicy(policy)).ExecX(ctx)
}

// registerDuplicate registers input and returns its id and its matches as
// the payload and the payload's customer show them (which must agree).
func (e *registrationEnv) registerDuplicate(t *testing.T, input map[string]any) (string, string) {
	t.Helper()
	var got struct {
		RegisterIndividual struct {
			ID                 string
			PossibleDuplicates []duplicateMatch
			Customer           struct {
				ID                 string
				PossibleDuplicates []duplicateMatch
			}
		}
	}
	e.mutate(registerIndividualDuplicates, input).Into(t, &got)
	p := got.RegisterIndividual
	if a, b := matches(p.PossibleDuplicates), matches(p.Customer.PossibleDuplicates); a != b {
		t.Errorf("the payload's possibleDuplicates %q, its customer's %q", a, b)
	}
	return p.ID, matches(p.PossibleDuplicates)
}

// duplicateRows counts the tenant's possible_duplicates rows of customerID.
func (e *registrationEnv) duplicateRows(t *testing.T, customerID string) int {
	t.Helper()
	return e.Client().PossibleDuplicate.Query().Where(possibleduplicate.CustomerID(customerID)).CountX(e.As(e.tenantID))
}

func TestDuplicateIndividualsAreFlagged(t *testing.T) {
	env := newRegistrationEnv(t)
	first, _ := env.registerDuplicate(t, duplicatePerson(t, 1, "Marcus", "Jensen", "1990-05-15", "+37060012345", "LT 123-4567"))

	cases := []struct {
		name  string
		input map[string]any
		want  string // rule:customer, "" for none
	}{
		{"the same document, written otherwise, another phone",
			duplicatePerson(t, 2, "MARCUS", "Jénsen", "1990-05-15", "+37060099999", "lt1234567"),
			"PERSON_NAME_BIRTH_DATE_DOCUMENT:" + first},
		{"the same phone, no document",
			duplicatePerson(t, 3, "  marcus ", "jensen", "1990-05-15", "+370 600 12345"),
			"PERSON_NAME_BIRTH_DATE_PHONE:" + first},
		{"another date of birth", duplicatePerson(t, 4, "Marcus", "Jensen", "1990-05-16", "+37060012345", "LT1234567"), ""},
		{"another last name", duplicatePerson(t, 5, "Marcus", "Jansen", "1990-05-15", "+37060012345", "LT1234567"), ""},
		{"another document and phone", duplicatePerson(t, 6, "Marcus", "Jensen", "1990-05-15", "+37060077777", "LT7654321"), ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			id, got := env.registerDuplicate(t, c.input)
			want(t, "possibleDuplicates", got, c.want)
			n := 0
			if c.want != "" {
				n = 1
			}
			want(t, "possible_duplicates rows", env.duplicateRows(t, id), n)
		})
	}

	// Both rules against one customer are two matches; and every earlier
	// registration that matches is listed, oldest first.
	id, got := env.registerDuplicate(t, duplicatePerson(t, 7, "Marcus", "Jensen", "1990-05-15", "+37060012345", "LT-1234567"))
	if !strings.HasPrefix(got, "PERSON_NAME_BIRTH_DATE_DOCUMENT:"+first+" PERSON_NAME_BIRTH_DATE_PHONE:"+first+" ") {
		t.Errorf("possibleDuplicates %q: want both rules against %s first", got, first)
	}
	if rows := env.duplicateRows(t, id); rows != strings.Count(got, ":") {
		t.Errorf("%d rows for %q", rows, got)
	}

	// The customer reads its duplicates through customers as well, with the
	// existing customer's own fields.
	var read struct {
		Customers struct {
			Edges []struct {
				Node struct {
					ID                 string
					PossibleDuplicates []duplicateMatch
				}
			}
		}
	}
	env.Do(testutil.Request{Token: env.token, TenantKey: "acme", Query: `{ customers(first: 20) { edges { node {
		id possibleDuplicates { rule customer { id name person { firstName lastName } } } } } } }`}).Into(t, &read)
	for _, e := range read.Customers.Edges {
		if e.Node.ID != id {
			continue
		}
		m := e.Node.PossibleDuplicates
		if len(m) == 0 || m[0].Customer.ID != first || m[0].Customer.Person == nil || m[0].Customer.Person.LastName != "Jensen" {
			t.Errorf("customers: possibleDuplicates %+v", m)
		}
	}
}

func TestDuplicatesCountOnlyCustomersOfTheTenant(t *testing.T) {
	env := newRegistrationEnv(t)
	// Another tenant's customer, identical.
	otherID := env.Tenant("other")
	if err := demo.SeedCatalog(env.As(otherID), env.Client()); err != nil {
		t.Fatal(err)
	}
	other := env.Do(testutil.Request{Token: env.Token([]string{"other"}, "customers:register", "customers:read"), TenantKey: "other",
		Query: registerIndividualDuplicates, Variables: map[string]any{"input": duplicatePerson(t, 1, "Marcus", "Jensen", "1990-05-15", "+37060012345", "LT1234567")}})
	if len(other.Errors) > 0 {
		t.Fatalf("other tenant: %s", other.Raw)
	}
	// A representative of an organization of this tenant, identical: a
	// representative is no individual customer.
	org := duplicateOrganization(t, 1, "REG-1", nil, "LT")
	set(t, org, "organizationCustomer.organization.representatives.0.firstName", "Marcus")
	set(t, org, "organizationCustomer.organization.representatives.0.lastName", "Jensen")
	set(t, org, "organizationCustomer.organization.representatives.0.dateOfBirth", "1990-05-15")
	set(t, org, "organizationCustomer.organization.representatives.0.phone", "+37060012345")
	if r := env.mutate(registerOrganizationDuplicates, org); len(r.Errors) > 0 {
		t.Fatalf("organization: %s", r.Raw)
	}
	_, got := env.registerDuplicate(t, duplicatePerson(t, 2, "Marcus", "Jensen", "1990-05-15", "+37060012345", "LT1234567"))
	want(t, "possibleDuplicates", got, "")
}

func TestDuplicateOrganizationsAreFlagged(t *testing.T) {
	env := newRegistrationEnv(t)
	register := func(input map[string]any) (string, string) {
		t.Helper()
		var got struct {
			RegisterOrganization struct {
				ID                 string
				PossibleDuplicates []duplicateMatch
			}
		}
		env.mutate(registerOrganizationDuplicates, input).Into(t, &got)
		return got.RegisterOrganization.ID, matches(got.RegisterOrganization.PossibleDuplicates)
	}
	first, _ := register(duplicateOrganization(t, 1, "HRB 123-45", "LT100001", "LT"))

	// The registration number as written is unique: ALREADY_EXISTS, before
	// any duplicate rule.
	r := env.mutate(registerOrganizationDuplicates, duplicateOrganization(t, 2, "HRB 123-45", nil, "LT"))
	if len(r.Errors) != 1 || r.Errors[0].Reason() != "ALREADY_EXISTS" {
		t.Fatalf("the same registration number: %s", r.Raw)
	}
	for _, c := range []struct {
		name  string
		input map[string]any
		want  string
	}{
		{"the same number written otherwise, same country", duplicateOrganization(t, 3, "hrb12345", "LT999", "Lithuania"),
			"ORGANIZATION_REGISTRATION_NUMBER_COUNTRY:" + first},
		{"the same number in another country", duplicateOrganization(t, 4, "HRB-12345", "LT998", "DE"), ""},
		{"the same tax id written otherwise", duplicateOrganization(t, 5, "HRB 999", "lt 100-001", "DE"), "ORGANIZATION_TAX_ID:" + first},
	} {
		t.Run(c.name, func(t *testing.T) {
			id, got := register(c.input)
			want(t, "possibleDuplicates", got, c.want)
			if rows := env.duplicateRows(t, id); rows != strings.Count(c.want, ":") {
				t.Errorf("%d possible_duplicates rows", rows)
			}
		})
	}
}

func TestDuplicatesRejected(t *testing.T) {
	env := newRegistrationEnv(t)
	first, _ := env.registerDuplicate(t, duplicatePerson(t, 1, "Marcus", "Jensen", "1990-05-15", "+37060012345", "LT1234567"))
	org, _ := env.registerDuplicateOrganization(t, duplicateOrganization(t, 1, "HRB 123-45", "LT100001", "LT"))
	env.setDuplicatePolicy(t, schematype.DuplicatePolicyReject)
	customers, persons, users := env.count(t)

	input := duplicatePerson(t, 2, "Marcus", "Jensen", "1990-05-15", "+37060012345", "X1", "lt-1234567")
	for _, query := range []string{registerIndividualDuplicates, validateIndividualDuplicates} {
		r := env.mutate(query, input)
		if len(r.Errors) != 2 {
			t.Fatalf("%d errors, want one per match: %s", len(r.Errors), r.Raw)
		}
		for i, f := range []string{"individualCustomer.person.identityDocuments.1.number", "phone"} {
			e := r.Errors[i]
			want(t, "code", e.Code(), "CONFLICT")
			want(t, "reason", e.Reason(), "POSSIBLE_DUPLICATE")
			want(t, "field", e.Field(), f)
			want(t, "existingCustomerId", e.Extensions["existingCustomerId"], first)
			if !strings.Contains(e.Message, first) {
				t.Errorf("the message %q does not name %s", e.Message, first)
			}
		}
	}
	c, p, u := env.count(t)
	want(t, "counts after the refusal", []int{c, p, u}, []int{customers, persons, users})

	r := env.mutate(registerOrganizationDuplicates, duplicateOrganization(t, 2, "hrb12345", "LT100001", "LT"))
	if len(r.Errors) != 2 {
		t.Fatalf("organization: %s", r.Raw)
	}
	for i, f := range []string{"organizationCustomer.organization.registrationNumber", "organizationCustomer.organization.taxId"} {
		want(t, "field", r.Errors[i].Field(), f)
		want(t, "reason", r.Errors[i].Reason(), "POSSIBLE_DUPLICATE")
		want(t, "existingCustomerId", r.Errors[i].Extensions["existingCustomerId"], org)
	}

	// What looks like no one registers as ever.
	if _, got := env.registerDuplicate(t, duplicatePerson(t, 3, "Marcus", "Jensen", "1991-05-15", "+37060012345")); got != "" {
		t.Errorf("possibleDuplicates %q", got)
	}
}

// registerDuplicateOrganization registers input and returns its id and
// matches.
func (e *registrationEnv) registerDuplicateOrganization(t *testing.T, input map[string]any) (string, string) {
	t.Helper()
	var got struct {
		RegisterOrganization struct {
			ID                 string
			PossibleDuplicates []duplicateMatch
		}
	}
	e.mutate(registerOrganizationDuplicates, input).Into(t, &got)
	return got.RegisterOrganization.ID, matches(got.RegisterOrganization.PossibleDuplicates)
}

const validateOrganizationDuplicates = `mutation($input: RegisterOrganizationInput!) {
  validateOrganizationRegistration(input: $input) { valid }
}`

// TestErasedCustomersAreNotDuplicates: under REJECT the dry runs refuse a
// copy of an individual and of an organization, and accept both once the
// originals' personal data is erased (a person keeps no date of birth; an
// erased organization keeps its registration number, and is left out by
// its erasedAt).
func TestErasedCustomersAreNotDuplicates(t *testing.T) {
	env := newRegistrationEnv(t)
	person, _ := env.registerDuplicate(t, duplicatePerson(t, 1, "Marcus", "Jensen", "1990-05-15", "+37060012345", "LT1234567"))
	org, _ := env.registerDuplicateOrganization(t, duplicateOrganization(t, 1, "HRB 123-45", "LT100001", "LT"))
	env.setDuplicatePolicy(t, schematype.DuplicatePolicyReject)
	copies := map[string]map[string]any{
		validateIndividualDuplicates:   duplicatePerson(t, 2, "Marcus", "Jensen", "1990-05-15", "+37060012345", "LT1234567"),
		validateOrganizationDuplicates: duplicateOrganization(t, 2, "hrb12345", "LT100001", "LT"),
	}
	reasons := func() string {
		var out []string
		for query, input := range copies {
			for _, e := range env.mutate(query, input).Errors {
				out = append(out, e.Reason())
			}
		}
		return strings.Join(out, " ")
	}
	want(t, "before the erasure", reasons(), strings.Repeat("POSSIBLE_DUPLICATE ", 4)[:4*len("POSSIBLE_DUPLICATE ")-1])

	decider := env.Token([]string{"acme"}, "customers:decide", "customers:read")
	for _, id := range []string{person, org} {
		env.Client().Customer.UpdateOneID(id).SetStatus(customer.StatusCLOSED).ExecX(env.As(env.tenantID))
		r := env.Do(testutil.Request{Token: decider, TenantKey: "acme", Query: eraseMutation,
			Variables: map[string]any{"input": map[string]any{"customerId": id, "reason": "GDPR_REQUEST"}}})
		if len(r.Errors) > 0 {
			t.Fatalf("erasing %s: %s", id, r.Raw)
		}
	}
	want(t, "after the erasure", reasons(), "")
}

// TestConcurrentDuplicates releases racers registrations of one person at
// once. Under REJECT exactly one registers and every other is refused as
// its possible duplicate; under FLAG all register and each one is flagged
// against every one that committed before it (at most ten), so the rows
// are 0 + 1 + … + 9 + 10 × (racers − 10). Without the lock of
// recheckDuplicates, PostgreSQL lets several pass, or flags too few.
func TestConcurrentDuplicates(t *testing.T) {
	for _, policy := range []string{schematype.DuplicatePolicyReject, schematype.DuplicatePolicyFlag} {
		t.Run(policy, func(t *testing.T) {
			// Every racer hashes at once, so their transactions overlap.
			env := newRegistrationEnvWith(t, testutil.Options{HashConcurrency: racers})
			env.setDuplicatePolicy(t, policy)
			reqs := make([]testutil.Request, racers)
			for i := range reqs {
				reqs[i] = testutil.Request{Token: env.token, TenantKey: "acme", Query: registerIndividualDuplicates,
					Variables: map[string]any{"input": duplicatePerson(t, i, "Marcus", "Jensen", "1990-05-15", nil, "LT1234567")}}
			}
			// A refusal naming several earlier customers (the racers
			// that committed before it) counts as one refusal.
			reasons := regexp.MustCompile(`"reason":"([A-Z_]+)"`)
			outcomes := map[raceOutcome]int{}
			for _, o := range race(t, env.Env, reqs) {
				if m := reasons.FindAllStringSubmatch(string(o), -1); len(m) > 1 &&
					!slices.ContainsFunc(m, func(r []string) bool { return r[1] != "POSSIBLE_DUPLICATE" }) {
					o = "CONFLICT POSSIBLE_DUPLICATE"
				}
				outcomes[o]++
			}
			customers, _, _ := env.count(t)
			rows := env.Client().PossibleDuplicate.Query().CountX(env.As(env.tenantID))
			if policy == schematype.DuplicatePolicyReject {
				want(t, "outcomes", outcomes, map[raceOutcome]int{"OK": 1, "CONFLICT POSSIBLE_DUPLICATE": racers - 1})
				want(t, "customers", customers, 1)
				want(t, "possible_duplicates", rows, 0)
				return
			}
			want(t, "outcomes", outcomes, map[raceOutcome]int{"OK": racers})
			want(t, "customers", customers, racers)
			want(t, "possible_duplicates", rows, 45+10*(racers-10))
		})
	}
}

// TestDuplicateKeysFollowTheirNumbers: the stored keys the organization
// search compares follow the numbers through an update (a changed tax id
// matches, the old one no longer does; a removed tax id clears its key)
// and an erasure (the tax id and its key are cleared).
func TestDuplicateKeysFollowTheirNumbers(t *testing.T) {
	env := newRegistrationEnv(t)
	org, _ := env.registerDuplicateOrganization(t, duplicateOrganization(t, 1, "HRB 123-45", "LT100001", "LT"))
	stored := func() *ent.Organization {
		return env.Client().Organization.Query().Where(organization.HasCustomerWith(customer.ID(org))).OnlyX(env.As(env.tenantID))
	}
	keys := func() string {
		o := stored()
		k := func(s *string) string {
			if s == nil {
				return "null"
			}
			return *s
		}
		return k(o.RegistrationNumberKey) + " " + k(o.TaxIDKey)
	}
	want(t, "registered", keys(), "HRB12345 LT100001")
	env.setDuplicatePolicy(t, schematype.DuplicatePolicyReject)
	taxMatches := func(taxID string) string {
		var out []string
		for _, e := range env.mutate(validateOrganizationDuplicates, duplicateOrganization(t, 2, "OTHER-1", taxID, "DE")).Errors {
			out = append(out, e.Reason()+" "+e.Field())
		}
		return strings.Join(out, ", ")
	}
	want(t, "before the update", taxMatches("lt-100001"), "POSSIBLE_DUPLICATE organizationCustomer.organization.taxId")

	if r := env.update(updateOrganization, map[string]any{"customerId": org, "expectedVersion": 1,
		"organization": map[string]any{"taxId": "lt 200-002", "registrationNumber": "hrb-999"}}); len(r.Errors) > 0 {
		t.Fatalf("updating: %s", r.Raw)
	}
	want(t, "updated", keys(), "HRB999 LT200002")
	want(t, "the new tax id", taxMatches("LT200002"), "POSSIBLE_DUPLICATE organizationCustomer.organization.taxId")
	want(t, "the old tax id", taxMatches("LT100001"), "")

	if r := env.update(updateOrganization, map[string]any{"customerId": org, "expectedVersion": 2,
		"organization": map[string]any{"taxId": ""}}); len(r.Errors) > 0 {
		t.Fatalf("clearing the tax id: %s", r.Raw)
	}
	want(t, "tax id cleared", keys(), "HRB999 null")
	if r := env.update(updateOrganization, map[string]any{"customerId": org, "expectedVersion": 3,
		"organization": map[string]any{"taxId": "LT300003"}}); len(r.Errors) > 0 {
		t.Fatalf("setting the tax id again: %s", r.Raw)
	}

	decider := env.Token([]string{"acme"}, "customers:decide", "customers:read")
	env.Client().Customer.UpdateOneID(org).SetStatus(customer.StatusCLOSED).ExecX(env.As(env.tenantID))
	if r := env.Do(testutil.Request{Token: decider, TenantKey: "acme", Query: eraseMutation,
		Variables: map[string]any{"input": map[string]any{"customerId": org, "reason": "GDPR_REQUEST"}}}); len(r.Errors) > 0 {
		t.Fatalf("erasing: %s", r.Raw)
	}
	if o := stored(); o.TaxID != "" || o.TaxIDKey != nil {
		t.Errorf("after the erasure: tax id %q, key %v; want both cleared", o.TaxID, o.TaxIDKey)
	}
}
