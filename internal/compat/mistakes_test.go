package compat_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"
	"testing"

	"onboard/internal/compat"
)

// The seed bodies with each kind of mistake answer in their system's error
// shape, with the right status, every problem listed with the system's own
// field names.

// mistake is one wrong request: the seed body edited (or replaced by raw
// bytes), or sent with other credentials.
type mistake struct {
	name string
	// set and del edit the decoded body: paths "a.b[0].c" to values, and
	// paths to remove.
	set map[string]any
	del []string
	// raw, when set, is sent instead of the body.
	raw string
	// contentType, when set, replaces application/json.
	contentType string
	// credentials, when set, replaces the system's own.
	credentials func(t *testing.T, e *compatEnv) []string
	// twice sends the unchanged body first (a conflict).
	twice bool
	// setup prepares the tenant.
	setup func(t *testing.T, e *compatEnv)
	// status and problems ("field REASON", field "" for the request) are
	// the answer's; the problems are compared as a set, all of them.
	status   int
	problems []string
}

// route is one drop-in route with its seed and how to read its errors.
type route struct {
	path, seed string
	// defaultCountry is the tenant's, when the seed needs one.
	defaultCountry string
	// problems reads the answer's problems, checking the shape around
	// them.
	problems func(t *testing.T, a answer) []string
	mistakes []mistake
}

// Credentials every route refuses the same way.
func badKey(t *testing.T, e *compatEnv) []string {
	return []string{"x-api-key", "obk_01M8T5S43JGR16NEW4BJ59JMMT_notthesecret"}
}

func garbageToken(t *testing.T, e *compatEnv) []string {
	return []string{"Authorization", "Bearer not.a.token", "X-Tenant-ID", tenantKey}
}

// otherTenant sends a key of this tenant naming another one.
func otherTenant(t *testing.T, e *compatEnv) []string {
	e.Tenant("other")
	return []string{"apiKey", e.apiKey(t, "customers:register", "customers:read", "pii:read"), "X-Tenant-ID", "other"}
}

// withoutScope sends a key that may read but not register.
func withoutScope(t *testing.T, e *compatEnv) []string {
	return []string{"x-api-key", e.apiKey(t, "customers:read")}
}

// common are the mistakes of the request rather than the body, which
// every route answers alike.
func common(first string) []mistake {
	return []mistake{
		{name: "malformed JSON", raw: `{"` + first + `": "x",`, status: 400, problems: []string{" INVALID_JSON"}},
		{name: "not an object", raw: `["` + first + `"]`, status: 400, problems: []string{" INVALID_JSON"}},
		{name: "empty body", raw: ` `, status: 400, problems: []string{" INVALID_JSON"}},
		{name: "too large", raw: `{"` + first + `": "` + strings.Repeat("x", 1<<20) + `"}`, status: 413, problems: []string{" BODY_TOO_LARGE"}},
		{name: "wrong content type", contentType: "text/plain", status: 415, problems: []string{" UNSUPPORTED_MEDIA_TYPE"}},
		{name: "bad key", credentials: badKey, status: 401, problems: []string{" API_KEY_INVALID"}},
		{name: "bad token", credentials: garbageToken, status: 401, problems: []string{" INVALID_TOKEN"}},
		{name: "no credentials", credentials: func(*testing.T, *compatEnv) []string { return nil }, status: 401, problems: []string{" MISSING_TOKEN"}},
		{name: "wrong tenant", credentials: otherTenant, status: 403, problems: []string{" TENANT_NOT_GRANTED"}},
		{name: "no scope", credentials: withoutScope, status: 403, problems: []string{" MISSING_SCOPE"}},
	}
}

