package registration

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"onboard/internal/apperr"
	"onboard/schema/schematype"
)

// The fixture helpers map a decoded JSON body to OrganizationInput the way
// the GraphQL layer does (numbers arrive as float64 in `any` fields).

type jsonObject = map[string]any

func loadOrganization(t *testing.T, name string) OrganizationInput {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "..", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	var m jsonObject
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	return orgInputFrom(m)
}

func jObj(m jsonObject, key string) jsonObject {
	o, _ := m[key].(jsonObject)
	return o
}

func jList(m jsonObject, key string) []jsonObject {
	raw, _ := m[key].([]any)
	out := make([]jsonObject, len(raw))
	for i, v := range raw {
		out[i], _ = v.(jsonObject)
	}
	return out
}

func jStr(m jsonObject, key string) string {
	s, _ := m[key].(string)
	return s
}

func jStrPtr(m jsonObject, key string) *string {
	if s, ok := m[key].(string); ok {
		return &s
	}
	return nil
}

func jStrs(m jsonObject, key string) []string {
	raw, _ := m[key].([]any)
	var out []string
	for _, v := range raw {
		s, _ := v.(string)
		out = append(out, s)
	}
	return out
}

func jBool(m jsonObject, key string) bool {
	b, _ := m[key].(bool)
	return b
}

func jBoolPtr(m jsonObject, key string) *bool {
	if b, ok := m[key].(bool); ok {
		return &b
	}
	return nil
}

func jFloatPtr(m jsonObject, key string) *float64 {
	if f, ok := m[key].(float64); ok {
		return &f
	}
	return nil
}

func addressesFrom(list []jsonObject) []AddressInput {
	var out []AddressInput
	for _, a := range list {
		out = append(out, AddressInput{
			Type: jStrPtr(a, "type"), Street: jStr(a, "street"), Line2: jStrPtr(a, "line2"), City: jStr(a, "city"),
			State: jStrPtr(a, "state"), PostalCode: jStrPtr(a, "postalCode"), Country: jStr(a, "country"),
			IsPrimary: jBool(a, "isPrimary"),
		})
	}
	return out
}

func contactsFrom(list []jsonObject) []ContactInput {
	var out []ContactInput
	for _, c := range list {
		out = append(out, ContactInput{Type: jStr(c, "type"), Value: jStr(c, "value"), IsPrimary: jBool(c, "isPrimary")})
	}
	return out
}

func orgInputFrom(m jsonObject) OrganizationInput {
	in := OrganizationInput{
		Email: jStr(m, "email"), Password: jStr(m, "password"), MatchingPassword: jStr(m, "matchingPassword"),
		RoleIDs: jStrs(m, "roleIds"), OrganizationID: jStrPtr(m, "organizationId"), Tags: jStrs(m, "tags"),
	}
	if cc := jObj(m, "customerCategory"); cc != nil {
		in.CustomerCategory = &CategoryRef{ID: jStrPtr(cc, "id"), Code: jStrPtr(cc, "code"), Name: jStrPtr(cc, "name")}
	}
	oc := jObj(m, "organizationCustomer")
	if oc == nil {
		return in
	}
	in.OrganizationCustomer = &OrganizationCustomer{CustomerName: jStrPtr(oc, "customerName")}
	if o := jObj(oc, "organization"); o != nil {
		d := &OrganizationDetails{
			LegalName: jStr(o, "legalName"), TradingName: jStrPtr(o, "tradingName"),
			RegistrationNumber: jStr(o, "registrationNumber"), TaxID: jStrPtr(o, "taxId"),
			IncorporationDate: jStrPtr(o, "incorporationDate"), LegalForm: jStrPtr(o, "legalForm"),
			Industry: jStrPtr(o, "industry"), BusinessType: jStrPtr(o, "businessType"),
			BusinessDescription: jStrPtr(o, "businessDescription"), Website: jStrPtr(o, "website"),
			Email: jStrPtr(o, "email"), Phone: jStrPtr(o, "phone"),
			Addresses: addressesFrom(jList(o, "addresses")), Contacts: contactsFrom(jList(o, "contacts")),
		}
		for _, r := range jList(o, "representatives") {
			d.Representatives = append(d.Representatives, RepresentativeInput{
				FirstName: jStr(r, "firstName"), MiddleName: jStrPtr(r, "middleName"), LastName: jStr(r, "lastName"),
				Position: jStrPtr(r, "position"), Email: jStrPtr(r, "email"), Phone: jStrPtr(r, "phone"),
				DateOfBirth: jStrPtr(r, "dateOfBirth"), Nationality: jStrPtr(r, "nationality"), Gender: r["gender"],
				IsPrimaryOwner: jBoolPtr(r, "isPrimaryOwner"), OwnershipShare: jFloatPtr(r, "ownershipShare"),
			})
		}
		in.OrganizationCustomer.Organization = d
	}
	if u := jObj(oc, "user"); u != nil {
		in.OrganizationCustomer.User = &UserInput{
			Username: jStrPtr(u, "username"), Email: jStrPtr(u, "email"), Password: jStrPtr(u, "password"),
			Status: jStrPtr(u, "status"), Roles: jStrs(u, "roles"), IsActive: jBoolPtr(u, "isActive"),
			RequiresPasswordChange: jBoolPtr(u, "requiresPasswordChange"), TwoFactorEnabled: jBoolPtr(u, "twoFactorEnabled"),
		}
	}
	for _, e := range jList(oc, "employees") {
		emp := EmployeeInput{Role: jStrPtr(e, "role"), Roles: jStrs(e, "roles"), Department: jStrPtr(e, "department"),
			Addresses: addressesFrom(jList(e, "addresses"))}
		if p := jObj(e, "person"); p != nil { // fullName is ignored, as by the GraphQL layer
			emp.Person = &PersonInput{
				FirstName: jStr(p, "firstName"), MiddleName: jStrPtr(p, "middleName"), LastName: jStr(p, "lastName"),
				Email: jStrPtr(p, "email"), DateOfBirth: jStrPtr(p, "dateOfBirth"), Gender: p["gender"],
				Nationality: jStrPtr(p, "nationality"), PlaceOfBirth: jStrPtr(p, "placeOfBirth"),
				Addresses: addressesFrom(jList(p, "addresses")), Contacts: contactsFrom(jList(p, "contacts")),
			}
		}
		for _, tn := range jList(e, "telephoneNumbers") {
			emp.TelephoneNumbers = append(emp.TelephoneNumbers, TelephoneInput{
				Number: jStr(tn, "number"), Country: jStrPtr(tn, "country"), PhoneType: tn["phoneType"],
				Operator: jStrPtr(tn, "operator"), Purpose: jStrPtr(tn, "purpose"), IsPrimary: jBool(tn, "isPrimary"),
			})
		}
		in.OrganizationCustomer.Employees = append(in.OrganizationCustomer.Employees, emp)
	}
	return in
}

