package server_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"onboard/internal/testutil"
)

const registrationFormQuery = `query Form($type: CustomerType!, $category: String) {
	registrationForm(customerType: $type, category: $category) {
		customerType mutation categoryId categoryCode categoryName
		fields { path type required requiredWhen minLength maxLength maxItems min max choices { value label } description }
		features { id code name description parameters { name type mandatory required allowedValues min max defaultValue categoryValue description } }
	}
}`

// registrationForm is the decoded form.
type registrationForm struct {
	CustomerType, Mutation                 string
	CategoryID, CategoryCode, CategoryName *string
	Fields                                 []formField
	Features                               []struct {
		ID, Code, Name, Description string
		Parameters                  []formParameter
	}
}

type formField struct {
	Path                           []string
	Type                           string
	Required                       bool
	RequiredWhen                   *string
	MinLength, MaxLength, MaxItems *int
	Min, Max                       *float64
	Choices                        []struct{ Value, Label string }
	Description                    *string
}

type formParameter struct {
	Name, Type                  string
	Mandatory, Required         bool
	AllowedValues               []string
	Min, Max                    *float64
	DefaultValue, CategoryValue *string
}

func (f formField) key() string { return strings.Join(f.Path, ".") }

// formCase is one customer type's form with the registration it describes.
type formCase struct {
	customerType, seed, register, validate string
	// linked are fields that must hold the same value (the top-level
	// login and name fields and their repetitions inside the customer):
	// setting one sets the others the body has.
	linked [][]string
	// unique are the fields unique per tenant, made unique in each real
	// registration.
	unique []string
}

var formCases = []formCase{{
	customerType: "INDIVIDUAL", seed: "finhub-individual.json",
	register: `mutation($input: RegisterIndividualInput!) { registerIndividual(input: $input) { id } }`,
	validate: `mutation($input: RegisterIndividualInput!) { validateIndividualRegistration(input: $input) { valid } }`,
	linked: [][]string{
		{"firstName", "individualCustomer.person.firstName"},
		{"lastName", "individualCustomer.person.lastName"},
		{"password", "matchingPassword", "individualCustomer.user.password"},
		{"email", "individualCustomer.user.email"},
	},
	unique: []string{"email", "individualCustomer.user.username", "externalReference"},
}, {
	customerType: "ORGANIZATION", seed: "finhub-organization.json",
	register: `mutation($input: RegisterOrganizationInput!) { registerOrganization(input: $input) { id } }`,
	validate: `mutation($input: RegisterOrganizationInput!) { validateOrganizationRegistration(input: $input) { valid } }`,
	linked: [][]string{
		{"password", "matchingPassword", "organizationCustomer.user.password"},
		{"email", "organizationCustomer.user.email"},
	},
	unique: []string{"email", "organizationCustomer.user.username", "organizationId",
		"organizationCustomer.organization.registrationNumber"},
}}

// formSuite drives one form case against the real handler.
type formSuite struct {
	t    *testing.T
	env  *registrationEnv
	c    formCase
	form registrationForm
	base map[string]any
}

// formSeq numbers the values of every form suite, so that no two
// registrations of a test share an e-mail or a reference.
var formSeq atomic.Int64

func newFormSuite(t *testing.T, env *registrationEnv, c formCase) *formSuite {
	s := &formSuite{t: t, env: env, c: c, base: testutil.Fixture(t, c.seed)}
	category, _ := testutil.Dig(s.base, "customerCategory", "id").(string)
	r := env.Do(testutil.Request{Token: env.token, TenantKey: "acme", Query: registrationFormQuery,
		Variables: map[string]any{"type": c.customerType, "category": category}})
	var got struct{ RegistrationForm registrationForm }
	r.Into(t, &got)
	s.form = got.RegistrationForm
	if len(s.form.Fields) == 0 {
		t.Fatalf("the form lists no field: %s", r.Raw)
	}
	return s
}

