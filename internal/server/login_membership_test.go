package server_test

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"onboard/internal/testutil"
)

// This file drives issue 16's registration additions end to end: a
// customer without a login and a login added later (addCustomerLogin),
// membership of an organization (individualCustomer.organization), who
// brought the customer in (invitedBy, createdBy, segment), FinHub's
// category-level parametrization and its organization payload.

// noLoginIndividual is the FinHub individual without anything that asks
// for a login: no password, roles or user object; edits apply after.
func noLoginIndividual(t *testing.T, edits map[string]any) map[string]any {
	t.Helper()
	in := fixtureWith(t, "finhub-individual.json", map[string]any{
		"password": nil, "matchingPassword": nil, "roleIds": nil, "individualCustomer.user": nil,
	})
	for path, v := range edits {
		set(t, in, path, v)
	}
	return in
}

const registerWithoutLogin = `mutation Register($input: RegisterIndividualInput!) {
	registerIndividual(input: $input) {
		id userId personId idempotentReplay
		user { id }
		customer {
			id status invitedBy createdBy segment registeredBy
			user { id }
			person { id email employments { memberRole department user { id } organization { id legalName } } }
		}
	}
}`

type noLoginPayload struct {
	RegisterIndividual struct {
		ID, PersonID     string
		UserID           *string
		IdempotentReplay bool
		User             *struct{ ID string }
		Customer         struct {
			ID, Status, RegisteredBy      string
			InvitedBy, CreatedBy, Segment *string
			User                          *struct{ ID string }
			Person                        struct {
				ID, Email   string
				Employments []employment
			}
		}
	}
}

type employment struct {
	MemberRole, Department string
	User                   *struct{ ID string }
	Organization           struct{ ID, LegalName string }
}

func TestRegisterIndividualWithoutLogin(t *testing.T) {
	env := newRegistrationEnv(t)
	_, _, usersBefore := env.count(t)
	in := noLoginIndividual(t, map[string]any{
		"email": "Contact@Example.com", "individualCustomer.person.email": nil,
		"invitedBy": "usr-17", "createdBy": "agent-3", "segment": "retail",
	})
	var got noLoginPayload
	env.mutate(registerWithoutLogin, in, "Idempotency-Key", "no-login-1").Into(t, &got)
	p := got.RegisterIndividual
	if p.UserID != nil || p.User != nil || p.Customer.User != nil {
		t.Fatalf("a customer without a login has one: %+v", p)
	}
	want(t, "contact e-mail", p.Customer.Person.Email, "contact@example.com")
	want(t, "who", []string{*p.Customer.InvitedBy, *p.Customer.CreatedBy, *p.Customer.Segment, p.Customer.RegisteredBy},
		[]string{"usr-17", "agent-3", "retail", "test"})
	if _, _, users := env.count(t); users != usersBefore {
		t.Errorf("users %d, want %d: a login was written", users, usersBefore)
	}

	// The replay of a registration without a login has no password to
	// prove: the same body answers the first result.
	var again noLoginPayload
	env.mutate(registerWithoutLogin, in, "Idempotency-Key", "no-login-1").Into(t, &again)
	want(t, "replay", again.RegisterIndividual.IdempotentReplay && again.RegisterIndividual.ID == p.ID, true)
	// The same body with a password is another request (it asks for a
	// login) and may not replay it.
	in["password"], in["matchingPassword"] = fixturePassword, fixturePassword
	r := env.mutate(registerWithoutLogin, in, "Idempotency-Key", "no-login-1")
	wantErrors(t, r, "CONFLICT", "IDEMPOTENCY_KEY_REUSED", "")

	// Two customers without a login and without e-mail do not collide.
	var second noLoginPayload
	env.mutate(registerWithoutLogin, noLoginIndividual(t, map[string]any{"email": nil, "individualCustomer.person.email": nil}), "").Into(t, &second)
	want(t, "no e-mail", second.RegisterIndividual.Customer.Person.Email, "")
}

