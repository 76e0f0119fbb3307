package server_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"

	"onboard/ent/customer"
	"onboard/ent/privacy"
	"onboard/ent/tenant"
	"onboard/ent/user"
	"onboard/internal/demo"
	"onboard/internal/testutil"
)

// registerIndividual selects the payload and the graph a registration writes.
const registerIndividual = `mutation Register($input: RegisterIndividualInput!) {
	registerIndividual(input: $input) {
		id userId personId status idempotentReplay
		user { id username status }
		customer {
			id type name status externalReference tags
			registrationIP registrationUserAgent registrationDeviceID registrationPlatform registrationSource registeredBy
			category { code }
			user { id email username status isActive roles { code } }
			person {
				id firstName middleName lastName email phone dateOfBirth gender nationality
				addresses { type street line2 city state postalCode country isPrimary }
				contacts { type value isPrimary }
				identityDocuments { type number issuingCountry }
			}
			features { code enabled feature { code } parameters { name value source } }
		}
	}
}`

// registered is the decoded registerIndividual payload.
type registered struct {
	RegisterIndividual struct {
		ID, UserID, PersonID, Status string
		IdempotentReplay             bool
		User                         struct{ ID, Username, Status string }
		Customer                     registeredCustomer
	}
}

// registeredCustomer is the stored graph of a registration.
type registeredCustomer struct {
	ID, Type, Name, Status                                      string
	ExternalReference                                           *string
	Tags                                                        []string
	RegistrationIP, RegistrationUserAgent, RegistrationDeviceID string
	RegistrationPlatform, RegistrationSource, RegisteredBy      string
	Category                                                    *struct{ Code string }
	User                                                        struct {
		ID, Email, Username, Status string
		IsActive                    bool
		Roles                       []struct{ Code string }
	}
	Person struct {
		ID, FirstName, MiddleName, LastName, Email, Phone string
		DateOfBirth, Gender, Nationality                  string
		Addresses                                         []struct {
			Type, Street, Line2, City, State, PostalCode, Country string
			IsPrimary                                             bool
		}
		Contacts []struct {
			Type, Value string
			IsPrimary   bool
		}
		IdentityDocuments []struct{ Type, Number, IssuingCountry string }
	}
	Features []struct {
		Code       string
		Enabled    bool
		Feature    struct{ Code string }
		Parameters []struct{ Name, Value, Source string }
	}
}

// registrationEnv is a fresh tenant "acme" with the fixtures' catalog and
// a token that may register and read.
type registrationEnv struct {
	*testutil.Env
	// token is a back office's: it also holds customers:manage, because
	// FinHub's organization fixtures grant an employee
	// TRANSACTION_APPROVER and their admin ADMIN_USER, which the tenant
	// lets only its back office grant (ROLE_NOT_SELF_ASSIGNABLE).
	tenantID, token string
	// selfService is a registrant's own token: customers:register and
	// customers:read, without customers:manage.
	selfService string
	// manager is a token with customers:manage, customers:read and pii:read.
	manager string
}

func newRegistrationEnv(t testing.TB) *registrationEnv {
	t.Helper()
	return newRegistrationEnvWith(t, testutil.Options{})
}

// newRegistrationEnvWith is newRegistrationEnv with server options.
func newRegistrationEnvWith(t testing.TB, opts testutil.Options) *registrationEnv {
	t.Helper()
	env := testutil.NewWith(t, opts)
	id := env.Tenant("acme")
	if err := demo.SeedCatalog(env.As(id), env.Client()); err != nil {
		t.Fatalf("seeding the catalog: %v", err)
	}
	return &registrationEnv{Env: env, tenantID: id,
		token:       env.Token([]string{"acme"}, "customers:register", "customers:manage", "customers:read", "pii:read", "catalog:write"),
		selfService: env.Token([]string{"acme"}, "customers:register", "customers:read", "pii:read"),
		manager:     env.Token([]string{"acme"}, "customers:manage", "customers:read", "pii:read")}
}

// register sends registerIndividual with input and optional headers
// (name, value pairs).
func (e *registrationEnv) register(input map[string]any, header ...string) *testutil.Response {
	return e.mutate(registerIndividual, input, header...)
}

// mutate sends a registration mutation with input as $input and optional
// headers (name, value pairs).
func (e *registrationEnv) mutate(query string, input map[string]any, header ...string) *testutil.Response {
	h := http.Header{}
	for i := 0; i+1 < len(header); i += 2 {
		h.Set(header[i], header[i+1])
	}
	return e.Do(testutil.Request{Token: e.token, TenantKey: "acme", Query: query,
		Variables: map[string]any{"input": input}, Header: h})
}

