package server_test

import (
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"

	"onboard/graph"
	"onboard/internal/demo"
	"onboard/internal/testutil"
)

// The round trip: every field of the registration and member inputs, as the
// executable schema lists them, must reach what a reader gets back. For
// each case the test registers a baseline with every field filled, then,
// for each leaf field, a registration identical but for that field (set to
// another valid value), reads each customer's whole graph back through
// GraphQL and compares it with the baseline's: a field whose change leaves
// the graph as it was did not come back, and one whose change shows only
// under other fields' names (middleName landing on placeOfBirth) is mapped
// to the wrong field (storedAs lists the fields stored under another
// name). The schema supplies the fields;
// the tables below supply only values, so a field added to an input
// without a value here fails the test by name.

// uniqueToken stands, in the tables' values, for a token distinct per
// registration: the values a tenant keeps unique (login e-mail, username,
// registration number, external reference) differ between registrations
// and are put back to uniqueToken before the graphs are compared.
const uniqueToken = "{u}"

// roundTripValues are the test's values, keyed by input type and field: a
// baseline value and a different valid one. Lists of scalars are given as
// lists.
var roundTripValues = map[string][2]any{
	"RegisterIndividualInput.firstName": {"Ada", ""}, // mirrors
	"RegisterIndividualInput.lastName":  {"Lovelace", ""},
	"RegisterIndividualInput.email":     {"login" + uniqueToken + "@example.com", "login" + uniqueToken + "@example.org"},
	"RegisterIndividualInput.phone":     {"+37060012345", "+37060054321"},
	// The phone again, split: see roundTripWriteOnly.
	"RegisterIndividualInput.phoneCountryCode":    {nil, nil},
	"RegisterIndividualInput.phoneNationalNumber": {nil, nil},
	"RegisterIndividualInput.password":            {"SecurePass123!", ""},
	"RegisterIndividualInput.matchingPassword":    {"SecurePass123!", ""},
	"RegisterIndividualInput.roleIds":             {[]any{"ACCOUNT_OWNER"}, []any{"ADMIN"}},
	"RegisterIndividualInput.externalReference":   {"ext-" + uniqueToken, "other-" + uniqueToken},
	"RegisterIndividualInput.tags":                {[]any{"vip"}, []any{"gold"}},
	"RegisterIndividualInput.invitedBy":           {"usr-1", "usr-2"},
	"RegisterIndividualInput.createdBy":           {"agent-1", "agent-2"},
	"RegisterIndividualInput.segment":             {"retail", "business"},

	// The person joins an organization created by name; joining one by
	// id is TestRegisterIndividualIntoAnOrganization's (see
	// roundTripWriteOnly).
	"IndividualOrganizationInput.id":         {"", ""},
	"IndividualOrganizationInput.name":       {"Acme Group", "Acme Holdings"},
	"IndividualOrganizationInput.memberRole": {"MEMBER", "OWNER"},
	"IndividualOrganizationInput.department": {"Sales", "Support"},

	"IndividualCustomerInput.customerName": {"Ada L.", "Countess Lovelace"},

	"RegisterOrganizationInput.email":            {"admin" + uniqueToken + "@example.com", "admin" + uniqueToken + "@example.org"},
	"RegisterOrganizationInput.password":         {"SecurePass123!", ""},
	"RegisterOrganizationInput.matchingPassword": {"SecurePass123!", ""},
	"RegisterOrganizationInput.roleIds":          {[]any{"USER"}, []any{"ADMIN"}},
	"RegisterOrganizationInput.organizationId":   {"org-" + uniqueToken, "other-" + uniqueToken},
	"RegisterOrganizationInput.tags":             {[]any{"vip"}, []any{"gold"}},
	"RegisterOrganizationInput.invitedBy":        {"usr-1", "usr-2"},
	"RegisterOrganizationInput.createdBy":        {"agent-1", "agent-2"},
	"RegisterOrganizationInput.segment":          {"retail", "business"},

	"OrganizationCustomerInput.customerName": {"Acme Trading", "Acme Holdings"},

	"OrganizationInput.legalName":           {"Acme Ltd", "Acme Limited"},
	"OrganizationInput.tradingName":         {"Acme", "Acme Shop"},
	"OrganizationInput.registrationNumber":  {"REG-" + uniqueToken, "NUM-" + uniqueToken},
	"OrganizationInput.taxId":               {"TAX-1001", "TAX-2002"},
	"OrganizationInput.incorporationDate":   {"2010-01-02", "2011-02-03"},
	"OrganizationInput.legalForm":           {"LIMITED_LIABILITY_COMPANY", "PARTNERSHIP"},
	"OrganizationInput.industry":            {"TECHNOLOGY", "RETAIL"},
	"OrganizationInput.businessType":        {"B2B", "B2C"},
	"OrganizationInput.businessDescription": {"Makes anvils.", "Sells anvils."},
	"OrganizationInput.website":             {"https://acme.example.com", "https://shop.example.com"},
	"OrganizationInput.email":               {"office@example.com", "desk@example.com"},
	"OrganizationInput.phone":               {"+37052012345", "+37052054321"},

	"PersonInput.firstName":    {"Ada", "Augusta"},
	"PersonInput.middleName":   {"King", "Byron"},
	"PersonInput.lastName":     {"Lovelace", "Byron"},
	"PersonInput.email":        {"ada@example.com", "augusta@example.com"},
	"PersonInput.dateOfBirth":  {"1990-05-15", "1985-03-02"},
	"PersonInput.gender":       {"FEMALE", "OTHER"},
	"PersonInput.nationality":  {"LT", "LV"},
	"PersonInput.placeOfBirth": {"Vilnius", "Riga"},
	"PersonInput.fullName":     {"Ada King Lovelace", ""},

	"AddressInput.type":       {"HOME", "WORK"},
	"AddressInput.street":     {"1 Main Street", "2 Side Street"},
	"AddressInput.line2":      {"Flat 1", "Flat 2"},
	"AddressInput.city":       {"Vilnius", "Kaunas"},
	"AddressInput.state":      {"North Region", "South Region"},
	"AddressInput.postalCode": {"01001", "02002"},
	"AddressInput.country":    {"LT", "LV"},
	"AddressInput.isPrimary":  {false, true},
	// Kept verbatim beside the parts given, which win over the line's.
	"AddressInput.addressLine": {"1 Main Street, Vilnius", "2 Side Street, Kaunas"},

	"ContactInput.type":      {"EMAIL", "OTHER"},
	"ContactInput.value":     {"contact@example.com", "reach@example.com"},
	"ContactInput.isPrimary": {false, true},

	"IdentityDocumentInput.type":           {"PASSPORT", "NATIONAL_ID"},
	"IdentityDocumentInput.number":         {"P1234567", "N7654321"},
	"IdentityDocumentInput.issuingCountry": {"LT", "LV"},
	"IdentityDocumentInput.isPrimary":      {false, true},

	"RegistrationUserInput.username":               {"user-" + uniqueToken, "name-" + uniqueToken},
	"RegistrationUserInput.email":                  {"", ""}, // mirrors
	"RegistrationUserInput.password":               {"", ""},
	"RegistrationUserInput.status":                 {"PENDING_ACTIVATION", "PENDING_ACTIVATION"}, // the only one: write-only
	"RegistrationUserInput.roles":                  {[]any{"USER"}, []any{"TRANSACTION_APPROVER"}},
	"RegistrationUserInput.isActive":               {false, false}, // the only one: write-only
	"RegistrationUserInput.requiresPasswordChange": {false, true},
	"RegistrationUserInput.twoFactorEnabled":       {false, true},

	"CategorizationInput.id":          {"", ""}, // mirrors
	"CategorizationInput.code":        {"", ""},
	"CategorizationInput.name":        {"", ""},
	"CategorizationInput.description": {"Described", ""},
	"CategorizationInput.isActive":    {true, false},

	"FeatureRelationInput.enabled": {true, false},

	"RepresentativeInput.firstName":      {"Grace", "Anita"},
	"RepresentativeInput.middleName":     {"Brewster", "Borg"},
	"RepresentativeInput.lastName":       {"Hopper", "Borg"},
	"RepresentativeInput.position":       {"DIRECTOR", "CEO"},
	"RepresentativeInput.email":          {"grace@example.com", "anita@example.com"},
	"RepresentativeInput.phone":          {"+37061112345", "+37061154321"},
	"RepresentativeInput.dateOfBirth":    {"1980-01-09", "1981-02-10"},
	"RepresentativeInput.nationality":    {"LT", "LV"},
	"RepresentativeInput.gender":         {"FEMALE", "MALE"},
	"RepresentativeInput.isPrimaryOwner": {true, false},
	"RepresentativeInput.ownershipShare": {30.0, 40.0},

	"EmployeeInput.role":       {"EMPLOYEE", "TRANSACTION_APPROVER"},
	"EmployeeInput.roles":      {[]any{"USER"}, []any{"ADMIN"}},
	"EmployeeInput.department": {"Sales", "Support"},

	// A national number that both countries read, so that the country
	// changes what is stored.
	"TelephoneNumberInput.number":    {"0612345678", "0687654321"},
	"TelephoneNumberInput.country":   {"NL", "FR"},
	"TelephoneNumberInput.phoneType": {"MOBILE", "FAX"},
	"TelephoneNumberInput.operator":  {"Telia", "Bite"},
	"TelephoneNumberInput.purpose":   {"work", "personal"},
	"TelephoneNumberInput.isPrimary": {false, true},

	"UpdateRepresentativeInput.firstName":      {"Marie", "Irene"},
	"UpdateRepresentativeInput.middleName":     {"Salomea", "Joliot"},
	"UpdateRepresentativeInput.lastName":       {"Curie", "Joliot"},
	"UpdateRepresentativeInput.position":       {"CFO", "COO"},
	"UpdateRepresentativeInput.email":          {"marie@example.com", "irene@example.com"},
	"UpdateRepresentativeInput.phone":          {"+37062212345", "+37062254321"},
	"UpdateRepresentativeInput.dateOfBirth":    {"1970-11-07", "1971-09-12"},
	"UpdateRepresentativeInput.nationality":    {"PL", "FR"},
	"UpdateRepresentativeInput.gender":         {"FEMALE", "OTHER"},
	"UpdateRepresentativeInput.isPrimaryOwner": {false, true},
	"UpdateRepresentativeInput.ownershipShare": {50.0, 60.0},

	"UpdateEmployeeInput.department": {"Legal", "Finance"},
	"UpdateEmployeeInput.role":       {"TRANSACTION_APPROVER", "USER"},
	"UpdateEmployeeInput.roles":      {[]any{"EMPLOYEE"}, []any{"ADMIN"}},
}