func TestRegisterIndividualLoginRulesApplyWhenAsked(t *testing.T) {
	env := newRegistrationEnv(t)
	for name, tc := range map[string]struct {
		edits               map[string]any
		code, reason, field string
	}{
		"a password without email": {map[string]any{"email": nil, "password": fixturePassword, "matchingPassword": fixturePassword},
			"BAD_USER_INPUT", "REQUIRED", "email"},
		"a weak password": {map[string]any{"password": "weakpass", "matchingPassword": "weakpass"},
			"BAD_USER_INPUT", "PASSWORD_TOO_WEAK", "password"},
		"the user object without password": {map[string]any{"individualCustomer.user": map[string]any{"username": "marcus"}},
			"BAD_USER_INPUT", "REQUIRED", "password"},
		"an invalid contact e-mail": {map[string]any{"email": "not-an-email"}, "BAD_USER_INPUT", "INVALID_EMAIL", "email"},
		"a segment too long":        {map[string]any{"segment": strings.Repeat("s", 65)}, "BAD_USER_INPUT", "TOO_LONG", "segment"},
	} {
		t.Run(name, func(t *testing.T) {
			wantErrors(t, env.mutate(registerWithoutLogin, noLoginIndividual(t, tc.edits)), tc.code, tc.reason, tc.field)
		})
	}
}

const addCustomerLogin = `mutation Add($input: AddCustomerLoginInput!) {
	addCustomerLogin(input: $input) {
		user { id email username status isActive roles { code } }
		customer { id version user { id } person { employments { user { id } } }
			history(first: 5, types: ["customer.login_added"]) { edges { node { type subjectID changes { field after } } } } }
	}
}`

type addedLogin struct {
	AddCustomerLogin struct {
		User struct {
			ID, Email, Username, Status string
			IsActive                    bool
			Roles                       []struct{ Code string }
		}
		Customer struct {
			ID      string
			Version int
			User    *struct{ ID string }
			Person  struct {
				Employments []struct{ User *struct{ ID string } }
			}
			History struct {
				Edges []struct {
					Node struct {
						Type, SubjectID string
						Changes         []struct{ Field, After string }
					}
				}
			}
		}
	}
}

func (e *registrationEnv) addLogin(token string, input map[string]any) *testutil.Response {
	return e.Do(testutil.Request{Token: token, TenantKey: "acme", Query: addCustomerLogin, Variables: map[string]any{"input": input}})
}

