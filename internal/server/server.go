// Package server assembles the HTTP service: middleware, the GraphQL
// endpoint, health and readiness probes.
package server

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"regexp"
	"runtime/debug"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
	"github.com/oklog/ulid/v2"

	"onboard/graph"
	"onboard/internal/apperr"
	"onboard/internal/auth"
	"onboard/internal/compat"
	"onboard/internal/database"
	"onboard/internal/events"
	"onboard/internal/history"
	"onboard/internal/observe"
	"onboard/internal/registration"
	"onboard/internal/sessions"
	"onboard/internal/values"
	"onboard/internal/webhooks"
)

// The defaults of Options' bounds, which the configuration also takes for
// its unset variables (MAX_BODY_BYTES, REQUEST_TIMEOUT).
const (
	DefaultMaxBodyBytes   = 1 << 20
	DefaultRequestTimeout = 30 * time.Second
)

// Options configure the service.
type Options struct {
	DB            *database.DB
	Auth          *auth.Authenticator
	Logger        *slog.Logger
	Introspection bool
	// TrustProxy takes the client address from X-Forwarded-For, X-Real-IP
	// and True-Client-IP. Off, anyone could forge the address stored as a
	// customer's registration IP.
	TrustProxy bool
	// HashConcurrency bounds concurrent password hashes (default:
	// values.DefaultHashConcurrency).
	HashConcurrency int
	// MaxBodyBytes bounds a request body (default DefaultMaxBodyBytes).
	MaxBodyBytes int64
	// RequestTimeout bounds one request's work (default
	// DefaultRequestTimeout).
	RequestTimeout time.Duration
	// Playground, when set, is served at / and /playground/*.
	Playground http.Handler
	// Limits bound what one GraphQL operation may ask for (zero fields take
	// graph's defaults).
	Limits graph.Limits
	// CORS lists the origins whose pages may call /graphql (nil: none).
	CORS *CORS
	// Metrics is the server's registry (nil: New makes one over DB's
	// pool). It is served at /metrics, without a token, unless
	// SeparateMetrics says another listener serves it (METRICS_ADDR).
	Metrics         *observe.Metrics
	SeparateMetrics bool
	// Tracing, when not nil, traces requests, operations and SQL.
	Tracing *observe.Tracing
	// Sessions bound customer sessions: failed attempts per username and
	// per address, the lockout, the token's life (zero fields: defaults).
	Sessions sessions.Limits
	// Delivery is the event work (NewDelivery): its hub serves
	// subscriptions, its sequencer is woken by each commit with events,
	// and its webhook service answers the webhook mutations. nil: New
	// makes one with the default settings and does not start it (the
	// caller starts and stops a Delivery it passes).
	Delivery *Delivery
}