var routes = []route{
	{path: compat.PathFinHubIndividual, seed: "finhub-individual.json", problems: finhubProblems, mistakes: []mistake{
		{name: "missing required field", del: []string{"individualCustomer.person.firstName", "firstName"}, status: 400,
			problems: []string{"individualCustomer.person.firstName REQUIRED"}},
		{name: "bad e-mail", set: map[string]any{"individualCustomer.person.email": "marcus.jensen@"}, status: 400,
			problems: []string{"individualCustomer.person.email INVALID_EMAIL"}},
		{name: "bad date", set: map[string]any{"individualCustomer.person.dateOfBirth": "1990-13-45"}, status: 400,
			problems: []string{"individualCustomer.person.dateOfBirth INVALID_DATE"}},
		{name: "bad country", set: map[string]any{"individualCustomer.person.addresses[0].country": "Atlantis"}, status: 400,
			problems: []string{"individualCustomer.person.addresses[0].country UNKNOWN_COUNTRY"}},
		{name: "bad phone", set: map[string]any{"phone": "+3701"}, status: 400, problems: []string{"phone INVALID_PHONE"}},
		{name: "every problem at once", set: map[string]any{
			"individualCustomer.person.dateOfBirth":          "1990-13-45",
			"individualCustomer.person.addresses[0].country": "Atlantis",
			"phone": "+3701",
		}, status: 400, problems: []string{"individualCustomer.person.dateOfBirth INVALID_DATE",
			"individualCustomer.person.addresses[0].country UNKNOWN_COUNTRY", "phone INVALID_PHONE"}},
		{name: "conflict", twice: true, status: 409, problems: []string{"email ALREADY_EXISTS"}},
		// GraphQL takes a number for a String (a JSON number decodes as a
		// json.Number, a string type), so FinHub's routes do too.
		{name: "wrong JSON type", set: map[string]any{"individualCustomer.person.firstName": true}, status: 400,
			problems: []string{"individualCustomer.person.firstName INVALID_JSON_TYPE"}},
		{name: "unknown field", set: map[string]any{"individualCustomer.person.nickname": "Marc"}, status: 400,
			problems: []string{"individualCustomer.person.nickname UNKNOWN_FIELD"}},
	}},
	{path: compat.PathFinHubOrganization, seed: "finhub-organization.json", problems: finhubProblems, mistakes: []mistake{
		{name: "missing required field", del: []string{"organizationCustomer.organization.legalName"}, status: 400,
			problems: []string{"organizationCustomer.organization.legalName REQUIRED"}},
		{name: "bad e-mail", set: map[string]any{"organizationCustomer.organization.representatives[0].email": "director@"}, status: 400,
			problems: []string{"organizationCustomer.organization.representatives[0].email INVALID_EMAIL"}},
		{name: "bad date", set: map[string]any{"organizationCustomer.organization.incorporationDate": "2015-02-30"}, status: 400,
			problems: []string{"organizationCustomer.organization.incorporationDate INVALID_DATE"}},
		{name: "bad country", set: map[string]any{"organizationCustomer.organization.addresses[0].country": "Atlantis"}, status: 400,
			problems: []string{"organizationCustomer.organization.addresses[0].country UNKNOWN_COUNTRY"}},
		{name: "bad phone", set: map[string]any{"organizationCustomer.organization.phone": "12"}, status: 400,
			problems: []string{"organizationCustomer.organization.phone INVALID_PHONE"}},
		{name: "conflict", twice: true, status: 409, problems: []string{"organizationCustomer.organization.registrationNumber ALREADY_EXISTS"}},
		{name: "wrong JSON type", set: map[string]any{"organizationCustomer.organization.representatives[0].ownershipShare": "none"}, status: 400,
			problems: []string{"organizationCustomer.organization.representatives[0].ownershipShare INVALID_JSON_TYPE"}},
	}},
	{path: compat.PathCryptomate, seed: "cryptomate-individual.json", problems: cryptomateProblems, mistakes: []mistake{
		{name: "missing required field", del: []string{"first_name"}, status: 400, problems: []string{"first_name REQUIRED"}},
		{name: "bad e-mail", set: map[string]any{"email": "mjuliabarber@@example.com"}, status: 400, problems: []string{"email INVALID_EMAIL"}},
		{name: "bad date", set: map[string]any{"birth_date": "21/11/1984"}, status: 400, problems: []string{"birth_date INVALID_DATE"}},
		{name: "bad country", set: map[string]any{"address.country": "ZZZ"}, status: 400, problems: []string{"address.country UNKNOWN_COUNTRY"}},
		{name: "bad phone", set: map[string]any{"phone_number": 11}, status: 400, problems: []string{"phone_number INVALID_PHONE"}},
		{name: "every problem at once", del: []string{"last_name"}, set: map[string]any{"birth_date": "21/11/1984", "address.country": "ZZZ", "phone_country_code": 54.5},
			status: 400, problems: []string{"last_name REQUIRED", "birth_date INVALID_DATE", "address.country UNKNOWN_COUNTRY", "phone_country_code INVALID_PHONE"}},
		{name: "conflict", twice: true, setup: rejectDuplicates, status: 409, problems: []string{"phone_number POSSIBLE_DUPLICATE"}},
		{name: "wrong JSON type", set: map[string]any{"phone_number": "1168860622", "address": "Florida 9860"}, status: 400,
			problems: []string{"phone_number INVALID_JSON_TYPE", "address INVALID_JSON_TYPE"}},
		{name: "unknown field", set: map[string]any{"address.street_line2": "2B", "nickname": "Maru"}, status: 400,
			problems: []string{"address.street_line2 UNKNOWN_FIELD", "nickname UNKNOWN_FIELD"}},
	}},
	{path: compat.PathWallets, seed: "wallets-person.json", defaultCountry: "NG", problems: walletsProblems, mistakes: []mistake{
		{name: "missing required field", del: []string{"lastName"}, status: 400, problems: []string{"lastName REQUIRED"}},
		{name: "bad e-mail", set: map[string]any{"email": "john.doe"}, status: 400, problems: []string{"email INVALID_EMAIL"}},
		{name: "bad date", set: map[string]any{"dateOfBirth": "15/01/1990"}, status: 400, problems: []string{"dateOfBirth INVALID_DATE"}},
		// No country: none in the body, none from the state, and the
		// tenant has no default (nor a region to read the phone in).
		{name: "bad country", setup: noDefaultCountry, set: map[string]any{"address.state": "Atlantis"}, status: 400,
			problems: []string{"address REQUIRED", "phoneNumber INVALID_PHONE"}},
		{name: "bad phone", set: map[string]any{"phoneNumber": "0703"}, status: 400, problems: []string{"phoneNumber INVALID_PHONE"}},
		{name: "every problem at once", set: map[string]any{"email": "john.doe", "dateOfBirth": "15/01/1990", "phoneNumber": "0703"}, del: []string{"lastName"},
			status: 400, problems: []string{"email INVALID_EMAIL", "dateOfBirth INVALID_DATE", "phoneNumber INVALID_PHONE", "lastName REQUIRED"}},
		{name: "conflict", twice: true, status: 409, problems: []string{"tenantUserId ALREADY_EXISTS"}},
		{name: "wrong JSON type", set: map[string]any{"userTag": []any{"VIP"}, "address.zipCode": 94105}, status: 400,
			problems: []string{"userTag INVALID_JSON_TYPE", "address.zipCode INVALID_JSON_TYPE"}},
	}},
	{path: compat.PathPCXPay, seed: "pcxpay-user.json", problems: pcxpayProblems, mistakes: []mistake{
		{name: "missing required field", del: []string{"email"}, status: 400, problems: []string{"email REQUIRED"}},
		{name: "bad e-mail", set: map[string]any{"email": "jsmith@example"}, status: 400, problems: []string{"email INVALID_EMAIL"}},
		{name: "bad date", set: map[string]any{"date_of_birth": "1990-02-30"}, status: 400, problems: []string{"date_of_birth INVALID_DATE"}},
		{name: "bad country", set: map[string]any{"country": "Atlantis"}, status: 400, problems: []string{"country UNKNOWN_COUNTRY"}},
		{name: "bad phone", set: map[string]any{"phone_number": "+1415"}, status: 400, problems: []string{"phone_number INVALID_PHONE"}},
		{name: "every problem at once", set: map[string]any{"type": "merchant", "id_type": "library_card", "org_member_role": "boss", "password": "short"},
			status: 400, problems: []string{"type INVALID_VALUE", "id_type INVALID_VALUE", "org_member_role INVALID_VALUE", "password PASSWORD_TOO_SHORT", "password PASSWORD_TOO_WEAK"}},
		{name: "conflict", twice: true, status: 409, problems: []string{"email ALREADY_EXISTS"}},
		{name: "wrong JSON type", set: map[string]any{"fname": 5, "country": true}, status: 400,
			problems: []string{"fname INVALID_JSON_TYPE", "country INVALID_JSON_TYPE"}},
	}},
}

