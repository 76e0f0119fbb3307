package server_test

import (
	"sort"
	"strings"
	"testing"

	"onboard/internal/testutil"
)

const registerOrganization = `mutation RegisterOrganization($input: RegisterOrganizationInput!) {
	registerOrganization(input: $input) {
		id organizationId tenantId email status idempotentReplay
		directors { id position person { firstName } }
		shareholders { id ownershipShare isBeneficialOwner isPrimaryOwner person { firstName nationality phone } }
		employees { id department user { email } person { firstName gender contacts { type value operator purpose } } roles { code } }
		adminEmployees { id user { email } }
		user { id username roles { code } }
		customer {
			id type name externalReference category { code }
			organization { legalName registrationNumber legalForm industry businessType website phone incorporationDate
				addresses { country isPrimary } contacts { type value } }
			features { code parameters { name value source } }
		}
	}
}`

type registeredOrganization struct {
	RegisterOrganization struct {
		ID, OrganizationID, TenantID, Email, Status string
		IdempotentReplay                            bool
		Directors                                   []struct {
			ID, Position string
			Person       struct{ FirstName string }
		}
		Shareholders []struct {
			ID                                string
			OwnershipShare                    float64
			IsBeneficialOwner, IsPrimaryOwner bool
			Person                            struct{ FirstName, Nationality, Phone string }
		}
		Employees []struct {
			ID, Department string
			User           *struct{ Email string }
			Person         *struct {
				FirstName, Gender string
				Contacts          []struct{ Type, Value, Operator, Purpose string }
			}
			Roles []struct{ Code string }
		}
		AdminEmployees []struct {
			ID   string
			User struct{ Email string }
		}
		User struct {
			ID, Username string
			Roles        []struct{ Code string }
		}
		Customer struct {
			ID, Type, Name    string
			ExternalReference *string
			Category          *struct{ Code string }
			Organization      struct {
				LegalName, RegistrationNumber, LegalForm, Industry string
				BusinessType, Website, Phone, IncorporationDate    *string
				Addresses                                          []struct {
					Country   string
					IsPrimary bool
				}
				Contacts []struct{ Type, Value string }
			}
			Features []struct {
				Code       string
				Parameters []struct{ Name, Value, Source string }
			}
		}
	}
}

func (e *registrationEnv) registerOrganization(input map[string]any, header ...string) *testutil.Response {
	return e.mutate(registerOrganization, input, header...)
}

func codes(roles []struct{ Code string }) string {
	var out []string
	for _, r := range roles {
		out = append(out, r.Code)
	}
	sort.Strings(out)
	return strings.Join(out, ",")
}

