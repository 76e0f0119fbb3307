package registration

import (
	"context"
	"fmt"
	"slices"

	"onboard/ent"
	"onboard/ent/employee"
	"onboard/ent/organization"
	"onboard/ent/representative"
	"onboard/ent/role"
	"onboard/internal/apperr"
	"onboard/schema/schematype"
)

const opRegisterOrganization = "registerOrganization"

// defaultAdminRoles are given to the registering admin when the request
// names no role, besides ADMIN_USER; defaultEmployeeRoles to an employee
// with none.
var (
	defaultAdminRoles    = []string{"ACCOUNT_OWNER"}
	defaultEmployeeRoles = []string{"EMPLOYEE"}
)

// RegisterOrganization registers an organization customer: the
// organization with its addresses, contacts and representatives, the admin
// user (also the first employee, holding ADMIN_USER), the other employees
// and the category's features, with every problem reported at once.
func (s *Service) RegisterOrganization(ctx context.Context, in OrganizationInput) (*Result, error) {
	fp := fingerprint(opRegisterOrganization, in.withoutPasswords())
	return s.register(ctx, opRegisterOrganization, fp, in.Password, func(ctx context.Context) (*pending, error) {
		minAge, err := s.minimumAge(ctx)
		if err != nil {
			return nil, err
		}
		org, problems := normalizeOrganization(in, s.now(), minAge)
		roles, err := tenantRoles(ctx, s.Client)
		if err != nil {
			return nil, err
		}
		adminRoles := matchRoles(roles, org.Roles, defaultAdminRoles, &problems)
		if !slices.ContainsFunc(roles, func(r *ent.Role) bool { return r.Code == AdminRole }) {
			return nil, fmt.Errorf("the tenant has no %s role", AdminRole)
		}
		employeeRoles := make([][]string, len(org.Employees))
		for i, e := range org.Employees {
			employeeRoles[i] = matchRoles(roles, e.Roles, defaultEmployeeRoles, &problems)
		}
		var detail *Categorization
		if in.OrganizationCustomer != nil {
			detail = in.OrganizationCustomer.Categorization
		}
		cat, err := categorize(ctx, s.Client, categoryRequest{
			Type:       schematype.CustomerTypeOrganization,
			Ref:        in.CustomerCategory,
			RefPath:    apperr.Path{"customerCategory"},
			Detail:     detail,
			DetailPath: apperr.Path{"organizationCustomer", "categorization"},
		}, &problems)
		if err != nil {
			return nil, err
		}
		if err := problems.Err(); err != nil {
			return nil, err
		}
		return &pending{
			password: org.Password,
			write: func(ctx context.Context, tx *ent.Tx, customerID, hash string) error {
				return writeOrganization(ctx, tx, org, adminRoles, employeeRoles, cat, RequestFrom(ctx), customerID, hash)
			},
			fieldOf: conflictField(org.Login, apperr.Path{"organizationCustomer", "user"}, map[string]apperr.Path{
				"registration_number": {"organizationCustomer", "organization", "registrationNumber"},
				"external_reference":  {"organizationId"},
			}),
		}, nil
	})
}

// withoutPasswords is the input as fingerprinted: every password removed.
func (in OrganizationInput) withoutPasswords() OrganizationInput {
	in.Password, in.MatchingPassword = "", ""
	if in.OrganizationCustomer != nil {
		c := *in.OrganizationCustomer
		c.User = c.User.withoutPassword()
		in.OrganizationCustomer = &c
	}
	return in
}