func TestNormalizeFinHubOrganizations(t *testing.T) {
	for _, name := range []string{"finhub-organization.json", "finhub-organization-employees.json", "finhub-organization-categorized.json"} {
		t.Run(name, func(t *testing.T) {
			out, problems := normalizeOrganization(loadOrganization(t, name), today, Settings{MinimumAge: 18})
			if len(problems) > 0 {
				t.Fatalf("problems: %v", problems)
			}
			check := func(what string, got, want any) {
				t.Helper()
				if !equalJSON(got, want) {
					t.Errorf("%s: got %v, want %v", what, got, want)
				}
			}
			check("customerName", out.CustomerName, "Acme Corporation Ltd")
			check("legalName", out.LegalName, "Acme Corporation Limited")
			check("tradingName", out.TradingName, "Acme Corp")
			check("incorporationDate", out.IncorporationDate.Format(time.DateOnly), "2015-03-20")
			check("legalForm", out.LegalForm, "LIMITED_LIABILITY_COMPANY")
			check("industry", out.Industry, "TECHNOLOGY")
			check("phone", out.Phone, "+37060012345")
			check("address country", out.Addresses[0].Country, "LT")
			check("address primary", out.Addresses[0].IsPrimary, true)
			check("roles", out.RoleCodes, []string{"ACCOUNT_OWNER", "ADMIN", AdminRole})
			check("requested roles", out.Requested(), []string{"ACCOUNT_OWNER", "ADMIN"})
			check("user status", out.UserStatus, "PENDING_ACTIVATION")
			check("username", out.Username, out.LoginEmail)
			if _, ok := out.RolePaths[AdminRole]; ok {
				t.Errorf("%s has a path: %v", AdminRole, out.RolePaths[AdminRole])
			}
			for _, r := range out.Representatives {
				check(r.Person.FirstName+" nationality", r.Person.Nationality, "LT")
				if !strings.HasPrefix(r.Person.Phone, "+3706001234") {
					t.Errorf("%s phone %q", r.Person.FirstName, r.Person.Phone)
				}
			}
			switch name {
			case "finhub-organization.json":
				check("registrationNumber", out.RegistrationNumber, "REG-1773494453954")
				check("website", out.Website, "https://acmecorp-1773494453954.com")
				r := out.Representatives[0]
				check("director", IsDirector(r.Position), true)
				check("beneficial", r.IsBeneficialOwner, false)
				check("shareholder", IsShareholder(r.OwnershipShare), false)
				check("dob", r.Person.DateOfBirth.Format(time.DateOnly), "1980-01-15")
			case "finhub-organization-employees.json":
				alice := out.Representatives[1]
				check("alice", []any{alice.Position, alice.OwnershipShare, alice.IsBeneficialOwner, alice.IsPrimaryOwner, IsDirector(alice.Position)},
					[]any{"SHAREHOLDER", 60.0, true, true, false})
				check("employees", len(out.Employees), 1)
				e := out.Employees[0]
				check("employee name", e.Person.FirstName+" "+e.Person.LastName, "Finance Manager")
				check("employee gender", e.Person.Gender, "UNKNOWN")
				check("employee nationality", e.Person.Nationality, "LT")
				check("employee dob", e.Person.DateOfBirth.Format(time.DateOnly), "1988-03-10")
				check("employee place of birth", e.Person.PlaceOfBirth, "Kaunas")
				check("employee email", e.Person.Email, "finance@acmecorp.com")
				check("employee department", e.Department, "Finance")
				check("employee roles", e.RoleCodes, []string{"TRANSACTION_APPROVER", "EMPLOYEE"})
				check("employee role paths", e.RolePaths, map[string]apperr.Path{
					"TRANSACTION_APPROVER": {"organizationCustomer", "employees", 0, "role"},
					"EMPLOYEE":             {"organizationCustomer", "employees", 0, "roles", 1},
				})
				check("employee addresses", e.Person.Addresses, []Address{{Type: "HOME", Street: "789 Finance Street",
					City: "Vilnius", PostalCode: "01236", Country: "LT", IsPrimary: true, CountrySource: "GIVEN"}})
				check("employee contacts", e.Person.Contacts, []Contact{{Type: "MOBILE", Value: "+37067890124",
					IsPrimary: true, Operator: "Telia", Purpose: "personal"}})
			case "finhub-organization-categorized.json":
				check("businessType", out.BusinessType, "B2B")
				check("address type", out.Addresses[0].Type, "REGISTERED_OFFICE")
				check("contacts", out.Contacts, []Contact{{Type: "EMAIL", Value: "admin@acmecorp.com", IsPrimary: true},
					{Type: "PHONE", Value: "+37060012345", IsPrimary: true}})
				var got [][]any
				for _, r := range out.Representatives {
					got = append(got, []any{r.Position, r.OwnershipShare, r.IsBeneficialOwner, r.IsPrimaryOwner, IsDirector(r.Position), IsShareholder(r.OwnershipShare)})
				}
				check("representatives", got, [][]any{{"CEO", 51.0, true, true, true, true}, {"CFO", 49.0, true, false, true, true}})
			}
		})
	}
}

