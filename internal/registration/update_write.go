package registration

import (
	"context"
	"slices"
	"strings"

	"onboard/ent"
	"onboard/ent/address"
	"onboard/ent/contact"
	"onboard/ent/customerfeature"
	"onboard/ent/identitydocument"
	"onboard/ent/organization"
	"onboard/ent/person"
	"onboard/internal/history"
	"onboard/schema/schematype"
)

// write applies a checked update to stored inside tx: only the rows whose
// values differ are written.
func (p *updatePlan) write(ctx context.Context, tx *ent.Tx, stored *ent.Customer) error {
	var addresses []Address
	switch {
	case p.person != nil:
		sp := stored.Edges.Person
		if err := writePerson(ctx, tx, sp.ID, *p.person); err != nil {
			return err
		}
		owner := func(a *ent.AddressCreate) { a.SetPersonID(sp.ID) }
		if err := writeAddresses(ctx, tx, sp.Edges.Addresses, p.addresses, owner); err != nil {
			return err
		}
		if err := writeContacts(ctx, tx, sp.Edges.Contacts, p.contacts, func(c *ent.ContactCreate) { c.SetPersonID(sp.ID) }); err != nil {
			return err
		}
		if err := writeDocuments(ctx, tx, sp, p.documents); err != nil {
			return err
		}
		addresses = append(slices.Clone(p.addresses.kept), p.addresses.added...)
	case p.organization != nil:
		so := stored.Edges.Organization
		if err := writeOrganizationFields(ctx, tx, so.ID, *p.organization); err != nil {
			return err
		}
		if err := writeAddresses(ctx, tx, so.Edges.Addresses, p.addresses, func(a *ent.AddressCreate) { a.SetOrganizationID(so.ID) }); err != nil {
			return err
		}
		if err := writeContacts(ctx, tx, so.Edges.Contacts, p.contacts, func(c *ent.ContactCreate) { c.SetOrganizationID(so.ID) }); err != nil {
			return err
		}
		addresses = append(slices.Clone(p.addresses.kept), p.addresses.added...)
	}
	update := tx.Customer.UpdateOneID(stored.ID).SetName(p.name)
	// The customer's country is its primary address's (schema/customer.go).
	if country := primaryCountry(addresses); country != nil {
		update.SetCountry(*country)
	} else {
		update.ClearCountry()
	}
	if p.setReference {
		if p.externalReference == "" {
			update.ClearExternalReference()
		} else {
			update.SetExternalReference(p.externalReference)
		}
	}
	if p.setTags {
		if len(p.tags) == 0 {
			update.ClearTags()
		} else {
			update.SetTags(p.tags)
		}
	}
	if p.recategorize {
		if p.category.Category == nil {
			update.ClearCategory()
		} else {
			update.SetCategoryID(p.category.Category.ID)
		}
	}
	if err := update.Exec(ctx); err != nil {
		return err
	}
	if !p.recategorize {
		return nil
	}
	// The features are frozen again, with their sources: the old rows go.
	if _, err := tx.CustomerFeature.Delete().Where(customerfeature.CustomerID(stored.ID)).Exec(ctx); err != nil {
		return err
	}
	features := make([]*ent.CustomerFeatureCreate, len(p.category.Features))
	for i, f := range p.category.Features {
		features[i] = tx.CustomerFeature.Create().
			SetCustomerID(stored.ID).
			SetFeatureID(f.FeatureID).
			SetCode(f.Code).
			SetEnabled(true).
			SetParameters(f.Parameters)
	}
	return tx.CustomerFeature.CreateBulk(features...).Exec(ctx)
}