func writeOrganization(ctx context.Context, tx *ent.Tx, org Organization, adminRoles []string, employeeRoles [][]string, cat categorization, req Request, customerID, hash string) error {
	// The organization goes first: when both its registration number and
	// the admin's e-mail are taken, the registration number is reported.
	create := tx.Organization.Create().
		SetLegalName(org.LegalName).
		SetRegistrationNumber(org.RegistrationNumber).
		SetTradingName(org.TradingName).
		SetTaxID(org.TaxID).
		SetDescription(org.Description).
		SetWebsite(org.Website).
		SetEmail(org.Email).
		SetPhone(org.Phone).
		SetNillableIncorporationDate(org.IncorporationDate)
	if org.LegalForm != "" {
		create.SetLegalForm(organization.LegalForm(org.LegalForm))
	}
	if org.Industry != "" {
		create.SetIndustry(organization.Industry(org.Industry))
	}
	if org.BusinessType != "" {
		create.SetBusinessType(organization.BusinessType(org.BusinessType))
	}
	o, err := create.Save(ctx)
	if err != nil {
		return err
	}
	u, err := createUser(ctx, tx, org.Login, adminRoles, hash)
	if err != nil {
		return err
	}
	if err := createAddresses(ctx, tx, org.Addresses, func(a *ent.AddressCreate) { a.SetOrganizationID(o.ID) }); err != nil {
		return err
	}
	if err := createContacts(ctx, tx, org.Contacts, func(c *ent.ContactCreate) { c.SetOrganizationID(o.ID) }); err != nil {
		return err
	}
	for _, r := range org.Representatives {
		p, err := createPerson(ctx, tx, r.Person)
		if err != nil {
			return err
		}
		if _, err := createRepresentative(ctx, tx, o.ID, p.ID, r); err != nil {
			return err
		}
	}
	// The registering admin is the first employee, known by login only.
	if err := tx.Employee.Create().SetOrganizationID(o.ID).SetUser(u).AddRoleIDs(adminRoles...).Exec(ctx); err != nil {
		return err
	}
	for i, e := range org.Employees {
		p, err := createPerson(ctx, tx, e.Person)
		if err != nil {
			return err
		}
		if _, err := createEmployee(ctx, tx, o.ID, p.ID, e.Department, employeeRoles[i]); err != nil {
			return err
		}
	}
	c := tx.Customer.Create().
		SetID(customerID).
		SetType(schematype.CustomerTypeOrganization).
		SetName(org.CustomerName).
		SetUser(u).
		SetOrganization(o).
		SetNillableCountry(primaryCountry(org.Addresses))
	if org.ExternalReference != "" {
		c.SetExternalReference(org.ExternalReference)
	}
	if len(org.Tags) > 0 {
		c.SetTags(org.Tags)
	}
	return createCustomer(ctx, tx, c, cat, req)
}

// The lists of FinHub's organization response, each a query so that the
// caller eager-loads what it shows, oldest first.

// Directors selects the organization's representatives in a director's or
// officer's position (see IsDirector).
func Directors(client *ent.Client, organizationID string) *ent.RepresentativeQuery {
	positions := make([]representative.Position, len(directorPositions))
	for i, p := range directorPositions {
		positions[i] = representative.Position(p)
	}
	return client.Representative.Query().
		Where(representative.OrganizationID(organizationID), representative.PositionIn(positions...)).
		Order(representative.ByCreatedAt(), representative.ByID())
}

// Shareholders selects the organization's representatives holding a
// share (see IsShareholder).
func Shareholders(client *ent.Client, organizationID string) *ent.RepresentativeQuery {
	return client.Representative.Query().
		Where(representative.OrganizationID(organizationID), representative.OwnershipShareGT(0)).
		Order(representative.ByCreatedAt(), representative.ByID())
}

// Employees selects every employee of the organization, the admin
// included.
func Employees(client *ent.Client, organizationID string) *ent.EmployeeQuery {
	return client.Employee.Query().
		Where(employee.OrganizationID(organizationID)).
		Order(employee.ByCreatedAt(), employee.ByID())
}

// Admins selects the organization's employees holding AdminRole.
func Admins(client *ent.Client, organizationID string) *ent.EmployeeQuery {
	return Employees(client, organizationID).Where(employee.HasRolesWith(role.Code(AdminRole)))
}
