package compat_test

import (
	"fmt"
	"testing"

	"onboard/internal/testutil"
)

// readCustomerQuery reads back everything a registration stores, for the
// seed tables to find each field of a body.
const readCustomerQuery = `query Read($id: ID!) { node(id: $id) { ... on Customer {
	id type name status externalReference tags segment invitedBy createdBy registeredBy
	category { code externalID name description isActive }
	user { username email status isActive requiresPasswordChange twoFactorEnabled roles { code } }
	person { ...P employments { memberRole department organization { legalName customer { id } } } }
	organization {
		legalName tradingName registrationNumber taxID incorporationDate legalForm industry businessType description
		website email phone addresses { ...A } contacts { ...C }
		representatives { position isPrimaryOwner ownershipShare person { ...P } }
		employees { department memberRole roles { code } user { email } person { ...P } }
	}
	features { code enabled feature { code externalID } parameters { name value source } }
} } }
fragment P on Person {
	firstName middleName lastName email phone dateOfBirth gender nationality placeOfBirth
	phoneNumber { e164 countryCallingCode nationalNumber regionCode }
	addresses { ...A } contacts { ...C } identityDocuments { type number issuingCountry isPrimary }
}
fragment A on Address {
	type street line2 city state stateCode stateName postalCode country countryAlpha3 countryName countrySource addressLine isPrimary
}
fragment C on Contact { type value isPrimary operator purpose }`

// read reads customer id back through GraphQL, personal data included.
func (e *compatEnv) read(t *testing.T, id string) any {
	t.Helper()
	resp := e.Do(testutil.Request{Token: e.token, TenantKey: tenantKey, Query: readCustomerQuery, Variables: map[string]any{"id": id}})
	var out struct{ Node map[string]any }
	resp.Into(t, &out)
	if out.Node == nil {
		t.Fatalf("no customer %s: %s", id, resp.Raw)
	}
	return out.Node
}

// signsIn checks a password by signing in with it (createCustomerSession):
// the login exists and the password is the one sent.
func signsIn(t *testing.T, r *readBack, v any, _ []int) {
	username, _ := dig(r.customer, "user.username", nil).(string)
	if username == "" {
		t.Fatalf("no login user to sign in with the password")
	}
	resp := r.env.Do(testutil.Request{Token: r.env.token, TenantKey: tenantKey,
		Query:     `mutation($in: CreateCustomerSessionInput!) { createCustomerSession(input: $in) { customer { id } } }`,
		Variables: map[string]any{"in": map[string]any{"username": username, "password": v}}})
	if len(resp.Errors) > 0 {
		t.Errorf("signing in as %s with the body's password: %s", username, resp.Raw)
	}
}

// sibling is the body's value at path, resolved with the leaf's indexes.
func sibling(r *readBack, path string, idx []int) any { return dig(r.body, path, idx) }

// featureParameter checks that the feature of relation idx[0] carries the
// body's parameter idx[1] with its value, from the request.
func featureParameter(t *testing.T, r *readBack, _ any, idx []int) {
	rel := "individualCustomer.categorization.categoryFeatureRelations[*]"
	if dig(r.body, "organizationCustomer", nil) != nil {
		rel = "organizationCustomer.categorization.categoryFeatureRelations[*]"
	}
	code := sibling(r, rel+".feature.code", idx)
	name := sibling(r, rel+".parametrization[*].name", idx)
	value := sibling(r, rel+".parametrization[*].value", idx)
	features, _ := dig(r.customer, "features", nil).([]any)
	for _, f := range features {
		if dig(f, "code", nil) != code {
			continue
		}
		params, _ := dig(f, "parameters", nil).([]any)
		for _, p := range params {
			if dig(p, "name", nil) == name {
				if dig(p, "value", nil) != value || dig(p, "source", nil) != "REQUEST" {
					t.Errorf("feature %v parameter %v = %v (%v), want %v from the REQUEST", code, name, dig(p, "value", nil), dig(p, "source", nil), value)
				}
				return
			}
		}
	}
	t.Errorf("no feature %v with parameter %v among %v", code, name, features)
}