// Catalog references differ by customer type: each case names its own
// categories and features of the demo catalog (internal/demo).
var (
	individualCatalogValues = map[string][2]any{
		"CategoryReferenceInput.id":   {"e50bb9ad-6a97-41da-8e66-4c3c0f7e2a3d", "9c3f5a7e-8b1d-4e2f-a6c0-3d9e1b7f5a24"},
		"CategoryReferenceInput.code": {"MEDIUM_RISK_INDIVIDUAL", "HIGH_RISK_INDIVIDUAL"},
		"CategoryReferenceInput.name": {"Medium Risk Individual", "High Risk Individual"},
		"FeatureReferenceInput.id":    {"f7a8b9c0-d1e2-3f4g-5h6i-7j8k9l0m1n2o", ""},
		"FeatureReferenceInput.code":  {"MEDIUM_RISK_PROFILE", ""},
		"ParameterInput.name":         {"riskScore", "monthlyLimit"},
		"ParameterInput.value":        {"55", "56"},
	}
	organizationCatalogValues = map[string][2]any{
		"CategoryReferenceInput.id":   {"fs-cat-b2b-small-001", "business-medium-risk-7f9a"},
		"CategoryReferenceInput.code": {"SMALL_BUSINESS", "BUSINESS_MEDIUM_RISK"},
		"CategoryReferenceInput.name": {"Small Business", "BUSINESS_MEDIUM_RISK"},
		"FeatureReferenceInput.id":    {"business-transaction-limits-7e2f", ""},
		"FeatureReferenceInput.code":  {"BUSINESS_TRANSACTION_LIMITS", ""},
		"ParameterInput.name":         {"MONTHLY_LIMIT", "DAILY_LIMIT"},
		"ParameterInput.value":        {"30000", "31000"},
	}
)

