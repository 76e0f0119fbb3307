package server_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"onboard/internal/demo"
	"onboard/internal/testutil"
)

// repeat joins n copies of item(i) with spaces.
func repeat(n int, item func(i int) string) string {
	parts := make([]string, n)
	for i := range parts {
		parts[i] = item(i)
	}
	return strings.Join(parts, " ")
}

// assertRefused checks a whole-request refusal: the status, exactly one
// error with code and reason, and a request id.
func assertRefused(t *testing.T, r *testutil.Response, status int, code, reason string) {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status %d, want %d: %.300s", r.Status, status, r.Raw)
	}
	if len(r.Errors) != 1 || r.Errors[0].Code() != code || r.Errors[0].Reason() != reason {
		t.Fatalf("want one %s/%s error, got %d errors: %.300s", code, reason, len(r.Errors), r.Raw)
	}
	if id, _ := r.Errors[0].Extensions["requestId"].(string); id == "" {
		t.Fatalf("no requestId: %.300s", r.Raw)
	}
}

// TestDocumentBoundsRefuseCostlyValidation sends the documents whose
// validation cost seconds of CPU and gigabytes of memory, with a token
// that holds no scope at all: each is refused before it is validated.
func TestDocumentBoundsRefuseCostlyValidation(t *testing.T) {
	env := testutil.New(t)
	env.Tenant("acme")
	noScope := env.Token([]string{"acme"})
	cases := []struct{ name, query string }{
		{"8,000 copies of one field", "{ tenant { " + repeat(8000, func(int) string { return "name" }) + " } }"},
		{"300 fields of one name with other arguments",
			"{ " + repeat(300, func(i int) string { return fmt.Sprintf("roles: node(id: \"x%d\") { id }", i) }) + " }"},
		{"more tokens than the parser takes", "{ " + repeat(6000, func(i int) string { return fmt.Sprintf("a%d: __typename", i) }) + " }"},
		{"conflicting fields in an unused fragment",
			"{ __typename } fragment F on Query { " + repeat(100, func(i int) string { return fmt.Sprintf("tenant: node(id: \"%d\") { id }", i) }) + " }"},
		{"fragments spread into one selection",
			"{ tenant { ...F0 " + repeat(60, func(i int) string { return fmt.Sprintf("...F%d", i) }) + " } } " +
				repeat(60, func(i int) string { return fmt.Sprintf("fragment F%d on Tenant { name }", i) })},
		{"a fragment bomb", "{ tenant { ...F0 } } " + repeat(16, func(i int) string {
			return fmt.Sprintf("fragment F%d on Tenant { ...F%d ...F%d }", i, i+1, i+1)
		}) + " fragment F16 on Tenant { name }"},
		{"nested duplicates", "{ " + repeat(40, func(int) string {
			return "tenant { " + repeat(40, func(int) string { return "categories(first: 1) { totalCount }" }) + " }"
		}) + " }"},
		{"many operations", repeat(60, func(i int) string { return fmt.Sprintf("query Q%d { __typename }", i) })},
		{"a name of 100,000 characters", "{ " + strings.Repeat("n", 100_000) + " }"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := env.Do(testutil.Request{Token: noScope, TenantKey: "acme", Query: tc.query})
			assertRefused(t, r, http.StatusBadRequest, "QUERY_TOO_COMPLEX", "QUERY_TOO_LARGE")
		})
	}
}

