package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"entgo.io/contrib/entgql"
	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/validator"

	"onboard/graph"
	"onboard/internal/demo"
	"onboard/internal/testutil"
	"onboard/internal/viewer"
)

// limitsEnv is a service with a statement counter and two readers' tokens,
// with and without pii:read.
type limitsEnv struct {
	*testutil.Env
	stmts    *sqlCounter
	reader   string // customers:read
	piiRead  string // customers:read pii:read
	baseline int64  // statements of a request that runs none in GraphQL (authentication's tenant lookup)
	tenantID string // acme's id, a node any reader can fetch
}

func newLimitsEnv(t *testing.T) *limitsEnv {
	t.Helper()
	n := &sqlCounter{}
	env := testutil.NewWith(t, testutil.Options{WrapDriver: n.Wrap})
	e := &limitsEnv{
		Env:      env,
		tenantID: env.Tenant("acme"),
		stmts:    n,
		reader:   env.Token([]string{"acme"}, viewer.ScopeCustomersRead),
		piiRead:  env.Token([]string{"acme"}, viewer.ScopeCustomersRead, viewer.ScopePIIRead),
	}
	resp, stmts := e.run(t, e.reader, `{ __typename }`, nil)
	if resp.Status != http.StatusOK || len(resp.Errors) > 0 {
		t.Fatalf("baseline request: %d %s", resp.Status, resp.Raw)
	}
	e.baseline = stmts
	return e
}

// run sends query as the holder of token in tenant acme and returns the
// response and the number of SQL statements it caused.
func (e *limitsEnv) run(t *testing.T, token, query string, vars map[string]any) (*testutil.Response, int64) {
	t.Helper()
	before := e.stmts.Count()
	resp := e.Do(testutil.Request{Token: token, TenantKey: "acme", Query: query, Variables: vars})
	return resp, e.stmts.Count() - before
}

// runGET is run for a GET request: its URL can carry bytes (invalid UTF-8)
// that a JSON body cannot, since decoding JSON replaces them.
func (e *limitsEnv) runGET(t *testing.T, token, query string) (*testutil.Response, int64) {
	t.Helper()
	before := e.stmts.Count()
	r := httptest.NewRequest(http.MethodGet, "/graphql?query="+url.QueryEscape(query), nil)
	r.Header.Set("Authorization", "Bearer "+token)
	r.Header.Set("X-Tenant-ID", "acme")
	w := httptest.NewRecorder()
	e.Handler.ServeHTTP(w, r)
	resp := &testutil.Response{Status: w.Code, Header: w.Header(), Raw: w.Body.String()}
	if err := json.Unmarshal(w.Body.Bytes(), resp); err != nil {
		t.Fatalf("response is not JSON (%d): %s", w.Code, w.Body.String())
	}
	return resp, e.stmts.Count() - before
}

// limitCase is one query and what the limits must make of it.
type limitCase struct {
	name   string
	token  string // the reader's when empty
	query  string
	vars   map[string]any
	status int    // rejected: the HTTP status (400 when 0)
	code   string // rejected: extensions.code; "" means the query passes
	reason string
	field  string // rejected: extensions.field joined with dots, checked when set
	msg    string // rejected: a part of the message, checked when set
	get    bool   // send the query in a GET request's URL
}

func (e *limitsEnv) check(t *testing.T, tc limitCase) {
	t.Helper()
	token := tc.token
	if token == "" {
		token = e.reader
	}
	var resp *testutil.Response
	var stmts int64
	if tc.get {
		resp, stmts = e.runGET(t, token, tc.query)
	} else {
		resp, stmts = e.run(t, token, tc.query, tc.vars)
	}
	if tc.code == "" {
		if resp.Status != http.StatusOK || len(resp.Errors) > 0 {
			t.Fatalf("want the query to pass, got %d %s", resp.Status, resp.Raw)
		}
		if stmts <= e.baseline {
			t.Fatalf("the query ran %d statements, want more than the baseline %d (is the counter wired?)", stmts, e.baseline)
		}
		return
	}
	status := tc.status
	if status == 0 {
		status = http.StatusBadRequest
	}
	if resp.Status != status || len(resp.Errors) != 1 {
		t.Fatalf("want %d with one error, got %d %s", status, resp.Status, resp.Raw)
	}
	got := resp.Errors[0]
	if got.Code() != tc.code || got.Reason() != tc.reason {
		t.Fatalf("want %s %s, got %s %s: %s", tc.code, tc.reason, got.Code(), got.Reason(), resp.Raw)
	}
	if tc.field != "" && got.Field() != tc.field {
		t.Errorf("field %q, want %q", got.Field(), tc.field)
	}
	if tc.msg != "" && !strings.Contains(got.Message, tc.msg) {
		t.Errorf("message %q, want it to contain %q", got.Message, tc.msg)
	}
	if string(resp.Data) != "" && string(resp.Data) != "null" {
		t.Errorf("a rejected request returned data: %s", resp.Raw)
	}
	if stmts != e.baseline {
		t.Errorf("the rejected request ran %d SQL statements, the baseline (authentication) is %d", stmts, e.baseline)
	}
}

