package registration

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"onboard/ent"
	"onboard/internal/apperr"
	"onboard/internal/apperr/vocab"
	"onboard/internal/values"
	"onboard/schema/schematype"
)

const opRegisterOrganization = "registerOrganization"

// RegisterOrganization registers an organization customer: the
// organization with its addresses, contacts and representatives, the admin
// user (also the first employee), the other employees and the category's
// features, with every problem reported at once. The admin holds
// ADMIN_USER when the registration may grant it (a back office holding
// customers:manage, or a tenant that made it self-assignable); otherwise
// the organization has no ADMIN_USER until updateEmployee grants one, and
// its requirements list one as due (internal/onboarding).
func (s *Service) RegisterOrganization(ctx context.Context, origin Origin, in OrganizationInput) (*Result, error) {
	return s.register(ctx, origin, newOrganizationKind(in))
}

func newOrganizationKind(in OrganizationInput) *organizationKind {
	var detail *Categorization
	if in.OrganizationCustomer != nil {
		detail = in.OrganizationCustomer.Categorization
	}
	return &organizationKind{request: newRequest(opRegisterOrganization, schematype.CustomerTypeOrganization, in.Password,
		in.withoutPasswords(), in.CustomerCategory, detail, "organizationCustomer"), in: in}
}

// organizationKind is the organization's part of the registration plan.
type organizationKind struct {
	request
	in            OrganizationInput
	org           Organization
	adminRoles    []string
	employeeRoles [][]string
}

func (k *organizationKind) normalize(now time.Time, settings Settings) apperr.List {
	var problems apperr.List
	k.org, problems = normalizeOrganization(k.in, now, settings)
	return problems
}

// matchRoles resolves the admin's and each employee's roles; a tenant
// without AdminRole cannot register organizations.
func (k *organizationKind) matchRoles(roles []*ent.Role, backOffice bool, problems *apperr.List) error {
	k.adminRoles = matchRoles(roles, k.org.Roles, defaultAdminRoles, backOffice, problems)
	if !slices.ContainsFunc(roles, func(r *ent.Role) bool { return r.Code == AdminRole }) {
		return fmt.Errorf("the tenant has no %s role", AdminRole)
	}
	k.employeeRoles = make([][]string, len(k.org.Employees))
	for i, e := range k.org.Employees {
		k.employeeRoles[i] = matchRoles(roles, e.Roles, defaultEmployeeRoles, backOffice, problems)
	}
	return nil
}

func (k *organizationKind) write(ctx context.Context, tx *ent.Tx, w customerWrite) error {
	return writeOrganization(ctx, tx, k.org, k.adminRoles, k.employeeRoles, w)
}

func (k *organizationKind) fieldOf(column string) apperr.Path {
	return conflictField(k.org.Login, apperr.Path{"organizationCustomer", "user"}, map[string]apperr.Path{
		"registration_number": {"organizationCustomer", "organization", "registrationNumber"},
		"external_reference":  {"organizationId"},
	})(column)
}

// defaultAdminRoles are given to the registering admin when the request
// names no role, besides ADMIN_USER; defaultEmployeeRoles to an employee
// with none.
var (
	defaultAdminRoles    = []string{"ACCOUNT_OWNER"}
	defaultEmployeeRoles = []string{"EMPLOYEE"}
)

// AdminRole is the role code of an organization's administrator: the
// registering user asks for it (granted as matchRoles allows), and once an
// employee holds it the organization keeps one (requireAnotherAdmin).
const AdminRole = "ADMIN_USER"

// Organization is a validated, normalized organization registration. Its
// Login is the registering admin user; RoleCodes always include AdminRole,
// which has no entry in RolePaths (the client never named it, so matchRoles
// never reports it).
type Organization struct {
	Login
	Who
	// CustomerName is the customer's display name (default: LegalName).
	CustomerName string
	// ExternalReference is the client's organizationId.
	ExternalReference string
	Tags              []string

	LegalName          string
	TradingName        string
	RegistrationNumber string
	TaxID              string
	IncorporationDate  *time.Time
	// LegalForm, Industry and BusinessType are ent enum values, or "".
	LegalForm    string
	Industry     string
	BusinessType string
	// Description is the request's businessDescription.
	Description string
	Website     string
	Email       string
	// Phone is E.164.
	Phone     string
	Addresses []Address
	Contacts  []Contact

	Representatives []Representative
	Employees       []Employee
}

