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
	token := env.Token([]string{"newco"}, viewer.ScopeCustomersRead)
	read := func() (*testutil.Response, []string) {
		var resp *testutil.Response
		_, stmts := counter.Measure(func() {
			resp = env.Do(testutil.Request{Token: token, TenantKey: "newco", Query: `{ tenant { id key } }`})
		})
		return resp, stmts
	}

	missing, _ := read()
	if missing.Status != http.StatusForbidden || len(missing.Errors) != 1 || missing.Errors[0].Reason() != "UNKNOWN_TENANT" {
		t.Fatalf("unknown tenant: %d %s", missing.Status, missing.Raw)
	}
	op := env.Token([]string{viewer.AllTenants}, viewer.ScopeTenantsAdmin)
	var created struct {
		CreateTenant struct{ Tenant struct{ ID string } }
	}
	env.Do(testutil.Request{Token: op, Query: `mutation { createTenant(input: {key: "newco", name: "Newco"}) { tenant { id } } }`}).
		Into(t, &created)

	var data struct{ Tenant struct{ ID, Key string } }
	found, stmts := read()
	found.Into(t, &data)
	if data.Tenant.ID != created.CreateTenant.Tenant.ID || tenantLookups(stmts) != 1 {
		t.Fatalf("the tenant created after a miss: %s, %d look-ups of the key", found.Raw, tenantLookups(stmts))
	}
	for range 3 {
		again, stmts := read()
		again.Into(t, &data)
		if data.Tenant.ID != created.CreateTenant.Tenant.ID || data.Tenant.Key != "newco" {
			t.Fatalf("tenant %+v, want newco %s", data.Tenant, created.CreateTenant.Tenant.ID)
		}
		if n := tenantLookups(stmts); n != 0 {
			t.Fatalf("a later request looked the key up %d times:\n%s", n, statementSummary(stmts))
		}
	}
}