func TestRegisterOrganizationFixtures(t *testing.T) {
	t.Run("finhub-organization.json", func(t *testing.T) {
		env := newRegistrationEnv(t)
		var got registeredOrganization
		env.registerOrganization(testutil.Fixture(t, "finhub-organization.json")).Into(t, &got)
		p := got.RegisterOrganization
		want(t, "status", p.Status, "REGISTRATION_COMPLETE")
		want(t, "ids", p.ID[:4]+p.OrganizationID[:4]+p.TenantID, "cus_org_"+env.tenantID)
		want(t, "category", p.Customer.Category.Code, "SMALL_BUSINESS")
		want(t, "country", p.Customer.Organization.Addresses[0].Country, "LT")
		want(t, "directors", len(p.Directors) == 1 && p.Directors[0].Position == "MANAGING_DIRECTOR", true)
		want(t, "shareholders (a director with no share)", len(p.Shareholders), 0)
		want(t, "employees", len(p.Employees), 1)
		want(t, "admins", len(p.AdminEmployees) == 1 && p.AdminEmployees[0].ID == p.Employees[0].ID && p.AdminEmployees[0].User.Email == p.Email, true)
		want(t, "admin roles", codes(p.User.Roles), "ACCOUNT_OWNER,ADMIN,ADMIN_USER")
	})
	t.Run("finhub-organization-employees.json", func(t *testing.T) {
		env := newRegistrationEnv(t)
		var got registeredOrganization
		env.registerOrganization(testutil.Fixture(t, "finhub-organization-employees.json")).Into(t, &got)
		p := got.RegisterOrganization
		want(t, "employees", len(p.Employees), 2)
		want(t, "admins", len(p.AdminEmployees), 1)
		emp := p.Employees[1]
		want(t, "employee", emp.Department+" "+emp.Person.FirstName+" "+emp.Person.Gender+" "+codes(emp.Roles),
			"Finance Finance UNKNOWN EMPLOYEE,TRANSACTION_APPROVER")
		want(t, "employee phone", emp.Person.Contacts, []struct{ Type, Value, Operator, Purpose string }{{"MOBILE", "+37067890124", "Telia", "personal"}})
		want(t, "admin roles", codes(p.User.Roles), "ACCOUNT_OWNER,ADMIN,ADMIN_USER")
		want(t, "shareholders", len(p.Shareholders) == 1 && p.Shareholders[0].OwnershipShare == 60 &&
			p.Shareholders[0].IsBeneficialOwner && p.Shareholders[0].IsPrimaryOwner && p.Shareholders[0].Person.Nationality == "LT", true)
	})
	t.Run("finhub-organization-categorized.json", func(t *testing.T) {
		env := newRegistrationEnv(t)
		var got registeredOrganization
		env.registerOrganization(testutil.Fixture(t, "finhub-organization-categorized.json")).Into(t, &got)
		c := got.RegisterOrganization.Customer
		want(t, "category", c.Category.Code, "BUSINESS_MEDIUM_RISK")
		want(t, "business type", *c.Organization.BusinessType, "B2B")
		want(t, "contacts", len(c.Organization.Contacts), 2)
		want(t, "features", len(c.Features), 3)
		for _, f := range c.Features {
			if len(f.Parameters) == 0 {
				t.Errorf("%s has no parameters; the fixture gives them", f.Code)
			}
			for _, p := range f.Parameters {
				if p.Source != "REQUEST" {
					t.Errorf("%s.%s came from %s; the fixture gives every parameter", f.Code, p.Name, p.Source)
				}
			}
		}
		want(t, "beneficial owner at 51", got.RegisterOrganization.Shareholders[0].IsBeneficialOwner, true)
	})
}

// registrationNumberConflict is finhub-organization-categorized.json
// registered after finhub-organization-employees.json
// (registerOrganizationConflictBase): the two share a registration number,
// and the admin's e-mail too, where the registration number is reported.
var registrationNumberConflict = conflictCase{"same registration number", nil, "organizationCustomer.organization.registrationNumber"}

// organizationConflictCases are finhub-organization-categorized.json
// against registerOrganizationConflictBase's organization.
var organizationConflictCases = []conflictCase{
	registrationNumberConflict,
	{"same admin e-mail", map[string]any{org + ".registrationNumber": "REG-2"}, "email"},
}

// registerOrganizationConflictBase registers the organization
// registrationNumberConflict collides with.
func registerOrganizationConflictBase(t *testing.T, env *registrationEnv) {
	t.Helper()
	env.registerOrganization(testutil.Fixture(t, "finhub-organization-employees.json")).Into(t, &registeredOrganization{})
}

func TestRegisterOrganizationRegistrationNumberConflict(t *testing.T) {
	env := newRegistrationEnv(t)
	registerOrganizationConflictBase(t, env)
	ctx, c := env.As(env.tenantID), env.Client()
	before := []int{c.Customer.Query().CountX(ctx), c.Organization.Query().CountX(ctx), c.User.Query().CountX(ctx),
		c.Person.Query().CountX(ctx), c.Representative.Query().CountX(ctx), c.Employee.Query().CountX(ctx)}

	r := env.registerOrganization(fixtureWith(t, "finhub-organization-categorized.json", registrationNumberConflict.edits))
	if len(r.Errors) != 1 || r.Errors[0].Code() != "CONFLICT" || r.Errors[0].Field() != registrationNumberConflict.field {
		t.Fatalf("want CONFLICT on the registration number, got %s", r.Raw)
	}
	after := []int{c.Customer.Query().CountX(ctx), c.Organization.Query().CountX(ctx), c.User.Query().CountX(ctx),
		c.Person.Query().CountX(ctx), c.Representative.Query().CountX(ctx), c.Employee.Query().CountX(ctx)}
	want(t, "rows (customers, organizations, users, persons, representatives, employees)", after, before)
}