// count returns how many customers, persons and users the tenant has.
func (e *registrationEnv) count(t *testing.T) (customers, persons, users int) {
	t.Helper()
	ctx, c := e.As(e.tenantID), e.Client()
	customers = c.Customer.Query().CountX(ctx)
	persons = c.Person.Query().CountX(ctx)
	users = c.User.Query().CountX(ctx)
	return
}

const fixturePassword = "SecurePass123!"

func TestRegisterIndividualFinHubFixture(t *testing.T) {
	env := newRegistrationEnv(t)
	input := testutil.Fixture(t, "finhub-individual.json")
	r := env.register(input,
		"User-Agent", "onboarding-form/2.1",
		"X-Forwarded-From", "web-signup",
		"platform", "ios",
		"deviceId", "device-42")
	var got registered
	r.Into(t, &got)
	p := got.RegisterIndividual
	c := p.Customer

	want(t, "id prefix", p.ID[:4], "cus_")
	want(t, "customer id", c.ID, p.ID)
	want(t, "userId", p.UserID, c.User.ID)
	want(t, "personId", p.PersonID, c.Person.ID)
	want(t, "status", p.Status, "REGISTRATION_COMPLETE")
	want(t, "replay", p.IdempotentReplay, false)
	want(t, "user", p.User.Username+" "+p.User.Status, "marcus.jensen@example.com PENDING_ACTIVATION")
	want(t, "type", c.Type, "INDIVIDUAL")
	want(t, "name", c.Name, "Marcus Jensen")
	want(t, "customer status", c.Status, "PENDING_VERIFICATION")
	want(t, "category", c.Category.Code, "MEDIUM_RISK_INDIVIDUAL")
	want(t, "context", []string{c.RegistrationIP, c.RegistrationUserAgent, c.RegistrationSource, c.RegistrationPlatform, c.RegistrationDeviceID, c.RegisteredBy},
		[]string{"192.0.2.1", "onboarding-form/2.1", "web-signup", "ios", "device-42", "test"})
	want(t, "user email", c.User.Email, "marcus.jensen@example.com")
	want(t, "roles", codes(c.User.Roles), "ACCOUNT_OWNER,USER")
	per := c.Person
	want(t, "person", []string{per.FirstName, per.LastName, per.Email, per.Phone, per.DateOfBirth, per.Gender, per.Nationality},
		[]string{"Marcus", "Jensen", "marcus.jensen@example.com", "+37060012345", "1990-05-15", "MALE", "LT"})
	if len(per.Addresses) != 1 || per.Addresses[0].Country != "LT" || !per.Addresses[0].IsPrimary || per.Addresses[0].Street != "123 Medium Risk Street" {
		t.Errorf("addresses: %+v", per.Addresses)
	}
	if len(per.Contacts) != 2 {
		t.Errorf("contacts: %+v", per.Contacts)
	}

	// The category's one feature, with the request's values and the
	// category's default for the parameter the request left out.
	if len(c.Features) != 1 || c.Features[0].Code != "MEDIUM_RISK_PROFILE" || c.Features[0].Feature.Code != "MEDIUM_RISK_PROFILE" {
		t.Fatalf("features: %+v", c.Features)
	}
	params := map[string]string{}
	for _, p := range c.Features[0].Parameters {
		params[p.Name] = p.Value + "/" + p.Source
	}
	for name, value := range map[string]string{
		"riskLevel": "MEDIUM/REQUEST", "riskScore": "55/REQUEST", "pep": "false/REQUEST",
		"sanctionsCheck": "STANDARD/REQUEST", "monthlyLimit": "20000/REQUEST",
	} {
		want(t, "parameter "+name, params[name], value)
	}
	if src := params["monitoring"]; !strings.HasSuffix(src, "/CATEGORY_DEFAULT") {
		t.Errorf("monitoring = %q, want the category's default", src)
	}

	// Neither the password nor its hash leaves the server or reaches a log.
	for where, text := range map[string]string{"response": r.Raw, "log": env.Logs()} {
		if strings.Contains(text, fixturePassword) || strings.Contains(text, "argon2") {
			t.Errorf("the %s contains the password or its hash", where)
		}
	}
	stored := env.Client().User.Query().Where(user.ID(p.UserID)).OnlyX(env.As(env.tenantID))
	if !strings.HasPrefix(stored.PasswordHash, "$argon2id$") || strings.Contains(stored.PasswordHash, fixturePassword) {
		t.Errorf("stored password is not an argon2id hash")
	}
}

// set changes input at a dotted path ("individualCustomer.person.addresses.0.city").
// A nil value removes the key.
// fixtureWith reads the fixture name from testdata/ and sets each of
// edits (dotted path → value) in it.
func fixtureWith(t testing.TB, name string, edits map[string]any) map[string]any {
	t.Helper()
	input := testutil.Fixture(t, name)
	for path, v := range edits {
		set(t, input, path, v)
	}
	return input
}