func equalJSON(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}

// problemSet renders problems as "path REASON" strings, sorted.
func problemSet(problems apperr.List) []string {
	var out []string
	for _, p := range problems {
		out = append(out, p.Field.String()+" "+string(p.Reason))
	}
	sort.Strings(out)
	return out
}

func TestNormalizeOrganizationRules(t *testing.T) {
	const (
		org  = "organizationCustomer.organization."
		rep0 = org + "representatives[0]."
		rep1 = org + "representatives[1]."
		emp  = "organizationCustomer.employees[0]."
		tel0 = emp + "telephoneNumbers[0]."
	)
	long := func(n int) *string { return ptr(strings.Repeat("x", n)) }
	type body = *OrganizationInput
	cases := []struct {
		name   string
		change func(in body)
		want   []string
	}{
		{"fixture as is", func(in body) {}, nil},

		// Missing objects: one problem each, no cascade.
		{"no organizationCustomer", func(in body) { in.OrganizationCustomer = nil }, []string{"organizationCustomer REQUIRED"}},
		{"no organization", func(in body) { in.OrganizationCustomer.Organization = nil }, []string{"organizationCustomer.organization REQUIRED"}},

		// Login user, as for individuals.
		{"login email invalid", func(in body) { in.Email = "admin@" }, []string{"email INVALID_EMAIL"}},
		{"login email missing", func(in body) { in.Email = " " }, []string{"email REQUIRED"}},
		{"user email differs", func(in body) { in.OrganizationCustomer.User.Email = ptr("other@acmecorp.com") },
			[]string{"organizationCustomer.user.email EMAIL_MISMATCH"}},
		{"user email invalid", func(in body) { in.OrganizationCustomer.User.Email = ptr("nope") },
			[]string{"organizationCustomer.user.email INVALID_EMAIL"}},
		{"password missing", func(in body) { in.Password, in.MatchingPassword, in.OrganizationCustomer.User.Password = "", "", nil },
			[]string{"password REQUIRED"}},
		{"password too short", func(in body) {
			in.Password, in.MatchingPassword, in.OrganizationCustomer.User.Password = "Sh0rt!", "Sh0rt!", ptr("Sh0rt!")
		}, []string{"password PASSWORD_TOO_SHORT"}},
		{"password too weak", func(in body) {
			in.Password, in.MatchingPassword, in.OrganizationCustomer.User.Password = "longenough", "longenough", ptr("longenough")
		}, []string{"password PASSWORD_TOO_WEAK"}},
		{"matchingPassword differs", func(in body) { in.MatchingPassword = "SecurePassword123?" }, []string{"matchingPassword PASSWORD_MISMATCH"}},
		{"user password differs", func(in body) { in.OrganizationCustomer.User.Password = ptr("SecurePassword123?") },
			[]string{"organizationCustomer.user.password PASSWORD_MISMATCH"}},
		{"user status unknown", func(in body) { in.OrganizationCustomer.User.Status = ptr("LOCKED") },
			[]string{"organizationCustomer.user.status INVALID_VALUE"}},
		{"user username too long", func(in body) { in.OrganizationCustomer.User.Username = long(255) },
			[]string{"organizationCustomer.user.username TOO_LONG"}},
		{"roleIds blank", func(in body) { in.RoleIDs[1] = " " }, []string{"roleIds[1] REQUIRED"}},
		{"user role blank", func(in body) { in.OrganizationCustomer.User.Roles[0] = "" }, []string{"organizationCustomer.user.roles[0] REQUIRED"}},

		// The organization.
		{"legalName missing", func(in body) { in.OrganizationCustomer.Organization.LegalName = "" }, []string{org + "legalName REQUIRED"}},
		{"legalName too long", func(in body) { in.OrganizationCustomer.Organization.LegalName = *long(301) }, []string{org + "legalName TOO_LONG"}},
		{"tradingName too long", func(in body) { in.OrganizationCustomer.Organization.TradingName = long(301) }, []string{org + "tradingName TOO_LONG"}},
		{"registrationNumber missing", func(in body) { in.OrganizationCustomer.Organization.RegistrationNumber = "  " },
			[]string{org + "registrationNumber REQUIRED"}},
		{"registrationNumber too long", func(in body) { in.OrganizationCustomer.Organization.RegistrationNumber = *long(101) },
			[]string{org + "registrationNumber TOO_LONG"}},
		{"taxId too long", func(in body) { in.OrganizationCustomer.Organization.TaxID = long(101) }, []string{org + "taxId TOO_LONG"}},
		{"incorporationDate in the future", func(in body) { in.OrganizationCustomer.Organization.IncorporationDate = ptr("2026-11-23") },
			[]string{org + "incorporationDate DATE_IN_FUTURE"}},
		{"incorporationDate today", func(in body) { in.OrganizationCustomer.Organization.IncorporationDate = ptr("2026-11-22") }, nil},
		{"incorporationDate not a date", func(in body) { in.OrganizationCustomer.Organization.IncorporationDate = ptr("2015-02-30") },
			[]string{org + "incorporationDate INVALID_DATE"}},
		{"legalForm unknown", func(in body) { in.OrganizationCustomer.Organization.LegalForm = ptr("LLC") }, []string{org + "legalForm INVALID_VALUE"}},
		{"legalForm lower case", func(in body) { in.OrganizationCustomer.Organization.LegalForm = ptr(" other ") }, nil},
		{"industry unknown", func(in body) { in.OrganizationCustomer.Organization.Industry = ptr("BANKING") }, []string{org + "industry INVALID_VALUE"}},
		{"businessType unknown", func(in body) { in.OrganizationCustomer.Organization.BusinessType = ptr("B2G") },
			[]string{org + "businessType INVALID_VALUE"}},
		{"businessDescription too long", func(in body) { in.OrganizationCustomer.Organization.BusinessDescription = long(2001) },
			[]string{org + "businessDescription TOO_LONG"}},
		{"website without scheme", func(in body) { in.OrganizationCustomer.Organization.Website = ptr("acmecorp.com") },
			[]string{org + "website INVALID_URL"}},
		{"website too long", func(in body) {
			in.OrganizationCustomer.Organization.Website = ptr("https://acmecorp.com/" + *long(2040))
		},
			[]string{org + "website TOO_LONG"}},
		{"email invalid", func(in body) { in.OrganizationCustomer.Organization.Email = ptr("admin at acmecorp.com") },
			[]string{org + "email INVALID_EMAIL"}},
		{"phone invalid", func(in body) { in.OrganizationCustomer.Organization.Phone = ptr("+370123") }, []string{org + "phone INVALID_PHONE"}},
		{"phone national, read in the address's country", func(in body) { in.OrganizationCustomer.Organization.Phone = ptr("8 600 12345") }, nil},
		{"no address", func(in body) { in.OrganizationCustomer.Organization.Addresses = nil }, []string{org + "addresses REQUIRED"}},
		{"address country unknown, second primary", func(in body) {
			o := in.OrganizationCustomer.Organization
			o.Addresses = append(o.Addresses, AddressInput{Street: "1 Side St", City: "Riga", Country: "Atlantis", IsPrimary: true})
		}, []string{org + "addresses[1].country UNKNOWN_COUNTRY", org + "addresses[1].isPrimary MULTIPLE_PRIMARY"}},
		{"address street missing", func(in body) { in.OrganizationCustomer.Organization.Addresses[0].Street = "" },
			[]string{org + "addresses[0].street REQUIRED"}},
		{"contacts: two primary e-mails, bad phone", func(in body) {
			in.OrganizationCustomer.Organization.Contacts = []ContactInput{
				{Type: "EMAIL", Value: "a@acmecorp.com", IsPrimary: true},
				{Type: "email", Value: "b@acmecorp.com", IsPrimary: true},
				{Type: "PHONE", Value: "12", IsPrimary: true},
				{Type: "PIGEON", Value: "x"},
			}
		}, []string{org + "contacts[1].isPrimary MULTIPLE_PRIMARY", org + "contacts[2].value INVALID_PHONE",
			org + "contacts[3].type INVALID_VALUE"}},

		// Representatives.
		{"representative names missing", func(in body) {
			r := &in.OrganizationCustomer.Organization.Representatives[0]
			r.FirstName, r.LastName = "", " "
		}, []string{rep0 + "firstName REQUIRED", rep0 + "lastName REQUIRED"}},
		{"representative email invalid", func(in body) { in.OrganizationCustomer.Organization.Representatives[0].Email = ptr("x@") },
			[]string{rep0 + "email INVALID_EMAIL"}},
		{"representative phone invalid", func(in body) { in.OrganizationCustomer.Organization.Representatives[1].Phone = ptr("555") },
			[]string{rep1 + "phone INVALID_PHONE"}},
		{"representative phone national", func(in body) { in.OrganizationCustomer.Organization.Representatives[1].Phone = ptr("860012348") }, nil},
		{"representative born in the future", func(in body) { in.OrganizationCustomer.Organization.Representatives[0].DateOfBirth = ptr("2027-01-01") },
			[]string{rep0 + "dateOfBirth DATE_IN_FUTURE"}},
		{"representative too young", func(in body) { in.OrganizationCustomer.Organization.Representatives[0].DateOfBirth = ptr("2008-11-23") },
			[]string{rep0 + "dateOfBirth TOO_YOUNG"}},
		{"representative just old enough", func(in body) { in.OrganizationCustomer.Organization.Representatives[0].DateOfBirth = ptr("2008-11-22") }, nil},
		{"representative birth date invalid", func(in body) { in.OrganizationCustomer.Organization.Representatives[0].DateOfBirth = ptr("15/01/1980") },
			[]string{rep0 + "dateOfBirth INVALID_DATE"}},
		{"representative nationality unknown", func(in body) { in.OrganizationCustomer.Organization.Representatives[0].Nationality = ptr("Narnia") },
			[]string{rep0 + "nationality UNKNOWN_COUNTRY"}},
		{"representative gender", func(in body) { in.OrganizationCustomer.Organization.Representatives[0].Gender = 2 }, nil},
		{"representative gender invalid", func(in body) { in.OrganizationCustomer.Organization.Representatives[0].Gender = "X" },
			[]string{rep0 + "gender INVALID_GENDER"}},
		{"representative position missing", func(in body) { in.OrganizationCustomer.Organization.Representatives[0].Position = nil },
			[]string{rep0 + "position REQUIRED"}},
		{"representative position unknown", func(in body) { in.OrganizationCustomer.Organization.Representatives[0].Position = ptr("KING") },
			[]string{rep0 + "position INVALID_VALUE"}},
		{"ownership share negative", func(in body) { in.OrganizationCustomer.Organization.Representatives[0].OwnershipShare = ptr(-1.0) },
			[]string{rep0 + "ownershipShare OWNERSHIP_SHARE_OUT_OF_RANGE"}},
		{"ownership share above 100, not counted in the total", func(in body) {
			in.OrganizationCustomer.Organization.Representatives[0].OwnershipShare = ptr(100.5)
		}, []string{rep0 + "ownershipShare OWNERSHIP_SHARE_OUT_OF_RANGE"}},
		{"two primary owners", func(in body) { in.OrganizationCustomer.Organization.Representatives[0].IsPrimaryOwner = ptr(true) },
			[]string{rep1 + "isPrimaryOwner MULTIPLE_PRIMARY_OWNERS"}},
		{"shares above 100 together", func(in body) { in.OrganizationCustomer.Organization.Representatives[0].OwnershipShare = ptr(40.01) },
			[]string{org + "representatives OWNERSHIP_TOTAL_EXCEEDED"}},
		{"shares exactly 100 together", func(in body) {
			rs := in.OrganizationCustomer.Organization.Representatives
			rs[0].OwnershipShare, rs[1].OwnershipShare = ptr(33.33), ptr(33.33)
			in.OrganizationCustomer.Organization.Representatives = append(rs, RepresentativeInput{FirstName: "C", LastName: "D",
				Position: ptr("shareholder"), OwnershipShare: ptr(33.34)})
		}, nil},
		{"too many representatives", func(in body) {
			in.OrganizationCustomer.Organization.Representatives = make([]RepresentativeInput, schematype.MaxMembers+1)
		}, []string{org + "representatives TOO_MANY"}},

		// Employees.
		{"employee without person", func(in body) { in.OrganizationCustomer.Employees[0].Person = nil }, []string{emp + "person REQUIRED"}},
		{"employee person name missing", func(in body) { in.OrganizationCustomer.Employees[0].Person.FirstName = "" },
			[]string{emp + "person.firstName REQUIRED"}},
		{"employee without address or birth date", func(in body) {
			e := &in.OrganizationCustomer.Employees[0]
			e.Addresses, e.Person.DateOfBirth = nil, nil
		}, nil},
		{"employee too young", func(in body) { in.OrganizationCustomer.Employees[0].Person.DateOfBirth = ptr("2010-01-01") },
			[]string{emp + "person.dateOfBirth TOO_YOUNG"}},
		{"employee gender code invalid", func(in body) { in.OrganizationCustomer.Employees[0].Person.Gender = 3.0 },
			[]string{emp + "person.gender INVALID_GENDER"}},
		{"employee addresses merged: two primaries", func(in body) {
			e := &in.OrganizationCustomer.Employees[0]
			e.Person.Addresses = []AddressInput{{Street: "1 Home St", City: "Kaunas", Country: "LT", IsPrimary: true}}
		}, []string{emp + "addresses[0].isPrimary MULTIPLE_PRIMARY"}},
		{"employee address country unknown", func(in body) { in.OrganizationCustomer.Employees[0].Addresses[0].Country = "ZZ" },
			[]string{emp + "addresses[0].country UNKNOWN_COUNTRY"}},
		{"employee role blank", func(in body) { in.OrganizationCustomer.Employees[0].Role = ptr(" ") }, []string{emp + "role REQUIRED"}},
		{"employee roles blank", func(in body) { in.OrganizationCustomer.Employees[0].Roles[1] = "" }, []string{emp + "roles[1] REQUIRED"}},
		{"employee department too long", func(in body) { in.OrganizationCustomer.Employees[0].Department = long(201) },
			[]string{emp + "department TOO_LONG"}},
		{"telephone number missing", func(in body) { in.OrganizationCustomer.Employees[0].TelephoneNumbers[0].Number = "" },
			[]string{tel0 + "number REQUIRED"}},
		{"telephone number invalid", func(in body) { in.OrganizationCustomer.Employees[0].TelephoneNumbers[0].Number = "+3706789" },
			[]string{tel0 + "number INVALID_PHONE"}},
		{"telephone national, in its country", func(in body) {
			tn := &in.OrganizationCustomer.Employees[0].TelephoneNumbers[0]
			tn.Number, tn.Country = "867890124", ptr("Lithuania")
		}, nil},
		{"telephone national, in another country", func(in body) {
			tn := &in.OrganizationCustomer.Employees[0].TelephoneNumbers[0]
			tn.Number, tn.Country = "867890124", ptr("US")
		}, []string{tel0 + "number INVALID_PHONE"}},
		{"telephone national, no country: the person's address", func(in body) {
			tn := &in.OrganizationCustomer.Employees[0].TelephoneNumbers[0]
			tn.Number, tn.Country = "867890124", nil
		}, nil},
		{"telephone national, no country nor address: the nationality", func(in body) {
			e := &in.OrganizationCustomer.Employees[0]
			e.Addresses, e.TelephoneNumbers[0].Number, e.TelephoneNumbers[0].Country = nil, "867890124", nil
		}, nil},
		{"telephone country unknown", func(in body) { in.OrganizationCustomer.Employees[0].TelephoneNumbers[0].Country = ptr("Moon") },
			[]string{tel0 + "country UNKNOWN_COUNTRY"}},
		{"telephone type by name", func(in body) { in.OrganizationCustomer.Employees[0].TelephoneNumbers[0].PhoneType = "fax" }, nil},
		{"telephone type code out of range", func(in body) { in.OrganizationCustomer.Employees[0].TelephoneNumbers[0].PhoneType = 3 },
			[]string{tel0 + "phoneType INVALID_VALUE"}},
		{"telephone type fractional", func(in body) { in.OrganizationCustomer.Employees[0].TelephoneNumbers[0].PhoneType = 1.5 },
			[]string{tel0 + "phoneType INVALID_VALUE"}},
		{"telephone type unknown name", func(in body) { in.OrganizationCustomer.Employees[0].TelephoneNumbers[0].PhoneType = "PAGER" },
			[]string{tel0 + "phoneType INVALID_VALUE"}},
		{"telephone type of another kind", func(in body) { in.OrganizationCustomer.Employees[0].TelephoneNumbers[0].PhoneType = true },
			[]string{tel0 + "phoneType INVALID_VALUE"}},
		{"telephone operator and purpose too long", func(in body) {
			tn := &in.OrganizationCustomer.Employees[0].TelephoneNumbers[0]
			tn.Operator, tn.Purpose = long(101), long(101)
		}, []string{tel0 + "operator TOO_LONG", tel0 + "purpose TOO_LONG"}},
		{"two primary mobiles, one primary phone", func(in body) {
			e := &in.OrganizationCustomer.Employees[0]
			e.TelephoneNumbers = append(e.TelephoneNumbers,
				TelephoneInput{Number: "+37067890125", PhoneType: json.Number("1"), IsPrimary: true},
				TelephoneInput{Number: "+37052000000", PhoneType: "0", IsPrimary: true})
		}, []string{emp + "telephoneNumbers[1].isPrimary MULTIPLE_PRIMARY"}},
		{"telephone primary next to a person's primary contact", func(in body) {
			e := &in.OrganizationCustomer.Employees[0]
			e.Person.Contacts = []ContactInput{{Type: "MOBILE", Value: "+37067890125", IsPrimary: true}}
		}, []string{tel0 + "isPrimary MULTIPLE_PRIMARY"}},
		{"too many employees", func(in body) { in.OrganizationCustomer.Employees = make([]EmployeeInput, schematype.MaxMembers+1) },
			[]string{"organizationCustomer.employees TOO_MANY"}},

		// Customer-level fields.
		{"customerName too long", func(in body) { in.OrganizationCustomer.CustomerName = long(301) },
			[]string{"organizationCustomer.customerName TOO_LONG"}},
		{"organizationId too long", func(in body) { in.OrganizationID = long(256) }, []string{"organizationId TOO_LONG"}},
		{"tag blank", func(in body) { in.Tags = []string{"vip", " "} }, []string{"tags[1] REQUIRED"}},
		{"too many tags", func(in body) {
			for i := range schematype.MaxTags + 1 {
				in.Tags = append(in.Tags, "t"+strings.Repeat("x", i))
			}
		}, []string{"tags TOO_MANY"}},

		// Everything at once.
		{"several problems", func(in body) {
			in.Email = "bad"
			in.MatchingPassword = "other"
			o := in.OrganizationCustomer.Organization
			o.LegalName, o.RegistrationNumber = "", ""
			o.Website = ptr("ftp://acmecorp.com")
			o.Addresses[0].Country = "Atlantis"
			o.Representatives[0].OwnershipShare = ptr(50.0)
			o.Representatives[0].IsPrimaryOwner = ptr(true)
			o.Representatives[1].Position = ptr("")
			e := &in.OrganizationCustomer.Employees[0]
			e.Person.Gender = "robot"
			e.TelephoneNumbers[0].PhoneType = 9
		}, []string{
			"email INVALID_EMAIL",
			"matchingPassword PASSWORD_MISMATCH",
			org + "legalName REQUIRED",
			org + "registrationNumber REQUIRED",
			org + "website INVALID_URL",
			org + "addresses[0].country UNKNOWN_COUNTRY",
			rep1 + "position REQUIRED",
			rep1 + "isPrimaryOwner MULTIPLE_PRIMARY_OWNERS",
			org + "representatives OWNERSHIP_TOTAL_EXCEEDED",
			emp + "person.gender INVALID_GENDER",
			tel0 + "phoneType INVALID_VALUE",
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := loadOrganization(t, "finhub-organization-employees.json")
			tc.change(&in)
			_, problems := normalizeOrganization(in, today, Settings{MinimumAge: 18})
			want := slices.Clone(tc.want)
			sort.Strings(want)
			if got := problemSet(problems); !slices.Equal(got, want) {
				t.Errorf("problems:\n got  %q\n want %q", got, want)
			}
			for _, p := range problems {
				if p.Code != apperr.BadUserInput || len(p.Field) == 0 {
					t.Errorf("%v: code %s, field %v", p, p.Code, p.Field)
				}
			}
		})
	}
}