// customersPageQuery is tenant.customers with args and the selection inside node.
func customersPageQuery(args, node string) string {
	if args != "" {
		args = "(" + args + ")"
	}
	return `{ tenant { customers` + args + ` { totalCount edges { node { ` + node + ` } } } } }`
}

// nestedField returns "field { field { … inner … } }" n times.
func nestedField(field string, n int, inner string) string {
	return strings.Repeat(field+" { ", n) + inner + strings.Repeat(" }", n)
}

// deepBIQuery is issue 5's deep BI read, with three levels of plain lists
// under organization (representatives → person → addresses).
const deepBIQuery = `query DeepBI($first: Int!) {
  tenant {
    customers(first: $first) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges {
        cursor
        node {
          id type name status externalReference tags createdAt updatedAt
          person {
            id firstName middleName lastName email phone gender nationality
            addresses { id type street line2 city state postalCode country isPrimary }
            contacts { id type value isPrimary }
            identityDocuments { id type number issuingCountry }
          }
          organization {
            id legalName tradingName registrationNumber taxID legalForm industry website email phone
            addresses { id type street city postalCode country isPrimary }
            representatives {
              id position isPrimaryOwner ownershipShare isBeneficialOwner
              person { id firstName lastName email nationality addresses { city country } }
            }
            employees { id department person { id firstName lastName } }
          }
          category {
            id code name riskLevel
            featureRelations { id enabled parametrization { name value } feature { id code name } }
          }
          features { id code enabled parameters { name value source } }
          user { id username email status roles { code } }
        }
      }
    }
  }
}`

func TestLimitPageSize(t *testing.T) {
	e := newLimitsEnv(t)
	for _, tc := range []limitCase{
		{name: "first at the maximum", query: customersPageQuery("first: 500", "id")},
		{name: "last at the maximum", query: customersPageQuery("last: 500", "id")},
		{name: "first zero", query: customersPageQuery("first: 0", "id")},
		{name: "first above the maximum", query: customersPageQuery("first: 501", "id"),
			code: "BAD_USER_INPUT", reason: "PAGE_SIZE_TOO_LARGE", field: "tenant.customers.first", msg: "500"},
		{name: "last above the maximum", query: customersPageQuery("last: 1000", "id"),
			code: "BAD_USER_INPUT", reason: "PAGE_SIZE_TOO_LARGE", field: "tenant.customers.last"},
		{name: "first from a variable", query: `query($n: Int) ` + customersPageQuery("first: $n", "id"),
			vars: map[string]any{"n": 501}, code: "BAD_USER_INPUT", reason: "PAGE_SIZE_TOO_LARGE", field: "tenant.customers.first"},
		{name: "aliased field", query: `{ t: tenant { c: customers(first: 501) { totalCount } } }`,
			code: "BAD_USER_INPUT", reason: "PAGE_SIZE_TOO_LARGE", field: "t.c.first"},
		{name: "negative", query: customersPageQuery("first: -1", "id"),
			code: "BAD_USER_INPUT", reason: "INVALID_PAGE_SIZE", field: "tenant.customers.first"},
		{name: "missing", query: customersPageQuery("", "id"),
			code: "BAD_USER_INPUT", reason: "PAGE_SIZE_REQUIRED", field: "tenant.customers"},
		{name: "unset variable", query: `query($n: Int) ` + customersPageQuery("first: $n", "id"),
			code: "BAD_USER_INPUT", reason: "PAGE_SIZE_REQUIRED", field: "tenant.customers"},
		{name: "missing on a nested connection",
			query: customersPageQuery("first: 10", "category { customers { totalCount } }"),
			code:  "BAD_USER_INPUT", reason: "PAGE_SIZE_REQUIRED", field: "tenant.customers.edges.node.category.customers"},
		{name: "missing inside a fragment",
			query: `{ tenant { ...C } } fragment C on Tenant { customers { totalCount } }`,
			code:  "BAD_USER_INPUT", reason: "PAGE_SIZE_REQUIRED", field: "tenant.customers"},
		{name: "too large inside an inline fragment",
			query: `{ tenant { ... on Tenant { customers(first: 600) { totalCount } } } }`,
			code:  "BAD_USER_INPUT", reason: "PAGE_SIZE_TOO_LARGE", field: "tenant.customers.first"},
		{name: "skipped connection is not checked",
			query: `{ tenant { id customers @skip(if: true) { totalCount } } }`},
	} {
		t.Run(tc.name, func(t *testing.T) { e.check(t, tc) })
	}
}