func set(t testing.TB, input map[string]any, path string, value any) {
	t.Helper()
	parts := strings.Split(path, ".")
	var node any = input
	for i, part := range parts {
		last := i == len(parts)-1
		switch n := node.(type) {
		case map[string]any:
			if last {
				if value == nil {
					delete(n, part)
				} else {
					n[part] = value
				}
				return
			}
			if n[part] == nil {
				n[part] = map[string]any{}
			}
			node = n[part]
		case []any:
			idx, err := strconv.Atoi(part)
			if err != nil || idx >= len(n) {
				t.Fatalf("bad path %s", path)
			}
			if last {
				n[idx] = value
				return
			}
			node = n[idx]
		default:
			t.Fatalf("bad path %s", path)
		}
	}
}

// seedRuleCatalog adds the categories the individual rule cases name to
// env's catalog: a feature with a mandatory parameter and no default, one
// whose mandatory parameter has only the feature's default, a disabled
// relation, an inactive category and two categories sharing a name.
func seedRuleCatalog(t *testing.T, env *registrationEnv) {
	t.Helper()
	env.Do(testutil.Request{Token: env.token, TenantKey: "acme", Query: `mutation {
		f1: createFeature(input: {code: "KYC_LEVEL", name: "KYC level", parameters: [{name: "level", type: STRING, mandatory: true, allowedValues: ["L1", "L2"]}]}) { feature { id } }
		f2: createFeature(input: {code: "KYC_DEFAULTED", name: "KYC defaulted", parameters: [{name: "level", type: STRING, mandatory: true, defaultValue: "L1"}]}) { feature { id } }
		a: createCategory(input: {code: "NEEDS_LEVEL", name: "Needs level", customerType: INDIVIDUAL, features: [{featureCode: "KYC_LEVEL"}]}) { category { id } }
		b: createCategory(input: {code: "RETIRED", name: "Retired", customerType: INDIVIDUAL, isActive: false}) { category { id } }
		c: createCategory(input: {code: "DISABLED_KYC", name: "Disabled KYC", customerType: INDIVIDUAL, features: [{featureCode: "KYC_LEVEL", enabled: false, parametrization: [{name: "level", value: "L1"}]}]}) { category { id } }
		d: createCategory(input: {code: "DEFAULTED", name: "Defaulted", customerType: INDIVIDUAL, features: [{featureCode: "KYC_DEFAULTED"}]}) { category { id } }
		e: createCategory(input: {code: "TWIN_A", name: "Twin", customerType: INDIVIDUAL}) { category { id } }
		f: createCategory(input: {code: "TWIN_B", name: "Twin", customerType: INDIVIDUAL}) { category { id } }
	}`}).Into(t, &struct{}{})
}

// registrationCase is an input a registration refuses: its fixture with
// edits (dotted path → value, nil removes), and the reasons expected on
// each field (several joined with commas, in order).
type registrationCase struct {
	name  string
	edits map[string]any
	want  map[string]string
}

