package server_test

import (
	"encoding/json"
	"fmt"
	"maps"
	"onboard/ent"
	"onboard/ent/customer"
	"slices"
	"strings"
	"testing"

	"onboard/internal/testutil"
	"onboard/internal/viewer"
)

// hostileTextKind is one kind of hostile text, made from a field's valid
// value (the base's, or "HostileText" where the base has none).
type hostileTextKind struct {
	name string
	make func(valid string) string
	// surrogate: the value holds hostileSurrogate, sent as JSON \udc00.
	surrogate bool
}

// hostileInsert puts s in the middle of valid.
func hostileInsert(s string) func(string) string {
	return func(valid string) string {
		r := []rune(valid)
		return string(r[:len(r)/2]) + s + string(r[len(r)/2:])
	}
}

var hostileTextKinds = []hostileTextKind{
	{name: "NUL", make: hostileInsert("\x00")},
	{name: "C0 control", make: hostileInsert("\a")},
	{name: "C1 control", make: hostileInsert("\u009b")},
	{name: "ANSI escape", make: hostileInsert("\x1b[2J")},
	{name: "zero-width space", make: hostileInsert("\u200b")},
	{name: "right-to-left override", make: hostileInsert("\u202e")},
	{name: "lone surrogate", make: hostileInsert(hostileSurrogate), surrogate: true},
	{name: "10,000 characters", make: func(valid string) string {
		return strings.Repeat("a", 10_000-len([]rune(valid))) + valid
	}},
}

// hostileTextScalars are the scalars that take text.
var hostileTextScalars = map[string]bool{"String": true, "ID": true, "GenderValue": true, "PhoneTypeValue": true}

// hostileText puts each hostile kind of text in every string input field
// of every mutation, as the schema lists them, at its path in a valid
// input. The answer must refuse it naming that path; a field that takes
// 10,000 characters has no limit, which is a bug.
func hostileText(t *testing.T) {
	e := newHostileEnv(t, "text", testutil.Options{})
	bases, tokens := e.textBases(t)
	s := hostileSchema()
	for _, f := range s.Mutation.Fields {
		arg := f.Arguments.ForName("input")
		if arg == nil {
			continue
		}
		base, ok := bases[f.Name]
		if !ok {
			t.Errorf("mutation %s has no base input in textBases: add one", f.Name)
			continue
		}
		token := tokens[f.Name]
		if token == "" {
			token = e.token
		}
		query := fmt.Sprintf(`mutation($input: %s) { %s(input: $input) { __typename } }`, arg.Type.String(), f.Name)
		e.run(t, hostileCase{name: f.Name + " control: the base input",
			req:  hostileReq{token: token, tenant: "acme", query: query, vars: map[string]any{"input": base(e.next())}},
			want: hostileWant{successOnly: true, success: hostileSucceeds(nil)}})
		hostileWalkTree(s, f.Name, arg, func(leaf hostileField) {
			if !hostileTextScalars[leaf.typ.Name()] || leaf.def == nil {
				return
			}
			for _, kind := range hostileTextKinds {
				e.run(t, e.textCase(t, f.Name, query, token, base, leaf, kind))
			}
		})
	}
}