// roundTripWriteOnly are the fields that do not come back, by design.
// Fields that must equal another (see roundTripCase.mirrors) are
// write-only too, and named there.
var roundTripWriteOnly = map[string]string{
	"RegisterIndividualInput.password":            "only its argon2id hash is stored, never returned",
	"RegistrationUserInput.status":                "PENDING_ACTIVATION is the one status a registration may ask for (the customer's activation activates the login), so no second value shows",
	"RegistrationUserInput.isActive":              "false is the one value a registration may ask for (the customer's activation activates the login), so no second value shows",
	"RegisterOrganizationInput.password":          "only its argon2id hash is stored, never returned",
	"PersonInput.fullName":                        "not stored: the name is firstName, middleName and lastName",
	"RegisterIndividualInput.phoneCountryCode":    "left out: the phone split must be the number phone gives (PHONE_MISMATCH), so phone's variant could not vary alone; it comes back as Person.phone and Person.phoneNumber, which TestCryptomateBodyRegisters checks",
	"RegisterIndividualInput.phoneNationalNumber": "as RegisterIndividualInput.phoneCountryCode",
	"IdentityDocumentInput.isPrimary":             "it moves the flag from the list's filler to the varied document, and the list comparison pairs documents by isPrimary (their first key), so the change reads as theirs: TestSplitPhoneAndDocumentRules and TestUpdatedDocumentsAndAddressesFollowTheRules check it",
	"CategorizationInput.description":             "describes the category, not applied",
	"CategorizationInput.isActive":                "describes the category, not applied",
	"FeatureRelationInput.enabled":                "the category decides; must agree with it",
	"FeatureReferenceInput.id":                    "names the category's feature the parameters apply to: another feature is another parametrization, which ParameterInput's round trip covers",
	"FeatureReferenceInput.code":                  "as FeatureReferenceInput.id",
	"IndividualOrganizationInput.id":              "exclusive with name, which the round trip varies (a new organization each registration); an existing organization by id, organization id or reference comes back in TestRegisterIndividualIntoAnOrganization",
}

