package server_test

import (
	"sort"
	"strings"
	"testing"

	"onboard/ent/role"
	"onboard/ent/user"
	"onboard/internal/testutil"
)

// selfRegister sends query with input under the registrant's own token
// (customers:register, no customers:manage).
func (e *registrationEnv) selfRegister(query string, input map[string]any) *testutil.Response {
	return e.Do(testutil.Request{Token: e.selfService, TenantKey: "acme", Query: query,
		Variables: map[string]any{"input": input}})
}

// userRoles returns the sorted role codes of the tenant's user with login
// email.
func (e *registrationEnv) userRoles(t *testing.T, email string) string {
	t.Helper()
	ctx, c := e.As(e.tenantID), e.Client()
	roles := c.User.Query().Where(user.Email(email)).QueryRoles().Order(role.ByCode()).AllX(ctx)
	codes := make([]string, len(roles))
	for i, r := range roles {
		codes[i] = r.Code
	}
	sort.Strings(codes)
	return strings.Join(codes, ",")
}

// TestStandardRolesSelfAssignability: a new tenant's ADMIN_USER and
// TRANSACTION_APPROVER are not self-assignable, its other roles are.
func TestStandardRolesSelfAssignability(t *testing.T) {
	env := newRegistrationEnv(t)
	var got struct {
		Roles []struct {
			Code           string
			SelfAssignable bool
		}
	}
	env.Do(testutil.Request{Token: env.token, TenantKey: "acme", Query: `{ roles { code selfAssignable } }`}).Into(t, &got)
	var fixed []string
	for _, r := range got.Roles {
		if !r.SelfAssignable {
			fixed = append(fixed, r.Code)
		}
	}
	sort.Strings(fixed)
	want(t, "roles not self-assignable", strings.Join(fixed, ","), "ADMIN_USER,TRANSACTION_APPROVER")
	if len(got.Roles) < 6 {
		t.Errorf("roles: %+v", got)
	}
}

// TestRegistrationRefusesRolesNotSelfAssignable: a registrant naming a role
// the tenant keeps for its back office is refused on that role's path,
// every such role at once, and nothing is written; the back office
// (customers:manage) may name it.
func TestRegistrationRefusesRolesNotSelfAssignable(t *testing.T) {
	env := newRegistrationEnv(t)
	edits := map[string]any{
		"roleIds":                          []any{"ACCOUNT_OWNER", "TRANSACTION_APPROVER"},
		"individualCustomer.user.roles":    []any{"USER", "admin_user"},
		"individualCustomer.user.username": "marcus",
	}
	assertProblems(t, env.selfRegister(registerIndividual, fixtureWith(t, "finhub-individual.json", edits)), map[string]string{
		"roleIds.1":                       "ROLE_NOT_SELF_ASSIGNABLE",
		"individualCustomer.user.roles.1": "ROLE_NOT_SELF_ASSIGNABLE",
	})
	if customers, persons, users := env.count(t); customers+persons+users != 0 {
		t.Fatalf("a refused registration wrote %d customers, %d persons, %d users", customers, persons, users)
	}
	// The dry run answers the same.
	assertProblems(t, env.selfRegister(validateIndividual, fixtureWith(t, "finhub-individual.json", edits)), map[string]string{
		"roleIds.1":                       "ROLE_NOT_SELF_ASSIGNABLE",
		"individualCustomer.user.roles.1": "ROLE_NOT_SELF_ASSIGNABLE",
	})

	env.register(fixtureWith(t, "finhub-individual.json", edits)).Into(t, &registered{})
	want(t, "roles granted by the back office", env.userRoles(t, "marcus.jensen@example.com"),
		"ACCOUNT_OWNER,ADMIN_USER,TRANSACTION_APPROVER,USER")
}

// TestRegistrationCreatesNoActiveUser: a registration's login starts
// PENDING_ACTIVATION whatever the token; any other status is refused.
func TestRegistrationCreatesNoActiveUser(t *testing.T) {
	env := newRegistrationEnv(t)
	for _, status := range []string{"ACTIVE", "active", "SUSPENDED", "LOCKED", "CLOSED", "DELETED"} {
		input := fixtureWith(t, "finhub-individual.json", map[string]any{"individualCustomer.user.status": status})
		assertProblems(t, env.register(input), map[string]string{"individualCustomer.user.status": "INVALID_VALUE"})
		assertProblems(t, env.selfRegister(registerIndividual, input), map[string]string{"individualCustomer.user.status": "INVALID_VALUE"})
	}
	// Nor an active one: isActive true is refused too, from any token.
	input := fixtureWith(t, "finhub-individual.json", map[string]any{"individualCustomer.user.isActive": true})
	assertProblems(t, env.register(input), map[string]string{"individualCustomer.user.isActive": "INVALID_VALUE"})
	assertProblems(t, env.selfRegister(registerIndividual, input), map[string]string{"individualCustomer.user.isActive": "INVALID_VALUE"})
	if customers, persons, users := env.count(t); customers+persons+users != 0 {
		t.Fatalf("a refused registration wrote %d customers, %d persons, %d users", customers, persons, users)
	}
	env.register(testutil.Fixture(t, "finhub-individual.json")).Into(t, &registered{}) // isActive: false
	u := env.Client().User.Query().OnlyX(env.As(env.tenantID))
	want(t, "user status", string(u.Status), "PENDING_ACTIVATION")
	want(t, "user active", u.IsActive, false)
}

// TestSelfRegisteredOrganizationHasNoAdmin: an organization registered
// with the registrant's own token gets no ADMIN_USER (not even as the
// admin's default), so its employees change freely until the back office
// grants one; from then on the last one cannot be taken away.
func TestSelfRegisteredOrganizationHasNoAdmin(t *testing.T) {
	env := newRegistrationEnv(t)
	var got registeredOrganization
	env.selfRegister(registerOrganization, testutil.Fixture(t, "finhub-organization.json")).Into(t, &got)
	p := got.RegisterOrganization
	want(t, "admin roles", codes(p.User.Roles), "ACCOUNT_OWNER,ADMIN")
	want(t, "admin employees", len(p.AdminEmployees), 0)

	// FinHub's employees fixture grants an employee TRANSACTION_APPROVER.
	assertProblems(t, env.selfRegister(registerOrganization, fixtureWith(t, "finhub-organization-employees.json", map[string]any{
		"organizationCustomer.organization.registrationNumber": "OTHER-1",
		"email": "other@example.com", "organizationCustomer.user.email": "other@example.com",
		"organizationCustomer.user.username": "other",
	})), map[string]string{"organizationCustomer.employees.0.role": "ROLE_NOT_SELF_ASSIGNABLE"})

	admin := p.Employees[0].ID
	// No ADMIN_USER to keep: a change of the admin's roles is no removal.
	env.managed(t, "updateEmployee", map[string]any{"id": admin, "roles": []any{"ACCOUNT_OWNER"}})
	env.managed(t, "updateEmployee", map[string]any{"id": admin, "roles": []any{"ADMIN_USER"}})
	assertProblems(t, env.manage("updateEmployee", map[string]any{"id": admin, "roles": []any{"USER"}}),
		map[string]string{"roles": "MISSING_REQUIRED_ROLE"})
	assertProblems(t, env.manage("removeEmployee", map[string]any{"id": admin}),
		map[string]string{"id": "MISSING_REQUIRED_ROLE"})
}
