package registration

import (
	"errors"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"onboard/internal/apperr"
	"onboard/internal/values"
)

// Field length limits: generous for real data, small enough that nothing
// oversized reaches the database (where it would be INTERNAL).
const (
	maxName         = 100
	maxEmail        = 254
	maxStreet       = 200
	maxCity         = 100
	maxPostal       = 20
	maxState        = 100
	maxDocument     = 64
	maxTag          = 64
	maxTags         = 50
	maxListLen      = 20
	maxRef          = 255
	maxCustomerName = 300
	maxParamValue   = 1000
)

var (
	addressTypes  = []string{"HOME", "WORK", "MAILING", "BILLING", "REGISTERED", "REGISTERED_OFFICE", "BUSINESS", "TRADING", "OTHER"}
	contactTypes  = []string{"EMAIL", "PHONE", "MOBILE", "FAX", "WEBSITE", "OTHER"}
	documentTypes = []string{"PASSPORT", "DRIVERS_LICENSE", "NATIONAL_ID", "OTHER"}
	userStatuses  = []string{"PENDING_ACTIVATION", "ACTIVE"}
)

// Person is a validated, normalized person.
type Person struct {
	FirstName, MiddleName, LastName string
	Email, Phone                    string
	DateOfBirth                     *time.Time
	Gender                          string
	Nationality, PlaceOfBirth       string
	Addresses                       []Address
	Contacts                        []Contact
	Documents                       []Document
}

// Address is a validated address.
type Address struct {
	Type, Street, Line2, City, State, PostalCode, Country string
	IsPrimary                                             bool
}

// Contact is a validated contact with its value normalized. Operator and
// Purpose come only with an employee's telephone numbers.
type Contact struct {
	Type, Value       string
	IsPrimary         bool
	Operator, Purpose string
}

// Document is a validated identity document.
type Document struct{ Type, Number, IssuingCountry string }

// checker collects problems while normalizing values.
type checker struct {
	problems apperr.List
}

func (c *checker) fail(path apperr.Path, err error) {
	var p *values.Problem
	msg := "invalid value"
	if errors.As(err, &p) {
		msg = p.Message
	}
	c.problems.Invalid(path, values.ReasonOf(err), path.String()+": "+msg)
}

// text cleans an optional string (nil and blank give "").
func (c *checker) text(path apperr.Path, s *string, max int) string {
	if s == nil {
		return ""
	}
	v, err := values.CleanString(*s, max)
	if err != nil {
		c.fail(path, err)
	}
	return v
}

// multiline cleans an optional multi-line text (a description), which may
// keep inner line feeds and tabs (values.CleanMultiline).
func (c *checker) multiline(path apperr.Path, s *string, max int) string {
	if s == nil {
		return ""
	}
	v, err := values.CleanMultiline(*s, max)
	if err != nil {
		c.fail(path, err)
	}
	return v
}

// required cleans a required string.
func (c *checker) required(path apperr.Path, s string, max int) string {
	v, err := values.CleanString(s, max)
	if err != nil {
		c.fail(path, err)
		return ""
	}
	if v == "" {
		c.problems.Invalid(path, values.ReasonRequired, path.String()+" is required")
	}
	return v
}

func (c *checker) email(path apperr.Path, s string) string {
	if c.required(path, s, maxEmail) == "" {
		return ""
	}
	v, err := values.ParseEmail(s)
	if err != nil {
		c.fail(path, err)
	}
	return v
}

func (c *checker) country(path apperr.Path, s string) string {
	v, err := values.ParseCountry(s)
	if err != nil {
		c.fail(path, err)
	}
	return v
}

func (c *checker) phone(path apperr.Path, s, region string) string {
	v, err := values.ParsePhone(s, region)
	if err != nil {
		c.fail(path, err)
	}
	return v
}

// oneOf upper-cases s and checks it against allowed.
func (c *checker) oneOf(path apperr.Path, s string, allowed []string, def string) string {
	v := strings.ToUpper(strings.TrimSpace(s))
	if v == "" {
		return def
	}
	if !slices.Contains(allowed, v) {
		c.problems.Invalid(path, "INVALID_VALUE", path.String()+" must be one of "+strings.Join(allowed, ", "))
	}
	return v
}

// person validates a person at path; loginEmail is the default contact
// e-mail. The person needs at least one address.
func (c *checker) person(path apperr.Path, in PersonInput, loginEmail string, now time.Time, minAge int) Person {
	return c.personWith(path, in, personRules{loginEmail: loginEmail, now: now, minAge: minAge, requireAddress: true})
}