// roundTripExclusive are the input types whose fields name one thing
// together (and must agree): a field's variant names another one by that
// field alone, the others cleared.
var roundTripExclusive = map[string]bool{"CategoryReferenceInput": true}

// roundTripCase is one mutation whose input goes round.
type roundTripCase struct {
	mutation, input string
	// mirrors are fields (paths from the input) that must equal another:
	// they take its value in every registration.
	mirrors map[string]string
	// catalog are the case's catalog references (see above).
	catalog map[string][2]any
	// targets are the fields naming what the mutation changes, which
	// setup fills; they are not compared.
	targets []string
	// setup registers what the mutation works on (nil for the
	// registrations themselves) and returns the customer to read back
	// and the values of targets.
	setup func(t *testing.T, rt *roundTrip) (customerID string, targets map[string]any)
	// result selects the customer's id in the mutation's payload.
	result string
}

func TestRegistrationInputsRoundTrip(t *testing.T) {
	rt := newRoundTrip(t)
	individual := roundTripCase{
		mutation: "registerIndividual", input: "RegisterIndividualInput", result: "id", catalog: individualCatalogValues,
		mirrors: map[string]string{
			"firstName":                              "individualCustomer.person.firstName",
			"lastName":                               "individualCustomer.person.lastName",
			"matchingPassword":                       "password",
			"individualCustomer.user.email":          "email",
			"individualCustomer.user.password":       "password",
			"individualCustomer.categorization.id":   "customerCategory.id",
			"individualCustomer.categorization.code": "customerCategory.code",
			"individualCustomer.categorization.name": "customerCategory.name",
			// A category-level parameter whose feature gives its own
			// value comes back only when both agree (the feature's
			// wins); TestCategoryLevelParametrization covers it alone.
			"individualCustomer.categorization.parametrization.0.name":  "individualCustomer.categorization.categoryFeatureRelations.0.parametrization.0.name",
			"individualCustomer.categorization.parametrization.0.value": "individualCustomer.categorization.categoryFeatureRelations.0.parametrization.0.value",
		},
	}
	organization := roundTripCase{
		mutation: "registerOrganization", input: "RegisterOrganizationInput", result: "id", catalog: organizationCatalogValues,
		mirrors: map[string]string{
			"matchingPassword":                         "password",
			"organizationCustomer.user.email":          "email",
			"organizationCustomer.user.password":       "password",
			"organizationCustomer.categorization.id":   "customerCategory.id",
			"organizationCustomer.categorization.code": "customerCategory.code",
			"organizationCustomer.categorization.name": "customerCategory.name",
			// As for individuals.
			"organizationCustomer.categorization.parametrization.0.name":  "organizationCustomer.categorization.categoryFeatureRelations.0.parametrization.0.name",
			"organizationCustomer.categorization.parametrization.0.value": "organizationCustomer.categorization.categoryFeatureRelations.0.parametrization.0.value",
		},
	}
	// The member mutations work on an organization registered from
	// organization's baseline.
	member := func(mutation, input, target string, pick func(t *testing.T, org map[string]any) any, trim ...string) roundTripCase {
		return roundTripCase{
			mutation: mutation, input: input, result: "organization { customer { id } }", catalog: organizationCatalogValues,
			targets: []string{target},
			setup: func(t *testing.T, rt *roundTrip) (string, map[string]any) {
				in := rt.baseline(t, organization)
				for _, p := range trim {
					deletePath(in, p)
				}
				id := rt.send(t, organization, in)
				org := rt.organization(t, id)
				return id, map[string]any{target: pick(t, org)}
			},
		}
	}
	orgID := func(_ *testing.T, org map[string]any) any { return org["id"] }
	firstOf := func(list string) func(*testing.T, map[string]any) any {
		return func(t *testing.T, org map[string]any) any {
			items, _ := org[list].([]any)
			for _, it := range items {
				if m := it.(map[string]any); m["user"] == nil { // not the registering admin
					return m["id"]
				}
			}
			t.Fatalf("the organization has no %s to change: %v", list, org)
			return nil
		}
	}
	for _, c := range []roundTripCase{
		individual,
		organization,
		// Added to an organization without representatives, so that the
		// variants' shares and primary owner are the only ones.
		member("addRepresentative", "AddRepresentativeInput", "organizationId", orgID, "organizationCustomer.organization.representatives"),
		member("updateRepresentative", "UpdateRepresentativeInput", "id", firstOf("representatives")),
		member("addEmployee", "AddEmployeeInput", "organizationId", orgID),
		member("updateEmployee", "UpdateEmployeeInput", "id", firstOf("employees")),
	} {
		t.Run(c.mutation, func(t *testing.T) { rt.check(t, c) })
	}
}

