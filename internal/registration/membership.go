package registration

import (
	"context"
	"fmt"

	"onboard/ent"
	"onboard/ent/customer"
	"onboard/ent/employee"
	"onboard/ent/organization"
	"onboard/internal/apperr"
	"onboard/internal/apperr/vocab"
	"onboard/internal/history"
	"onboard/internal/pulid"
	"onboard/schema/schematype"
)

// This file puts an individual into an organization at its registration
// (individualCustomer.organization, PCXPay's org_id and org_name): into an
// existing organization customer of the tenant, named by id, or into one
// created by name in the same transaction. Either way the person becomes an
// employee of the organization with a member role, linked to the
// individual's login user when it has one; readable back as the person's
// employments.

// MembershipInput is individualCustomer.organization: exactly one of ID
// (the organization customer's id, its organization's id, or its
// externalReference) and Name (a new organization's legal name).
type MembershipInput struct {
	ID, Name, MemberRole, Department *string
}

// Membership is a validated MembershipInput, resolved during the plan.
type Membership struct {
	path       apperr.Path
	ref, name  string
	role       string
	department string

	// Resolved by resolve: the existing organization (ref), or, for
	// name, the new organization customer's categorization.
	organizationID, organizationCustomerID string
	newCategory                            categorization
	employeeRoleIDs                        []string
}

// membership checks individualCustomer.organization; nil when absent.
func (c *checker) membership(path apperr.Path, in *MembershipInput) *Membership {
	if in == nil {
		return nil
	}
	m := &Membership{path: path}
	m.ref = c.text(path.With("id"), in.ID, schematype.MaxReferenceLen)
	m.name = c.text(path.With("name"), in.Name, schematype.MaxLegalNameLen)
	switch {
	case nonBlank(in.ID) && nonBlank(in.Name):
		c.problems.Invalid(path, vocab.ReasonAmbiguousReference,
			"give either id (an existing organization) or name (a new one), not both")
	case !nonBlank(in.ID) && !nonBlank(in.Name):
		c.problems.Invalid(path, vocab.ReasonRequired,
			"give id (an existing organization) or name (a new one)")
	}
	m.role = c.oneOf(path.With("memberRole"), deref(in.MemberRole), schematype.MemberRoles, string(employee.MemberRoleMEMBER))
	m.department = c.text(path.With("department"), in.Department, schematype.MaxDepartmentLen)
	return m
}

// matchMemberRoles gives the membership's employee the roles an employee
// gets by default (EMPLOYEE), where the tenant has them.
func (k *individualKind) matchMemberRoles(roles []*ent.Role, backOffice bool, problems *apperr.List) {
	if m := k.ind.Membership; m != nil {
		m.employeeRoleIDs = matchRoles(roles, Roles{}, defaultEmployeeRoles, backOffice, problems)
	}
}

// resolve finds the organization the membership names, or categorizes the
// one it creates (the tenant's default organization category, if any).
func (k *individualKind) resolve(ctx context.Context, client *ent.Client, problems *apperr.List) error {
	m := k.ind.Membership
	if m == nil || (m.ref == "") == (m.name == "") {
		return nil
	}
	if m.name != "" {
		var found apperr.List
		cat, err := categorize(ctx, client, categoryRequest{Type: schematype.CustomerTypeOrganization, DetailPath: m.path}, &found)
		if err != nil {
			return err
		}
		// The new organization has no categorization of its own in the
		// request: whatever its default category lacks is the name's.
		for _, p := range found {
			p.Field = m.path.With("name")
			problems.Add(p)
		}
		m.newCategory = cat
		return nil
	}
	// A reference with an id's prefix is looked up as that id and as an
	// externalReference in one statement: a client's own reference may
	// start with cus_ or org_. The id, unique in the tenant, wins over
	// another organization's reference.
	byRef := customer.ExternalReference(m.ref)
	isID := func(*ent.Customer) bool { return false }
	switch pulid.Prefix(m.ref) {
	case schematype.PrefixCustomer:
		byRef = customer.Or(customer.ID(m.ref), byRef)
		isID = func(c *ent.Customer) bool { return c.ID == m.ref }
	case schematype.PrefixOrganization:
		byRef = customer.Or(customer.HasOrganizationWith(organization.ID(m.ref)), byRef)
		isID = func(c *ent.Customer) bool { return c.Edges.Organization != nil && c.Edges.Organization.ID == m.ref }
	}
	found, err := client.Customer.Query().Where(customer.TypeEQ(schematype.CustomerTypeOrganization), byRef).
		WithOrganization().Limit(2).All(ctx)
	if err != nil {
		return err
	}
	var c *ent.Customer
	for _, f := range found {
		if c == nil || isID(f) {
			c = f
		}
	}
	if c == nil || c.Edges.Organization == nil {
		problems.Add(apperr.NotFoundf(m.path.With("id"), "no organization customer with this id or reference"))
		return nil
	}
	if err := changeable(c); err != nil {
		e := err.(*apperr.Error)
		e.Field = m.path.With("id")
		problems.Add(e)
		return nil
	}
	m.organizationCustomerID, m.organizationID = c.ID, c.Edges.Organization.ID
	return nil
}

