package server_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"

	"onboard/ent"
	"onboard/internal/auth"
	"onboard/internal/catalog"
	"onboard/internal/demo"
	"onboard/internal/events"
	"onboard/internal/history"
	"onboard/internal/server"
	"onboard/internal/testutil"
	"onboard/internal/viewer"
	"onboard/schema/schematype"
)

// Subscription.customerEvents end to end: a real websocket client speaking
// graphql-transport-ws by hand against the real handler behind a real
// listener, with real tokens, on SQLite or PostgreSQL.

// wsWait bounds every wait of these tests for a message.
const wsWait = 15 * time.Second

// subsEnv is two tenants ("acme", "globex") with catalogs, the server's
// delivery (sequencer, hub, worker) running, and the handler listening on a local port.
type subsEnv struct {
	*testutil.Env
	srv            *httptest.Server
	acme, globex   string
	n              atomic.Int64
	stopHub        func()
	registerTokens map[string]string
}

func newSubsEnv(t *testing.T, settings events.Settings, cors *server.CORS) *subsEnv {
	t.Helper()
	if settings.PollInterval == 0 {
		settings.PollInterval = 50 * time.Millisecond
	}
	env := testutil.NewWith(t, testutil.Options{Events: settings, StartDelivery: true})
	e := &subsEnv{Env: env, acme: env.Tenant("acme"), globex: env.Tenant("globex"), registerTokens: map[string]string{}}
	for key, id := range map[string]string{"acme": e.acme, "globex": e.globex} {
		if err := demo.SeedCatalog(env.As(id), env.Client()); err != nil {
			t.Fatalf("seeding the catalog: %v", err)
		}
		e.registerTokens[key] = env.Token([]string{key}, "customers:register", "customers:manage", "customers:read", "customers:decide")
	}
	handler := env.Handler
	if cors != nil {
		handler = server.New(server.Options{DB: env.DB, Auth: env.Auth, Introspection: true, CORS: cors,
			Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Delivery: env.Delivery})
	}
	e.srv = httptest.NewServer(handler)
	t.Cleanup(e.srv.Close)

	// The server's own delivery (sequencer, hub, worker) runs for the
	// test's life; stopHub stops it as a shutdown does.
	var once sync.Once
	e.stopHub = func() {
		once.Do(func() {
			ctx, cancel := context.WithTimeout(context.Background(), wsWait)
			defer cancel()
			if err := env.Delivery.Stop(ctx); err != nil {
				t.Errorf("stopping delivery: %v", err)
			}
		})
	}
	t.Cleanup(e.stopHub)
	return e
}

// register registers a FinHub individual in tenant (key) and returns its id.
func (e *subsEnv) register(t *testing.T, key string) string {
	t.Helper()
	in := hostileClone(testutil.Fixture(t, "finhub-individual.json"))
	hostileReplaceStrings(in, "marcus.jensen@", fmt.Sprintf("subs%d@", e.n.Add(1)))
	var got struct{ RegisterIndividual struct{ ID string } }
	e.Do(testutil.Request{Token: e.registerTokens[key], TenantKey: key,
		Query:     `mutation($input: RegisterIndividualInput!) { registerIndividual(input: $input) { id } }`,
		Variables: map[string]any{"input": in}}).Into(t, &got)
	return got.RegisterIndividual.ID
}

// review moves a customer of tenant (key) to IN_REVIEW: a status change.
func (e *subsEnv) review(t *testing.T, key, customerID string) {
	t.Helper()
	r := e.Do(testutil.Request{Token: e.registerTokens[key], TenantKey: key,
		Query:     `mutation($input: CustomerDecisionInput!) { reviewCustomer(input: $input) { customer { status } } }`,
		Variables: map[string]any{"input": map[string]any{"customerId": customerID}}})
	if r.Status != http.StatusOK || len(r.Errors) > 0 {
		t.Fatalf("reviewCustomer: %d %s", r.Status, r.Raw)
	}
}

// wsMsg is a graphql-transport-ws message.
type wsMsg struct {
	ID      string          `json:"id,omitempty"`
	Type    string          `json:"type"`
	Payload json.RawMessage `json:"payload,omitempty"`
}

// wsClient is a graphql-transport-ws client: a reader goroutine answers
// pings and queues every other message; closed records how the
// connection ended.
type wsClient struct {
	t      *testing.T
	c      *websocket.Conn
	msgs   chan wsMsg
	closed error
	nextID int
}

