package compat_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"onboard/ent/privacy"
	"onboard/ent/tenant"
	"onboard/internal/compat"
)

// seedCase is one seed body, its route and what its answer looks like.
type seedCase struct {
	file  string
	path  string
	homes []home
	// manager: the body grants a role only a back office may
	// (finhub-organization-employees.json's TRANSACTION_APPROVER).
	manager bool
	// defaultCountry is the tenant's, when the body needs one.
	defaultCountry string
	// customerID finds the customer's id in the answer; shape checks the
	// rest of the answer.
	customerID func(a answer) string
	shape      func(t *testing.T, a answer)
}

func finhubID(a answer) string { s, _ := dig(a.Body, "data.id", nil).(string); return s }

var seedCases = []seedCase{
	{file: "finhub-individual.json", path: compat.PathFinHubIndividual, homes: finhubIndividualHomes,
		customerID: finhubID, shape: finhubIndividualShape},
	{file: "finhub-organization.json", path: compat.PathFinHubOrganization, homes: organizationHomes,
		customerID: finhubID, shape: finhubOrganizationShape},
	{file: "finhub-organization-categorized.json", path: compat.PathFinHubOrganization, homes: organizationHomes,
		customerID: finhubID, shape: finhubOrganizationShape},
	{file: "finhub-organization-employees.json", path: compat.PathFinHubOrganization, homes: organizationHomes,
		manager: true, customerID: finhubID, shape: finhubOrganizationShape},
	{file: "cryptomate-individual.json", path: compat.PathCryptomate, homes: cryptomateHomes,
		customerID: func(a answer) string { s, _ := a.Body["id"].(string); return s }, shape: cryptomateShape},
	{file: "wallets-person.json", path: compat.PathWallets, homes: walletsHomes, defaultCountry: "NG",
		customerID: func(a answer) string { s, _ := dig(a.Body, "data.id", nil).(string); return s }, shape: walletsShape},
	{file: "pcxpay-user.json", path: compat.PathPCXPay, homes: pcxpayHomes,
		customerID: func(a answer) string { s, _ := dig(a.Body, "user.customer_id", nil).(string); return s }, shape: pcxpayShape},
}

// TestSeedBodiesRegisterUnchanged sends each seed body, byte for byte, to
// its drop-in route, checks the answer's status and shape, reads the
// customer back through GraphQL and finds every field of the body where
// the table says it lives.
func TestSeedBodiesRegisterUnchanged(t *testing.T) {
	for _, c := range seedCases {
		t.Run(c.file, func(t *testing.T) {
			body := seed(t, c.file)
			var decoded any
			if err := json.Unmarshal(body, &decoded); err != nil {
				t.Fatal(err)
			}
			checkTableCoversBody(t, c.homes, decoded)

			e := newCompatEnv(t)
			if c.defaultCountry != "" {
				e.setDefaultCountry(t, c.defaultCountry)
			}
			a := e.post(t, c.path, body, e.credentials(t, c.path, c.manager)...)
			if a.Status != http.StatusCreated {
				t.Fatalf("status %d, want 201: %s", a.Status, a.Raw)
			}
			if ct := a.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
				t.Errorf("Content-Type %q", ct)
			}
			c.shape(t, a)
			id := c.customerID(a)
			if !strings.HasPrefix(id, "cus_") {
				t.Fatalf("no customer id in the answer: %s", a.Raw)
			}
			checkHomes(t, c.homes, &readBack{env: e, body: decoded, customer: e.read(t, id)})
		})
	}
}

// setDefaultCountry sets the tenant's defaultCountry.
func (e *compatEnv) setDefaultCountry(t *testing.T, country string) {
	t.Helper()
	ctx := privacy.DecisionContext(context.Background(), privacy.Allow)
	if err := e.Client().Tenant.UpdateOneID(e.tenantID).SetDefaultCountry(country).Exec(ctx); err != nil {
		t.Fatal(err)
	}
}

// credentials are the headers a client of the route's system sends:
// FinHub a bearer token with X-Tenant-ID, Cryptomate an x-api-key, the
// wallet platform an apiKey, PCXPay Authorization: ApiKey; the keys carry
// their tenant, so they send no X-Tenant-ID.
func (e *compatEnv) credentials(t testing.TB, path string, manager bool) []string {
	scopes := []string{"customers:register", "customers:read", "pii:read"}
	switch path {
	case compat.PathCryptomate:
		return []string{"x-api-key", e.apiKey(t, scopes...)}
	case compat.PathWallets:
		return []string{"apiKey", e.apiKey(t, scopes...)}
	case compat.PathPCXPay:
		return []string{"Authorization", "ApiKey " + e.apiKey(t, scopes...)}
	}
	if manager {
		return e.bearer(e.manager)
	}
	return e.bearer(e.token)
}

