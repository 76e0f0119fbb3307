package observe

import (
	"context"
	"sync"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
)

// TestOperationsOfOneRequestKeepTheirOwnNames: the subscriptions of one
// websocket are operations of one HTTP request that run at once; each is
// measured under its own name. Both operations here start before either
// ends, which is when they used to share, and overwrite, the request's
// record (and race on it).
func TestOperationsOfOneRequestKeepTheirOwnNames(t *testing.T) {
	m := NewMetrics(nil)
	ops := Operations{Metrics: m}
	ctx, req := WithRequest(context.Background())
	names := []string{"Alpha", "Beta"}
	var started, done sync.WaitGroup
	started.Add(len(names))
	release := make(chan struct{})
	for _, name := range names {
		done.Add(1)
		go func() {
			defer done.Done()
			octx := graphql.WithOperationContext(ctx, &graphql.OperationContext{
				OperationName: name,
				Doc:           &ast.QueryDocument{},
				Operation:     &ast.OperationDefinition{Name: name, Operation: ast.Subscription},
			})
			ops.InterceptResponse(octx, func(context.Context) *graphql.Response {
				started.Done()
				<-release
				return &graphql.Response{}
			})
		}()
	}
	started.Wait()
	close(release)
	done.Wait()

	families, err := m.registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	counts := map[string]uint64{}
	for _, f := range families {
		if f.GetName() != "onboard_graphql_operation_duration_seconds" {
			continue
		}
		for _, metric := range f.GetMetric() {
			for _, l := range metric.GetLabel() {
				if l.GetName() == "operation" {
					counts[l.GetValue()] += metric.GetHistogram().GetSampleCount()
				}
			}
		}
	}
	for _, name := range names {
		if counts[name] != 1 {
			t.Errorf("operation %s measured %d times, want 1 (all: %v)", name, counts[name], counts)
		}
	}
	if req.Operation != "Alpha" && req.Operation != "Beta" || req.OperationType != "subscription" || !req.GraphQL || !req.Validated {
		t.Errorf("the request's record %+v, want one of the operations", req)
	}
}