// dial opens a websocket to the env's /graphql with the subprotocol and
// header given, failing the test when the upgrade fails.
func (e *subsEnv) dial(t *testing.T, protocol string, header http.Header) *wsClient {
	t.Helper()
	c, resp, err := e.tryDial(protocol, header)
	if err != nil {
		status := 0
		if resp != nil {
			status = resp.StatusCode
		}
		t.Fatalf("dial: %v (HTTP %d)", err, status)
	}
	w := &wsClient{t: t, c: c, msgs: make(chan wsMsg, 64)}
	go w.read()
	t.Cleanup(func() { c.CloseNow() })
	return w
}

func (e *subsEnv) tryDial(protocol string, header http.Header) (*websocket.Conn, *http.Response, error) {
	ctx, cancel := context.WithTimeout(context.Background(), wsWait)
	defer cancel()
	url := "ws" + strings.TrimPrefix(e.srv.URL, "http") + "/graphql"
	return websocket.Dial(ctx, url, &websocket.DialOptions{Subprotocols: []string{protocol}, HTTPHeader: header})
}

func (w *wsClient) read() {
	defer close(w.msgs)
	for {
		_, data, err := w.c.Read(context.Background())
		if err != nil {
			w.closed = err
			return
		}
		var m wsMsg
		if err := json.Unmarshal(data, &m); err != nil {
			w.closed = fmt.Errorf("not JSON: %s", data)
			return
		}
		if m.Type == "ping" {
			w.send(wsMsg{Type: "pong"})
			continue
		}
		if m.Type == "ka" {
			continue // graphql-ws keep-alive
		}
		w.msgs <- m
	}
}

func (w *wsClient) send(m wsMsg) {
	b, _ := json.Marshal(m)
	ctx, cancel := context.WithTimeout(context.Background(), wsWait)
	defer cancel()
	_ = w.c.Write(ctx, websocket.MessageText, b)
}

// next returns the next message, or ok false when the connection ended
// (w.closed says how); it fails the test after wsWait.
func (w *wsClient) next() (wsMsg, bool) {
	w.t.Helper()
	select {
	case m, ok := <-w.msgs:
		return m, ok
	case <-time.After(wsWait):
		w.t.Fatalf("no message within %s", wsWait)
		return wsMsg{}, false
	}
}

// expect returns the next message, which must be of type typ.
func (w *wsClient) expect(typ string) wsMsg {
	w.t.Helper()
	m, ok := w.next()
	if !ok {
		w.t.Fatalf("connection ended (%v), expected %s", w.closed, typ)
	}
	if m.Type != typ {
		w.t.Fatalf("got %s %s, expected %s", m.Type, m.Payload, typ)
	}
	return m
}

// initWith sends connection_init with payload and expects the ack.
func (w *wsClient) initWith(payload map[string]any) {
	w.t.Helper()
	b, _ := json.Marshal(payload)
	w.send(wsMsg{Type: "connection_init", Payload: b})
	w.expect("connection_ack")
}

// connect dials graphql-transport-ws and initialises it with token in
// tenant key.
func (e *subsEnv) connect(t *testing.T, token, key string) *wsClient {
	t.Helper()
	w := e.dial(t, "graphql-transport-ws", nil)
	w.initWith(map[string]any{"Authorization": "Bearer " + token, "X-Tenant-ID": key})
	return w
}

const customerEventsSubscription = `subscription($types: [String!], $customerId: ID) {
  customerEvents(types: $types, customerId: $customerId) { id type customer { id } changes { field before after personal } }
}`

// subscribe sends a subscribe message and returns its id.
func (w *wsClient) subscribe(vars map[string]any) string {
	w.nextID++
	id := fmt.Sprint(w.nextID)
	b, _ := json.Marshal(map[string]any{"query": customerEventsSubscription, "variables": vars})
	w.send(wsMsg{ID: id, Type: "subscribe", Payload: b})
	return id
}

type streamedEvent struct {
	ID, Type string
	Customer struct{ ID string }
	Changes  []struct {
		Field         string
		Before, After *string
		Personal      bool
	}
}

type gqlErr struct {
	Message    string
	Extensions map[string]any
}

func (e gqlErr) code() string   { s, _ := e.Extensions["code"].(string); return s }
func (e gqlErr) reason() string { s, _ := e.Extensions["reason"].(string); return s }