func (e *hostileEnv) textCase(t *testing.T, root, query, token string, base func(int64) map[string]any,
	leaf hostileField, kind hostileTextKind) hostileCase {
	n := e.next()
	input := base(n)
	valid := fmt.Sprintf("Hostile%dText", n) // unique: a value accepted once must not conflict later
	switch v := testutil.Dig(input, leaf.path...).(type) {
	case string:
		if v != "" {
			valid = v
		}
	case []any:
		if len(v) > 0 {
			valid = fmt.Sprint(v[0])
		}
	case nil:
	default:
		valid = fmt.Sprint(v)
	}
	hostile := kind.make(valid)
	var value any = hostile
	fields := []string{hostilePath(leaf.path)}
	if leaf.list() {
		value = []any{hostile}
		fields = append(fields, hostilePath(leaf.path)+".0")
	}
	hostileSet(t, input, leaf.path, value)
	// Fields that must repeat each other all take the value, so that the
	// refusal, if any, is for the text and not for the mismatch.
	for _, twins := range hostileTwins[root] {
		if slices.ContainsFunc(twins, func(p []any) bool { return hostilePath(p) == fields[0] }) {
			for _, p := range twins {
				hostileSet(t, input, p, hostile)
				fields = append(fields, hostilePath(p))
			}
		}
	}
	want := hostileWant{statuses: hostileStatusExec, codes: []string{"BAD_USER_INPUT"}, fields: fields,
		echo: []string{strings.ReplaceAll(hostile, hostileSurrogate, "\ufffd")}}
	// A reference (an id, a code or name naming a category, feature or
	// role) may also be answered "no such object".
	if hostileIsReference(leaf, false) || strings.HasSuffix(leaf.owner, "ReferenceInput") ||
		leaf.owner == "CategorizationInput" && leaf.name != "description" || leaf.name == "featureCode" {
		want.codes = append(want.codes, "NOT_FOUND")
	}
	if kind.surrogate {
		// A JSON decoder that refuses the body names no field.
		want.statuses = append(want.statuses, 400)
		want.fieldOptional = true
	}
	req := hostileReq{token: token, tenant: "acme", query: query, vars: map[string]any{"input": input}}
	if kind.surrogate {
		req.surrogate = hostileSurrogate
	}
	return hostileCase{name: fmt.Sprintf("%v %s", leaf, kind.name), req: req, want: want}
}

// hostileTwins are the groups of fields of a registration that must equal
// each other (the password and its repetitions, the names given twice).
var hostileTwins = map[string][][][]any{
	"registerIndividual": {
		{{"password"}, {"matchingPassword"}, {"individualCustomer", "user", "password"}},
		{{"firstName"}, {"individualCustomer", "person", "firstName"}},
		{{"lastName"}, {"individualCustomer", "person", "lastName"}},
	},
	"registerOrganization": {{{"password"}, {"matchingPassword"}, {"organizationCustomer", "user", "password"}}},
	"addCustomerLogin":     {{{"password"}, {"matchingPassword"}}},
}

// hostilePersonExtras fills the lists of a person the fixtures leave out,
// so that every text field of a person has a valid value to spoil.
func hostilePersonExtras(person map[string]any, primary bool) {
	person["identityDocuments"] = []any{map[string]any{"type": "PASSPORT", "number": "X1234567", "issuingCountry": "LT"}}
	person["placeOfBirth"] = "Kaunas"
	if person["middleName"] == nil {
		person["middleName"] = "Ole"
	}
	if person["addresses"] == nil {
		person["addresses"] = []any{map[string]any{"type": "HOME", "street": "1 Side Street", "city": "Vilnius",
			"country": "LT", "isPrimary": primary}}
	}
	addr := person["addresses"].([]any)[0].(map[string]any)
	addr["line2"], addr["state"] = "Apartment 4", "Vilnius"
	if person["contacts"] == nil {
		person["contacts"] = []any{map[string]any{"type": "WEBSITE", "value": "https://example.com/me", "isPrimary": false}}
	}
}