// individualRuleCases are finhub-individual.json broken one rule (or
// several) at a time, against the catalog of seedRuleCatalog.
var individualRuleCases = []registrationCase{
	{"several problems at once", map[string]any{
		"email":                                      "not-an-email",
		"password":                                   "short",
		"matchingPassword":                           "other",
		"individualCustomer.person.dateOfBirth":      "2099-01-01",
		"individualCustomer.person.gender":           "DRAGON",
		"individualCustomer.person.nationality":      "Atlantis",
		"individualCustomer.person.lastName":         "Jen\x00sen",
		"individualCustomer.person.addresses.0.city": strings.Repeat("x", 1000),
		"individualCustomer.person.contacts.1.value": "12",
		"individualCustomer.user.password":           "Different123!",
		"individualCustomer.user.email":              nil,
		"individualCustomer.person.email":            nil,
		"individualCustomer.user.status":             "BANNED",
		"roleIds":                                    []any{"ACCOUNT_OWNER", "OVERLORD"},
	}, map[string]string{
		"email":                                      "INVALID_EMAIL",
		"password":                                   "PASSWORD_TOO_SHORT,PASSWORD_TOO_WEAK",
		"matchingPassword":                           "PASSWORD_MISMATCH",
		"individualCustomer.person.dateOfBirth":      "DATE_IN_FUTURE",
		"individualCustomer.person.gender":           "INVALID_GENDER",
		"individualCustomer.person.nationality":      "UNKNOWN_COUNTRY",
		"individualCustomer.person.lastName":         "CONTAINS_NUL",
		"individualCustomer.person.addresses.0.city": "TOO_LONG",
		"individualCustomer.person.contacts.1.value": "INVALID_PHONE",
		"individualCustomer.user.password":           "PASSWORD_MISMATCH",
		"individualCustomer.user.status":             "INVALID_VALUE",
		"roleIds.1":                                  "UNKNOWN_ROLE",
	}},
	{"weak password", map[string]any{"password": "alllowercase1", "matchingPassword": "alllowercase1", "individualCustomer.user.password": "alllowercase1"},
		map[string]string{"password": "PASSWORD_TOO_WEAK"}},
	{"missing required values", map[string]any{"email": nil, "password": nil, "matchingPassword": nil, "individualCustomer.user.password": nil,
		"individualCustomer.person.firstName": "  ", "firstName": nil, "individualCustomer.person.addresses": []any{}},
		map[string]string{"email": "REQUIRED", "password": "REQUIRED", "individualCustomer.person.firstName": "REQUIRED",
			"individualCustomer.person.addresses": "REQUIRED"}},
	{"missing customer", map[string]any{"individualCustomer": nil}, map[string]string{"individualCustomer": "REQUIRED"}},
	{"missing person", map[string]any{"individualCustomer.person": nil}, map[string]string{"individualCustomer.person": "REQUIRED"}},
	{"too young", map[string]any{"individualCustomer.person.dateOfBirth": "2015-06-01"},
		map[string]string{"individualCustomer.person.dateOfBirth": "TOO_YOUNG"}},
	{"not a date", map[string]any{"individualCustomer.person.dateOfBirth": "1990-02-30"},
		map[string]string{"individualCustomer.person.dateOfBirth": "INVALID_DATE"}},
	{"login e-mail differs from the user's", map[string]any{"individualCustomer.user.email": "someone.else@example.com"},
		map[string]string{"individualCustomer.user.email": "EMAIL_MISMATCH"}},
	{"names differ", map[string]any{"firstName": "Mark"}, map[string]string{"firstName": "NAME_MISMATCH"}},
	{"two primary addresses", map[string]any{"individualCustomer.person.addresses": []any{
		map[string]any{"street": "1 A St", "city": "Vilnius", "country": "LT", "isPrimary": true},
		map[string]any{"street": "2 B St", "city": "Kaunas", "country": "LTU", "isPrimary": true},
	}}, map[string]string{"individualCustomer.person.addresses.1.isPrimary": "MULTIPLE_PRIMARY"}},
	{"two primary e-mails", map[string]any{"individualCustomer.person.contacts": []any{
		map[string]any{"type": "EMAIL", "value": "a@example.com", "isPrimary": true},
		map[string]any{"type": "EMAIL", "value": "b@example.com", "isPrimary": true},
		map[string]any{"type": "PHONE", "value": "+37060012345", "isPrimary": true},
	}}, map[string]string{"individualCustomer.person.contacts.1.isPrimary": "MULTIPLE_PRIMARY"}},
	{"unknown contact and document types", map[string]any{
		"individualCustomer.person.contacts.0.type":   "PIGEON",
		"individualCustomer.person.identityDocuments": []any{map[string]any{"type": "LIBRARY_CARD", "number": "1"}},
	}, map[string]string{"individualCustomer.person.contacts.0.type": "INVALID_VALUE", "individualCustomer.person.identityDocuments.0.type": "INVALID_VALUE"}},
	{"unknown user role", map[string]any{"individualCustomer.user.roles": []any{"USER", "NOPE"}},
		map[string]string{"individualCustomer.user.roles.1": "UNKNOWN_ROLE"}},
	{"too many tags", map[string]any{"tags": manyStrings(51)}, map[string]string{"tags": "TOO_MANY"}},
	{"unknown category", map[string]any{"customerCategory.id": "no-such-category", "individualCustomer.categorization": nil},
		map[string]string{"customerCategory.id": "NOT_FOUND"}},
	{"category parts disagree", map[string]any{"customerCategory.name": "Low Risk Individual"},
		map[string]string{"customerCategory.name": "REFERENCE_MISMATCH"}},
	{"the two category references disagree", map[string]any{"customerCategory": map[string]any{"code": "LOW_RISK_INDIVIDUAL"}},
		map[string]string{"individualCustomer.categorization": "CATEGORY_MISMATCH"}},
	{"category for organizations", map[string]any{"customerCategory": map[string]any{"name": "Small Business"}, "individualCustomer.categorization": nil},
		map[string]string{"customerCategory": "CATEGORY_TYPE_MISMATCH"}},
	{"inactive category", map[string]any{"customerCategory": map[string]any{"code": "RETIRED"}, "individualCustomer.categorization": nil},
		map[string]string{"customerCategory": "CATEGORY_INACTIVE"}},
	{"disallowed, out-of-range and unknown parameters", map[string]any{
		"individualCustomer.categorization.categoryFeatureRelations.0.parametrization": []any{
			map[string]any{"name": "riskLevel", "value": "EXTREME"},
			map[string]any{"name": "riskScore", "value": "500"},
			map[string]any{"name": "pep", "value": "maybe"},
			map[string]any{"name": "favouriteColour", "value": "blue"},
		}}, map[string]string{
		"individualCustomer.categorization.categoryFeatureRelations.0.parametrization.0.value": "PARAMETER_VALUE_NOT_ALLOWED",
		"individualCustomer.categorization.categoryFeatureRelations.0.parametrization.1.value": "PARAMETER_OUT_OF_RANGE",
		"individualCustomer.categorization.categoryFeatureRelations.0.parametrization.2.value": "INVALID_PARAMETER_VALUE",
		"individualCustomer.categorization.categoryFeatureRelations.0.parametrization.3.name":  "UNKNOWN_PARAMETER",
	}},
	{"feature the category does not have", map[string]any{
		"individualCustomer.categorization.categoryFeatureRelations.0.feature": map[string]any{"code": "BUSINESS_RISK_ASSESSMENT"},
	}, map[string]string{"individualCustomer.categorization.categoryFeatureRelations.0.feature": "FEATURE_NOT_IN_CATEGORY"}},
	{"feature disabled by the request", map[string]any{
		"individualCustomer.categorization.categoryFeatureRelations.0.enabled": false,
	}, map[string]string{"individualCustomer.categorization.categoryFeatureRelations.0.enabled": "FEATURE_STATE_MISMATCH"}},
	{"mandatory parameter without a value", map[string]any{"customerCategory": map[string]any{"code": "NEEDS_LEVEL"}, "individualCustomer.categorization": nil},
		map[string]string{"individualCustomer.categorization.categoryFeatureRelations": "MISSING_PARAMETER"}},
	{"a mandatory parameter is not satisfied by the feature's own default", map[string]any{"customerCategory": map[string]any{"code": "DEFAULTED"}, "individualCustomer.categorization": nil},
		map[string]string{"individualCustomer.categorization.categoryFeatureRelations": "MISSING_PARAMETER"}},
	{"parameters for a feature the category disabled", map[string]any{"customerCategory": map[string]any{"code": "DISABLED_KYC"},
		"individualCustomer.categorization": map[string]any{"categoryFeatureRelations": []any{
			map[string]any{"feature": map[string]any{"code": "KYC_LEVEL"}, "parametrization": []any{map[string]any{"name": "level", "value": "L2"}}}}}},
		map[string]string{"individualCustomer.categorization.categoryFeatureRelations.0.feature": "FEATURE_DISABLED"}},
	{"a category name several categories share", map[string]any{"customerCategory": map[string]any{"name": "Twin"}, "individualCustomer.categorization": nil},
		map[string]string{"customerCategory.name": "AMBIGUOUS_REFERENCE"}},
	{"unclean, over-long and empty parameter values", map[string]any{
		"individualCustomer.categorization.categoryFeatureRelations.0.parametrization": []any{
			map[string]any{"name": "riskLevel", "value": ""},
			map[string]any{"name": "sanctionsCheck", "value": "STAN\x00DARD"},
			map[string]any{"name": "monitoring", "value": strings.Repeat("x", 1001)},
			map[string]any{"name": "pep\x00", "value": "true"},
		}}, map[string]string{
		"individualCustomer.categorization.categoryFeatureRelations.0.parametrization.0.value": "PARAMETER_VALUE_NOT_ALLOWED",
		"individualCustomer.categorization.categoryFeatureRelations.0.parametrization.1.value": "CONTAINS_NUL",
		"individualCustomer.categorization.categoryFeatureRelations.0.parametrization.2.value": "TOO_LONG",
		"individualCustomer.categorization.categoryFeatureRelations.0.parametrization.3.name":  "CONTAINS_NUL",
	}},
	{"multi-byte text over its limit", map[string]any{"firstName": nil, "individualCustomer.person.firstName": strings.Repeat("é", 101),
		"individualCustomer.person.addresses.0.street": strings.Repeat("ü", 201)},
		map[string]string{"individualCustomer.person.firstName": "TOO_LONG", "individualCustomer.person.addresses.0.street": "TOO_LONG"}},
}

