package server_test

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"onboard/ent"
	"onboard/ent/apikey"
	"onboard/internal/testutil"
	"onboard/internal/viewer"
)

// API keys per tenant (issue 16, part 3), through the real handler with
// real tokens and keys, on SQLite or PostgreSQL.

// apiKeyFields is every field of ApiKey, so that a test that looks for
// the key in an answer looks everywhere a client can.
const apiKeyFields = `id createdAt updatedAt name hint scopes expiresAt revokedAt lastUsedAt createdBy`

const createAPIKey = `mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { key apiKey { ` + apiKeyFields + ` } } }`

const revokeAPIKey = `mutation($id: ID!) { revokeApiKey(input: {id: $id}) { apiKey { ` + apiKeyFields + ` } } }`

type apiKeyJSON struct {
	ID, Name, Hint, CreatedBy        string
	Scopes                           []string
	ExpiresAt, RevokedAt, LastUsedAt *time.Time
}

// keysEnv is tenant acme with the demo catalog and a token managing its
// keys that also holds what the keys are given.
type keysEnv struct {
	*registrationEnv
	admin string
}

func newKeysEnv(t *testing.T) *keysEnv {
	t.Helper()
	e := newRegistrationEnv(t)
	return &keysEnv{registrationEnv: e, admin: e.Token([]string{"acme"}, viewer.ScopeAPIKeysManage,
		viewer.ScopeCustomersRegister, viewer.ScopeCustomersRead, viewer.ScopeCustomersManage, viewer.ScopePIIRead)}
}

// createKey makes a key with input as the admin and returns it and the key.
func (e *keysEnv) createKey(t *testing.T, input map[string]any) (apiKeyJSON, string) {
	t.Helper()
	var got struct {
		CreateApiKey struct {
			Key    string
			ApiKey apiKeyJSON
		}
	}
	e.Do(testutil.Request{Token: e.admin, TenantKey: "acme", Query: createAPIKey,
		Variables: map[string]any{"input": input}}).Into(t, &got)
	return got.CreateApiKey.ApiKey, got.CreateApiKey.Key
}

// withKey sends query with Authorization: ApiKey key and, when not empty,
// X-Tenant-ID tenant.
func (e *keysEnv) withKey(key, tenant, query string, vars map[string]any) *testutil.Response {
	return e.Do(testutil.Request{TenantKey: tenant, Query: query, Variables: vars,
		Header: http.Header{"Authorization": {"ApiKey " + key}}})
}

func (e *keysEnv) row(t *testing.T, id string) *ent.APIKey {
	t.Helper()
	k, err := e.Client().APIKey.Get(e.As(e.tenantID), id)
	if err != nil {
		t.Fatalf("key %s: %v", id, err)
	}
	return k
}

// refusedAs checks a request refused before GraphQL runs: the status, one
// error of code and reason.
func refusedAs(t *testing.T, what string, r *testutil.Response, status int, code, reason string) {
	t.Helper()
	if r.Status != status || len(r.Errors) != 1 || r.Errors[0].Code() != code || r.Errors[0].Reason() != reason {
		t.Errorf("%s: %d %s, want %d %s / %s", what, r.Status, r.Raw, status, code, reason)
	}
}