// writePerson writes an individual's checked person over the stored one.
func writePerson(ctx context.Context, tx *ent.Tx, id string, p Person) error {
	update := tx.Person.UpdateOneID(id).
		SetFirstName(p.FirstName).
		SetLastName(p.LastName).
		SetMiddleName(p.MiddleName).
		SetEmail(p.Email).
		SetPhone(p.Phone).
		SetNationality(p.Nationality).
		SetPlaceOfBirth(p.PlaceOfBirth)
	if p.DateOfBirth != nil {
		update.SetDateOfBirth(*p.DateOfBirth)
	} else {
		update.ClearDateOfBirth()
	}
	if p.Gender != "" {
		update.SetGender(person.Gender(p.Gender))
	} else {
		update.ClearGender()
	}
	return update.Exec(ctx)
}

// writeOrganizationFields writes an organization's checked own fields.
func writeOrganizationFields(ctx context.Context, tx *ent.Tx, id string, o Organization) error {
	update := tx.Organization.UpdateOneID(id).
		SetLegalName(o.LegalName).
		SetTradingName(o.TradingName).
		SetRegistrationNumber(o.RegistrationNumber).
		SetTaxID(o.TaxID).
		SetDescription(o.Description).
		SetWebsite(o.Website).
		SetEmail(o.Email).
		SetPhone(o.Phone)
	// The duplicate keys follow their numbers (a tax id removed clears its
	// key).
	if k := numberKey(o.RegistrationNumber); k != nil {
		update.SetRegistrationNumberKey(*k)
	} else {
		update.ClearRegistrationNumberKey()
	}
	if k := numberKey(o.TaxID); k != nil {
		update.SetTaxIDKey(*k)
	} else {
		update.ClearTaxIDKey()
	}
	if o.IncorporationDate != nil {
		update.SetIncorporationDate(*o.IncorporationDate)
	}
	for _, f := range []struct {
		value        string
		set, cleared func()
	}{
		{o.LegalForm, func() { update.SetLegalForm(organization.LegalForm(o.LegalForm)) }, func() { update.ClearLegalForm() }},
		{o.Industry, func() { update.SetIndustry(organization.Industry(o.Industry)) }, func() { update.ClearIndustry() }},
		{o.BusinessType, func() { update.SetBusinessType(organization.BusinessType(o.BusinessType)) }, func() { update.ClearBusinessType() }},
	} {
		if f.value != "" {
			f.set()
		} else {
			f.cleared()
		}
	}
	return update.Exec(ctx)
}

// writeAddresses writes the kept addresses that differ from stored,
// creates the added ones and deletes the removed ones.
//
// The database keeps one primary address per owner (a partial unique
// index), so the removals go first, then the rows that stop being primary,
// then the others: moving the primary flag never holds two at once.
func writeAddresses(ctx context.Context, tx *ent.Tx, stored []*ent.Address, p listPlan[Address], owner func(*ent.AddressCreate)) error {
	if len(p.removed) > 0 {
		if _, err := tx.Address.Delete().Where(address.IDIn(p.removed...)).Exec(ctx); err != nil {
			return err
		}
	}
	for _, i := range primaryLast(p.kept, func(a Address) bool { return a.IsPrimary }) {
		a, id := p.kept[i], p.keptIDs[i]
		j := slices.IndexFunc(stored, func(s *ent.Address) bool { return s.ID == id })
		if j >= 0 && addressOf(stored[j]) == a {
			continue
		}
		err := tx.Address.UpdateOneID(id).
			SetType(address.Type(a.Type)).SetStreet(a.Street).SetLine2(a.Line2).SetCity(a.City).
			SetState(a.State).SetPostalCode(a.PostalCode).SetCountry(a.Country).SetIsPrimary(a.IsPrimary).
			SetCountrySource(countrySource(a)).SetAddressLine(a.AddressLine).
			Exec(ctx)
		if err != nil {
			return err
		}
	}
	if len(p.added) == 0 {
		return nil
	}
	return createAddresses(ctx, tx, p.added, owner)
}

// primaryLast is the indexes of rows, those not primary first.
func primaryLast[T any](rows []T, primary func(T) bool) []int {
	var first, last []int
	for i, r := range rows {
		if primary(r) {
			last = append(last, i)
		} else {
			first = append(first, i)
		}
	}
	return append(first, last...)
}

