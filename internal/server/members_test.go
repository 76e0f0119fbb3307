package server_test

import (
	"sync"
	"testing"
	"time"

	"onboard/ent/representative"
	"onboard/internal/testutil"
)

// memberOrganization is the organization as every management payload
// returns it here.
const memberOrganization = `organization { id updatedAt customer { updatedAt }
	representatives { id ownershipShare } employees { id roles { code } } }`

// memberQueries are the six management mutations, each selecting what the
// tests look at.
var memberQueries = map[string]string{
	"addRepresentative":    representativeMutation("addRepresentative", "AddRepresentativeInput"),
	"updateRepresentative": representativeMutation("updateRepresentative", "UpdateRepresentativeInput"),
	"removeRepresentative": removeMutation("removeRepresentative", "RemoveRepresentativeInput"),
	"addEmployee":          employeeMutation("addEmployee", "AddEmployeeInput"),
	"updateEmployee":       employeeMutation("updateEmployee", "UpdateEmployeeInput"),
	"removeEmployee":       removeMutation("removeEmployee", "RemoveEmployeeInput"),
}

func representativeMutation(name, input string) string {
	return `mutation($input: ` + input + `!) { ` + name + `(input: $input) {
		representative { id position ownershipShare isPrimaryOwner isBeneficialOwner
			person { firstName lastName email phone nationality dateOfBirth } }
		` + memberOrganization + ` } }`
}

func employeeMutation(name, input string) string {
	return `mutation($input: ` + input + `!) { ` + name + `(input: $input) {
		employee { id department roles { code } person { firstName contacts { type value } } }
		` + memberOrganization + ` } }`
}

func removeMutation(name, input string) string {
	return `mutation($input: ` + input + `!) { ` + name + `(input: $input) { removedId ` + memberOrganization + ` } }`
}

// memberPayload is any of the management payloads.
type memberPayload struct {
	Representative *struct {
		ID, Position                      string
		OwnershipShare                    float64
		IsPrimaryOwner, IsBeneficialOwner bool
		Person                            struct {
			FirstName, LastName, Email, Phone, Nationality string
			DateOfBirth                                    *string
		}
	}
	Employee *struct {
		ID, Department string
		Roles          []struct{ Code string }
		Person         *struct {
			FirstName string
			Contacts  []struct{ Type, Value string }
		}
	}
	RemovedID    string
	Organization struct {
		ID        string
		UpdatedAt time.Time
		Customer  struct{ UpdatedAt time.Time }

		Representatives []struct {
			ID             string
			OwnershipShare float64
		}
		Employees []struct {
			ID    string
			Roles []struct{ Code string }
		}
	}
}

// manage sends the management mutation op with input as $input, with the
// customers:manage token.
func (e *registrationEnv) manage(op string, input map[string]any) *testutil.Response {
	return e.Do(testutil.Request{Token: e.manager, TenantKey: "acme", Query: memberQueries[op],
		Variables: map[string]any{"input": input}})
}

// managed sends op and decodes its payload, failing on any error.
func (e *registrationEnv) managed(t *testing.T, op string, input map[string]any) memberPayload {
	t.Helper()
	var data map[string]memberPayload
	e.manage(op, input).Into(t, &data)
	return data[op]
}

// registeredMembers registers the employees fixture: John Director (0 %),
// Alice Shareholder (60 %, primary owner), the admin employee and the
// Finance employee.
type registeredMembers struct {
	orgID, john, alice, admin, finance string
}

func (e *registrationEnv) registerMembers(t *testing.T) registeredMembers {
	t.Helper()
	var got registeredOrganization
	e.registerOrganization(testutil.Fixture(t, "finhub-organization-employees.json")).Into(t, &got)
	p := got.RegisterOrganization
	if len(p.Directors) != 1 || len(p.Shareholders) != 1 || len(p.Employees) != 2 || p.Employees[0].User == nil {
		t.Fatalf("unexpected registration: %+v", p)
	}
	return registeredMembers{orgID: p.OrganizationID, john: p.Directors[0].ID, alice: p.Shareholders[0].ID,
		admin: p.Employees[0].ID, finance: p.Employees[1].ID}
}

func newRepresentative(share float64) map[string]any {
	return map[string]any{"firstName": "Bob", "lastName": "Partner", "position": "DIRECTOR",
		"email": "bob@example.com", "phone": "860012349", "dateOfBirth": "1970-02-03",
		"nationality": "LT", "ownershipShare": share}
}