// A key is made, registers a customer in its tenant without X-Tenant-ID
// (as apikey:<id>), reads what its scopes allow and nothing else, is
// refused another tenant, records when it was last used (at most once a
// minute) and, once revoked, is refused; revoking again changes nothing.
func TestAPIKeyLifecycle(t *testing.T) {
	e := newKeysEnv(t)
	e.Tenant("rival")
	k, key := e.createKey(t, map[string]any{"name": "CRM sync",
		"scopes": []any{viewer.ScopeCustomersRegister, viewer.ScopeCustomersRead, viewer.ScopeCustomersRegister}})
	if !strings.HasPrefix(key, "obk_"+k.ID+"_") || len(key) != len("obk_")+len(k.ID)+1+43 {
		t.Fatalf("key %q of %s: not obk_<id>_<43 characters>", key, k.ID)
	}
	if k.Hint != key[len(key)-4:] || k.Name != "CRM sync" || k.CreatedBy != "test" || k.LastUsedAt != nil || k.RevokedAt != nil ||
		!reflect.DeepEqual(k.Scopes, []string{viewer.ScopeCustomersRegister, viewer.ScopeCustomersRead}) {
		t.Errorf("created %+v", k)
	}

	// Registration and reads in the key's tenant, X-Tenant-ID absent.
	in := testutil.Fixture(t, "finhub-individual.json")
	var reg struct {
		RegisterIndividual struct {
			ID       string
			Customer struct{ RegisteredBy string }
		}
	}
	e.withKey(key, "", registerIndividual, map[string]any{"input": in}).Into(t, &reg)
	if got := reg.RegisterIndividual.Customer.RegisteredBy; got != "apikey:"+k.ID {
		t.Errorf("registeredBy %q, want apikey:%s", got, k.ID)
	}
	var read struct {
		Tenant    struct{ Key string }
		Customers struct{ TotalCount int }
	}
	e.withKey(key, "", `{ tenant { key } customers(first: 5) { totalCount } }`, nil).Into(t, &read)
	if read.Tenant.Key != "acme" || read.Customers.TotalCount != 1 {
		t.Errorf("read %+v", read)
	}
	// The same with X-Tenant-ID naming the key's own tenant.
	if r := e.withKey(key, "acme", `{ tenant { key } }`, nil); len(r.Errors) > 0 {
		t.Errorf("X-Tenant-ID acme: %s", r.Raw)
	}
	// Scopes are enforced: the key lacks customers:manage and apikeys:manage.
	for _, q := range []string{`{ apiKeys(first: 1) { totalCount } }`,
		`mutation { revokeApiKey(input: {id: "` + k.ID + `"}) { apiKey { id } } }`} {
		r := e.withKey(key, "", q, nil)
		if len(r.Errors) != 1 || r.Errors[0].Code() != "FORBIDDEN" || r.Errors[0].Reason() != "MISSING_SCOPE" {
			t.Errorf("%s: %s, want FORBIDDEN MISSING_SCOPE", q, r.Raw)
		}
	}
	// A key without customers:read cannot read customers.
	_, registerOnly := e.createKey(t, map[string]any{"name": "Sign-up form", "scopes": []any{viewer.ScopeCustomersRegister}})
	if r := e.withKey(registerOnly, "", `{ customers(first: 1) { totalCount } }`, nil); len(r.Errors) != 1 ||
		r.Errors[0].Code() != "FORBIDDEN" || r.Errors[0].Reason() != "MISSING_SCOPE" {
		t.Errorf("customers with a register-only key: %s, want FORBIDDEN MISSING_SCOPE", r.Raw)
	}

	// Another tenant, existing or not, is refused as for a token.
	refusedAs(t, "X-Tenant-ID rival", e.withKey(key, "rival", `{ tenant { key } }`, nil), 403, "FORBIDDEN", "TENANT_NOT_GRANTED")
	refusedAs(t, "X-Tenant-ID nowhere", e.withKey(key, "nowhere", `{ tenant { key } }`, nil), 403, "FORBIDDEN", "TENANT_NOT_GRANTED")

	// Last used: recorded, not rewritten within the minute, rewritten after.
	first := e.row(t, k.ID).LastUsedAt
	if first == nil {
		t.Fatal("lastUsedAt not recorded")
	}
	e.withKey(key, "", `{ tenant { key } }`, nil)
	if again := e.row(t, k.ID).LastUsedAt; again == nil || !again.Equal(*first) {
		t.Errorf("lastUsedAt moved within the minute: %v → %v", first, again)
	}
	stale := time.Now().Add(-2 * time.Minute)
	e.Client().APIKey.UpdateOneID(k.ID).SetLastUsedAt(stale).ExecX(e.As(e.tenantID))
	e.withKey(key, "", `{ tenant { key } }`, nil)
	if moved := e.row(t, k.ID).LastUsedAt; moved == nil || !moved.After(stale.Add(time.Minute)) {
		t.Errorf("lastUsedAt %v not recorded again after %v", moved, stale)
	}
	var listed struct {
		ApiKeys struct {
			Edges []struct{ Node apiKeyJSON }
		}
	}
	e.Do(testutil.Request{Token: e.admin, TenantKey: "acme", Query: `{ apiKeys(first: 10) { edges { node { ` + apiKeyFields + ` } } } }`}).Into(t, &listed)
	if n := len(listed.ApiKeys.Edges); n != 2 || listed.ApiKeys.Edges[1].Node.ID != k.ID || listed.ApiKeys.Edges[1].Node.LastUsedAt == nil {
		t.Errorf("apiKeys, newest first: %+v", listed.ApiKeys.Edges)
	}

	// Revoked: refused from the next request on; a second revocation
	// keeps the first one's time.
	var revoked struct {
		RevokeApiKey struct{ ApiKey apiKeyJSON }
	}
	e.Do(testutil.Request{Token: e.admin, TenantKey: "acme", Query: revokeAPIKey, Variables: map[string]any{"id": k.ID}}).Into(t, &revoked)
	at := revoked.RevokeApiKey.ApiKey.RevokedAt
	if at == nil {
		t.Fatalf("revokedAt not set: %+v", revoked)
	}
	refusedAs(t, "revoked key", e.withKey(key, "", `{ tenant { key } }`, nil), 401, "UNAUTHENTICATED", "API_KEY_REVOKED")
	e.Do(testutil.Request{Token: e.admin, TenantKey: "acme", Query: revokeAPIKey, Variables: map[string]any{"id": k.ID}}).Into(t, &revoked)
	if again := revoked.RevokeApiKey.ApiKey.RevokedAt; again == nil || !again.Equal(*at) {
		t.Errorf("a second revocation moved revokedAt: %v → %v", at, again)
	}
	// The other key still authenticates (and is refused a field beyond its scope, as before).
	if r := e.withKey(registerOnly, "", `{ customers(first: 1) { totalCount } }`, nil); r.Status != 200 || len(r.Errors) != 1 || r.Errors[0].Reason() != "MISSING_SCOPE" {
		t.Errorf("the other key after the revocation: %d %s", r.Status, r.Raw)
	}
}