// roundTrip is the running service, its schema and the read-back query.
type roundTrip struct {
	env    *testutil.Env
	schema *ast.Schema
	token  string
	read   string
	// registrations numbers the registrations, for their unique token.
	registrations int
}

func newRoundTrip(t *testing.T) *roundTrip {
	env := testutil.New(t)
	id := env.Tenant("acme")
	if err := demo.SeedCatalog(env.As(id), env.Client()); err != nil {
		t.Fatalf("seeding the catalog: %v", err)
	}
	schema := graph.NewExecutableSchema(graph.Config{}).Schema()
	return &roundTrip{
		env: env, schema: schema,
		token: env.Token([]string{"acme"}, testutil.AllScopes...),
		read:  "query Read($id: ID!) { node(id: $id) { ... on Customer " + outputSelection(schema, "Customer", nil, 0) + " } }",
	}
}

// leaf is one scalar (or list of scalars) input field to vary.
type leaf struct {
	path    []any // keys and list indexes from the input
	name    string
	variant any
}

// check runs one case: the baseline, then one registration per leaf.
func (rt *roundTrip) check(t *testing.T, c roundTripCase) {
	base, leaves := rt.build(t, c)
	want := rt.roundTrip(t, c, base, "the baseline")
	// The comparison means something only if registering the same input
	// twice reads back the same: nothing per registration (an id, a
	// timestamp, a unique value) may remain in the graph.
	if again := rt.roundTrip(t, c, base, "the baseline again"); want == "" || again != want {
		t.Fatalf("the baseline read back differs between two registrations:\n%s\n%s", want, again)
	}
	var lost, misplaced []string
	for _, l := range leaves {
		in := deepCopy(base)
		setPath(in, l.path, l.variant)
		if parent := l.path[:len(l.path)-1]; roundTripExclusive[typeAt(rt.schema, c.input, parent)] {
			for k := range testutil.Dig(in, parent...).(map[string]any) {
				if k != l.path[len(l.path)-1] {
					setPath(in, append(slices.Clone(parent), k), nil)
				}
			}
		}
		got := rt.roundTrip(t, c, in, l.name)
		switch changed := changedFields(want, got); {
		case got == "":
		case got == want:
			lost = append(lost, l.name)
		case !landsOn(l.path, changed):
			misplaced = append(misplaced, fmt.Sprintf("%s changed only %s", l.name, strings.Join(changed, ", ")))
		}
	}
	if len(leaves) == 0 {
		t.Fatal("no input field to vary: the schema walk found none")
	}
	t.Logf("%s: %d fields varied, %d registrations", c.input, len(leaves), len(leaves)+2)
	if len(lost) > 0 {
		t.Errorf("%s: these input fields did not come back (changing them changed nothing read back):\n\t%s",
			c.input, strings.Join(lost, "\n\t"))
	}
	if len(misplaced) > 0 {
		t.Errorf("%s: these input fields came back under another field's name (a swapped mapping?):\n\t%s",
			c.input, strings.Join(misplaced, "\n\t"))
	}
}

