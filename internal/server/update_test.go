package server_test

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"testing"

	"onboard/ent"
	"onboard/ent/customer"
	"onboard/ent/customerevent"
	"onboard/ent/customerfeature"
	"onboard/ent/organization"
	"onboard/ent/representative"
	"onboard/internal/apperr"
	"onboard/internal/apperr/vocab"
	"onboard/internal/catalog"
	"onboard/internal/registration"
	"onboard/internal/testutil"
	"onboard/internal/viewer"
	"onboard/schema/schematype"
)

const updateIndividual = `mutation U($input: UpdateIndividualInput!) {
	updateIndividual(input: $input) { customer { id version name externalReference tags category { code } features { code } } }
}`

const updateOrganization = `mutation U($input: UpdateOrganizationInput!) {
	updateOrganization(input: $input) { customer { id version name organization { legalName tradingName phone email } } }
}`

// update sends query with input under the back office's token.
func (e *registrationEnv) update(query string, input map[string]any) *testutil.Response {
	return e.Do(testutil.Request{Token: e.manager, TenantKey: "acme", Query: query, Variables: map[string]any{"input": input}})
}

// storedCustomer reads a customer with its person's or organization's
// rows straight from the database.
func (e *registrationEnv) storedCustomer(t *testing.T, id string) *ent.Customer {
	t.Helper()
	return e.Client().Customer.Query().Where(customer.ID(id)).
		WithCategory().
		WithFeatures(func(q *ent.CustomerFeatureQuery) { q.Order(customerfeature.ByCode()) }).
		WithPerson(func(q *ent.PersonQuery) { q.WithAddresses().WithContacts().WithIdentityDocuments() }).
		WithOrganization(func(q *ent.OrganizationQuery) { q.WithAddresses().WithContacts() }).
		OnlyX(e.As(e.tenantID))
}

// registerFinHubIndividual registers the FinHub individual and returns its
// customer as stored.
func (e *registrationEnv) registerFinHubIndividual(t *testing.T) *ent.Customer {
	t.Helper()
	var got registered
	e.register(testutil.Fixture(t, "finhub-individual.json")).Into(t, &got)
	return e.storedCustomer(t, got.RegisterIndividual.ID)
}

func contactOf(c *ent.Customer, typ string) *ent.Contact {
	for _, ct := range c.Edges.Person.Edges.Contacts {
		if string(ct.Type) == typ {
			return ct
		}
	}
	return nil
}

