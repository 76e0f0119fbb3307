package registration

import (
	"context"
	"slices"
	"strings"

	"onboard/ent"
	"onboard/ent/address"
	"onboard/ent/contact"
	"onboard/ent/identitydocument"
	"onboard/ent/person"
	"onboard/ent/role"
	"onboard/internal/apperr"
)

// rolePrefix starts a role's node id; a role reference that has it is an
// id, anything else a role code.
const rolePrefix = "rol_"

// resolveRoles finds the tenant's roles that refs name (codes or ids) and
// returns their ids. A role the tenant does not have is a problem on the
// path where it was named. With no refs, the defaults the tenant has apply.
func resolveRoles(ctx context.Context, client *ent.Client, refs []string, paths map[string]apperr.Path, defaults []string, problems *apperr.List) ([]string, error) {
	explicit := len(refs) > 0
	if !explicit {
		refs = defaults
	}
	roles, err := client.Role.Query().Where(role.Or(role.CodeIn(refs...), role.IDIn(refs...))).All(ctx)
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, ref := range refs {
		i := slices.IndexFunc(roles, func(r *ent.Role) bool { return r.ID == ref || r.Code == ref })
		switch {
		case i >= 0:
			if !slices.Contains(ids, roles[i].ID) {
				ids = append(ids, roles[i].ID)
			}
		case explicit:
			problems.Invalid(paths[ref], "UNKNOWN_ROLE", "the tenant has no role "+ref)
		}
	}
	return ids, nil
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
	addresses := make([]*ent.AddressCreate, len(in.Addresses))
	for i, a := range in.Addresses {
		addresses[i] = tx.Address.Create().
			SetPersonID(p.ID).
			SetType(address.Type(a.Type)).
			SetStreet(a.Street).
			SetLine2(a.Line2).
			SetCity(a.City).
			SetState(a.State).
			SetPostalCode(a.PostalCode).
			SetCountry(a.Country).
			SetIsPrimary(a.IsPrimary)
	}
	if err := tx.Address.CreateBulk(addresses...).Exec(ctx); err != nil {
		return nil, err
	}
	contacts := make([]*ent.ContactCreate, len(in.Contacts))
	for i, c := range in.Contacts {
		contacts[i] = tx.Contact.Create().
			SetPersonID(p.ID).
			SetType(contact.Type(c.Type)).
			SetValue(c.Value).
			SetIsPrimary(c.IsPrimary)
	}
	if err := tx.Contact.CreateBulk(contacts...).Exec(ctx); err != nil {
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

// createCustomer completes a customer being created with its category,
// registration context and applied features, and writes it.
func createCustomer(ctx context.Context, tx *ent.Tx, create *ent.CustomerCreate, cat categorization, req Request) error {
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

// nonBlank reports whether s has more than white space.
func nonBlank(s *string) bool { return s != nil && strings.TrimSpace(*s) != "" }
