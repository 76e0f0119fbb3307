package server_test

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/coder/websocket"

	"onboard/internal/events"
	"onboard/internal/testutil"
	"onboard/internal/viewer"
)

// A websocket's connection_init takes an API key as Authorization:
// ApiKey, without X-Tenant-ID: the subscription streams the key's tenant's
// events. A revoked key, or a key sent for another tenant, closes the
// connection (4401, 4403) as a bad token does.
func TestSubscriptionWithAPIKey(t *testing.T) {
	e := newSubsEnv(t, events.Settings{}, nil)
	admin := e.Token([]string{"acme"}, viewer.ScopeAPIKeysManage, viewer.ScopeEventsRead, viewer.ScopeCustomersRead)
	newKey := func() (id, key string) {
		var got struct {
			CreateApiKey struct {
				Key    string
				ApiKey struct{ ID string }
			}
		}
		e.Do(testutil.Request{Token: admin, TenantKey: "acme", Query: createAPIKey, Variables: map[string]any{"input": map[string]any{
			"name": "Stream", "scopes": []any{viewer.ScopeEventsRead, viewer.ScopeCustomersRead}}}}).Into(t, &got)
		return got.CreateApiKey.ApiKey.ID, got.CreateApiKey.Key
	}
	_, key := newKey()
	w := e.dial(t, "graphql-transport-ws", nil)
	w.initWith(map[string]any{"Authorization": "ApiKey " + key})
	sub := w.subscribe(nil)
	waitSubscribed(t, e, "acme", 1)
	e.register(t, "globex")
	id := e.register(t, "acme")
	if ev := w.event(sub); ev.Customer.ID != id {
		t.Fatalf("streamed %+v, want acme's customer %s", ev, id)
	}

	revokedID, revoked := newKey()
	e.Do(testutil.Request{Token: admin, TenantKey: "acme", Query: revokeAPIKey, Variables: map[string]any{"id": revokedID}}).Into(t, &struct{}{})
	for name, c := range map[string]struct {
		payload map[string]any
		code    websocket.StatusCode
	}{
		"revoked key":    {map[string]any{"Authorization": "ApiKey " + revoked}, 4401},
		"another tenant": {map[string]any{"Authorization": "ApiKey " + key, "X-Tenant-ID": "globex"}, 4403},
	} {
		w := e.dial(t, "graphql-transport-ws", nil)
		b, _ := json.Marshal(c.payload)
		w.send(wsMsg{Type: "connection_init", Payload: b})
		for {
			m, ok := w.next()
			if !ok {
				break
			}
			if m.Type == "connection_ack" {
				t.Fatalf("%s: the connection was accepted", name)
			}
		}
		if got := websocket.CloseStatus(w.closed); got != c.code {
			t.Errorf("%s: closed with %d (%v), want %d", name, got, w.closed, c.code)
		}
	}
}

// A websocket opened with a key checks the key again every
// KeyRecheckInterval: once the key is revoked the connection closes as
// connection_init with that key would (4401, reason API_KEY_REVOKED),
// within the interval, not at the connection's end an hour later.
func TestSubscriptionClosesWhenItsKeyIsRevoked(t *testing.T) {
	const recheck = 500 * time.Millisecond
	e := newSubsEnv(t, events.Settings{KeyRecheckInterval: recheck}, nil)
	admin := e.Token([]string{"acme"}, viewer.ScopeAPIKeysManage, viewer.ScopeEventsRead)
	var got struct {
		CreateApiKey struct {
			Key    string
			ApiKey struct{ ID string }
		}
	}
	e.Do(testutil.Request{Token: admin, TenantKey: "acme", Query: createAPIKey, Variables: map[string]any{"input": map[string]any{
		"name": "Stream", "scopes": []any{viewer.ScopeEventsRead}}}}).Into(t, &got)
	w := e.dial(t, "graphql-transport-ws", nil)
	w.initWith(map[string]any{"Authorization": "ApiKey " + got.CreateApiKey.Key})
	w.subscribe(nil)
	waitSubscribed(t, e, "acme", 1)
	// A recheck while the key is live keeps the connection open.
	time.Sleep(2 * recheck)
	select {
	case m, ok := <-w.msgs:
		t.Fatalf("before the revocation: %v %+v (%v)", ok, m, w.closed)
	default:
	}

	e.Do(testutil.Request{Token: admin, TenantKey: "acme", Query: revokeAPIKey,
		Variables: map[string]any{"id": got.CreateApiKey.ApiKey.ID}}).Into(t, &struct{}{})
	revoked := time.Now()
	for { // w.next fails the test if the connection stays open past wsWait
		m, ok := w.next()
		if !ok {
			break
		}
		if m.Type == "next" {
			t.Fatalf("an event after the revocation: %s", m.Payload)
		}
	}
	if took := time.Since(revoked); took > recheck+3*time.Second {
		t.Errorf("closed %s after the revocation, the recheck interval is %s", took, recheck)
	}
	var closed websocket.CloseError
	if !errors.As(w.closed, &closed) || closed.Code != 4401 || closed.Reason != "API_KEY_REVOKED" {
		t.Fatalf("closed with %v, want 4401 API_KEY_REVOKED", w.closed)
	}
}