// field is the form's field at key ("a.*.b"), or nil.
func (s *formSuite) field(key string) *formField {
	for i := range s.form.Fields {
		if s.form.Fields[i].key() == key {
			return &s.form.Fields[i]
		}
	}
	return nil
}

// children are the form's fields directly under prefix.
func (s *formSuite) children(prefix []string) []formField {
	var out []formField
	for _, f := range s.form.Fields {
		if len(f.Path) == len(prefix)+1 && slices.Equal(f.Path[:len(prefix)], prefix) {
			out = append(out, f)
		}
	}
	return out
}

// next is a number no earlier value of the suite used.
func (s *formSuite) next() int { return int(formSeq.Add(1)) }

// value is a valid value of f derived from the form alone: a choice's
// first value, a text as long as maxLength, a number in range, a
// minimal object or list. Values that depend on another field are
// contextValue's.
func (s *formSuite) value(f formField) any {
	n := s.next()
	if len(f.Choices) > 0 {
		v := f.Choices[0].Value
		if f.Type == "BOOLEAN" {
			return v == "true"
		}
		return v
	}
	switch f.Type {
	case "OBJECT":
		return s.minimal(f.Path)
	case "LIST":
		elem := append(slices.Clone(f.Path), "*")
		if ef := s.field(strings.Join(elem, ".")); ef != nil {
			return []any{s.value(*ef)}
		}
		return []any{s.minimal(elem)}
	case "BOOLEAN":
		return true
	case "INT":
		if f.Min != nil {
			return int(*f.Min)
		}
		return 1
	case "FLOAT":
		if f.Min != nil {
			return *f.Min
		}
		return 1.5
	case "EMAIL":
		return fmt.Sprintf("form%d@example.com", n)
	case "PASSWORD":
		return fmt.Sprintf("Form-Pass%d!", n)
	case "PHONE":
		return "+37060012345"
	case "DATE":
		return "1990-01-01"
	case "URL":
		return pad(fmt.Sprintf("https://example.com/%d/", n), f.MaxLength, 64)
	}
	return pad(fmt.Sprintf("v%d", n), f.MaxLength, 32)
}

// pad lengthens s with x to max characters (def when there is no max).
func pad(s string, max *int, def int) string {
	n := def
	if max != nil {
		n = *max
	}
	if len(s) >= n {
		return s[:n]
	}
	return s + strings.Repeat("x", n-len(s))
}

// minimal is a valid object at prefix: every required child (and every
// conditionally required one, which the minimal object's siblings make
// consistent) with a value.
func (s *formSuite) minimal(prefix []string) map[string]any {
	out := map[string]any{}
	for _, f := range s.children(prefix) {
		if f.Required || f.RequiredWhen != nil {
			out[f.Path[len(f.Path)-1]] = s.value(f)
		}
	}
	if n := len(prefix); n >= 2 && prefix[n-2] == "contacts" {
		typ, _ := out["type"].(string)
		out["value"] = s.contactValue(typ)
	}
	if prefix[len(prefix)-1] == "organization" && out["name"] != nil {
		// A membership names exactly one of id and name: the minimal one
		// creates its organization by name.
		delete(out, "id")
	}
	return out
}

