package server_test

import (
	"testing"

	"onboard/ent/user"
	"onboard/internal/testutil"
)

// The look-alike identity rules, end to end: control and invisible
// characters are refused in every text field, identities are compared in
// their NFKC, lower-cased form, and mixed-script e-mails are refused.

// tableCounts counts every table a registration writes, so a refusal can
// be shown to leave nothing behind.
func (e *registrationEnv) tableCounts(t *testing.T) map[string]int {
	t.Helper()
	ctx, c := e.As(e.tenantID), e.Client()
	return map[string]int{
		"customers":     c.Customer.Query().CountX(ctx),
		"persons":       c.Person.Query().CountX(ctx),
		"users":         c.User.Query().CountX(ctx),
		"addresses":     c.Address.Query().CountX(ctx),
		"contacts":      c.Contact.Query().CountX(ctx),
		"organizations": c.Organization.Query().CountX(ctx),
	}
}

func sameCounts(t *testing.T, before, after map[string]int) {
	t.Helper()
	for table, n := range before {
		if after[table] != n {
			t.Errorf("%s: %d rows before, %d after a refusal", table, n, after[table])
		}
	}
}

func TestLookAlikeIdentitiesAndHiddenCharactersAreRefused(t *testing.T) {
	env := newRegistrationEnv(t)
	const person = "individualCustomer.person"
	const params = "individualCustomer.categorization.categoryFeatureRelations.0.parametrization"
	cases := []struct {
		name  string
		edits map[string]any
		want  map[string]string // field → reason
	}{
		{"zero width space before the @ of the login", map[string]any{"email": "marcus.jensen\u200b@example.com"},
			map[string]string{"email": "INVISIBLE_CHARACTER"}},
		{"soft hyphen before the @ of the login", map[string]any{"email": "marcus.jensen\u00ad@example.com"},
			map[string]string{"email": "INVISIBLE_CHARACTER"}},
		{"word joiner in the login", map[string]any{"email": "marcus\u2060.jensen@example.com"},
			map[string]string{"email": "INVISIBLE_CHARACTER"}},
		{"BOM in front of the login", map[string]any{"email": "\ufeffmarcus.jensen@example.com"},
			map[string]string{"email": "INVISIBLE_CHARACTER"}},
		{"Cyrillic а in a Latin login", map[string]any{"email": "m\u0430rcus.jensen@example.com"},
			map[string]string{"email": "MIXED_SCRIPT"}},
		{"Greek ο in a Latin domain label", map[string]any{"email": "marcus.jensen@exampl\u03bf.com"},
			map[string]string{"email": "MIXED_SCRIPT"}},
		{"mixed-script person e-mail", map[string]any{person + ".email": "marcus.j\u0435nsen@example.com"},
			map[string]string{person + ".email": "MIXED_SCRIPT"}},
		{"invisible character in a contact e-mail", map[string]any{person + ".contacts.0.value": "marcus.jensen\u200c@example.com"},
			map[string]string{person + ".contacts.0.value": "INVISIBLE_CHARACTER"}},
		{"invisible character in the username", map[string]any{"individualCustomer.user.username": "marcus.jensen\u200b@example.com"},
			map[string]string{"individualCustomer.user.username": "INVISIBLE_CHARACTER"}},
		{"mixed-script username", map[string]any{"individualCustomer.user.username": "m\u0430rcus"},
			map[string]string{"individualCustomer.user.username": "MIXED_SCRIPT"}},
		{"ANSI escape in a first name", map[string]any{"firstName": nil, person + ".firstName": "Marcus\x1b[31m"},
			map[string]string{person + ".firstName": "CONTROL_CHARACTER"}},
		{"C1 control in a last name", map[string]any{"lastName": nil, person + ".lastName": "Jen\u009bsen"},
			map[string]string{person + ".lastName": "CONTROL_CHARACTER"}},
		{"newline in a name", map[string]any{person + ".middleName": "Ole\nJohan"},
			map[string]string{person + ".middleName": "CONTROL_CHARACTER"}},
		{"Hangul filler as a name", map[string]any{"firstName": nil, person + ".firstName": "\u3164"},
			map[string]string{person + ".firstName": "INVISIBLE_CHARACTER"}},
		{"right-to-left override in a street", map[string]any{person + ".addresses.0.street": "123 \u202eteertS"},
			map[string]string{person + ".addresses.0.street": "INVISIBLE_CHARACTER"}},
		{"zero width joiner in a city", map[string]any{person + ".addresses.0.city": "Compliance\u200dCity"},
			map[string]string{person + ".addresses.0.city": "INVISIBLE_CHARACTER"}},
		{"bell in a postal code", map[string]any{person + ".addresses.0.postalCode": "123\a45"},
			map[string]string{person + ".addresses.0.postalCode": "CONTROL_CHARACTER"}},
		{"tab in the customer name", map[string]any{"individualCustomer.customerName": "Marcus\tJensen"},
			map[string]string{"individualCustomer.customerName": "CONTROL_CHARACTER"}},
		{"escape in the external reference", map[string]any{"externalReference": "crm\x1b]0;pwned\a"},
			map[string]string{"externalReference": "CONTROL_CHARACTER"}},
		{"soft hyphen in a tag", map[string]any{"tags": []any{"vip", "pre\u00admium"}},
			map[string]string{"tags.1": "INVISIBLE_CHARACTER"}},
		{"zero width space in a parameter value", map[string]any{params + ".3.value": "STAN\u200bDARD"},
			map[string]string{params + ".3.value": "INVISIBLE_CHARACTER"}},
		{"invisible characters in a phone number", map[string]any{"phone": "+370\u200b60012345"},
			map[string]string{"phone": "INVISIBLE_CHARACTER"}},
		{"control character in a date", map[string]any{person + ".dateOfBirth": "1990-05-15\x1b"},
			map[string]string{person + ".dateOfBirth": "CONTROL_CHARACTER"}},
		{"invisible character in a country", map[string]any{person + ".nationality": "L\u200bT"},
			map[string]string{person + ".nationality": "INVISIBLE_CHARACTER"}},
	}
	before := env.tableCounts(t)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			input := fixtureWith(t, "finhub-individual.json", tc.edits)
			r := env.register(input)
			assertProblems(t, r, tc.want)
			for _, e := range r.Errors {
				if e.Extensions["requestId"] == nil {
					t.Errorf("refusal without a requestId: %s", r.Raw)
				}
			}
		})
	}
	sameCounts(t, before, env.tableCounts(t))
}

