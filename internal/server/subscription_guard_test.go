package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"onboard/internal/auth"
	"onboard/internal/events"
	"onboard/internal/testutil"
	"onboard/internal/viewer"
)

// The websocket's guard (graph's websocketOperations): over a connection
// only subscriptions run, and nothing once the connection's token has
// expired. Before it, gqlgen's transport executed any operation a
// subscribe message carried, as the viewer fixed at connection_init.

// wsOperation sends a subscribe message carrying query and returns its id.
func (w *wsClient) wsOperation(query string, vars map[string]any) string {
	w.nextID++
	id := fmt.Sprint(w.nextID)
	b, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	w.send(wsMsg{ID: id, Type: "subscribe", Payload: b})
	return id
}

// countRows counts the rows of table by SQL, beside ent and its privacy.
func countRows(t *testing.T, e *subsEnv, table string) int {
	t.Helper()
	var n int
	if err := e.DB.SQL.QueryRow(`SELECT COUNT(*) FROM ` + table).Scan(&n); err != nil {
		t.Fatalf("counting %s: %v", table, err)
	}
	return n
}

// TestSubscriptionGuardRefusesMutations: a mutation sent over the
// websocket by a token that could run it over HTTP is refused with
// BAD_USER_INPUT / SUBSCRIPTION_ONLY and writes nothing.
func TestSubscriptionGuardRefusesMutations(t *testing.T) {
	e := newSubsEnv(t, events.Settings{}, nil)
	w := e.connect(t, e.registerTokens["acme"], "acme")
	in := hostileClone(testutil.Fixture(t, "finhub-individual.json"))
	hostileReplaceStrings(in, "marcus.jensen@", "guard@")
	customers, evs := countRows(t, e, "customers"), countRows(t, e, "customer_events")
	id := w.wsOperation(`mutation($input: RegisterIndividualInput!) { registerIndividual(input: $input) { id } }`,
		map[string]any{"input": in})
	wantErr(t, w.failure(id), "BAD_USER_INPUT", "SUBSCRIPTION_ONLY")
	if n := countRows(t, e, "customers"); n != customers {
		t.Errorf("customers: %d rows after the refused mutation, %d before", n, customers)
	}
	if n := countRows(t, e, "customer_events"); n != evs {
		t.Errorf("customer_events: %d rows after the refused mutation, %d before", n, evs)
	}
	// The same mutation over HTTP still runs: the refusal is the
	// transport's, not the token's.
	e.register(t, "acme")
	if n := countRows(t, e, "customers"); n != customers+1 {
		t.Errorf("customers: %d rows after a registration over HTTP, want %d", n, customers+1)
	}
}

// TestSubscriptionGuardRefusesQueries: a query over the websocket is
// refused, and the connection still serves subscriptions after it.
func TestSubscriptionGuardRefusesQueries(t *testing.T) {
	e := newSubsEnv(t, events.Settings{}, nil)
	w := e.connect(t, e.Token([]string{"acme"}, viewer.ScopeEventsRead, viewer.ScopeCustomersRead), "acme")
	for name, q := range map[string]string{
		"events":    `query { events(first: 5) { edges { node { id } } } }`,
		"anonymous": `{ __typename }`,
	} {
		t.Run(name, func(t *testing.T) {
			wantErr(t, w.failure(w.wsOperation(q, nil)), "BAD_USER_INPUT", "SUBSCRIPTION_ONLY")
		})
	}
	sub := w.subscribe(nil)
	waitSubscribed(t, e, "acme", 1)
	cus := e.register(t, "acme")
	if ev := w.event(sub); ev.Type != "customer.registered" || ev.Customer.ID != cus {
		t.Fatalf("after the refusals, got %+v, want the registration of %s", ev, cus)
	}
}

