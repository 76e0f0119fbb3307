package server_test

import (
	"encoding/json"
	"fmt"
	"testing"

	"onboard/internal/viewer"
)

// apiKeyBases are valid inputs of the API key mutations in the tenant
// key, for the isolation and text suites: createApiKey with a name unique
// per call, and revokeApiKey of a key made through the API for each call
// (revoking one twice succeeds too, but each case gets its own). It
// returns them with the token they need: apikeys:manage and the scope the
// keys hold.
func (e *hostileEnv) apiKeyBases(t *testing.T, key string) (map[string]func(n int64) map[string]any, string) {
	t.Helper()
	token := e.Token([]string{key}, viewer.ScopeAPIKeysManage, viewer.ScopeCustomersRead)
	create := func(n int64) map[string]any {
		return map[string]any{"name": fmt.Sprintf("Client %d", n), "scopes": []any{viewer.ScopeCustomersRead},
			"expiresAt": "2099-01-01T00:00:00Z"}
	}
	bases := map[string]func(n int64) map[string]any{
		"createApiKey": create,
		"revokeApiKey": func(n int64) map[string]any {
			r := e.mustSucceedIn(t, token, key, `mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { apiKey { id } } }`,
				map[string]any{"input": create(n)})
			var d struct {
				CreateApiKey struct{ ApiKey struct{ ID string } }
			}
			if err := json.Unmarshal(r.data, &d); err != nil || d.CreateApiKey.ApiKey.ID == "" {
				t.Fatalf("a key to revoke: %s", r.raw)
			}
			return map[string]any{"id": d.CreateApiKey.ApiKey.ID}
		},
	}
	return bases, token
}