func TestAddCustomerLogin(t *testing.T) {
	env := newRegistrationEnv(t)
	var first, second noLoginPayload
	env.mutate(registerWithoutLogin, noLoginIndividual(t, map[string]any{
		"individualCustomer.organization": map[string]any{"name": "Jensen Consulting"},
	})).Into(t, &first)
	env.mutate(registerWithoutLogin, noLoginIndividual(t, map[string]any{"email": nil})).Into(t, &second)
	id := first.RegisterIndividual.ID
	login := map[string]any{"customerId": id, "email": "Marcus@Example.com", "password": fixturePassword, "matchingPassword": fixturePassword}

	// Registration's rules and reasons, all at once.
	r := env.addLogin(env.manager, map[string]any{"customerId": id, "email": "nope", "password": "weak", "matchingPassword": "other",
		"username": "a\u200bb", "roles": []any{"NO_SUCH_ROLE"}})
	wantReasons(t, r, map[string]string{"email": "INVALID_EMAIL", "password": "PASSWORD_TOO_SHORT",
		"matchingPassword": "PASSWORD_MISMATCH", "username": "INVISIBLE_CHARACTER", "roles.0": "UNKNOWN_ROLE"})
	wantErrors(t, env.addLogin(env.manager, map[string]any{"customerId": id, "password": fixturePassword, "matchingPassword": fixturePassword}),
		"BAD_USER_INPUT", "REQUIRED", "email")
	// The scope is customers:manage.
	wantErrors(t, env.addLogin(env.selfService, login), "FORBIDDEN", "MISSING_SCOPE", "")

	var got addedLogin
	env.addLogin(env.manager, login).Into(t, &got)
	a := got.AddCustomerLogin
	want(t, "user", []string{a.User.Email, a.User.Username, a.User.Status, codes(a.User.Roles)},
		[]string{"marcus@example.com", "marcus@example.com", "PENDING_ACTIVATION", "ACCOUNT_OWNER,USER"})
	want(t, "customer's login", a.Customer.User != nil && a.Customer.User.ID == a.User.ID, true)
	want(t, "version", a.Customer.Version, 2)
	if emp := a.Customer.Person.Employments; len(emp) != 1 || emp[0].User == nil || emp[0].User.ID != a.User.ID {
		t.Errorf("the employment's login: %+v", emp)
	}
	if h := a.Customer.History.Edges; len(h) != 1 || h[0].Node.SubjectID != a.User.ID ||
		!slices.Contains(fieldsOf(h[0].Node.Changes), "user.status=PENDING_ACTIVATION") {
		t.Errorf("history: %+v", h)
	}
	// The hash went through the Hasher: the stored value is argon2id.
	u := env.Client().User.GetX(env.As(env.tenantID), a.User.ID)
	if !strings.HasPrefix(u.PasswordHash, "$argon2id$") {
		t.Errorf("stored password is not an argon2id hash")
	}

	wantErrors(t, env.addLogin(env.manager, login), "CONFLICT", "LOGIN_EXISTS", "customerId")
	login["customerId"] = second.RegisterIndividual.ID
	wantErrors(t, env.addLogin(env.manager, login), "CONFLICT", "ALREADY_EXISTS", "email")
	login["email"], login["username"] = "other@example.com", "MARCUS@example.com"
	wantErrors(t, env.addLogin(env.manager, login), "CONFLICT", "ALREADY_EXISTS", "username")
	login["customerId"] = "cus_01HZZZZZZZZZZZZZZZZZZZZZZZ"
	wantErrors(t, env.addLogin(env.manager, login), "NOT_FOUND", "NOT_FOUND", "customerId")

	// Another tenant's customer does not exist for this one.
	env.Tenant("other")
	otherToken := env.Token([]string{"other"}, "customers:register", "customers:manage", "customers:read")
	var theirs noLoginPayload
	env.Do(testutil.Request{Token: otherToken, TenantKey: "other", Query: registerWithoutLogin,
		Variables: map[string]any{"input": noLoginIndividual(t, map[string]any{"customerCategory": nil, "individualCustomer.categorization": nil})}}).Into(t, &theirs)
	login["customerId"], login["username"] = theirs.RegisterIndividual.ID, nil
	wantErrors(t, env.addLogin(env.manager, login), "NOT_FOUND", "NOT_FOUND", "customerId")
}

// addCustomerLogin is for individuals: an organization's logins are its
// employees' (addEmployee), so an organization customer, one created by
// name included, is refused on customerId and gets no login.
func TestAddCustomerLoginRefusesAnOrganization(t *testing.T) {
	env := newRegistrationEnv(t)
	var got struct {
		RegisterIndividual struct {
			Customer struct {
				Person struct {
					Employments []struct {
						Organization struct{ Customer struct{ ID string } }
					}
				}
			}
		}
	}
	env.mutate(`mutation Register($input: RegisterIndividualInput!) {
		registerIndividual(input: $input) { customer { person { employments { organization { customer { id } } } } } }
	}`, noLoginIndividual(t, map[string]any{
		"individualCustomer.organization": map[string]any{"name": "Jensen Consulting"},
	})).Into(t, &got)
	emp := got.RegisterIndividual.Customer.Person.Employments
	if len(emp) != 1 {
		t.Fatalf("employments: %+v", emp)
	}
	orgID := emp[0].Organization.Customer.ID
	r := env.addLogin(env.manager, map[string]any{"customerId": orgID, "email": "office@jensen.example.com",
		"password": fixturePassword, "matchingPassword": fixturePassword})
	wantErrors(t, r, "BAD_USER_INPUT", "CUSTOMER_TYPE_MISMATCH", "customerId")
	if n := env.Client().User.Query().CountX(env.As(env.tenantID)); n != 0 {
		t.Errorf("%d users written for a refused login", n)
	}
}