// contextValue sets a field whose valid value depends on another (the
// small, justified exception list of the form test): a contact's value
// follows its type, a parameter's value its name's definition.
func (s *formSuite) contextValue(body map[string]any, f formField) bool {
	path, n := f.Path, len(f.Path)
	switch {
	case (n == 2 && path[0] == "customerCategory") || (n == 3 && path[1] == "categorization"):
		// Naming the category: the form's, the one it describes.
		v := map[string]*string{"id": s.form.CategoryID, "code": s.form.CategoryCode, "name": s.form.CategoryName}[path[n-1]]
		if v == nil {
			return false
		}
		setAt(body, path, *v, s)
		return true
	case f.key() == "phoneCountryCode" || f.key() == "phoneNationalNumber":
		// A split phone: both parts, instead of phone.
		delete(body, "phone")
		body["phoneCountryCode"], body["phoneNationalNumber"] = 370, "60012345"
		return true
	case f.key() == "individualCustomer.organization.memberRole" || f.key() == "individualCustomer.organization.department":
		// A membership needs its organization: a new one, by name.
		setAt(body, []string{"individualCustomer", "organization", "name"}, fmt.Sprintf("Form Org %d", formSeq.Add(1)), s)
		return false
	case f.key() == "individualCustomer.organization.id":
		// An existing organization: one registered by name before (and
		// no name, which would name a new one too).
		setAt(body, path, s.organizationID(), s)
		deleteAt(body, []string{"individualCustomer", "organization", "name"})
		return true
	case n >= 3 && path[n-3] == "contacts" && (path[n-1] == "value" || path[n-1] == "type"):
		typePath := append(slices.Clone(path[:n-1]), "type")
		if path[n-1] == "type" {
			setAt(body, typePath, s.value(f), s)
		}
		typ, _ := getAt(body, typePath).(string)
		setAt(body, append(slices.Clone(path[:n-1]), "value"), s.contactValue(typ), s)
		return true
	case n >= 3 && path[n-3] == "parametrization" && (path[n-1] == "name" || path[n-1] == "value"):
		elem := slices.Clone(path[:n-1])
		name, _ := getAt(body, append(slices.Clone(elem), "name")).(string)
		if path[n-1] == "name" || name == "" {
			nameField := s.field(strings.Join(append(slices.Clone(elem), "name"), "."))
			if nameField == nil || len(nameField.Choices) == 0 {
				return false
			}
			name = nameField.Choices[0].Value
		}
		def := s.parameter(name)
		if def == nil {
			s.t.Fatalf("the form offers parameter %q that no feature defines", name)
		}
		setAt(body, append(slices.Clone(elem), "name"), name, s)
		setAt(body, append(slices.Clone(elem), "value"), parameterValue(*def), s)
		return true
	}
	return false
}

// contactValue is a valid value of a contact of type typ.
func (s *formSuite) contactValue(typ string) string {
	switch typ {
	case "PHONE", "MOBILE", "FAX":
		return "+37060012345"
	case "WEBSITE":
		return "https://example.com/"
	case "EMAIL", "":
		return fmt.Sprintf("contact%d@example.com", s.next())
	}
	return fmt.Sprintf("contact %d", s.next())
}

// parameter is the definition of a parameter of the form's features.
func (s *formSuite) parameter(name string) *formParameter {
	for _, f := range s.form.Features {
		for i := range f.Parameters {
			if f.Parameters[i].Name == name {
				return &f.Parameters[i]
			}
		}
	}
	return nil
}

// parameterValue is a value the definition allows.
func parameterValue(p formParameter) string {
	switch {
	case len(p.AllowedValues) > 0:
		return p.AllowedValues[0]
	case p.CategoryValue != nil:
		return *p.CategoryValue
	case p.DefaultValue != nil:
		return *p.DefaultValue
	case p.Type == "BOOLEAN":
		return "true"
	case p.Type == "INTEGER" || p.Type == "DECIMAL":
		if p.Min != nil {
			return strconv.FormatFloat(*p.Min, 'f', -1, 64)
		}
		return "1"
	}
	return "value"
}

// set sets f to v in body, and the fields linked to it that body has.
func (s *formSuite) set(body map[string]any, f formField, v any) {
	setAt(body, f.Path, v, s)
	for _, group := range s.c.linked {
		if !slices.Contains(group, f.key()) {
			continue
		}
		for _, other := range group {
			if p := strings.Split(other, "."); other != f.key() && getAt(body, p) != nil {
				setAt(body, p, v, s)
			}
		}
	}
}

