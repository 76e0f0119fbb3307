package graph

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	coderws "github.com/coder/websocket"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"onboard/ent"
	"onboard/internal/apperr"
	"onboard/internal/apperr/vocab"
	"onboard/internal/auth"
	"onboard/internal/events"
	"onboard/internal/viewer"
)

// The websocket's bounds. A client that has not sent connection_init
// within wsInitTimeout is closed; the server pings every wsPingInterval
// (graphql-transport-ws ping, graphql-ws "ka"), which keeps proxies from
// closing an idle connection and drops a peer that stopped answering; a
// client message (subscribe, a document) is at most wsReadLimit bytes.
const (
	wsInitTimeout  = 10 * time.Second
	wsPingInterval = 15 * time.Second
	wsReadLimit    = 64 << 10
)

// websocket is the transport of subscriptions: graphql-transport-ws and
// the legacy graphql-ws over github.com/coder/websocket. The origin is
// checked by internal/server, before the upgrade reaches this handler,
// against the same allow-list as /graphql (so Accept's own check, which
// knows nothing of CORS_ALLOWED_ORIGINS, is off). The token comes in the
// connection_init payload and is verified there, by auth.Authenticate,
// exactly as the Authorization header of a request.
func websocket(authn *auth.Authenticator, hub *events.Hub, settings events.Settings, present graphql.ErrorPresenterFunc) transport.Websocket {
	limit := int64(wsReadLimit)
	return transport.Websocket{
		Implementation: socketImplementation{transport.CoderWebsocketImplementation{
			AcceptOptions: coderws.AcceptOptions{InsecureSkipVerify: true},
		}},
		InitTimeout:           wsInitTimeout,
		KeepAlivePingInterval: wsPingInterval,
		PingPongInterval:      wsPingInterval,
		PayloadReadLimit:      &limit,
		InitFunc: func(ctx context.Context, payload transport.InitPayload) (context.Context, *transport.InitPayload, error) {
			return initConnection(ctx, payload, authn, hub, settings, present)
		},
	}
}

// initConnection authenticates a connection_init payload: Authorization
// ("Bearer <jwt>") and X-Tenant-ID, their keys in any case, as the HTTP
// headers. A refusal closes the connection with 4401 (UNAUTHENTICATED) or
// 4403 (FORBIDDEN), the codes graphql-transport-ws clients know, and its
// message. The connection's context then carries the viewer and the
// connection's subscription count, and ends when the hub stops. A
// connection opened with an API key checks the key again every
// KeyRecheckInterval (see recheckKey).
func initConnection(ctx context.Context, payload transport.InitPayload, authn *auth.Authenticator,
	hub *events.Hub, settings events.Settings, present graphql.ErrorPresenterFunc) (context.Context, *transport.InitPayload, error) {
	settings = settings.WithDefaults()
	var authorization, tenantKey string
	for k, v := range payload {
		s, _ := v.(string)
		switch {
		case strings.EqualFold(k, "Authorization"):
			authorization = s
		case strings.EqualFold(k, auth.TenantHeader):
			tenantKey = s
		}
	}
	if authn == nil {
		return transport.WithWebsocketCloseCode(ctx, 4401), nil, errors.New("this server authenticates no connection")
	}
	v, failure := authn.Authenticate(ctx, authorization, tenantKey)
	if failure != nil {
		ctx = transport.AppendCloseReason(ctx, string(failure.Reason))
		return transport.WithWebsocketCloseCode(ctx, refusalCloseCode(failure)), nil, errors.New(failure.Message)
	}
	cs := &connection{limit: settings.SubscriptionsPerConnection, present: present}
	ctx = context.WithValue(viewer.NewContext(ctx, v), connectionKey{}, cs)
	if isAPIKey(authorization) {
		if socket, _ := ctx.Value(socketKey{}).(*socketSlot); socket != nil && socket.conn != nil {
			var cancel context.CancelFunc
			ctx, cancel = context.WithCancel(ctx)
			go recheckKey(ctx, cancel, socket.conn, authn, authorization, tenantKey, settings.KeyRecheckInterval)
		}
	}
	if hub != nil {
		var cancel context.CancelFunc
		ctx, cancel = context.WithCancel(ctx)
		go func() {
			defer cancel()
			select {
			case <-hub.Stopped():
				// The hub closed every subscription; let them send their
				// complete before the connection closes (1000).
				cs.idle(time.Second)
			case <-ctx.Done():
			}
		}()
	}
	return ctx, nil, nil
}

