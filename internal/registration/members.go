package registration

import (
	"context"
	"fmt"
	"slices"

	"onboard/ent"
	"onboard/ent/address"
	"onboard/ent/customer"
	"onboard/ent/employee"
	"onboard/ent/organization"
	"onboard/ent/representative"
	"onboard/ent/role"
	"onboard/internal/apperr"
	"onboard/internal/apperr/vocab"
	"onboard/internal/catalog"
	"onboard/internal/history"
	"onboard/internal/pulid"
	"onboard/schema/schematype"
)

// This file manages an organization's representatives and employees after
// registration. Each change validates its input as registration does
// (problems on paths inside the mutation's input), then, in one
// transaction, locks the organization and checks the rules that depend on
// what is stored: the ownership total and the single primary owner for
// representatives, the last ADMIN_USER for employees.
//
// The lock is an UPDATE of the organization row (its updated_at moves),
// which PostgreSQL holds until commit, so concurrent changes to one
// organization's people run one after the other and each sees the others'
// rows; SQLite transactions already run one at a time (_txlock=immediate).
// Each change appends its member.added, member.updated or member.removed
// event (subject: the representative or employee; changes: its fields
// before and after) through history.Record, which moves the customer's
// version and updated_at, so an incremental sync on customers sees the
// change and an update sent with the earlier version is STALE_WRITE.

// missingAdminMessage is FinHub's wording for refusing a change that would
// leave an organization without an employee holding AdminRole.
const missingAdminMessage = "Missing required role '" + AdminRole + "'"

// AddRepresentativeInput is an addRepresentative request.
type AddRepresentativeInput struct {
	OrganizationID string
	Representative *RepresentativeInput
}

// AddEmployeeInput is an addEmployee request.
type AddEmployeeInput struct {
	OrganizationID string
	Employee       *EmployeeInput
}

// MemberRef names the representative or employee a removal removes.
type MemberRef struct {
	ID string
}

// RepresentativeChange is an updateRepresentative request: the
// representative's id and the fields to change, nil for those left as they
// are. A text field given as "" is cleared where the field is optional.
type RepresentativeChange struct {
	ID                                               string
	FirstName, MiddleName, LastName                  *string
	Position, Email, Phone, DateOfBirth, Nationality *string
	// Gender is a name or an ISO 5218 code, as in PersonInput.
	Gender         any
	IsPrimaryOwner *bool
	OwnershipShare *float64
}

// EmployeeChange is an updateEmployee request: the employee's id and what
// to change. Roles, when Role or Roles is given, replace the employee's
// roles (none named: EMPLOYEE).
type EmployeeChange struct {
	ID         string
	Department *string
	Role       *string
	Roles      []string
}

// changesRoles reports whether the change names the employee's roles.
func (c EmployeeChange) changesRoles() bool { return c.Role != nil || c.Roles != nil }

// AddRepresentative adds a representative to the organization: a new
// person in a position with an ownership share. With the others stored,
// the shares must stay within 100 % and there may be one primary owner.
func (s *Service) AddRepresentative(ctx context.Context, add AddRepresentativeInput) (*ent.Representative, error) {
	path := apperr.Path{"representative"}
	organizationID, in := add.OrganizationID, add.Representative
	if in == nil {
		return nil, apperr.Invalid(path, vocab.ReasonRequired, msgRequired)
	}
	org, err := s.organization(ctx, organizationID, apperr.Path{"organizationId"})
	if err != nil {
		return nil, err
	}
	c := &checker{defaultCountry: org.defaultCountry}
	rep := c.representative(path, *in, org.region, s.now(), org.minAge)
	c.ownShare(rep, path)
	if err := c.problems.Err(); err != nil {
		return nil, err
	}
	var added *ent.Representative
	err = s.changeOrganization(ctx, org.id, func(tx *ent.Tx) (history.Event, error) {
		n, err := tx.Representative.Query().Where(representative.OrganizationID(org.id)).Count(ctx)
		if err != nil {
			return history.Event{}, err
		}
		if n >= schematype.MaxMembers {
			return history.Event{}, apperr.Invalid(path, vocab.ReasonTooMany, fmt.Sprintf("an organization has at most %d representatives", schematype.MaxMembers))
		}
		if err := checkStakes(ctx, tx, org.id, "", rep, path); err != nil {
			return history.Event{}, err
		}
		p, err := createPerson(ctx, tx, rep.Person)
		if err != nil {
			return history.Event{}, err
		}
		if added, err = createRepresentative(ctx, tx, org.id, p.ID, rep); err != nil {
			return history.Event{}, err
		}
		return memberEvent(schematype.EventMemberAdded, added.ID, nil, representativeSnapshot(added, p)), nil
	})
	if err != nil {
		return nil, err
	}
	return added.Unwrap(), nil
}