// writeMembership writes the membership of the individual's person p (and
// login u, nil without one): the new organization first when it is named,
// then the employee. Joining an existing organization is a member.added
// event of that organization's customer, as addEmployee's.
func (k *individualKind) writeMembership(ctx context.Context, tx *ent.Tx, p *ent.Person, u *ent.User, w customerWrite) error {
	m := k.ind.Membership
	if m == nil {
		return nil
	}
	if m.name != "" {
		if err := m.createOrganization(ctx, tx, w); err != nil {
			return err
		}
	} else {
		// Lock the organization as member changes do (members.go).
		if err := tx.Organization.UpdateOneID(m.organizationID).Exec(ctx); err != nil {
			return err
		}
		n, err := tx.Employee.Query().Where(employee.OrganizationID(m.organizationID)).Count(ctx)
		if err != nil {
			return err
		}
		if n >= schematype.MaxMembers {
			return apperr.Invalid(m.path.With("id"), vocab.ReasonTooMany, fmt.Sprintf("an organization has at most %d employees", schematype.MaxMembers))
		}
	}
	create := tx.Employee.Create().
		SetOrganizationID(m.organizationID).
		SetPersonID(p.ID).
		SetMemberRole(employee.MemberRole(m.role)).
		SetDepartment(m.department).
		AddRoleIDs(m.employeeRoleIDs...)
	if u != nil {
		create.SetUser(u)
	}
	e, err := create.Save(ctx)
	if err != nil {
		return err
	}
	if m.name != "" {
		return nil
	}
	var after snapshot
	after.add("", "employee", "department", history.Text(e.Department))
	after.add("", "employee", "member_role", history.Text(string(e.MemberRole)))
	after.add("", "employee", "customer", history.Text(w.customerID))
	ev := memberEvent(schematype.EventMemberAdded, e.ID, nil, after)
	ev.CustomerID = m.organizationCustomerID
	return history.Record(ctx, tx, ev)
}

// createOrganization writes the organization customer a membership names:
// legal and customer name the name, no registration number, the tenant's
// default organization category, PENDING_VERIFICATION, registered by the
// same token and request, and its own customer.registered event. Without a
// registration number or a tax id it has no duplicate keys either (NULL:
// it looks like no one).
func (m *Membership) createOrganization(ctx context.Context, tx *ent.Tx, w customerWrite) error {
	o, err := tx.Organization.Create().SetLegalName(m.name).Save(ctx)
	if err != nil {
		return err
	}
	m.organizationID = o.ID
	m.organizationCustomerID = pulid.New(schematype.PrefixCustomer)
	create := tx.Customer.Create().
		SetID(m.organizationCustomerID).
		SetType(schematype.CustomerTypeOrganization).
		SetName(truncate(m.name, schematype.MaxCustomerNameLen)).
		SetOrganization(o)
	if err := createCustomer(ctx, tx, create, customerWrite{customerID: m.organizationCustomerID, category: m.newCategory, origin: w.origin}); err != nil {
		return err
	}
	var s snapshot
	s.add("", "customer", "type", history.Text(string(schematype.CustomerTypeOrganization)))
	if m.newCategory.Category != nil {
		s.add("", "customer", "category", history.Text(m.newCategory.Category.Code))
	}
	s.add("", "customer", "status", history.Text(schematype.CustomerStatuses[0]))
	return history.Append(ctx, tx, history.Event{CustomerID: m.organizationCustomerID, Type: schematype.EventCustomerRegistered, Changes: diff(nil, s)})
}