// personRules says how checker.personWith treats a person.
type personRules struct {
	// loginEmail is the contact e-mail when the person gives none.
	loginEmail string
	now        time.Time
	// minAge applies to a date of birth when one is given (no check when <= 0).
	minAge int
	// requireAddress makes "no address at all" a REQUIRED problem on the
	// person's addresses.
	requireAddress bool
	// moreAddresses are validated after the person's own addresses and
	// merged into them, under the same primary rules (an employee's
	// addresses sit next to the person).
	moreAddresses addressList
}

// personWith validates a person at path under rules. The date of birth,
// gender, nationality, addresses (unless required), contacts and documents
// are optional; names are required.
func (c *checker) personWith(path apperr.Path, in PersonInput, rules personRules) Person {
	p := Person{
		FirstName:    c.required(path.With("firstName"), in.FirstName, maxName),
		MiddleName:   c.text(path.With("middleName"), in.MiddleName, maxName),
		LastName:     c.required(path.With("lastName"), in.LastName, maxName),
		PlaceOfBirth: c.text(path.With("placeOfBirth"), in.PlaceOfBirth, maxName),
		Email:        rules.loginEmail,
	}
	c.text(path.With("fullName"), in.FullName, 3*maxName) // checked, not stored
	if in.Email != nil && strings.TrimSpace(*in.Email) != "" {
		p.Email = c.email(path.With("email"), *in.Email)
	}
	p.DateOfBirth = c.dateOfBirth(path.With("dateOfBirth"), in.DateOfBirth, rules.now, rules.minAge)
	if in.Gender != nil {
		if g, err := values.ParseGender(in.Gender); err != nil {
			c.fail(path.With("gender"), err)
		} else {
			p.Gender = g
		}
	}
	if in.Nationality != nil && strings.TrimSpace(*in.Nationality) != "" {
		p.Nationality = c.country(path.With("nationality"), *in.Nationality)
	}
	c.addresses(&p.Addresses, rules.requireAddress, addressList{path.With("addresses"), in.Addresses}, rules.moreAddresses)
	c.contacts(path.With("contacts"), in.Contacts, p.region(), &p.Contacts)
	c.documents(path.With("identityDocuments"), in.IdentityDocuments, &p)
	return p
}

// region is the country a person's national-format phone numbers are read
// in: the primary address's country, else the nationality.
func (p *Person) region() string {
	if a := primaryAddress(p.Addresses); a != nil && a.Country != "" {
		return a.Country
	}
	return p.Nationality
}

// dateOfBirth checks an optional date of birth: a real date, not in the
// future, and at least minAge years ago.
func (c *checker) dateOfBirth(path apperr.Path, s *string, now time.Time, minAge int) *time.Time {
	if s == nil {
		return nil
	}
	dob, err := values.ParseDate(*s)
	if err == nil {
		err = values.CheckDateOfBirth(dob, now, minAge)
	}
	if err != nil {
		c.fail(path, err)
		return nil
	}
	return &dob
}

// addressList is a list of addresses as given at path.
type addressList struct {
	path apperr.Path
	in   []AddressInput
}