// Representative is a validated director, officer or shareholder. Person
// has no addresses, contacts or documents; its Phone is E.164.
type Representative struct {
	Person            Person
	Position          string
	IsPrimaryOwner    bool
	OwnershipShare    float64
	IsBeneficialOwner bool
}

// Employee is a validated employee. Person holds the person's and the
// employee's addresses, and the telephone numbers as contacts; Roles are
// the employee's role and roles together, each with its path.
type Employee struct {
	Person     Person
	Department string
	Roles
}

// normalizeOrganization checks every rule of a registerOrganization request
// that needs no database and returns all the problems at once. The login
// rules are the individual's (see checker.login); a missing
// organizationCustomer or organization is one REQUIRED problem, not one per
// field inside it.
func normalizeOrganization(in OrganizationInput, now time.Time, settings Settings) (Organization, apperr.List) {
	c := &checker{defaultCountry: settings.DefaultCountry}
	minAge := settings.MinimumAge
	cp := apperr.Path{"organizationCustomer"}
	customer := in.OrganizationCustomer
	if customer == nil {
		customer = &OrganizationCustomer{}
	}
	out := Organization{Login: c.login(loginInput{
		Email: in.Email, Password: in.Password, MatchingPassword: in.MatchingPassword,
		RoleIDs: in.RoleIDs, User: customer.User, UserPath: cp.With("user"),
	})}
	out.grant(AdminRole)
	out.Who = c.who(in.InvitedBy, in.CreatedBy, in.Segment)

	switch {
	case in.OrganizationCustomer == nil:
		c.problems.Invalid(cp, vocab.ReasonRequired, msgRequired)
	case customer.Organization == nil:
		c.problems.Invalid(cp.With("organization"), vocab.ReasonRequired, msgRequired)
	default:
		c.organization(cp.With("organization"), *customer.Organization, now, minAge, &out)
	}

	out.CustomerName = c.text(cp.With("customerName"), customer.CustomerName, schematype.MaxCustomerNameLen)
	if out.CustomerName == "" {
		out.CustomerName = truncate(out.LegalName, schematype.MaxCustomerNameLen)
	}

	ep := cp.With("employees")
	if len(customer.Employees) > schematype.MaxMembers {
		c.problems.Invalid(ep, vocab.ReasonTooMany, "too many employees")
	} else {
		region := c.addressRegion(out.Addresses)
		for i, e := range customer.Employees {
			out.Employees = append(out.Employees, c.employee(ep.With(i), e, region, now, minAge))
		}
	}

	out.ExternalReference = c.text(apperr.Path{"organizationId"}, in.OrganizationID, schematype.MaxReferenceLen)
	out.Tags = c.tags(apperr.Path{"tags"}, in.Tags)
	return out, c.problems
}

// organization validates the organization object at path into out.
func (c *checker) organization(path apperr.Path, in OrganizationDetails, now time.Time, minAge int, out *Organization) {
	c.organizationFields(path, in, now, out)

	c.addresses(&out.Addresses, true, addressList{path: path.With("addresses"), in: in.Addresses})
	region := c.addressRegion(out.Addresses)
	if nonBlank(in.Phone) {
		out.Phone = c.phone(path.With("phone"), *in.Phone, region)
	}
	c.contacts(path.With("contacts"), in.Contacts, region, &out.Contacts)

	rp := path.With("representatives")
	if len(in.Representatives) > schematype.MaxMembers {
		c.problems.Invalid(rp, vocab.ReasonTooMany, "too many representatives")
		return
	}
	stakes := make([]Ownership, 0, len(in.Representatives))
	for i, r := range in.Representatives {
		rep := c.representative(rp.With(i), r, region, now, minAge)
		out.Representatives = append(out.Representatives, rep)
		stakes = append(stakes, Ownership{Share: rep.OwnershipShare, IsPrimaryOwner: rep.IsPrimaryOwner, Path: rp.With(i)})
	}
	c.problems = append(c.problems, checkOwnership(nil, stakes, rp)...)
}