// TestUpdateIndividualEveryField changes every kind of field at once and
// reads each back, with the one customer.updated event it appends.
func TestUpdateIndividualEveryField(t *testing.T) {
	env := newRegistrationEnv(t)
	c := env.registerFinHubIndividual(t)
	home := c.Edges.Person.Edges.Addresses[0]
	phone := contactOf(c, "PHONE")
	email := contactOf(c, "EMAIL")

	var got struct {
		UpdateIndividual struct {
			Customer struct {
				ID, Name          string
				Version           int
				ExternalReference *string
				Tags              []string
				Category          struct{ Code string }
			}
		}
	}
	env.update(updateIndividual, map[string]any{
		"customerId": c.ID, "expectedVersion": 1,
		"customerName": "Marcus J. Smith", "externalReference": "ext-42", "tags": []any{"vip", "vip", "eu"},
		"person": map[string]any{
			"firstName": "Marcus", "middleName": "J.", "lastName": "Smith", "email": "marcus@example.org",
			"phone": "+37060099999", "dateOfBirth": "1991-06-16", "gender": "OTHER", "nationality": "LV", "placeOfBirth": "Riga",
		},
		"addresses": map[string]any{
			"change": []any{map[string]any{"id": home.ID, "street": "1 New Street", "isPrimary": false}},
			"add":    []any{map[string]any{"type": "WORK", "street": "2 Office Road", "city": "Tallinn", "country": "EE", "isPrimary": true}},
		},
		"contacts": map[string]any{
			"change": []any{map[string]any{"id": email.ID, "value": "Marcus@Example.org"}},
			"remove": []any{phone.ID},
			"add":    []any{map[string]any{"type": "MOBILE", "value": "+37060011111", "isPrimary": true}},
		},
		"identityDocuments": map[string]any{"add": []any{map[string]any{"type": "PASSPORT", "number": "P1234567", "issuingCountry": "LT"}}},
	}).Into(t, &got)
	out := got.UpdateIndividual.Customer
	want(t, "version", out.Version, 2)
	want(t, "name", out.Name, "Marcus J. Smith")
	want(t, "external reference", *out.ExternalReference, "ext-42")
	want(t, "tags", out.Tags, []string{"vip", "eu"})
	want(t, "country follows the primary address", env.storedCustomer(t, c.ID).Country, "EE")

	after := env.storedCustomer(t, c.ID)
	p := after.Edges.Person
	want(t, "person", fmt.Sprint(p.FirstName, "|", p.MiddleName, "|", p.LastName, "|", p.Email, "|", p.Phone, "|",
		p.DateOfBirth.Format("2006-01-02"), "|", *p.Gender, "|", p.Nationality, "|", p.PlaceOfBirth),
		"Marcus|J.|Smith|marcus@example.org|+37060099999|1991-06-16|OTHER|LV|Riga")
	var addresses []string
	for _, a := range p.Edges.Addresses {
		addresses = append(addresses, fmt.Sprint(a.ID == home.ID, " ", a.Type, " ", a.Street, " ", a.Country, " ", a.IsPrimary))
	}
	sort.Strings(addresses)
	want(t, "addresses", addresses, []string{"false WORK 2 Office Road EE true", "true HOME 1 New Street LT false"})
	var contacts []string
	for _, ct := range p.Edges.Contacts {
		contacts = append(contacts, fmt.Sprint(ct.Type, " ", ct.Value, " ", ct.IsPrimary))
	}
	sort.Strings(contacts)
	want(t, "contacts", contacts, []string{"EMAIL marcus@example.org true", "MOBILE +37060011111 true"})
	want(t, "documents", len(p.Edges.IdentityDocuments) == 1 && p.Edges.IdentityDocuments[0].Number == "P1234567", true)

	evs := env.events(t, c.ID)
	if len(evs) != 2 || evs[1].Type != schematype.EventCustomerUpdated {
		t.Fatalf("events: %+v", evs)
	}
	changes := changesOf(evs[1])
	for _, line := range []string{
		"name: Marcus Jensen → Marcus J. Smith (personal)",
		"externalReference: nil → ext-42\n",
		"tags: nil → vip,eu\n",
		"country: LT → EE\n",
		"person.lastName: Jensen → Smith (personal)",
		"person.dateOfBirth: 1990-05-15 → 1991-06-16 (personal)",
		"addresses." + home.ID + ".street: 123 Medium Risk Street → 1 New Street (personal)",
		"addresses." + home.ID + ".isPrimary: true → false\n",
		"contacts." + email.ID + ".value: marcus.jensen@example.com → marcus@example.org (personal)",
		"contacts." + phone.ID + ".value: +37060012345 → nil (personal)",
		".number: nil → P1234567 (personal)",
	} {
		if !strings.Contains(changes, line) {
			t.Errorf("the event's changes lack %q:\n%s", line, changes)
		}
	}
	want(t, "actor", evs[1].Actor, "test")
}