func TestRegisterIndividualRules(t *testing.T) {
	env := newRegistrationEnv(t)
	seedRuleCatalog(t, env)
	for _, tc := range individualRuleCases {
		t.Run(tc.name, func(t *testing.T) {
			input := fixtureWith(t, "finhub-individual.json", tc.edits)
			assertProblems(t, env.register(input), tc.want)
		})
	}
	if c, p, u := env.count(t); c+p+u != 0 {
		t.Errorf("rejected registrations left rows: %d customers, %d persons, %d users", c, p, u)
	}

	t.Run("the tenant's minimum age applies", func(t *testing.T) {
		ctx := privacy.DecisionContext(env.As(env.tenantID), privacy.Allow) // tenants are changed by operators
		env.Client().Tenant.Update().Where(tenant.ID(env.tenantID)).SetMinimumAge(40).ExecX(ctx)
		defer env.Client().Tenant.Update().Where(tenant.ID(env.tenantID)).SetMinimumAge(18).ExecX(ctx)
		assertProblems(t, env.register(testutil.Fixture(t, "finhub-individual.json")),
			map[string]string{"individualCustomer.person.dateOfBirth": "TOO_YOUNG"})
	})

	t.Run("a mandatory parameter given in the request", func(t *testing.T) {
		input := testutil.Fixture(t, "finhub-individual.json")
		set(t, input, "customerCategory", map[string]any{"code": "NEEDS_LEVEL"})
		set(t, input, "individualCustomer.categorization", map[string]any{"categoryFeatureRelations": []any{
			map[string]any{"feature": map[string]any{"code": "KYC_LEVEL"}, "parametrization": []any{map[string]any{"name": "level", "value": "L2"}}},
		}})
		var got registered
		env.register(input).Into(t, &got)
		f := got.RegisterIndividual.Customer.Features
		if len(f) != 1 || len(f[0].Parameters) != 1 || f[0].Parameters[0].Value != "L2" || f[0].Parameters[0].Source != "REQUEST" {
			t.Fatalf("features: %+v", f)
		}
	})
}

