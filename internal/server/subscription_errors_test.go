package server_test

import (
	"encoding/json"
	"testing"

	"onboard/internal/events"
	"onboard/internal/viewer"
)

// TestSubscriptionErrorsBeforeRunning: errors raised before the resolver
// runs reach the websocket client with our extensions (code, reason), as
// over HTTP: a document the parser or the validator refuses, and an
// operation without a tenant (connection_init without X-Tenant-ID while
// the token names two). gqlgen's websocket transport sends the list that
// CreateOperationContext returned, after DispatchError has run the
// error presenter on those same *gqlerror.Error values; this test keeps
// that from regressing silently with a gqlgen upgrade.
func TestSubscriptionErrorsBeforeRunning(t *testing.T) {
	e := newSubsEnv(t, events.Settings{}, nil)
	w := e.connect(t, e.Token([]string{"acme"}, viewer.ScopeEventsRead), "acme")
	for _, tc := range []struct{ name, query, reason string }{
		{"validation", `subscription { customerEvents { nope } }`, "GRAPHQL_VALIDATION_FAILED"},
		{"parse", `subscription { customerEvents { id }`, "GRAPHQL_PARSE_FAILED"},
	} {
		b, _ := json.Marshal(map[string]any{"query": tc.query})
		w.send(wsMsg{ID: tc.name, Type: "subscribe", Payload: b})
		got := w.failure(tc.name)
		if got.code() != "BAD_USER_INPUT" || got.reason() != tc.reason {
			t.Errorf("%s: %s/%s (%s), want BAD_USER_INPUT/%s", tc.name, got.code(), got.reason(), got.Message, tc.reason)
		}
	}

	two := e.dial(t, "graphql-transport-ws", nil)
	two.initWith(map[string]any{"Authorization": "Bearer " + e.Token([]string{"acme", "globex"}, viewer.ScopeEventsRead)})
	two.send(wsMsg{ID: "t", Type: "subscribe", Payload: json.RawMessage(`{"query":"subscription { customerEvents { id } }"}`)})
	wantErr(t, two.failure("t"), "BAD_USER_INPUT", "MISSING_TENANT")
}
