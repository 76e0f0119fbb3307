package server_test

import (
	"encoding/json"
	"fmt"
	"testing"

	"onboard/internal/viewer"
)

// webhookBases are valid inputs of the webhook mutations in the tenant
// key (id tenantID), for the isolation and text suites: an endpoint of
// the tenant's, made through the API, and one of its events, sequenced as
// the sequencer would (redeliverEvent takes only sequenced events). It
// returns them with the webhooks:manage token they need.
func (e *hostileEnv) webhookBases(t *testing.T, tenantID, key string) (map[string]func(n int64) map[string]any, string) {
	t.Helper()
	token := e.Token([]string{key}, viewer.ScopeWebhooksManage)
	r := e.mustSucceedIn(t, token, key, `mutation { createWebhookEndpoint(input: {url: "https://hooks.example.com/base",
		eventTypes: ["customer.registered"], description: "Base"}) { endpoint { id } } }`, nil)
	var created struct {
		CreateWebhookEndpoint struct{ Endpoint struct{ ID string } }
	}
	if err := json.Unmarshal(r.data, &created); err != nil || created.CreateWebhookEndpoint.Endpoint.ID == "" {
		t.Fatalf("the base endpoint: %s", r.raw)
	}
	endpoint := created.CreateWebhookEndpoint.Endpoint.ID
	ev, err := e.Client().CustomerEvent.Query().First(e.As(tenantID))
	if err != nil {
		t.Fatalf("an event of %s: %v", key, err)
	}
	sequence(t, e.Env, ev.ID, 1_000_000+e.next())
	bases := map[string]func(n int64) map[string]any{
		"createWebhookEndpoint": func(n int64) map[string]any {
			return map[string]any{"url": fmt.Sprintf("https://hooks.example.com/%d", n),
				"eventTypes": []any{"customer.registered"}, "description": "Hooks"}
		},
		"updateWebhookEndpoint": func(n int64) map[string]any {
			return map[string]any{"endpointId": endpoint, "url": fmt.Sprintf("https://hooks.example.com/base/%d", n),
				"eventTypes": []any{"customer.updated"}, "description": "Updated", "reason": "Reconfigured"}
		},
		"rotateWebhookSecret": func(int64) map[string]any {
			return map[string]any{"endpointId": endpoint, "overlapSeconds": 0}
		},
		"redeliverEvent": func(int64) map[string]any {
			return map[string]any{"eventId": ev.ID, "endpointId": endpoint}
		},
	}
	return bases, token
}
