package compat_test

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"

	"onboard/graph"
	"onboard/internal/testutil"
)

// The GraphQL inputs carry every field of the three non-FinHub bodies: a
// table per body names the registerIndividual input path(s) of each field;
// the test checks each path against the schema, registers the body through
// GraphQL with the mapped input, and reads it back, finding every field
// where the seed tables say it lives.

// inputHome is where one field of a body goes in registerIndividual's input.
type inputHome struct {
	seed string
	// inputs are the input paths that take the value ("a.b[0].c"); none
	// for a field that selects the mutation itself (PCXPay's type).
	inputs []string
	// value turns the body's value into the input's (nil: the same).
	value func(v any) any
	how   string
}

var cryptomateInputs = []inputHome{
	{seed: "first_name", inputs: []string{"individualCustomer.person.firstName"}},
	{seed: "second_name", inputs: []string{"individualCustomer.person.middleName"}},
	{seed: "last_name", inputs: []string{"individualCustomer.person.lastName"}},
	{seed: "email", inputs: []string{"individualCustomer.person.email"}, how: "no password: no login"},
	{seed: "birth_date", inputs: []string{"individualCustomer.person.dateOfBirth"}},
	{seed: "address.street_line1", inputs: []string{"individualCustomer.person.addresses[0].street"}},
	{seed: "address.city", inputs: []string{"individualCustomer.person.addresses[0].city"}},
	{seed: "address.postal_code", inputs: []string{"individualCustomer.person.addresses[0].postalCode"}},
	{seed: "address.state", inputs: []string{"individualCustomer.person.addresses[0].state"}, how: "ARG-B: ISO 3166-2 with an alpha-3 prefix"},
	{seed: "address.country", inputs: []string{"individualCustomer.person.addresses[0].country"}, how: "alpha-3"},
	{seed: "phone_country_code", inputs: []string{"phoneCountryCode"}},
	{seed: "phone_number", inputs: []string{"phoneNationalNumber"}, value: digits, how: "the number's digits as a string"},
}

var walletsInputs = []inputHome{
	{seed: "tenantUserId", inputs: []string{"externalReference"}},
	{seed: "email", inputs: []string{"individualCustomer.person.email"}, how: "no password: no login"},
	{seed: "firstName", inputs: []string{"individualCustomer.person.firstName"}},
	{seed: "lastName", inputs: []string{"individualCustomer.person.lastName"}},
	{seed: "middleName", inputs: []string{"individualCustomer.person.middleName"}},
	{seed: "address.addressLine1", inputs: []string{"individualCustomer.person.addresses[0].street"}},
	{seed: "address.addressLine2", inputs: []string{"individualCustomer.person.addresses[0].line2"}},
	{seed: "address.state", inputs: []string{"individualCustomer.person.addresses[0].state"}, how: "no country: the state's, else the tenant's defaultCountry"},
	{seed: "address.city", inputs: []string{"individualCustomer.person.addresses[0].city"}},
	{seed: "address.zipCode", inputs: []string{"individualCustomer.person.addresses[0].postalCode"}},
	{seed: "identificationNumber", inputs: []string{"individualCustomer.person.identityDocuments[0].number"}, how: "no type: UNSPECIFIED"},
	{seed: "phoneNumber", inputs: []string{"phone"}, how: "national: read in the tenant's defaultCountry"},
	{seed: "userTag", inputs: []string{"tags[0]"}},
	{seed: "dateOfBirth", inputs: []string{"individualCustomer.person.dateOfBirth"}, how: "a date-time: its date is kept"},
	{seed: "gender", inputs: []string{"individualCustomer.person.gender"}},
}

var pcxpayInputs = []inputHome{
	{seed: "email", inputs: []string{"email"}},
	{seed: "fname", inputs: []string{"individualCustomer.person.firstName"}},
	{seed: "lname", inputs: []string{"individualCustomer.person.lastName"}},
	{seed: "password", inputs: []string{"password", "matchingPassword"}, how: "a login"},
	{seed: "date_of_birth", inputs: []string{"individualCustomer.person.dateOfBirth"}},
	{seed: "role", inputs: []string{"segment"}},
	{seed: "type", how: `"user" is registerIndividual itself`},
	{seed: "org_name", inputs: []string{"individualCustomer.organization.name"}},
	{seed: "org_member_role", inputs: []string{"individualCustomer.organization.memberRole"}, value: upper},
	{seed: "phone_number", inputs: []string{"phone"}},
	{seed: "address", inputs: []string{"individualCustomer.person.addresses[0].addressLine"}},
	{seed: "country", inputs: []string{"individualCustomer.person.addresses[0].country"}},
	{seed: "id_type", inputs: []string{"individualCustomer.person.identityDocuments[0].type"}, value: upper},
	{seed: "id_number", inputs: []string{"individualCustomer.person.identityDocuments[0].number"}},
	{seed: "additional_id_type", inputs: []string{"individualCustomer.person.identityDocuments[1].type"}, value: upper},
	{seed: "additional_id_number", inputs: []string{"individualCustomer.person.identityDocuments[1].number"}},
}