func TestManageRepresentatives(t *testing.T) {
	env := newRegistrationEnv(t)
	m := env.registerMembers(t)
	ctx, c := env.As(env.tenantID), env.Client()
	persons := c.Person.Query().CountX(ctx)

	added := env.managed(t, "addRepresentative", map[string]any{"organizationId": m.orgID, "representative": newRepresentative(30)})
	rep := added.Representative
	want(t, "added", [...]any{rep.Position, rep.OwnershipShare, rep.IsBeneficialOwner, rep.IsPrimaryOwner, rep.Person.Phone},
		[...]any{"DIRECTOR", 30.0, true, false, "+37060012349"})
	want(t, "representatives", len(added.Organization.Representatives), 3)
	registeredAt := added.Organization.Customer.UpdatedAt

	updated := env.managed(t, "updateRepresentative", map[string]any{"id": rep.ID, "ownershipShare": 20.0,
		"email": "robert@example.com", "position": "cfo"})
	u := updated.Representative
	want(t, "updated", [...]any{u.Position, u.OwnershipShare, u.IsBeneficialOwner, u.Person.Email, u.Person.FirstName, *u.Person.DateOfBirth},
		[...]any{"CFO", 20.0, false, "robert@example.com", "Bob", "1970-02-03"})
	if !updated.Organization.Customer.UpdatedAt.After(registeredAt) {
		t.Errorf("customer.updatedAt did not move: %v, then %v", registeredAt, updated.Organization.Customer.UpdatedAt)
	}

	// Alice's own 60 % is not counted against her new share: 0 + 20 + 80 = 100.
	alice := env.managed(t, "updateRepresentative", map[string]any{"id": m.alice, "ownershipShare": 80.0})
	want(t, "alice", alice.Representative.OwnershipShare, 80.0)

	removed := env.managed(t, "removeRepresentative", map[string]any{"id": rep.ID})
	want(t, "removed", removed.RemovedID, rep.ID)
	want(t, "representatives after removal", len(removed.Organization.Representatives), 2)
	want(t, "persons after removal", c.Person.Query().CountX(ctx), persons)

	// With Bob gone there is room again.
	env.managed(t, "addRepresentative", map[string]any{"organizationId": m.orgID, "representative": newRepresentative(20)})
}

func TestManageEmployees(t *testing.T) {
	env := newRegistrationEnv(t)
	m := env.registerMembers(t)
	ctx, c := env.As(env.tenantID), env.Client()
	users := c.User.Query().CountX(ctx)

	input := testutil.Fixture(t, "finhub-organization-employees.json")
	employee := input["organizationCustomer"].(map[string]any)["employees"].([]any)[0].(map[string]any)
	set(t, employee, "person.email", "risk@example.com")
	set(t, employee, "roles", []any{"ADMIN_USER"})
	set(t, employee, "role", nil)
	set(t, employee, "department", "Risk")
	added := env.managed(t, "addEmployee", map[string]any{"organizationId": m.orgID, "employee": employee})
	want(t, "added", added.Employee.Department+" "+codes(added.Employee.Roles)+" "+added.Employee.Person.Contacts[0].Value,
		"Risk ADMIN_USER +37067890124")
	want(t, "employees", len(added.Organization.Employees), 3)

	updated := env.managed(t, "updateEmployee", map[string]any{"id": m.finance, "department": "Treasury", "roles": []any{}})
	want(t, "updated", updated.Employee.Department+" "+codes(updated.Employee.Roles), "Treasury EMPLOYEE")
	kept := env.managed(t, "updateEmployee", map[string]any{"id": m.finance, "department": "Audit"})
	want(t, "roles kept when not named", codes(kept.Employee.Roles), "EMPLOYEE")

	// The new admin lets the registering admin go; its login user stays.
	env.managed(t, "removeEmployee", map[string]any{"id": m.admin})
	want(t, "users", c.User.Query().CountX(ctx), users)

	r := env.manage("removeEmployee", map[string]any{"id": added.Employee.ID})
	assertProblems(t, r, map[string]string{"id": "MISSING_REQUIRED_ROLE"})
	if len(r.Errors) == 1 && r.Errors[0].Message != "Missing required role 'ADMIN_USER'" {
		t.Errorf("message %q", r.Errors[0].Message)
	}
	removed := env.managed(t, "removeEmployee", map[string]any{"id": m.finance})
	want(t, "employees left", len(removed.Organization.Employees), 1)
}