// refusalCloseCode is the close code of a connection whose credentials
// are refused: 4401 (UNAUTHENTICATED) or 4403 (FORBIDDEN), the codes
// graphql-transport-ws clients know and do not retry, else 1011.
func refusalCloseCode(failure *apperr.Error) int {
	switch failure.Code {
	case apperr.Unauthenticated:
		return 4401
	case apperr.Forbidden:
		return 4403
	}
	return int(coderws.StatusInternalError)
}

// isAPIKey reports whether a connection_init Authorization value is an
// API key ("ApiKey <key>", the scheme in any case).
func isAPIKey(authorization string) bool {
	const scheme = "ApiKey "
	return len(authorization) > len(scheme) && strings.EqualFold(authorization[:len(scheme)], scheme)
}

// recheckKey authenticates a connection's API key again every interval
// until ctx ends. A key is revoked at once for requests, but a websocket
// authenticates only at connection_init and lives up to
// apikeys.ConnectionLife: without this a revoked key would stream for up
// to an hour. Once the key is refused (revoked, expired, its tenant gone)
// the connection closes as connection_init with that key would — the
// refusal's close code (4401) and its reason (API_KEY_REVOKED, …) — and
// cancel ends its subscriptions. The close frame is written first, on
// the socket itself: gqlgen's own close at a cancelled context always
// says 1000, which clients take for a normal end and reconnect after. A
// check that fails for another reason (the database down) closes
// nothing: the next check decides.
func recheckKey(ctx context.Context, cancel context.CancelFunc, socket transport.WebsocketConn,
	authn *auth.Authenticator, authorization, tenantKey string, interval time.Duration) {
	defer cancel()
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		_, failure := authn.Authenticate(ctx, authorization, tenantKey)
		if failure == nil || (failure.Code != apperr.Unauthenticated && failure.Code != apperr.Forbidden) {
			continue
		}
		_ = socket.WriteClose(refusalCloseCode(failure), string(failure.Reason))
		return
	}
}

// socketKey holds, in an upgrade request's context, the slot where
// socketImplementation puts the accepted connection, so that the
// connection's InitFunc, which gets that context, can close it with a
// code of its choosing.
type socketKey struct{}

type socketSlot struct{ conn transport.WebsocketConn }

// withSocketSlot gives a websocket upgrade request its socketSlot.
func withSocketSlot(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if auth.IsWebsocketUpgrade(r) {
			r = r.WithContext(context.WithValue(r.Context(), socketKey{}, &socketSlot{}))
		}
		next.ServeHTTP(w, r)
	})
}

// socketImplementation accepts as the implementation it wraps and
// records the connection in the request's socketSlot.
type socketImplementation struct {
	transport.WebsocketImplementation
}

func (s socketImplementation) Accept(w http.ResponseWriter, r *http.Request, options transport.WebsocketAcceptOptions) (transport.WebsocketConn, error) {
	conn, err := s.WebsocketImplementation.Accept(w, r, options)
	if slot, _ := r.Context().Value(socketKey{}).(*socketSlot); slot != nil && err == nil {
		slot.conn = conn
	}
	return conn, err
}

type connectionKey struct{}

// connection is one websocket's state: its live subscriptions, bounded
// by SUBSCRIPTIONS_PER_CONNECTION.
type connection struct {
	limit   int
	present graphql.ErrorPresenterFunc

	mu     sync.Mutex
	active int
	none   chan struct{} // closed when active drops to 0, nil otherwise
}

func (c *connection) acquire() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.active >= c.limit {
		return false
	}
	c.active++
	return true
}

func (c *connection) release() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.active--
	if c.active == 0 && c.none != nil {
		close(c.none)
		c.none = nil
	}
}

// idle waits until the connection has no subscription, at most d.
func (c *connection) idle(d time.Duration) {
	c.mu.Lock()
	if c.active == 0 {
		c.mu.Unlock()
		return
	}
	if c.none == nil {
		c.none = make(chan struct{})
	}
	none := c.none
	c.mu.Unlock()
	select {
	case <-none:
	case <-time.After(d):
	}
}