// TestSubscriptionGuardRefusesAfterExpiry: once the connection's token has
// expired, every operation on it is refused with TOKEN_EXPIRED, a query
// as well as a subscription (a query would otherwise run past the token's
// expiry on a connection kept open).
func TestSubscriptionGuardRefusesAfterExpiry(t *testing.T) {
	e := newSubsEnv(t, events.Settings{}, nil)
	// exp 28 s ago: accepted for the 30 s of clock skew allowed, so the
	// token expires about 2 s from now.
	token, err := e.Auth.Mint(auth.TokenRequest{Subject: "test", Tenants: []string{"acme"},
		Scopes: []string{viewer.ScopeEventsRead, viewer.ScopeCustomersRead}, TTL: -28 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	v, failure := e.Auth.Authenticate(context.Background(), "Bearer "+token, "acme")
	if failure != nil {
		t.Fatalf("authenticating: %v", failure)
	}
	w := e.connect(t, token, "acme")
	// The connection's viewer expires at v.ExpiresAt (exp + skew): wait
	// for that clock time, which no signal announces (about 2 s).
	if d := time.Until(v.ExpiresAt); d > 0 && d < 5*time.Second {
		time.Sleep(d + 50*time.Millisecond)
	} else if d > 0 {
		t.Fatalf("the token expires in %s, not about 2 s", d)
	}
	wantErr(t, w.failure(w.wsOperation(`{ __typename }`, nil)), "UNAUTHENTICATED", "TOKEN_EXPIRED")
	wantErr(t, w.failure(w.subscribe(nil)), "UNAUTHENTICATED", "TOKEN_EXPIRED")
}

// TestHubServesASubscriberThatStartsWhileIdle drives the race the review
// found, with the hub's idle hook: the hub finds no subscription; then a
// subscriber registers and reads its starting point, and an event is
// sequenced after it; then the hub reads the highest sequence. That event
// must still reach the subscriber (the hub used to skip to the highest
// sequence and never hand it out).
func TestHubServesASubscriberThatStartsWhileIdle(t *testing.T) {
	e := newSubsEnv(t, events.Settings{}, nil)
	hub := e.Delivery.Hub
	entered, release := make(chan struct{}), make(chan struct{})
	var fired atomic.Bool
	remove := events.SetTestHookIdle(func(h *events.Hub) {
		if h != hub || !fired.CompareAndSwap(false, true) {
			return
		}
		close(entered)
		select { // bounded: a failed test must not hang the hub
		case <-release:
		case <-time.After(wsWait):
		}
	})
	t.Cleanup(remove)
	select {
	case <-entered:
	case <-time.After(wsWait):
		t.Fatal("the hub never found itself idle")
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sub, err := hub.Subscribe(ctx, e.acme, events.Filter{})
	if err != nil {
		t.Fatalf("subscribe: %v", err)
	}
	cus := e.register(t, "acme")
	waitSequenced(t, e)
	close(release)
	select {
	case ev, ok := <-sub.C:
		if !ok {
			t.Fatalf("the subscription ended: %v", sub.Err())
		}
		if ev.Type != "customer.registered" || ev.CustomerID != cus {
			t.Fatalf("got %s of %s, want the registration of %s", ev.Type, ev.CustomerID, cus)
		}
	case <-time.After(wsWait):
		t.Fatal("the event sequenced after the subscriber's start never reached it")
	}
}

// TestHubCountsAStartedSubscriptionOnly: Hub.Subscriptions counts a
// subscription once it has read its starting point, not while it reads
// it, so that a test waiting for the count can then commit an event the
// subscription will receive.
func TestHubCountsAStartedSubscriptionOnly(t *testing.T) {
	e := newSubsEnv(t, events.Settings{}, nil)
	hub := e.Delivery.Hub
	var during atomic.Int64
	during.Store(-1)
	t.Cleanup(events.SetTestHookBeforeStart(func(h *events.Hub) {
		if h == hub {
			during.Store(int64(h.Subscriptions(e.acme)))
		}
	}))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if _, err := hub.Subscribe(ctx, e.acme, events.Filter{}); err != nil {
		t.Fatalf("subscribe: %v", err)
	}
	if n := during.Load(); n != 0 {
		t.Errorf("before reading its start, the subscription was counted: %d, want 0", n)
	}
	if n := hub.Subscriptions(e.acme); n != 1 {
		t.Errorf("once started, %d subscriptions counted, want 1", n)
	}
}