// textBases are valid inputs in acme for every mutation, unique per call;
// tokens holds the tokens of the mutations that need other than e.token.
func (e *hostileEnv) textBases(t *testing.T) (map[string]func(n int64) map[string]any, map[string]string) {
	t.Helper()
	individual := testutil.Fixture(t, "finhub-individual.json")
	hostilePersonExtras(individual["individualCustomer"].(map[string]any)["person"].(map[string]any), true)
	org := testutil.Fixture(t, "finhub-organization-employees.json")
	employee := org["organizationCustomer"].(map[string]any)["employees"].([]any)[0].(map[string]any)
	hostilePersonExtras(employee["person"].(map[string]any), false)
	// The organization as the categorized fixture has it (a categorization
	// with parameters, contacts), with the employees fixture's employee.
	full := testutil.Fixture(t, "finhub-organization-categorized.json")
	full["organizationCustomer"].(map[string]any)["employees"] = []any{hostileClone(employee)}
	// Category-level parameters in both, so that each of their texts has
	// a valid value to spoil (a parameter takes a name and a value).
	individual["individualCustomer"].(map[string]any)["categorization"].(map[string]any)["parametrization"] =
		[]any{map[string]any{"name": "monitoring", "value": "STANDARD"}}
	full["organizationCustomer"].(map[string]any)["categorization"].(map[string]any)["parametrization"] =
		[]any{map[string]any{"name": "DAILY_LIMIT", "value": "10000"}}

	r := e.mustSucceed(t, e.token, hostileRegisterMembers,
		map[string]any{"input": org})
	var reg hostileOrganization
	if err := json.Unmarshal(r.data, &reg); err != nil {
		t.Fatal(err)
	}
	orgID, repID := reg.RegisterOrganization.OrganizationID, reg.RegisterOrganization.Directors[0].ID
	// A second organization takes the members the removal cases remove,
	// so that the first one's member limits are not reached.
	second := hostileClone(org)
	hostileReplaceStrings(second, "@acmecorp.com", "@second.example.com")
	hostileReplaceStrings(second, "REG-1234567890", "REG-SECOND")
	r = e.mustSucceed(t, e.token, `mutation($input: RegisterOrganizationInput!) {
		registerOrganization(input: $input) { organizationId } }`, map[string]any{"input": second})
	var reg2 struct {
		RegisterOrganization struct{ OrganizationID string }
	}
	_ = json.Unmarshal(r.data, &reg2)
	removalOrg := reg2.RegisterOrganization.OrganizationID
	var empID string
	for _, emp := range reg.RegisterOrganization.Employees {
		if !strings.Contains(fmt.Sprint(emp.Roles), "ADMIN_USER") {
			empID = emp.ID
		}
	}
	r = e.mustSucceed(t, e.token, `{
		categories(first: 1, where: {customerType: INDIVIDUAL, hasParent: false}) { edges { node { id } } }
		features(first: 1, where: {code: "MEDIUM_RISK_PROFILE"}) { edges { node { id } } } }`, nil)
	var cat struct {
		Categories, Features struct {
			Edges []struct{ Node struct{ ID string } }
		}
	}
	if err := json.Unmarshal(r.data, &cat); err != nil || len(cat.Categories.Edges) == 0 || len(cat.Features.Edges) == 0 || empID == "" {
		t.Fatalf("catalog: %s", r.raw)
	}
	parentID, featureID := cat.Categories.Edges[0].Node.ID, cat.Features.Edges[0].Node.ID
	features := func() []any {
		return []any{map[string]any{"featureId": featureID, "featureCode": "MEDIUM_RISK_PROFILE",
			"parametrization": []any{map[string]any{"name": "riskLevel", "value": "MEDIUM"}}}}
	}
	// A policy with a consent, whose code is the policy's one free text.
	policy := func() map[string]any {
		return map[string]any{"requirements": []any{map[string]any{"kind": "CONSENT", "code": "TEXT_TERMS", "due": "EVENTUALLY"}}}
	}
	r = e.mustSucceed(t, e.token, `mutation { createCategory(input: {code: "TEXT_TARGET", name: "Text target",
		customerType: INDIVIDUAL}) { category { id } } }`, nil)
	var target struct {
		CreateCategory struct{ Category struct{ ID string } }
	}
	_ = json.Unmarshal(r.data, &target)

	// The organization's customer, and a consent document it accepts.
	r = e.mustSucceed(t, e.token, `query($id: ID!) { node(id: $id) { ... on Organization { customer { id } } } }`,
		map[string]any{"id": orgID})
	var owner struct {
		Node struct{ Customer struct{ ID string } }
	}
	if err := json.Unmarshal(r.data, &owner); err != nil || owner.Node.Customer.ID == "" {
		t.Fatalf("the organization's customer: %s", r.raw)
	}
	customerID := owner.Node.Customer.ID
	e.mustSucceed(t, e.token, `mutation { publishConsentDocument(input: {code: "TEXT_TERMS", title: "Terms",
		url: "https://text.example/terms"}) { consentDocument { id } } }`, nil)

	bases := map[string]func(n int64) map[string]any{
		"recordVerification": func(int64) map[string]any {
			return map[string]any{"customerId": customerID, "subjectId": orgID, "kind": "BUSINESS", "outcome": "PASSED",
				"provider": "Text KYB", "reference": "chk-1", "checkedAt": "2020-01-01T00:00:00Z"}
		},
		"publishConsentDocument": func(int64) map[string]any {
			// Another code than the one accepted below, which stays at version 1.
			return map[string]any{"code": "TEXT_PUBLISHED", "title": "Terms", "url": "https://text.example/terms"}
		},
		"acceptConsents": func(int64) map[string]any {
			return map[string]any{"customerId": customerID, "consents": []any{map[string]any{"code": "TEXT_TERMS", "version": 1}}}
		},
		"registerIndividual": func(n int64) map[string]any {
			in := hostileClone(individual)
			hostileReplaceStrings(in, "marcus.jensen@", fmt.Sprintf("text%d@", n))
			return in
		},
		"registerOrganization": func(n int64) map[string]any {
			in := hostileClone(full)
			hostileReplaceStrings(in, "@acmecorp.com", fmt.Sprintf("@text%d.example.com", n))
			hostileReplaceStrings(in, "REG-1234567890", fmt.Sprintf("REG-TEXT-%d", n))
			return in
		},
		"addRepresentative": func(int64) map[string]any {
			return map[string]any{"organizationId": orgID, "representative": newRepresentativeInput(0)}
		},
		"updateRepresentative": func(int64) map[string]any {
			in := newRepresentativeInput(0)
			in["id"] = repID
			return in
		},
		"removeRepresentative": nil, // no text besides its id: see below
		"addEmployee": func(n int64) map[string]any {
			emp := hostileClone(employee)
			hostileReplaceStrings(emp, "@acmecorp.com", fmt.Sprintf("@emp%d.example.com", n))
			return map[string]any{"organizationId": orgID, "employee": emp}
		},
		"updateEmployee": func(int64) map[string]any {
			return map[string]any{"id": empID, "department": "Finance", "role": "EMPLOYEE", "roles": []any{"EMPLOYEE"}}
		},
		"removeEmployee": nil,
		"createTenant": func(n int64) map[string]any {
			return map[string]any{"key": fmt.Sprintf("text-%d", n), "name": fmt.Sprintf("Tenant %d", n), "defaultCountry": "LT"}
		},
		// The fixtures' own country, which completes no address of theirs.
		"updateTenantSettings": func(int64) map[string]any {
			return map[string]any{"minimumAge": 18, "defaultCountry": "LT", "duplicatePolicy": "FLAG"}
		},
		"createRole": func(n int64) map[string]any {
			return map[string]any{"code": fmt.Sprintf("TEXT_ROLE_%d", n), "name": fmt.Sprintf("Role %d", n)}
		},
		"createFeature": func(n int64) map[string]any {
			return map[string]any{"code": fmt.Sprintf("TEXT_F_%d", n), "externalId": fmt.Sprintf("ext-f-%d", n),
				"name": "Feature", "description": "A feature", "parameters": []any{map[string]any{
					"name": "limit", "type": "INTEGER", "min": 0, "max": 10, "defaultValue": "5",
					"description": "The limit", "allowedValues": []any{"5"}}}}
		},
		"createCategory": func(n int64) map[string]any {
			return map[string]any{"code": fmt.Sprintf("TEXT_C_%d", n), "externalId": fmt.Sprintf("ext-c-%d", n),
				"name": "Category", "description": "A category", "customerType": "INDIVIDUAL",
				"parentId": parentID, "features": features(), "policy": policy()}
		},
		"updateCategory": func(int64) map[string]any {
			return map[string]any{"id": target.CreateCategory.Category.ID, "name": "Updated", "description": "Updated",
				"parentId": parentID, "features": features(), "policy": policy()}
		},
	}
	// The dry runs take the registrations' inputs.
	bases["validateIndividualRegistration"] = bases["registerIndividual"]
	bases["validateOrganizationRegistration"] = bases["registerOrganization"]
	maps.Copy(bases, e.decisionBases(t, e.tenantID, "acme", e.token))
	e.updateTextBases(t, bases, individual)
	// Removals take only an id, and a removal that succeeds removes its
	// target: each case gets a representative or employee of its own.
	bases["removeRepresentative"] = func(n int64) map[string]any {
		r := e.mustSucceed(t, e.token, `mutation($input: AddRepresentativeInput!) { addRepresentative(input: $input) { representative { id } } }`,
			map[string]any{"input": map[string]any{"organizationId": removalOrg, "representative": newRepresentativeInput(0)}})
		var d struct {
			AddRepresentative struct{ Representative struct{ ID string } }
		}
		_ = json.Unmarshal(r.data, &d)
		return map[string]any{"id": d.AddRepresentative.Representative.ID}
	}
	bases["removeEmployee"] = func(n int64) map[string]any {
		emp := hostileClone(employee)
		hostileReplaceStrings(emp, "@acmecorp.com", fmt.Sprintf("@rm%d.example.com", n))
		r := e.mustSucceed(t, e.token, `mutation($input: AddEmployeeInput!) { addEmployee(input: $input) { employee { id } } }`,
			map[string]any{"input": map[string]any{"organizationId": removalOrg, "employee": emp}})
		var d struct {
			AddEmployee struct{ Employee struct{ ID string } }
		}
		_ = json.Unmarshal(r.data, &d)
		return map[string]any{"id": d.AddEmployee.Employee.ID}
	}
	// An erasure consumes its customer: each case gets a closed one.
	bases["erasePersonalData"] = func(n int64) map[string]any {
		return map[string]any{"customerId": e.closedCustomer(t, e.tenantID, n), "reason": "GDPR_REQUEST"}
	}
	// A login added consumes its customer: each case gets one without.
	bases["addCustomerLogin"] = func(n int64) map[string]any { return e.loginlessCustomer(t, e.tenantID, n) }
	// A login to sign in with: the control succeeds, and each hostile
	// username or password is refused as text before any lookup.
	login := hostileClone(individual)
	hostileReplaceStrings(login, "marcus.jensen@", "session.text@")
	e.mustSucceed(t, e.token, `mutation($input: RegisterIndividualInput!) { registerIndividual(input: $input) { id } }`,
		map[string]any{"input": login})
	bases["createCustomerSession"] = func(int64) map[string]any {
		return map[string]any{"username": "session.text@example.com", "password": fixturePassword}
	}
	tokens := map[string]string{"createTenant": e.operatorToken(),
		"createCustomerSession": e.Token([]string{"acme"}, viewer.ScopeCustomersSessions)}
	hooks, hooksToken := e.webhookBases(t, e.tenantID, "acme")
	for name, base := range hooks {
		bases[name], tokens[name] = base, hooksToken
	}
	keys, keysToken := e.apiKeyBases(t, "acme")
	for name, base := range keys {
		bases[name], tokens[name] = base, keysToken
	}
	return bases, tokens
}