func TestOrganizationDefaultsAndRoles(t *testing.T) {
	in := loadOrganization(t, "finhub-organization.json")
	in.OrganizationCustomer.CustomerName = nil
	in.OrganizationCustomer.User.Roles = []string{"admin_user", "rol_01ABC"}
	in.OrganizationID = ptr(" acme-42 ")
	in.Tags = []string{"b2b", "b2b", " vip "}
	out, problems := normalizeOrganization(in, today, Settings{MinimumAge: 18})
	if len(problems) > 0 {
		t.Fatal(problems)
	}
	if out.CustomerName != "Acme Corporation Limited" || out.ExternalReference != "acme-42" ||
		!slices.Equal(out.Tags, []string{"b2b", "vip"}) || out.Email != "admin@acmecorp-1773494453954-tt92yp.com" {
		t.Errorf("defaults: %q %q %q %q", out.CustomerName, out.ExternalReference, out.Tags, out.Email)
	}
	// Named by the client, ADMIN_USER gets its path; it is not repeated.
	if want := []string{"ACCOUNT_OWNER", "ADMIN", AdminRole, "rol_01ABC"}; !slices.Equal(out.RoleCodes, want) {
		t.Errorf("roles %q, want %q", out.RoleCodes, want)
	}
	if !slices.Equal(out.Requested(), out.RoleCodes) || out.RolePaths[AdminRole].String() != "organizationCustomer.user.roles[0]" {
		t.Errorf("requested %q, paths %v", out.Requested(), out.RolePaths)
	}

	// With no roles at all, ADMIN_USER is granted and nothing is requested,
	// so no unknown-role problem can name a nil path.
	in.RoleIDs, in.OrganizationCustomer.User.Roles = nil, nil
	out, _ = normalizeOrganization(in, today, Settings{MinimumAge: 18})
	if !slices.Equal(out.RoleCodes, []string{AdminRole}) || len(out.Requested()) != 0 || len(out.RolePaths) != 0 {
		t.Errorf("roles %q, requested %q, paths %v", out.RoleCodes, out.Requested(), out.RolePaths)
	}
	for _, ref := range out.Requested() {
		if len(out.RolePaths[ref]) == 0 {
			t.Errorf("%s has no path", ref)
		}
	}
}