func TestLimitDepth(t *testing.T) {
	e := newLimitsEnv(t)
	// tenant, customers, edges, node, category: 5 levels; then the
	// parents; then id.
	deep := func(depth int) string {
		return `{ tenant { customers(first: 5) { edges { node { category { ` +
			nestedField("parent", depth-6, "id") + ` } } } } } }`
	}
	for _, tc := range []limitCase{
		{name: "15 levels", query: deep(15)},
		{name: "16 levels", query: deep(16), code: "QUERY_TOO_COMPLEX", reason: "QUERY_TOO_DEEP",
			field: "tenant.customers.edges.node.category" + strings.Repeat(".parent", 10) + ".id"},
		{name: "16 levels through fragments",
			query: `{ tenant { customers(first: 5) { edges { node { ...N } } } } }
				fragment N on Customer { category { ...P } }
				fragment P on Category { ` + nestedField("parent", 10, "id") + ` }`,
			code: "QUERY_TOO_COMPLEX", reason: "QUERY_TOO_DEEP"},
		{name: "the deep BI query", query: deepBIQuery, vars: map[string]any{"first": 500}},
	} {
		t.Run(tc.name, func(t *testing.T) { e.check(t, tc) })
	}
}

func TestLimitComplexity(t *testing.T) {
	e := newLimitsEnv(t)
	// tenant + customers + 500 × (edges + node + category + customers +
	// inner × (edges + node + id)).
	twoLevels := func(inner int) string {
		return fmt.Sprintf(`{ tenant { customers(first: 500) { edges { node {
			category { customers(first: %d) { edges { node { id } } } } } } } } }`, inner)
	}
	for _, tc := range []limitCase{
		{name: "cost 99,502", query: twoLevels(65)},
		{name: "cost 101,002", query: twoLevels(66), code: "QUERY_TOO_COMPLEX", reason: "QUERY_TOO_EXPENSIVE",
			msg: "costs 101002, above the limit of 100000"},
		{name: "nested connections at the maximum page size", query: twoLevels(500),
			code: "QUERY_TOO_COMPLEX", reason: "QUERY_TOO_EXPENSIVE"},
		{name: "the deep BI query at the maximum page size", query: deepBIQuery, vars: map[string]any{"first": 500}},
		{name: "a fragment spread exponentially",
			query: `{ tenant { customers(first: 1) { edges { node { ...F0 } } } } }` + fragmentBomb(30, "Customer", "id"),
			code:  "QUERY_TOO_COMPLEX", reason: "QUERY_TOO_LARGE"}, // refused before validation: see bounds_test.go
		{name: "a fragment of __typename spread exponentially",
			query: `{ tenant { customers(first: 1) { edges { node { ...F0 } } } } }` + fragmentBomb(30, "Customer", "__typename"),
			code:  "QUERY_TOO_COMPLEX", reason: "QUERY_TOO_LARGE"},
		{name: "an introspection fragment spread exponentially",
			query: `{ __schema { types { ...F0 } } }` + fragmentBomb(30, "__Type", "name"),
			code:  "QUERY_TOO_COMPLEX", reason: "QUERY_TOO_LARGE"},
	} {
		t.Run(tc.name, func(t *testing.T) { e.check(t, tc) })
	}
}

// fragmentBomb defines F0 … Fn on typ, each spreading the next one twice:
// valid GraphQL (the fields merge), n fragments, 2^n times leaf once
// expanded.
func fragmentBomb(n int, typ, leaf string) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, " fragment F%d on %s { ...F%d ...F%d }", i, typ, i+1, i+1)
	}
	fmt.Fprintf(&b, " fragment F%d on %s { %s }", n, typ, leaf)
	return b.String()
}

func TestLimitAliases(t *testing.T) {
	e := newLimitsEnv(t)
	aliased := func(n int) string {
		var b strings.Builder
		b.WriteString("{")
		for i := range n {
			fmt.Fprintf(&b, " r%d: roles { code }", i)
		}
		return b.String() + " }"
	}
	for _, tc := range []limitCase{
		{name: "30 aliases", query: aliased(30)},
		{name: "31 aliases", query: aliased(31), code: "QUERY_TOO_COMPLEX", reason: "TOO_MANY_ALIASES", field: "r30"},
		{name: "16 aliases spread twice",
			query: `{ a: tenant { ...A } b: tenant { ...A } } fragment A on Tenant {` + aliasedKeys(16) + ` }`,
			code:  "QUERY_TOO_COMPLEX", reason: "TOO_MANY_ALIASES"},
	} {
		t.Run(tc.name, func(t *testing.T) { e.check(t, tc) })
	}
}

func aliasedKeys(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, " k%d: key", i)
	}
	return b.String()
}

