package graph

import (
	"context"
	"log/slog"
	"net/http"

	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/ast"

	"onboard/ent"
	"onboard/internal/apikeys"
	"onboard/internal/auth"
	"onboard/internal/events"
	"onboard/internal/observe"
	"onboard/internal/onboarding"
	"onboard/internal/registration"
	"onboard/internal/sessions"
	"onboard/internal/values"
	"onboard/internal/webhooks"
)

// Options configure the GraphQL handler.
type Options struct {
	Client        *ent.Client
	Hasher        *values.Hasher
	Logger        *slog.Logger
	Introspection bool
	// Limits bound page sizes, depth, cost, aliases and where-inputs
	// (zero fields take the defaults).
	Limits Limits
	// Bounds bound the document before it is validated (zero fields take
	// the defaults).
	Bounds DocumentBounds
	// Metrics count operations and registrations; Tracing, when not nil,
	// gives each operation a span (both may be nil).
	Metrics *observe.Metrics
	Tracing *observe.Tracing
	// Auth signs customer sessions; Sessions bounds their failed attempts
	// and their life (zero fields take the defaults).
	Auth     *auth.Authenticator
	Sessions sessions.Limits
	// Hub streams events to subscriptions; Webhooks manages the webhook
	// endpoints (nil: the subscription and the webhook fields fail).
	Hub      *events.Hub
	Webhooks *webhooks.Service
}

// NewHandler builds the GraphQL endpoint with explicit transports (a
// websocket for subscriptions, GET for queries, POST), a parsed-query cache, automatic persisted queries, and
// the query limits. The HTTP rules (methods, content types, bodies,
// batches) are internal/server's front, before this handler.
func NewHandler(opts Options) http.Handler {
	present := presentError(opts.Logger)
	srv := handler.New(NewExecutableSchema(Config{
		Resolvers: &Resolver{
			Client: opts.Client,
			Registration: &registration.Service{Client: opts.Client, Hasher: opts.Hasher,
				Observe: opts.Metrics.Registration, ObserveValidation: opts.Metrics.Validation},
			Onboarding: &onboarding.Service{Client: opts.Client},
			Sessions: &sessions.Service{Client: opts.Client, Hasher: opts.Hasher,
				Auth: opts.Auth, Limits: opts.Sessions},
			Hub:      opts.Hub,
			Webhooks: opts.Webhooks,
			Keys:     &apikeys.Service{Client: opts.Client},
		},
		Directives: DirectiveRoot{HasScope: hasScope, PersonalData: personalData},
	}))
	// First: the GET transport would take an upgrade for a query.
	var settings events.Settings
	if opts.Hub != nil {
		settings = opts.Hub.Settings()
	}
	srv.AddTransport(websocket(opts.Auth, opts.Hub, settings, present))
	srv.AddTransport(transport.Options{})
	srv.AddTransport(transport.GET{})
	srv.AddTransport(transport.POST{})
	queries := lru.New[*ast.QueryDocument](1000)
	srv.SetQueryCache(queries)
	bounds := opts.Bounds.WithDefaults()
	bounds.Cache = queries
	srv.SetParserTokenLimit(bounds.MaxTokens)
	// Without introspection, "Did you mean …" would leak the schema anyway.
	srv.SetDisableSuggestion(!opts.Introspection)
	if opts.Introspection {
		srv.Use(extension.Introspection{})
	}
	srv.Use(extension.AutomaticPersistedQuery{Cache: lru.New[string](1000)})
	srv.Use(bounds) // after APQ, which fills in the query
	srv.Use(tenantRequirement{})
	srv.Use(websocketOperations{present: present}) // before any other interceptor runs a refused operation
	srv.Use(readOnlyQueries{})
	srv.Use(opts.Limits.WithDefaults())
	srv.Use(problemLists{})
	srv.AroundOperations(withLoaders)
	srv.AroundResponses(freshLoadersPerEvent)
	srv.AroundResponses(capErrors(DefaultMaxErrors))
	srv.Use(observe.Operations{Metrics: opts.Metrics, Tracing: opts.Tracing}) // last: sees every error
	srv.SetErrorPresenter(present)
	srv.SetRecoverFunc(recoverPanic(opts.Logger))
	return withStatus(withSocketSlot(srv))
}

// statusKey holds the HTTP status a pre-execution check asks for; gqlgen
// answers 200 for errors other than protocol errors.
type statusKey struct{}

type statusHolder struct{ status int }

func setStatus(ctx context.Context, status int) {
	if h, ok := ctx.Value(statusKey{}).(*statusHolder); ok {
		h.status = status
	}
}

func withStatus(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := &statusHolder{}
		ctx := context.WithValue(r.Context(), statusKey{}, h)
		next.ServeHTTP(&statusWriter{ResponseWriter: w, holder: h}, r.WithContext(ctx))
	})
}

type statusWriter struct {
	http.ResponseWriter
	holder      *statusHolder
	wroteHeader bool
}

func (w *statusWriter) WriteHeader(code int) {
	if w.wroteHeader {
		return
	}
	w.wroteHeader = true
	if w.holder.status != 0 && code == http.StatusOK {
		code = w.holder.status
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if !w.wroteHeader {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