// newRepresentativeInput is a valid representative (members_test.go's
// newRepresentative, kept here so the suite stands on its own).
func newRepresentativeInput(share float64) map[string]any {
	return map[string]any{"firstName": "Bob", "middleName": "Lee", "lastName": "Partner", "position": "DIRECTOR",
		"email": "bob@example.com", "phone": "860012349", "dateOfBirth": "1970-02-03",
		"nationality": "LT", "gender": "MALE", "ownershipShare": share}
}

// updateTextBases adds the bases of updateIndividual and updateOrganization:
// a customer of their own each, every field given a valid value (the
// stored one where it must stay valid, a fresh one where it must be
// unique), every list's add and change filled, and the version read when
// the input is built (the control's success moves it).
func (e *hostileEnv) updateTextBases(t *testing.T, bases map[string]func(n int64) map[string]any, individual map[string]any) {
	t.Helper()
	in := hostileClone(individual)
	hostileReplaceStrings(in, "marcus.jensen@", "update-target@")
	r := e.mustSucceed(t, e.token, `mutation($input: RegisterIndividualInput!) { registerIndividual(input: $input) { id } }`,
		map[string]any{"input": in})
	var ind struct{ RegisterIndividual struct{ ID string } }
	_ = json.Unmarshal(r.data, &ind)
	org := testutil.Fixture(t, "finhub-organization.json")
	hostileReplaceStrings(org, "@acmecorp", "@update-target")
	hostileReplaceStrings(org, "REG-1234567890", "REG-UPDATE-TARGET")
	org["organizationCustomer"].(map[string]any)["organization"].(map[string]any)["contacts"] = []any{
		map[string]any{"type": "EMAIL", "value": "info@update-target.example.com", "isPrimary": true}}
	r = e.mustSucceed(t, e.token, `mutation($input: RegisterOrganizationInput!) { registerOrganization(input: $input) { id } }`,
		map[string]any{"input": org})
	var o struct{ RegisterOrganization struct{ ID string } }
	_ = json.Unmarshal(r.data, &o)
	ctx := e.As(e.tenantID)
	c := e.Client().Customer.Query().Where(customer.ID(ind.RegisterIndividual.ID)).
		WithPerson(func(q *ent.PersonQuery) { q.WithAddresses().WithContacts().WithIdentityDocuments() }).OnlyX(ctx)
	oc := e.Client().Customer.Query().Where(customer.ID(o.RegisterOrganization.ID)).
		WithOrganization(func(q *ent.OrganizationQuery) { q.WithAddresses().WithContacts() }).OnlyX(ctx)
	p, so := c.Edges.Person, oc.Edges.Organization
	if len(p.Edges.Addresses) == 0 || len(p.Edges.Contacts) == 0 || len(p.Edges.IdentityDocuments) == 0 || len(so.Edges.Addresses) == 0 || len(so.Edges.Contacts) == 0 {
		t.Fatalf("update targets: %+v %+v", p.Edges, so.Edges)
	}
	addrChange := func(a *ent.Address) map[string]any {
		return map[string]any{"id": a.ID, "type": string(a.Type), "street": a.Street, "line2": "Apartment 4",
			"city": a.City, "state": "Vilnius", "postalCode": "01001", "country": "LT", "isPrimary": a.IsPrimary}
	}
	addrAdd := func() []any {
		return []any{map[string]any{"type": "WORK", "street": "2 Office Road", "line2": "Floor 3", "city": "Vilnius",
			"state": "Vilnius", "postalCode": "01002", "country": "LT", "isPrimary": false}}
	}
	contactsOf := func(cs []*ent.Contact) map[string]any {
		return map[string]any{
			"change": []any{map[string]any{"id": cs[0].ID, "type": string(cs[0].Type), "value": cs[0].Value, "isPrimary": cs[0].IsPrimary}},
			"add":    []any{map[string]any{"type": "OTHER", "value": "a note", "isPrimary": false}},
		}
	}
	doc := p.Edges.IdentityDocuments[0]
	bases["updateIndividual"] = func(n int64) map[string]any {
		return map[string]any{
			"customerId": c.ID, "expectedVersion": e.customerVersion(t, e.tenantID, c.ID),
			"customerName": "Marcus Jensen", "externalReference": fmt.Sprintf("upd-ref-%d", n), "tags": []any{"vip"},
			"category": map[string]any{"code": "MEDIUM_RISK_INDIVIDUAL"},
			"person": map[string]any{"firstName": "Marcus", "middleName": "Ole", "lastName": "Jensen",
				"email": "marcus@example.com", "phone": "+37060012345", "dateOfBirth": "1990-05-15", "gender": "MALE",
				"nationality": "LT", "placeOfBirth": "Kaunas"},
			"addresses": map[string]any{"change": []any{addrChange(p.Edges.Addresses[0])}, "add": addrAdd()},
			"contacts":  contactsOf(p.Edges.Contacts),
			"identityDocuments": map[string]any{
				"change": []any{map[string]any{"id": doc.ID, "type": string(doc.Type), "number": doc.Number, "issuingCountry": "LT"}},
				"add":    []any{map[string]any{"type": "NATIONAL_ID", "number": fmt.Sprintf("N%d", n), "issuingCountry": "LT"}},
			},
		}
	}
	bases["updateOrganization"] = func(n int64) map[string]any {
		in := map[string]any{
			"customerId": oc.ID, "expectedVersion": e.customerVersion(t, e.tenantID, oc.ID),
			"customerName": "Acme", "externalReference": fmt.Sprintf("upd-org-ref-%d", n), "tags": []any{"b2b"},
			"category": map[string]any{"code": "SMALL_BUSINESS"},
			"organization": map[string]any{"legalName": so.LegalName, "tradingName": "Acme Trading",
				"registrationNumber": *so.RegistrationNumber, "taxId": "LT123456789", "incorporationDate": "2015-01-01",
				"legalForm": "LIMITED_LIABILITY_COMPANY", "industry": "TECHNOLOGY", "businessType": "B2B",
				"businessDescription": "Software", "website": "https://example.com", "email": "office@example.com",
				"phone": "+37052000000"},
			"addresses": map[string]any{"change": []any{addrChange(so.Edges.Addresses[0])}, "add": addrAdd()},
		}
		in["contacts"] = contactsOf(so.Edges.Contacts)
		return in
	}
}
