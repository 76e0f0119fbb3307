package registration

import (
	"context"
	"strings"
	"time"

	"onboard/ent"
	"onboard/internal/apperr"
	"onboard/internal/apperr/vocab"
	"onboard/schema/schematype"
)

const opRegisterIndividual = "registerIndividual"

// RegisterIndividual registers an individual customer with its person and
// login user. Every problem with the input comes back at once as an
// apperr.List; nothing is written unless all of it is valid.
func (s *Service) RegisterIndividual(ctx context.Context, origin Origin, in IndividualInput) (*Result, error) {
	return s.register(ctx, origin, newIndividualKind(in))
}

func newIndividualKind(in IndividualInput) *individualKind {
	var detail *Categorization
	if in.IndividualCustomer != nil {
		detail = in.IndividualCustomer.Categorization
	}
	return &individualKind{request: newRequest(opRegisterIndividual, schematype.CustomerTypeIndividual, in.Password,
		in.withoutPasswords(), in.CustomerCategory, detail, "individualCustomer"), in: in}
}

// individualKind is the individual's part of the registration plan.
type individualKind struct {
	request
	in      IndividualInput
	ind     Individual
	roleIDs []string
}

func (k *individualKind) normalize(now time.Time, settings Settings) apperr.List {
	var problems apperr.List
	k.ind, problems = normalizeIndividual(k.in, now, settings)
	return problems
}

func (k *individualKind) matchRoles(roles []*ent.Role, backOffice bool, problems *apperr.List) error {
	if k.ind.HasLogin {
		k.roleIDs = matchRoles(roles, k.ind.Roles, defaultIndividualRoles, backOffice, problems)
	}
	k.matchMemberRoles(roles, backOffice, problems)
	return nil
}

func (k *individualKind) write(ctx context.Context, tx *ent.Tx, w customerWrite) error {
	return writeIndividual(ctx, tx, k.ind, k.roleIDs, w, k.writeMembership)
}

func (k *individualKind) fieldOf(column string) apperr.Path {
	return conflictField(k.ind.Login, apperr.Path{"individualCustomer", "user"}, map[string]apperr.Path{
		"external_reference": {"externalReference"},
	})(column)
}

// Individual is a validated, normalized individual registration. Its Login
// holds the password only until it is hashed; it is never logged or
// returned. Without HasLogin the customer gets no login user and Login is
// empty.
type Individual struct {
	Login
	HasLogin bool
	Who
	Membership        *Membership
	CustomerName      string
	Person            Person
	ExternalReference string
	Tags              []string
}

// normalizeIndividual checks every rule that needs no database and returns
// all the problems at once. The e-mail rules: the top-level email is the
// login; user.email, when given, must be the same address; person.email is
// a contact address that may differ. A customer has a login only when the
// request asks for one (wantsLogin); without one the top-level email, when
// given, is the person's contact address.
func normalizeIndividual(in IndividualInput, now time.Time, settings Settings) (Individual, apperr.List) {
	c := &checker{defaultCountry: settings.DefaultCountry}
	customer := in.IndividualCustomer
	if customer == nil {
		customer = &IndividualCustomer{}
	}
	out := Individual{HasLogin: wantsLogin(in, customer)}
	var personEmail string // the person's e-mail when the person gives none
	if out.HasLogin {
		out.Login = c.login(loginInput{
			Email: in.Email, Password: in.Password, MatchingPassword: in.MatchingPassword,
			RoleIDs: in.RoleIDs, User: customer.User, UserPath: apperr.Path{"individualCustomer", "user"},
		})
		personEmail = out.LoginEmail
	} else {
		personEmail = c.contactEmail(apperr.Path{"email"}, in.Email)
	}
	out.Who = c.who(in.InvitedBy, in.CreatedBy, in.Segment)
	out.Membership = c.membership(apperr.Path{"individualCustomer", "organization"}, customer.Organization)

	personPath := apperr.Path{"individualCustomer", "person"}
	switch {
	case in.IndividualCustomer == nil:
		c.problems.Invalid(apperr.Path{"individualCustomer"}, vocab.ReasonRequired, msgRequired)
		out.Person = Person{Email: personEmail}
	case customer.Person == nil:
		c.problems.Invalid(personPath, vocab.ReasonRequired, msgRequired)
		out.Person = Person{Email: personEmail}
	default:
		out.Person = c.person(personPath, *customer.Person, personEmail, now, settings.MinimumAge)
	}

	// The top-level name and phone repeat the person's.
	// A person name that is missing or invalid is already reported.
	if in.FirstName != nil && out.Person.FirstName != "" && c.text(apperr.Path{"firstName"}, in.FirstName, schematype.MaxNameLen) != out.Person.FirstName {
		c.problems.Invalid(apperr.Path{"firstName"}, vocab.ReasonNameMismatch, "must equal the person's first name")
	}
	if in.LastName != nil && out.Person.LastName != "" && c.text(apperr.Path{"lastName"}, in.LastName, schematype.MaxNameLen) != out.Person.LastName {
		c.problems.Invalid(apperr.Path{"lastName"}, vocab.ReasonNameMismatch, "must equal the person's last name")
	}
	out.Person.Phone = c.individualPhone(in, out.Person.region(c.defaultCountry))

	out.CustomerName = c.text(apperr.Path{"individualCustomer", "customerName"}, customer.CustomerName, schematype.MaxCustomerNameLen)
	if out.CustomerName == "" {
		full := strings.Join(strings.Fields(out.Person.FirstName+" "+out.Person.MiddleName+" "+out.Person.LastName), " ")
		out.CustomerName = truncate(full, schematype.MaxCustomerNameLen)
	}

	out.ExternalReference = c.text(apperr.Path{"externalReference"}, in.ExternalReference, schematype.MaxReferenceLen)
	out.Tags = c.tags(apperr.Path{"tags"}, in.Tags)
	return out, c.problems
}