// featureEnabled checks the relation's feature is applied as enabled.
func featureEnabled(t *testing.T, r *readBack, v any, idx []int) {
	rel := "individualCustomer.categorization.categoryFeatureRelations[*]"
	if dig(r.body, "organizationCustomer", nil) != nil {
		rel = "organizationCustomer.categorization.categoryFeatureRelations[*]"
	}
	code := sibling(r, rel+".feature.code", idx)
	features, _ := dig(r.customer, "features", nil).([]any)
	for _, f := range features {
		if dig(f, "code", nil) == code {
			if dig(f, "enabled", nil) != v {
				t.Errorf("feature %v enabled = %v, want %v", code, dig(f, "enabled", nil), v)
			}
			return
		}
	}
	t.Errorf("no feature %v", code)
}

// categoryNamed checks the customer's category has the body's name as its
// name or code (a reference resolves either).
func categoryNamed(t *testing.T, r *readBack, v any, _ []int) {
	if dig(r.customer, "category.name", nil) != v && dig(r.customer, "category.code", nil) != v {
		t.Errorf("the category is %v, not named %v", dig(r.customer, "category", nil), v)
	}
}

// employeeFullName checks a FinHub employee's fullName is the stored
// person's names (the name is stored as its parts).
func employeeFullName(t *testing.T, r *readBack, v any, _ []int) {
	employees, _ := dig(r.customer, "organization.employees", nil).([]any)
	for _, e := range employees {
		if fmt.Sprint(dig(e, "person.firstName", nil))+" "+fmt.Sprint(dig(e, "person.lastName", nil)) == v {
			return
		}
	}
	t.Errorf("no employee whose names make the full name %v", v)
}

// phoneOfCountry checks a telephone's country is the region its number
// was read in: the stored number carries that country's calling code.
func phoneOfCountry(callingCode string) func(t *testing.T, r *readBack, v any, idx []int) {
	return func(t *testing.T, r *readBack, v any, idx []int) {
		if !found(r.customer, "organization.employees[].person.contacts[].value", nil, "+"+callingCode+"67890124") {
			t.Errorf("no employee telephone read in %v (+%s…)", v, callingCode)
		}
	}
}

var countryNames = map[string]string{"Lithuania": "LT", "LT": "LT"}

func alpha2(v any) any { return countryNames[v.(string)] }

// personHomes are the homes of a FinHub person's fields under prefix (in
// the body) at person (in the read).
func personHomes(prefix, person string) []home {
	return []home{
		{seed: prefix + ".firstName", read: person + ".firstName"},
		{seed: prefix + ".lastName", read: person + ".lastName"},
		{seed: prefix + ".email", read: person + ".email"},
		{seed: prefix + ".dateOfBirth", read: person + ".dateOfBirth"},
		{seed: prefix + ".gender", read: person + ".gender"},
		{seed: prefix + ".nationality", read: person + ".nationality", want: alpha2, how: "alpha-2"},
		{seed: prefix + ".addresses[*].type", read: person + ".addresses[*].type"},
		{seed: prefix + ".addresses[*].street", read: person + ".addresses[*].street"},
		{seed: prefix + ".addresses[*].city", read: person + ".addresses[*].city"},
		{seed: prefix + ".addresses[*].postalCode", read: person + ".addresses[*].postalCode"},
		{seed: prefix + ".addresses[*].country", read: person + ".addresses[*].country", want: alpha2, how: "alpha-2"},
		{seed: prefix + ".addresses[*].isPrimary", read: person + ".addresses[*].isPrimary"},
		{seed: prefix + ".contacts[*].type", read: person + ".contacts[*].type"},
		{seed: prefix + ".contacts[*].value", read: person + ".contacts[*].value"},
		{seed: prefix + ".contacts[*].isPrimary", read: person + ".contacts[*].isPrimary"},
	}
}

// userHomes are the homes of FinHub's login fields.
func userHomes(prefix string) []home {
	return []home{
		{seed: "email", read: "user.email"},
		{seed: "password", check: signsIn, how: "the login's password: signing in with it succeeds"},
		{seed: "matchingPassword", check: signsIn, how: "must equal password; signing in with it succeeds"},
		{seed: "roleIds[*]", read: "user.roles[].code", how: "a role of the login"},
		{seed: prefix + ".user.username", read: "user.username"},
		{seed: prefix + ".user.email", read: "user.email"},
		{seed: prefix + ".user.password", check: signsIn, how: "the login's password"},
		{seed: prefix + ".user.status", read: "user.status"},
		{seed: prefix + ".user.roles[*]", read: "user.roles[].code", how: "a role of the login"},
		{seed: prefix + ".user.isActive", read: "user.isActive"},
		{seed: prefix + ".user.requiresPasswordChange", read: "user.requiresPasswordChange"},
		{seed: prefix + ".user.twoFactorEnabled", read: "user.twoFactorEnabled"},
	}
}

