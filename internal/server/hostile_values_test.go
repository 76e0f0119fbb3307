package server_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"onboard/internal/testutil"
)

// hostileValuesEnv is an env with a registered organization (for the
// member mutations) and the inputs the numeric and date cases spoil.
type hostileValuesEnv struct {
	*hostileEnv
	orgID, repID string
	individual   map[string]any
	org          map[string]any
}

func newHostileValuesEnv(t *testing.T, category string) *hostileValuesEnv {
	e := &hostileValuesEnv{hostileEnv: newHostileEnv(t, category, testutil.Options{}),
		individual: testutil.Fixture(t, "finhub-individual.json"),
		org:        testutil.Fixture(t, "finhub-organization-employees.json")}
	r := e.mustSucceed(t, e.token, `mutation($input: RegisterOrganizationInput!) {
		registerOrganization(input: $input) { organizationId directors { id } } }`, map[string]any{"input": e.org})
	var d struct {
		RegisterOrganization struct {
			OrganizationID string
			Directors      []struct{ ID string }
		}
	}
	if err := json.Unmarshal(r.data, &d); err != nil {
		t.Fatal(err)
	}
	e.orgID, e.repID = d.RegisterOrganization.OrganizationID, d.RegisterOrganization.Directors[0].ID
	return e
}

// input returns a unique copy of the individual or organization fixture
// with value at path.
func (e *hostileValuesEnv) input(t *testing.T, root string, path []any, value any) map[string]any {
	n := e.next()
	var in map[string]any
	if root == "registerIndividual" {
		in = hostileClone(e.individual)
		hostileReplaceStrings(in, "marcus.jensen@", fmt.Sprintf("val%d@", n))
	} else {
		in = hostileClone(e.org)
		hostileReplaceStrings(in, "@acmecorp.com", fmt.Sprintf("@val%d.example.com", n))
		hostileReplaceStrings(in, "REG-1234567890", fmt.Sprintf("REG-VAL-%d", n))
	}
	hostileSet(t, in, path, value)
	return in
}

// mutation is a case of root(input: …) refused with BAD_USER_INPUT: at
// the field when execution reports it (200), or before (a scalar that
// refuses the value while variables are coerced).
func (e *hostileValuesEnv) mutation(name, root, typ string, input map[string]any, field string, echo ...string) hostileCase {
	return hostileCase{name: name, req: hostileReq{token: e.token, tenant: "acme", vars: map[string]any{"input": input},
		query: fmt.Sprintf(`mutation($input: %s!) { %s(input: $input) { __typename } }`, typ, root)},
		want: hostileWant{statuses: []int{http.StatusOK, http.StatusBadRequest, http.StatusUnprocessableEntity},
			codes: []string{"BAD_USER_INPUT"}, fields: []string{field}, fieldOptional: true, echo: echo}}
}

// atField is want that requires the refusal to name its field.
func atField(tc hostileCase) hostileCase { tc.want.fieldOptional = false; return tc }