func addressOf(a *ent.Address) Address {
	return Address{Type: string(a.Type), Street: a.Street, Line2: a.Line2, City: a.City, State: a.State,
		PostalCode: a.PostalCode, Country: a.Country, IsPrimary: a.IsPrimary,
		CountrySource: string(a.CountrySource), AddressLine: a.AddressLine}
}

// writeContacts is writeAddresses for contacts.
// The same order keeps the one primary contact per type.
func writeContacts(ctx context.Context, tx *ent.Tx, stored []*ent.Contact, p listPlan[Contact], owner func(*ent.ContactCreate)) error {
	if len(p.removed) > 0 {
		if _, err := tx.Contact.Delete().Where(contact.IDIn(p.removed...)).Exec(ctx); err != nil {
			return err
		}
	}
	for _, i := range primaryLast(p.kept, func(c Contact) bool { return c.IsPrimary }) {
		c, id := p.kept[i], p.keptIDs[i]
		j := slices.IndexFunc(stored, func(s *ent.Contact) bool { return s.ID == id })
		if j >= 0 && (Contact{Type: string(stored[j].Type), Value: stored[j].Value, IsPrimary: stored[j].IsPrimary,
			Operator: stored[j].Operator, Purpose: stored[j].Purpose}) == c {
			continue
		}
		err := tx.Contact.UpdateOneID(id).
			SetType(contact.Type(c.Type)).SetValue(c.Value).SetIsPrimary(c.IsPrimary).
			Exec(ctx)
		if err != nil {
			return err
		}
	}
	if len(p.added) == 0 {
		return nil
	}
	return createContacts(ctx, tx, p.added, owner)
}

// writeDocuments is writeAddresses for a person's identity documents, in
// the same order, which keeps the one primary document per person.
func writeDocuments(ctx context.Context, tx *ent.Tx, sp *ent.Person, p listPlan[Document]) error {
	stored := sp.Edges.IdentityDocuments
	if len(p.removed) > 0 {
		if _, err := tx.IdentityDocument.Delete().Where(identitydocument.IDIn(p.removed...)).Exec(ctx); err != nil {
			return err
		}
	}
	for _, i := range primaryLast(p.kept, func(d Document) bool { return d.IsPrimary }) {
		d, id := p.kept[i], p.keptIDs[i]
		j := slices.IndexFunc(stored, func(s *ent.IdentityDocument) bool { return s.ID == id })
		if j >= 0 && documentOf(stored[j]) == d {
			continue
		}
		err := tx.IdentityDocument.UpdateOneID(id).
			SetType(identitydocument.Type(d.Type)).SetNumber(d.Number).SetIssuingCountry(d.IssuingCountry).
			SetIsPrimary(d.IsPrimary).
			Exec(ctx)
		if err != nil {
			return err
		}
	}
	documents := make([]*ent.IdentityDocumentCreate, len(p.added))
	for i, d := range p.added {
		documents[i] = tx.IdentityDocument.Create().SetPersonID(sp.ID).
			SetType(identitydocument.Type(d.Type)).SetNumber(d.Number).SetIssuingCountry(d.IssuingCountry).
			SetIsPrimary(d.IsPrimary)
	}
	if len(documents) == 0 {
		return nil
	}
	return tx.IdentityDocument.CreateBulk(documents...).Exec(ctx)
}

func documentOf(d *ent.IdentityDocument) Document {
	return Document{Type: string(d.Type), Number: d.Number, IssuingCountry: d.IssuingCountry, IsPrimary: d.IsPrimary}
}