// uniquify makes the body's unique fields unique in the tenant, but for
// the field under test and those linked to it.
func (s *formSuite) uniquify(body map[string]any, tested string) {
	skip := []string{tested}
	for _, group := range s.c.linked {
		if slices.Contains(group, tested) {
			skip = append(skip, group...)
		}
	}
	for _, key := range s.c.unique {
		p := strings.Split(key, ".")
		if slices.Contains(skip, key) || getAt(body, p) == nil {
			continue
		}
		f := formField{Path: p, Type: "TEXT"}
		if strings.HasSuffix(key, "email") || strings.HasSuffix(key, "username") {
			f.Type = "EMAIL"
		}
		s.set(body, f, s.value(f))
	}
}

// send sends body with the real registration (register) or its dry run.
func (s *formSuite) send(body map[string]any, register bool) *testutil.Response {
	q := s.c.validate
	if register {
		q = s.c.register
	}
	return s.env.Do(testutil.Request{Token: s.env.token, TenantKey: "acme", Query: q, Variables: map[string]any{"input": body}})
}

// organizationID registers an organization customer (an individual
// joining one created by name) and returns its id.
func (s *formSuite) organizationID() string {
	body := clone(s.t, s.base)
	s.uniquify(body, "")
	setAt(body, []string{"individualCustomer", "organization", "name"}, fmt.Sprintf("Form Org %d", formSeq.Add(1)), s)
	var reg struct{ RegisterIndividual struct{ ID string } }
	s.send(body, true).Into(s.t, &reg)
	r := s.env.Do(testutil.Request{Token: s.env.token, TenantKey: "acme",
		Query:     `query($id: ID!) { node(id: $id) { ... on Customer { person { employments { organization { customer { id } } } } } } }`,
		Variables: map[string]any{"id": reg.RegisterIndividual.ID}})
	var out struct {
		Node struct {
			Person struct {
				Employments []struct {
					Organization struct{ Customer struct{ ID string } }
				}
			}
		}
	}
	r.Into(s.t, &out)
	if len(out.Node.Person.Employments) == 0 {
		s.t.Fatalf("the individual joined no organization: %s", r.Raw)
	}
	return out.Node.Person.Employments[0].Organization.Customer.ID
}

// indexPath is the error path of a form path: each "*" the first element.
func indexPath(p []string) string {
	return strings.ReplaceAll(strings.Join(p, "."), "*", "0")
}

func hasProblem(r *testutil.Response, field, code, reason string) bool {
	return slices.ContainsFunc(r.Errors, func(e testutil.Error) bool {
		return e.Field() == field && (code == "" || e.Code() == code) && (reason == "" || e.Reason() == reason)
	})
}

// TestRegistrationFormFieldsAreAccepted sends, for every field the form
// lists, the FinHub registration with that field set to a valid value the
// form gives (a choice, a text of maxLength characters, a number in range),
// through the real registration: each must register.
func TestRegistrationFormFieldsAreAccepted(t *testing.T) {
	env := newRegistrationEnv(t)
	for _, c := range formCases {
		t.Run(c.customerType, func(t *testing.T) {
			s := newFormSuite(t, env, c)
			for _, f := range s.form.Fields {
				if f.Type == "OBJECT" || f.Type == "LIST" {
					continue // their fields are set one by one
				}
				values := []any{nil} // the form's value (value)
				// A calling code is checked with its number, and 999, in
				// range, is no country's: the split phone's code is tried
				// with a number of its own country alone.
				if f.Max != nil && f.key() != "phoneCountryCode" {
					values = append(values, *f.Max) // and the largest allowed
				}
				for _, v := range values {
					body := clone(t, s.base)
					switch {
					case v != nil:
						s.contextValue(body, f)
						s.set(body, f, v)
					case !s.contextValue(body, f):
						s.set(body, f, s.value(f))
					}
					s.uniquify(body, f.key())
					if r := s.send(body, true); len(r.Errors) > 0 {
						t.Errorf("%s set to %v: %s", f.key(), getAt(body, f.Path), r.Raw)
					}
				}
			}
		})
	}
}

