package observe

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"entgo.io/ent/dialect"
	"github.com/go-chi/chi/v5/middleware"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"
)

// RequestIDKey is the span attribute holding the request id (the
// X-Request-ID header and extensions.requestId), on every span, so that a
// trace can be found from a client's error report or a log line.
const RequestIDKey = attribute.Key("onboard.request_id")

// TracingConfig configures the OpenTelemetry tracing.
type TracingConfig struct {
	// Endpoint is the OTLP/HTTP traces URL (…/v1/traces); "" turns
	// tracing off.
	Endpoint    string
	ServiceName string
}

// Tracing exports spans over OTLP/HTTP: one per HTTP request, one per
// GraphQL operation and one per SQL statement inside them. A nil *Tracing
// is tracing turned off and costs nothing: no span is started, no
// context made, no driver wrapped.
//
// Attributes never carry personal data: no variables, no SQL arguments,
// no query strings, no database error texts (they can quote a value). The
// operation name and the SQL text (ent always binds values) are kept.
//
// The provider and the propagator are the server's own, not OTel's
// globals (DESIGN: no package-level mutable state).
type Tracing struct {
	provider   *sdktrace.TracerProvider
	tracer     trace.Tracer
	propagator propagation.TextMapPropagator
}

// NewTracing starts the exporter, or returns nil when cfg.Endpoint is "".
// The exporter's other settings (OTEL_EXPORTER_OTLP_HEADERS, …_TIMEOUT,
// certificates) and the sampler (OTEL_TRACES_SAMPLER) come from the
// process environment as OpenTelemetry specifies.
func NewTracing(ctx context.Context, cfg TracingConfig) (*Tracing, error) {
	if cfg.Endpoint == "" {
		return nil, nil
	}
	exp, err := otlptracehttp.New(ctx, otlptracehttp.WithEndpointURL(cfg.Endpoint))
	if err != nil {
		return nil, fmt.Errorf("OTLP trace exporter: %w", err)
	}
	res, err := resource.New(ctx,
		resource.WithFromEnv(), resource.WithTelemetrySDK(),
		resource.WithSchemaURL(semconv.SchemaURL),
		resource.WithAttributes(semconv.ServiceName(cfg.ServiceName)))
	if err != nil {
		return nil, fmt.Errorf("trace resource: %w", err)
	}
	tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(exp), sdktrace.WithResource(res))
	return &Tracing{
		provider:   tp,
		tracer:     tp.Tracer("onboard"),
		propagator: propagation.TraceContext{},
	}, nil
}

// Shutdown flushes the spans not yet exported and stops the exporter.
func (t *Tracing) Shutdown(ctx context.Context) error {
	if t == nil {
		return nil
	}
	return t.provider.Shutdown(ctx)
}

// start begins a span carrying the request id of ctx.
func (t *Tracing) start(ctx context.Context, name string, kind trace.SpanKind, attrs ...attribute.KeyValue) (context.Context, trace.Span) {
	attrs = append(attrs, RequestIDKey.String(middleware.GetReqID(ctx)))
	return t.tracer.Start(ctx, name, trace.WithSpanKind(kind), trace.WithAttributes(attrs...))
}

// WrapDriver traces the SQL statements of d (database.Open's wrap
// argument); without tracing it returns d itself.
func (t *Tracing) WrapDriver(d dialect.Driver) dialect.Driver {
	if t == nil {
		return d
	}
	system := semconv.DBSystemNameSQLite
	if d.Dialect() == dialect.Postgres {
		system = semconv.DBSystemNamePostgreSQL
	}
	return tracedDriver{Driver: d, s: statements{t: t, system: system}}
}

// statements starts the span of one statement. Only statements inside a
// traced request get one: migrations, seeding and background work would
// each be a trace of its own, one statement long.
type statements struct {
	t      *Tracing
	system attribute.KeyValue
}

func (s statements) run(ctx context.Context, query string, run func(context.Context) error) error {
	if !trace.SpanFromContext(ctx).IsRecording() {
		return run(ctx)
	}
	ctx, span := s.t.start(ctx, "SQL", trace.SpanKindClient, s.system, semconv.DBQueryText(query))
	defer span.End()
	err := run(ctx)
	if err != nil {
		// The driver's text may quote a value (a duplicate key): only
		// the fact of the error goes on the span.
		span.SetStatus(codes.Error, "statement failed")
	}
	return err
}

// tracedDriver is dialect.DebugDriver's shape: every Exec and Query,
// directly or in a transaction, gets a span.
type tracedDriver struct {
	dialect.Driver
	s statements
}

func (d tracedDriver) Exec(ctx context.Context, query string, args, v any) error {
	return d.s.run(ctx, query, func(ctx context.Context) error { return d.Driver.Exec(ctx, query, args, v) })
}

func (d tracedDriver) Query(ctx context.Context, query string, args, v any) error {
	return d.s.run(ctx, query, func(ctx context.Context) error { return d.Driver.Query(ctx, query, args, v) })
}

func (d tracedDriver) Tx(ctx context.Context) (dialect.Tx, error) {
	tx, err := d.Driver.Tx(ctx)
	if err != nil {
		return nil, err
	}
	return tracedTx{Tx: tx, s: d.s}, nil
}

// BeginTx is there because ent's generated client opens transactions with
// options (isolation levels) through it when the driver has it.
func (d tracedDriver) BeginTx(ctx context.Context, opts *sql.TxOptions) (dialect.Tx, error) {
	b, ok := d.Driver.(interface {
		BeginTx(context.Context, *sql.TxOptions) (dialect.Tx, error)
	})
	if !ok {
		return nil, errors.New("the driver does not support BeginTx")
	}
	tx, err := b.BeginTx(ctx, opts)
	if err != nil {
		return nil, err
	}
	return tracedTx{Tx: tx, s: d.s}, nil
}

type tracedTx struct {
	dialect.Tx
	s statements
}

func (t tracedTx) Exec(ctx context.Context, query string, args, v any) error {
	return t.s.run(ctx, query, func(ctx context.Context) error { return t.Tx.Exec(ctx, query, args, v) })
}

func (t tracedTx) Query(ctx context.Context, query string, args, v any) error {
	return t.s.run(ctx, query, func(ctx context.Context) error { return t.Tx.Query(ctx, query, args, v) })
}