func TestManageMembersRules(t *testing.T) {
	env := newRegistrationEnv(t)
	m := env.registerMembers(t)
	cases := []struct {
		name, op string
		input    map[string]any
		want     map[string]string
	}{
		{"no representative", "addRepresentative", map[string]any{"organizationId": m.orgID},
			map[string]string{"representative": "REQUIRED"}},
		{"unknown organization", "addRepresentative", map[string]any{"organizationId": "org_01nothere", "representative": newRepresentative(1)},
			map[string]string{"organizationId": "NOT_FOUND"}},
		{"a representative with many problems", "addRepresentative", map[string]any{"organizationId": m.orgID,
			"representative": map[string]any{"firstName": " ", "position": "PIRATE", "email": "bob", "lastName": "Partner",
				"dateOfBirth": "2015-01-01", "nationality": "Atlantis", "phone": "12", "ownershipShare": 120.0}},
			map[string]string{
				"representative.firstName":      "REQUIRED",
				"representative.position":       "INVALID_VALUE",
				"representative.email":          "INVALID_EMAIL",
				"representative.dateOfBirth":    "TOO_YOUNG",
				"representative.nationality":    "UNKNOWN_COUNTRY",
				"representative.phone":          "INVALID_PHONE",
				"representative.ownershipShare": "OWNERSHIP_SHARE_OUT_OF_RANGE",
			}},
		{"a share past the stored total", "addRepresentative", map[string]any{"organizationId": m.orgID, "representative": newRepresentative(40.5)},
			map[string]string{"representative.ownershipShare": "OWNERSHIP_TOTAL_EXCEEDED"}},
		{"a second primary owner", "addRepresentative", map[string]any{"organizationId": m.orgID,
			"representative": map[string]any{"firstName": "Bob", "lastName": "Partner", "position": "PARTNER", "isPrimaryOwner": true}},
			map[string]string{"representative.isPrimaryOwner": "MULTIPLE_PRIMARY_OWNERS"}},
		{"an update past the total", "updateRepresentative", map[string]any{"id": m.john, "ownershipShare": 41.0},
			map[string]string{"ownershipShare": "OWNERSHIP_TOTAL_EXCEEDED"}},
		{"an update to a second primary owner", "updateRepresentative", map[string]any{"id": m.john, "isPrimaryOwner": true},
			map[string]string{"isPrimaryOwner": "MULTIPLE_PRIMARY_OWNERS"}},
		{"an update out of range and blanked", "updateRepresentative", map[string]any{"id": m.john, "ownershipShare": -1.0,
			"position": "", "lastName": "", "dateOfBirth": "2999-01-01"},
			map[string]string{"ownershipShare": "OWNERSHIP_SHARE_OUT_OF_RANGE", "position": "REQUIRED", "lastName": "REQUIRED",
				"dateOfBirth": "DATE_IN_FUTURE"}},
		{"an unknown representative", "updateRepresentative", map[string]any{"id": "rep_01nothere", "ownershipShare": 1.0},
			map[string]string{"id": "NOT_FOUND"}},
		{"removing an unknown representative", "removeRepresentative", map[string]any{"id": "rep_01nothere"},
			map[string]string{"id": "NOT_FOUND"}},
		{"no employee", "addEmployee", map[string]any{"organizationId": m.orgID},
			map[string]string{"employee": "REQUIRED"}},
		{"an employee without a person and with an unknown role", "addEmployee", map[string]any{"organizationId": m.orgID,
			"employee": map[string]any{"roles": []any{"JANITOR"}, "telephoneNumbers": []any{map[string]any{"number": "x", "phoneType": 9}}}},
			map[string]string{"employee.person": "REQUIRED", "employee.roles.0": "UNKNOWN_ROLE",
				"employee.telephoneNumbers.0.number": "INVALID_PHONE", "employee.telephoneNumbers.0.phoneType": "INVALID_VALUE"}},
		{"demoting the last admin", "updateEmployee", map[string]any{"id": m.admin, "roles": []any{"EMPLOYEE"}},
			map[string]string{"roles": "MISSING_REQUIRED_ROLE"}},
		{"an unknown role on update", "updateEmployee", map[string]any{"id": m.finance, "role": "JANITOR"},
			map[string]string{"role": "UNKNOWN_ROLE"}},
		{"removing the last admin", "removeEmployee", map[string]any{"id": m.admin},
			map[string]string{"id": "MISSING_REQUIRED_ROLE"}},
		{"an unknown employee", "updateEmployee", map[string]any{"id": "emp_01nothere", "department": "x"},
			map[string]string{"id": "NOT_FOUND"}},
		{"removing an unknown employee", "removeEmployee", map[string]any{"id": "emp_01nothere"},
			map[string]string{"id": "NOT_FOUND"}},
		{"ids with NUL", "updateRepresentative", map[string]any{"id": "rep_\x00x", "firstName": "J"},
			map[string]string{"id": "NOT_FOUND"}},
		{"an organization id with NUL", "addEmployee", map[string]any{"organizationId": "org_\x00",
			"employee": map[string]any{"person": map[string]any{"firstName": "A", "lastName": "B"}}},
			map[string]string{"organizationId": "NOT_FOUND"}},
		{"an employee id with NUL", "removeEmployee", map[string]any{"id": "emp_\x00x"},
			map[string]string{"id": "NOT_FOUND"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			assertProblems(t, env.manage(tc.op, tc.input), tc.want)
		})
	}

	// Nothing was written: the same people, shares and admin.
	ctx, c := env.As(env.tenantID), env.Client()
	want(t, "representatives, employees", [2]int{c.Representative.Query().CountX(ctx), c.Employee.Query().CountX(ctx)}, [2]int{2, 2})
	want(t, "alice's share", c.Representative.GetX(ctx, m.alice).OwnershipShare, 60.0)
	want(t, "the admin's roles", len(c.Employee.GetX(ctx, m.admin).QueryRoles().AllX(ctx)), 3)
}