// TestRegistrationFormRequiredFields leaves out every field the form
// marks required (its parent given): each is REQUIRED on its path. And
// every optional field the FinHub body sends may be left out.
func TestRegistrationFormRequiredFields(t *testing.T) {
	env := newRegistrationEnv(t)
	for _, c := range formCases {
		t.Run(c.customerType, func(t *testing.T) {
			s := newFormSuite(t, env, c)
			required := 0
			for _, f := range s.form.Fields {
				if slices.Contains(f.Path, "parametrization") {
					// What a feature's parameters require is the
					// features' part of the form (parameters[].required).
					continue
				}
				body := clone(t, s.base)
				switch {
				case f.Required:
					required++
					if getAt(body, f.Path) == nil {
						s.set(body, f, s.value(f)) // builds the parents
					}
					deleteAt(body, f.Path)
					r := s.send(body, false)
					if !hasProblem(r, indexPath(f.Path), "BAD_USER_INPUT", "REQUIRED") {
						t.Errorf("%s left out: want REQUIRED there, got %s", f.key(), r.Raw)
					}
				case f.RequiredWhen == nil && getAt(body, f.Path) != nil:
					deleteAt(body, f.Path)
					if r := s.send(body, false); len(r.Errors) > 0 {
						t.Errorf("optional %s left out: %s", f.key(), r.Raw)
					}
				}
			}
			if required < 5 {
				t.Errorf("only %d required fields", required)
			}
			// The login rule (requiredWhen): with a password, the login
			// e-mail is required.
			if f := s.field("email"); f != nil && f.RequiredWhen != nil && getAt(s.base, []string{"password"}) != nil {
				body := clone(t, s.base)
				deleteAt(body, []string{"email"})
				if r := s.send(body, false); !hasProblem(r, "email", "BAD_USER_INPUT", "REQUIRED") {
					t.Errorf("email left out with a password: want REQUIRED, got %s", r.Raw)
				}
			}
		})
	}
}

// loginTriggers are the fields of the FinHub individual body that each,
// alone, ask for a login user.
var loginTriggers = []string{"password", "matchingPassword", "roleIds", "individualCustomer.user"}

// TestRegistrationFormLoginCondition: the login e-mail's requiredWhen names
// every field that creates a login, and each of them alone does make the
// e-mail REQUIRED; with none of them the e-mail may be left out.
func TestRegistrationFormLoginCondition(t *testing.T) {
	env := newRegistrationEnv(t)
	s := newFormSuite(t, env, formCases[0])
	email := s.field("email")
	if email == nil || email.Required || email.RequiredWhen == nil {
		t.Fatalf("email: %+v", email)
	}
	noLogin := clone(t, s.base)
	for _, key := range append([]string{"email"}, loginTriggers...) {
		deleteAt(noLogin, strings.Split(key, "."))
	}
	if r := s.send(noLogin, false); len(r.Errors) > 0 {
		t.Fatalf("no login and no email: %s", r.Raw)
	}
	for _, key := range loginTriggers {
		if !strings.Contains(*email.RequiredWhen, key) {
			t.Errorf("email's requiredWhen %q does not name %s", *email.RequiredWhen, key)
		}
		if key != "password" && !strings.Contains(deref(s.field("password").RequiredWhen), key) {
			t.Errorf("password's requiredWhen %q does not name %s", deref(s.field("password").RequiredWhen), key)
		}
		body := clone(t, noLogin)
		p := strings.Split(key, ".")
		setAt(body, p, getAt(s.base, p), s)
		if r := s.send(body, false); !hasProblem(r, "email", "BAD_USER_INPUT", "REQUIRED") {
			t.Errorf("%s alone without email: want email REQUIRED, got %s", key, r.Raw)
		}
	}
}

