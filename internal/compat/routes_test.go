package compat_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"onboard/ent/privacy"
	"onboard/internal/compat"
	"onboard/internal/testutil"
)

// What the routes do besides a first registration: the headers FinHub's
// clients send, retries, possible duplicates, PCXPay's fields its seed does
// not carry, and the methods.

// TestFinHubHeadersAndRetries: X-Tenant-ID, deviceId and platform are
// FinHub's header names; the device and platform are stored as the
// registration context, and an Idempotency-Key retry answers the first
// result (200) without registering again.
func TestFinHubHeadersAndRetries(t *testing.T) {
	e := newCompatEnv(t)
	headers := append(e.bearer(e.token), "deviceId", "device-7f3a", "platform", "ios", "Idempotency-Key", "signup-0001")
	first := e.post(t, compat.PathFinHubIndividual, seed(t, "finhub-individual.json"), headers...)
	if first.Status != http.StatusCreated {
		t.Fatalf("status %d: %s", first.Status, first.Raw)
	}
	again := e.post(t, compat.PathFinHubIndividual, seed(t, "finhub-individual.json"), headers...)
	if again.Status != http.StatusOK || dig(again.Body, "data.id", nil) != dig(first.Body, "data.id", nil) ||
		dig(again.Body, "data.idempotentReplay", nil) != true || !same(again.Body["code"], 200) {
		t.Errorf("the retry answered %d: %s", again.Status, again.Raw)
	}
	resp := e.Do(testutil.Request{Token: e.token, TenantKey: tenantKey,
		Query:     `query($id: ID!) { node(id: $id) { ... on Customer { registrationDeviceID registrationPlatform registeredBy } } }`,
		Variables: map[string]any{"id": dig(first.Body, "data.id", nil)}})
	var out struct {
		Node struct{ RegistrationDeviceID, RegistrationPlatform, RegisteredBy string }
	}
	resp.Into(t, &out)
	if out.Node.RegistrationDeviceID != "device-7f3a" || out.Node.RegistrationPlatform != "ios" || out.Node.RegisteredBy != "test" {
		t.Errorf("registration context %+v", out.Node)
	}
}

// TestPossibleDuplicatesInTheAnswers: under the tenant's FLAG policy (the
// default) a registration that looks like an existing customer registers,
// and its answer names the existing one.
func TestPossibleDuplicatesInTheAnswers(t *testing.T) {
	for _, c := range []struct {
		path, file, list string
		second           func(m map[string]any)
		customerID       func(a answer) string
	}{
		{compat.PathCryptomate, "cryptomate-individual.json", "possible_duplicates", func(map[string]any) {},
			func(a answer) string { s, _ := a.Body["id"].(string); return s }},
		{compat.PathWallets, "wallets-person.json", "data.possibleDuplicates", func(m map[string]any) { m["tenantUserId"] = "another_user_id" },
			func(a answer) string { s, _ := dig(a.Body, "data.id", nil).(string); return s }},
		{compat.PathFinHubIndividual, "finhub-individual.json", "data.possibleDuplicates", func(m map[string]any) {
			for _, p := range []string{"email", "individualCustomer.user.email", "individualCustomer.user.username"} {
				setPath(t, m, p, "marcus.jensen+2@example.com", false)
			}
		}, finhubID},
	} {
		t.Run(c.file, func(t *testing.T) {
			e := newCompatEnv(t)
			e.setDefaultCountry(t, "NG")
			creds := e.credentials(t, c.path, false)
			first := e.post(t, c.path, seed(t, c.file), creds...)
			if first.Status != http.StatusCreated {
				t.Fatalf("status %d: %s", first.Status, first.Raw)
			}
			if d, _ := dig(first.Body, c.list, nil).([]any); d == nil || len(d) != 0 {
				t.Errorf("the first registration's %s = %v, want []", c.list, dig(first.Body, c.list, nil))
			}
			var m map[string]any
			if err := json.Unmarshal(seed(t, c.file), &m); err != nil {
				t.Fatal(err)
			}
			c.second(m)
			body, _ := json.Marshal(m)
			second := e.post(t, c.path, body, creds...)
			if second.Status != http.StatusCreated {
				t.Fatalf("status %d: %s", second.Status, second.Raw)
			}
			dups, _ := dig(second.Body, c.list, nil).([]any)
			if len(dups) == 0 {
				t.Fatalf("no possible duplicates: %s", second.Raw)
			}
			for _, d := range dups {
				id, _ := dig(d, "customerId", nil).(string)
				if id == "" {
					id, _ = dig(d, "customer_id", nil).(string)
				}
				if id != c.customerID(first) || dig(d, "rule", nil) == "" {
					t.Errorf("possible duplicate %v, want the first customer %s with its rule", d, c.customerID(first))
				}
			}
		})
	}
}