func TestLimitWhere(t *testing.T) {
	e := newLimitsEnv(t)
	nots := func(n int) string { // n nested objects in all
		return strings.Repeat("{not: ", n-1) + `{externalReference: "x"}` + strings.Repeat("}", n-1)
	}
	ors := func(n int) string { // 1 + n objects
		return "{or: [" + strings.TrimSuffix(strings.Repeat(`{externalReference: "x"}, `, n), ", ") + "]}"
	}
	for _, tc := range []limitCase{
		{name: "5 levels", query: customersPageQuery("first: 1, where: "+nots(5), "id")},
		{name: "6 levels", query: customersPageQuery("first: 1, where: "+nots(6), "id"),
			code: "QUERY_TOO_COMPLEX", reason: "WHERE_TOO_DEEP", field: "tenant.customers.where.not.not.not.not.not"},
		{name: "6 levels through has-with lists", query: customersPageQuery(`first: 1, where: {hasOrganizationWith: [{hasRepresentativesWith: [{hasPersonWith: [{hasAddressesWith: [{not: {country: "DE"}}]}]}]}]}`, "id"),
			code: "QUERY_TOO_COMPLEX", reason: "WHERE_TOO_DEEP"},
		{name: "6 levels in a variable", query: `query($w: CustomerWhereInput) { tenant { customers(first: 1, where: $w) { totalCount } } }`,
			vars: map[string]any{"w": map[string]any{"not": map[string]any{"and": []any{map[string]any{"not": map[string]any{
				"or": []any{map[string]any{"not": map[string]any{"not": map[string]any{"externalReference": "x"}}}}}}}}}},
			code: "QUERY_TOO_COMPLEX", reason: "WHERE_TOO_DEEP", field: "tenant.customers.where.not.and.0.not.or.0.not"},
		{name: "100 objects", query: customersPageQuery("first: 1, where: "+ors(99), "id")},
		{name: "101 objects", query: customersPageQuery("first: 1, where: "+ors(100), "id"),
			code: "QUERY_TOO_COMPLEX", reason: "WHERE_TOO_DEEP", field: "tenant.customers.where.or.99"},
	} {
		t.Run(tc.name, func(t *testing.T) { e.check(t, tc) })
	}
}

func TestLimitPIIFilters(t *testing.T) {
	e := newLimitsEnv(t)
	dob := `{ tenant { customers(first: 1, where: {hasPersonWith: {dateOfBirthLT: "2000-01-01"}}) { totalCount } } }`
	viaVariable := `query($w: CustomerWhereInput) { tenant { customers(first: 1, where: $w) { totalCount } } }`
	taxID := map[string]any{"w": map[string]any{"and": []any{
		map[string]any{"externalReference": "x"},
		map[string]any{"hasOrganizationWith": []any{map[string]any{"taxIDContains": "12"}}},
	}}}
	nestedConn := `{ tenant { customers(first: 1) { edges { node { category { customers(first: 1, where: {hasPersonWith: {hasAddressesWith: {streetContains: "Main"}}}) { totalCount } } } } } } }`
	for _, tc := range []limitCase{
		{name: "date of birth without pii:read", query: dob, status: http.StatusForbidden,
			code: "FORBIDDEN", reason: "PII_FILTER_FORBIDDEN", field: "tenant.customers.where.hasPersonWith.dateOfBirthLT",
			msg: "dateOfBirthLT"},
		{name: "date of birth with pii:read", token: e.piiRead, query: dob},
		{name: "tax id in a variable without pii:read", query: viaVariable, vars: taxID, status: http.StatusForbidden,
			code: "FORBIDDEN", reason: "PII_FILTER_FORBIDDEN", field: "tenant.customers.where.and.1.hasOrganizationWith.0.taxIDContains"},
		{name: "tax id in a variable with pii:read", token: e.piiRead, query: viaVariable, vars: taxID},
		{name: "street on a nested connection without pii:read", query: nestedConn, status: http.StatusForbidden,
			code: "FORBIDDEN", reason: "PII_FILTER_FORBIDDEN",
			field: "tenant.customers.edges.node.category.customers.where.hasPersonWith.hasAddressesWith.streetContains"},
		{name: "street on a nested connection with pii:read", token: e.piiRead, query: nestedConn},
		{name: "document number without pii:read",
			query:  `{ tenant { customers(first: 1, where: {hasPersonWith: {hasIdentityDocumentsWith: {number: "X1"}}}) { totalCount } } }`,
			status: http.StatusForbidden, code: "FORBIDDEN", reason: "PII_FILTER_FORBIDDEN"},
		{name: "other filters without pii:read",
			query: `{ tenant { customers(first: 1, where: {hasOrganizationWith: {registrationNumber: "1"}, hasPersonWith: {nationality: "LT"}}) { totalCount } } }`},
	} {
		t.Run(tc.name, func(t *testing.T) { e.check(t, tc) })
	}
}