// organizationFields validates the organization's own fields at path into
// out: all but its addresses, phone, contacts and representatives (an
// update checks these against what it keeps).
func (c *checker) organizationFields(path apperr.Path, in OrganizationDetails, now time.Time, out *Organization) {
	out.LegalName = c.required(path.With("legalName"), in.LegalName, schematype.MaxLegalNameLen)
	out.TradingName = c.text(path.With("tradingName"), in.TradingName, schematype.MaxLegalNameLen)
	out.RegistrationNumber = c.required(path.With("registrationNumber"), in.RegistrationNumber, schematype.MaxRegistrationNumberLen)
	out.TaxID = c.text(path.With("taxId"), in.TaxID, schematype.MaxTaxIDLen)
	if in.IncorporationDate != nil {
		dp := path.With("incorporationDate")
		d, err := values.ParseDate(*in.IncorporationDate)
		if err == nil {
			err = values.CheckNotFuture(d, now)
		}
		if err != nil {
			c.fail(dp, err)
		} else {
			out.IncorporationDate = &d
		}
	}
	out.LegalForm = c.oneOf(path.With("legalForm"), deref(in.LegalForm), schematype.LegalForms, "")
	out.Industry = c.oneOf(path.With("industry"), deref(in.Industry), schematype.Industries, "")
	out.BusinessType = c.oneOf(path.With("businessType"), deref(in.BusinessType), schematype.BusinessTypes, "")
	out.Description = c.multiline(path.With("businessDescription"), in.BusinessDescription, schematype.MaxDescriptionLen)
	if w := c.text(path.With("website"), in.Website, schematype.MaxWebsiteLen); w != "" {
		v, err := values.ParseWebsite(w)
		if err != nil {
			c.fail(path.With("website"), err)
		}
		out.Website = v
	}
	if nonBlank(in.Email) {
		out.Email = c.email(path.With("email"), *in.Email)
	}
}

// representative validates one representative at path, except the
// ownership rules that concern all of them (checkOwnership). orgRegion is
// the organization's country, for a phone in national form when the
// representative gives no nationality.
func (c *checker) representative(path apperr.Path, in RepresentativeInput, orgRegion string, now time.Time, minAge int) Representative {
	person := c.personWith(path, PersonInput{
		FirstName: in.FirstName, MiddleName: in.MiddleName, LastName: in.LastName,
		Email: in.Email, DateOfBirth: in.DateOfBirth, Gender: in.Gender, Nationality: in.Nationality,
	}, personRules{now: now, minAge: minAge})
	if nonBlank(in.Phone) {
		region := person.Nationality
		if region == "" {
			region = orgRegion
		}
		person.Phone = c.phone(path.With("phone"), *in.Phone, region)
	}
	rep := Representative{Person: person, IsPrimaryOwner: in.IsPrimaryOwner != nil && *in.IsPrimaryOwner}
	if strings.TrimSpace(deref(in.Position)) == "" {
		c.problems.Invalid(path.With("position"), vocab.ReasonRequired, msgRequired)
	} else {
		rep.Position = c.oneOf(path.With("position"), *in.Position, schematype.RepresentativePositions, "")
	}
	if in.OwnershipShare != nil {
		rep.OwnershipShare = *in.OwnershipShare
	}
	rep.IsBeneficialOwner = IsBeneficialOwner(rep.OwnershipShare)
	return rep
}

// employee validates one employee at path. The person is required, but its
// addresses are optional; the employee's own addresses are merged into the
// person's and its telephone numbers become the person's contacts. A phone
// number in national form is read in the entry's country, else the
// person's region, else the organization's (orgRegion).
func (c *checker) employee(path apperr.Path, in EmployeeInput, orgRegion string, now time.Time, minAge int) Employee {
	var out Employee
	more := addressList{path: path.With("addresses"), in: in.Addresses}
	if in.Person == nil {
		c.problems.Invalid(path.With("person"), vocab.ReasonRequired, msgRequired)
		c.addresses(&out.Person.Addresses, false, more)
	} else {
		out.Person = c.personWith(path.With("person"), *in.Person, personRules{now: now, minAge: minAge, moreAddresses: more})
	}
	out.Department = c.text(path.With("department"), in.Department, schematype.MaxDepartmentLen)
	if in.Role != nil {
		out.add(c, path.With("role"), *in.Role)
	}
	if len(in.Roles) > schematype.MaxListLen {
		c.problems.Invalid(path.With("roles"), vocab.ReasonTooMany, "too many roles")
	} else {
		for i, r := range in.Roles {
			out.add(c, path.With("roles", i), r)
		}
	}

	tp := path.With("telephoneNumbers")
	if len(in.TelephoneNumbers) > schematype.MaxListLen {
		c.problems.Invalid(tp, vocab.ReasonTooMany, "too many telephone numbers")
		return out
	}
	region := out.Person.region(orgRegion)
	for j, t := range in.TelephoneNumbers {
		c.telephone(tp.With(j), t, region, &out.Person)
	}
	return out
}