func TestCheckOwnershipAgainstStored(t *testing.T) {
	input := apperr.Path{"input"}
	stored := []Ownership{{Share: 60, IsPrimaryOwner: true}, {Share: 30}}
	cases := []struct {
		name     string
		existing []Ownership
		added    []Ownership
		want     []string
	}{
		{"fits", stored, []Ownership{{Share: 10, Path: input}}, nil},
		{"total exceeded", stored, []Ownership{{Share: 10.5, Path: input}}, []string{"input OWNERSHIP_TOTAL_EXCEEDED"}},
		{"second primary", stored, []Ownership{{IsPrimaryOwner: true, Path: input}}, []string{"input.isPrimaryOwner MULTIPLE_PRIMARY_OWNERS"}},
		{"out of range", stored, []Ownership{{Share: 101, Path: input}}, []string{"input.ownershipShare OWNERSHIP_SHARE_OUT_OF_RANGE"}},
		// Stored rows that break a rule already are never reported on.
		{"stored ones not reported", []Ownership{{Share: 70, IsPrimaryOwner: true}, {Share: 70, IsPrimaryOwner: true}},
			[]Ownership{{Share: 0, Path: input}}, []string{"input OWNERSHIP_TOTAL_EXCEEDED"}},
		{"update: the changed one left out of existing", []Ownership{{Share: 30}}, []Ownership{{Share: 70, IsPrimaryOwner: true, Path: input}}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := problemSet(checkOwnership(tc.existing, tc.added, input)); !slices.Equal(got, tc.want) {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestOwnershipHelpers(t *testing.T) {
	for share, want := range map[float64]bool{0: false, 24.99: false, 25: true, 49: true, 60: true, 100: true} {
		if IsBeneficialOwner(share) != want {
			t.Errorf("IsBeneficialOwner(%v) = %v", share, !want)
		}
	}
	for _, p := range []string{"DIRECTOR", "managing_director", "CEO", "CFO", "COO", "CHAIRMAN", "SECRETARY"} {
		if !IsDirector(p) {
			t.Errorf("IsDirector(%s) = false", p)
		}
	}
	for _, p := range []string{"SHAREHOLDER", "BENEFICIAL_OWNER", "PARTNER", "AUTHORIZED_SIGNATORY", "OTHER", ""} {
		if IsDirector(p) {
			t.Errorf("IsDirector(%s) = true", p)
		}
	}
	if IsShareholder(0) || !IsShareholder(0.01) {
		t.Error("IsShareholder")
	}
}

func TestParsePhoneType(t *testing.T) {
	for _, tc := range []struct {
		in   any
		want string
		ok   bool
	}{
		{nil, "PHONE", true}, {"", "PHONE", true}, {(*string)(nil), "PHONE", true},
		{0, "PHONE", true}, {1, "MOBILE", true}, {2, "FAX", true},
		{float64(1), "MOBILE", true}, {json.Number("2"), "FAX", true}, {json.Number("1.0"), "MOBILE", true},
		{"1", "MOBILE", true}, {" mobile ", "MOBILE", true}, {ptr("Fax"), "FAX", true}, {"PHONE", "PHONE", true},
		{int8(0), "PHONE", true}, {uint64(2), "FAX", true}, {float32(1), "MOBILE", true},
		{3, "PHONE", false}, {-1, "PHONE", false}, {1.5, "PHONE", false}, {"+1", "PHONE", false},
		{"01x", "PHONE", false}, {"LANDLINE", "PHONE", false}, {uint64(1 << 63), "PHONE", false},
		{json.Number("1e9"), "PHONE", false}, {true, "PHONE", false}, {[]int{1}, "PHONE", false},
	} {
		got, ok := parsePhoneType(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("parsePhoneType(%#v) = %s, %v; want %s, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}
