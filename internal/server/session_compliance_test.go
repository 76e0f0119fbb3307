package server_test

import (
	"strings"
	"testing"

	"onboard/internal/sessions"
	"onboard/internal/testutil"
	"onboard/internal/viewer"
)

// TestCustomerSessionReadsNoComplianceData: a customer session must not
// learn what the back office holds about it (AML tipping-off): its me
// cannot read history nor verifications (FORBIDDEN MISSING_SCOPE naming
// customers:read, as for any token without it), its requirements list
// only what the customer itself answers (consents and documents, no
// verification), and it cannot export (exportPersonalData is the
// platform's, which applies the AML exemptions to an access request).
func TestCustomerSessionReadsNoComplianceData(t *testing.T) {
	e := newSessionEnv(t, sessions.Limits{})
	token := e.session(t)
	session := func(query string, vars map[string]any) *testutil.Response {
		return e.Do(testutil.Request{Token: token, TenantKey: "acme", Query: query, Variables: vars})
	}
	missingScope := func(what string, r *testutil.Response, scope string) {
		t.Helper()
		if len(r.Errors) != 1 || r.Errors[0].Code() != "FORBIDDEN" || r.Errors[0].Reason() != "MISSING_SCOPE" ||
			!strings.Contains(r.Raw, scope) {
			t.Errorf("%s: want FORBIDDEN MISSING_SCOPE naming %s, got %s", what, scope, r.Raw)
		}
	}
	missingScope("me.history", session(`{ me { id history(first: 10) { edges { node { type note reason actor } } } } }`, nil), viewer.ScopeCustomersRead)
	missingScope("me.verifications", session(`{ me { id verifications { kind outcome provider reference } } }`, nil), viewer.ScopeCustomersRead)
	missingScope("exportPersonalData", session(`query($id: ID!) { exportPersonalData(customerId: $id) }`, map[string]any{"id": e.customerID}), viewer.ScopeCustomersManage)

	const requirements = `query($id: ID!) { node(id: $id) { ... on Customer { requirements { currentlyDue { code } eventuallyDue { code } pendingVerification { code } errors { code } } } } }`
	type list []struct{ Code string }
	type reqs struct{ CurrentlyDue, EventuallyDue, PendingVerification, Errors list }
	codes := func(r reqs) []string {
		var out []string
		for _, l := range []list{r.CurrentlyDue, r.EventuallyDue, r.PendingVerification, r.Errors} {
			for _, x := range l {
				out = append(out, x.Code)
			}
		}
		return out
	}
	// The platform sees the verification due (so the filter below has
	// something to leave out) ...
	var platform struct{ Node struct{ Requirements reqs } }
	e.Do(testutil.Request{Token: e.manager, TenantKey: "acme", Query: requirements, Variables: map[string]any{"id": e.customerID}}).Into(t, &platform)
	all := codes(platform.Node.Requirements)
	if !strings.Contains(strings.Join(all, " "), "verification.") || !strings.Contains(strings.Join(all, " "), "consent.") {
		t.Fatalf("the platform's requirements %v hold no verification or no consent: the check below would see nothing", all)
	}
	// ... the session only the consents and documents.
	var mine struct{ Me struct{ Requirements reqs } }
	session(`{ me { requirements { currentlyDue { code } eventuallyDue { code } pendingVerification { code } errors { code } } } }`, nil).Into(t, &mine)
	got := codes(mine.Me.Requirements)
	var wantCodes []string
	for _, c := range all {
		if strings.HasPrefix(c, "consent.") || strings.HasPrefix(c, "document.") {
			wantCodes = append(wantCodes, c)
		}
	}
	want(t, "the session's requirements", got, wantCodes)
}