func TestLimitRootLists(t *testing.T) {
	e := newLimitsEnv(t)
	// TestLimitComplexity's query at 99,502, with extra at the root.
	at99502 := func(extra string) string {
		return `{ ` + extra + ` tenant { customers(first: 500) { edges { node {
			category { customers(first: 65) { edges { node { id } } } } } } } } }`
	}
	for _, tc := range []limitCase{
		{name: "a connection under categoryTree", query: `{ categoryTree { customers(first: 100) { edges { node { id } } } } }`,
			code: "QUERY_TOO_COMPLEX", reason: "QUERY_TOO_EXPENSIVE", msg: "costs 150501"}, // 1 + 500 × (1 + 100 × 3)
		{name: "a connection under an aliased categoryTree in a fragment",
			query: `{ ...Q } fragment Q on Query { tree: categoryTree { customers(first: 100) { edges { node { id } } } } }`,
			code:  "QUERY_TOO_COMPLEX", reason: "QUERY_TOO_EXPENSIVE", msg: "costs 150501"},
		{name: "roles count 500 rows", query: at99502("roles { code }"),
			code: "QUERY_TOO_COMPLEX", reason: "QUERY_TOO_EXPENSIVE", msg: "costs 100003"},
		{name: "categoryTree counts 500 rows", query: at99502("categoryTree { id }"),
			code: "QUERY_TOO_COMPLEX", reason: "QUERY_TOO_EXPENSIVE", msg: "costs 100003"},
		{name: "customerStats counts 500 rows", query: at99502("customerStats(groupBy: [TYPE]) { count }"),
			code: "QUERY_TOO_COMPLEX", reason: "QUERY_TOO_EXPENSIVE", msg: "costs 100003"},
		{name: "nodes count their ids", query: at99502(`nodes(ids: ["` + e.tenantID + `"]) { id }`)},
		{name: "a plain list below the root counts once", query: `{ tenant { customers(first: 500) { edges { node {
			category { children { customers(first: 64) { edges { node { id } } } } } } } } } }`}, // 98,502
		{name: "the category tree", query: `{ categoryTree { code children { code children { code } }
			featureRelations { enabled feature { code parameters { name } } } } }`},
	} {
		t.Run(tc.name, func(t *testing.T) { e.check(t, tc) })
	}
}

// Every demo tab passes the limits with the default settings: the
// registrations (checked without running them) and the reads (run).
func TestLimitDemoExamplesPass(t *testing.T) {
	schema := graph.NewExecutableSchema(graph.Config{}).Schema()
	var reads []string
	for _, ex := range demo.Examples(demo.OnboardingCustomer{}) {
		doc, errs := gqlparser.LoadQueryWithRules(schema, ex.Query, nil)
		if len(errs) > 0 {
			t.Fatalf("%s: %v", ex.Title, errs)
		}
		op := doc.Operations[0]
		vars := map[string]any{}
		if ex.Variables != "" {
			dec := json.NewDecoder(strings.NewReader(ex.Variables))
			dec.UseNumber()
			if err := dec.Decode(&vars); err != nil {
				t.Fatalf("%s: %v", ex.Title, err)
			}
		}
		coerced, err := validator.VariableValues(schema, op, vars)
		if err != nil {
			t.Fatalf("%s: %v", ex.Title, err)
		}
		oc := &graphql.OperationContext{RawQuery: ex.Query, Doc: doc, Operation: op, Variables: coerced}
		if err := (graph.Limits{}).MutateOperationContext(context.Background(), oc); err != nil {
			t.Errorf("%s: refused: %v", ex.Title, err)
		}
		if op.Operation == ast.Query {
			reads = append(reads, ex.Query)
		}
	}
	if len(reads) < 3 {
		t.Fatalf("%d read examples, want at least customers, the category tree and the stats", len(reads))
	}
	e := newLimitsEnv(t)
	for _, q := range reads {
		e.check(t, limitCase{query: q})
	}
}

func TestLimitCursors(t *testing.T) {
	e := newLimitsEnv(t)
	var b bytes.Buffer
	entgql.Cursor[string]{ID: "cus_01nothere"}.MarshalGQL(&b)
	valid := strings.Trim(b.String(), `"`)
	viaVariable := `query($c: Cursor) { tenant { customers(last: 1, before: $c) { totalCount } } }`
	for _, tc := range []limitCase{
		{name: "a well-formed cursor", query: customersPageQuery(`first: 1, after: "`+valid+`"`, "id")},
		{name: "a null cursor", query: customersPageQuery(`first: 1, after: null`, "id")},
		{name: "after not base64", query: customersPageQuery(`first: 1, after: "not a cursor!"`, "id"),
			code: "BAD_USER_INPUT", reason: "INVALID_CURSOR", field: "tenant.customers.after"},
		{name: "after base64 but not a cursor", query: customersPageQuery(`first: 1, after: "aGVsbG8"`, "id"),
			code: "BAD_USER_INPUT", reason: "INVALID_CURSOR", field: "tenant.customers.after"},
		{name: "before in a variable", query: viaVariable, vars: map[string]any{"c": valid + "%"},
			code: "BAD_USER_INPUT", reason: "INVALID_CURSOR", field: "tenant.customers.before"},
		{name: "a number in a variable", query: viaVariable, vars: map[string]any{"c": 5},
			code: "BAD_USER_INPUT", reason: "INVALID_CURSOR", field: "tenant.customers.before"},
		{name: "at the root", query: `{ customers(first: 1, after: "x") { totalCount } }`,
			code: "BAD_USER_INPUT", reason: "INVALID_CURSOR", field: "customers.after"},
		{name: "on a nested connection",
			query: customersPageQuery("first: 1", `category { customers(first: 1, after: "x") { totalCount } }`),
			code:  "BAD_USER_INPUT", reason: "INVALID_CURSOR", field: "tenant.customers.edges.node.category.customers.after"},
	} {
		t.Run(tc.name, func(t *testing.T) { e.check(t, tc) })
	}
}