func manyStrings(n int) []any {
	out := make([]any, n)
	for i := range out {
		out[i] = "tag" + strconv.Itoa(i)
	}
	return out
}

func TestRegisterIndividualWithoutCategoryGetsTheDefault(t *testing.T) {
	env := newRegistrationEnv(t)
	input := testutil.Fixture(t, "finhub-individual.json")
	set(t, input, "customerCategory", nil)
	set(t, input, "individualCustomer.categorization", nil)
	set(t, input, "roleIds", nil)
	set(t, input, "individualCustomer.user", nil)
	var got registered
	env.register(input).Into(t, &got)
	c := got.RegisterIndividual.Customer
	if c.Category == nil || c.Category.Code != "LOW_RISK_INDIVIDUAL" {
		t.Fatalf("category: %+v", c.Category)
	}
	if len(c.Features) == 0 {
		t.Fatal("the default category's features were not applied")
	}
	for _, p := range c.Features[0].Parameters {
		if p.Source == "REQUEST" {
			t.Errorf("parameter %s has source REQUEST but the request gave none", p.Name)
		}
	}
	if len(c.User.Roles) != 2 {
		t.Errorf("default roles: %+v", c.User.Roles)
	}
}

// conflictCase is an input that collides with a registration made
// before: its fixture with edits, and the one field the CONFLICT is on.
type conflictCase struct {
	name  string
	edits map[string]any
	field string
}

// conflictBaseEdits make finhub-individual.json the customer
// individualConflictCases collide with (registerConflictBase).
var conflictBaseEdits = map[string]any{"externalReference": "crm-1"}

// registerConflictBase registers finhub-individual.json with
// conflictBaseEdits.
func registerConflictBase(t *testing.T, env *registrationEnv) {
	t.Helper()
	env.register(fixtureWith(t, "finhub-individual.json", conflictBaseEdits)).Into(t, &registered{})
}

// individualConflictCases collide with registerConflictBase's customer.
var individualConflictCases = []conflictCase{
	{"same login e-mail, other case", map[string]any{"email": "Marcus.Jensen@EXAMPLE.com", "externalReference": "crm-2"}, "email"},
	{"same external reference", map[string]any{
		"email": "other@example.com", "individualCustomer.user.email": "other@example.com",
		"individualCustomer.user.username": "other@example.com", "externalReference": "crm-1",
	}, "externalReference"},
	{"same username", map[string]any{"email": "other@example.com", "individualCustomer.user.email": "other@example.com"},
		"individualCustomer.user.username"},
}

func TestRegisterIndividualConflicts(t *testing.T) {
	env := newRegistrationEnv(t)
	registerConflictBase(t, env)
	for _, tc := range individualConflictCases {
		t.Run(tc.name, func(t *testing.T) {
			input := fixtureWith(t, "finhub-individual.json", tc.edits)
			r := env.register(input)
			if len(r.Errors) != 1 || r.Errors[0].Code() != "CONFLICT" || r.Errors[0].Field() != tc.field {
				t.Fatalf("want one CONFLICT on %s, got %s", tc.field, r.Raw)
			}
		})
	}
	if c, p, u := env.count(t); c != 1 || p != 1 || u != 1 {
		t.Errorf("conflicting registrations left rows: %d customers, %d persons, %d users", c, p, u)
	}
}