// Keys that are not a live key of the right secret are 401 with the
// reason of what is wrong, a malformed one without any panic, and a
// revoked or expired key's state is told only to the holder of its secret.
func TestAPIKeyRefusals(t *testing.T) {
	e := newKeysEnv(t)
	k, key := e.createKey(t, map[string]any{"name": "Short-lived", "scopes": []any{viewer.ScopeCustomersRead},
		"expiresAt": time.Now().Add(1500 * time.Millisecond).Format(time.RFC3339Nano)})
	if r := e.withKey(key, "", `{ tenant { key } }`, nil); len(r.Errors) > 0 {
		t.Fatalf("a live key: %s", r.Raw)
	}
	secret := key[len("obk_"+k.ID+"_"):]
	// The same shape with another first character: a valid secret, not the key's.
	wrong := []byte(secret)
	wrong[0] = 'A'
	if secret[0] == 'A' {
		wrong[0] = 'B'
	}
	unknownID := "key_01JD3T2Z8Q9X4M5N6P7R8S9T0V"
	for name, bad := range map[string]string{
		"not a key":          "hello",
		"prefix only":        "obk_",
		"no secret":          "obk_" + k.ID,
		"empty secret":       "obk_" + k.ID + "_",
		"id not a ULID":      "obk_key_notaulid_" + secret,
		"id of another type": "obk_cus_" + k.ID[len("key_"):] + "_" + secret,
		"short secret":       "obk_" + k.ID + "_" + secret[:20],
		"secret not base64":  "obk_" + k.ID + "_" + strings.Repeat("!", 43),
		"unknown id":         "obk_" + unknownID + "_" + secret,
		"wrong secret":       "obk_" + k.ID + "_" + string(wrong),
		"long":               "obk_" + k.ID + "_" + strings.Repeat("A", 500),
		"unicode":            "obk_" + k.ID + "_" + strings.Repeat("é", 20) + "AAA",
	} {
		refusedAs(t, name, e.withKey(bad, "", `{ tenant { key } }`, nil), 401, "UNAUTHENTICATED", "API_KEY_INVALID")
	}
	// An empty key is a missing credential; a header over the token bound
	// is refused before anything is read.
	refusedAs(t, "empty", e.Do(testutil.Request{Query: `{ tenant { key } }`,
		Header: http.Header{"Authorization": {"ApiKey "}}}), 401, "UNAUTHENTICATED", "MISSING_TOKEN")
	refusedAs(t, "9 KiB", e.withKey(strings.Repeat("k", 9<<10), "", `{ tenant { key } }`, nil), 401, "UNAUTHENTICATED", "TOKEN_TOO_LARGE")
	// The scheme in any case.
	if r := e.Do(testutil.Request{Query: `{ tenant { key } }`, Header: http.Header{"Authorization": {"APIKEY " + key}}}); len(r.Errors) > 0 {
		t.Errorf("APIKEY scheme: %s", r.Raw)
	}
	time.Sleep(time.Until(*k.ExpiresAt) + 100*time.Millisecond)
	refusedAs(t, "expired", e.withKey(key, "", `{ tenant { key } }`, nil), 401, "UNAUTHENTICATED", "API_KEY_EXPIRED")
	refusedAs(t, "expired, wrong secret", e.withKey("obk_"+k.ID+"_"+string(wrong), "", `{ tenant { key } }`, nil), 401, "UNAUTHENTICATED", "API_KEY_INVALID")
}

