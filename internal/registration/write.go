package registration

import (
	"context"
	"slices"
	"strings"

	"onboard/ent"
	"onboard/ent/address"
	"onboard/ent/contact"
	"onboard/ent/identitydocument"
	"onboard/ent/organization"
	"onboard/ent/person"
	"onboard/ent/user"
	"onboard/internal/apperr"
	"onboard/schema/schematype"
)

// rolePrefix starts a role's node id; a role reference that has it is an
// id, anything else a role code.
const rolePrefix = "rol_"

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
func matchRoles(roles []*ent.Role, r Roles, defaults []string, problems *apperr.List) []string {
	refs := r.RoleCodes
	if len(r.Requested()) == 0 {
		refs = append(slices.Clone(defaults), refs...)
	}
	var ids []string
	for _, ref := range refs {
		i := slices.IndexFunc(roles, func(role *ent.Role) bool { return role.ID == ref || role.Code == ref })
		path, requested := r.RolePaths[ref]
		switch {
		case i >= 0:
			if !slices.Contains(ids, roles[i].ID) {
				ids = append(ids, roles[i].ID)
			}
		case requested:
			problems.Add(&apperr.Error{Code: apperr.NotFound, Field: path, Reason: "UNKNOWN_ROLE", Message: "the tenant has no such role"})
		}
	}
	return ids
}

// createUser writes a login user with its roles and password hash.
func createUser(ctx context.Context, tx *ent.Tx, l Login, roleIDs []string, hash string) (*ent.User, error) {
	return tx.User.Create().
		SetUsername(l.Username).
		SetEmail(l.LoginEmail).
		SetPasswordHash(hash).
		SetStatus(user.Status(l.UserStatus)).
		SetIsActive(l.IsActive).
		SetRequiresPasswordChange(l.RequiresChange).
		SetTwoFactorEnabled(l.TwoFactor).
		AddRoleIDs(roleIDs...).
		Save(ctx)
}

// createPerson writes a validated person with its addresses, contacts and
// identity documents.
func createPerson(ctx context.Context, tx *ent.Tx, in Person) (*ent.Person, error) {
	create := tx.Person.Create().
		SetFirstName(in.FirstName).
		SetLastName(in.LastName).
		SetNillableDateOfBirth(in.DateOfBirth)
	for _, f := range []struct {
		value string
		set   func(string) *ent.PersonCreate
	}{
		{in.MiddleName, create.SetMiddleName},
		{in.Email, create.SetEmail},
		{in.Phone, create.SetPhone},
		{in.Nationality, create.SetNationality},
		{in.PlaceOfBirth, create.SetPlaceOfBirth},
	} {
		if f.value != "" {
			f.set(f.value)
		}
	}
	if in.Gender != "" {
		create.SetGender(person.Gender(in.Gender))
	}
	p, err := create.Save(ctx)
	if err != nil {
		return nil, err
	}
	if err := createAddresses(ctx, tx, in.Addresses, func(a *ent.AddressCreate) { a.SetPersonID(p.ID) }); err != nil {
		return nil, err
	}
	if err := createContacts(ctx, tx, in.Contacts, func(c *ent.ContactCreate) { c.SetPersonID(p.ID) }); err != nil {
		return nil, err
	}
	documents := make([]*ent.IdentityDocumentCreate, len(in.Documents))
	for i, d := range in.Documents {
		documents[i] = tx.IdentityDocument.Create().
			SetPersonID(p.ID).
			SetType(identitydocument.Type(d.Type)).
			SetNumber(d.Number).
			SetIssuingCountry(d.IssuingCountry)
	}
	if err := tx.IdentityDocument.CreateBulk(documents...).Exec(ctx); err != nil {
		return nil, err
	}
	return p, nil
}

// createAddresses writes addresses; owner attaches each to its person or
// organization.
func createAddresses(ctx context.Context, tx *ent.Tx, in []Address, owner func(*ent.AddressCreate)) error {
	builders := make([]*ent.AddressCreate, len(in))
	for i, a := range in {
		builders[i] = tx.Address.Create().
			SetType(address.Type(a.Type)).
			SetStreet(a.Street).
			SetLine2(a.Line2).
			SetCity(a.City).
			SetState(a.State).
			SetPostalCode(a.PostalCode).
			SetCountry(a.Country).
			SetIsPrimary(a.IsPrimary)
		owner(builders[i])
	}
	return tx.Address.CreateBulk(builders...).Exec(ctx)
}

