package registration

import (
	"context"
	"slices"
	"strings"

	"onboard/ent"
	"onboard/internal/apperr"
	"onboard/internal/apperr/vocab"
	"onboard/internal/pulid"
	"onboard/internal/values"
	"onboard/internal/viewer"
	"onboard/schema/schematype"
)

// Login is the validated login user of a registration: the top-level
// email, password and roleIds together with the customer's user object.
// Individual and Organization embed it, so its fields read as theirs
// (ind.LoginEmail). It holds the password only until it is hashed.
type Login struct {
	LoginEmail     string
	Username       string
	Password       string
	UserStatus     string
	IsActive       bool // always false at registration: see login
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
// path), in order: what to resolve with matchRoles, which reports each
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
// path, once, remembering where it was first named. A reference with the
// role's id prefix is an id, kept as it is; any other is a code,
// upper-cased.
func (r *Roles) add(c *checker, path apperr.Path, ref string) {
	v := c.required(path, ref, schematype.MaxRoleCodeLen)
	if pulid.Prefix(v) != schematype.PrefixRole {
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
		c.problems.Invalid(apperr.Path{"password"}, vocab.ReasonRequired, msgRequired)
	} else {
		for _, p := range values.CheckPassword(in.Password) {
			c.problems.Invalid(apperr.Path{"password"}, p.Reason, p.Message)
		}
	}
	if in.MatchingPassword != in.Password {
		c.problems.Invalid(apperr.Path{"matchingPassword"}, vocab.ReasonPasswordMismatch, "must equal the password")
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
	if nonBlank(u.Username) {
		// A username is an identity like the login e-mail (unique per
		// tenant), so it is compared in the same normalized form.
		if v, err := values.ParseUsername(*u.Username, schematype.MaxEmailLen); err != nil {
			c.fail(up.With("username"), err)
		} else {
			out.Username = v
		}
	}
	if nonBlank(u.Email) {
		if e := c.email(up.With("email"), *u.Email); e != "" && out.LoginEmail != "" && e != out.LoginEmail {
			c.problems.Invalid(up.With("email"), vocab.ReasonEmailMismatch, "must equal the login e-mail")
		}
	}
	if u.Password != nil && *u.Password != in.Password {
		c.problems.Invalid(up.With("password"), vocab.ReasonPasswordMismatch, "must equal the password")
	}
	if u.Status != nil {
		c.userStatus(up.With("status"), *u.Status)
	}
	// A login starts inactive, as it starts PENDING_ACTIVATION: false or
	// absent is accepted, true refused (Login.IsActive stays false).
	if u.IsActive != nil && *u.IsActive {
		c.problems.Invalid(up.With("isActive"), vocab.ReasonInvalidValue,
			"must be false: a login starts inactive, and activating the customer activates it")
	}
	out.RequiresChange = u.RequiresPasswordChange != nil && *u.RequiresPasswordChange
	out.TwoFactor = u.TwoFactorEnabled != nil && *u.TwoFactorEnabled
	for i, code := range u.Roles {
		out.add(c, up.With("roles", i), code)
	}
	return out
}

// userStatus checks the user status a registration asks for: only
// schematype.RegistrationUserStatuses (PENDING_ACTIVATION), because a
// login becomes ACTIVE when the customer is activated (internal/onboarding),
// never by its own registration.
func (c *checker) userStatus(path apperr.Path, s string) {
	v := strings.ToUpper(strings.TrimSpace(s))
	if v == "" || slices.Contains(schematype.RegistrationUserStatuses, v) {
		return
	}
	c.problems.Invalid(path, vocab.ReasonInvalidValue, "must be "+strings.Join(schematype.RegistrationUserStatuses, ", ")+
		": a login starts pending activation, and activating the customer activates it")
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

// grantsAll reports whether the request may grant the roles the tenant
// marks as not self-assignable: a back office registering a customer on
// its behalf holds customers:manage, which a self-service registration
// (customers:register only) does not.
func grantsAll(ctx context.Context) bool {
	return viewer.FromContext(ctx).Has(viewer.ScopeCustomersManage)
}

// tenantRoles loads the tenant's roles (a handful), so that every role
// reference of a registration resolves with one query.
func tenantRoles(ctx context.Context, client *ent.Client) ([]*ent.Role, error) {
	return client.Role.Query().All(ctx)
}

// matchRoles returns the ids of the roles that r names (codes or ids) among
// the tenant's roles. A role the request named that the tenant does not
// have is a problem on the path where it was named; a role granted without
// a path (ADMIN_USER) or a default the tenant lacks is left out silently.
// With no role requested, the defaults apply.
//
// A role the tenant marks as not self-assignable (Role.self_assignable:
// ADMIN_USER, TRANSACTION_APPROVER) is granted only when backOffice (a
// token holding customers:manage, see grantsAll): a request naming it
// otherwise is ROLE_NOT_SELF_ASSIGNABLE on its path, and a default or a
// role the server grants by itself is left out silently.
func matchRoles(roles []*ent.Role, r Roles, defaults []string, backOffice bool, problems *apperr.List) []string {
	refs := r.RoleCodes
	if len(r.Requested()) == 0 {
		refs = append(slices.Clone(defaults), refs...)
	}
	var ids []string
	for _, ref := range refs {
		i := slices.IndexFunc(roles, func(role *ent.Role) bool { return role.ID == ref || role.Code == ref })
		path, requested := r.RolePaths[ref]
		switch {
		case i >= 0 && !roles[i].SelfAssignable && !backOffice:
			if requested {
				problems.Invalid(path, vocab.ReasonRoleNotSelfAssignable, "the tenant grants this role only through its back office (a token holding customers:manage)")
			}
		case i >= 0:
			if !slices.Contains(ids, roles[i].ID) {
				ids = append(ids, roles[i].ID)
			}
		case requested:
			problems.Add(&apperr.Error{Code: apperr.NotFound, Field: path, Reason: vocab.ReasonUnknownRole, Message: "the tenant has no such role"})
		}
	}
	return ids
}

// loginTriggers are the fields of registerIndividual's input that ask for
// a login user, by their path in the input: wantsLogin tests them and the
// registration form's conditions (loginCondition) name them, so the two
// read one list.
var loginTriggers = []struct {
	field string
	given func(IndividualInput, *IndividualCustomer) bool
}{
	{"password", func(in IndividualInput, _ *IndividualCustomer) bool { return in.Password != "" }},
	{"matchingPassword", func(in IndividualInput, _ *IndividualCustomer) bool { return in.MatchingPassword != "" }},
	{"roleIds", func(in IndividualInput, _ *IndividualCustomer) bool { return len(in.RoleIDs) > 0 }},
	{"individualCustomer.user", func(_ IndividualInput, c *IndividualCustomer) bool { return c.User != nil }},
}

// wantsLogin reports whether an individual's registration asks for a login
// user: a password (or its repetition), the user object, or roles for it
// (loginTriggers). Without any of them the customer is registered without
// a login (one can be added later, AddCustomerLogin), and none of the
// login's rules apply.
func wantsLogin(in IndividualInput, customer *IndividualCustomer) bool {
	for _, t := range loginTriggers {
		if t.given(in, customer) {
			return true
		}
	}
	return false
}

// loginCondition is the form's wording of when a login user is created,
// naming the loginTriggers but except (the field the condition is about).
func loginCondition(except string) string {
	var names []string
	for _, t := range loginTriggers {
		if t.field != except {
			names = append(names, t.field)
		}
	}
	list := names[0]
	if n := len(names); n > 1 {
		list = strings.Join(names[:n-1], ", ") + " or " + names[n-1]
	}
	return "a login user is created (" + list + " is given)"
}

// contactEmail checks an optional e-mail that is a contact address, not a
// login: absent or blank is no address.
func (c *checker) contactEmail(path apperr.Path, s string) string {
	if strings.TrimSpace(s) == "" {
		return ""
	}
	return c.email(path, s)
}