func TestFullwidthLookAlikeOfALoginIsTheSameAccount(t *testing.T) {
	env := newRegistrationEnv(t)
	env.register(testutil.Fixture(t, "finhub-individual.json")).Into(t, &registered{})
	before := env.tableCounts(t)

	cases := []struct {
		name  string
		edits map[string]any
		field string
	}{
		{"one fullwidth letter", map[string]any{"email": "ｍarcus.jensen@example.com"}, "email"},
		{"all fullwidth, upper case", map[string]any{"email": "ＭＡＲＣＵＳ．ＪＥＮＳＥＮ＠ＥＸＡＭＰＬＥ．ＣＯＭ"}, "email"},
		{"fullwidth everywhere the fixture names it", map[string]any{
			"email":                              "marcus.jensen＠example.com",
			"individualCustomer.user.email":      "ｍａｒｃｕｓ.jensen@example.com",
			"individualCustomer.user.username":   "Marcus.Jensen@ＥＸＡＭＰＬＥ.com",
			"individualCustomer.person.email":    "marcus.jensen@example.ｃｏｍ",
			"individualCustomer.person.contacts": []any{map[string]any{"type": "EMAIL", "value": "ｍarcus.jensen@example.com"}},
		}, "email"},
		{"fullwidth username of another login", map[string]any{
			"email": "other@example.com", "individualCustomer.user.email": "other@example.com",
			"individualCustomer.user.username": "ｍａｒｃｕｓ.ｊｅｎｓｅｎ@example.com",
		}, "individualCustomer.user.username"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			input := fixtureWith(t, "finhub-individual.json", tc.edits)
			r := env.register(input)
			if len(r.Errors) != 1 || r.Errors[0].Code() != "CONFLICT" || r.Errors[0].Field() != tc.field {
				t.Fatalf("want one CONFLICT on %s, got %s", tc.field, r.Raw)
			}
		})
	}
	sameCounts(t, before, env.tableCounts(t))
}