// TestUpdateIndividualProblemsAtOnce: every problem of an update comes back
// at once on its path inside the input, and nothing is written.
func TestUpdateIndividualProblemsAtOnce(t *testing.T) {
	env := newRegistrationEnv(t)
	c := env.registerFinHubIndividual(t)
	home := c.Edges.Person.Edges.Addresses[0]
	assertProblems(t, env.update(updateIndividual, map[string]any{
		"customerId": c.ID, "expectedVersion": 1,
		"customerName": " ",
		"tags":         []any{"ok", ""},
		"category":     map[string]any{"code": "NO_SUCH_CATEGORY"},
		"person":       map[string]any{"firstName": "", "email": "not-an-email", "dateOfBirth": "2999-01-01", "nationality": "XX"},
		"addresses": map[string]any{
			"change": []any{map[string]any{"id": "adr_01XXXXXXXXXXXXXXXXXXXXXXXX", "city": "X"}, map[string]any{"id": home.ID, "country": "Nowhere"}},
			"add":    []any{map[string]any{"street": "x", "city": "", "country": "LT", "isPrimary": true}},
		},
		"contacts":          map[string]any{"remove": []any{"con_01XXXXXXXXXXXXXXXXXXXXXXXX"}, "add": []any{map[string]any{"type": "FAX", "value": "abc"}}},
		"identityDocuments": map[string]any{"add": []any{map[string]any{"type": "BADGE", "number": ""}}},
	}), map[string]string{
		"customerName":                   "REQUIRED",
		"tags.1":                         "REQUIRED",
		"category.code":                  "NOT_FOUND",
		"person.firstName":               "REQUIRED",
		"person.email":                   "INVALID_EMAIL",
		"person.dateOfBirth":             "DATE_IN_FUTURE",
		"person.nationality":             "UNKNOWN_COUNTRY",
		"addresses.change.0.id":          "NOT_FOUND",
		"addresses.change.1.country":     "UNKNOWN_COUNTRY",
		"addresses.add.0.isPrimary":      "MULTIPLE_PRIMARY",
		"addresses.add.0.city":           "REQUIRED",
		"contacts.remove.0":              "NOT_FOUND",
		"contacts.add.0.value":           "INVALID_PHONE",
		"identityDocuments.add.0.type":   "INVALID_VALUE",
		"identityDocuments.add.0.number": "REQUIRED",
	})
	// An individual keeps an address, and one primary.
	assertProblems(t, env.update(updateIndividual, map[string]any{
		"customerId": c.ID, "expectedVersion": 1,
		"addresses": map[string]any{"remove": []any{home.ID}},
	}), map[string]string{"addresses": "REQUIRED"})
	assertProblems(t, env.update(updateIndividual, map[string]any{
		"customerId": c.ID, "expectedVersion": 1,
		"addresses": map[string]any{"add": []any{map[string]any{"street": "x", "city": "y", "country": "LT", "isPrimary": true}}},
	}), map[string]string{"addresses.add.0.isPrimary": "MULTIPLE_PRIMARY"})
	assertProblems(t, env.update(updateIndividual, map[string]any{
		"customerId": c.ID, "expectedVersion": 1,
		"addresses": map[string]any{"remove": []any{home.ID}, "change": []any{map[string]any{"id": home.ID, "city": "y"}}},
	}), map[string]string{"addresses.change.0.id": "INVALID_VALUE", "addresses": "REQUIRED"})

	want(t, "version", env.storedCustomer(t, c.ID).Version, 1)
	want(t, "events", len(env.events(t, c.ID)), 1)
	want(t, "person unchanged", env.storedCustomer(t, c.ID).Edges.Person.FirstName, "Marcus")
}