func TestLimitEmptyFilters(t *testing.T) {
	e := newLimitsEnv(t)
	where := func(w string) string { return customersPageQuery("first: 1, where: "+w, "id") }
	viaVariable := `query($w: CustomerWhereInput) { tenant { customers(first: 1, where: $w) { totalCount } } }`
	for _, tc := range []limitCase{
		{name: "an empty root", query: where(`{}`)},
		{name: "a root of nulls", query: where(`{externalReference: null, or: []}`)},
		{name: "not", query: where(`{not: {}}`),
			code: "BAD_USER_INPUT", reason: "EMPTY_FILTER", field: "tenant.customers.where.not"},
		{name: "or", query: where(`{or: [{}]}`),
			code: "BAD_USER_INPUT", reason: "EMPTY_FILTER", field: "tenant.customers.where.or.0"},
		{name: "and", query: where(`{and: [{externalReference: "x"}, {}]}`),
			code: "BAD_USER_INPUT", reason: "EMPTY_FILTER", field: "tenant.customers.where.and.1"},
		{name: "has-with", query: where(`{hasPersonWith: [{}]}`),
			code: "BAD_USER_INPUT", reason: "EMPTY_FILTER", field: "tenant.customers.where.hasPersonWith.0"},
		{name: "has-with given one object", query: where(`{hasPersonWith: {}}`),
			code: "BAD_USER_INPUT", reason: "EMPTY_FILTER", field: "tenant.customers.where.hasPersonWith"},
		{name: "only nulls", query: where(`{not: {externalReference: null}}`),
			code: "BAD_USER_INPUT", reason: "EMPTY_FILTER", field: "tenant.customers.where.not"},
		{name: "only an empty list", query: where(`{not: {or: []}}`),
			code: "BAD_USER_INPUT", reason: "EMPTY_FILTER", field: "tenant.customers.where.not"},
		{name: "deep in a variable", query: viaVariable,
			vars: map[string]any{"w": map[string]any{"not": map[string]any{"hasOrganizationWith": []any{map[string]any{"not": map[string]any{}}}}}},
			code: "BAD_USER_INPUT", reason: "EMPTY_FILTER", field: "tenant.customers.where.not.hasOrganizationWith.0.not"},
		{name: "in customerStats", query: `{ customerStats(groupBy: [TYPE], where: {or: [{}]}) { count } }`,
			code: "BAD_USER_INPUT", reason: "EMPTY_FILTER", field: "customerStats.where.or.0"},
	} {
		t.Run(tc.name, func(t *testing.T) { e.check(t, tc) })
	}
}