func rejectDuplicates(t *testing.T, e *compatEnv) {
	t.Helper()
	e.setDuplicatePolicy(t, "REJECT")
}

func noDefaultCountry(t *testing.T, e *compatEnv) {}

// TestSeedMistakesAnswerInEachShape sends each route's seed with each
// kind of mistake.
func TestSeedMistakesAnswerInEachShape(t *testing.T) {
	for _, r := range routes {
		t.Run(strings.TrimPrefix(r.path, "/compat/"), func(t *testing.T) {
			e := newCompatEnv(t)
			for _, m := range append(r.mistakes, common(firstKey(t, r.seed))...) {
				t.Run(m.name, func(t *testing.T) {
					e := e
					if m.setup != nil || m.twice {
						e = newCompatEnv(t) // a tenant of its own
					}
					if r.defaultCountry != "" && m.setup == nil {
						e.setDefaultCountry(t, r.defaultCountry)
					}
					if m.setup != nil {
						m.setup(t, e)
					}
					body := edited(t, seed(t, r.seed), m)
					creds := e.credentials(t, r.path, false)
					if m.credentials != nil {
						creds = m.credentials(t, e)
					}
					if m.twice {
						if a := e.post(t, r.path, seed(t, r.seed), creds...); a.Status != http.StatusCreated {
							t.Fatalf("the first registration answered %d: %s", a.Status, a.Raw)
						}
					}
					if m.contentType != "" {
						creds = append(creds, "Content-Type", m.contentType)
					}
					a := e.post(t, r.path, body, creds...)
					if a.Status != m.status {
						t.Errorf("status %d, want %d: %s", a.Status, m.status, a.Raw)
					}
					got := r.problems(t, a)
					want := slices.Clone(m.problems)
					sort.Strings(got)
					sort.Strings(want)
					if !slices.Equal(got, want) {
						t.Errorf("problems %q, want %q: %s", got, want, a.Raw)
					}
					if strings.Contains(a.Raw, "SecurePass123!") {
						t.Errorf("the answer repeats the password: %s", a.Raw)
					}
				})
			}
		})
	}
}