// TestUpdateRefusals: an unknown customer, an organization sent to
// updateIndividual and a token without customers:manage are refused.
func TestUpdateRefusals(t *testing.T) {
	env := newRegistrationEnv(t)
	c := env.registerFinHubIndividual(t)
	for name, tc := range map[string]struct {
		query, token string
		input        map[string]any
		code, reason string
	}{
		"unknown customer":      {updateIndividual, env.manager, map[string]any{"customerId": "cus_01XXXXXXXXXXXXXXXXXXXXXXXX", "expectedVersion": 1}, "NOT_FOUND", "NOT_FOUND"},
		"not a customer id":     {updateIndividual, env.manager, map[string]any{"customerId": "nope", "expectedVersion": 1}, "NOT_FOUND", "NOT_FOUND"},
		"individual as org":     {updateOrganization, env.manager, map[string]any{"customerId": c.ID, "expectedVersion": 1}, "NOT_FOUND", "NOT_FOUND"},
		"without manage scope":  {updateIndividual, env.selfService, map[string]any{"customerId": c.ID, "expectedVersion": 1}, "FORBIDDEN", "MISSING_SCOPE"},
		"stale expectedVersion": {updateIndividual, env.manager, map[string]any{"customerId": c.ID, "expectedVersion": 7, "tags": []any{"x"}}, "CONFLICT", "STALE_WRITE"},
	} {
		t.Run(name, func(t *testing.T) {
			r := env.Do(testutil.Request{Token: tc.token, TenantKey: "acme", Query: tc.query, Variables: map[string]any{"input": tc.input}})
			if len(r.Errors) != 1 || r.Errors[0].Code() != tc.code || r.Errors[0].Reason() != tc.reason {
				t.Errorf("got %s, want %s %s", r.Raw, tc.code, tc.reason)
			}
		})
	}
	want(t, "version", env.storedCustomer(t, c.ID).Version, 1)
}

// TestUpdateNothingChangedLeavesNoEvent: an update whose values are those
// stored appends no event and keeps the version.
func TestUpdateNothingChangedLeavesNoEvent(t *testing.T) {
	env := newRegistrationEnv(t)
	c := env.registerFinHubIndividual(t)
	var got struct {
		UpdateIndividual struct{ Customer struct{ Version int } }
	}
	env.update(updateIndividual, map[string]any{"customerId": c.ID, "expectedVersion": 1,
		"person": map[string]any{"lastName": " Jensen "}, "customerName": "Marcus Jensen"}).Into(t, &got)
	want(t, "version", got.UpdateIndividual.Customer.Version, 1)
	want(t, "events", len(env.events(t, c.ID)), 1)
}

// TestUpdateStaleWrite: two updates sent with the same expectedVersion,
// one after the other and then at once: exactly one wins, the other is
// CONFLICT STALE_WRITE and writes nothing.
func TestUpdateStaleWrite(t *testing.T) {
	env := newRegistrationEnv(t)
	c := env.registerFinHubIndividual(t)
	send := func(version int, lastName string) *testutil.Response {
		return env.update(updateIndividual, map[string]any{"customerId": c.ID, "expectedVersion": version,
			"person": map[string]any{"lastName": lastName}})
	}
	if r := send(1, "First"); len(r.Errors) != 0 {
		t.Fatalf("first update: %s", r.Raw)
	}
	r := send(1, "Second")
	if len(r.Errors) != 1 || r.Errors[0].Code() != "CONFLICT" || r.Errors[0].Reason() != "STALE_WRITE" || r.Errors[0].Field() != "expectedVersion" {
		t.Fatalf("second update with the same version: %s", r.Raw)
	}
	if got, _ := r.Errors[0].Extensions["currentVersion"].(float64); got != 2 {
		t.Errorf("currentVersion: %s", r.Raw)
	}
	want(t, "last name", env.storedCustomer(t, c.ID).Edges.Person.LastName, "First")

	const racers = 6
	results := make([]*testutil.Response, racers)
	atOnce(racers, func(i int) { results[i] = send(2, fmt.Sprintf("Racer%d", i)) })
	wins, stale := 0, 0
	winner := ""
	for i, r := range results {
		switch {
		case len(r.Errors) == 0:
			wins++
			winner = fmt.Sprintf("Racer%d", i)
		case len(r.Errors) == 1 && r.Errors[0].Reason() == "STALE_WRITE":
			stale++
		default:
			t.Errorf("racer %d: %s", i, r.Raw)
		}
	}
	want(t, "wins, stale", [2]int{wins, stale}, [2]int{1, racers - 1})
	after := env.storedCustomer(t, c.ID)
	want(t, "the winner's last name", after.Edges.Person.LastName, winner)
	want(t, "version", after.Version, 3)
	want(t, "events", len(env.events(t, c.ID)), 3)
}