// telephone validates one of an employee's telephone numbers at path and
// appends it to p's contacts.
func (c *checker) telephone(path apperr.Path, in TelephoneInput, region string, p *Person) {
	contact := Contact{
		Operator:  c.text(path.With("operator"), in.Operator, schematype.MaxPhoneDetailLen),
		Purpose:   c.text(path.With("purpose"), in.Purpose, schematype.MaxPhoneDetailLen),
		IsPrimary: in.IsPrimary,
	}
	if nonBlank(in.Country) {
		if country := c.country(path.With("country"), *in.Country); country != "" {
			region = country
		}
	}
	if c.required(path.With("number"), in.Number, schematype.MaxPhoneFieldLen) != "" {
		contact.Value = c.phone(path.With("number"), in.Number, region)
	}
	t, ok := parsePhoneType(in.PhoneType)
	if !ok {
		c.problems.Invalid(path.With("phoneType"), vocab.ReasonInvalidValue, "must be PHONE, MOBILE, FAX or 0, 1, 2")
	}
	contact.Type = t
	c.appendContact(path.With("isPrimary"), contact, &p.Contacts)
}

// phoneTypeCodes are FinHub's numeric phone types.
var phoneTypeCodes = []string{
	0: "PHONE", // a landline
	1: "MOBILE",
	2: "FAX",
}

// parsePhoneType reads an employee telephone number's type: a name (PHONE,
// MOBILE, FAX, any case) or FinHub's numeric code, 0 → PHONE (landline),
// 1 → MOBILE, 2 → FAX, given as any Go integer type, an integral float (what
// encoding/json produces), a json.Number or a string of digits. No type
// (nil or blank) is PHONE. It returns false for anything else, with PHONE.
func parsePhoneType(v any) (string, bool) {
	code := int64(-1)
	switch x := v.(type) {
	case nil:
		return "PHONE", true
	case *string:
		if x == nil {
			return "PHONE", true
		}
		return parsePhoneType(*x)
	case string:
		s := strings.ToUpper(strings.TrimSpace(x))
		switch {
		case s == "":
			return "PHONE", true
		case slices.Contains(phoneTypeCodes, s):
			return s, true
		case len(s) <= 3 && strings.Trim(s, "0123456789") == "":
			code, _ = strconv.ParseInt(s, 10, 64)
		}
	case json.Number:
		if i, err := x.Int64(); err == nil {
			code = i
		} else if f, err := x.Float64(); err == nil && f == math.Trunc(f) && math.Abs(f) < 10 {
			code = int64(f)
		}
	case int:
		code = int64(x)
	case int8:
		code = int64(x)
	case int16:
		code = int64(x)
	case int32:
		code = int64(x)
	case int64:
		code = x
	case uint:
		code = uintCode(uint64(x))
	case uint8:
		code = int64(x)
	case uint16:
		code = int64(x)
	case uint32:
		code = int64(x)
	case uint64:
		code = uintCode(x)
	case float32:
		code = floatCode(float64(x))
	case float64:
		code = floatCode(x)
	}
	if code >= 0 && code < int64(len(phoneTypeCodes)) {
		return phoneTypeCodes[code], true
	}
	return "PHONE", false
}

func uintCode(u uint64) int64 {
	if u > 9 {
		return -1
	}
	return int64(u)
}

func floatCode(f float64) int64 {
	if math.IsNaN(f) || f != math.Trunc(f) || f < 0 || f > 9 {
		return -1
	}
	return int64(f)
}