// event reads the next message, which must be a next of subscription id
// without errors, and returns its event.
func (w *wsClient) event(id string) streamedEvent {
	w.t.Helper()
	m := w.expect("next")
	var p struct {
		Data   struct{ CustomerEvents streamedEvent }
		Errors []gqlErr
	}
	if err := json.Unmarshal(m.Payload, &p); err != nil || len(p.Errors) > 0 || m.ID != id {
		w.t.Fatalf("next of %s: %s (%v)", m.ID, m.Payload, err)
	}
	return p.Data.CustomerEvents
}

// failure reads messages of subscription id until its error, which it
// returns: an error message, or a next carrying errors. Events before it
// fail the test.
func (w *wsClient) failure(id string) gqlErr {
	w.t.Helper()
	m, ok := w.next()
	if !ok {
		w.t.Fatalf("connection ended (%v), expected an error of %s", w.closed, id)
	}
	var errs []gqlErr
	switch m.Type {
	case "error":
		_ = json.Unmarshal(m.Payload, &errs)
	case "next":
		var p struct{ Errors []gqlErr }
		_ = json.Unmarshal(m.Payload, &p)
		errs = p.Errors
	}
	if m.ID != id || len(errs) == 0 {
		w.t.Fatalf("expected an error of %s, got %s %s %s", id, m.ID, m.Type, m.Payload)
	}
	if m.Type == "next" { // a refusal by the resolver: the operation completes
		if c := w.expect("complete"); c.ID != id {
			w.t.Fatalf("complete of %s, want %s", c.ID, id)
		}
	}
	return errs[0]
}

func wantErr(t *testing.T, e gqlErr, code, reason string) {
	t.Helper()
	if e.code() != code || e.reason() != reason {
		t.Fatalf("error %s/%s (%s), want %s/%s", e.code(), e.reason(), e.Message, code, reason)
	}
}

// TestSubscriptionStreamsItsTenantsEvents: a registration and a status
// change of the subscriber's tenant arrive, in order, and the other
// tenant's registration, committed first, never does; personal changes
// are masked without pii:read.
func TestSubscriptionStreamsItsTenantsEvents(t *testing.T) {
	e := newSubsEnv(t, events.Settings{}, nil)
	w := e.connect(t, e.Token([]string{"acme"}, viewer.ScopeEventsRead, viewer.ScopeCustomersRead), "acme")
	sub := w.subscribe(nil)
	waitSubscribed(t, e, "acme", 1)

	other := e.register(t, "globex")
	id := e.register(t, "acme")
	e.review(t, "acme", id)

	var sawRegistered bool
	for {
		ev := w.event(sub)
		if ev.Customer.ID != id {
			t.Fatalf("an event of another customer (%s; globex's is %s) reached acme's subscription: %+v", ev.Customer.ID, other, ev)
		}
		for _, c := range ev.Changes {
			if c.Personal && ((c.After != nil && *c.After != "" && !strings.Contains(*c.After, "*")) ||
				(c.Before != nil && *c.Before != "" && !strings.Contains(*c.Before, "*"))) {
				t.Errorf("personal change %s in clear without pii:read: %v → %v", c.Field, c.Before, c.After)
			}
		}
		switch ev.Type {
		case schematype.EventCustomerRegistered:
			sawRegistered = true
		case schematype.EventCustomerStatusChanged:
			if !sawRegistered {
				t.Fatal("the status change arrived before the registration")
			}
			return
		}
	}
}