// addresses validates the lists and appends their addresses to into, in
// order. Of all of into, at most one address may be primary (every later
// one is MULTIPLE_PRIMARY); when none is, the first appended becomes
// primary. With required, no address at all is REQUIRED on the first
// list's path. A list longer than maxListLen is TOO_MANY and skipped.
func (c *checker) addresses(into *[]Address, required bool, lists ...addressList) {
	total := 0
	for _, l := range lists {
		total += len(l.in)
	}
	if total == 0 {
		if required && len(lists) > 0 {
			c.problems.Invalid(lists[0].path, values.ReasonRequired, "at least one address is required")
		}
		return
	}
	primaries := 0
	for _, a := range *into {
		if a.IsPrimary {
			primaries++
		}
	}
	start := len(*into)
	for _, l := range lists {
		if len(l.in) > maxListLen {
			c.problems.Invalid(l.path, "TOO_MANY", "too many addresses")
			continue
		}
		for i, a := range l.in {
			ap := l.path.With(i)
			addr := Address{
				Type:       c.oneOf(ap.With("type"), deref(a.Type), addressTypes, "HOME"),
				Street:     c.required(ap.With("street"), a.Street, maxStreet),
				Line2:      c.text(ap.With("line2"), a.Line2, maxStreet),
				City:       c.required(ap.With("city"), a.City, maxCity),
				PostalCode: c.text(ap.With("postalCode"), a.PostalCode, maxPostal),
				IsPrimary:  a.IsPrimary,
			}
			if c.required(ap.With("country"), a.Country, maxName) != "" {
				addr.Country = c.country(ap.With("country"), a.Country)
			}
			if a.State != nil && addr.Country != "" {
				state, err := values.ParseSubdivision(addr.Country, *a.State)
				if err != nil {
					c.fail(ap.With("state"), err)
				} else if len([]rune(state)) > maxState {
					c.problems.Invalid(ap.With("state"), values.ReasonTooLong, "state is too long")
				}
				addr.State = state
			}
			if a.IsPrimary {
				primaries++
				if primaries > 1 {
					c.problems.Invalid(ap.With("isPrimary"), "MULTIPLE_PRIMARY", "only one address may be primary")
				}
			}
			*into = append(*into, addr)
		}
	}
	if primaries == 0 && len(*into) > start {
		(*into)[start].IsPrimary = true
	}
}

// contacts validates contacts at path and appends them to into; phone
// numbers in national form are read in region. At most one contact of each
// type may be primary, counting those already in into.
func (c *checker) contacts(path apperr.Path, in []ContactInput, region string, into *[]Contact) {
	if len(in) > maxListLen {
		c.problems.Invalid(path, "TOO_MANY", "too many contacts")
		return
	}
	for i, ci := range in {
		cp := path.With(i)
		contact := Contact{Type: c.oneOf(cp.With("type"), ci.Type, contactTypes, ""), IsPrimary: ci.IsPrimary}
		if contact.Type == "" {
			c.problems.Invalid(cp.With("type"), values.ReasonRequired, "type is required")
		}
		switch contact.Type {
		case "EMAIL":
			contact.Value = c.email(cp.With("value"), ci.Value)
		case "PHONE", "MOBILE", "FAX":
			if c.required(cp.With("value"), ci.Value, 64) != "" {
				contact.Value = c.phone(cp.With("value"), ci.Value, region)
			}
		case "WEBSITE":
			if c.required(cp.With("value"), ci.Value, 2048) != "" {
				v, err := values.ParseWebsite(ci.Value)
				if err != nil {
					c.fail(cp.With("value"), err)
				}
				contact.Value = v
			}
		default:
			contact.Value = c.required(cp.With("value"), ci.Value, 2048)
		}
		c.appendContact(cp.With("isPrimary"), contact, into)
	}
}

// appendContact appends contact to into; a second primary contact of the
// same type is MULTIPLE_PRIMARY on primaryPath.
func (c *checker) appendContact(primaryPath apperr.Path, contact Contact, into *[]Contact) {
	if contact.IsPrimary && slices.ContainsFunc(*into, func(o Contact) bool { return o.IsPrimary && o.Type == contact.Type }) {
		c.problems.Invalid(primaryPath, "MULTIPLE_PRIMARY", "only one "+contact.Type+" contact may be primary")
	}
	*into = append(*into, contact)
}

func (c *checker) documents(path apperr.Path, in []DocumentInput, p *Person) {
	if len(in) > maxListLen {
		c.problems.Invalid(path, "TOO_MANY", "too many identity documents")
		return
	}
	for i, d := range in {
		dp := path.With(i)
		doc := Document{
			Type:   c.oneOf(dp.With("type"), d.Type, documentTypes, ""),
			Number: c.required(dp.With("number"), d.Number, maxDocument),
		}
		if doc.Type == "" {
			c.problems.Invalid(dp.With("type"), values.ReasonRequired, "type is required")
		}
		if d.IssuingCountry != nil && strings.TrimSpace(*d.IssuingCountry) != "" {
			doc.IssuingCountry = c.country(dp.With("issuingCountry"), *d.IssuingCountry)
		}
		p.Documents = append(p.Documents, doc)
	}
}

func primaryAddress(as []Address) *Address {
	for i := range as {
		if as[i].IsPrimary {
			return &as[i]
		}
	}
	return nil
}