func TestRegisterIndividualIdempotency(t *testing.T) {
	env := newRegistrationEnv(t)
	input := testutil.Fixture(t, "finhub-individual.json")
	var first, again registered
	env.register(input, "Idempotency-Key", "key-1").Into(t, &first)
	env.register(input, "Idempotency-Key", "key-1").Into(t, &again)
	if !again.RegisterIndividual.IdempotentReplay || again.RegisterIndividual.ID != first.RegisterIndividual.ID ||
		again.RegisterIndividual.UserID != first.RegisterIndividual.UserID || first.RegisterIndividual.IdempotentReplay {
		t.Fatalf("replay: first %+v, again %+v", first.RegisterIndividual, again.RegisterIndividual)
	}
	if c, _, _ := env.count(t); c != 1 {
		t.Fatalf("%d customers after a replay", c)
	}

	reused := func(t *testing.T, r *testutil.Response) {
		t.Helper()
		if len(r.Errors) != 1 || r.Errors[0].Code() != "CONFLICT" || r.Errors[0].Reason() != "IDEMPOTENCY_KEY_REUSED" {
			t.Fatalf("want IDEMPOTENCY_KEY_REUSED, got %s", r.Raw)
		}
	}
	t.Run("same key, other input", func(t *testing.T) {
		other := testutil.Fixture(t, "finhub-individual.json")
		set(t, other, "phone", "+37060012346")
		reused(t, env.register(other, "Idempotency-Key", "key-1"))
	})
	t.Run("same key, same input but another password", func(t *testing.T) {
		other := testutil.Fixture(t, "finhub-individual.json")
		for _, p := range []string{"password", "matchingPassword", "individualCustomer.user.password"} {
			set(t, other, p, "OtherPass456?")
		}
		reused(t, env.register(other, "Idempotency-Key", "key-1"))
	})
	t.Run("key too long", func(t *testing.T) {
		r := env.register(input, "Idempotency-Key", strings.Repeat("k", 256))
		if len(r.Errors) != 1 || r.Errors[0].Code() != "BAD_USER_INPUT" || r.Errors[0].Reason() != "IDEMPOTENCY_KEY_TOO_LONG" {
			t.Fatalf("got %s", r.Raw)
		}
	})
	t.Run("keys are per tenant", func(t *testing.T) {
		other := env.Tenant("globex")
		if err := demo.SeedCatalog(env.As(other), env.Client()); err != nil {
			t.Fatal(err)
		}
		r := env.Do(testutil.Request{Token: env.Token([]string{"globex"}, "customers:register", "customers:read"), TenantKey: "globex",
			Query: registerIndividual, Variables: map[string]any{"input": input}, Header: http.Header{"Idempotency-Key": {"key-1"}}})
		var got registered
		r.Into(t, &got)
		if got.RegisterIndividual.IdempotentReplay || got.RegisterIndividual.ID == first.RegisterIndividual.ID {
			t.Fatalf("another tenant's key was replayed: %s", r.Raw)
		}
	})
	t.Run("concurrent requests with one key make one customer", func(t *testing.T) {
		in := testutil.Fixture(t, "finhub-individual.json")
		for _, p := range []string{"email", "individualCustomer.user.email", "individualCustomer.user.username"} {
			set(t, in, p, "concurrent@example.com")
		}
		ids := make([]string, 6)
		var wg sync.WaitGroup
		for i := range ids {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r := env.register(in, "Idempotency-Key", "key-concurrent")
				var got registered
				if err := json.Unmarshal(r.Data, &got); err != nil || len(r.Errors) > 0 {
					t.Errorf("request %d: %s", i, r.Raw)
					return
				}
				ids[i] = got.RegisterIndividual.ID
			}()
		}
		wg.Wait()
		for _, id := range ids {
			if id != ids[0] {
				t.Fatalf("different customers for one key: %v", ids)
			}
		}
		n := env.Client().Customer.Query().Where(customer.HasUserWith(user.Email("concurrent@example.com"))).CountX(env.As(env.tenantID))
		if n != 1 {
			t.Fatalf("%d customers for one key", n)
		}
	})
}

