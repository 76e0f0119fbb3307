package compat_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"onboard/internal/demo"
	"onboard/internal/testutil"
)

// compatEnv is a server with a tenant holding the demo catalog (the
// FinHub seeds' categories and features) and the credentials the routes
// take.
type compatEnv struct {
	*testutil.Env
	tenantID string
	// token registers and reads, personal data included; manager adds
	// customers:manage (a back office, which may grant every role).
	token, manager string
}

const tenantKey = "acme"

func newCompatEnv(t *testing.T) *compatEnv {
	t.Helper()
	env := testutil.New(t)
	id := env.Tenant(tenantKey)
	if err := demo.SeedCatalog(env.As(id), env.Client()); err != nil {
		t.Fatalf("seeding the catalog: %v", err)
	}
	return &compatEnv{Env: env, tenantID: id,
		token:   env.Token([]string{tenantKey}, "customers:register", "customers:read", "pii:read", "customers:sessions"),
		manager: env.Token([]string{tenantKey}, "customers:register", "customers:manage", "customers:read", "pii:read", "customers:sessions", "catalog:write", "apikeys:manage"),
	}
}

// apiKey creates an API key of the tenant with scopes, through
// createApiKey, and returns it.
func (e *compatEnv) apiKey(t testing.TB, scopes ...string) string {
	t.Helper()
	resp := e.Do(testutil.Request{Token: e.manager, TenantKey: tenantKey,
		Query:     `mutation($in: CreateApiKeyInput!) { createApiKey(input: $in) { key } }`,
		Variables: map[string]any{"in": map[string]any{"name": "compat test", "scopes": scopes}}})
	var out struct {
		CreateAPIKey struct{ Key string } `json:"createApiKey"`
	}
	resp.Into(t, &out)
	if out.CreateAPIKey.Key == "" {
		t.Fatalf("no key: %s", resp.Raw)
	}
	return out.CreateAPIKey.Key
}

// seed reads a seed body, byte for byte, from the module's testdata
// (copies of ../shared/seeds).
func seed(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(testutil.ModuleRoot(t), "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// answer is a route's decoded answer.
type answer struct {
	Status int
	Header http.Header
	Body   map[string]any
	Raw    string
}

// post sends body to path with headers (name, value pairs).
func (e *compatEnv) post(t testing.TB, path string, body []byte, header ...string) answer {
	t.Helper()
	r := httptest.NewRequest(http.MethodPost, path, bytes.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(header); i += 2 {
		r.Header.Set(header[i], header[i+1])
	}
	w := httptest.NewRecorder()
	e.Handler.ServeHTTP(w, r)
	a := answer{Status: w.Code, Header: w.Header(), Raw: w.Body.String()}
	if err := json.Unmarshal(w.Body.Bytes(), &a.Body); err != nil {
		t.Fatalf("%s answered %d, not a JSON object: %s", path, w.Code, w.Body.String())
	}
	return a
}

// bearer is the headers of a bearer token in the tenant.
func (e *compatEnv) bearer(token string) []string {
	return []string{"Authorization", "Bearer " + token, "X-Tenant-ID", tenantKey}
}

func newRecorder() *httptest.ResponseRecorder { return httptest.NewRecorder() }