// TestUpdateRecategorizes: a category change re-freezes the features from
// the new category, with their sources, replacing the old rows.
func TestUpdateRecategorizes(t *testing.T) {
	env := newRegistrationEnv(t)
	c := env.registerFinHubIndividual(t)
	before := featureCodes(c.Edges.Features)
	want(t, "category", c.Edges.Category.Code, "MEDIUM_RISK_INDIVIDUAL")

	env.update(updateIndividual, map[string]any{"customerId": c.ID, "expectedVersion": 1,
		"category": map[string]any{"code": "HIGH_RISK_INDIVIDUAL"}}).Into(t, &struct{}{})
	after := env.storedCustomer(t, c.ID)
	want(t, "category", after.Edges.Category.Code, "HIGH_RISK_INDIVIDUAL")
	ctx := env.As(env.tenantID)
	rels, err := catalog.Relations(ctx, env.Client(), after.Edges.Category.ID)
	if err != nil {
		t.Fatal(err)
	}
	var wantCodes []string
	for _, r := range rels {
		if r.Enabled {
			wantCodes = append(wantCodes, r.Edges.Feature.Code)
		}
	}
	sort.Strings(wantCodes)
	got := featureCodes(after.Edges.Features)
	want(t, "features: the new category's", got, strings.Join(wantCodes, ","))
	want(t, "feature codes (both categories apply MEDIUM_RISK_PROFILE)", got, before)
	// Frozen again: the category's parameters, each with its source, in a
	// new row.
	riskLevel := ""
	for _, f := range after.Edges.Features {
		if f.ID == c.Edges.Features[0].ID {
			t.Errorf("the old feature row %s stayed", f.ID)
		}
		for _, p := range f.Parameters {
			if p.Source == "" {
				t.Errorf("feature %s parameter %s has no source", f.Code, p.Name)
			}
			if p.Name == "riskLevel" {
				riskLevel = p.Value + "/" + string(p.Source)
			}
		}
	}
	want(t, "riskLevel", strings.SplitN(riskLevel, "/", 2)[0], "HIGH")
	want(t, "feature rows", env.Client().CustomerFeature.Query().CountX(ctx), len(after.Edges.Features))
	changes := changesOf(env.events(t, c.ID)[1])
	if !strings.Contains(changes, "category: MEDIUM_RISK_INDIVIDUAL → HIGH_RISK_INDIVIDUAL\n") || !strings.Contains(changes, "features: ") {
		t.Errorf("changes: %s", changes)
	}
}

func featureCodes(fs []*ent.CustomerFeature) string {
	codes := make([]string, len(fs))
	for i, f := range fs {
		codes[i] = f.Code
	}
	sort.Strings(codes)
	return strings.Join(codes, ",")
}