// New returns the service's HTTP handler.
func New(opts Options) http.Handler {
	if opts.MaxBodyBytes <= 0 {
		opts.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if opts.RequestTimeout <= 0 {
		opts.RequestTimeout = DefaultRequestTimeout
	}
	r := chi.NewRouter()
	r.Use(requestID)
	if opts.TrustProxy {
		r.Use(middleware.RealIP)
	}
	if opts.Metrics == nil {
		opts.Metrics = observe.NewMetrics(opts.DB.SQL).AddReplicaPool(opts.DB.Replica)
	}
	r.Use(observe.HTTP(opts.Logger, opts.Metrics, opts.Tracing))
	r.Use(recoverer(opts.Logger))
	r.Use(requestTimeout(opts.RequestTimeout))

	r.Get("/healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"status":"ok"}`))
	})
	if !opts.SeparateMetrics {
		r.Handle("/metrics", opts.Metrics.Handler())
	}
	if opts.Introspection {
		// The schema as SDL for client code generators, without a token:
		// it tells no more than introspection, which is on, and the file
		// in the repository (graph/onboard.graphql).
		sdl := graph.SDL()
		r.Get("/schema.graphql", func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			_, _ = w.Write(sdl)
		})
	}
	r.Get("/readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		w.Header().Set("Content-Type", "application/json")
		if err := opts.DB.Ping(ctx); err != nil {
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write([]byte(`{"status":"database unreachable"}`))
			return
		}
		// A replica down fails reads (UNAVAILABLE) but not writes: the
		// server stays ready, so that every instance is not taken out of
		// service at once for a dependency they share, and says so.
		if err := opts.DB.PingReplica(ctx); err != nil {
			_, _ = w.Write([]byte(`{"status":"ready","readReplica":"unreachable"}`))
			return
		}
		_, _ = w.Write([]byte(`{"status":"ready"}`))
	})

	if opts.HashConcurrency <= 0 {
		opts.HashConcurrency = values.DefaultHashConcurrency()
	}
	if opts.Delivery == nil {
		d, err := NewDelivery(opts.DB, events.Settings{}, webhooks.Settings{}, opts.Metrics, opts.Logger)
		if err != nil {
			panic(err) // with no key and default settings NewDelivery cannot fail
		}
		opts.Delivery = d
	}
	// One hasher for /graphql and the drop-in routes, so that its bound
	// holds for every registration the server runs.
	hasher := values.NewHasher(opts.HashConcurrency).OnWait(opts.Metrics.HashWait)
	gql := graph.NewHandler(graph.Options{
		Client:        opts.DB.Client,
		Hasher:        hasher,
		Logger:        opts.Logger,
		Introspection: opts.Introspection,
		Limits:        opts.Limits,
		Metrics:       opts.Metrics,
		Tracing:       opts.Tracing,
		Auth:          opts.Auth,
		Sessions:      opts.Sessions,
		Hub:           opts.Delivery.Hub,
		Webhooks:      opts.Delivery.Webhooks,
	})
	front := graphqlFront{maxBody: opts.MaxBodyBytes}
	r.MethodNotAllowed(methodNotAllowed)
	r.Group(func(r chi.Router) {
		r.Use(opts.CORS.handler)
		r.Use(front.requests)
		r.Use(opts.Auth.Middleware)
		r.Use(observe.RecordViewer)
		r.Use(front.bodies)
		r.Use(registrationContext)
		r.Use(wakeSequencer(opts.Delivery.Sequencer))
		r.Use(opts.Delivery.trackSockets)
		r.Handle("/graphql", gql)
	})
	// The drop-in REST routes (internal/compat) take the same middleware
	// where it applies: CORS, the registration context and the sequencer's
	// wake-up; they check the method, content type, body and credentials
	// themselves, to answer in each system's own error shape.
	compatRoutes := &compat.Handler{
		Registration: &registration.Service{Client: opts.DB.Client, Hasher: hasher,
			Observe: opts.Metrics.Registration, ObserveValidation: opts.Metrics.Validation},
		Client:  opts.DB.Client,
		Auth:    opts.Auth,
		Logger:  opts.Logger,
		MaxBody: opts.MaxBodyBytes,
	}
	r.Group(func(r chi.Router) {
		r.Use(opts.CORS.handler)
		r.Use(registrationContext)
		r.Use(wakeSequencer(opts.Delivery.Sequencer))
		compatRoutes.Routes(r)
	})
	if opts.Playground != nil {
		r.Get("/", opts.Playground.ServeHTTP)
		r.Get("/playground/*", opts.Playground.ServeHTTP)
	}
	return r
}

// requestTimeout bounds a request's work (chi's Timeout), except a
// websocket upgrade's: its context is the connection's, which lives as
// long as its subscriptions (bounded by the token's expiry, the
// connection's limits and the hub's stop), not a request's time.
func requestTimeout(d time.Duration) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		bounded := middleware.Timeout(d)(next)
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if auth.IsWebsocketUpgrade(r) {
				next.ServeHTTP(w, r)
				return
			}
			bounded.ServeHTTP(w, r)
		})
	}
}

// validRequestID accepts a caller's request id only when it is short and
// plain, so it cannot smuggle anything into logs.
var validRequestID = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

// requestID takes the caller's X-Request-ID or makes one, stores it for
// logs and errors, and echoes it in the response.
func requestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get("X-Request-ID")
		if !validRequestID.MatchString(id) {
			id = ulid.Make().String()
		}
		w.Header().Set("X-Request-ID", id)
		ctx := context.WithValue(r.Context(), middleware.RequestIDKey, id)
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// recoverer turns a panic outside GraphQL execution into a 500 with a
// GraphQL-shaped body; the stack goes to the log only.
func recoverer(logger *slog.Logger) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			defer func() {
				if v := recover(); v != nil {
					if v == http.ErrAbortHandler {
						panic(v)
					}
					reqID := middleware.GetReqID(r.Context())
					logger.ErrorContext(r.Context(), "panic", "requestId", reqID, "panic", v, "stack", string(debug.Stack()))
					apperr.Refuse(w, r, apperr.InternalError(nil))
				}
			}()
			next.ServeHTTP(w, r)
		})
	}
}

// wakeSequencer has each transaction that appends history events wake the
// sequencer when it commits, so that its events are sequenced, streamed
// and delivered at once rather than at the next poll.
func wakeSequencer(seq *events.Sequencer) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			next.ServeHTTP(w, r.WithContext(history.WithCommitted(r.Context(), seq.Wake)))
		})
	}
}

// registrationContext records where a request came from, for registrations
// to store on the customer, and the client's Idempotency-Key.
func registrationContext(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ip := r.RemoteAddr // the client's address as RealIP found it
		if host, _, err := net.SplitHostPort(ip); err == nil {
			ip = host
		}
		ctx := graph.WithOrigin(r.Context(), registration.Origin{
			IP:             ip,
			UserAgent:      r.UserAgent(),
			Source:         r.Header.Get("X-Forwarded-From"),
			Platform:       r.Header.Get("platform"),
			DeviceID:       r.Header.Get("deviceId"),
			IdempotencyKey: r.Header.Get("Idempotency-Key"),
		})
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}