// hostileNumbers: non-finite and out-of-range numbers, as literals and
// variables, in Float and Int arguments and in numeric parameter values.
func hostileNumbers(t *testing.T) {
	e := newHostileValuesEnv(t, "numbers")
	var cases []hostileCase
	share := []any{"organizationCustomer", "organization", "representatives", 1, "ownershipShare"}
	for _, v := range []any{"NaN", "Infinity", "-Infinity", "1e400", 1e308, -0.5, 100.5} {
		cases = append(cases,
			e.mutation(fmt.Sprintf("registerOrganization ownershipShare %v", v), "registerOrganization", "RegisterOrganizationInput",
				e.input(t, "registerOrganization", share, v), hostilePath(share)),
			e.mutation(fmt.Sprintf("addRepresentative ownershipShare %v", v), "addRepresentative", "AddRepresentativeInput",
				map[string]any{"organizationId": e.orgID, "representative": newRepresentativeWith("ownershipShare", v)},
				"representative.ownershipShare"),
			e.mutation(fmt.Sprintf("updateRepresentative ownershipShare %v", v), "updateRepresentative", "UpdateRepresentativeInput",
				map[string]any{"id": e.repID, "ownershipShare": v}, "ownershipShare"))
	}
	for _, p := range []struct {
		field string
		value any
	}{{"min", "NaN"}, {"max", "Infinity"}, {"min", "-Infinity"}, {"max", "1e400"}} {
		cases = append(cases, e.mutation(fmt.Sprintf("createFeature parameter %s %v", p.field, p.value), "createFeature", "CreateFeatureInput",
			map[string]any{"code": fmt.Sprintf("NUM_%d", e.next()), "name": "Numbers",
				"parameters": []any{map[string]any{"name": "limit", "type": "DECIMAL", p.field: p.value}}},
			"parameters.0."+p.field))
	}
	cases = append(cases,
		e.mutation("createFeature min above max", "createFeature", "CreateFeatureInput",
			map[string]any{"code": "NUM_RANGE", "name": "Numbers", "parameters": []any{map[string]any{"name": "limit", "type": "INTEGER", "min": 10, "max": 0}}},
			"parameters.0.min"),
		e.mutation("createFeature DECIMAL default NaN", "createFeature", "CreateFeatureInput",
			map[string]any{"code": "NUM_DEFAULT", "name": "Numbers", "parameters": []any{map[string]any{"name": "limit", "type": "DECIMAL", "defaultValue": "NaN"}}},
			"parameters.0.defaultValue", "NaN"),
	)
	// Parameter values in a registration: riskScore is an INTEGER from 0
	// to 100, monthlyLimit a DECIMAL from 0 to 1,000,000.
	params := []any{"individualCustomer", "categorization", "categoryFeatureRelations", 0, "parametrization"}
	for _, v := range []string{"NaN", "Infinity", "1e400", "9223372036854775808", "-1", "55.5", "0x37"} {
		path := append(append([]any{}, params...), 1, "value")
		cases = append(cases, atField(e.mutation("riskScore "+v, "registerIndividual", "RegisterIndividualInput",
			e.input(t, "registerIndividual", path, v), hostilePath(path))))
	}
	for _, v := range []string{"NaN", "-Infinity", "1e309", "1000000.01", "-0.01"} {
		path := append(append([]any{}, params...), 4, "value")
		cases = append(cases, atField(e.mutation("monthlyLimit "+v, "registerIndividual", "RegisterIndividualInput",
			e.input(t, "registerIndividual", path, v), hostilePath(path))))
	}
	// Page sizes.
	page := func(name, args string, want hostileWant) hostileCase {
		return hostileCase{name: name, req: hostileReq{token: e.token, tenant: "acme",
			query: `{ customers(` + args + `) { totalCount } }`}, want: want}
	}
	pageVar := func(name string, v any, want hostileWant) hostileCase {
		return hostileCase{name: name, req: hostileReq{token: e.token, tenant: "acme", vars: map[string]any{"n": v},
			query: `query($n: Int) { customers(first: $n) { totalCount } }`}, want: want}
	}
	limit := refuse(hostileStatusLimit, "BAD_USER_INPUT")
	intRefusal := refuse(hostileStatusInvalid, "BAD_USER_INPUT")
	cases = append(cases,
		page("first 0", "first: 0", hostileWant{successOnly: true, success: hostileSucceeds(nil)}),
		page("first -1", "first: -1", limit),
		page("last -5", "last: -5", limit),
		page("first 2^31", "first: 2147483648", intRefusal),
		page("first 2^63", "first: 9223372036854775808", intRefusal),
		page("first -2^63", "first: -9223372036854775808", intRefusal),
		page("first 1e3", "first: 1e3", intRefusal),
		page("first 1.5", "first: 1.5", intRefusal),
		page("first as a string", `first: "10"`, intRefusal),
		pageVar("first 2^31 in a variable", 2147483648, intRefusal),
		pageVar("first 2^63 in a variable", json.Number("9223372036854775808"), intRefusal),
		pageVar("first 1e30 in a variable", 1e30, intRefusal),
		pageVar("first 10.5 in a variable", 10.5, intRefusal),
		pageVar("first NaN in a variable", "NaN", intRefusal),
		pageVar("first -1 in a variable", -1, limit),
		hostileCase{name: "501 ids in nodes", req: hostileReq{token: e.token, tenant: "acme",
			query: `query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, vars: map[string]any{"ids": hostileIDs(501)}}, want: limit},
	)
	for _, tc := range cases {
		e.run(t, tc)
	}
}

func newRepresentativeWith(field string, v any) map[string]any {
	r := newRepresentativeInput(0)
	r[field] = v
	return r
}

func hostileIDs(n int) []any {
	out := make([]any, n)
	for i := range out {
		out[i] = fmt.Sprintf("cus_%d", i)
	}
	return out
}

// hostileDates: malformed DateTime literals and variables in where filters,
// and malformed dates in inputs.
func hostileDates(t *testing.T) {
	e := newHostileValuesEnv(t, "dates")
	refused := refuse([]int{http.StatusOK, http.StatusBadRequest, http.StatusUnprocessableEntity}, "BAD_USER_INPUT")
	ok := hostileWant{successOnly: true, success: hostileSucceeds(nil)}
	either := refused
	either.success = hostileSucceeds(nil)
	var cases []hostileCase
	literal := func(name, pred, v string, want hostileWant) hostileCase {
		w := want
		w.echo = append(w.echo, v)
		return hostileCase{name: name + " as a literal", req: hostileReq{token: e.token, tenant: "acme",
			query: fmt.Sprintf(`{ customers(first: 1, where: {%s: %q}) { totalCount } }`, pred, v)}, want: w}
	}
	variable := func(name, pred string, v any, want hostileWant) hostileCase {
		w := want
		if s, isString := v.(string); isString {
			w.echo = append(w.echo, s)
		}
		return hostileCase{name: name + " in a variable", req: hostileReq{token: e.token, tenant: "acme",
			query: `query($w: CustomerWhereInput) { customers(first: 1, where: $w) { totalCount } }`,
			vars:  map[string]any{"w": map[string]any{pred: v}}}, want: w}
	}
	for _, c := range []struct {
		name, value string
		want        hostileWant
	}{
		{"9999-99-99", "9999-99-99", refused},
		{"30 February", "2024-02-30T00:00:00Z", refused},
		{"hour 25", "2024-01-01T25:00:00Z", refused},
		{"year 10000", "10000-01-01T00:00:00Z", refused},
		{"offset +25:00", "2024-01-01T00:00:00+25:00", refused},
		{"no offset", "2024-01-01T00:00:00", refused},
		{"a date without time", "2024-01-01", refused},
		{"empty", "", refused},
		{"SQL", "2024-01-01' OR '1'='1", refused},
		{"offset +14:00", "2024-01-01T00:00:00+14:00", ok},
		{"year 0", "0000-01-01T00:00:00Z", either},
		{"year 1", "0001-01-01T00:00:00Z", ok},
	} {
		cases = append(cases, literal("createdAtGTE "+c.name, "createdAtGTE", c.value, c.want),
			variable("createdAtGTE "+c.name, "createdAtGTE", c.value, c.want))
	}
	cases = append(cases,
		variable("updatedAtLT a number", "updatedAtLT", 20240101, refused),
		variable("createdAtIn holding 9999-99-99", "createdAtIn", []any{"2024-01-01T00:00:00Z", "9999-99-99"}, refused),
		variable("createdAt an object", "createdAt", map[string]any{"year": 2024}, refused),
		hostileCase{name: "customerStats createdAtLT 9999-99-99", req: hostileReq{token: e.token, tenant: "acme",
			query: `{ customerStats(groupBy: [TYPE], where: {createdAtLT: "9999-99-99"}) { count } }`}, want: refused},
		hostileCase{name: "nested hasOrganizationWith createdAtGT 2024-13-01", req: hostileReq{token: e.token, tenant: "acme",
			query: `{ customers(first: 1, where: {hasOrganizationWith: {createdAtGT: "2024-13-01T00:00:00Z"}}) { totalCount } }`}, want: refused},
	)
	// Dates in inputs.
	dob := []any{"individualCustomer", "person", "dateOfBirth"}
	inc := []any{"organizationCustomer", "organization", "incorporationDate"}
	for _, c := range []struct {
		name, value string
		either      bool
	}{
		{"9999-99-99", "9999-99-99", false}, {"30 February", "1990-02-30", false}, {"29 February of 1990", "1990-02-29", false},
		{"month 13", "1990-13-01", false}, {"year 10000", "10000-01-01", false}, {"offset +25:00", "1990-05-15T00:00:00+25:00", false},
		{"in the future", "2999-01-01", false}, {"SQL", "1990-05-15'); DROP TABLE customers;--", false}, {"year 0", "0000-01-01", true},
	} {
		tcDOB := atField(e.mutation("dateOfBirth "+c.name, "registerIndividual", "RegisterIndividualInput",
			e.input(t, "registerIndividual", dob, c.value), hostilePath(dob), c.value))
		tcInc := atField(e.mutation("incorporationDate "+c.name, "registerOrganization", "RegisterOrganizationInput",
			e.input(t, "registerOrganization", inc, c.value), hostilePath(inc), c.value))
		if c.either {
			tcDOB.want.success, tcInc.want.success = hostileSucceeds(nil), hostileSucceeds(nil)
		}
		cases = append(cases, tcDOB, tcInc)
	}
	for _, v := range []string{"1990-02-30", "9999-99-99", "0000-00-00"} {
		cases = append(cases,
			atField(e.mutation("addRepresentative dateOfBirth "+v, "addRepresentative", "AddRepresentativeInput",
				map[string]any{"organizationId": e.orgID, "representative": newRepresentativeWith("dateOfBirth", v)},
				"representative.dateOfBirth", v)),
			atField(e.mutation("updateRepresentative dateOfBirth "+v, "updateRepresentative", "UpdateRepresentativeInput",
				map[string]any{"id": e.repID, "dateOfBirth": v}, "dateOfBirth", v)))
	}
	for _, tc := range cases {
		if strings.Contains(tc.name, "SQL") {
			tc.want.echo = append(tc.want.echo, "DROP TABLE")
		}
		e.run(t, tc)
	}
}