func TestManageMembersScopeAndTenant(t *testing.T) {
	env := newRegistrationEnv(t)
	m := env.registerMembers(t)

	r := env.Do(testutil.Request{Token: env.selfService, TenantKey: "acme", Query: memberQueries["removeEmployee"],
		Variables: map[string]any{"input": map[string]any{"id": m.finance}}})
	if len(r.Errors) != 1 || r.Errors[0].Code() != "FORBIDDEN" {
		t.Errorf("without customers:manage: %s", r.Raw)
	}

	env.Tenant("globex")
	other := env.Token([]string{"globex"}, "customers:manage", "customers:read")
	for op, input := range map[string]map[string]any{
		"addRepresentative":    {"organizationId": m.orgID, "representative": newRepresentative(1)},
		"updateRepresentative": {"id": m.alice, "ownershipShare": 1.0},
		"removeRepresentative": {"id": m.john},
		"addEmployee":          {"organizationId": m.orgID, "employee": map[string]any{"person": map[string]any{"firstName": "A", "lastName": "B"}}},
		"updateEmployee":       {"id": m.finance, "department": "x"},
		"removeEmployee":       {"id": m.finance},
	} {
		r := env.Do(testutil.Request{Token: other, TenantKey: "globex", Query: memberQueries[op],
			Variables: map[string]any{"input": input}})
		if len(r.Errors) != 1 || r.Errors[0].Code() != "NOT_FOUND" {
			t.Errorf("%s on another tenant's organization: %s", op, r.Raw)
		}
	}
	ctx, c := env.As(env.tenantID), env.Client()
	want(t, "representatives, employees", [2]int{c.Representative.Query().CountX(ctx), c.Employee.Query().CountX(ctx)}, [2]int{2, 2})
}