func TestIdentitiesAreStoredNormalized(t *testing.T) {
	env := newRegistrationEnv(t)
	input := testutil.Fixture(t, "finhub-individual.json")
	set(t, input, "email", "ＡＮＮ.Ｌｅｅ＠Example.com")
	set(t, input, "individualCustomer.user", nil)
	set(t, input, "individualCustomer.person.email", nil)
	set(t, input, "individualCustomer.person.contacts", []any{map[string]any{"type": "EMAIL", "value": "Ａnn.Lee@example.com"}})
	var got registered
	env.register(input, "User-Agent", "form\u202e/2.1\u200b").Into(t, &got)
	c := got.RegisterIndividual.Customer
	if c.RegistrationUserAgent != "form/2.1" {
		t.Errorf("stored User-Agent %q keeps invisible characters", c.RegistrationUserAgent)
	}
	if c.User.Email != "ann.lee@example.com" || c.User.Username != "ann.lee@example.com" ||
		c.Person.Email != "ann.lee@example.com" || len(c.Person.Contacts) != 1 || c.Person.Contacts[0].Value != "ann.lee@example.com" {
		t.Fatalf("stored identities: user %q/%q, person %q, contacts %+v", c.User.Email, c.User.Username, c.Person.Email, c.Person.Contacts)
	}
	stored := env.Client().User.Query().Where(user.ID(got.RegisterIndividual.UserID)).OnlyX(env.As(env.tenantID))
	if stored.Email != "ann.lee@example.com" {
		t.Errorf("stored e-mail %q", stored.Email)
	}
}

// TestWritingThatNeedsItIsAccepted: the rules refuse look-alikes, not
// scripts. An address entirely in Cyrillic, a Persian name written with
// its zero width non-joiner and a Japanese name mixing kanji and kana
// register as they are.
func TestWritingThatNeedsItIsAccepted(t *testing.T) {
	env := newRegistrationEnv(t)
	input := testutil.Fixture(t, "finhub-individual.json")
	set(t, input, "email", "Иван.Петров@example.com")
	set(t, input, "individualCustomer.user", nil)
	set(t, input, "individualCustomer.person.email", nil)
	set(t, input, "individualCustomer.person.contacts", nil)
	set(t, input, "firstName", nil)
	set(t, input, "lastName", nil)
	set(t, input, "individualCustomer.customerName", nil)
	set(t, input, "individualCustomer.person.firstName", "مهدی")
	set(t, input, "individualCustomer.person.lastName", "می\u200cرزایی")
	set(t, input, "individualCustomer.person.middleName", "山田たろう")
	var got registered
	env.register(input).Into(t, &got)
	c := got.RegisterIndividual.Customer
	if c.User.Email != "иван.петров@example.com" || c.Person.LastName != "می\u200cرزایی" || c.Person.MiddleName != "山田たろう" {
		t.Fatalf("stored: e-mail %q, last name %q, middle name %q", c.User.Email, c.Person.LastName, c.Person.MiddleName)
	}
}

// TestBusinessDescriptionIsMultiLine: a description keeps its line breaks
// (CR LF read as LF) but not a control character.
func TestBusinessDescriptionIsMultiLine(t *testing.T) {
	env := newRegistrationEnv(t)
	const desc = "organizationCustomer.organization.businessDescription"
	bad := testutil.Fixture(t, "finhub-organization.json")
	set(t, bad, desc, "Software\n\x1b[2Jdevelopment")
	before := env.tableCounts(t)
	assertProblems(t, env.registerOrganization(bad), map[string]string{desc: "CONTROL_CHARACTER"})
	sameCounts(t, before, env.tableCounts(t))

	good := testutil.Fixture(t, "finhub-organization.json")
	set(t, good, desc, "Software development\r\n\tand consulting")
	var got registeredOrganization
	env.registerOrganization(good).Into(t, &got)
	org := env.Client().Organization.GetX(env.As(env.tenantID), got.RegisterOrganization.OrganizationID)
	if org.Description != "Software development\n\tand consulting" {
		t.Fatalf("stored description %q", org.Description)
	}
}