// UpdateRepresentative changes a representative's position, stake or
// person. The result is checked as a new representative would be, except
// that a stored date of birth is not checked again.
func (s *Service) UpdateRepresentative(ctx context.Context, change RepresentativeChange) (*ent.Representative, error) {
	id := change.ID
	idPath := apperr.Path{"id"}
	stored, err := s.representative(ctx, s.Client, id)
	if err != nil {
		return nil, err
	}
	org, err := s.organization(ctx, stored.OrganizationID, nil)
	if err != nil {
		return nil, err
	}
	err = s.changeOrganization(ctx, org.id, func(tx *ent.Tx) (history.Event, error) {
		// Read again under the lock, so that a concurrent change to the
		// same representative is built upon, not overwritten.
		stored, err := s.representative(ctx, tx.Client(), id)
		if err != nil {
			return history.Event{}, err
		}
		c := &checker{defaultCountry: org.defaultCountry}
		rep := c.representative(apperr.Path{}, change.over(stored), org.region, s.now(), org.minAge)
		c.ownShare(rep, apperr.Path{})
		if err := c.problems.Err(); err != nil {
			return history.Event{}, err
		}
		if err := checkStakes(ctx, tx, org.id, id, rep, apperr.Path{}); err != nil {
			return history.Event{}, err
		}
		if err := updatePerson(ctx, tx, stored.PersonID, rep.Person, change.DateOfBirth != nil); err != nil {
			return history.Event{}, err
		}
		err = tx.Representative.UpdateOneID(id).
			SetPosition(representative.Position(rep.Position)).
			SetIsPrimaryOwner(rep.IsPrimaryOwner).
			SetOwnershipShare(rep.OwnershipShare).
			SetIsBeneficialOwner(rep.IsBeneficialOwner).
			Exec(ctx)
		if err != nil {
			return history.Event{}, notFoundOn(err, idPath, "representative")
		}
		changed, err := s.representative(ctx, tx.Client(), id)
		if err != nil {
			return history.Event{}, err
		}
		return memberEvent(schematype.EventMemberUpdated, id,
			representativeSnapshot(stored, stored.Edges.Person), representativeSnapshot(changed, changed.Edges.Person)), nil
	})
	if err != nil {
		return nil, err
	}
	// A removal that commits between this change and this read leaves
	// nothing to show: NOT_FOUND on id, as if it had come first.
	changed, err := s.Client.Representative.Get(ctx, id)
	return changed, notFoundOn(err, apperr.Path{"id"}, "representative")
}

// representative reads a representative with its person through client;
// one that is not there is NOT_FOUND on id.
func (s *Service) representative(ctx context.Context, client *ent.Client, id string) (*ent.Representative, error) {
	if !pulid.Valid(id, schematype.PrefixRepresentative) {
		return nil, apperr.NotFoundf(apperr.Path{"id"}, "no representative with this id")
	}
	r, err := client.Representative.Query().Where(representative.ID(id)).WithPerson().Only(ctx)
	return r, notFoundOn(err, apperr.Path{"id"}, "representative")
}

// RemoveRepresentative removes a representative and its person, and
// returns the organization's id.
func (s *Service) RemoveRepresentative(ctx context.Context, id string) (string, error) {
	stored, err := s.representative(ctx, s.Client, id)
	if err != nil {
		return "", err
	}
	err = s.changeOrganization(ctx, stored.OrganizationID, func(tx *ent.Tx) (history.Event, error) {
		// Read again under the lock: the event shows what was removed.
		stored, err := s.representative(ctx, tx.Client(), id)
		if err != nil {
			return history.Event{}, err
		}
		if err := tx.Representative.DeleteOneID(id).Exec(ctx); err != nil {
			return history.Event{}, notFoundOn(err, apperr.Path{"id"}, "representative")
		}
		if err := deletePerson(ctx, tx, stored.PersonID); err != nil {
			return history.Event{}, err
		}
		return memberEvent(schematype.EventMemberRemoved, id, representativeSnapshot(stored, stored.Edges.Person), nil), nil
	})
	return stored.OrganizationID, err
}