// TestRegistrationFormTenantAddress: the form says what the tenant asking
// requires of an address, and the registration holds to it. Without a
// default country, a country is required unless the state names its own
// (leaving both out is REQUIRED, a state alone is accepted); with
// defaultCountry LT the form names it and leaving the country out is
// accepted; an addressLine stands for the street and the city.
func TestRegistrationFormTenantAddress(t *testing.T) {
	env := newRegistrationEnv(t)
	s := newFormSuite(t, env, formCases[0])
	address := []string{"individualCustomer", "person", "addresses", "*"}
	at := func(parts ...string) []string { return append(slices.Clone(address), parts...) }
	register := func(body map[string]any) *testutil.Response {
		s.uniquify(body, "")
		return s.send(body, true)
	}

	noCountry := clone(t, s.base)
	deleteAt(noCountry, at("country"))
	if r := s.send(noCountry, false); !hasProblem(r, indexPath(at("country")), "BAD_USER_INPUT", "REQUIRED") {
		t.Errorf("no country, no state, no default: want REQUIRED on country, got %s", r.Raw)
	}
	stateOnly := clone(t, noCountry)
	setAt(stateOnly, at("state"), "US-CA", s)
	if r := register(stateOnly); len(r.Errors) > 0 {
		t.Errorf("a state naming its country, no country: %s", r.Raw)
	}

	env.setTenant(t, map[string]any{"defaultCountry": "LT"})
	s = newFormSuite(t, env, formCases[0])
	country := s.field(strings.Join(at("country"), "."))
	if country == nil || country.Required || !strings.Contains(deref(country.RequiredWhen), "defaultCountry LT") {
		t.Fatalf("country with defaultCountry LT: %+v", country)
	}
	if r := register(clone(t, noCountry)); len(r.Errors) > 0 {
		t.Errorf("the form says country may be left out with defaultCountry LT: %s", r.Raw)
	}
	line := clone(t, noCountry)
	deleteAt(line, at("street"))
	deleteAt(line, at("city"))
	setAt(line, at("addressLine"), "Gedimino pr. 1, Vilnius, 01103", s)
	if r := register(line); len(r.Errors) > 0 {
		t.Errorf("an addressLine instead of street and city, no country: %s", r.Raw)
	}
}

// TestRegistrationFormLimits sends each field one character over its
// maxLength, a number just outside its min or max, and a value outside its
// choices: each is refused on its path.
func TestRegistrationFormLimits(t *testing.T) {
	env := newRegistrationEnv(t)
	for _, c := range formCases {
		t.Run(c.customerType, func(t *testing.T) {
			s := newFormSuite(t, env, c)
			for _, f := range s.form.Fields {
				if f.MaxLength != nil {
					body := clone(t, s.base)
					s.contextValue(body, f) // a valid sibling (a parameter's name)
					setAt(body, f.Path, strings.Repeat("x", *f.MaxLength+1), s)
					if r := s.send(body, false); !hasProblem(r, indexPath(f.Path), "BAD_USER_INPUT", "") {
						t.Errorf("%s of %d characters: want BAD_USER_INPUT there, got %s", f.key(), *f.MaxLength+1, r.Raw)
					}
				}
				for _, out := range outOfRange(f) {
					body := clone(t, s.base)
					s.contextValue(body, f)
					setAt(body, f.Path, out, s)
					if r := s.send(body, false); !hasProblem(r, indexPath(f.Path), "BAD_USER_INPUT", "") {
						t.Errorf("%s = %v, out of range: want BAD_USER_INPUT there, got %s", f.key(), out, r.Raw)
					}
				}
				if len(f.Choices) > 0 {
					body := clone(t, s.base)
					s.contextValue(body, f)
					var outside any = "NOT_A_CHOICE_ZZ"
					if f.Type == "BOOLEAN" {
						outside = f.Choices[0].Value != "true"
					}
					setAt(body, f.Path, outside, s)
					if r := s.send(body, false); !hasProblem(r, indexPath(f.Path), "", "") {
						t.Errorf("%s = %v, not a choice: want a problem there, got %s", f.key(), outside, r.Raw)
					}
				}
			}
		})
	}
}