// customerSnapshot is a customer loaded by loadCustomer as its update
// event shows it: its own fields, its features' codes, its person or
// organization, and each address, contact and document under its id.
func customerSnapshot(c *ent.Customer) snapshot {
	var s snapshot
	s.add("", "customer", "name", history.Text(c.Name))
	if c.Type == schematype.CustomerTypeIndividual && len(s) > 0 {
		// The customer's name is a person's for an individual
		// (schema.PersonalDataOfIndividuals).
		s[len(s)-1].personal = true
	}
	s.add("", "customer", "external_reference", textOf(c.ExternalReference))
	s.add("", "customer", "tags", history.Text(strings.Join(c.Tags, ",")))
	if cat := c.Edges.Category; cat != nil {
		s.add("", "customer", "category", history.Text(cat.Code))
	} else {
		s.add("", "customer", "category", nil)
	}
	codes := make([]string, len(c.Edges.Features))
	for i, f := range c.Edges.Features {
		codes[i] = f.Code + featureParameters(f.Parameters)
	}
	s.add("", "customer", "features", history.Text(strings.Join(codes, ",")))
	s.add("", "customer", "country", history.Text(c.Country))
	var addresses []*ent.Address
	var contacts []*ent.Contact
	if p := c.Edges.Person; p != nil {
		s.personFields("person", p)
		addresses, contacts = p.Edges.Addresses, p.Edges.Contacts
		for _, d := range p.Edges.IdentityDocuments {
			prefix := "identityDocuments." + d.ID
			s.add(prefix, "document", "type", history.Text(string(d.Type)))
			s.add(prefix, "document", "number", history.Text(d.Number))
			s.add(prefix, "document", "issuing_country", history.Text(d.IssuingCountry))
			s.add(prefix, "document", "is_primary", boolOf(d.IsPrimary))
		}
	}
	if o := c.Edges.Organization; o != nil {
		for _, f := range []struct {
			name  string
			value *string
		}{
			{"legal_name", history.Text(o.LegalName)}, {"trading_name", history.Text(o.TradingName)},
			{"registration_number", o.RegistrationNumber}, {"tax_id", history.Text(o.TaxID)},
			{"incorporation_date", dateOf(o.IncorporationDate)}, {"legal_form", textOf(o.LegalForm)},
			{"industry", textOf(o.Industry)}, {"business_type", textOf(o.BusinessType)},
			{"description", history.Text(o.Description)}, {"website", history.Text(o.Website)},
			{"email", history.Text(o.Email)}, {"phone", history.Text(o.Phone)},
		} {
			s.add("organization", "organization", f.name, f.value)
		}
		addresses, contacts = o.Edges.Addresses, o.Edges.Contacts
	}
	for _, a := range addresses {
		prefix := "addresses." + a.ID
		s.add(prefix, "address", "type", history.Text(string(a.Type)))
		s.add(prefix, "address", "street", history.Text(a.Street))
		s.add(prefix, "address", "line2", history.Text(a.Line2))
		s.add(prefix, "address", "city", history.Text(a.City))
		s.add(prefix, "address", "state", history.Text(a.State))
		s.add(prefix, "address", "postal_code", history.Text(a.PostalCode))
		s.add(prefix, "address", "country", history.Text(a.Country))
		s.add(prefix, "address", "country_source", history.Text(string(a.CountrySource)))
		s.add(prefix, "address", "address_line", history.Text(a.AddressLine))
		s.add(prefix, "address", "is_primary", boolOf(a.IsPrimary))
	}
	for _, ct := range contacts {
		prefix := "contacts." + ct.ID
		s.add(prefix, "contact", "type", history.Text(string(ct.Type)))
		s.add(prefix, "contact", "value", history.Text(ct.Value))
		s.add(prefix, "contact", "is_primary", boolOf(ct.IsPrimary))
	}
	return s
}

// featureParameters renders a frozen feature's parameters with their
// sources, so that re-categorizing into the same category with other
// parameters shows as a change.
func featureParameters(ps []schematype.AppliedParameter) string {
	if len(ps) == 0 {
		return ""
	}
	parts := make([]string, len(ps))
	for i, p := range ps {
		parts[i] = p.Name + "=" + p.Value + "/" + string(p.Source)
	}
	return "(" + strings.Join(parts, ";") + ")"
}