// TestUpdateOrganization changes an organization's own fields, an address
// and a contact, and refuses a registration number another holds.
func TestUpdateOrganization(t *testing.T) {
	env := newRegistrationEnv(t)
	var got registeredOrganization
	env.registerOrganization(testutil.Fixture(t, "finhub-organization.json")).Into(t, &got)
	id := got.RegisterOrganization.ID
	c := env.storedCustomer(t, id)
	addr := c.Edges.Organization.Edges.Addresses[0]
	var out struct {
		UpdateOrganization struct {
			Customer struct {
				Version      int
				Organization struct{ LegalName, TradingName, Phone, Email string }
			}
		}
	}
	env.update(updateOrganization, map[string]any{"customerId": id, "expectedVersion": 1,
		"organization": map[string]any{"legalName": "New Legal Name UAB", "tradingName": "", "phone": "+37052000000", "email": "office@example.com"},
		"addresses":    map[string]any{"change": []any{map[string]any{"id": addr.ID, "country": "LV", "city": "Riga"}}},
		"contacts":     map[string]any{"add": []any{map[string]any{"type": "WEBSITE", "value": "https://example.com"}}},
	}).Into(t, &out)
	o := out.UpdateOrganization.Customer
	want(t, "organization", o.Organization, struct{ LegalName, TradingName, Phone, Email string }{"New Legal Name UAB", "", "+37052000000", "office@example.com"})
	want(t, "country", env.storedCustomer(t, id).Country, "LV")
	want(t, "version", o.Version, 2)
	changes := changesOf(env.events(t, id)[1])
	for _, line := range []string{"organization.legalName: ", "organization.phone: ", "addresses." + addr.ID + ".city: ", ".value: nil → https://example.com"} {
		if !strings.Contains(changes, line) {
			t.Errorf("changes lack %q: %s", line, changes)
		}
	}
	if strings.Contains(changes, "organization.legalName: ") && strings.Contains(changes, "organization.legalName: New") {
		t.Errorf("legalName before: %s", changes)
	}

	assertProblems(t, env.update(updateOrganization, map[string]any{"customerId": id, "expectedVersion": 2,
		"organization": map[string]any{"legalName": "", "website": "ftp://x", "legalForm": "EMPIRE"},
	}), map[string]string{"organization.legalName": "REQUIRED", "organization.website": "INVALID_URL", "organization.legalForm": "INVALID_VALUE"})

	// Another organization's registration number is a CONFLICT on its path.
	var other registeredOrganization
	env.registerOrganization(fixtureWith(t, "finhub-organization.json", map[string]any{
		"organizationCustomer.organization.registrationNumber": "REG-OTHER", "email": "o@example.com",
		"organizationCustomer.user.email": "o@example.com", "organizationCustomer.user.username": "o",
	})).Into(t, &other)
	r := env.update(updateOrganization, map[string]any{"customerId": other.RegisterOrganization.ID, "expectedVersion": 1,
		"organization": map[string]any{"registrationNumber": *c.Edges.Organization.RegistrationNumber}})
	if len(r.Errors) != 1 || r.Errors[0].Code() != "CONFLICT" || r.Errors[0].Field() != "organization.registrationNumber" {
		t.Errorf("a taken registration number: %s", r.Raw)
	}
	want(t, "the other's version", env.storedCustomer(t, other.RegisterOrganization.ID).Version, 1)
}

