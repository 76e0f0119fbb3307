package server_test

import (
	"testing"

	"onboard/internal/testutil"
)

// BenchmarkObservedRequest is the cost of one light, authenticated read
// through the whole handler (authentication's tenant lookup, one query):
// run on a commit before internal/observe and on one after, it shows what
// the access log fields, the metrics and the holder add to every request
// (tracing off). Heavier reads (BenchmarkRead) pay the same fixed cost.
func BenchmarkObservedRequest(b *testing.B) {
	env := testutil.New(b)
	env.Tenant("acme")
	req := testutil.Request{Token: env.Token([]string{"acme"}, "customers:read"), TenantKey: "acme",
		Query: `query Light { tenant { name } }`}
	b.ReportAllocs()
	for b.Loop() {
		if r := env.Do(req); len(r.Errors) > 0 {
			b.Fatal(r.Raw)
		}
	}
}