// createContacts writes contacts; owner attaches each to its person or
// organization.
func createContacts(ctx context.Context, tx *ent.Tx, in []Contact, owner func(*ent.ContactCreate)) error {
	builders := make([]*ent.ContactCreate, len(in))
	for i, c := range in {
		builders[i] = tx.Contact.Create().
			SetType(contact.Type(c.Type)).
			SetValue(c.Value).
			SetIsPrimary(c.IsPrimary).
			SetOperator(c.Operator).
			SetPurpose(c.Purpose)
		owner(builders[i])
	}
	return tx.Contact.CreateBulk(builders...).Exec(ctx)
}

// createCustomer completes a customer being created with its category,
// registration context and applied features, and writes it.
func createCustomer(ctx context.Context, tx *ent.Tx, create *ent.CustomerCreate, w customerWrite) error {
	cat, req := w.category, w.origin
	if cat.Category != nil {
		create.SetCategoryID(cat.Category.ID)
	}
	for _, f := range []struct {
		value string
		max   int
		set   func(string) *ent.CustomerCreate
	}{
		{req.IP, 64, create.SetRegistrationIP},
		{req.UserAgent, 512, create.SetRegistrationUserAgent},
		{req.DeviceID, 255, create.SetRegistrationDeviceID},
		{req.Platform, 64, create.SetRegistrationPlatform},
		{req.Source, 255, create.SetRegistrationSource},
	} {
		if v := clip(f.value, f.max); v != "" {
			f.set(v)
		}
	}
	c, err := create.Save(ctx)
	if err != nil {
		return err
	}
	features := make([]*ent.CustomerFeatureCreate, len(cat.Features))
	for i, f := range cat.Features {
		features[i] = tx.CustomerFeature.Create().
			SetCustomerID(c.ID).
			SetFeatureID(f.FeatureID).
			SetCode(f.Code).
			SetEnabled(true).
			SetParameters(f.Parameters)
	}
	return tx.CustomerFeature.CreateBulk(features...).Exec(ctx)
}

// primaryCountry is the customer's country: that of the primary address
// among addresses (its person's or its organization's), nil without one.
// It is stored on the customer so that the country filter and statistics
// need no join (schema/customer.go); registration is the only writer of a
// customer's primary address.
func primaryCountry(addresses []Address) *string {
	if a := primaryAddress(addresses); a != nil && a.Country != "" {
		return &a.Country
	}
	return nil
}

// nonBlank reports whether s has more than white space.
func nonBlank(s *string) bool { return s != nil && strings.TrimSpace(*s) != "" }

// writeIndividual writes an individual customer with its login user and
// person.
func writeIndividual(ctx context.Context, tx *ent.Tx, ind Individual, roleIDs []string, w customerWrite) error {
	u, err := createUser(ctx, tx, ind.Login, roleIDs, w.passwordHash)
	if err != nil {
		return err
	}
	p, err := createPerson(ctx, tx, ind.Person)
	if err != nil {
		return err
	}
	create := tx.Customer.Create().
		SetID(w.customerID).
		SetType(schematype.CustomerTypeIndividual).
		SetName(ind.CustomerName).
		SetUser(u).
		SetPerson(p).
		SetNillableCountry(primaryCountry(ind.Person.Addresses))
	if ind.ExternalReference != "" {
		create.SetExternalReference(ind.ExternalReference)
	}
	if len(ind.Tags) > 0 {
		create.SetTags(ind.Tags)
	}
	return createCustomer(ctx, tx, create, w)
}

// writeOrganization writes an organization customer with its organization,
// people, admin user and employees.
func writeOrganization(ctx context.Context, tx *ent.Tx, org Organization, adminRoles []string, employeeRoles [][]string, w customerWrite) error {
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
	u, err := createUser(ctx, tx, org.Login, adminRoles, w.passwordHash)
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
		SetID(w.customerID).
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
	return createCustomer(ctx, tx, c, w)
}