// TestUpdateBySession drives the domain with a customer session's viewer
// (sessions are another part; an HTTP-level session test is the
// integrator's): its own profile fields change, verified and platform
// fields are FIELD_NOT_SELF_SERVICE, another customer NOT_YOUR_CUSTOMER.
func TestUpdateBySession(t *testing.T) {
	env := newRegistrationEnv(t)
	c := env.registerFinHubIndividual(t)
	var second registered
	env.register(fixtureWith(t, "finhub-individual.json", map[string]any{
		"email": "other@example.com", "individualCustomer.user.email": "other@example.com", "individualCustomer.user.username": "other",
	})).Into(t, &second)
	svc := &registration.Service{Client: env.Client()}
	session := viewer.NewContext(context.Background(), &viewer.Viewer{
		Subject: "session", TenantID: env.tenantID, TenantKey: "acme",
		Scopes: []string{string(viewer.ScopeCustomerSelf)}, CustomerID: c.ID,
	})
	email := contactOf(c, "EMAIL")
	updated, err := svc.UpdateIndividual(session, registration.IndividualUpdate{
		CustomerID: c.ID, ExpectedVersion: 1,
		Person:    &registration.PersonChange{Email: ptr("me@example.net"), Phone: ptr("+37060077777")},
		Contacts:  &registration.ContactChanges{Change: []registration.ContactChange{{ID: email.ID, Value: ptr("me@example.net")}}},
		Addresses: &registration.AddressChanges{Add: []registration.AddressInput{{Street: "3 Side St", City: "Vilnius", Country: "LT"}}},
	})
	if err != nil {
		t.Fatalf("a session's own profile: %v", err)
	}
	want(t, "version", updated.Version, 2)
	p := env.storedCustomer(t, c.ID).Edges.Person
	want(t, "profile", p.Email+" "+p.Phone, "me@example.net +37060077777")
	want(t, "actor", env.events(t, c.ID)[1].Actor, "session")

	_, err = svc.UpdateIndividual(session, registration.IndividualUpdate{
		CustomerID: c.ID, ExpectedVersion: 2, Tags: []string{"x"}, CustomerName: ptr("x"),
		Person:            &registration.PersonChange{LastName: ptr("Forged"), DateOfBirth: ptr("1970-01-01"), Email: ptr("ok@example.net")},
		IdentityDocuments: &registration.DocumentChanges{Remove: []string{"doc_x"}},
		Category:          &registration.CategoryRef{Code: ptr("HIGH_RISK_INDIVIDUAL")},
	})
	got := map[string]string{}
	for _, e := range apperr.Flatten(err) {
		if e.Code != apperr.Forbidden {
			t.Errorf("code %s on %v", e.Code, e.Field)
		}
		got[e.Field.String()] = string(e.Reason)
	}
	wantReasons := map[string]string{}
	for _, f := range []string{"customerName", "tags", "category", "person.lastName", "person.dateOfBirth", "identityDocuments"} {
		wantReasons[f] = string(vocab.ReasonFieldNotSelfService)
	}
	want(t, "refused fields", got, wantReasons)

	_, err = svc.UpdateIndividual(session, registration.IndividualUpdate{CustomerID: second.RegisterIndividual.ID, ExpectedVersion: 1,
		Person: &registration.PersonChange{Email: ptr("x@example.net")}})
	var e *apperr.Error
	if !errors.As(err, &e) || e.Code != apperr.Forbidden || e.Reason != vocab.ReasonNotYourCustomer {
		t.Errorf("another customer: %v", err)
	}
	want(t, "the session's customer", env.storedCustomer(t, c.ID).Version, 2)
	want(t, "the other customer", env.storedCustomer(t, second.RegisterIndividual.ID).Version, 1)
}

func ptr[T any](v T) *T { return &v }

// TestUpdateMovesThePrimary: the primary flag moves from one stored
// address (and contact) to another in one update, whatever the order of
// the changes, without ever holding two (the database's partial unique
// index would refuse it); the customer's country follows.
func TestUpdateMovesThePrimary(t *testing.T) {
	env := newRegistrationEnv(t)
	c := env.registerFinHubIndividual(t)
	home := c.Edges.Person.Edges.Addresses[0]
	email := contactOf(c, "EMAIL")
	env.update(updateIndividual, map[string]any{"customerId": c.ID, "expectedVersion": 1,
		"addresses": map[string]any{"add": []any{map[string]any{"street": "9 Way", "city": "Riga", "country": "LV"}}},
		"contacts":  map[string]any{"add": []any{map[string]any{"type": "EMAIL", "value": "second@example.com"}}},
	}).Into(t, &struct{}{})
	mid := env.storedCustomer(t, c.ID)
	var second, secondEmail string
	for _, a := range mid.Edges.Person.Edges.Addresses {
		if a.ID != home.ID {
			second = a.ID
		}
	}
	for _, ct := range mid.Edges.Person.Edges.Contacts {
		if ct.Value == "second@example.com" {
			secondEmail = ct.ID
		}
	}
	env.update(updateIndividual, map[string]any{"customerId": c.ID, "expectedVersion": 2,
		"addresses": map[string]any{"change": []any{map[string]any{"id": second, "isPrimary": true}, map[string]any{"id": home.ID, "isPrimary": false}}},
		"contacts":  map[string]any{"change": []any{map[string]any{"id": secondEmail, "isPrimary": true}, map[string]any{"id": email.ID, "isPrimary": false}}},
	}).Into(t, &struct{}{})
	after := env.storedCustomer(t, c.ID)
	want(t, "country", after.Country, "LV")
	for _, a := range after.Edges.Person.Edges.Addresses {
		want(t, "primary "+a.Street, a.IsPrimary, a.ID == second)
	}
	for _, ct := range after.Edges.Person.Edges.Contacts {
		if ct.Type == "EMAIL" {
			want(t, "primary "+ct.Value, ct.IsPrimary, ct.ID == secondEmail)
		}
	}
}