// outOfRange are the numbers just outside a field's min and max.
func outOfRange(f formField) []any {
	var out []any
	step := 1.0
	if f.Type == "FLOAT" {
		step = 0.5
	}
	if f.Min != nil {
		out = append(out, *f.Min-step)
	}
	if f.Max != nil {
		out = append(out, *f.Max+step)
	}
	return out
}

// TestRegistrationFormShape checks what the form says of a few fields and
// of the category's features against the rules they stand for.
func TestRegistrationFormShape(t *testing.T) {
	env := newRegistrationEnv(t)
	s := newFormSuite(t, env, formCases[0])
	f := s.form
	want(t, "mutation", f.Mutation, "registerIndividual")
	want(t, "category", deref(f.CategoryCode), "MEDIUM_RISK_INDIVIDUAL")
	country := s.field("individualCustomer.person.addresses.*.country")
	if country == nil || country.Type != "COUNTRY" || country.Required || len(country.Choices) < 190 ||
		!strings.Contains(deref(country.RequiredWhen), "state") || strings.Contains(deref(country.RequiredWhen), "defaultCountry") {
		t.Fatalf("address country (the tenant has no default country): %+v", country)
	}
	for _, key := range []string{"street", "city"} {
		f := s.field("individualCustomer.person.addresses.*." + key)
		if f == nil || f.Required || !strings.Contains(deref(f.RequiredWhen), "addressLine") {
			t.Errorf("address %s: want required unless addressLine is given, got %+v", key, f)
		}
	}
	for _, key := range []string{"id", "name"} {
		f := s.field("individualCustomer.organization." + key)
		if f == nil || f.Required || f.RequiredWhen == nil || f.MaxLength == nil {
			t.Errorf("membership %s: want exactly one of id and name, with a maxLength, got %+v", key, f)
		}
	}
	if !slices.ContainsFunc(country.Choices, func(c struct{ Value, Label string }) bool { return c.Value == "LT" && c.Label == "Lithuania" }) {
		t.Errorf("countries lack LT Lithuania")
	}
	if a := s.field("individualCustomer.person.addresses"); a == nil || a.Type != "LIST" || !a.Required || valueOf(a.MaxItems) != 20 {
		t.Errorf("addresses: %+v", a)
	}
	if p := s.field("password"); p == nil || p.Type != "PASSWORD" || p.Required || p.RequiredWhen == nil || valueOf(p.MinLength) != 8 {
		t.Errorf("password: %+v", p)
	}
	if roles := s.field("roleIds.*"); roles == nil || roles.Type != "CHOICE" || len(roles.Choices) == 0 {
		t.Errorf("roleIds: %+v", roles)
	}
	if len(f.Features) != 1 || f.Features[0].Code != "MEDIUM_RISK_PROFILE" || len(f.Features[0].Parameters) == 0 {
		t.Fatalf("features: %+v", f.Features)
	}
	// The employee's person has no required addresses, unlike the
	// individual's.
	org := newFormSuite(t, env, formCases[1])
	if a := org.field("organizationCustomer.employees.*.person.addresses"); a == nil || a.Required {
		t.Errorf("employee addresses: %+v", a)
	}
	want(t, "default organization category", deref(org.form.CategoryCode), "SMALL_BUSINESS")

	// A self-service token is offered only the roles it may grant.
	r := env.Do(testutil.Request{Token: env.selfService, TenantKey: "acme", Query: registrationFormQuery,
		Variables: map[string]any{"type": "ORGANIZATION"}})
	var self struct{ RegistrationForm registrationForm }
	r.Into(t, &self)
	for _, fl := range self.RegistrationForm.Fields {
		if fl.key() == "roleIds.*" && slices.ContainsFunc(fl.Choices, func(c struct{ Value, Label string }) bool { return c.Value == "ADMIN_USER" }) {
			t.Errorf("a self-service form offers ADMIN_USER: %+v", fl.Choices)
		}
	}
}

