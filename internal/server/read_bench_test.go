package server_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"entgo.io/ent/dialect"

	"onboard/internal/testutil"
)

// This benchmark gives issue 5's figures: the p50 latency and the rows
// per second of the deep BI read at first: 100 and of a filtered list at
// first: 50, through the real HTTP handler with a real token, on a tenant
// of 10,000 customers (5,000 individuals, 5,000 organizations with three
// representatives each). Run it on PostgreSQL, where the figures mean
// something for production:
//
//	TEST_DATABASE_URL='postgres://…' go test ./internal/server -run '^$' -bench BenchmarkRead -benchtime 30x -count 5
//
// Without TEST_DATABASE_URL it runs on embedded SQLite. Benchmarks run only
// with -bench, so the ten-thousand-customer seeding never slows the tests.

// readBenchCustomers is the size of the tenant the issue asks for.
const readBenchCustomers = 10_000

// readBenchFilteredQuery is a front-end list: active customers in
// Lithuania whose name or e-mail contains "sample", by name. The seeded
// individuals match the search (last name "Sample") and the organizations
// do not, so the filter keeps about one customer in six.
const readBenchFilteredQuery = `query FilteredList($first: Int!) {
  customers(first: $first, where: {status: ACTIVE, country: "LT", search: "sample"}, orderBy: [{field: NAME}]) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges {
      cursor
      node {
        id name type status createdAt
        category { code }
        person { firstName lastName }
      }
    }
  }
}`

// BenchmarkRead seeds the tenant once per run of the benchmark (before any
// timer: sub-benchmarks share it) and times each read.
func BenchmarkRead(b *testing.B) {
	start := time.Now()
	e := newDeepReadEnv(b, readBenchCustomers)
	b.Logf("seeded %d customers in %s", readBenchCustomers, time.Since(start).Round(time.Millisecond))
	analyzeTables(b, e)

	// Warm up and check the data once, outside the timings: a benchmark
	// of a query that returned errors or empty edges would measure
	// nothing useful.
	var deep struct{ Customers deepConnection }
	e.measure(b, deepReadQuery, map[string]any{"first": 100}, &deep)
	if len(deep.Customers.Edges) != 100 || deep.Customers.TotalCount != readBenchCustomers {
		b.Fatalf("deep read: %d nodes, totalCount %d", len(deep.Customers.Edges), deep.Customers.TotalCount)
	}
	checkDeepCustomers(b, deep.Customers.nodes(), e.categoryTotals())

	b.Run("DeepBI/first=100", func(b *testing.B) {
		benchmarkRead(b, e, deepReadQuery, 100)
	})
	b.Run("FilteredList/first=50", func(b *testing.B) {
		benchmarkRead(b, e, readBenchFilteredQuery, 50)
	})
}

// benchmarkRead sends query with $first b.N times and reports, besides
// ns/op (the mean), the median latency, the rows (customer nodes) per
// second of request time, and the SQL statements per request. Each
// response is checked to carry first nodes, with the timer stopped.
func benchmarkRead(b *testing.B, e *deepReadEnv, query string, first int) {
	req := testutil.Request{Token: e.token, TenantKey: "acme", Query: query,
		Variables: map[string]any{"first": first}}
	durations := make([]time.Duration, 0, b.N)
	rows := 0
	e.sql.Reset()
	b.ResetTimer()
	for range b.N {
		t0 := time.Now()
		resp := e.Do(req)
		durations = append(durations, time.Since(t0))

		b.StopTimer()
		n := countCustomerNodes(b, e, resp)
		if n != first {
			b.Fatalf("%d nodes, want %d", n, first)
		}
		rows += n
		b.StartTimer()
	}
	b.StopTimer()
	statements := e.sql.Count()

	var total time.Duration
	for _, d := range durations {
		total += d
	}
	slices.Sort(durations)
	b.ReportMetric(float64(median(durations))/float64(time.Millisecond), "p50-ms")
	b.ReportMetric(float64(rows)/total.Seconds(), "rows/s")
	b.ReportMetric(float64(statements)/float64(b.N), "stmts/op")
}

// analyzeTables gathers the planner statistics of the seeded tables.
// Production tables have them (autovacuum, or SQLite's optimize), and
// PostgreSQL plans the filters differently with and without them; without
// this, the figures would depend on whether autovacuum happened to reach
// the fresh tables during the run. On PostgreSQL only the tables of the
// benchmark's own schema are analyzed, not other tests' schemas.
func analyzeTables(b *testing.B, e *deepReadEnv) {
	b.Helper()
	if e.DB.Dialect != dialect.Postgres {
		if _, err := e.DB.SQL.Exec(`ANALYZE`); err != nil {
			b.Fatalf("analyze: %v", err)
		}
		return
	}
	rows, err := e.DB.SQL.Query(`SELECT tablename FROM pg_tables WHERE schemaname = current_schema()`)
	if err != nil {
		b.Fatalf("listing tables: %v", err)
	}
	var tables []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			b.Fatalf("listing tables: %v", err)
		}
		tables = append(tables, t)
	}
	if err := rows.Close(); err != nil {
		b.Fatalf("listing tables: %v", err)
	}
	for _, t := range tables {
		if _, err := e.DB.SQL.Exec(`ANALYZE "` + t + `"`); err != nil {
			b.Fatalf("analyze %s: %v", t, err)
		}
	}
}

// countCustomerNodes is the number of edges of data.customers, failing on
// an error response with what the service logged about it (an INTERNAL
// error's cause, such as the request timeout, is only in the log).
func countCustomerNodes(b *testing.B, e *deepReadEnv, resp *testutil.Response) int {
	b.Helper()
	if resp.Status != http.StatusOK || len(resp.Errors) > 0 {
		var logged []string
		for _, line := range strings.Split(e.Logs(), "\n") {
			if strings.Contains(line, `"level":"ERROR"`) {
				logged = append(logged, line)
			}
		}
		b.Fatalf("status %d: %s\nservice errors:\n%s", resp.Status, resp.Raw, strings.Join(logged, "\n"))
	}
	var data struct {
		Customers struct{ Edges []json.RawMessage }
	}
	if err := json.Unmarshal(resp.Data, &data); err != nil {
		b.Fatalf("decoding: %v", err)
	}
	return len(data.Customers.Edges)
}

// median of sorted durations (the mean of the middle two for an even
// count).
func median(sorted []time.Duration) time.Duration {
	n := len(sorted)
	if n == 0 {
		return 0
	}
	if n%2 == 1 {
		return sorted[n/2]
	}
	return (sorted[n/2-1] + sorted[n/2]) / 2
}