const registerOrgForMembership = `mutation RegisterOrganization($input: RegisterOrganizationInput!) {
	registerOrganization(input: $input) { id organizationId tenantId tenantKey message customer { invitedBy segment } }
}`

func TestRegisterIndividualIntoAnOrganization(t *testing.T) {
	env := newRegistrationEnv(t)
	var org struct {
		RegisterOrganization struct {
			ID, OrganizationID, TenantID, TenantKey, Message string
			Customer                                         struct{ InvitedBy, Segment *string }
		}
	}
	orgInput := testutil.Fixture(t, "finhub-organization.json")
	orgInput["organizationId"], orgInput["invitedBy"], orgInput["segment"] = "pcx-org-7", "usr-1", "business"
	env.mutate(registerOrgForMembership, orgInput).Into(t, &org)
	o := org.RegisterOrganization
	want(t, "FinHub's organization payload", []string{o.Message, o.TenantKey, o.TenantID},
		[]string{"Organization registered successfully", "acme", env.tenantID})
	want(t, "organization's who", *o.Customer.InvitedBy+" "+*o.Customer.Segment, "usr-1 business")

	// The organization by its customer id, its organization id and its
	// external reference; each join is a member.added event of it.
	for i, ref := range []string{o.ID, o.OrganizationID, "pcx-org-7"} {
		var got noLoginPayload
		env.mutate(registerWithoutLogin, noLoginIndividual(t, map[string]any{
			"email": nil, "individualCustomer.person.email": nil,
			"externalReference":               "person-" + ref,
			"individualCustomer.organization": map[string]any{"id": ref, "memberRole": "admin", "department": "Ops"},
		})).Into(t, &got)
		emp := got.RegisterIndividual.Customer.Person.Employments
		if len(emp) != 1 || emp[0].Organization.ID != o.OrganizationID || emp[0].MemberRole != "ADMIN" ||
			emp[0].Department != "Ops" || emp[0].User != nil {
			t.Fatalf("join %d by %s: %+v", i, ref, emp)
		}
	}
	events := env.Client().CustomerEvent.Query().AllX(env.As(env.tenantID))
	joined := 0
	for _, ev := range events {
		if ev.CustomerID == o.ID && ev.Type == "member.added" {
			joined++
		}
	}
	want(t, "member.added events", joined, 3)

	// With a login, the employment is the login's too.
	var withLogin noLoginPayload
	env.mutate(registerWithoutLogin, fixtureWith(t, "finhub-individual.json", map[string]any{
		"individualCustomer.organization": map[string]any{"id": o.ID},
	})).Into(t, &withLogin)
	emp := withLogin.RegisterIndividual.Customer.Person.Employments
	if len(emp) != 1 || emp[0].User == nil || emp[0].User.ID != *withLogin.RegisterIndividual.UserID || emp[0].MemberRole != "MEMBER" {
		t.Fatalf("employment with a login: %+v", emp)
	}

	// Another tenant's organization is NOT_FOUND, as is an individual
	// customer or a reference that names nothing.
	env.Tenant("other")
	otherToken := env.Token([]string{"other"}, "customers:register", "customers:manage", "customers:read")
	var theirs struct {
		RegisterOrganization struct{ ID, OrganizationID string }
	}
	theirInput := testutil.Fixture(t, "finhub-organization.json")
	theirInput["customerCategory"] = nil
	delete(theirInput["organizationCustomer"].(map[string]any), "categorization")
	env.Do(testutil.Request{Token: otherToken, TenantKey: "other", Query: registerOrgForMembership,
		Variables: map[string]any{"input": theirInput}}).Into(t, &theirs)
	for _, ref := range []string{theirs.RegisterOrganization.ID, theirs.RegisterOrganization.OrganizationID, withLogin.RegisterIndividual.ID, "nothing"} {
		r := env.mutate(registerWithoutLogin, noLoginIndividual(t, map[string]any{
			"individualCustomer.organization": map[string]any{"id": ref},
		}))
		wantErrors(t, r, "NOT_FOUND", "NOT_FOUND", "individualCustomer.organization.id")
	}
	for name, tc := range map[string]struct {
		org           map[string]any
		reason, field string
	}{
		"both":     {map[string]any{"id": o.ID, "name": "Acme"}, "AMBIGUOUS_REFERENCE", "individualCustomer.organization"},
		"neither":  {map[string]any{"department": "Ops"}, "REQUIRED", "individualCustomer.organization"},
		"bad role": {map[string]any{"name": "Acme", "memberRole": "BOSS"}, "INVALID_VALUE", "individualCustomer.organization.memberRole"},
	} {
		t.Run(name, func(t *testing.T) {
			r := env.mutate(registerWithoutLogin, noLoginIndividual(t, map[string]any{"individualCustomer.organization": tc.org}))
			wantErrors(t, r, "BAD_USER_INPUT", tc.reason, tc.field)
		})
	}
}