// truncate cuts s to at most max runes.
func truncate(s string, max int) string {
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	return string([]rune(s)[:max])
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// Login is the validated login user of a registration: the top-level
// email, password and roleIds together with the customer's user object.
// Individual and Organization embed it, so its fields read as theirs
// (ind.LoginEmail). It holds the password only until it is hashed.
type Login struct {
	LoginEmail     string
	Username       string
	Password       string
	UserStatus     string
	IsActive       bool
	RequiresChange bool
	TwoFactor      bool
	Roles
}

// Roles are role references (role codes, upper-cased, or role node ids),
// each once, in the order first named. RolePaths holds where each reference
// the request named was first given, so that an unknown role is reported
// there; a role the server adds by itself (an organization's AdminRole) is
// in RoleCodes but has no path.
type Roles struct {
	RoleCodes []string
	RolePaths map[string]apperr.Path
}

// Requested returns the references the request itself named (those with a
// path), in order: what to resolve with resolveRoles, which reports each
// unknown one on its path.
func (r Roles) Requested() []string {
	var out []string
	for _, ref := range r.RoleCodes {
		if _, ok := r.RolePaths[ref]; ok {
			out = append(out, ref)
		}
	}
	return out
}

// add records a role reference (a role code, or a role's node id) named at
// path, once, remembering where it was first named. Codes are upper-cased;
// ids are kept as they are.
func (r *Roles) add(c *checker, path apperr.Path, ref string) {
	v := c.required(path, ref, 64)
	if !strings.HasPrefix(v, rolePrefix) {
		v = strings.ToUpper(v)
	}
	if v == "" || slices.Contains(r.RoleCodes, v) {
		return
	}
	if r.RolePaths == nil {
		r.RolePaths = map[string]apperr.Path{}
	}
	r.RoleCodes = append(r.RoleCodes, v)
	r.RolePaths[v] = path
}

// grant adds a role code the server gives by itself: it gets no path, so it
// is not among Requested.
func (r *Roles) grant(code string) {
	if !slices.Contains(r.RoleCodes, code) {
		r.RoleCodes = append(r.RoleCodes, code)
	}
}

// loginInput is what a registration says about its login user: the
// top-level fields and the customer's user object (nil when absent), which
// sits at userPath (individualCustomer.user, organizationCustomer.user).
type loginInput struct {
	Email, Password, MatchingPassword string
	RoleIDs                           []string
	User                              *UserInput
	UserPath                          apperr.Path
}

// login validates the login user. The top-level email is the login;
// user.email, when given, must be the same address, user.password the same
// password; the username defaults to the login email. Roles come from
// roleIds and user.roles together.
func (c *checker) login(in loginInput) Login {
	out := Login{UserStatus: "PENDING_ACTIVATION", Roles: Roles{RolePaths: map[string]apperr.Path{}}}
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

	out.Username = out.LoginEmail
	for i, code := range in.RoleIDs {
		out.add(c, apperr.Path{"roleIds", i}, code)
	}
	u := in.User
	if u == nil {
		return out
	}
	up := in.UserPath
	if u.Username != nil && strings.TrimSpace(*u.Username) != "" {
		// A username is an identity like the login e-mail (unique per
		// tenant), so it is compared in the same normalized form.
		if v, err := values.ParseUsername(*u.Username, maxEmail); err != nil {
			c.fail(up.With("username"), err)
		} else {
			out.Username = v
		}
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
		out.add(c, up.With("roles", i), code)
	}
	return out
}

// tags validates a customer's tags at path: at most maxTags, each required
// and at most maxTag characters; duplicates are dropped.
func (c *checker) tags(path apperr.Path, in []string) []string {
	if len(in) > maxTags {
		c.problems.Invalid(path, "TOO_MANY", "too many tags")
	}
	var out []string
	for i, tag := range in {
		if t := c.required(path.With(i), tag, maxTag); t != "" && !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	return out
}

// conflictField names the input field behind a violated unique column: the
// login's e-mail and username (on the user object only where the username
// is not the e-mail), and the columns in more.
func conflictField(l Login, userPath apperr.Path, more map[string]apperr.Path) func(string) apperr.Path {
	return func(column string) apperr.Path {
		switch column {
		case "email":
			return apperr.Path{"email"}
		case "username":
			if l.Username != l.LoginEmail {
				return userPath.With("username")
			}
			return apperr.Path{"email"}
		}
		return more[column]
	}
}

// defaultIndividualRoles are given to an individual whose request names no
// role, where the tenant has them.
var defaultIndividualRoles = []string{"ACCOUNT_OWNER", "USER"}