// The fields of PCXPay's body its seed does not carry have inputs too.
var pcxpayOtherInputs = map[string]string{
	"org_id":             "individualCustomer.organization.id",
	"invited_by_user_id": "invitedBy",
	"created_by":         "createdBy",
}

func TestGraphQLInputsCarryEveryFieldOfTheBodies(t *testing.T) {
	schema := graph.NewExecutableSchema(graph.Config{}).Schema()
	for _, c := range []struct {
		file           string
		inputs         []inputHome
		homes          []home
		defaultCountry string
	}{
		{"cryptomate-individual.json", cryptomateInputs, cryptomateHomes, ""},
		{"wallets-person.json", walletsInputs, walletsHomes, "NG"},
		{"pcxpay-user.json", pcxpayInputs, pcxpayHomes, ""},
	} {
		t.Run(c.file, func(t *testing.T) {
			var body map[string]any
			if err := json.Unmarshal(seed(t, c.file), &body); err != nil {
				t.Fatal(err)
			}
			all := map[string]any{}
			leaves(body, "", all)
			byField := map[string]inputHome{}
			for _, h := range c.inputs {
				byField[h.seed] = h
				for _, p := range h.inputs {
					checkInputPath(t, schema, "RegisterIndividualInput", p)
				}
			}
			input := map[string]any{}
			for leaf, v := range all {
				h, ok := byField[leaf]
				if !ok {
					t.Errorf("the table does not say which input takes the body's %s", leaf)
					continue
				}
				if h.value != nil {
					v = h.value(v)
				}
				for _, p := range h.inputs {
					putPath(input, p, v)
				}
			}
			if c.file == "pcxpay-user.json" {
				for _, p := range pcxpayOtherInputs {
					checkInputPath(t, schema, "RegisterIndividualInput", p)
				}
			}
			if t.Failed() {
				return
			}

			e := newCompatEnv(t)
			if c.defaultCountry != "" {
				e.setDefaultCountry(t, c.defaultCountry)
			}
			resp := e.Do(testutil.Request{Token: e.token, TenantKey: tenantKey,
				Query:     `mutation($input: RegisterIndividualInput!) { registerIndividual(input: $input) { id } }`,
				Variables: map[string]any{"input": input}})
			var out struct{ RegisterIndividual struct{ ID string } }
			resp.Into(t, &out)
			checkHomes(t, c.homes, &readBack{env: e, body: any(body), customer: e.read(t, out.RegisterIndividual.ID)})
		})
	}
}

// checkInputPath fails unless path names fields of the input type typ,
// through lists where it gives an index.
func checkInputPath(t *testing.T, schema *ast.Schema, typ, path string) {
	t.Helper()
	def := schema.Types[typ]
	steps := segment.FindAllString(path, -1)
	for i, s := range steps {
		if strings.HasPrefix(s, "[") {
			continue
		}
		if def == nil || def.Kind != ast.InputObject {
			t.Errorf("%s: %s is not inside an input object", path, s)
			return
		}
		f := def.Fields.ForName(s)
		if f == nil {
			t.Errorf("%s: %s has no field %s", path, def.Name, s)
			return
		}
		indexed := i+1 < len(steps) && strings.HasPrefix(steps[i+1], "[")
		if indexed && f.Type.Elem == nil {
			t.Errorf("%s: %s.%s is not a list", path, def.Name, s)
			return
		}
		def = schema.Types[f.Type.Name()]
	}
}

// putPath sets v at path in the input, making objects and lists.
func putPath(root map[string]any, path string, v any) {
	steps := segment.FindAllString(path, -1)
	var cur any = root
	var set func(any)
	for i, s := range steps {
		last := i == len(steps)-1
		if strings.HasPrefix(s, "[") {
			n, _ := strconv.Atoi(strings.Trim(s, "[]"))
			a, _ := cur.([]any)
			for len(a) <= n {
				a = append(a, map[string]any{})
			}
			set(a)
			if last {
				a[n] = v
				return
			}
			cur, set = a[n], func(x any) { a[n] = x }
			continue
		}
		m := cur.(map[string]any)
		if last {
			m[s] = v
			return
		}
		next, ok := m[s]
		if !ok {
			if strings.HasPrefix(steps[i+1], "[") {
				next = []any{}
			} else {
				next = map[string]any{}
			}
			m[s] = next
		}
		key := s
		cur, set = next, func(x any) { m[key] = x }
	}
}