// TestManageMembersQueuedBehindTheLock queues changes behind a
// transaction that holds the organization's lock, as a slow concurrent
// change would: two updates of one representative must both take effect,
// and a change that finds its object removed meanwhile is NOT_FOUND on id.
func TestManageMembersQueuedBehindTheLock(t *testing.T) {
	env := newRegistrationEnv(t)
	m := env.registerMembers(t)
	ctx := env.As(env.tenantID)

	queue := func(ops ...func() *testutil.Response) []*testutil.Response {
		t.Helper()
		holder, err := env.Client().Tx(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if err := holder.Organization.UpdateOneID(m.orgID).Exec(ctx); err != nil {
			t.Fatal(err)
		}
		out := make([]*testutil.Response, len(ops))
		var wg sync.WaitGroup
		for i, op := range ops {
			wg.Add(1)
			go func() { defer wg.Done(); out[i] = op() }()
			time.Sleep(100 * time.Millisecond) // let it read and queue up
		}
		if err := holder.Commit(); err != nil {
			t.Fatal(err)
		}
		wg.Wait()
		return out
	}

	for _, r := range queue(
		func() *testutil.Response {
			return env.manage("updateRepresentative", map[string]any{"id": m.alice, "ownershipShare": 10.0})
		},
		func() *testutil.Response {
			return env.manage("updateRepresentative", map[string]any{"id": m.alice, "firstName": "Alicia"})
		},
	) {
		if len(r.Errors) > 0 {
			t.Fatalf("update: %s", r.Raw)
		}
	}
	alice := env.Client().Representative.Query().Where(representative.ID(m.alice)).WithPerson().OnlyX(ctx)
	want(t, "alice after two updates", [...]any{alice.OwnershipShare, alice.IsBeneficialOwner, alice.Edges.Person.FirstName},
		[...]any{10.0, false, "Alicia"})

	for _, r := range queue(
		func() *testutil.Response { return env.manage("removeRepresentative", map[string]any{"id": m.john}) },
		func() *testutil.Response {
			return env.manage("updateRepresentative", map[string]any{"id": m.john, "firstName": "J"})
		},
		func() *testutil.Response { return env.manage("removeEmployee", map[string]any{"id": m.finance}) },
		func() *testutil.Response {
			return env.manage("updateEmployee", map[string]any{"id": m.finance, "department": "x"})
		},
	) {
		if len(r.Errors) > 0 && (r.Errors[0].Code() != "NOT_FOUND" || r.Errors[0].Field() != "id") {
			t.Errorf("a change racing a removal: %s", r.Raw)
		}
	}
}

// TestConcurrentAddRepresentative adds representatives at once: the
// organization's lock makes each add see the others, so the total never
// passes 100 %.
func TestConcurrentAddRepresentative(t *testing.T) {
	for _, tc := range []struct {
		name          string
		adds          int
		share         float64
		wantSucceeded int
	}{
		{"two of 60 percent", 2, 60, 1},
		{"eight of 30 percent", 8, 30, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := newRegistrationEnv(t)
			var got registeredOrganization
			env.registerOrganization(testutil.Fixture(t, "finhub-organization.json")).Into(t, &got) // one director, no shares
			orgID := got.RegisterOrganization.OrganizationID

			outcomes := make([]string, tc.adds)
			var wg sync.WaitGroup
			for i := range tc.adds {
				wg.Add(1)
				go func() {
					defer wg.Done()
					r := env.manage("addRepresentative", map[string]any{"organizationId": orgID, "representative": newRepresentative(tc.share)})
					switch {
					case len(r.Errors) == 0:
						outcomes[i] = "OK"
					case len(r.Errors) == 1:
						outcomes[i] = r.Errors[0].Reason()
					default:
						outcomes[i] = r.Raw
					}
				}()
			}
			wg.Wait()
			succeeded := 0
			for _, o := range outcomes {
				switch o {
				case "OK":
					succeeded++
				case "OWNERSHIP_TOTAL_EXCEEDED":
				default:
					t.Errorf("unexpected outcome: %s", o)
				}
			}
			want(t, "adds that succeeded", succeeded, tc.wantSucceeded)
			total := 0.0
			for _, r := range env.Client().Representative.Query().AllX(env.As(env.tenantID)) {
				total += r.OwnershipShare
			}
			want(t, "stored total", total, float64(tc.wantSucceeded)*tc.share)
		})
	}
}

// TestOrganizationsHoldBoundedMembers fills an organization to the limit
// its plain lists are read whole under.
func TestOrganizationsHoldBoundedMembers(t *testing.T) {
	env := newRegistrationEnv(t)
	ctx, c := env.As(env.tenantID), env.Client()
	ids := seedCustomers(t, ctx, c, []customerSpec{{Name: "Full House", Organization: true, Country: "LT", Shares: make([]float64, 100)}})
	orgID := c.Customer.GetX(ctx, ids[0]).QueryOrganization().OnlyIDX(ctx)

	r := env.manage("addRepresentative", map[string]any{"organizationId": orgID, "representative": newRepresentative(0)})
	assertProblems(t, r, map[string]string{"representative": "TOO_MANY"})
	want(t, "representatives", c.Representative.Query().CountX(ctx), 100)
}
