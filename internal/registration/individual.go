package registration

import (
	"slices"
	"strings"
	"time"

	"onboard/internal/apperr"
	"onboard/internal/values"
)

// Individual is a validated, normalized individual registration. It holds
// the password only until it is hashed; it is never logged or returned.
type Individual struct {
	CustomerName      string
	LoginEmail        string
	Username          string
	Password          string
	UserStatus        string
	IsActive          bool
	RequiresChange    bool
	TwoFactor         bool
	RoleCodes         []string // role codes or role node ids
	RolePaths         map[string]apperr.Path
	Person            Person
	ExternalReference string
	Tags              []string
}

// normalizeIndividual checks every rule that needs no database and returns
// all the problems at once. The e-mail rules: the top-level email is the
// login; user.email, when given, must be the same address; person.email is
// a contact address that may differ.
func normalizeIndividual(in IndividualInput, now time.Time, minAge int) (Individual, apperr.List) {
	c := &checker{}
	out := Individual{RolePaths: map[string]apperr.Path{}, UserStatus: "PENDING_ACTIVATION"}
	out.LoginEmail = c.email(apperr.Path{"email"}, in.Email)

	if in.Password == "" {
		c.problems.Invalid(apperr.Path{"password"}, values.ReasonRequired, "password is required")
	} else {
		for _, p := range values.CheckPassword(in.Password) {
			c.problems.Invalid(apperr.Path{"password"}, p.Reason, p.Message)
		}
	}
	if in.MatchingPassword != in.Password {
		c.problems.Invalid(apperr.Path{"matchingPassword"}, "PASSWORD_MISMATCH", "matchingPassword must equal password")
	}
	out.Password = in.Password

	customer := in.Customer
	if customer == nil {
		c.problems.Invalid(apperr.Path{"individualCustomer"}, values.ReasonRequired, "individualCustomer is required")
		customer = &IndividualCustomer{}
	}
	personPath := apperr.Path{"individualCustomer", "person"}
	if customer.Person == nil {
		if in.Customer != nil {
			c.problems.Invalid(personPath, values.ReasonRequired, "individualCustomer.person is required")
		}
		out.Person = Person{Email: out.LoginEmail}
	} else {
		out.Person = c.person(personPath, *customer.Person, out.LoginEmail, now, minAge)
	}

	// The top-level name and phone repeat the person's.
	// A person name that is missing or invalid is already reported.
	if in.FirstName != nil && out.Person.FirstName != "" && c.text(apperr.Path{"firstName"}, in.FirstName, maxName) != out.Person.FirstName {
		c.problems.Invalid(apperr.Path{"firstName"}, "NAME_MISMATCH", "firstName must equal individualCustomer.person.firstName")
	}
	if in.LastName != nil && out.Person.LastName != "" && c.text(apperr.Path{"lastName"}, in.LastName, maxName) != out.Person.LastName {
		c.problems.Invalid(apperr.Path{"lastName"}, "NAME_MISMATCH", "lastName must equal individualCustomer.person.lastName")
	}
	if in.Phone != nil && strings.TrimSpace(*in.Phone) != "" {
		region := out.Person.Nationality
		if a := primaryAddress(out.Person.Addresses); a != nil {
			region = a.Country
		}
		out.Person.Phone = c.phone(apperr.Path{"phone"}, *in.Phone, region)
	}

	out.CustomerName = c.text(apperr.Path{"individualCustomer", "customerName"}, customer.CustomerName, maxCustomerName)
	if out.CustomerName == "" {
		full := strings.Join(strings.Fields(out.Person.FirstName+" "+out.Person.MiddleName+" "+out.Person.LastName), " ")
		out.CustomerName = truncate(full, maxCustomerName)
	}

	out.Username = out.LoginEmail
	for i, code := range in.RoleIDs {
		out.addRole(c, apperr.Path{"roleIds", i}, code)
	}
	if u := customer.User; u != nil {
		up := apperr.Path{"individualCustomer", "user"}
		if u.Username != nil && strings.TrimSpace(*u.Username) != "" {
			out.Username = strings.ToLower(c.required(up.With("username"), *u.Username, maxEmail))
		}
		if u.Email != nil && strings.TrimSpace(*u.Email) != "" {
			if e := c.email(up.With("email"), *u.Email); e != "" && out.LoginEmail != "" && e != out.LoginEmail {
				c.problems.Invalid(up.With("email"), "EMAIL_MISMATCH", "user.email must be the login email")
			}
		}
		if u.Password != nil && *u.Password != in.Password {
			c.problems.Invalid(up.With("password"), "PASSWORD_MISMATCH", "user.password must equal password")
		}
		if u.Status != nil {
			out.UserStatus = c.oneOf(up.With("status"), *u.Status, userStatuses, "PENDING_ACTIVATION")
		}
		out.IsActive = u.IsActive != nil && *u.IsActive
		out.RequiresChange = u.RequiresPasswordChange != nil && *u.RequiresPasswordChange
		out.TwoFactor = u.TwoFactorEnabled != nil && *u.TwoFactorEnabled
		for i, code := range u.Roles {
			out.addRole(c, up.With("roles", i), code)
		}
	}

	out.ExternalReference = c.text(apperr.Path{"externalReference"}, in.ExternalReference, maxRef)
	if len(in.Tags) > maxTags {
		c.problems.Invalid(apperr.Path{"tags"}, "TOO_MANY", "too many tags")
	}
	for i, tag := range in.Tags {
		if t := c.required(apperr.Path{"tags", i}, tag, maxTag); t != "" && !slices.Contains(out.Tags, t) {
			out.Tags = append(out.Tags, t)
		}
	}
	return out, c.problems
}

// addRole records a role reference (a role code, or a role's node id) once,
// remembering where it was first named so that an unknown role is reported
// on that path. Codes are upper-cased; ids are kept as they are.
func (out *Individual) addRole(c *checker, path apperr.Path, ref string) {
	v := c.required(path, ref, 64)
	if !strings.HasPrefix(v, rolePrefix) {
		v = strings.ToUpper(v)
	}
	if v == "" || slices.Contains(out.RoleCodes, v) {
		return
	}
	out.RoleCodes = append(out.RoleCodes, v)
	out.RolePaths[v] = path
}
