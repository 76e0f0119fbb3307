package server_test

import (
	"net/http"
	"regexp"
	"testing"

	"onboard/internal/testutil"
	"onboard/internal/viewer"
)

// tenantKeyLookup matches the statement that resolves an X-Tenant-ID key,
// in either database's quoting.
var tenantKeyLookup = regexp.MustCompile("FROM [`\"]tenants[`\"] WHERE [`\"]tenants[`\"].[`\"]key[`\"] =")

// tenantLookups counts the statements that resolve an X-Tenant-ID key.
func tenantLookups(stmts []string) int {
	n := 0
	for _, s := range stmts {
		if tenantKeyLookup.MatchString(s) {
			n++
		}
	}
	return n
}

// TestTenantKeyIsResolvedOncePerProcess: the tenant look-up was a
// statement on every request; a key is immutable and tenants are never
// deleted, so after the first request the key comes from memory. A key
// that named no tenant is not remembered: createTenant may make it a
// moment later, and the next request must find it.
func TestTenantKeyIsResolvedOncePerProcess(t *testing.T) {
	counter := &sqlCounter{}
	env := testutil.NewWith(t, testutil.Options{WrapDriver: counter.Wrap})
	acmeID := env.Tenant("acme")
	token := env.Token([]string{"acme", "newco"}, viewer.ScopeCustomersRead)
	read := func(key string) (*testutil.Response, []string) {
		var resp *testutil.Response
		_, stmts := counter.Measure(func() {
			resp = env.Do(testutil.Request{Token: token, TenantKey: key, Query: `{ tenant { id key } }`})
		})
		return resp, stmts
	}
	var data struct{ Tenant struct{ ID, Key string } }

	first, stmts := read("acme")
	first.Into(t, &data)
	if data.Tenant.Key != "acme" || tenantLookups(stmts) != 1 {
		t.Fatalf("first request: tenant %+v, %d look-ups of the key: %s", data.Tenant, tenantLookups(stmts), statementSummary(stmts))
	}
	for range 3 {
		again, stmts := read("acme")
		again.Into(t, &data)
		if data.Tenant.Key != "acme" {
			t.Fatalf("tenant %+v, want acme", data.Tenant)
		}
		if n := tenantLookups(stmts); n != 0 {
			t.Fatalf("a later request looked the key up %d times:\n%s", n, statementSummary(stmts))
		}
	}
	if data.Tenant.ID != acmeID {
		t.Fatalf("tenant id %s, want %s", data.Tenant.ID, acmeID)
	}

	missing, _ := read("newco")
	if missing.Status != http.StatusForbidden || len(missing.Errors) != 1 || missing.Errors[0].Reason() != "UNKNOWN_TENANT" {
		t.Fatalf("unknown tenant: %d %s", missing.Status, missing.Raw)
	}
	op := env.Token([]string{viewer.AllTenants}, viewer.ScopeTenantsAdmin)
	created := env.Do(testutil.Request{Token: op, Query: `mutation { createTenant(input: {key: "newco", name: "Newco"}) { tenant { id } } }`})
	created.Into(t, &struct{}{})
	found, stmts := read("newco")
	found.Into(t, &data)
	if data.Tenant.Key != "newco" || tenantLookups(stmts) != 1 {
		t.Fatalf("the tenant created after a miss: %d %s (%d look-ups)", found.Status, found.Raw, tenantLookups(stmts))
	}
}