// AddEmployee adds an employee to the organization: a new person with
// roles of the tenant (none named: EMPLOYEE), a department, addresses and
// phone numbers.
func (s *Service) AddEmployee(ctx context.Context, add AddEmployeeInput) (*ent.Employee, error) {
	path := apperr.Path{"employee"}
	organizationID, in := add.OrganizationID, add.Employee
	if in == nil {
		return nil, apperr.Invalid(path, vocab.ReasonRequired, msgRequired)
	}
	org, err := s.organization(ctx, organizationID, apperr.Path{"organizationId"})
	if err != nil {
		return nil, err
	}
	c := &checker{defaultCountry: org.defaultCountry}
	emp := c.employee(path, *in, org.region, s.now(), org.minAge)
	roles, err := tenantRoles(ctx, s.Client)
	if err != nil {
		return nil, err
	}
	// The member mutations are the back office's (customers:manage):
	// they grant any role of the tenant, ADMIN_USER included.
	roleIDs := matchRoles(roles, emp.Roles, defaultEmployeeRoles, true, &c.problems)
	if err := c.problems.Err(); err != nil {
		return nil, err
	}
	var added *ent.Employee
	err = s.changeOrganization(ctx, org.id, func(tx *ent.Tx) (history.Event, error) {
		n, err := tx.Employee.Query().Where(employee.OrganizationID(org.id)).Count(ctx)
		if err != nil {
			return history.Event{}, err
		}
		// The registering admin comes on top of the registration's
		// schematype.MaxMembers employees.
		if n > schematype.MaxMembers {
			return history.Event{}, apperr.Invalid(path, vocab.ReasonTooMany, fmt.Sprintf("an organization has at most %d employees", schematype.MaxMembers))
		}
		p, err := createPerson(ctx, tx, emp.Person)
		if err != nil {
			return history.Event{}, err
		}
		if added, err = createEmployee(ctx, tx, org.id, p.ID, emp.Department, roleIDs); err != nil {
			return history.Event{}, err
		}
		return memberEvent(schematype.EventMemberAdded, added.ID, nil, employeeSnapshot(added, roleCodes(roles, roleIDs), p)), nil
	})
	if err != nil {
		return nil, err
	}
	return added.Unwrap(), nil
}

// UpdateEmployee changes an employee's department or roles. Taking
// ADMIN_USER from the organization's last admin is refused.
func (s *Service) UpdateEmployee(ctx context.Context, change EmployeeChange) (*ent.Employee, error) {
	id := change.ID
	stored, err := s.employee(ctx, id)
	if err != nil {
		return nil, err
	}
	c := &checker{}
	department := c.text(apperr.Path{"department"}, change.Department, schematype.MaxDepartmentLen)
	var requested Roles
	if change.Role != nil {
		requested.add(c, apperr.Path{"role"}, *change.Role)
	}
	if len(change.Roles) > schematype.MaxListLen {
		c.problems.Invalid(apperr.Path{"roles"}, vocab.ReasonTooMany, "too many roles")
	}
	for i, r := range change.Roles {
		requested.add(c, apperr.Path{"roles", i}, r)
	}
	var roleIDs []string
	keepsAdmin := true
	if change.changesRoles() {
		roles, err := tenantRoles(ctx, s.Client)
		if err != nil {
			return nil, err
		}
		roleIDs = matchRoles(roles, requested, defaultEmployeeRoles, true, &c.problems)
		keepsAdmin = slices.ContainsFunc(roles, func(r *ent.Role) bool {
			return r.Code == AdminRole && slices.Contains(roleIDs, r.ID)
		})
	}
	if err := c.problems.Err(); err != nil {
		return nil, err
	}
	err = s.changeOrganization(ctx, stored.OrganizationID, func(tx *ent.Tx) (history.Event, error) {
		if !keepsAdmin {
			if err := requireAnotherAdmin(ctx, tx, stored.OrganizationID, id, apperr.Path{"roles"}); err != nil {
				return history.Event{}, err
			}
		}
		before, err := employeeWithRoles(ctx, tx, id)
		if err != nil {
			return history.Event{}, err
		}
		update := tx.Employee.UpdateOneID(id)
		if change.Department != nil {
			update.SetDepartment(department)
		}
		if change.changesRoles() {
			update.ClearRoles().AddRoleIDs(roleIDs...)
		}
		if err := update.Exec(ctx); err != nil {
			return history.Event{}, notFoundOn(err, apperr.Path{"id"}, "employee")
		}
		after, err := employeeWithRoles(ctx, tx, id)
		if err != nil {
			return history.Event{}, err
		}
		return memberEvent(schematype.EventMemberUpdated, id, before, after), nil
	})
	if err != nil {
		return nil, err
	}
	// A removal that commits between this change and this read leaves
	// nothing to show: NOT_FOUND on id, as if it had come first.
	changed, err := s.Client.Employee.Get(ctx, id)
	return changed, notFoundOn(err, apperr.Path{"id"}, "employee")
}