func TestLimitText(t *testing.T) {
	e := newLimitsEnv(t)
	where := func(w string) string { return customersPageQuery("first: 1, where: "+w, "id") }
	viaVariable := `query($w: CustomerWhereInput) { tenant { customers(first: 1, where: $w) { totalCount } } }`
	for _, tc := range []limitCase{
		{name: "plain text", token: e.piiRead, query: where(`{name: "Zoë 東京", search: "a b", tags: ["x"]}`)}, // search needs pii:read
		{name: "NUL in a where literal", query: where(`{externalReference: "a\u0000b"}`),
			code: "BAD_USER_INPUT", reason: "CONTAINS_NUL", field: "tenant.customers.where.externalReference"},
		{name: "NUL deep in a where variable", query: viaVariable,
			vars: map[string]any{"w": map[string]any{"hasPersonWith": []any{map[string]any{"firstName": "x\x00"}}}},
			code: "BAD_USER_INPUT", reason: "CONTAINS_NUL", field: "tenant.customers.where.hasPersonWith.0.firstName"},
		{name: "NUL in a variable inside a literal", query: `query($n: String) { tenant { customers(first: 1, where: {or: [{externalReference: "a"}, {externalReference: $n}]}) { totalCount } } }`,
			vars: map[string]any{"n": "\x00"},
			code: "BAD_USER_INPUT", reason: "CONTAINS_NUL", field: "tenant.customers.where.or.1.externalReference"},
		{name: "NUL in tags", query: where(`{tags: ["a", "b\u0000"]}`),
			code: "BAD_USER_INPUT", reason: "CONTAINS_NUL", field: "tenant.customers.where.tags.1"},
		{name: "NUL in search", query: where(`{search: "\u0000"}`),
			code: "BAD_USER_INPUT", reason: "CONTAINS_NUL", field: "tenant.customers.where.search"},
		{name: "NUL in a node id", query: `{ node(id: "cus_\u0000") { id } }`,
			code: "BAD_USER_INPUT", reason: "CONTAINS_NUL", field: "node.id"},
		{name: "NUL in the ids of nodes", query: `query($ids: [ID!]!) { nodes(ids: $ids) { id } }`,
			vars: map[string]any{"ids": []any{e.tenantID, "t\x00"}},
			code: "BAD_USER_INPUT", reason: "CONTAINS_NUL", field: "nodes.ids.1"},
		{name: "NUL in a cursor", query: customersPageQuery(`first: 1, after: "\u0000"`, "id"),
			code: "BAD_USER_INPUT", reason: "CONTAINS_NUL", field: "tenant.customers.after"},
		{name: "NUL on a nested connection",
			query: customersPageQuery("first: 1", `category { customers(first: 1, where: {externalReference: "\u0000"}) { totalCount } }`),
			code:  "BAD_USER_INPUT", reason: "CONTAINS_NUL", field: "tenant.customers.edges.node.category.customers.where.externalReference"},
		{name: "NUL in customerStats", query: `{ customerStats(groupBy: [TYPE], where: {externalReferenceContains: "\u0000"}) { count } }`,
			code: "BAD_USER_INPUT", reason: "CONTAINS_NUL", field: "customerStats.where.externalReferenceContains"},
		{name: "invalid UTF-8", get: true, query: where("{externalReference: \"a\xffb\"}"),
			code: "BAD_USER_INPUT", reason: "INVALID_UTF8", field: "tenant.customers.where.externalReference"},
		{name: "plain text in a GET request", get: true, query: where(`{externalReference: "a"}`)},
	} {
		t.Run(tc.name, func(t *testing.T) { e.check(t, tc) })
	}
}

// Mutations validate their own input and report it on the input's paths
// (members_test.go): the limits leave their text alone.
func TestLimitTextLeavesMutationsAlone(t *testing.T) {
	e := newLimitsEnv(t)
	manager := e.Token([]string{"acme"}, viewer.ScopeCustomersManage)
	resp, _ := e.run(t, manager, memberQueries["removeEmployee"], map[string]any{"input": map[string]any{"id": "emp_\x00x"}})
	if resp.Status != http.StatusOK {
		t.Errorf("status %d, want 200", resp.Status)
	}
	assertProblems(t, resp, map[string]string{"id": "NOT_FOUND"})
}

func TestLimitWhereValues(t *testing.T) {
	e := newLimitsEnv(t)
	list := func(prefix string, n int) []any {
		out := make([]any, n)
		for i := range out {
			out[i] = fmt.Sprintf("%s%d", prefix, i)
		}
		return out
	}
	viaVariable := `query($w: CustomerWhereInput) { tenant { customers(first: 1, where: $w) { totalCount } } }`
	w := func(key string, v any) map[string]any { return map[string]any{"w": map[string]any{key: v}} }
	twoFields := `query($a: [ID!], $b: [ID!]) { tenant {
		a: customers(first: 1, where: {idIn: $a}) { totalCount }
		b: customers(first: 1, where: {idIn: $b}) { totalCount } } }`
	for _, tc := range []limitCase{
		{name: "1,000 ids", query: viaVariable, vars: w("idIn", list("cus_", 1000))},
		{name: "1,001 ids", query: viaVariable, vars: w("idIn", list("cus_", 1001)),
			code: "QUERY_TOO_COMPLEX", reason: "WHERE_TOO_LARGE", field: "tenant.customers.where.idIn", msg: "1000"},
		{name: "70,000 ids", query: viaVariable, vars: w("idIn", list("c", 70_000)),
			code: "QUERY_TOO_COMPLEX", reason: "WHERE_TOO_LARGE", field: "tenant.customers.where.idIn"},
		// The tags filter takes at most 50 (see TestCustomerFilters).
		{name: "50 tags", query: viaVariable, vars: w("tags", list("t", 50))},
		{name: "5,000 tags", query: viaVariable, vars: w("tags", list("t", 5000)),
			code: "QUERY_TOO_COMPLEX", reason: "WHERE_TOO_LARGE", field: "tenant.customers.where.tags"},
		{name: "1,001 ids in a literal", query: customersPageQuery(`first: 1, where: {idIn: [`+
			strings.TrimSuffix(strings.Repeat(`"c", `, 1001), ", ")+`]}`, "id"),
			code: "QUERY_TOO_COMPLEX", reason: "WHERE_TOO_LARGE", field: "tenant.customers.where.idIn"},
		{name: "1,001 ids nested", query: viaVariable, vars: w("hasPersonWith", []any{map[string]any{"idIn": list("per_", 1001)}}),
			code: "QUERY_TOO_COMPLEX", reason: "WHERE_TOO_LARGE", field: "tenant.customers.where.hasPersonWith.0.idIn"},
		{name: "1,000 ids over two fields", query: twoFields,
			vars: map[string]any{"a": list("cus_", 600), "b": list("cus_", 400)}},
		{name: "1,001 ids over two fields", query: twoFields,
			vars: map[string]any{"a": list("cus_", 600), "b": list("cus_", 401)},
			code: "QUERY_TOO_COMPLEX", reason: "WHERE_TOO_LARGE", field: "tenant.b.where.idIn"},
	} {
		t.Run(tc.name, func(t *testing.T) { e.check(t, tc) })
	}
}