// org is the path of the organization in a registerOrganization input.
const org = "organizationCustomer.organization"

// organizationRuleCases are finhub-organization-employees.json broken one
// rule (or several) at a time.
var organizationRuleCases = []registrationCase{
	{"missing organizationCustomer", map[string]any{"organizationCustomer": nil},
		map[string]string{"organizationCustomer": "REQUIRED"}},
	{"missing organization", map[string]any{"organizationCustomer.organization": nil},
		map[string]string{org: "REQUIRED"}},
	{"several problems at once", map[string]any{
		org + ".legalName":                                              " ",
		org + ".registrationNumber":                                     nil,
		org + ".incorporationDate":                                      "2999-01-01",
		org + ".legalForm":                                              "PIRATE_SHIP",
		org + ".website":                                                "ftp://example.com",
		org + ".phone":                                                  "12",
		org + ".representatives.0.ownershipShare":                       120.0,
		org + ".representatives.0.isPrimaryOwner":                       true,
		org + ".representatives.1.dateOfBirth":                          "2015-01-01",
		"organizationCustomer.employees.0.roles":                        []any{"EMPLOYEE", "JANITOR"},
		"organizationCustomer.employees.0.telephoneNumbers.0.phoneType": 7,
		"organizationCustomer.user.email":                               "other@example.com",
	}, map[string]string{
		org + ".legalName":                                              "REQUIRED",
		org + ".registrationNumber":                                     "REQUIRED",
		org + ".incorporationDate":                                      "DATE_IN_FUTURE",
		org + ".legalForm":                                              "INVALID_VALUE",
		org + ".website":                                                "INVALID_URL",
		org + ".phone":                                                  "INVALID_PHONE",
		org + ".representatives.0.ownershipShare":                       "OWNERSHIP_SHARE_OUT_OF_RANGE",
		org + ".representatives.1.isPrimaryOwner":                       "MULTIPLE_PRIMARY_OWNERS",
		org + ".representatives.1.dateOfBirth":                          "TOO_YOUNG",
		"organizationCustomer.employees.0.roles.1":                      "UNKNOWN_ROLE",
		"organizationCustomer.employees.0.telephoneNumbers.0.phoneType": "INVALID_VALUE",
		"organizationCustomer.user.email":                               "EMAIL_MISMATCH",
	}},
	{"shares over 100 together", map[string]any{org + ".representatives.0.ownershipShare": 50.0},
		map[string]string{org + ".representatives": "OWNERSHIP_TOTAL_EXCEEDED"}},
	{"a category for individuals", map[string]any{"customerCategory": map[string]any{"code": "LOW_RISK_INDIVIDUAL"}},
		map[string]string{"customerCategory": "CATEGORY_TYPE_MISMATCH"}},
}

func TestRegisterOrganizationRules(t *testing.T) {
	env := newRegistrationEnv(t)
	for _, tc := range organizationRuleCases {
		t.Run(tc.name, func(t *testing.T) {
			input := fixtureWith(t, "finhub-organization-employees.json", tc.edits)
			assertProblems(t, env.registerOrganization(input), tc.want)
		})
	}
	if n := env.Client().Organization.Query().CountX(env.As(env.tenantID)); n != 0 {
		t.Errorf("rejected registrations left %d organizations", n)
	}
}

func TestRegisterOrganizationReplaysWithItsLists(t *testing.T) {
	env := newRegistrationEnv(t)
	input := testutil.Fixture(t, "finhub-organization-employees.json")
	var first, again registeredOrganization
	env.registerOrganization(input, "Idempotency-Key", "org-1").Into(t, &first)
	env.registerOrganization(input, "Idempotency-Key", "org-1").Into(t, &again)
	a, b := first.RegisterOrganization, again.RegisterOrganization
	if !b.IdempotentReplay || a.IdempotentReplay || a.ID != b.ID || len(b.Employees) != 2 || len(b.AdminEmployees) != 1 || len(b.Shareholders) != 1 {
		t.Fatalf("replay: first %+v, again %+v", a, b)
	}
	if n := env.Client().Organization.Query().CountX(env.As(env.tenantID)); n != 1 {
		t.Fatalf("%d organizations after a replay", n)
	}
}