// RemoveEmployee removes an employee and its person, and returns the
// organization's id. The organization's last admin cannot be removed. A
// login user the employee had (the registering admin's) stays: it is the
// customer's.
func (s *Service) RemoveEmployee(ctx context.Context, id string) (string, error) {
	stored, err := s.employee(ctx, id)
	if err != nil {
		return "", err
	}
	err = s.changeOrganization(ctx, stored.OrganizationID, func(tx *ent.Tx) (history.Event, error) {
		if err := requireAnotherAdmin(ctx, tx, stored.OrganizationID, id, apperr.Path{"id"}); err != nil {
			return history.Event{}, err
		}
		before, err := employeeWithRoles(ctx, tx, id)
		if err != nil {
			return history.Event{}, err
		}
		if err := tx.Employee.DeleteOneID(id).Exec(ctx); err != nil {
			return history.Event{}, notFoundOn(err, apperr.Path{"id"}, "employee")
		}
		if stored.PersonID != nil {
			if err := deletePerson(ctx, tx, *stored.PersonID); err != nil {
				return history.Event{}, err
			}
		}
		return memberEvent(schematype.EventMemberRemoved, id, before, nil), nil
	})
	return stored.OrganizationID, err
}

// employee finds an employee; one that is not there is NOT_FOUND on id.
func (s *Service) employee(ctx context.Context, id string) (*ent.Employee, error) {
	if !pulid.Valid(id, schematype.PrefixEmployee) {
		return nil, apperr.NotFoundf(apperr.Path{"id"}, "no employee with this id")
	}
	e, err := s.Client.Employee.Get(ctx, id)
	return e, notFoundOn(err, apperr.Path{"id"}, "employee")
}

// storedOrganization is what validating a change needs of its
// organization.
type storedOrganization struct {
	id string
	// region is the primary address's country, for phone numbers in
	// national form.
	region string
	// minAge is the tenant's minimum age, for dates of birth.
	minAge int
	// defaultCountry is the tenant's default country (Settings).
	defaultCountry string
}

// organization finds an organization of the viewer's tenant, with what
// validating a change to it needs; one that is not there is NOT_FOUND on
// path.
func (s *Service) organization(ctx context.Context, id string, path apperr.Path) (storedOrganization, error) {
	if !pulid.Valid(id, schematype.PrefixOrganization) {
		return storedOrganization{}, apperr.NotFoundf(path, "no organization with this id")
	}
	o, err := s.Client.Organization.Query().
		Where(organization.ID(id)).
		WithAddresses(func(q *ent.AddressQuery) { q.Where(address.IsPrimary(true)) }).
		Only(ctx)
	if err != nil {
		return storedOrganization{}, notFoundOn(err, path, "organization")
	}
	settings, err := s.settings(ctx)
	org := storedOrganization{id: o.ID, minAge: settings.MinimumAge, defaultCountry: settings.DefaultCountry, region: settings.DefaultCountry}
	if len(o.Edges.Addresses) > 0 && o.Edges.Addresses[0].CountrySource == address.CountrySourceGIVEN {
		org.region = o.Edges.Addresses[0].Country
	}
	return org, err
}

// changeOrganization runs change in a transaction that first locks the
// organization (see the top of this file), then records the event change
// returns on the organization's customer (history.Record: the customer's
// version and updated_at move), so that the change and its event commit
// together. A member.updated event without changes is not recorded: a
// change that changes nothing leaves no history and keeps the version.
func (s *Service) changeOrganization(ctx context.Context, organizationID string, change func(tx *ent.Tx) (history.Event, error)) error {
	err := catalog.WithTx(ctx, s.Client, func(tx *ent.Tx) error {
		if err := tx.Organization.UpdateOneID(organizationID).Exec(ctx); err != nil {
			return err
		}
		c, err := tx.Customer.Query().
			Where(customer.HasOrganizationWith(organization.ID(organizationID))).
			Only(ctx)
		if err != nil {
			return err
		}
		if err := changeable(c); err != nil {
			return err
		}
		ev, err := change(tx)
		if err != nil || (ev.Type == schematype.EventMemberUpdated && len(ev.Changes) == 0) {
			return err
		}
		ev.CustomerID = c.ID
		return history.Record(ctx, tx, ev)
	})
	return apperr.FromData(err, nil)
}