// TestDocumentBoundsLetRealDocumentsThrough runs the playground's example
// operations and GraphiQL's introspection query: the bounds must leave
// every real document alone.
func TestDocumentBoundsLetRealDocumentsThrough(t *testing.T) {
	env := testutil.New(t)
	id := env.Tenant("acme")
	if err := demo.SeedCatalog(env.As(id), env.Client()); err != nil {
		t.Fatal(err)
	}
	token := env.Token([]string{"acme"}, testutil.AllScopes...)
	for _, ex := range demo.Examples(demo.OnboardingCustomer{}) {
		if strings.HasPrefix(ex.Query, "mutation") || strings.HasPrefix(ex.Query, "subscription") {
			continue // registrations are tested on their own, the subscription needs a websocket
		}
		t.Run(ex.Title, func(t *testing.T) {
			r := env.Do(testutil.Request{Token: token, TenantKey: "acme", Query: ex.Query})
			if r.Status != http.StatusOK || len(r.Errors) != 0 {
				t.Fatalf("status %d: %.500s", r.Status, r.Raw)
			}
		})
	}
	t.Run("introspection", func(t *testing.T) {
		r := env.Do(testutil.Request{Token: token, TenantKey: "acme", Query: graphiQLIntrospection})
		if r.Status != http.StatusOK || len(r.Errors) != 0 {
			t.Fatalf("status %d: %.500s", r.Status, r.Raw)
		}
	})
	t.Run("fields selected by several fragments", func(t *testing.T) {
		q := `{ tenant { ...A ...B id name } } fragment A on Tenant { id key } fragment B on Tenant { id name key }`
		if r := env.Do(testutil.Request{Token: token, TenantKey: "acme", Query: q}); len(r.Errors) != 0 {
			t.Fatalf("%s", r.Raw)
		}
	})
}

// TestErrorsAreCapped asks for 150 fields that do not exist: the answer
// lists 100 errors and one that counts the rest.
func TestErrorsAreCapped(t *testing.T) {
	env := testutil.New(t)
	env.Tenant("acme")
	token := env.Token([]string{"acme"}, testutil.AllScopes...)
	q := "{ tenant { " + repeat(150, func(i int) string { return fmt.Sprintf("f%d", i) }) + " } }"
	r := env.Do(testutil.Request{Token: token, TenantKey: "acme", Query: q})
	if len(r.Errors) != 101 {
		t.Fatalf("%d errors, want 100 and one counting the rest", len(r.Errors))
	}
	last := r.Errors[100]
	if last.Reason() != "TOO_MANY_ERRORS" || last.Extensions["more"] != 50.0 || last.Code() != "BAD_USER_INPUT" {
		t.Fatalf("last error %+v", last)
	}
}

// TestNonFiniteNumbersAreRefused sends NaN and Infinity, as gqlgen's Float
// accepts them (strings), where a Float is taken.
func TestNonFiniteNumbersAreRefused(t *testing.T) {
	env := newRegistrationEnv(t)
	for _, v := range []any{"NaN", "Infinity", "-Infinity", "+Inf", "nan"} {
		t.Run(fmt.Sprint(v), func(t *testing.T) {
			input := testutil.Fixture(t, "finhub-organization-employees.json")
			set(t, input, "organizationCustomer.organization.representatives.0.ownershipShare", v)
			r := env.registerOrganization(input)
			if len(r.Errors) != 1 || r.Errors[0].Code() != "BAD_USER_INPUT" || r.Errors[0].Reason() != "NOT_FINITE" {
				t.Fatalf("ownershipShare %v: %.400s", v, r.Raw)
			}
			r = env.Do(testutil.Request{Token: env.token, TenantKey: "acme",
				Query: `mutation($min: Float) { createFeature(input: {code: "F", name: "F",
					parameters: [{name: "p", type: INTEGER, min: $min}]}) { feature { id } } }`,
				Variables: map[string]any{"min": v}})
			if len(r.Errors) != 1 || r.Errors[0].Code() != "BAD_USER_INPUT" || r.Errors[0].Reason() != "NOT_FINITE" {
				t.Fatalf("min %v: %.400s", v, r.Raw)
			}
		})
	}
	if n := env.Client().Organization.Query().CountX(env.As(env.tenantID)); n != 0 {
		t.Errorf("refused registrations left %d organizations", n)
	}
}

