package registration

import (
	"context"

	"onboard/ent"
	"onboard/ent/address"
	"onboard/ent/contact"
	"onboard/ent/identitydocument"
	"onboard/ent/organization"
	"onboard/ent/person"
	"onboard/ent/representative"
	"onboard/ent/user"
	"onboard/schema/schematype"
)

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
			SetIssuingCountry(d.IssuingCountry).
			SetIsPrimary(d.IsPrimary)
	}
	if err := tx.IdentityDocument.CreateBulk(documents...).Exec(ctx); err != nil {
		return nil, err
	}
	return p, nil
}

// createAddresses writes addresses; owner attaches each to its person or
// organization.
func createAddresses(ctx context.Context, tx *ent.Tx, in []Address, owner func(*ent.AddressCreate)) error {
	return tx.Address.CreateBulk(buildEach(in, owner, func(a Address) *ent.AddressCreate {
		return tx.Address.Create().
			SetType(address.Type(a.Type)).
			SetStreet(a.Street).
			SetLine2(a.Line2).
			SetCity(a.City).
			SetState(a.State).
			SetPostalCode(a.PostalCode).
			SetCountry(a.Country).
			SetCountrySource(countrySource(a)).
			SetAddressLine(a.AddressLine).
			SetIsPrimary(a.IsPrimary)
	})...).Exec(ctx)
}

// countrySource is where a's country came from; an address checked
// without one (never after checker.address) counts as given.
func countrySource(a Address) address.CountrySource {
	if a.CountrySource == "" {
		return address.CountrySourceGIVEN
	}
	return address.CountrySource(a.CountrySource)
}

// createContacts writes contacts; owner attaches each to its person or
// organization.
func createContacts(ctx context.Context, tx *ent.Tx, in []Contact, owner func(*ent.ContactCreate)) error {
	return tx.Contact.CreateBulk(buildEach(in, owner, func(c Contact) *ent.ContactCreate {
		return tx.Contact.Create().
			SetType(contact.Type(c.Type)).
			SetValue(c.Value).
			SetIsPrimary(c.IsPrimary).
			SetOperator(c.Operator).
			SetPurpose(c.Purpose)
	})...).Exec(ctx)
}

// buildEach builds a create of each element of in and attaches it to its
// owner, for one bulk insert.
func buildEach[T, B any](in []T, owner func(B), build func(T) B) []B {
	out := make([]B, len(in))
	for i, v := range in {
		out[i] = build(v)
		owner(out[i])
	}
	return out
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
		{req.IP, schematype.MaxRegistrationIPLen, create.SetRegistrationIP},
		{req.UserAgent, schematype.MaxRegistrationUserAgentLen, create.SetRegistrationUserAgent},
		{req.DeviceID, schematype.MaxRegistrationDeviceIDLen, create.SetRegistrationDeviceID},
		{req.Platform, schematype.MaxRegistrationPlatformLen, create.SetRegistrationPlatform},
		{req.Source, schematype.MaxRegistrationSourceLen, create.SetRegistrationSource},
		{req.Subject, schematype.MaxRegisteredByLen, create.SetRegisteredBy},
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

// writeIndividual writes an individual customer with its person and, when
// it has one, its login user; then membership, which puts the person into
// its organization (membership.go).
func writeIndividual(ctx context.Context, tx *ent.Tx, ind Individual, roleIDs []string, w customerWrite,
	membership func(context.Context, *ent.Tx, *ent.Person, *ent.User, customerWrite) error) error {
	var u *ent.User
	if ind.HasLogin {
		var err error
		if u, err = createUser(ctx, tx, ind.Login, roleIDs, w.passwordHash); err != nil {
			return err
		}
	}
	p, err := createPerson(ctx, tx, ind.Person)
	if err != nil {
		return err
	}
	create := tx.Customer.Create().
		SetID(w.customerID).
		SetType(schematype.CustomerTypeIndividual).
		SetName(ind.CustomerName).
		SetPerson(p).
		SetNillableCountry(primaryCountry(ind.Person.Addresses))
	if u != nil {
		create.SetUser(u)
	}
	ind.Who.set(create)
	if ind.ExternalReference != "" {
		create.SetExternalReference(ind.ExternalReference)
	}
	if len(ind.Tags) > 0 {
		create.SetTags(ind.Tags)
	}
	if err := createCustomer(ctx, tx, create, w); err != nil {
		return err
	}
	return membership(ctx, tx, p, u, w)
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
		SetNillableRegistrationNumberKey(numberKey(org.RegistrationNumber)).
		SetNillableTaxIDKey(numberKey(org.TaxID)).
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
	org.Who.set(c)
	if org.ExternalReference != "" {
		c.SetExternalReference(org.ExternalReference)
	}
	if len(org.Tags) > 0 {
		c.SetTags(org.Tags)
	}
	return createCustomer(ctx, tx, c, w)
}

// createRepresentative writes a validated representative of person
// personID.
func createRepresentative(ctx context.Context, tx *ent.Tx, organizationID, personID string, r Representative) (*ent.Representative, error) {
	return tx.Representative.Create().
		SetOrganizationID(organizationID).
		SetPersonID(personID).
		SetPosition(representative.Position(r.Position)).
		SetIsPrimaryOwner(r.IsPrimaryOwner).
		SetOwnershipShare(r.OwnershipShare).
		SetIsBeneficialOwner(r.IsBeneficialOwner).
		Save(ctx)
}

// createEmployee writes an employee of person personID with roles.
func createEmployee(ctx context.Context, tx *ent.Tx, organizationID, personID, department string, roleIDs []string) (*ent.Employee, error) {
	return tx.Employee.Create().
		SetOrganizationID(organizationID).
		SetPersonID(personID).
		SetDepartment(department).
		AddRoleIDs(roleIDs...).
		Save(ctx)
}

// updatePerson writes a representative's validated person over the stored
// one; the date of birth only when setDateOfBirth.
func updatePerson(ctx context.Context, tx *ent.Tx, id string, p Person, setDateOfBirth bool) error {
	update := tx.Person.UpdateOneID(id).
		SetFirstName(p.FirstName).
		SetLastName(p.LastName).
		SetMiddleName(p.MiddleName).
		SetEmail(p.Email).
		SetPhone(p.Phone).
		SetNationality(p.Nationality)
	if p.Gender != "" {
		update.SetGender(person.Gender(p.Gender))
	} else {
		update.ClearGender()
	}
	if setDateOfBirth {
		update.SetNillableDateOfBirth(p.DateOfBirth)
	}
	return update.Exec(ctx)
}

// deletePerson deletes a person with its addresses, contacts and identity
// documents.
func deletePerson(ctx context.Context, tx *ent.Tx, id string) error {
	if _, err := tx.Address.Delete().Where(address.HasPersonWith(person.ID(id))).Exec(ctx); err != nil {
		return err
	}
	if _, err := tx.Contact.Delete().Where(contact.HasPersonWith(person.ID(id))).Exec(ctx); err != nil {
		return err
	}
	if _, err := tx.IdentityDocument.Delete().Where(identitydocument.HasPersonWith(person.ID(id))).Exec(ctx); err != nil {
		return err
	}
	return tx.Person.DeleteOneID(id).Exec(ctx)
}
