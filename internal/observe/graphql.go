package observe

import (
	"context"
	"reflect"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"go.opentelemetry.io/otel/codes"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"
)

// Operations is the gqlgen extension that observes each GraphQL answer,
// executed or refused by parsing and validation alike: it records the
// operation and the error codes in the Request holder, observes the
// operation's latency and, with tracing, wraps the execution in a span, so
// resolvers' SQL spans are its children. gqlgen has no OpenTelemetry
// extension of its own in this version.
//
// Register it after every other response interceptor: it then sees every
// error, before the answer is capped. It adds no field interceptor (those
// run once per resolved field, the costliest hook there is).
type Operations struct {
	Metrics *Metrics
	Tracing *Tracing
}

var _ interface {
	graphql.HandlerExtension
	graphql.ResponseInterceptor
} = Operations{}

func (Operations) ExtensionName() string                   { return "Observe" }
func (Operations) Validate(graphql.ExecutableSchema) error { return nil }

func (o Operations) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	// The operation's own record: one HTTP request may carry several
	// operations at once (the subscriptions of a websocket), so the
	// request's record takes each operation's when it ends (Record), under
	// its lock, and the metrics and span below read this one alone.
	req := &Request{}
	defer FromContext(ctx).Record(req)
	start := time.Now()
	req.GraphQL = true
	if graphql.HasOperationContext(ctx) {
		oc := graphql.GetOperationContext(ctx)
		req.Operation = operationName(oc.OperationName)
		if oc.Operation != nil {
			req.Operation, req.OperationType = oc.Operation.Name, string(oc.Operation.Operation)
			req.Validated = oc.Doc != nil
		}
		if !oc.Stats.OperationStart.IsZero() {
			start = oc.Stats.OperationStart
		}
	}
	var span trace.Span
	if o.Tracing != nil {
		name := "GraphQL operation"
		if req.OperationType != "" {
			name = req.OperationType + " " + req.Operation
		}
		ctx, span = o.Tracing.start(ctx, name, trace.SpanKindInternal,
			semconv.GraphQLOperationName(req.Operation), semconv.GraphQLOperationTypeKey.String(req.OperationType))
		defer span.End()
	}
	resp := next(ctx)
	if resp == nil { // the end of a subscription's stream
		return nil
	}
	errCodes := make([]string, len(resp.Errors))
	for i, e := range resp.Errors {
		errCodes[i] = codeOf(e.Extensions["code"])
	}
	req.SetErrors(errCodes)
	o.Metrics.operation(req, time.Since(start))
	if span != nil && len(errCodes) > 0 {
		span.SetStatus(codes.Error, req.Outcome())
	}
	return resp
}

// codeOf reads extensions.code, a string or a type over string
// (apperr.Code).
func codeOf(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	if rv := reflect.ValueOf(v); rv.Kind() == reflect.String {
		return rv.String()
	}
	return ""
}

// operationName is the operationName a client sent with a document that
// did not validate, when it is a GraphQL name of at most 128 characters
// (the document bound on names); anything else could be a megabyte of
// text in the log.
func operationName(s string) string {
	if len(s) > 128 {
		return ""
	}
	for i, c := range s {
		if c != '_' && (c < 'A' || c > 'Z') && (c < 'a' || c > 'z') && (i == 0 || c < '0' || c > '9') {
			return ""
		}
	}
	return s
}
