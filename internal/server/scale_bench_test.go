package server_test

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"onboard/internal/database/seed"
	"onboard/internal/testutil"
	"onboard/internal/viewer"
)

// BenchmarkScale gives issue 17's scale table: the p50 of each read of the
// table through the real HTTP handler with a real token, for each tenant
// size in SCALE_CUSTOMERS, on PostgreSQL only:
//
//	TEST_DATABASE_URL='postgres://postgres@127.0.0.1:5432/test?sslmode=disable' SCALE_CUSTOMERS=10000,1000000 \
//	  go test ./internal/server -run '^$' -bench BenchmarkScale -benchtime 1x
//
// Each size has a database of its own on that server, scale_<n> (created
// when missing, kept afterwards: 1,000,000 customers take minutes to
// seed), holding the tenant "scale" with n customers and "scale-other"
// with 100,000 beside it (internal/database/seed). A tenant that has
// customers is complete (seeding is one transaction) and is reused.
// SCALE_RUNS (default 21) is the number of timed requests a row.
func BenchmarkScale(b *testing.B) {
	base, sizesEnv := os.Getenv("TEST_DATABASE_URL"), os.Getenv("SCALE_CUSTOMERS")
	if base == "" || sizesEnv == "" {
		b.Skip("set TEST_DATABASE_URL and SCALE_CUSTOMERS (e.g. 10000,1000000)")
	}
	runs := 21
	if n, err := strconv.Atoi(os.Getenv("SCALE_RUNS")); err == nil && n > 0 {
		runs = n
	}
	var sizes []int
	for _, s := range strings.Split(sizesEnv, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n <= 0 {
			b.Fatalf("SCALE_CUSTOMERS: %q is not a size", s)
		}
		sizes = append(sizes, n)
	}
	p50 := map[int]map[string]time.Duration{}
	var rows []string
	for _, n := range sizes {
		env := scaleEnv(b, base, n)
		token := env.Token([]string{"scale"}, viewer.ScopeCustomersRead)
		queries := scaleQueries(b, env, token)
		p50[n] = map[string]time.Duration{}
		for _, q := range queries {
			if !slices.Contains(rows, q.name) {
				rows = append(rows, q.name)
			}
			req := testutil.Request{Token: token, TenantKey: "scale", Query: q.query, Variables: q.vars}
			if resp := env.Do(req); len(resp.Errors) > 0 || resp.Status != 200 {
				b.Fatalf("%s: %d %+v", q.name, resp.Status, resp.Errors)
			}
			times := make([]time.Duration, runs)
			for i := range times {
				start := time.Now()
				env.Do(req)
				times[i] = time.Since(start)
			}
			slices.Sort(times)
			p50[n][q.name] = median(times)
		}
	}
	var out strings.Builder
	fmt.Fprintf(&out, "\np50 of %d requests, one client\n| query |", runs)
	for _, n := range sizes {
		fmt.Fprintf(&out, " %d |", n)
	}
	if len(sizes) > 1 {
		fmt.Fprintf(&out, " %d / %d |", sizes[len(sizes)-1], sizes[0])
	}
	out.WriteString("\n|---|")
	for range len(sizes) + min(1, len(sizes)-1) {
		out.WriteString("---|")
	}
	for _, row := range rows {
		fmt.Fprintf(&out, "\n| %s |", row)
		for _, n := range sizes {
			fmt.Fprintf(&out, " %.1f ms |", float64(p50[n][row].Microseconds())/1000)
		}
		if len(sizes) > 1 {
			fmt.Fprintf(&out, " %.2f× |", float64(p50[sizes[len(sizes)-1]][row])/float64(p50[sizes[0]][row]))
		}
	}
	fmt.Println(out.String())
}

// scaleEnv serves the database scale_<n> on base's server, seeded.
func scaleEnv(b *testing.B, base string, n int) *testutil.Env {
	b.Helper()
	u, err := url.Parse(base)
	if err != nil {
		b.Fatal(err)
	}
	name := fmt.Sprintf("scale_%d", n)
	if n == 1_000_000 {
		name = "scale_1m"
	} else if n == 10_000 {
		name = "scale_10k"
	}
	admin, err := sql.Open("postgres", base)
	if err != nil {
		b.Fatal(err)
	}
	defer admin.Close()
	var exists bool
	if err := admin.QueryRow(`SELECT EXISTS (SELECT FROM pg_database WHERE datname = $1)`, name).Scan(&exists); err != nil {
		b.Fatal(err)
	}
	if !exists {
		if _, err := admin.Exec(`CREATE DATABASE ` + name); err != nil {
			b.Fatal(err)
		}
	}
	u.Path = "/" + name
	q := u.Query()
	q.Del("search_path")
	u.RawQuery = q.Encode()
	env := testutil.NewWith(b, testutil.Options{DatabaseURL: u.String()})
	for _, t := range []struct {
		key string
		n   int
	}{{"scale", n}, {"scale-other", 100_000}} {
		start := time.Now()
		_, have, err := seed.Tenant(context.Background(), env.Client(), env.DB.SQL, t.key, t.n)
		if err != nil {
			b.Fatal(err)
		}
		if have != t.n {
			b.Fatalf("%s: tenant %s has %d customers, not %d: drop the database to seed it again", name, t.key, have, t.n)
		}
		b.Logf("%s: tenant %s, %d customers (%s)", name, t.key, have, time.Since(start).Round(time.Millisecond))
	}
	return env
}