// waitSubscribed polls the hub until tenant (key) has n subscriptions, so
// that the events a test commits next are sequenced after they began.
func waitSubscribed(t *testing.T, e *subsEnv, key string, n int) {
	t.Helper()
	id := map[string]string{"acme": e.acme, "globex": e.globex}[key]
	deadline := time.Now().Add(wsWait)
	for e.Delivery.Hub.Subscriptions(id) < n {
		if time.Now().After(deadline) {
			t.Fatalf("%s has %d subscriptions, want %d", key, e.Delivery.Hub.Subscriptions(id), n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// waitSequenced polls until every committed event has its sequence.
func waitSequenced(t *testing.T, e *subsEnv) {
	t.Helper()
	deadline := time.Now().Add(wsWait)
	for {
		var n int
		if err := e.DB.SQL.QueryRow(`SELECT COUNT(*) FROM customer_events WHERE sequence IS NULL`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d events still unsequenced", n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestSubscriptionFilters: types keeps only those types, customerId only
// that customer; an unknown type and an id that is not a customer's are
// BAD_USER_INPUT INVALID_VALUE.
func TestSubscriptionFilters(t *testing.T) {
	e := newSubsEnv(t, events.Settings{}, nil)
	first, second := e.register(t, "acme"), e.register(t, "acme")
	waitSequenced(t, e) // their registrations are not the subscriptions'
	w := e.connect(t, e.Token([]string{"acme"}, viewer.ScopeEventsRead, viewer.ScopeCustomersRead), "acme")
	byType := w.subscribe(map[string]any{"types": []string{schematype.EventCustomerStatusChanged}})
	byCustomer := w.subscribe(map[string]any{"customerId": second})
	waitSubscribed(t, e, "acme", 2)

	e.register(t, "acme") // neither subscription takes its registration
	e.review(t, "acme", first)
	e.review(t, "acme", second)

	got := map[string][]string{}
	for len(got[byType]) < 2 || len(got[byCustomer]) < 1 {
		m := w.expect("next")
		var p struct {
			Data struct{ CustomerEvents streamedEvent }
		}
		if err := json.Unmarshal(m.Payload, &p); err != nil {
			t.Fatal(err)
		}
		ev := p.Data.CustomerEvents
		got[m.ID] = append(got[m.ID], ev.Type+" "+ev.Customer.ID)
	}
	want := map[string][]string{
		byType:     {schematype.EventCustomerStatusChanged + " " + first, schematype.EventCustomerStatusChanged + " " + second},
		byCustomer: {schematype.EventCustomerStatusChanged + " " + second},
	}
	for id, evs := range want {
		if strings.Join(got[id], ",") != strings.Join(evs, ",") {
			t.Errorf("subscription %s got %v, want %v", id, got[id], evs)
		}
	}

	wantErr(t, w.failure(w.subscribe(map[string]any{"types": []string{"customer.nope"}})), "BAD_USER_INPUT", "INVALID_VALUE")
	wantErr(t, w.failure(w.subscribe(map[string]any{"customerId": "usr_01"})), "BAD_USER_INPUT", "INVALID_VALUE")
}

// TestSubscriptionAuthentication: connection_init without a token, with a
// bad one, or for a tenant the token does not grant closes the connection
// (4401, 4403); a token without events:read is refused on subscribe; a
// token that expires ends its subscription with UNAUTHENTICATED.
func TestSubscriptionAuthentication(t *testing.T) {
	e := newSubsEnv(t, events.Settings{}, nil)
	for _, tc := range []struct {
		name    string
		payload map[string]any
		code    websocket.StatusCode
	}{
		{"no token", map[string]any{"X-Tenant-ID": "acme"}, 4401},
		{"not a token", map[string]any{"Authorization": "Bearer nope", "X-Tenant-ID": "acme"}, 4401},
		{"another secret", map[string]any{"Authorization": "Bearer " + forgedToken(t), "X-Tenant-ID": "acme"}, 4401},
		{"tenant not granted", map[string]any{"authorization": "Bearer " + e.Token([]string{"globex"}, viewer.ScopeEventsRead), "x-tenant-id": "acme"}, 4403},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := e.dial(t, "graphql-transport-ws", nil)
			b, _ := json.Marshal(tc.payload)
			w.send(wsMsg{Type: "connection_init", Payload: b})
			for {
				m, ok := w.next()
				if !ok {
					break
				}
				if m.Type == "connection_ack" {
					t.Fatal("the connection was accepted")
				}
			}
			if got := websocket.CloseStatus(w.closed); got != tc.code {
				t.Fatalf("closed with %d (%v), want %d", got, w.closed, tc.code)
			}
		})
	}

	t.Run("without events:read", func(t *testing.T) {
		w := e.connect(t, e.Token([]string{"acme"}, viewer.ScopeCustomersRead), "acme")
		wantErr(t, w.failure(w.subscribe(nil)), "FORBIDDEN", "MISSING_SCOPE")
	})

	t.Run("expiring token", func(t *testing.T) {
		// exp 27 s ago: accepted for the 30 s of clock skew allowed, so
		// the token expires about 3 s from now.
		token, err := e.Auth.Mint(auth.TokenRequest{Subject: "test", Tenants: []string{"acme"},
			Scopes: []string{viewer.ScopeEventsRead}, TTL: -27 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		w := e.connect(t, token, "acme")
		start := time.Now()
		wantErr(t, w.failure(w.subscribe(nil)), "UNAUTHENTICATED", "TOKEN_EXPIRED")
		if time.Since(start) > 10*time.Second {
			t.Errorf("the subscription ended %s after it began, long after the token's expiry", time.Since(start))
		}
		// And a new subscription on the connection is refused at once.
		wantErr(t, w.failure(w.subscribe(nil)), "UNAUTHENTICATED", "TOKEN_EXPIRED")
	})
}

// forgedToken is a token signed with another secret.
func forgedToken(t *testing.T) string {
	t.Helper()
	other, err := auth.New(auth.Config{Secret: []byte(strings.Repeat("x", 40))}, nil)
	if err != nil {
		t.Fatal(err)
	}
	s, err := other.Mint(auth.TokenRequest{Subject: "x", Tenants: []string{"acme"}, Scopes: []string{viewer.ScopeEventsRead}, TTL: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestSubscriptionBounds: the subscription beyond the connection's bound,
// and the one beyond the tenant's on this server, are RATE_LIMITED
// TOO_MANY_SUBSCRIPTIONS; the others go on.
func TestSubscriptionBounds(t *testing.T) {
	e := newSubsEnv(t, events.Settings{SubscriptionsPerConnection: 3, SubscriptionsPerTenant: 4}, nil)
	token := e.Token([]string{"acme"}, viewer.ScopeEventsRead)
	w := e.connect(t, token, "acme")
	for range 3 {
		w.subscribe(nil)
	}
	waitSubscribed(t, e, "acme", 3)
	wantErr(t, w.failure(w.subscribe(nil)), "RATE_LIMITED", "TOO_MANY_SUBSCRIPTIONS")

	w2 := e.connect(t, token, "acme")
	kept := w2.subscribe(nil)
	waitSubscribed(t, e, "acme", 4)
	wantErr(t, w2.failure(w2.subscribe(nil)), "RATE_LIMITED", "TOO_MANY_SUBSCRIPTIONS")

	// The kept ones still stream.
	e.register(t, "acme")
	if ev := w2.event(kept); ev.Type == "" {
		t.Fatal("no event")
	}
}

// TestSubscriptionOrigins: an upgrade from a page of another origin is
// refused (403 ORIGIN_NOT_ALLOWED) even though a browser sends no
// preflight; an allowed origin, the API's own, and a client without an
// Origin (not a browser) are accepted.
func TestSubscriptionOrigins(t *testing.T) {
	cors, err := server.NewCORS("https://app.example.com")
	if err != nil {
		t.Fatal(err)
	}
	e := newSubsEnv(t, events.Settings{}, cors)
	token := e.Token([]string{"acme"}, viewer.ScopeEventsRead)
	for _, origin := range []string{"https://evil.example.com", "null", "http://app.example.com"} {
		_, resp, err := e.tryDial("graphql-transport-ws", http.Header{"Origin": {origin}})
		if err == nil || resp == nil || resp.StatusCode != http.StatusForbidden {
			status := 0
			if resp != nil {
				status = resp.StatusCode
			}
			t.Errorf("Origin %s: %v (HTTP %d), want 403", origin, err, status)
		}
	}
	for _, origin := range []string{"https://app.example.com", e.srv.URL, ""} {
		h := http.Header{}
		if origin != "" {
			h.Set("Origin", origin)
		}
		w := e.dial(t, "graphql-transport-ws", h)
		w.initWith(map[string]any{"Authorization": "Bearer " + token, "X-Tenant-ID": "acme"})
	}
}

// TestSubscriptionLegacyProtocol: graphql-ws (start/data) works too.
func TestSubscriptionLegacyProtocol(t *testing.T) {
	e := newSubsEnv(t, events.Settings{}, nil)
	w := e.dial(t, "graphql-ws", nil)
	w.initWith(map[string]any{"Authorization": "Bearer " + e.Token([]string{"acme"}, viewer.ScopeEventsRead), "X-Tenant-ID": "acme"})
	b, _ := json.Marshal(map[string]any{"query": customerEventsSubscription,
		"variables": map[string]any{"types": []string{schematype.EventCustomerRegistered}}})
	w.send(wsMsg{ID: "1", Type: "start", Payload: b})
	waitSubscribed(t, e, "acme", 1)
	id := e.register(t, "acme")
	m := w.expect("data")
	if !strings.Contains(string(m.Payload), id) {
		t.Fatalf("data %s, want customer %s", m.Payload, id)
	}
}

// TestSubscriptionEndsWhenTheHubStops: at shutdown the subscription ends
// (complete) and the connection closes normally.
func TestSubscriptionEndsWhenTheHubStops(t *testing.T) {
	e := newSubsEnv(t, events.Settings{}, nil)
	w := e.connect(t, e.Token([]string{"acme"}, viewer.ScopeEventsRead), "acme")
	sub := w.subscribe(nil)
	waitSubscribed(t, e, "acme", 1)
	e.stopHub()
	for {
		m, ok := w.next()
		if !ok {
			break
		}
		if m.Type != "complete" || m.ID != sub {
			t.Fatalf("got %s %s %s, want complete of %s", m.ID, m.Type, m.Payload, sub)
		}
	}
	if got := websocket.CloseStatus(w.closed); got != websocket.StatusNormalClosure {
		t.Fatalf("closed with %d (%v), want 1000", got, w.closed)
	}
}

// TestSubscriptionOverHTTP: a subscription sent by POST is refused
// (WEBSOCKET_REQUIRED) instead of holding the request open.
func TestSubscriptionOverHTTP(t *testing.T) {
	e := newSubsEnv(t, events.Settings{}, nil)
	r := e.Do(testutil.Request{Token: e.Token([]string{"acme"}, viewer.ScopeEventsRead), TenantKey: "acme",
		Query: `subscription { customerEvents { id } }`})
	if len(r.Errors) == 0 || r.Errors[0].Code() != "BAD_USER_INPUT" || r.Errors[0].Reason() != "WEBSOCKET_REQUIRED" {
		t.Fatalf("%d %s", r.Status, r.Raw)
	}
}

// TestHubEndsASlowSubscriber: a subscriber that reads nothing is ended
// with SUBSCRIBER_TOO_SLOW once its buffer is full, while another one of
// the same tenant receives every event; ending a subscription's context
// closes it without an error.
func TestHubEndsASlowSubscriber(t *testing.T) {
	e := newSubsEnv(t, events.Settings{}, nil)
	id := e.register(t, "acme")
	waitSequenced(t, e)
	hub := e.Delivery.Hub
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	slow, err := hub.Subscribe(ctx, e.acme, events.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	fast, err := hub.Subscribe(ctx, e.acme, events.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan int)
	go func() {
		n := 0
		for range fast.C {
			if n++; n == events.SubscriberBuffer+50 {
				break
			}
		}
		got <- n
	}()

	evs := make([]history.Event, events.SubscriberBuffer+50)
	for i := range evs {
		evs[i] = history.Event{CustomerID: id, Type: schematype.EventCustomerUpdated}
	}
	actx := e.As(e.acme)
	if err := catalog.WithTx(actx, e.Client(), func(tx *ent.Tx) error {
		for _, ev := range evs {
			if err := history.Record(actx, tx, ev); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}

	select {
	case n := <-got:
		if n != len(evs) {
			t.Fatalf("the reading subscriber got %d events, want %d", n, len(evs))
		}
	case <-time.After(wsWait):
		t.Fatal("the reading subscriber did not get every event")
	}
	n := 0
	for range slow.C {
		n++
	}
	if n != events.SubscriberBuffer || !errors.Is(slow.Err(), events.ErrSubscriberTooSlow) {
		t.Fatalf("the slow subscriber got %d events and %v, want %d and SUBSCRIBER_TOO_SLOW", n, slow.Err(), events.SubscriberBuffer)
	}
	if hub.Subscriptions(e.acme) != 1 {
		t.Fatalf("%d subscriptions left, want the reading one", hub.Subscriptions(e.acme))
	}
	cancel()
	for range fast.C {
	}
	if fast.Err() != nil {
		t.Fatalf("a subscription whose context ended: %v", fast.Err())
	}
}

// TestUpgradeLooseningIsTheHandshakeOnly: only a complete websocket
// handshake goes on without an Authorization header; a GET that merely
// says Upgrade: websocket is an ordinary query and needs its token (401).
func TestUpgradeLooseningIsTheHandshakeOnly(t *testing.T) {
	e := newSubsEnv(t, events.Settings{}, nil)
	for name, h := range map[string]http.Header{
		"no key":     {"Upgrade": {"websocket"}, "Connection": {"Upgrade"}, "Sec-Websocket-Version": {"13"}},
		"no version": {"Upgrade": {"websocket"}, "Connection": {"Upgrade"}, "Sec-Websocket-Key": {"dGhlIHNhbXBsZSBub25jZQ=="}},
		"h2c":        {"Upgrade": {"h2c"}, "Connection": {"Upgrade"}},
	} {
		req, _ := http.NewRequest(http.MethodGet, e.srv.URL+"/graphql?query=%7B__typename%7D", nil)
		req.Header = h
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(string(body), "UNAUTHENTICATED") {
			t.Errorf("%s: %d %s, want 401 UNAUTHENTICATED", name, resp.StatusCode, body)
		}
	}
}