// An organization's externalReference that looks like an id (cus_…,
// org_…) but names no customer or organization is still its reference;
// an id that does name one wins over another organization's reference.
func TestRegisterIndividualIntoAnOrganizationByAnIdLikeReference(t *testing.T) {
	env := newRegistrationEnv(t)
	type registered struct {
		RegisterOrganization struct{ ID, OrganizationID string }
	}
	register := func(n int, ref string) registered {
		in := duplicateOrganization(t, n, fmt.Sprintf("REG-%d", n), fmt.Sprintf("TAX-%d", n), "LT")
		in["organizationId"] = ref
		var got registered
		env.mutate(registerOrgForMembership, in).Into(t, &got)
		return got
	}
	byCus, byOrg := register(1, "cus_pcx-7"), register(2, "org_pcx-8")
	// Its reference is the first organization's customer id.
	shadow := register(3, byCus.RegisterOrganization.ID)
	for i, tc := range []struct{ ref, wantOrganization string }{
		{"cus_pcx-7", byCus.RegisterOrganization.OrganizationID},
		{"org_pcx-8", byOrg.RegisterOrganization.OrganizationID},
		{byCus.RegisterOrganization.ID, byCus.RegisterOrganization.OrganizationID},
		{shadow.RegisterOrganization.OrganizationID, shadow.RegisterOrganization.OrganizationID},
	} {
		var got noLoginPayload
		env.mutate(registerWithoutLogin, noLoginIndividual(t, map[string]any{
			"email": nil, "individualCustomer.person.email": nil,
			"externalReference":               fmt.Sprintf("person-%d", i),
			"individualCustomer.organization": map[string]any{"id": tc.ref},
		})).Into(t, &got)
		if emp := got.RegisterIndividual.Customer.Person.Employments; len(emp) != 1 || emp[0].Organization.ID != tc.wantOrganization {
			t.Errorf("join by %s: %+v, want organization %s", tc.ref, emp, tc.wantOrganization)
		}
	}
	for _, ref := range []string{"cus_pcx-9", "org_01HZZZZZZZZZZZZZZZZZZZZZZZ"} {
		r := env.mutate(registerWithoutLogin, noLoginIndividual(t, map[string]any{"individualCustomer.organization": map[string]any{"id": ref}}))
		wantErrors(t, r, "NOT_FOUND", "NOT_FOUND", "individualCustomer.organization.id")
	}
}