// createApiKey's rules: every problem at once, each on its field; no
// scope the creating token lacks (FORBIDDEN SCOPE_NOT_HELD); no platform
// or customer scope, nor apikeys:manage (SCOPE_NOT_ALLOWED); at most
// MaxLiveKeys live keys.
func TestCreateAPIKeyRules(t *testing.T) {
	e := newKeysEnv(t)
	create := func(token string, input map[string]any) *testutil.Response {
		return e.Do(testutil.Request{Token: token, TenantKey: "acme", Query: createAPIKey, Variables: map[string]any{"input": input}})
	}
	problems := func(r *testutil.Response) map[string]string {
		got := map[string]string{}
		for _, err := range r.Errors {
			got[err.Field()] = err.Code() + " " + err.Reason()
		}
		return got
	}
	limited := e.Token([]string{"acme"}, viewer.ScopeAPIKeysManage, viewer.ScopeCustomersRead)
	r := create(limited, map[string]any{"name": " ", "expiresAt": "2020-01-01T00:00:00Z",
		"scopes": []any{viewer.ScopeCustomersRead, viewer.ScopePIIRead, "customers:everything", viewer.ScopeTenantsAdmin, viewer.ScopeCustomerSelf, viewer.ScopeAPIKeysManage}})
	want := map[string]string{
		"name":      "BAD_USER_INPUT REQUIRED",
		"expiresAt": "BAD_USER_INPUT INVALID_RANGE",
		"scopes.1":  "FORBIDDEN SCOPE_NOT_HELD",
		"scopes.2":  "BAD_USER_INPUT INVALID_VALUE",
		"scopes.3":  "BAD_USER_INPUT SCOPE_NOT_ALLOWED",
		"scopes.4":  "BAD_USER_INPUT SCOPE_NOT_ALLOWED",
		"scopes.5":  "BAD_USER_INPUT SCOPE_NOT_ALLOWED",
	}
	if got := problems(r); !reflect.DeepEqual(got, want) {
		t.Errorf("problems %v, want %v (%s)", got, want, r.Raw)
	}
	if got := problems(create(limited, map[string]any{"name": strings.Repeat("n", 101), "scopes": []any{}})); !reflect.DeepEqual(got,
		map[string]string{"name": "BAD_USER_INPUT TOO_LONG", "scopes": "BAD_USER_INPUT REQUIRED"}) {
		t.Errorf("long name, no scopes: %v", got)
	}
	// A platform operator acting in acme holds tenants:admin, and still
	// cannot give it to a key.
	operator := e.Token([]string{viewer.AllTenants}, viewer.ScopeTenantsAdmin, viewer.ScopeAPIKeysManage)
	if got := problems(create(operator, map[string]any{"name": "Ops", "scopes": []any{viewer.ScopeTenantsAdmin}})); got["scopes.0"] != "BAD_USER_INPUT SCOPE_NOT_ALLOWED" {
		t.Errorf("tenants:admin from an operator: %v", got)
	}
	if n := e.Client().APIKey.Query().CountX(e.As(e.tenantID)); n != 0 {
		t.Fatalf("%d keys after the refusals, want none", n)
	}

	// The bound on live keys: revoked and expired ones do not count.
	first, _ := e.createKey(t, map[string]any{"name": "Key 0", "scopes": []any{viewer.ScopeCustomersRead}})
	for i := 1; i < 100; i++ {
		e.createKey(t, map[string]any{"name": fmt.Sprintf("Key %d", i), "scopes": []any{viewer.ScopeCustomersRead}})
	}
	over := create(e.admin, map[string]any{"name": "One too many", "scopes": []any{viewer.ScopeCustomersRead}})
	if len(over.Errors) != 1 || over.Errors[0].Code() != "CONFLICT" || over.Errors[0].Reason() != "TOO_MANY_API_KEYS" {
		t.Fatalf("the 101st key: %s, want CONFLICT TOO_MANY_API_KEYS", over.Raw)
	}
	e.Do(testutil.Request{Token: e.admin, TenantKey: "acme", Query: revokeAPIKey,
		Variables: map[string]any{"id": first.ID}}).Into(t, &struct{}{})
	if r := create(e.admin, map[string]any{"name": "After a revocation", "scopes": []any{viewer.ScopeCustomersRead}}); len(r.Errors) > 0 {
		t.Errorf("a key after revoking one: %s", r.Raw)
	}
}