// TestPossibleDuplicatesNeedCustomersRead: a client that may only register
// learns no possible duplicates from the answers (they name other
// customers), as GraphQL's possibleDuplicates needs customers:read.
func TestPossibleDuplicatesNeedCustomersRead(t *testing.T) {
	e := newCompatEnv(t)
	e.setDefaultCountry(t, "NG")
	creds := []string{"apiKey", e.apiKey(t, "customers:register")}
	if first := e.post(t, compat.PathWallets, seed(t, "wallets-person.json"), creds...); first.Status != http.StatusCreated {
		t.Fatalf("status %d: %s", first.Status, first.Raw)
	}
	var m map[string]any
	if err := json.Unmarshal(seed(t, "wallets-person.json"), &m); err != nil {
		t.Fatal(err)
	}
	m["tenantUserId"] = "another_user_id"
	body, _ := json.Marshal(m)
	second := e.post(t, compat.PathWallets, body, creds...)
	if second.Status != http.StatusCreated {
		t.Fatalf("status %d: %s", second.Status, second.Raw)
	}
	if d, ok := dig(second.Body, "data.possibleDuplicates", nil).([]any); !ok || len(d) != 0 {
		t.Errorf("data.possibleDuplicates = %v for a register-only key, want []", dig(second.Body, "data.possibleDuplicates", nil))
	}
	// The duplicate is still recorded, for the back office to see.
	n, err := e.Client().PossibleDuplicate.Query().Count(privacy.DecisionContext(context.Background(), privacy.Allow))
	if err != nil || n == 0 {
		t.Errorf("possible duplicates recorded: %d, %v; want some", n, err)
	}
}

// TestPCXPayOrganizationByIDAndWho: PCXPay's org_id puts the user into an
// existing organization (the organization customer's id, as its answers
// give it in user.org_id), with org_member_role; invited_by_user_id and
// created_by are the customer's invitedBy and createdBy.
func TestPCXPayOrganizationByIDAndWho(t *testing.T) {
	e := newCompatEnv(t)
	creds := e.credentials(t, compat.PathPCXPay, false)
	first := e.post(t, compat.PathPCXPay, seed(t, "pcxpay-user.json"), creds...)
	orgID, _ := dig(first.Body, "user.org_id", nil).(string)
	if first.Status != http.StatusCreated || !strings.HasPrefix(orgID, "cus_") {
		t.Fatalf("status %d: %s", first.Status, first.Raw)
	}
	body := `{"email": "ajones@example.com", "fname": "Alex", "lname": "Jones", "password": "SecurePass123!",
		"date_of_birth": "1985-06-01", "role": "business", "type": "user", "org_id": "` + orgID + `", "org_member_role": "member",
		"phone_number": "+14155550199", "address": "2 Market St, San Francisco, CA 94105", "country": "US",
		"invited_by_user_id": "usr-42", "created_by": "admin-7"}`
	second := e.post(t, compat.PathPCXPay, []byte(body), creds...)
	if second.Status != http.StatusCreated {
		t.Fatalf("status %d: %s", second.Status, second.Raw)
	}
	expect(t, second, map[string]any{"user.org_id": orgID, "user.org_name": "Smith Trading", "user.org_member_role": "member",
		"user.invited_by_user_id": "usr-42", "user.created_by": "admin-7", "user.role": "business"})
	c := e.read(t, dig(second.Body, "user.customer_id", nil).(string))
	for path, want := range map[string]any{
		"person.employments[0].organization.customer.id": orgID,
		"person.employments[0].memberRole":               "MEMBER",
		"invitedBy":                                      "usr-42",
		"createdBy":                                      "admin-7",
		"segment":                                        "business",
	} {
		if !found(c, path, nil, want) {
			t.Errorf("%s = %v, want %v", path, dig(c, path, nil), want)
		}
	}
	// An organization the tenant does not have is the body's org_id.
	body = strings.Replace(body, orgID, "cus_01M8T5KMA50193W2WWTXSP62VK", 1)
	body = strings.Replace(body, "ajones@", "bjones@", 1)
	if a := e.post(t, compat.PathPCXPay, []byte(body), creds...); a.Status != http.StatusBadRequest ||
		dig(a.Body, "errors[0].field", nil) != "org_id" {
		t.Errorf("an unknown org_id answered %d: %s", a.Status, a.Raw)
	}
}

// TestRoutesTakePOSTOnly: another method is 405 with Allow: POST, in the
// route's shape.
func TestRoutesTakePOSTOnly(t *testing.T) {
	e := newCompatEnv(t)
	for _, path := range []string{compat.PathFinHubIndividual, compat.PathFinHubOrganization, compat.PathCryptomate, compat.PathWallets, compat.PathPCXPay} {
		for _, method := range []string{http.MethodGet, http.MethodPut, http.MethodDelete} {
			r, _ := http.NewRequest(method, path, nil)
			w := newRecorder()
			e.Handler.ServeHTTP(w, r)
			if w.Code != http.StatusMethodNotAllowed || w.Header().Get("Allow") != "POST" || !strings.Contains(w.Body.String(), "METHOD_NOT_ALLOWED") {
				t.Errorf("%s %s: %d %q %s", method, path, w.Code, w.Header().Get("Allow"), w.Body.String())
			}
		}
	}
}