// firstKey is a field name of the seed, for the malformed bodies.
func firstKey(t *testing.T, name string) string {
	var m map[string]any
	if err := json.Unmarshal(seed(t, name), &m); err != nil {
		t.Fatal(err)
	}
	for k := range m {
		return k
	}
	return ""
}

// edited is body with the mistake's edits (or its raw bytes).
func edited(t *testing.T, body []byte, m mistake) []byte {
	t.Helper()
	if m.raw != "" {
		return []byte(m.raw)
	}
	if len(m.set) == 0 && len(m.del) == 0 {
		return body
	}
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatal(err)
	}
	for path, x := range m.set {
		setPath(t, v, path, x, false)
	}
	for _, path := range m.del {
		setPath(t, v, path, nil, true)
	}
	out, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// setPath sets (or deletes) the value at path in v.
func setPath(t *testing.T, v any, path string, x any, del bool) {
	steps := segment.FindAllString(path, -1)
	for i, s := range steps {
		last := i == len(steps)-1
		if strings.HasPrefix(s, "[") {
			var n int
			fmt.Sscanf(s, "[%d]", &n)
			a := v.([]any)
			if last {
				a[n] = x
				return
			}
			v = a[n]
			continue
		}
		m, ok := v.(map[string]any)
		if !ok {
			t.Fatalf("%s: %s is not an object", path, s)
		}
		if last {
			if del {
				delete(m, s)
			} else {
				m[s] = x
			}
			return
		}
		v = m[s]
	}
}

// problemsAt reads the list at listPath of the answer as "field REASON".
func problemsAt(t *testing.T, a answer, listPath, field, reason string) []string {
	t.Helper()
	list, ok := dig(a.Body, listPath, nil).([]any)
	if !ok {
		t.Errorf("no %s list in the answer: %s", listPath, a.Raw)
		return nil
	}
	out := make([]string, len(list))
	for i, p := range list {
		f, _ := dig(p, field, nil).(string)
		r, _ := dig(p, reason, nil).(string)
		if m, _ := dig(p, "message", nil).(string); m == "" {
			t.Errorf("problem %d has no message: %s", i, a.Raw)
		}
		out[i] = f + " " + r
	}
	return out
}

func finhubProblems(t *testing.T, a answer) []string {
	if !same(a.Body["code"], a.Status) {
		t.Errorf("code %v, status %d", a.Body["code"], a.Status)
	}
	if m, _ := a.Body["message"].(string); m == "" {
		t.Errorf("no message: %s", a.Raw)
	}
	return problemsAt(t, a, "data.errors", "field", "reason")
}

func cryptomateProblems(t *testing.T, a answer) []string {
	if !same(a.Body["status"], a.Status) {
		t.Errorf("status %v, answered %d", a.Body["status"], a.Status)
	}
	if m, _ := a.Body["error"].(string); m == "" {
		t.Errorf("no error: %s", a.Raw)
	}
	return problemsAt(t, a, "details", "field", "reason")
}

func walletsProblems(t *testing.T, a answer) []string {
	if a.Body["status"] != "error" || !same(a.Body["statusCode"], a.Status) || a.Body["data"] != nil {
		t.Errorf("not the platform's error envelope: %s", a.Raw)
	}
	list, _ := a.Body["errors"].([]any)
	for _, p := range list {
		if d, _ := dig(p, "descriptiveMessage", nil).(string); d == "" {
			t.Errorf("an error without descriptiveMessage: %s", a.Raw)
		}
	}
	return problemsAt(t, a, "errors", "field", "reason")
}

func pcxpayProblems(t *testing.T, a answer) []string {
	if m, _ := a.Body["message"].(string); m == "" {
		t.Errorf("no message: %s", a.Raw)
	}
	return problemsAt(t, a, "errors", "field", "reason")
}