// TestCatalogTextRefusesHiddenCharacters: the catalog's text goes through
// the same rule, parameter definitions and values included, and its
// descriptions may span lines.
func TestCatalogTextRefusesHiddenCharacters(t *testing.T) {
	env := testutil.New(t)
	acme := env.Tenant("acme")
	token := env.Token([]string{"acme"}, testutil.AllScopes...)
	operator := env.Token([]string{"*"}, "tenants:admin")
	do := func(token, tenant, q string, vars map[string]any) *testutil.Response {
		return env.Do(testutil.Request{Token: token, TenantKey: tenant, Query: q, Variables: vars})
	}
	counts := func() map[string]int {
		ctx, c := env.As(acme), env.Client()
		return map[string]int{"features": c.Feature.Query().CountX(ctx), "categories": c.Category.Query().CountX(ctx),
			"roles": c.Role.Query().CountX(ctx)}
	}
	do(token, "acme", `mutation { createFeature(input: {code: "KYC", name: "KYC", parameters: [{name: "level", type: STRING}]}) { feature { id } } }`, nil).Into(t, &struct{}{})
	before := counts()

	const feature = `mutation($input: CreateFeatureInput!) { createFeature(input: $input) { feature { id description parameters { name description } } } }`
	const category = `mutation($input: CreateCategoryInput!) { createCategory(input: $input) { category { id description } } }`
	cases := []struct {
		name, query string
		input       map[string]any
		want        map[string]string
	}{
		{"feature name with an ANSI escape", feature, map[string]any{"code": "F1", "name": "Risk\x1b[5m"},
			map[string]string{"name": "CONTROL_CHARACTER"}},
		{"feature description with a bidi override", feature, map[string]any{"code": "F1", "name": "F", "description": "a\u202eb"},
			map[string]string{"description": "INVISIBLE_CHARACTER"}},
		{"parameter definition texts", feature, map[string]any{"code": "F1", "name": "F", "parameters": []any{
			map[string]any{"name": "le\u200bvel", "type": "STRING"},
			map[string]any{"name": "tier", "type": "STRING", "allowedValues": []any{"GOLD", "SILVER\u00ad"}, "defaultValue": "GOLD\x1b"},
			map[string]any{"name": "note", "type": "STRING", "description": "hidden\u2066text"},
		}}, map[string]string{
			"parameters.0.name":            "INVISIBLE_CHARACTER",
			"parameters.1.allowedValues.1": "INVISIBLE_CHARACTER",
			"parameters.1.defaultValue":    "CONTROL_CHARACTER",
			"parameters.2.description":     "INVISIBLE_CHARACTER",
		}},
		{"category texts and parametrization", category, map[string]any{"code": "C1", "name": "Cat\u200d", "customerType": "INDIVIDUAL",
			"description": "two\nlines\x07", "features": []any{map[string]any{"featureCode": "KYC",
				"parametrization": []any{map[string]any{"name": "level", "value": "L1\ufeff"}}}}},
			map[string]string{"name": "INVISIBLE_CHARACTER", "description": "CONTROL_CHARACTER",
				"features.0.parametrization.0.value": "INVISIBLE_CHARACTER"}},
		{"role name with a C1 control", `mutation($input: CreateRoleInput!) { createRole(input: $input) { role { id } } }`,
			map[string]any{"code": "AUDITOR", "name": "Auditor\u009b"}, map[string]string{"name": "CONTROL_CHARACTER"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			assertProblems(t, do(token, "acme", tc.query, map[string]any{"input": tc.input}), tc.want)
		})
	}
	t.Run("tenant name with a zero width space", func(t *testing.T) {
		assertProblems(t, do(operator, "", `mutation($input: CreateTenantInput!) { createTenant(input: $input) { tenant { id } } }`,
			map[string]any{"input": map[string]any{"key": "beta", "name": "Be\u200bta"}}), map[string]string{"name": "INVISIBLE_CHARACTER"})
	})
	sameCounts(t, before, counts())

	t.Run("descriptions keep their lines", func(t *testing.T) {
		var got struct {
			CreateFeature struct {
				Feature struct {
					Description string
					Parameters  []struct{ Name, Description string }
				}
			}
		}
		do(token, "acme", feature, map[string]any{"input": map[string]any{"code": "F2", "name": "F2",
			"description": "Line one\r\nLine two", "parameters": []any{map[string]any{"name": "p", "type": "STRING", "description": "a\n\tb"}}}}).Into(t, &got)
		f := got.CreateFeature.Feature
		if f.Description != "Line one\nLine two" || len(f.Parameters) != 1 || f.Parameters[0].Description != "a\n\tb" {
			t.Fatalf("feature: %+v", f)
		}
		var cat struct {
			CreateCategory struct{ Category struct{ Description string } }
		}
		do(token, "acme", category, map[string]any{"input": map[string]any{"code": "C2", "name": "C2", "customerType": "INDIVIDUAL",
			"description": "Line one\nLine two"}}).Into(t, &cat)
		if cat.CreateCategory.Category.Description != "Line one\nLine two" {
			t.Fatalf("category description %q", cat.CreateCategory.Category.Description)
		}
	})
}
