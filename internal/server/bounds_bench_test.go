package server_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"onboard/graph"
	"onboard/internal/testutil"
)

// worstDocuments are the costliest documents the document bounds let
// through to validation, one of each shape, each just inside its bound.
func worstDocuments() map[string]string {
	merges := 45 // 45 copies of one response name: 990 pairs to compare, under 1,000
	// 32 copies of a field with a selection: 496 pairs, and 496 for the
	// merged selections below them.
	conflicts := 32
	return map[string]string{
		// As many distinct fields as the bounds allow, none of which
		// exists: a validation error each, capped in the answer.
		"unknown fields": "{ " + repeat(graph.DefaultMaxExpandedFields-1, func(i int) string { return fmt.Sprintf("f%d", i) }) + " }",
		// As many tokens as the parser takes, in one list argument.
		"tokens at their bound": `{ nodes(ids: [` + repeat(graph.DefaultMaxTokens-20, func(i int) string { return `"x"` }) + `]) { id } }`,
		"copies of one field":   "{ tenant { " + repeat(merges, func(int) string { return "name" }) + " } }",
		"conflicting arguments": "{ " + repeat(conflicts, func(i int) string {
			return fmt.Sprintf(`node(id: "cus_%d") { id }`, i)
		}) + " }",
		// 5 copies holding 6 each: 10 pairs, then 435 and 435 below.
		"nested copies": "{ " + repeat(5, func(int) string {
			return "tenant { " + repeat(6, func(int) string { return "customers(first: 1) { totalCount }" }) + " }"
		}) + " }",
		// Fragments spreading the next one twice, under two response
		// names, so that nothing merges: about 1,150 fields once spread.
		"fragments near the expansion bound": "{ customers(first: 1) { edges { node { ...F0 } } } } " + repeat(7, func(i int) string {
			sub := fmt.Sprintf("category { customers(first: 1) { edges { node { ...F%d } } } }", i+1)
			return fmt.Sprintf("fragment F%d on Customer { x%d: %s y%d: %s }", i, i, sub, i, sub)
		}) + " fragment F7 on Customer { id }",
		"operations at their bound": repeat(graph.DefaultMaxOperations, func(i int) string {
			return fmt.Sprintf("query Q%d { tenant { ...T } }", i)
		}) + " fragment T on Tenant { id name key }",
	}
}

// BenchmarkWorstDocuments sends each document with a token that holds no
// scope (validation runs before scopes are checked) and reports the CPU
// time (ns/op: one request at a time) and the memory (B/op) of a request.
// The bound: 50 ms and 20 MB a request.
func BenchmarkWorstDocuments(b *testing.B) {
	env := testutil.New(b)
	env.Tenant("acme")
	token := env.Token([]string{"acme"})
	for name, doc := range worstDocuments() {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			n, start := 0, time.Now().UnixNano()
			for b.Loop() {
				// A comment makes each document new to the query cache,
				// which would otherwise skip parsing and validation.
				n++
				r := testutil.Request{Token: token, TenantKey: "acme", Query: fmt.Sprintf("%s # %d %d", doc, start, n)}.HTTP()
				w := httptest.NewRecorder()
				env.Handler.ServeHTTP(w, r)
				if w.Code == http.StatusInternalServerError || !strings.Contains(w.Body.String(), `"errors"`) && w.Code != http.StatusOK {
					b.Fatalf("%d: %.300s", w.Code, w.Body.String())
				}
			}
		})
	}
}

// TestWorstDocumentsPassTheBounds keeps the benchmark honest: each of its
// documents must reach validation, not be refused by the bounds.
func TestWorstDocumentsPassTheBounds(t *testing.T) {
	var bounds graph.DocumentBounds
	for name, doc := range worstDocuments() {
		if problem := bounds.Check(doc); problem != "" {
			t.Errorf("%s: %s", name, problem)
		}
	}
}
