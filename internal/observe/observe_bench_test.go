package observe

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/go-chi/chi/v5"
)

// BenchmarkHTTP is the fixed cost the HTTP middleware adds to a request
// (holder, access log line, request counter, latency histogram; tracing
// off): compare "observed" with "bare", the same router without it.
func BenchmarkHTTP(b *testing.B) {
	handler := func(w http.ResponseWriter, r *http.Request) {
		if req := FromContext(r.Context()); req != nil {
			req.GraphQL, req.Validated, req.Operation, req.OperationType = true, true, "Light", "query"
			req.TenantKey, req.Subject = "acme", "test"
		}
		_, _ = w.Write([]byte(`{"data":{}}`))
	}
	for _, c := range []struct {
		name    string
		observe bool
	}{{"bare", false}, {"observed", true}} {
		b.Run(c.name, func(b *testing.B) {
			r := chi.NewRouter()
			if c.observe {
				r.Use(HTTP(slog.New(slog.NewJSONHandler(io.Discard, nil)), NewMetrics(nil), nil))
			}
			r.Post("/graphql", handler)
			req := httptest.NewRequest(http.MethodPost, "/graphql", nil)
			b.ReportAllocs()
			for b.Loop() {
				r.ServeHTTP(httptest.NewRecorder(), req)
			}
		})
	}
}
