// Package observe is what an operator sees of the server: the access log,
// the Prometheus metrics and the OpenTelemetry traces. The HTTP middleware
// puts a Request holder in the context; the inner layers fill it in
// (RecordViewer, Operations, apperr.Refuse) and the middleware reports
// it once the answer is written.
package observe

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/propagation"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"
)

// isProbe tells the paths load balancers and scrapers ask every few
// seconds: their log lines are debug, so that info shows the traffic.
func isProbe(path string) bool {
	switch path {
	case "/healthz", "/readyz", "/metrics":
		return true
	}
	return false
}

// HTTP is the outermost layer after the request id: it makes the holder,
// starts the request's span (continuing a W3C traceparent) when tracing
// is on, and after the handler writes one access log line, counts the
// request and observes its latency.
//
// The log line never holds bodies, query strings or headers, which may
// carry personal data or tokens: method, path, status, bytes, duration in
// milliseconds, client address and request id, and for /graphql the
// operation, the tenant key, the token's subject and the error codes with
// their count.
func HTTP(logger *slog.Logger, metrics *Metrics, tracing *Tracing) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			start := time.Now()
			ctx, req := WithRequest(r.Context())
			var span trace.Span
			if tracing != nil {
				ctx = tracing.propagator.Extract(ctx, propagation.HeaderCarrier(r.Header))
				ctx, span = tracing.start(ctx, r.Method, trace.SpanKindServer,
					semconv.HTTPRequestMethodKey.String(r.Method), semconv.URLPath(r.URL.Path))
				defer span.End()
			}
			ww := middleware.NewWrapResponseWriter(w, r.ProtoMajor)
			r = r.WithContext(ctx)
			next.ServeHTTP(ww, r)

			status := ww.Status()
			if status == 0 {
				status = http.StatusOK
			}
			elapsed := time.Since(start)
			route := routeOf(r)
			metrics.http(route, r.Method, status, elapsed)
			if route == "/graphql" {
				metrics.request(req)
			}
			if span != nil {
				span.SetName(r.Method + " " + route)
				span.SetAttributes(semconv.HTTPRoute(route), semconv.HTTPResponseStatusCode(status))
				if status >= 500 {
					span.SetStatus(codes.Error, http.StatusText(status))
				}
			}
			level := slog.LevelInfo
			if isProbe(r.URL.Path) {
				level = slog.LevelDebug
			}
			if !logger.Enabled(ctx, level) {
				return
			}
			attrs := []slog.Attr{
				slog.String("requestId", middleware.GetReqID(ctx)),
				slog.String("method", r.Method),
				slog.String("path", r.URL.Path),
				slog.Int("status", status),
				slog.Int("bytes", ww.BytesWritten()),
				slog.Float64("durationMs", float64(elapsed.Microseconds())/1000),
				slog.String("ip", r.RemoteAddr),
			}
			if route == "/graphql" {
				attrs = append(attrs,
					slog.String("operation", req.Operation),
					slog.String("operationType", req.OperationType),
					slog.String("tenant", req.TenantKey),
					slog.String("subject", req.Subject),
					slog.Any("errorCodes", append([]string{}, req.Codes...)), // [] rather than null
					slog.Int("errorCount", req.Errors),
				)
			}
			logger.LogAttrs(ctx, level, "request", attrs...)
		})
	}
}

// routeOf is the route pattern that served r (a bounded label, unlike
// the path), or "unmatched".
func routeOf(r *http.Request) string {
	if rc := chi.RouteContext(r.Context()); rc != nil {
		if p := rc.RoutePattern(); p != "" {
			return p
		}
	}
	return "unmatched"
}
