package viewer

import (
	"slices"
	"testing"
)

// TestActsFor: a platform token acts for any customer with the platform
// scope, never with customer:self alone; a session acts for its own
// customer only, whatever platform scope it is asked about.
func TestActsFor(t *testing.T) {
	platform := &Viewer{Scopes: []string{ScopeCustomersManage}}
	selfOnly := &Viewer{Scopes: []string{ScopeCustomerSelf}} // no customer named
	session := &Viewer{Scopes: []string{ScopeCustomerSelf}, CustomerID: "cus_a"}
	for _, tc := range []struct {
		name     string
		v        *Viewer
		customer string
		want     bool
	}{
		{"platform scope", platform, "cus_a", true},
		{"customer:self without a customer", selfOnly, "cus_a", false},
		{"session, own customer", session, "cus_a", true},
		{"session, another customer", session, "cus_b", false},
		{"nil", nil, "cus_a", false},
	} {
		if got := tc.v.ActsFor(tc.customer, ScopeCustomersManage); got != tc.want {
			t.Errorf("%s: ActsFor = %v, want %v", tc.name, got, tc.want)
		}
	}
}

// TestAllScopesLeaveOutCustomerSelf: the scopes a platform token is minted
// with never include a customer session's.
func TestAllScopesLeaveOutCustomerSelf(t *testing.T) {
	all := AllScopes()
	if slices.Contains(all, ScopeCustomerSelf) || len(all) != len(Scopes)-1 {
		t.Errorf("AllScopes = %v", all)
	}
}