func TestConcurrentRegistrationsWithOneEmail(t *testing.T) {
	env := newRegistrationEnv(t)
	const n = 20
	codes := make([]string, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := env.register(testutil.Fixture(t, "finhub-individual.json"))
			switch {
			case len(r.Errors) == 0:
				codes[i] = "OK"
			case len(r.Errors) == 1:
				// The unique index inside the transaction and the check
				// before hashing must answer alike, whichever caught it.
				e := r.Errors[0]
				codes[i] = e.Code() + " " + e.Field() + " " + e.Reason() + " " + e.Message
			default:
				codes[i] = r.Raw
			}
		}()
	}
	wg.Wait()
	ok, conflicts := 0, 0
	for _, c := range codes {
		switch c {
		case "OK":
			ok++
		case "CONFLICT email ALREADY_EXISTS this value is already used in the tenant":
			conflicts++
		default:
			t.Errorf("unexpected outcome: %s", c)
		}
	}
	if ok != 1 || conflicts != n-1 {
		t.Errorf("%d succeeded and %d conflicted, want 1 and %d", ok, conflicts, n-1)
	}
	if c, p, u := env.count(t); c != 1 || p != 1 || u != 1 {
		t.Errorf("database holds %d customers, %d persons, %d users; want one of each", c, p, u)
	}
}

func TestRegisterIndividualTextAtItsLimits(t *testing.T) {
	env := newRegistrationEnv(t)
	input := testutil.Fixture(t, "finhub-individual.json")
	// Limits count characters, not bytes: multi-byte text up to the limit
	// is stored, and three names at their limits still make a customer
	// name (cut to its own limit).
	for path, v := range map[string]any{
		"firstName": nil, "lastName": nil, "individualCustomer.customerName": nil,
		"individualCustomer.person.firstName":          strings.Repeat("é", 100),
		"individualCustomer.person.middleName":         strings.Repeat("m", 100),
		"individualCustomer.person.lastName":           strings.Repeat("ж", 100),
		"individualCustomer.person.addresses.0.street": strings.Repeat("ü", 200),
		"externalReference":                            strings.Repeat("ü", 255),
	} {
		set(t, input, path, v)
	}
	var got registered
	env.register(input).Into(t, &got)
	c := got.RegisterIndividual.Customer
	if n := len([]rune(c.Name)); n != 300 || len([]rune(c.Person.FirstName)) != 100 || len([]rune(c.Person.Addresses[0].Street)) != 200 {
		t.Fatalf("customer name of %d characters, person %q", n, c.Person.FirstName)
	}
}

func TestIdempotencyKeyMustBePrintableASCII(t *testing.T) {
	env := newRegistrationEnv(t)
	for _, key := range []string{"k\xff\xfe", "two words", "tab\tkey"} {
		r := env.register(testutil.Fixture(t, "finhub-individual.json"), "Idempotency-Key", key)
		if len(r.Errors) != 1 || r.Errors[0].Code() != "BAD_USER_INPUT" || r.Errors[0].Reason() != "INVALID_IDEMPOTENCY_KEY" {
			t.Errorf("key %q: %s", key, r.Raw)
		}
	}
	if c, _, _ := env.count(t); c != 0 {
		t.Errorf("%d customers written", c)
	}
}

func TestInlineLiteralsAreNotEchoedInErrors(t *testing.T) {
	env := newRegistrationEnv(t)
	for _, q := range []string{
		`mutation { registerIndividual(input: {password: 98765432123}) { id } }`,
		`mutation { registerIndividual(input: {password: "InlineS3cret!", email: "a@example.com", individualCustomer: {person: {gender: 1e400}}}) { id } }`,
		`mutation { registerIndividual(input: {password: "InlineS3cret!", tags: {a: 1}}) { id } }`,
	} {
		r := env.Do(testutil.Request{Token: env.token, TenantKey: "acme", Query: q})
		if len(r.Errors) == 0 || r.Errors[0].Reason() != "GRAPHQL_VALIDATION_FAILED" {
			t.Fatalf("%s answered %s, want reason GRAPHQL_VALIDATION_FAILED", q, r.Raw)
		}
		if strings.Contains(r.Raw, "98765432123") || strings.Contains(r.Raw, "InlineS3cret!") {
			t.Errorf("the error repeats the literal: %s", r.Raw)
		}
	}
}

func TestRegistrationIPTrustsProxyHeadersOnlyWhenConfigured(t *testing.T) {
	for _, trust := range []bool{false, true} {
		t.Run(fmt.Sprintf("trust=%t", trust), func(t *testing.T) {
			re := newRegistrationEnvWith(t, testutil.Options{TrustProxy: trust})
			var got registered
			re.register(testutil.Fixture(t, "finhub-individual.json"), "X-Forwarded-For", "203.0.113.9").Into(t, &got)
			want := "192.0.2.1" // httptest's client address
			if trust {
				want = "203.0.113.9"
			}
			if ip := got.RegisterIndividual.Customer.RegistrationIP; ip != want {
				t.Errorf("registration IP %q, want %q", ip, want)
			}
		})
	}
}