func TestRegisterIndividualCreatingAnOrganization(t *testing.T) {
	env := newRegistrationEnv(t)
	var got noLoginPayload
	env.mutate(registerWithoutLogin, noLoginIndividual(t, map[string]any{
		"individualCustomer.organization": map[string]any{"name": " Jensen Consulting ", "memberRole": "OWNER"},
	})).Into(t, &got)
	emp := got.RegisterIndividual.Customer.Person.Employments
	if len(emp) != 1 || emp[0].Organization.LegalName != "Jensen Consulting" || emp[0].MemberRole != "OWNER" {
		t.Fatalf("employments: %+v", emp)
	}
	var read struct {
		Node struct {
			Customer struct {
				ID, Type, Name, Status, RegisteredBy string
				Category                             *struct{ Code string }
				Organization                         struct {
					LegalName          string
					RegistrationNumber *string
				}
				Features []struct{ Code string }
				History  struct {
					Edges []struct{ Node struct{ Type string } }
				}
			} `json:"customer"`
		} `json:"node"`
	}
	env.Do(testutil.Request{Token: env.token, TenantKey: "acme", Variables: map[string]any{"id": emp[0].Organization.ID},
		Query: `query($id: ID!) { node(id: $id) { ... on Organization { customer { id type name status registeredBy category { code }
			organization { legalName registrationNumber } features { code } history(first: 5) { edges { node { type } } } } } } }`}).Into(t, &read)
	c := read.Node.Customer
	want(t, "organization customer", []string{c.Type, c.Name, c.Status, c.RegisteredBy, c.Organization.LegalName},
		[]string{"ORGANIZATION", "Jensen Consulting", "PENDING_VERIFICATION", "test", "Jensen Consulting"})
	want(t, "no registration number", c.Organization.RegistrationNumber == nil, true)
	want(t, "default category", c.Category != nil && c.Category.Code == "SMALL_BUSINESS" && len(c.Features) == 3, true)
	if h := c.History.Edges; len(h) != 1 || h[0].Node.Type != "customer.registered" {
		t.Errorf("history: %+v", h)
	}
}

func TestCategoryLevelParametrization(t *testing.T) {
	env := newRegistrationEnv(t)
	const query = `mutation Register($input: RegisterIndividualInput!) {
		registerIndividual(input: $input) { customer { features { code parameters { name value source } } } } }`
	in := noLoginIndividual(t, map[string]any{
		"individualCustomer.categorization.parametrization": []any{
			map[string]any{"name": "monitoring", "value": "STANDARD"},
			// The feature's own value (MEDIUM) wins over the category-level one.
			map[string]any{"name": "riskLevel", "value": "HIGH"},
		},
	})
	var got struct {
		RegisterIndividual struct {
			Customer struct {
				Features []struct {
					Code       string
					Parameters []struct{ Name, Value, Source string }
				}
			}
		}
	}
	env.mutate(query, in).Into(t, &got)
	params := map[string]string{}
	for _, p := range got.RegisterIndividual.Customer.Features[0].Parameters {
		params[p.Name] = p.Value + "/" + p.Source
	}
	want(t, "monitoring", params["monitoring"], "STANDARD/REQUEST")
	want(t, "riskLevel", params["riskLevel"], "MEDIUM/REQUEST")

	bad := noLoginIndividual(t, map[string]any{
		"individualCustomer.categorization.parametrization": []any{
			map[string]any{"name": "noSuchParameter", "value": "1"},
			map[string]any{"name": "monitoring", "value": "SOMETIMES"},
			map[string]any{"name": "monitoring", "value": "STANDARD"},
		},
	})
	wantReasons(t, env.mutate(query, bad), map[string]string{
		"individualCustomer.categorization.parametrization.0.name":  "UNKNOWN_PARAMETER",
		"individualCustomer.categorization.parametrization.1.value": "PARAMETER_VALUE_NOT_ALLOWED",
		"individualCustomer.categorization.parametrization.2.name":  "DUPLICATE",
	})

	// Organizations too: the category's default (5000) gives way.
	org := testutil.Fixture(t, "finhub-organization.json")
	set(t, org, "organizationCustomer.categorization.parametrization", []any{map[string]any{"name": "DAILY_LIMIT", "value": "7000"}})
	var orgGot struct {
		RegisterOrganization struct {
			Customer struct {
				Features []struct {
					Code       string
					Parameters []struct{ Name, Value, Source string }
				}
			}
		}
	}
	env.mutate(`mutation($input: RegisterOrganizationInput!) { registerOrganization(input: $input) { customer { features { code parameters { name value source } } } } }`,
		org).Into(t, &orgGot)
	found := false
	for _, f := range orgGot.RegisterOrganization.Customer.Features {
		for _, p := range f.Parameters {
			if p.Name == "DAILY_LIMIT" {
				found = p.Value+"/"+p.Source == "7000/REQUEST"
			}
		}
	}
	want(t, "organization's DAILY_LIMIT from the category level", found, true)
}