// TestClientMistakesAreNotInternal covers the inputs that answered
// INTERNAL: introspection while it is off, a malformed DateTime, a huge
// search term.
func TestClientMistakesAreNotInternal(t *testing.T) {
	env := testutil.New(t)
	env.Tenant("acme")
	token := env.Token([]string{"acme"}, testutil.AllScopes...)
	do := func(q string, vars map[string]any) *testutil.Response {
		return env.Do(testutil.Request{Token: token, TenantKey: "acme", Query: q, Variables: vars})
	}
	t.Run("malformed DateTime literal", func(t *testing.T) {
		r := do(`{ customers(first: 1, where: {createdAtGTE: "9999-99-99"}) { totalCount } }`, nil)
		if len(r.Errors) != 1 || r.Errors[0].Code() != "BAD_USER_INPUT" || r.Errors[0].Reason() != "INVALID_DATE_TIME" {
			t.Fatalf("%.400s", r.Raw)
		}
	})
	t.Run("malformed DateTime variable", func(t *testing.T) {
		for _, v := range []any{"9999-99-99", "2024-02-30T00:00:00Z", "", 12} {
			r := do(`query($t: DateTime) { customers(first: 1, where: {updatedAtGTE: $t}) { totalCount } }`,
				map[string]any{"t": v})
			if len(r.Errors) != 1 || r.Errors[0].Code() != "BAD_USER_INPUT" || r.Errors[0].Reason() != "INVALID_DATE_TIME" {
				t.Fatalf("%v: %.400s", v, r.Raw)
			}
		}
	})
	t.Run("a search of 500 KB", func(t *testing.T) {
		r := do(`query($s: String) { customers(first: 1, where: {search: $s}) { totalCount } }`,
			map[string]any{"s": strings.Repeat("ab", 250_000)})
		assertRefused(t, r, http.StatusBadRequest, "BAD_USER_INPUT", "TOO_LONG")
		if got := r.Errors[0].Field(); got != "customers.where.search" {
			t.Errorf("field %q", got)
		}
	})
	t.Run("a search of 1,000 characters", func(t *testing.T) {
		r := do(`query($s: String) { customers(first: 1, where: {search: $s}) { totalCount } }`,
			map[string]any{"s": strings.Repeat("é", 1000)})
		if len(r.Errors) != 0 {
			t.Fatalf("%.400s", r.Raw)
		}
	})
}

// TestIntrospectionOff: with introspection disabled, __schema and __type
// are refused as FORBIDDEN, and a misspelt field gets no suggestion that
// would tell the schema anyway.
func TestIntrospectionOff(t *testing.T) {
	env := testutil.NewWith(t, testutil.Options{NoIntrospection: true})
	env.Tenant("acme")
	token := env.Token([]string{"acme"}, testutil.AllScopes...)
	for _, q := range []string{`{ __schema { types { name } } }`, `{ __type(name: "Customer") { name } }`,
		`{ tenant { name } a: __schema { queryType { name } } }`} {
		r := env.Do(testutil.Request{Token: token, TenantKey: "acme", Query: q})
		assertRefused(t, r, http.StatusForbidden, "FORBIDDEN", "INTROSPECTION_DISABLED")
	}
	r := env.Do(testutil.Request{Token: token, TenantKey: "acme", Query: `{ tenant { nam } }`})
	if len(r.Errors) != 1 || strings.Contains(r.Raw, "Did you mean") {
		t.Fatalf("%.400s", r.Raw)
	}
	if r := env.Do(testutil.Request{Token: token, TenantKey: "acme", Query: `{ tenant { __typename name } }`}); len(r.Errors) != 0 {
		t.Fatalf("__typename is not introspection: %.400s", r.Raw)
	}
}

// TestNodeNotFoundRepeatsNoID: a missing node and a malformed id get one
// answer, which does not repeat the id sent.
func TestNodeNotFoundRepeatsNoID(t *testing.T) {
	env := testutil.New(t)
	env.Tenant("acme")
	token := env.Token([]string{"acme"}, testutil.AllScopes...)
	for _, id := range []string{"hello-secret-value", "cus_01M8RRNRNF8HVZ13C3R6FE3BW3"} {
		r := env.Do(testutil.Request{Token: token, TenantKey: "acme", Query: `query($id: ID!) { node(id: $id) { id } }`,
			Variables: map[string]any{"id": id}})
		if len(r.Errors) != 1 || r.Errors[0].Code() != "NOT_FOUND" || r.Errors[0].Message != "no node with this id" || strings.Contains(r.Raw, id) {
			t.Errorf("%s: %s", id, r.Raw)
		}
	}
}