// categoryHomes are the homes of FinHub's category references and
// feature parametrization.
func categoryHomes(prefix string) []home {
	c := prefix + ".categorization"
	r := c + ".categoryFeatureRelations[*]"
	return []home{
		{seed: "customerCategory.id", read: "category.externalID", how: "the category's external id"},
		{seed: "customerCategory.name", check: categoryNamed, how: "the category's name or code"},
		{seed: c + ".id", read: "category.externalID", how: "the category's external id"},
		{seed: c + ".name", check: categoryNamed, how: "the category's name or code"},
		{seed: c + ".description", read: "category.description", how: "describes the category (checked, not applied)"},
		{seed: c + ".isActive", read: "category.isActive", how: "describes the category (not applied)"},
		{seed: r + ".feature.id", read: "features[].feature.externalID", how: "an applied feature's external id"},
		{seed: r + ".feature.code", read: "features[].code", how: "an applied feature"},
		{seed: r + ".enabled", check: featureEnabled, how: "the applied feature is enabled"},
		{seed: r + ".parametrization[*].name", check: featureParameter, how: "features[code].parameters[name], source REQUEST"},
		{seed: r + ".parametrization[*].value", check: featureParameter, how: "features[code].parameters[name].value, source REQUEST"},
	}
}

func concat(parts ...[]home) []home {
	var out []home
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// finhubIndividualHomes: finhub-individual.json.
var finhubIndividualHomes = concat(
	[]home{
		{seed: "firstName", read: "person.firstName"},
		{seed: "lastName", read: "person.lastName"},
		{seed: "phone", read: "person.phone", how: "E.164"},
		{seed: "individualCustomer.customerName", read: "name"},
	},
	personHomes("individualCustomer.person", "person"),
	userHomes("individualCustomer"),
	categoryHomes("individualCustomer"),
)

// organizationHomes are the homes of a FinHub organization body.
var organizationHomes = concat(
	[]home{
		{seed: "organizationCustomer.customerName", read: "name"},
		{seed: "organizationCustomer.organization.legalName", read: "organization.legalName"},
		{seed: "organizationCustomer.organization.tradingName", read: "organization.tradingName"},
		{seed: "organizationCustomer.organization.registrationNumber", read: "organization.registrationNumber"},
		{seed: "organizationCustomer.organization.taxId", read: "organization.taxID"},
		{seed: "organizationCustomer.organization.incorporationDate", read: "organization.incorporationDate"},
		{seed: "organizationCustomer.organization.legalForm", read: "organization.legalForm"},
		{seed: "organizationCustomer.organization.industry", read: "organization.industry"},
		{seed: "organizationCustomer.organization.businessType", read: "organization.businessType"},
		{seed: "organizationCustomer.organization.businessDescription", read: "organization.description"},
		{seed: "organizationCustomer.organization.website", read: "organization.website"},
		{seed: "organizationCustomer.organization.email", read: "organization.email"},
		{seed: "organizationCustomer.organization.phone", read: "organization.phone", how: "E.164"},
		{seed: "organizationCustomer.organization.addresses[*].type", read: "organization.addresses[*].type"},
		{seed: "organizationCustomer.organization.addresses[*].street", read: "organization.addresses[*].street"},
		{seed: "organizationCustomer.organization.addresses[*].city", read: "organization.addresses[*].city"},
		{seed: "organizationCustomer.organization.addresses[*].postalCode", read: "organization.addresses[*].postalCode"},
		{seed: "organizationCustomer.organization.addresses[*].country", read: "organization.addresses[*].country", want: alpha2, how: "alpha-2"},
		{seed: "organizationCustomer.organization.addresses[*].isPrimary", read: "organization.addresses[*].isPrimary"},
		{seed: "organizationCustomer.organization.contacts[*].type", read: "organization.contacts[*].type"},
		{seed: "organizationCustomer.organization.contacts[*].value", read: "organization.contacts[*].value"},
		{seed: "organizationCustomer.organization.contacts[*].isPrimary", read: "organization.contacts[*].isPrimary"},
		{seed: "organizationCustomer.organization.representatives[*].firstName", read: "organization.representatives[*].person.firstName"},
		{seed: "organizationCustomer.organization.representatives[*].lastName", read: "organization.representatives[*].person.lastName"},
		{seed: "organizationCustomer.organization.representatives[*].position", read: "organization.representatives[*].position"},
		{seed: "organizationCustomer.organization.representatives[*].email", read: "organization.representatives[*].person.email"},
		{seed: "organizationCustomer.organization.representatives[*].phone", read: "organization.representatives[*].person.phone", how: "E.164"},
		{seed: "organizationCustomer.organization.representatives[*].dateOfBirth", read: "organization.representatives[*].person.dateOfBirth"},
		{seed: "organizationCustomer.organization.representatives[*].nationality", read: "organization.representatives[*].person.nationality", want: alpha2, how: "alpha-2"},
		{seed: "organizationCustomer.organization.representatives[*].isPrimaryOwner", read: "organization.representatives[*].isPrimaryOwner"},
		{seed: "organizationCustomer.organization.representatives[*].ownershipShare", read: "organization.representatives[*].ownershipShare"},
		// The one employee of finhub-organization-employees.json, among
		// the organization's employees (the admin is one too).
		{seed: "organizationCustomer.employees[*].person.firstName", read: "organization.employees[].person.firstName"},
		{seed: "organizationCustomer.employees[*].person.lastName", read: "organization.employees[].person.lastName"},
		{seed: "organizationCustomer.employees[*].person.email", read: "organization.employees[].person.email"},
		{seed: "organizationCustomer.employees[*].person.dateOfBirth", read: "organization.employees[].person.dateOfBirth"},
		{seed: "organizationCustomer.employees[*].person.nationality", read: "organization.employees[].person.nationality", want: alpha2, how: "alpha-2"},
		{seed: "organizationCustomer.employees[*].person.gender", read: "organization.employees[].person.gender", want: constant("UNKNOWN"), how: "ISO/IEC 5218 0 → UNKNOWN"},
		{seed: "organizationCustomer.employees[*].person.placeOfBirth", read: "organization.employees[].person.placeOfBirth"},
		{seed: "organizationCustomer.employees[*].person.fullName", check: employeeFullName, how: "not stored: it is firstName + lastName"},
		{seed: "organizationCustomer.employees[*].role", read: "organization.employees[].roles[].code", how: "a role of the employee"},
		{seed: "organizationCustomer.employees[*].roles[*]", read: "organization.employees[].roles[].code", how: "a role of the employee"},
		{seed: "organizationCustomer.employees[*].department", read: "organization.employees[].department"},
		{seed: "organizationCustomer.employees[*].addresses[*].type", read: "organization.employees[].person.addresses[].type"},
		{seed: "organizationCustomer.employees[*].addresses[*].street", read: "organization.employees[].person.addresses[].street"},
		{seed: "organizationCustomer.employees[*].addresses[*].city", read: "organization.employees[].person.addresses[].city"},
		{seed: "organizationCustomer.employees[*].addresses[*].postalCode", read: "organization.employees[].person.addresses[].postalCode"},
		{seed: "organizationCustomer.employees[*].addresses[*].country", read: "organization.employees[].person.addresses[].country"},
		{seed: "organizationCustomer.employees[*].addresses[*].isPrimary", read: "organization.employees[].person.addresses[].isPrimary"},
		{seed: "organizationCustomer.employees[*].telephoneNumbers[*].number", read: "organization.employees[].person.contacts[].value", how: "a contact, E.164"},
		{seed: "organizationCustomer.employees[*].telephoneNumbers[*].country", check: phoneOfCountry("370"), how: "the region the number is read in"},
		{seed: "organizationCustomer.employees[*].telephoneNumbers[*].phoneType", read: "organization.employees[].person.contacts[].type", want: constant("MOBILE"), how: "FinHub code 1 → MOBILE"},
		{seed: "organizationCustomer.employees[*].telephoneNumbers[*].operator", read: "organization.employees[].person.contacts[].operator"},
		{seed: "organizationCustomer.employees[*].telephoneNumbers[*].purpose", read: "organization.employees[].person.contacts[].purpose"},
		{seed: "organizationCustomer.employees[*].telephoneNumbers[*].isPrimary", read: "organization.employees[].person.contacts[].isPrimary"},
	},
	userHomes("organizationCustomer"),
	categoryHomes("organizationCustomer"),
)

// cryptomateHomes: cryptomate-individual.json.
var cryptomateHomes = []home{
	{seed: "first_name", read: "person.firstName"},
	{seed: "second_name", read: "person.middleName"},
	{seed: "last_name", read: "person.lastName"},
	{seed: "email", read: "person.email", how: "the person's e-mail (no login)"},
	{seed: "birth_date", read: "person.dateOfBirth"},
	{seed: "address.street_line1", read: "person.addresses[0].street"},
	{seed: "address.city", read: "person.addresses[0].city"},
	{seed: "address.postal_code", read: "person.addresses[0].postalCode"},
	{seed: "address.state", read: "person.addresses[0].stateCode", want: constant("AR-B"), how: "ISO 3166-2 AR-B (stateName Buenos Aires)"},
	{seed: "address.country", read: "person.addresses[0].countryAlpha3", how: "country AR, countryAlpha3 ARG"},
	{seed: "phone_country_code", read: "person.phoneNumber.countryCallingCode"},
	{seed: "phone_number", read: "person.phoneNumber.nationalNumber", want: digits, how: "the national number's digits (e164 +541168860622)"},
}

// walletsHomes: wallets-person.json, in a tenant whose defaultCountry is
// NG (the national phone number's country).
var walletsHomes = []home{
	{seed: "tenantUserId", read: "externalReference"},
	{seed: "email", read: "person.email", how: "the person's e-mail (no login)"},
	{seed: "firstName", read: "person.firstName"},
	{seed: "lastName", read: "person.lastName"},
	{seed: "middleName", read: "person.middleName"},
	{seed: "address.addressLine1", read: "person.addresses[0].street"},
	{seed: "address.addressLine2", read: "person.addresses[0].line2"},
	{seed: "address.state", read: "person.addresses[0].stateName", how: "stateCode US-CA, stateName California"},
	{seed: "address.city", read: "person.addresses[0].city"},
	{seed: "address.zipCode", read: "person.addresses[0].postalCode"},
	{seed: "identificationNumber", read: "person.identityDocuments[0].number", how: "an UNSPECIFIED identity document, the primary"},
	{seed: "phoneNumber", read: "person.phoneNumber.nationalNumber", want: constant("7036497792"), how: "national number of the tenant's defaultCountry: +2347036497792"},
	{seed: "userTag", read: "tags[0]", how: "a tag"},
	{seed: "dateOfBirth", read: "person.dateOfBirth", want: dateOnly, how: "the date of the date-time"},
	{seed: "gender", read: "person.gender"},
}

// pcxpayHomes: pcxpay-user.json.
var pcxpayHomes = []home{
	{seed: "email", read: "user.email", how: "the login e-mail (and the person's)"},
	{seed: "fname", read: "person.firstName"},
	{seed: "lname", read: "person.lastName"},
	{seed: "password", check: signsIn, how: "the login's password: signing in with it succeeds"},
	{seed: "date_of_birth", read: "person.dateOfBirth"},
	{seed: "role", read: "segment", how: "the customer's segment"},
	{seed: "type", read: "type", want: constant("INDIVIDUAL"), how: `"user": an individual customer`},
	{seed: "org_name", read: "person.employments[0].organization.legalName", how: "a new organization customer, the person its employee"},
	{seed: "org_member_role", read: "person.employments[0].memberRole", want: upper, how: "the employee's memberRole"},
	{seed: "phone_number", read: "person.phone", how: "E.164"},
	{seed: "address", read: "person.addresses[0].addressLine", how: "verbatim; parsed into street, city, state, postalCode"},
	{seed: "country", read: "person.addresses[0].country"},
	{seed: "id_type", read: "person.identityDocuments[0].type", want: upper, how: "passport → PASSPORT, the primary document"},
	{seed: "id_number", read: "person.identityDocuments[0].number"},
	{seed: "additional_id_type", read: "person.identityDocuments[1].type", want: upper, how: "drivers_license → DRIVERS_LICENSE"},
	{seed: "additional_id_number", read: "person.identityDocuments[1].number"},
}