// expect checks the answer's values at paths.
func expect(t *testing.T, a answer, want map[string]any) {
	t.Helper()
	for path, v := range want {
		got := dig(a.Body, path, nil)
		if s, ok := v.(string); ok && strings.HasSuffix(s, "…") {
			if g, _ := got.(string); !strings.HasPrefix(g, strings.TrimSuffix(s, "…")) {
				t.Errorf("%s = %v, want %s", path, got, s)
			}
			continue
		}
		if !same(got, v) {
			t.Errorf("%s = %v, want %v (%s)", path, got, v, a.Raw)
		}
	}
}

func finhubIndividualShape(t *testing.T, a answer) {
	expect(t, a, map[string]any{"code": 201.0, "message": "Customer registered successfully",
		"data.id": "cus_…", "data.userId": "usr_…", "data.personId": "per_…", "data.status": "REGISTRATION_COMPLETE"})
}

func finhubOrganizationShape(t *testing.T, a answer) {
	expect(t, a, map[string]any{"code": 201.0, "message": compat.OrganizationRegistered,
		"data.id": "cus_…", "data.organizationId": "org_…", "data.tenantId": tenantKey, "data.email": "admin@acmecorp…",
		"data.status": "REGISTRATION_COMPLETE", "data.message": compat.OrganizationRegistered})
	for _, list := range []string{"directors", "shareholders", "employees", "adminEmployees"} {
		if _, ok := dig(a.Body, "data."+list, nil).([]any); !ok {
			t.Errorf("data.%s is not a list: %s", list, a.Raw)
		}
	}
	if n, _ := dig(a.Body, "data.directors", nil).([]any); len(n) == 0 {
		t.Errorf("no directors: %s", a.Raw)
	}
}

func cryptomateShape(t *testing.T, a answer) {
	expect(t, a, map[string]any{"id": "cus_…", "first_name": "Maria", "second_name": "Julia", "last_name": "Barber",
		"email": "mjuliabarber@example.com", "birth_date": "1984-11-21",
		"address.street_line1": "Florida 9860", "address.city": "Del Viso", "address.postal_code": "1669",
		"address.state": "Buenos Aires", "address.state_code": "ARG-B", "address.country": "Argentina", "address.country_code": "ARG",
		"phone_country_code": 54.0, "phone_number": 1168860622.0, "created_at": "20…"})
}

func walletsShape(t *testing.T, a answer) {
	expect(t, a, map[string]any{"status": "success", "statusCode": 201.0, "message": "Person created successfully",
		"data.id": "cus_…", "data.tenantUserId": "unique_user_id", "data.email": "john.doe@example.com",
		"data.address.addressLine1": "123 Main St", "data.address.state": "California", "data.identificationNumber": "ABC123XYZ",
		"data.userTag": "VIP", "data.dateOfBirth": "1990-01-15T00:00:00.000Z", "data.gender": "MALE"})
	if errs, ok := a.Body["errors"].([]any); !ok || len(errs) != 0 {
		t.Errorf("errors = %v, want []", a.Body["errors"])
	}
}

func pcxpayShape(t *testing.T, a answer) {
	expect(t, a, map[string]any{"message": "User registered successfully", "requires_confirmation": true,
		"user.id": "usr_…", "user.customer_id": "cus_…", "user.email": "jsmith@example.com", "user.fname": "Jane", "user.lname": "Smith",
		"user.role": "retail", "user.type": "user", "user.org_name": "Smith Trading", "user.org_id": "cus_…", "user.org_member_role": "owner",
		"user.phone_number": "+14155550123", "user.address": "1 Market St, San Francisco, CA 94105", "user.country": "US",
		"user.id_type": "passport", "user.id_number": "X1234567", "user.additional_id_type": "drivers_license"})
}

// setDuplicatePolicy sets the tenant's duplicatePolicy (FLAG or REJECT).
func (e *compatEnv) setDuplicatePolicy(t *testing.T, policy string) {
	t.Helper()
	ctx := privacy.DecisionContext(context.Background(), privacy.Allow)
	if err := e.Client().Tenant.UpdateOneID(e.tenantID).SetDuplicatePolicy(tenant.DuplicatePolicy(policy)).Exec(ctx); err != nil {
		t.Fatal(err)
	}
}