func TestLimitRefusesBatches(t *testing.T) {
	e := newLimitsEnv(t)
	for _, body := range []string{
		`[{"query":"{ tenant { id } }"},{"query":"{ roles { code } }"}]`,
		" \n\t[{\"query\":\"{ tenant { id } }\"}]",
	} {
		before := e.stmts.Count()
		r := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader([]byte(body)))
		r.Header.Set("Content-Type", "application/json")
		r.Header.Set("Authorization", "Bearer "+e.reader)
		r.Header.Set("X-Tenant-ID", "acme")
		w := httptest.NewRecorder()
		e.Handler.ServeHTTP(w, r)
		var resp testutil.Response
		if err := json.Unmarshal(w.Body.Bytes(), &resp); err != nil {
			t.Fatalf("not JSON: %s", w.Body.String())
		}
		if w.Code != http.StatusBadRequest || len(resp.Errors) != 1 ||
			resp.Errors[0].Code() != "BAD_USER_INPUT" || resp.Errors[0].Reason() != "BATCH_NOT_SUPPORTED" ||
			!strings.Contains(resp.Errors[0].Message, "one operation per request") {
			t.Fatalf("got %d %s", w.Code, w.Body.String())
		}
		if n := e.stmts.Count() - before; n != e.baseline {
			t.Errorf("the batch ran %d SQL statements, the baseline (authentication) is %d", n, e.baseline)
		}
	}
	// A single operation still goes through.
	e.check(t, limitCase{query: `{ tenant { id } }`})
}

func TestLimitIntrospectionPasses(t *testing.T) {
	e := newLimitsEnv(t)
	resp, _ := e.run(t, e.reader, graphiQLIntrospection, nil)
	var data struct {
		Schema struct {
			Types []struct{ Name string }
		} `json:"__schema"`
	}
	resp.Into(t, &data)
	if resp.Status != http.StatusOK || len(data.Schema.Types) < 10 {
		t.Fatalf("introspection: %d, %d types", resp.Status, len(data.Schema.Types))
	}
	// Introspection inside a data query is not counted either.
	e.check(t, limitCase{query: `{ tenant { id __typename } __type(name: "Customer") { fields { type { ` +
		nestedField("ofType", 14, "name") + ` } } } }`})
}

// graphiQLIntrospection is graphql-js's getIntrospectionQuery with the
// options GraphiQL may turn on (descriptions, schema description,
// deprecated input values): TypeRef alone nests nine levels.
const graphiQLIntrospection = `
query IntrospectionQuery {
  __schema {
    description
    queryType { name }
    mutationType { name }
    subscriptionType { name }
    types { ...FullType }
    directives {
      name
      description
      locations
      args(includeDeprecated: true) { ...InputValue }
    }
  }
}
fragment FullType on __Type {
  kind
  name
  description
  fields(includeDeprecated: true) {
    name
    description
    args(includeDeprecated: true) { ...InputValue }
    type { ...TypeRef }
    isDeprecated
    deprecationReason
  }
  inputFields(includeDeprecated: true) { ...InputValue }
  interfaces { ...TypeRef }
  enumValues(includeDeprecated: true) {
    name
    description
    isDeprecated
    deprecationReason
  }
  possibleTypes { ...TypeRef }
}
fragment InputValue on __InputValue {
  name
  description
  type { ...TypeRef }
  defaultValue
  isDeprecated
  deprecationReason
}
fragment TypeRef on __Type {
  kind
  name
  ofType {
    kind
    name
    ofType {
      kind
      name
      ofType {
        kind
        name
        ofType {
          kind
          name
          ofType {
            kind
            name
            ofType {
              kind
              name
              ofType {
                kind
                name
                ofType {
                  kind
                  name
                  ofType {
                    kind
                    name
                  }
                }
              }
            }
          }
        }
      }
    }
  }
}`
