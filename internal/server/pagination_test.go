package server_test

import (
	"fmt"
	"strings"
	"testing"

	"onboard/ent/category"
	"onboard/graph"
	"onboard/internal/demo"
	"onboard/internal/testutil"
	"onboard/internal/viewer"
)

// TestPageInfoCostsNoCount: a connection counts its rows only when the
// query selects totalCount (graph/connections.go). With pageInfo alone,
// with or without edges, no statement counts, and the page info is still
// right: hasNextPage from the row read past the page.
func TestPageInfoCostsNoCount(t *testing.T) {
	counter := &sqlCounter{}
	env := testutil.NewWith(t, testutil.Options{WrapDriver: counter.Wrap})
	tenantID := env.Tenant("acme")
	ctx := env.As(tenantID)
	if err := demo.SeedCatalog(ctx, env.Client()); err != nil {
		t.Fatal(err)
	}
	specs := make([]customerSpec, 7)
	for i := range specs {
		specs[i] = customerSpec{Name: fmt.Sprintf("Customer %d", i), Country: "LT", Nationality: "LT", Category: "LOW_RISK_INDIVIDUAL"}
	}
	seedCustomers(t, ctx, env.Client(), specs)
	token := env.Token([]string{"acme"}, viewer.ScopeCustomersRead, viewer.ScopeCatalogWrite)
	lowRisk := env.Client().Category.Query().Where(category.Code("LOW_RISK_INDIVIDUAL")).OnlyIDX(ctx)

	for _, tc := range []struct {
		name, query string
		counts      bool
		want        string // a piece of the answer
	}{
		{"customers pageInfo and edges", `{ customers(first: 5) { pageInfo { hasNextPage } edges { node { id } } } }`, false, `"hasNextPage":true`},
		{"customers pageInfo alone", `{ customers(first: 5) { pageInfo { hasNextPage endCursor } } }`, false, `"hasNextPage":true`},
		{"customers last page", `{ customers(first: 7) { pageInfo { hasNextPage } } }`, false, `"hasNextPage":false`},
		{"customers pageInfo in a fragment", `{ customers(first: 5) { ...P } } fragment P on CustomerConnection { pageInfo { hasNextPage } }`, false, `"hasNextPage":true`},
		{"customers with totalCount", `{ customers(first: 5) { totalCount pageInfo { hasNextPage } } }`, true, `"totalCount":7`},
		{"customers aliased totalCount", `{ customers(first: 5) { n: totalCount } }`, true, `"n":7`},
		{"customers edges under two aliases", `{ customers(first: 5) { a: edges { node { id } } b: edges { cursor } pageInfo { hasNextPage } } }`, false, `"hasNextPage":true`},
		{"customers totalCount under two aliases", `{ customers(first: 5) { a: totalCount b: totalCount } }`, true, `"a":7,"b":7`},
		{"customers first: 0", `{ customers(first: 0) { pageInfo { hasNextPage } } }`, true, `"hasNextPage":true`},
		{"customers last page from the end", `{ customers(last: 7) { pageInfo { hasPreviousPage } } }`, false, `"hasPreviousPage":false`},
		{"customers not the first page from the end", `{ customers(last: 5) { pageInfo { hasPreviousPage } edges { cursor } } }`, false, `"hasPreviousPage":true`},
		// Connections nested in what a resolver eager-loads.
		{"tenant customers", `{ tenant { customers(first: 5) { pageInfo { hasNextPage } } } }`, false, `"hasNextPage":true`},
		{"tenant customers with totalCount", `{ tenant { customers(first: 5) { totalCount } } }`, true, `"totalCount":7`},
		{"categories' customers", `{ categories(first: 20) { edges { node { code customers(first: 5) { pageInfo { hasNextPage } } } } } }`, false, `"code":"LOW_RISK_INDIVIDUAL","customers":{"pageInfo":{"hasNextPage":true}}`},
		{"category tree customers in a fragment", `{ categoryTree { ...C } } fragment C on Category { code customers(first: 5) { pageInfo { hasNextPage } } }`, false, `"code":"LOW_RISK_INDIVIDUAL","customers":{"pageInfo":{"hasNextPage":true}}`},
		{"node category customers", `{ node(id: "` + lowRisk + `") { ... on Category { customers(first: 7) { pageInfo { hasNextPage } } } } }`, false, `"hasNextPage":false`},
		{"updateCategory payload customers", `mutation { updateCategory(input: {id: "` + lowRisk + `", name: "Low risk"}) { category { name customers(first: 5) { pageInfo { hasNextPage } } } } }`, false, `"name":"Low risk","customers":{"pageInfo":{"hasNextPage":true}}`},
		{"categories pageInfo", `{ categories(first: 1) { pageInfo { hasNextPage } edges { node { code } } } }`, false, `"hasNextPage":true`},
		{"features pageInfo", `{ features(first: 1) { pageInfo { hasNextPage } } }`, false, `"hasNextPage":true`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var resp *testutil.Response
			_, stmts := counter.Measure(func() {
				resp = env.Do(testutil.Request{Token: token, TenantKey: "acme", Query: tc.query})
			})
			if len(resp.Errors) > 0 {
				t.Fatalf("errors: %+v", resp.Errors)
			}
			if !strings.Contains(string(resp.Data), tc.want) {
				t.Errorf("answer %s, want %s in it", resp.Data, tc.want)
			}
			counted := false
			for _, s := range stmts {
				counted = counted || strings.Contains(strings.ToUpper(s), "COUNT(")
			}
			if counted != tc.counts {
				t.Errorf("counted: %v, want %v; statements:\n%s", counted, tc.counts, strings.Join(stmts, "\n"))
			}
		})
	}
}