type scaleQuery struct {
	name, query string
	vars        map[string]any
}

// scaleDeepFragment is the deep read of a customer (Q4's edges, without a
// nested connection).
const scaleDeepFragment = `
fragment Deep on Customer {
  id name type status createdAt
  person { firstName lastName addresses { country city } contacts { type value } }
  organization { legalName addresses { country } representatives { ownershipShare person { lastName } } }
  category { code featureRelations { enabled feature { code } } }
  features { code parameters { name value source } }
  user { email roles { code } }
}`

// scaleQueries are the rows of issue 17's table, with what they need read
// from the tenant: the cursor of the 200th page, a customer's id, the
// updatedAt an incremental sync starts from.
func scaleQueries(b *testing.B, env *testutil.Env, token string) []scaleQuery {
	b.Helper()
	do := func(query string, vars map[string]any, v any) {
		resp := env.Do(testutil.Request{Token: token, TenantKey: "scale", Query: query, Variables: vars})
		resp.Into(b, v)
	}
	var page struct {
		Customers struct {
			PageInfo struct{ EndCursor string }
			Edges    []struct{ Node struct{ ID string } }
		}
	}
	after := any(nil)
	firstID := ""
	for i := 0; i < 199; i++ {
		do(`query($after: Cursor) { customers(first: 50, after: $after) { pageInfo { endCursor } edges { node { id } } } }`,
			map[string]any{"after": after}, &page)
		if i == 0 {
			firstID = page.Customers.Edges[0].Node.ID
		}
		after = page.Customers.PageInfo.EndCursor
	}
	var since time.Time
	if err := env.DB.SQL.QueryRow(`SELECT c.updated_at FROM customers c JOIN tenants t ON t.id = c.tenant_id
		WHERE t.key = 'scale' ORDER BY c.updated_at DESC OFFSET 499 LIMIT 1`).Scan(&since); err != nil {
		b.Fatal(err)
	}
	const list = `edges { cursor node { id name status createdAt } }`
	return []scaleQuery{
		{"customers(first: 50) with pageInfo", `{ customers(first: 50) { pageInfo { hasNextPage endCursor } ` + list + ` } }`, nil},
		{"customers(first: 50) without pageInfo", `{ customers(first: 50) { ` + list + ` } }`, nil},
		{"orderBy NAME with pageInfo", `{ customers(first: 50, orderBy: [{field: NAME}]) { pageInfo { hasNextPage endCursor } ` + list + ` } }`, nil},
		{"orderBy NAME without pageInfo", `{ customers(first: 50, orderBy: [{field: NAME}]) { ` + list + ` } }`, nil},
		{"200th page by cursor with pageInfo", `query($after: Cursor) { customers(first: 50, after: $after) { pageInfo { hasNextPage endCursor } ` + list + ` } }`, map[string]any{"after": after}},
		{"200th page by cursor without pageInfo", `query($after: Cursor) { customers(first: 50, after: $after) { ` + list + ` } }`, map[string]any{"after": after}},
		{"deep read first: 100 with pageInfo", `{ customers(first: 100) { pageInfo { hasNextPage endCursor } edges { cursor node { ...Deep } } } }` + scaleDeepFragment, nil},
		{"deep read first: 100 without pageInfo", `{ customers(first: 100) { edges { cursor node { ...Deep } } } }` + scaleDeepFragment, nil},
		{"where {status, country} + totalCount", `{ customers(first: 50, where: {status: ACTIVE, country: "DE"}) { totalCount pageInfo { hasNextPage } ` + list + ` } }`, nil},
		{"where {status, country} without totalCount", `{ customers(first: 50, where: {status: ACTIVE, country: "DE"}) { pageInfo { hasNextPage } ` + list + ` } }`, nil},
		{"where {status, country}: customerCount(upTo: 10000)", `{ customerCount(where: {status: ACTIVE, country: "DE"}) { count exact } }`, nil},
		{"where {search} (a full name) with pageInfo", `{ customers(first: 50, where: {search: "nadia haddad"}) { pageInfo { hasNextPage } ` + list + ` } }`, nil},
		{"where {search} (an e-mail) without pageInfo", `{ customers(first: 50, where: {search: "haddad.4242"}) { ` + list + ` } }`, nil},
		{"customerStats(groupBy: [COUNTRY])", `{ customerStats(groupBy: [COUNTRY]) { country count } }`, nil},
		{"customerStats(groupBy: [TYPE, STATUS])", `{ customerStats(groupBy: [TYPE, STATUS]) { type status count } }`, nil},
		{"incremental sync (updatedAtGTE, UPDATED_AT, first: 500)", `query($since: DateTime) { customers(first: 500, where: {updatedAtGTE: $since}, orderBy: [{field: UPDATED_AT}]) { pageInfo { hasNextPage endCursor } ` + list + ` } }`, map[string]any{"since": since.Format(time.RFC3339Nano)}},
		{"node(id:)", `query($id: ID!) { node(id: $id) { id ... on Customer { name status } } }`, map[string]any{"id": firstID}},
	}
}