// TestRegistrationFormCategory: the category argument names a category as
// CategoryReferenceInput does, and one of another tenant is NOT_FOUND.
func TestRegistrationFormCategory(t *testing.T) {
	env := newRegistrationEnv(t)
	ask := func(typ, category string) *testutil.Response {
		return env.Do(testutil.Request{Token: env.token, TenantKey: "acme", Query: registrationFormQuery,
			Variables: map[string]any{"type": typ, "category": category}})
	}
	for _, ref := range []string{"HIGH_RISK_INDIVIDUAL", "9c3f5a7e-8b1d-4e2f-a6c0-3d9e1b7f5a24"} {
		var got struct{ RegistrationForm registrationForm }
		ask("INDIVIDUAL", ref).Into(t, &got)
		want(t, "category "+ref, deref(got.RegistrationForm.CategoryCode), "HIGH_RISK_INDIVIDUAL")
	}
	r := ask("ORGANIZATION", "HIGH_RISK_INDIVIDUAL")
	if !hasProblem(r, "category", "BAD_USER_INPUT", "CATEGORY_TYPE_MISMATCH") {
		t.Errorf("a category of the other type: %s", r.Raw)
	}
	r = ask("INDIVIDUAL", "NO_SUCH_CATEGORY")
	if !hasProblem(r, "category", "NOT_FOUND", "") {
		t.Errorf("an unknown category: %s", r.Raw)
	}

	// Another tenant's category is not found, and the form needs
	// customers:register.
	rival := env.Tenant("rival")
	c, err := env.Client().Category.Query().First(env.As(env.tenantID))
	if err != nil {
		t.Fatal(err)
	}
	token := env.Token([]string{"rival"}, "customers:register")
	_ = rival
	r = env.Do(testutil.Request{Token: token, TenantKey: "rival", Query: registrationFormQuery,
		Variables: map[string]any{"type": string(c.CustomerType), "category": c.ID}})
	if !hasProblem(r, "category", "NOT_FOUND", "") {
		t.Errorf("another tenant's category: %s", r.Raw)
	}
	r = env.Do(testutil.Request{Token: env.manager, TenantKey: "acme", Query: registrationFormQuery,
		Variables: map[string]any{"type": "INDIVIDUAL"}})
	if len(r.Errors) == 0 || r.Errors[0].Code() != "FORBIDDEN" {
		t.Errorf("without customers:register: %s", r.Raw)
	}
}

func valueOf[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

func clone(t *testing.T, v map[string]any) map[string]any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// getAt is the value at a form path in a decoded body ("*": the first
// element), or nil.
func getAt(body any, path []string) any {
	v := body
	for _, p := range path {
		if p == "*" {
			a, _ := v.([]any)
			if len(a) == 0 {
				return nil
			}
			v = a[0]
			continue
		}
		m, _ := v.(map[string]any)
		if m == nil {
			return nil
		}
		v = m[p]
	}
	return v
}

// setAt sets the value at a form path, building missing parents as the
// form's minimal objects and lists of one element.
func setAt(body map[string]any, path []string, v any, s *formSuite) {
	var cur any = body
	for i, p := range path {
		last := i == len(path)-1
		switch c := cur.(type) {
		case map[string]any:
			if last {
				c[p] = v
				return
			}
			if c[p] == nil {
				if path[i+1] == "*" {
					c[p] = []any{}
				} else {
					c[p] = s.minimal(path[:i+1])
				}
			}
			cur = c[p]
		case []any:
			if len(c) == 0 {
				var elem any = s.minimal(path[:i+1])
				if last {
					elem = v
				}
				c = append(c, elem)
				setAt(body, path[:i], c, s)
				if last {
					return
				}
			} else if last {
				c[0] = v
				return
			}
			cur = c[0]
		}
	}
}

// deleteAt removes the field at a form path (the first element of a list
// when the path ends with "*").
func deleteAt(body map[string]any, path []string) {
	parent := getAt(body, path[:len(path)-1])
	if m, ok := parent.(map[string]any); ok {
		delete(m, path[len(path)-1])
	}
}