// wantErrors checks that r failed with one problem of code and reason
// (on field, when field is not "").
func wantErrors(t *testing.T, r *testutil.Response, code, reason, field string) {
	t.Helper()
	if len(r.Errors) != 1 {
		t.Fatalf("want one %s/%s, got %s", code, reason, r.Raw)
	}
	e := r.Errors[0]
	if e.Code() != code || e.Reason() != reason || (field != "" && e.Field() != field) {
		t.Fatalf("got %s/%s on %s, want %s/%s on %s", e.Code(), e.Reason(), e.Field(), code, reason, field)
	}
}

// wantReasons checks that r reported each field's reason.
func wantReasons(t *testing.T, r *testutil.Response, want map[string]string) {
	t.Helper()
	got := map[string][]string{}
	for _, e := range r.Errors {
		got[e.Field()] = append(got[e.Field()], e.Reason())
	}
	for field, reason := range want {
		if !slices.Contains(got[field], reason) {
			t.Errorf("%s: got %q, want %q (all: %s)", field, got[field], reason, r.Raw)
		}
	}
}

func fieldsOf(changes []struct{ Field, After string }) []string {
	out := make([]string, len(changes))
	for i, c := range changes {
		out[i] = c.Field + "=" + c.After
	}
	return out
}

// TestRaceAddCustomerLogin: of concurrent additions of a login to one
// customer, with different e-mails, exactly one wins; the others are
// LOGIN_EXISTS, and the customer has one login user.
func TestRaceAddCustomerLogin(t *testing.T) {
	env := newRegistrationEnv(t)
	var reg noLoginPayload
	env.mutate(registerWithoutLogin, noLoginIndividual(t, map[string]any{"email": nil})).Into(t, &reg)
	id := reg.RegisterIndividual.ID
	const n = 4
	results := make([]*testutil.Response, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = env.addLogin(env.manager, map[string]any{"customerId": id, "email": fmt.Sprintf("race%d@example.com", i),
				"password": fixturePassword, "matchingPassword": fixturePassword})
		}()
	}
	wg.Wait()
	won := 0
	for _, r := range results {
		switch {
		case len(r.Errors) == 0:
			won++
		case len(r.Errors) != 1 || r.Errors[0].Reason() != "LOGIN_EXISTS":
			t.Errorf("a losing addition: %s", r.Raw)
		}
	}
	ctx, c := env.As(env.tenantID), env.Client()
	users := c.Customer.QueryUser(c.Customer.GetX(ctx, id)).CountX(ctx)
	if won != 1 || users != 1 {
		t.Fatalf("%d additions won, the customer has %d logins; want 1 and 1", won, users)
	}
}