// customerEvents streams the tenant's events to one subscription: the
// filter is checked as the feed's, the connection's and the tenant's
// bounds are taken, and each event is handed on only while the token is
// valid and holds events:read. At the token's expiry (a timer, not the
// next event) the subscription ends with UNAUTHENTICATED (TOKEN_EXPIRED);
// a subscriber that fell behind ends with SUBSCRIBER_TOO_SLOW; when the
// hub stops (the server shuts down) the channel closes and the client
// gets complete.
func (r *Resolver) customerEvents(ctx context.Context, types []string, customerID *string) (<-chan *ent.CustomerEvent, error) {
	conn, _ := ctx.Value(connectionKey{}).(*connection)
	if conn == nil {
		return nil, apperr.New(apperr.BadUserInput, vocab.ReasonWebsocketRequired,
			"subscriptions are served over a websocket (graphql-transport-ws) at /graphql")
	}
	v := viewer.FromContext(ctx)
	f := events.Filter{Types: types}
	if customerID != nil {
		f.CustomerID = *customerID
	}
	if err := f.Check(); err != nil {
		return nil, err
	}
	if expired(v) {
		return nil, tokenExpired()
	}
	if r.Hub == nil {
		return nil, apperr.New(apperr.Unavailable, vocab.ReasonEventStreamUnavailable, "the event stream is not running on this server")
	}
	if !conn.acquire() {
		return nil, apperr.New(apperr.RateLimited, vocab.ReasonTooManySubscriptions,
			"the connection holds as many subscriptions as it may: end one first or open another connection")
	}
	subCtx, cancel := context.WithCancel(ctx)
	sub, err := r.Hub.Subscribe(subCtx, v.TenantID, f)
	if err != nil {
		cancel()
		conn.release()
		return nil, err
	}
	out := make(chan *ent.CustomerEvent)
	go func() {
		defer conn.release()
		defer close(out)
		defer cancel()
		var expiry <-chan time.Time
		if !v.ExpiresAt.IsZero() {
			t := time.NewTimer(time.Until(v.ExpiresAt))
			defer t.Stop()
			expiry = t.C
		}
		fail := func(err error) { transport.AddSubscriptionError(ctx, conn.present(ctx, err)) }
		for {
			select {
			case <-ctx.Done():
				return
			case <-expiry:
				fail(tokenExpired())
				return
			case ev, ok := <-sub.C:
				if !ok {
					if err := sub.Err(); err != nil && !errors.Is(err, events.ErrHubStopped) {
						fail(err)
					}
					return
				}
				// The token cannot change under a connection, but the
				// rule is checked where the data goes out.
				if expired(v) {
					fail(tokenExpired())
					return
				}
				if !v.Has(viewer.ScopeEventsRead) {
					fail(apperr.ForbiddenScope(viewer.ScopeEventsRead))
					return
				}
				select {
				case out <- ev:
				case <-ctx.Done():
					return
				}
			}
		}
	}()
	return out, nil
}

// websocketOperations guards the websocket: gqlgen's transport would
// execute whatever a subscribe message carries, queries and mutations
// too, as the viewer fixed at connection_init and outside the HTTP front
// (its rules, the request timeout, the sequencer's wake-up). Over a
// connection (connectionKey, set by initConnection) only subscriptions
// run, and none once the connection's token has expired: the expiry is
// checked here for every operation, not only by customerEvents. The
// refusal is a graphql.OneShot response, as gqlgen's websocket.go asks of
// an interceptor that does not call next, presented as every error.
type websocketOperations struct {
	present graphql.ErrorPresenterFunc
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationInterceptor
} = websocketOperations{}

func (websocketOperations) ExtensionName() string                   { return "WebsocketOperations" }
func (websocketOperations) Validate(graphql.ExecutableSchema) error { return nil }

func (w websocketOperations) InterceptOperation(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	if conn, _ := ctx.Value(connectionKey{}).(*connection); conn == nil {
		return next(ctx) // HTTP: the front's rules apply
	}
	var refusal *apperr.Error
	oc := graphql.GetOperationContext(ctx)
	switch {
	case expired(viewer.FromContext(ctx)):
		refusal = tokenExpired()
	case oc == nil || oc.Operation == nil || oc.Operation.Operation != ast.Subscription:
		refusal = apperr.New(apperr.BadUserInput, vocab.ReasonSubscriptionOnly,
			"the websocket serves subscriptions only: send queries and mutations over HTTP (POST /graphql)")
	default:
		return next(ctx)
	}
	return graphql.OneShot(&graphql.Response{Errors: gqlerror.List{w.present(ctx, refusal)}})
}

func expired(v *viewer.Viewer) bool {
	return v != nil && !v.ExpiresAt.IsZero() && !time.Now().Before(v.ExpiresAt)
}

func tokenExpired() *apperr.Error {
	return apperr.New(apperr.Unauthenticated, vocab.ReasonTokenExpired,
		"the token has expired: connect again with a fresh token and resubscribe")
}

// freshLoadersPerEvent gives each event of a subscription its own loaders
// (AroundResponses): an operation's loaders would otherwise keep, for the
// whole life of the subscription, what the first event loaded (a
// customer's requirements, say) and answer it for every later event.
func freshLoadersPerEvent(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	if oc := graphql.GetOperationContext(ctx); oc != nil && oc.Operation != nil && oc.Operation.Operation == ast.Subscription {
		ctx = context.WithValue(ctx, loadersKey{}, &operationLoaders{sets: map[string]*loaders{}})
	}
	return next(ctx)
}