// storedAs names, for input fields stored under another name, the output
// fields they change: a field lands on its own name (person.placeOfBirth
// on Person.placeOfBirth) or on one of these.
var storedAs = map[string][]string{
	"roleIds":             {"code", "roles"}, // the user's roles, by code
	"roles":               {"code"},          // an employee's or user's roles, by code
	"role":                {"code"},          // an employee's role, by code
	"id":                  {"code", "name"},  // a category named by id: its code and name
	"customerName":        {"name"},          // the customer's name
	"organizationId":      {"externalReference"},
	"businessDescription": {"description"},
	"number":              {"value", "number"},  // a telephone number is a contact value
	"country":             {"value", "country"}, // the country a national number is read in
	"phoneType":           {"type"},
	"parametrization":     {"value", "source"}, // a feature parameter's value
	"name":                {"legalName"},       // an organization created by name
}

// landsOn reports whether a change of the input field at path changed an
// output field of its name, of a name storedAs gives it, or of one of its
// parents' names (customerCategory.code changes the category's code).
func landsOn(path []any, changed []string) bool {
	var names []string
	for i := len(path) - 1; i >= 0; i-- {
		if name, ok := path[i].(string); ok {
			names = append(names, append([]string{name}, storedAs[name]...)...)
		}
	}
	for _, c := range changed {
		last := c[strings.LastIndex(c, ".")+1:]
		for _, n := range names {
			if strings.EqualFold(last, n) {
				return true
			}
		}
	}
	return false
}

// changedFields lists the output fields (paths without list indexes) whose
// values differ between two read-back graphs. Lists are compared as
// multisets: the elements both hold are set aside, and the rest compared
// pairwise in their (sorted) order.
func changedFields(want, got string) []string {
	var a, b any
	if json.Unmarshal([]byte(want), &a) != nil || json.Unmarshal([]byte(got), &b) != nil {
		return nil
	}
	seen := map[string]bool{}
	var diff func(a, b any, path string)
	diff = func(a, b any, path string) {
		switch av := a.(type) {
		case map[string]any:
			if bv, ok := b.(map[string]any); ok {
				for k := range av {
					diff(av[k], bv[k], strings.TrimPrefix(path+"."+k, "."))
				}
				for k := range bv {
					if _, ok := av[k]; !ok {
						diff(nil, bv[k], strings.TrimPrefix(path+"."+k, "."))
					}
				}
				return
			}
		case []any:
			if bv, ok := b.([]any); ok {
				ra, rb := unmatched(av, bv), unmatched(bv, av)
				for i := range max(len(ra), len(rb)) {
					diff(at(ra, i), at(rb, i), path)
				}
				return
			}
		}
		if !reflect.DeepEqual(a, b) {
			seen[path] = true
		}
	}
	diff(a, b, "")
	return slices.Sorted(maps.Keys(seen))
}

// unmatched is the elements of a that b does not hold (as many times).
func unmatched(a, b []any) []any {
	left := slices.Clone(b)
	var out []any
	for _, x := range a {
		if i := slices.IndexFunc(left, func(y any) bool { return reflect.DeepEqual(x, y) }); i >= 0 {
			left = slices.Delete(left, i, i+1)
		} else {
			out = append(out, x)
		}
	}
	return out
}

// at is list[i], or nil past its end.
func at(list []any, i int) any {
	if i < len(list) {
		return list[i]
	}
	return nil
}

// roundTrip registers in (after setup, mirrors and the unique token) and
// returns the customer's graph normalized, or "" having reported why not.
func (rt *roundTrip) roundTrip(t *testing.T, c roundTripCase, in map[string]any, what string) string {
	t.Helper()
	first := rt.registrations + 1
	customerID, targets := "", map[string]any{}
	if c.setup != nil {
		customerID, targets = c.setup(t, rt)
	}
	in = deepCopy(in)
	maps.Copy(in, targets)
	id := rt.send(t, c, in)
	if id == "" {
		t.Errorf("%s of %s: refused (see above)", what, c.input)
		return ""
	}
	if customerID == "" {
		customerID = id
	}
	r := rt.env.Do(testutil.Request{Token: rt.token, TenantKey: "acme", Query: rt.read, Variables: map[string]any{"id": customerID}})
	if len(r.Errors) > 0 {
		t.Fatalf("reading back: %s", r.Raw)
	}
	var graph any
	if err := json.Unmarshal(r.Data, &graph); err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(normalize(graph))
	out := string(b)
	for n := first; n <= rt.registrations; n++ {
		out = regexp.MustCompile("(?i)"+regexp.QuoteMeta(registrationToken(n))).ReplaceAllString(out, uniqueToken)
	}
	return out
}

// registrationToken is what uniqueToken becomes in the n-th registration.
func registrationToken(n int) string { return fmt.Sprintf("qz%04dzq", n) }