// TestNoRootConnectionCountsForPageInfo walks every root field of the
// schema that answers a connection: with pageInfo and no totalCount, none
// counts. Each field is asked with customers:read and the scope its
// @hasScope names (events:read for events, webhooks:manage for the
// webhook lists), so that a new root connection is checked, not refused.
func TestNoRootConnectionCountsForPageInfo(t *testing.T) {
	counter := &sqlCounter{}
	env := testutil.NewWith(t, testutil.Options{WrapDriver: counter.Wrap})
	env.Tenant("acme")
	schema := graph.NewExecutableSchema(graph.Config{}).Schema()
	checked := 0
	for _, f := range schema.Query.Fields {
		if !strings.HasSuffix(f.Type.Name(), "Connection") {
			continue
		}
		checked++
		scopes := []string{viewer.ScopeCustomersRead}
		if d := f.Directives.ForName("hasScope"); d != nil {
			if a := d.Arguments.ForName("scope"); a != nil && a.Value != nil {
				scopes = append(scopes, a.Value.Raw)
			}
		}
		token := env.Token([]string{"acme"}, scopes...)
		query := fmt.Sprintf(`{ %s(first: 2) { pageInfo { hasNextPage } } }`, f.Name)
		_, stmts := counter.Measure(func() {
			if resp := env.Do(testutil.Request{Token: token, TenantKey: "acme", Query: query}); len(resp.Errors) > 0 {
				t.Fatalf("%s: %+v", query, resp.Errors)
			}
		})
		for _, s := range stmts {
			if strings.Contains(strings.ToUpper(s), "COUNT(") {
				t.Errorf("%s counted: %s", query, s)
			}
		}
	}
	if checked == 0 {
		t.Fatal("the schema has no root connection")
	}
}

// TestAliasedNodesAreEagerLoaded: a node selected under an alias is
// eager-loaded like one under its name (Paginate looks it up by alias), so
// its edges cost the same statements at any page size.
func TestAliasedNodesAreEagerLoaded(t *testing.T) {
	counter := &sqlCounter{}
	env := testutil.NewWith(t, testutil.Options{WrapDriver: counter.Wrap})
	tenantID := env.Tenant("acme")
	specs := make([]customerSpec, 6)
	for i := range specs {
		specs[i] = customerSpec{Name: fmt.Sprintf("Customer %d", i), Country: "LT", Nationality: "LT"}
	}
	seedCustomers(t, env.As(tenantID), env.Client(), specs)
	token := env.Token([]string{"acme"}, viewer.ScopeCustomersRead)
	statements := func(first int) []string {
		_, stmts := counter.Measure(func() {
			resp := env.Do(testutil.Request{Token: token, TenantKey: "acme",
				Query:     `query($n: Int!) { customers(first: $n) { items: edges { n: node { id person { lastName addresses { country } } } } } }`,
				Variables: map[string]any{"n": first}})
			if len(resp.Errors) > 0 || !strings.Contains(string(resp.Data), `"country":"LT"`) {
				t.Fatalf("first %d: %s %+v", first, resp.Data, resp.Errors)
			}
		})
		return stmts
	}
	small, large := statements(1), statements(6)
	if len(small) != len(large) {
		t.Errorf("first: 1 ran %d statements, first: 6 ran %d:\n%s", len(small), len(large), strings.Join(large, "\n"))
	}
}

// TestCustomerCountIsBounded: customerCount counts up to its bound and
// says whether the count is exact.
func TestCustomerCountIsBounded(t *testing.T) {
	env := testutil.New(t)
	tenantID := env.Tenant("acme")
	ctx := env.As(tenantID)
	specs := make([]customerSpec, 7)
	for i := range specs {
		specs[i] = customerSpec{Name: fmt.Sprintf("Customer %d", i), Country: []string{"LT", "DE"}[i%2], Nationality: "LT"}
	}
	seedCustomers(t, ctx, env.Client(), specs)
	token := env.Token([]string{"acme"}, viewer.ScopeCustomersRead)
	for _, tc := range []struct{ query, want string }{
		{`{ customerCount { count exact } }`, `{"customerCount":{"count":7,"exact":true}}`},
		{`{ customerCount(upTo: 7) { count exact } }`, `{"customerCount":{"count":7,"exact":true}}`},
		{`{ customerCount(upTo: 5) { count exact } }`, `{"customerCount":{"count":5,"exact":false}}`},
		{`{ customerCount(where: {country: "LT"}, upTo: 3) { count exact } }`, `{"customerCount":{"count":3,"exact":false}}`},
		{`{ customerCount(where: {country: "DE"}) { count exact } }`, `{"customerCount":{"count":3,"exact":true}}`},
	} {
		resp := env.Do(testutil.Request{Token: token, TenantKey: "acme", Query: tc.query})
		if len(resp.Errors) > 0 || string(resp.Data) != tc.want {
			t.Errorf("%s: %s %+v, want %s", tc.query, resp.Data, resp.Errors, tc.want)
		}
	}
	for _, upTo := range []int{0, 10_001} {
		resp := env.Do(testutil.Request{Token: token, TenantKey: "acme",
			Query: `query($n: Int!) { customerCount(upTo: $n) { count } }`, Variables: map[string]any{"n": upTo}})
		if len(resp.Errors) != 1 || resp.Errors[0].Code() != "BAD_USER_INPUT" || resp.Errors[0].Field() != "upTo" {
			t.Errorf("upTo %d: %+v, want BAD_USER_INPUT on upTo", upTo, resp.Errors)
		}
	}
}