// TestChangesRefusedAfterTheLifecycleEnded: an update or a member change
// of a REJECTED or CLOSED customer is CONFLICT CUSTOMER_CLOSED, and of an
// erased one CONFLICT CUSTOMER_ERASED (it would write personal data back
// onto it); nothing is written.
func TestChangesRefusedAfterTheLifecycleEnded(t *testing.T) {
	env := newRegistrationEnv(t)
	ctx, c := env.As(env.tenantID), env.Client()
	decider := env.Token([]string{"acme"}, viewer.ScopeCustomersDecide, viewer.ScopeCustomersRead)
	ind := env.registerFinHubIndividual(t)
	m := env.registerMembers(t)
	orgCustomer := c.Customer.Query().Where(customer.HasOrganizationWith(organization.ID(m.orgID))).OnlyX(ctx)
	erase := func(id string) {
		t.Helper()
		c.Customer.UpdateOneID(id).SetStatus(customer.StatusCLOSED).ExecX(ctx)
		r := env.Do(testutil.Request{Token: decider, TenantKey: "acme", Query: eraseMutation,
			Variables: map[string]any{"input": map[string]any{"customerId": id, "reason": "GDPR_REQUEST"}}})
		if len(r.Errors) > 0 {
			t.Fatalf("erasing: %s", r.Raw)
		}
	}
	update := func(id string) *testutil.Response {
		return env.update(updateIndividual, map[string]any{"customerId": id,
			"expectedVersion": env.storedCustomer(t, id).Version, "tags": []any{"Marcus again"}})
	}
	members := func() []*testutil.Response {
		return []*testutil.Response{
			env.manage("addRepresentative", map[string]any{"organizationId": m.orgID, "representative": newRepresentative(10)}),
			env.manage("removeEmployee", map[string]any{"id": m.finance}),
		}
	}
	check := func(what string, r *testutil.Response, reason string) {
		t.Helper()
		if len(r.Errors) != 1 || r.Errors[0].Code() != "CONFLICT" || r.Errors[0].Reason() != reason {
			t.Errorf("%s: got %s, want CONFLICT %s", what, r.Raw, reason)
		}
	}
	events := func(id string) int { return c.CustomerEvent.Query().Where(customerevent.CustomerID(id)).CountX(ctx) }

	for _, status := range []customer.Status{customer.StatusREJECTED, customer.StatusCLOSED} {
		c.Customer.UpdateOneID(ind.ID).SetStatus(status).ExecX(ctx)
		c.Customer.UpdateOneID(orgCustomer.ID).SetStatus(status).ExecX(ctx)
		before, orgBefore := events(ind.ID), events(orgCustomer.ID)
		check("update of a "+string(status)+" customer", update(ind.ID), "CUSTOMER_CLOSED")
		for _, r := range members() {
			check("member change of a "+string(status)+" organization", r, "CUSTOMER_CLOSED")
		}
		want(t, "events after the refusals", events(ind.ID)+events(orgCustomer.ID), before+orgBefore)
	}

	erase(ind.ID)
	erase(orgCustomer.ID)
	check("update of an erased customer", update(ind.ID), "CUSTOMER_ERASED")
	for _, r := range members() {
		check("member change of an erased organization", r, "CUSTOMER_ERASED")
	}
	if tags := env.storedCustomer(t, ind.ID).Tags; len(tags) != 0 {
		t.Errorf("the erased customer's tags: %v", tags)
	}
	want(t, "representatives of the erased organization", c.Representative.Query().Where(representative.OrganizationID(m.orgID)).CountX(ctx), 2)
}