// memberEvent is the event of a member change of subjectID from before to
// after (an empty snapshot for what did not exist).
func memberEvent(typ, subjectID string, before, after snapshot) history.Event {
	return history.Event{Type: typ, SubjectID: subjectID, Changes: diff(before, after)}
}

// employeeWithRoles snapshots a stored employee with its roles and person.
func employeeWithRoles(ctx context.Context, tx *ent.Tx, id string) (snapshot, error) {
	e, err := tx.Employee.Query().Where(employee.ID(id)).
		WithRoles(func(q *ent.RoleQuery) { q.Order(role.ByCode()) }).
		WithPerson().
		Only(ctx)
	if err != nil {
		return nil, notFoundOn(err, apperr.Path{"id"}, "employee")
	}
	codes := make([]string, len(e.Edges.Roles))
	for i, r := range e.Edges.Roles {
		codes[i] = r.Code
	}
	return employeeSnapshot(e, codes, e.Edges.Person), nil
}

// roleCodes are the codes of the roles with ids, in code order.
func roleCodes(roles []*ent.Role, ids []string) []string {
	var out []string
	for _, r := range roles {
		if slices.Contains(ids, r.ID) {
			out = append(out, r.Code)
		}
	}
	slices.Sort(out)
	return out
}

// requireAnotherAdmin refuses, with a problem on path, a change that takes
// ADMIN_USER away from employeeID when no other employee of the
// organization holds it. An employee that does not hold it takes nothing
// away: an organization registered without the back office has no
// ADMIN_USER (registration does not grant a role that is not
// self-assignable) until updateEmployee grants one, and its other members
// change freely until then; from then on it keeps one. It must run under
// the organization's lock.
func requireAnotherAdmin(ctx context.Context, tx *ent.Tx, organizationID, employeeID string, path apperr.Path) error {
	holds, err := tx.Employee.Query().
		Where(employee.ID(employeeID), employee.HasRolesWith(role.Code(AdminRole))).
		Exist(ctx)
	if err != nil || !holds {
		return err
	}
	admins, err := tx.Employee.Query().
		Where(
			employee.OrganizationID(organizationID),
			employee.IDNEQ(employeeID),
			employee.HasRolesWith(role.Code(AdminRole)),
		).
		Exist(ctx)
	if err != nil || admins {
		return err
	}
	return apperr.Invalid(path, vocab.ReasonMissingRequiredRole, missingAdminMessage)
}

// over is the representative that results from applying the change to
// stored (loaded with its person), as registration input. The stored date
// of birth is left out unless the change gives one, so that only a new
// date is checked.
func (c RepresentativeChange) over(stored *ent.Representative) RepresentativeInput {
	p := stored.Edges.Person
	in := RepresentativeInput{
		FirstName:      p.FirstName,
		MiddleName:     &p.MiddleName,
		LastName:       p.LastName,
		Position:       ptr(string(stored.Position)),
		Email:          &p.Email,
		Phone:          &p.Phone,
		Nationality:    &p.Nationality,
		DateOfBirth:    c.DateOfBirth,
		IsPrimaryOwner: &stored.IsPrimaryOwner,
		OwnershipShare: &stored.OwnershipShare,
	}
	if p.Gender != nil {
		in.Gender = string(*p.Gender)
	}
	if c.FirstName != nil {
		in.FirstName = *c.FirstName
	}
	if c.LastName != nil {
		in.LastName = *c.LastName
	}
	for _, f := range []struct{ change, into **string }{
		{&c.MiddleName, &in.MiddleName}, {&c.Position, &in.Position}, {&c.Email, &in.Email},
		{&c.Phone, &in.Phone}, {&c.Nationality, &in.Nationality},
	} {
		if *f.change != nil {
			*f.into = *f.change
		}
	}
	if c.Gender != nil {
		in.Gender = c.Gender
	}
	if c.IsPrimaryOwner != nil {
		in.IsPrimaryOwner = c.IsPrimaryOwner
	}
	if c.OwnershipShare != nil {
		in.OwnershipShare = c.OwnershipShare
	}
	return in
}

// notFoundOn reports a missing object (or another tenant's) as NOT_FOUND
// on path, naming what was looked for.
func notFoundOn(err error, path apperr.Path, what string) error {
	if err == nil {
		return nil
	}
	if ent.IsNotFound(err) {
		return apperr.NotFoundf(path, "no %s with this id", what)
	}
	return apperr.FromData(err, nil)
}

// ptr returns a pointer to a copy of v.
func ptr[T any](v T) *T { return &v }