// send runs c's mutation with in, mirrors applied and uniqueToken replaced,
// and returns the customer id its payload names and the token used ("" and
// an error reported when refused).
func (rt *roundTrip) send(t *testing.T, c roundTripCase, in map[string]any) (id string) {
	t.Helper()
	in = deepCopy(in)
	for target, source := range c.mirrors {
		setPath(in, splitPath(target), testutil.Dig(in, splitPath(source)...))
	}
	rt.registrations++
	token := registrationToken(rt.registrations)
	b, _ := json.Marshal(in)
	var vars map[string]any
	_ = json.Unmarshal([]byte(strings.ReplaceAll(string(b), uniqueToken, token)), &vars)
	query := fmt.Sprintf("mutation M($input: %s!) { out: %s(input: $input) { %s } }", c.input, c.mutation, c.result)
	r := rt.env.Do(testutil.Request{Token: rt.token, TenantKey: "acme", Query: query, Variables: map[string]any{"input": vars}})
	if len(r.Errors) > 0 {
		t.Errorf("%s refused: %s", c.mutation, r.Raw)
		return ""
	}
	var out struct {
		Out struct {
			ID           string
			Organization struct{ Customer struct{ ID string } }
		}
	}
	r.Into(t, &out)
	return out.Out.ID + out.Out.Organization.Customer.ID
}

// organization reads back the ids of a customer's organization, its
// representatives and employees (with whether each has a login user).
func (rt *roundTrip) organization(t *testing.T, customerID string) map[string]any {
	t.Helper()
	r := rt.env.Do(testutil.Request{Token: rt.token, TenantKey: "acme", Variables: map[string]any{"id": customerID},
		Query: `query($id: ID!) { node(id: $id) { ... on Customer { organization {
			id representatives { id } employees { id user { id } } } } } }`})
	var out struct {
		Node struct{ Organization map[string]any }
	}
	r.Into(t, &out)
	return out.Node.Organization
}

// baseline is c's input with every field at its baseline value.
func (rt *roundTrip) baseline(t *testing.T, c roundTripCase) map[string]any {
	in, _ := rt.build(t, c)
	return in
}

// build walks c's input type in the schema: it returns the input with
// every field filled with its baseline value and the leaves to vary.
func (rt *roundTrip) build(t *testing.T, c roundTripCase) (map[string]any, []leaf) {
	t.Helper()
	var leaves []leaf
	var missing []string
	value := func(typ, field string) [2]any {
		key := typ + "." + field
		if v, ok := c.catalog[key]; ok {
			return v
		}
		v, ok := roundTripValues[key]
		if !ok {
			missing = append(missing, key)
		}
		return v
	}
	writeOnly := func(typ, field string, path []any) bool {
		_, mirrored := c.mirrors[joinPath(path)]
		_, listed := roundTripWriteOnly[typ+"."+field]
		return mirrored || listed
	}
	var object func(typ string, path []any, vary bool, variant bool) map[string]any
	object = func(typ string, path []any, vary bool, variant bool) map[string]any {
		def := rt.schema.Types[typ]
		out := map[string]any{}
		for _, f := range def.Fields {
			p := append(slices.Clone(path), f.Name)
			if typ == c.input && len(path) == 0 && slices.Contains(c.targets, f.Name) {
				continue
			}
			named := rt.schema.Types[f.Type.Name()]
			switch {
			case named.Kind == ast.InputObject && f.Type.Elem != nil:
				// A list of one element; when its elements can be
				// primary, a first one that is not, so that setting
				// isPrimary shows (without it the first is primary).
				// Baselines are not primary, so that lists merged
				// into one (an employee's addresses) have none.
				var items []any
				if named.Fields.ForName("isPrimary") != nil {
					filler := object(named.Name, nil, false, true)
					filler["isPrimary"] = false
					items = append(items, filler)
				}
				items = append(items, object(named.Name, append(p, len(items)), vary, variant))
				out[f.Name] = items
			case named.Kind == ast.InputObject:
				out[f.Name] = object(named.Name, p, vary, variant)
			default:
				v := value(typ, f.Name)
				out[f.Name] = v[0]
				if variant {
					out[f.Name] = v[1]
				}
				if vary && !writeOnly(typ, f.Name, p) {
					leaves = append(leaves, leaf{path: p, name: displayPath(p), variant: v[1]})
				}
			}
		}
		return out
	}
	in := object(c.input, nil, true, false)
	if len(missing) > 0 {
		slices.Sort(missing)
		t.Fatalf("no test value for %s", strings.Join(slices.Compact(missing), ", "))
	}
	return in, leaves
}