// No key manages keys: createApiKey refuses apikeys:manage in a key's
// scopes (SCOPE_NOT_ALLOWED, as tenants:admin), so only a token makes,
// lists and revokes keys, and no key can make another that outlives its
// own expiry or revocation. A key stored holding it anyway (a row written
// before the rule) acts without it.
func TestAPIKeyNeverManagesKeys(t *testing.T) {
	e := newKeysEnv(t)
	inAnHour := time.Now().Add(time.Hour).UTC().Format(time.RFC3339)
	r := e.Do(testutil.Request{Token: e.admin, TenantKey: "acme", Query: createAPIKey, Variables: map[string]any{"input": map[string]any{
		"name": "Provisioner", "scopes": []any{viewer.ScopeAPIKeysManage, viewer.ScopeCustomersRead}, "expiresAt": inAnHour}}})
	if len(r.Errors) != 1 || r.Errors[0].Code() != "BAD_USER_INPUT" || r.Errors[0].Reason() != "SCOPE_NOT_ALLOWED" || r.Errors[0].Field() != "scopes.0" {
		t.Fatalf("a key with apikeys:manage: %s, want BAD_USER_INPUT SCOPE_NOT_ALLOWED on scopes.0", r.Raw)
	}
	if n := e.Client().APIKey.Query().CountX(e.As(e.tenantID)); n != 0 {
		t.Fatalf("%d keys after the refusal, want none", n)
	}

	k, key := e.createKey(t, map[string]any{"name": "Provisioner", "scopes": []any{viewer.ScopeCustomersRead}, "expiresAt": inAnHour})
	e.Client().APIKey.UpdateOneID(k.ID).SetScopes([]string{viewer.ScopeAPIKeysManage, viewer.ScopeCustomersRead}).ExecX(e.As(e.tenantID))
	for name, c := range map[string]struct {
		query string
		vars  map[string]any
	}{
		"createApiKey": {createAPIKey, map[string]any{"input": map[string]any{"name": "Forever", "scopes": []any{viewer.ScopeCustomersRead}}}},
		"apiKeys":      {`{ apiKeys(first: 1) { totalCount } }`, nil},
		"revokeApiKey": {revokeAPIKey, map[string]any{"id": k.ID}},
		"node":         {`query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": k.ID}},
	} {
		r := e.withKey(key, "", c.query, c.vars)
		if len(r.Errors) != 1 || r.Errors[0].Code() != "FORBIDDEN" || r.Errors[0].Reason() != "MISSING_SCOPE" {
			t.Errorf("%s with a stored key holding apikeys:manage: %s, want FORBIDDEN MISSING_SCOPE", name, r.Raw)
		}
	}
	if n := e.Client().APIKey.Query().CountX(e.As(e.tenantID)); n != 1 {
		t.Errorf("%d keys, want the stored one only", n)
	}
	if got := e.row(t, k.ID); got.RevokedAt != nil {
		t.Errorf("the key revoked itself: %+v", got)
	}
	// Its other scope still acts.
	if r := e.withKey(key, "", `{ customers(first: 1) { totalCount } }`, nil); r.Status != 200 || len(r.Errors) > 0 {
		t.Errorf("customers:read of the stored key: %d %s", r.Status, r.Raw)
	}
}

// The key is in createApiKey's payload and nowhere else: not in any
// field of apiKeys or node(id:), not in the database (only the SHA-256
// of its secret), not in the logs.
func TestAPIKeyIsShownOnce(t *testing.T) {
	e := newKeysEnv(t)
	k, key := e.createKey(t, map[string]any{"name": "Billing", "scopes": []any{viewer.ScopeCustomersRead}})
	secret := key[len("obk_"+k.ID+"_"):]
	e.withKey(key, "", `{ tenant { key } }`, nil) // a use, logged as any request
	for _, q := range []string{
		`{ apiKeys(first: 10) { totalCount edges { cursor node { ` + apiKeyFields + ` } } } }`,
		`query($id: ID!) { node(id: $id) { id __typename ... on ApiKey { ` + apiKeyFields + ` } } }`,
	} {
		r := e.Do(testutil.Request{Token: e.admin, TenantKey: "acme", Query: q, Variables: map[string]any{"id": k.ID}})
		if len(r.Errors) > 0 || !strings.Contains(r.Raw, k.ID) {
			t.Fatalf("%s: %s", q, r.Raw)
		}
		if strings.Contains(r.Raw, secret) {
			t.Errorf("%s answers the key's secret: %s", q, r.Raw)
		}
	}
	row := e.row(t, k.ID)
	sum := sha256.Sum256([]byte(secret))
	if row.Hash != hex.EncodeToString(sum[:]) {
		t.Errorf("hash %q is not the secret's SHA-256", row.Hash)
	}
	// No column of the row holds the secret (the hash and hint aside, the
	// row's values as the database returns them).
	var dump string
	rows, err := e.DB.SQL.Query(`SELECT name, hint, hash, created_by FROM api_keys`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var name, hint, hash, by string
		if err := rows.Scan(&name, &hint, &hash, &by); err != nil {
			t.Fatal(err)
		}
		dump += name + hint + hash + by
	}
	rows.Close()
	if strings.Contains(dump, secret) || strings.Contains(dump, key) {
		t.Errorf("the database holds the key: %s", dump)
	}
	if logs := e.Logs(); strings.Contains(logs, secret) {
		t.Errorf("the logs hold the key's secret")
	}
	// node(id:) of a key needs apikeys:manage.
	reader := e.Token([]string{"acme"}, viewer.ScopeCustomersRead)
	r := e.Do(testutil.Request{Token: reader, TenantKey: "acme", Query: `query($id: ID!) { node(id: $id) { id } }`,
		Variables: map[string]any{"id": k.ID}})
	if len(r.Errors) != 1 || r.Errors[0].Code() != "FORBIDDEN" || strings.Contains(r.Raw, "Billing") {
		t.Errorf("node of a key with customers:read only: %s, want FORBIDDEN", r.Raw)
	}
}

// Another tenant neither sees nor revokes a key: NOT_FOUND, and its list
// holds only its own keys.
func TestAPIKeyOtherTenant(t *testing.T) {
	e := newKeysEnv(t)
	e.Tenant("rival")
	k, key := e.createKey(t, map[string]any{"name": "Acme only", "scopes": []any{viewer.ScopeCustomersRead}})
	rival := e.Token([]string{"rival"}, viewer.ScopeAPIKeysManage, viewer.ScopeCustomersRead)
	r := e.Do(testutil.Request{Token: rival, TenantKey: "rival", Query: revokeAPIKey, Variables: map[string]any{"id": k.ID}})
	if len(r.Errors) != 1 || r.Errors[0].Code() != "NOT_FOUND" || r.Errors[0].Field() != "id" {
		t.Errorf("rival revokes acme's key: %s, want NOT_FOUND on id", r.Raw)
	}
	r = e.Do(testutil.Request{Token: rival, TenantKey: "rival", Query: `query($id: ID!) { node(id: $id) { id } }`,
		Variables: map[string]any{"id": k.ID}})
	if len(r.Errors) != 1 || r.Errors[0].Code() != "NOT_FOUND" {
		t.Errorf("rival reads acme's key: %s, want NOT_FOUND", r.Raw)
	}
	r = e.Do(testutil.Request{Token: rival, TenantKey: "rival", Query: `{ apiKeys(first: 10) { totalCount edges { node { id name } } } }`})
	if len(r.Errors) > 0 || strings.Contains(r.Raw, k.ID) || strings.Contains(r.Raw, "Acme only") || !strings.Contains(r.Raw, `"totalCount":0`) {
		t.Errorf("rival's apiKeys: %s", r.Raw)
	}
	if e.row(t, k.ID).RevokedAt != nil {
		t.Error("rival revoked acme's key")
	}
	if r := e.withKey(key, "", `{ tenant { key } }`, nil); len(r.Errors) > 0 {
		t.Errorf("the key after rival's attempt: %s", r.Raw)
	}
}

// AuthenticateRequest, the compat routes' entry point: a Bearer JWT with
// X-Tenant-ID as on /graphql, or a key as Authorization: ApiKey, x-api-key
// or apiKey (in any case); one credential per request; X-Tenant-ID, when
// sent with a key, the key's tenant.
func TestAuthenticateRequest(t *testing.T) {
	e := newKeysEnv(t)
	e.Tenant("rival")
	k, key := e.createKey(t, map[string]any{"name": "Compat", "scopes": []any{viewer.ScopeCustomersRegister}})
	jwt := e.Token([]string{"acme"}, viewer.ScopeCustomersRegister)
	request := func(headers ...string) *http.Request {
		r := httptest.NewRequest(http.MethodPost, "/compat/x", nil)
		for i := 0; i+1 < len(headers); i += 2 {
			r.Header.Add(headers[i], headers[i+1])
		}
		return r
	}
	for name, headers := range map[string][]string{
		"Authorization: ApiKey": {"Authorization", "ApiKey " + key},
		"x-api-key":             {"x-api-key", key},
		"X-API-KEY":             {"X-API-KEY", key},
		"apiKey":                {"apiKey", key},
		"APIKEY":                {"APIKEY", key},
		"x-api-key + tenant":    {"x-api-key", key, "X-Tenant-ID", "acme"},
	} {
		v, failure := e.Auth.AuthenticateRequest(request(headers...))
		if failure != nil {
			t.Errorf("%s: %v", name, failure)
			continue
		}
		if v.Subject != "apikey:"+k.ID || v.TenantID != e.tenantID || v.TenantKey != "acme" ||
			!reflect.DeepEqual(v.Scopes, []string{viewer.ScopeCustomersRegister}) || !v.Grants("acme") || v.Grants("rival") || v.ExpiresAt.IsZero() {
			t.Errorf("%s: viewer %+v", name, v)
		}
	}
	v, failure := e.Auth.AuthenticateRequest(request("Authorization", "Bearer "+jwt, "X-Tenant-ID", "acme"))
	if failure != nil || v.Subject != "test" || v.TenantID != e.tenantID {
		t.Errorf("Bearer: %+v %v", v, failure)
	}
	for name, c := range map[string]struct {
		headers      []string
		code, reason string
	}{
		"no credential":         {nil, "UNAUTHENTICATED", "MISSING_TOKEN"},
		"key and JWT":           {[]string{"Authorization", "Bearer " + jwt, "x-api-key", key}, "UNAUTHENTICATED", "INVALID_TOKEN"},
		"two key headers":       {[]string{"x-api-key", key, "apiKey", key}, "UNAUTHENTICATED", "INVALID_TOKEN"},
		"x-api-key twice":       {[]string{"x-api-key", key, "X-Api-Key", key}, "UNAUTHENTICATED", "INVALID_TOKEN"},
		"another tenant":        {[]string{"x-api-key", key, "X-Tenant-ID", "rival"}, "FORBIDDEN", "TENANT_NOT_GRANTED"},
		"malformed key":         {[]string{"apiKey", "obk_key_x_y"}, "UNAUTHENTICATED", "API_KEY_INVALID"},
		"empty key":             {[]string{"x-api-key", " "}, "UNAUTHENTICATED", "MISSING_TOKEN"},
		"huge key":              {[]string{"x-api-key", strings.Repeat("k", 9<<10)}, "UNAUTHENTICATED", "TOKEN_TOO_LARGE"},
		"JWT of another tenant": {[]string{"Authorization", "Bearer " + jwt, "X-Tenant-ID", "rival"}, "FORBIDDEN", "TENANT_NOT_GRANTED"},
	} {
		v, failure := e.Auth.AuthenticateRequest(request(c.headers...))
		if failure == nil || string(failure.Code) != c.code || string(failure.Reason) != c.reason {
			t.Errorf("%s: %+v %v, want %s %s", name, v, failure, c.code, c.reason)
		}
	}
	// Revoked: refused on every header.
	e.Do(testutil.Request{Token: e.admin, TenantKey: "acme", Query: revokeAPIKey, Variables: map[string]any{"id": k.ID}}).Into(t, &struct{}{})
	for _, h := range []string{"x-api-key", "apiKey"} {
		if _, failure := e.Auth.AuthenticateRequest(request(h, key)); failure == nil || string(failure.Reason) != "API_KEY_REVOKED" {
			t.Errorf("%s after revocation: %v", h, failure)
		}
	}
	if n := e.Client().APIKey.Query().Where(apikey.RevokedAtNotNil()).CountX(e.As(e.tenantID)); n != 1 {
		t.Errorf("%d revoked keys, want 1", n)
	}
}