// TestRoundTripTablesFollowTheSchema: a value or allow-list entry for a
// field the schema no longer has fails, so that the tables do not rot.
func TestRoundTripTablesFollowTheSchema(t *testing.T) {
	schema := graph.NewExecutableSchema(graph.Config{}).Schema()
	keys := slices.Collect(maps.Keys(roundTripValues))
	keys = slices.AppendSeq(keys, maps.Keys(roundTripWriteOnly))
	keys = slices.AppendSeq(keys, maps.Keys(individualCatalogValues))
	keys = slices.AppendSeq(keys, maps.Keys(organizationCatalogValues))
	for _, k := range keys {
		typ, field, _ := strings.Cut(k, ".")
		if def := schema.Types[typ]; def == nil || def.Kind != ast.InputObject || def.Fields.ForName(field) == nil {
			t.Errorf("%s is not an input field of the schema", k)
		}
	}
}

// outputSelection selects every scalar and enum field of typ and, to a
// bounded depth, its object fields, without ids and timestamps (which
// differ between registrations), computed requirements, connections and
// fields needing arguments, and without going back into a type already on
// the way.
func outputSelection(s *ast.Schema, typ string, onPath []string, depth int) string {
	const maxDepth = 6
	def := s.Types[typ]
	var fields []string
	for _, f := range def.Fields {
		named := s.Types[f.Type.Name()]
		required := slices.ContainsFunc(f.Arguments, func(a *ast.ArgumentDefinition) bool {
			return a.Type.NonNull && a.DefaultValue == nil
		})
		switch {
		case strings.HasPrefix(f.Name, "__") || required || strings.HasSuffix(named.Name, "Connection"):
		case named.Name == "ID" || named.Name == "DateTime":
		// Requirements are computed from the graph, not stored from an
		// input, and name ids in their paths (representatives.rep_…).
		case named.Name == "CustomerRequirements":
		// Possible duplicates name the customers registered before: the
		// round trip's registrations, of the same input, are each other's.
		case named.Name == "PossibleDuplicate":
		case named.Kind == ast.Scalar || named.Kind == ast.Enum:
			fields = append(fields, f.Name)
		case named.Kind == ast.Object && depth < maxDepth && !slices.Contains(onPath, named.Name) && named.Name != typ:
			if sub := outputSelection(s, named.Name, append(slices.Clone(onPath), typ), depth+1); sub != "" {
				fields = append(fields, f.Name+" "+sub)
			}
		}
	}
	if len(fields) == 0 {
		return ""
	}
	return "{ " + strings.Join(fields, " ") + " }"
}

// normalize orders every list by its elements' JSON, so that two graphs
// equal but for the order rows come back in compare equal.
func normalize(v any) any {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			v[k] = normalize(x)
		}
	case []any:
		for i, x := range v {
			v[i] = normalize(x)
		}
		sort.Slice(v, func(i, j int) bool {
			a, _ := json.Marshal(v[i])
			b, _ := json.Marshal(v[j])
			return string(a) < string(b)
		})
	}
	return v
}

// typeAt is the input type at path inside typ.
func typeAt(s *ast.Schema, typ string, path []any) string {
	for _, p := range path {
		if name, ok := p.(string); ok {
			typ = s.Types[typ].Fields.ForName(name).Type.Name()
		}
	}
	return typ
}

func splitPath(p string) []any {
	var out []any
	for _, s := range strings.Split(p, ".") {
		out = append(out, s)
	}
	return out
}

func joinPath(p []any) string {
	parts := make([]string, len(p))
	for i, x := range p {
		parts[i] = fmt.Sprint(x)
	}
	return strings.Join(parts, ".")
}

// displayPath names a field as the issue does: list indexes left out
// (individualCustomer.person.addresses.street).
func displayPath(p []any) string {
	var parts []string
	for _, x := range p {
		if s, ok := x.(string); ok {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, ".")
}

func setPath(v any, path []any, value any) {
	parent := testutil.Dig(v, path[:len(path)-1]...)
	switch k := path[len(path)-1].(type) {
	case string:
		if m, ok := parent.(map[string]any); ok {
			m[k] = value
		}
	case int:
		if l, ok := parent.([]any); ok && k < len(l) {
			l[k] = value
		}
	}
}

func deletePath(v map[string]any, path string) {
	p := splitPath(path)
	if m, ok := testutil.Dig(v, p[:len(p)-1]...).(map[string]any); ok {
		delete(m, p[len(p)-1].(string))
	}
}

func deepCopy(in map[string]any) map[string]any {
	b, _ := json.Marshal(in)
	var out map[string]any
	_ = json.Unmarshal(b, &out)
	return out
}
