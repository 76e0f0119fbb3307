package registration

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"onboard/ent"
	"onboard/ent/address"
	"onboard/ent/contact"
	"onboard/ent/customer"
	"onboard/ent/customerfeature"
	"onboard/ent/identitydocument"
	"onboard/internal/apperr"
	"onboard/internal/apperr/vocab"
	"onboard/internal/catalog"
	"onboard/internal/history"
	"onboard/internal/pulid"
	"onboard/internal/viewer"
	"onboard/schema/schematype"
)

// This file updates a registered customer (updateIndividual,
// updateOrganization) under registration's own rules: the same checker,
// person, address, contact, document and organization rules, the same
// categorization, every problem at once on its path inside the update's
// input; the result keeps registration's invariants (an individual keeps
// an address, at most one primary address, at most one primary contact
// per type) and the customer's country follows its primary address.
//
// Optimistic concurrency: the transaction's first statement is an UPDATE
// of the customer conditional on version = expectedVersion. It takes the
// row's lock, so a concurrent update of the same customer waits for it
// and then finds the version moved (history.Record moves it), and gets
// CONFLICT STALE_WRITE; nothing of a refused update is written. An update
// that changes nothing is rolled back: no event, no version move.
//
// A customer session (viewer.CustomerID) may change its own customer's
// profile only: the person's (or organization's) e-mail and phone, the
// addresses and the contacts. Names, date of birth, gender, nationality,
// place of birth, documents, the organization's other fields, the
// category, tags, external reference and customer name are the verified
// or platform-owned fields: a session naming one is FORBIDDEN
// FIELD_NOT_SELF_SERVICE on its path.

// errNothingChanged rolls back an update that changes nothing.
var errNothingChanged = errors.New("nothing changed")

// UpdateIndividual applies an updateIndividual request and returns the
// customer as it now is.
func (s *Service) UpdateIndividual(ctx context.Context, in IndividualUpdate) (*ent.Customer, error) {
	return s.update(ctx, updateRequest{
		id: in.CustomerID, version: in.ExpectedVersion, typ: schematype.CustomerTypeIndividual,
		customer: in.customer(), profile: in.profile(), person: in.Person, documents: in.IdentityDocuments,
	})
}

// UpdateOrganization applies an updateOrganization request and returns
// the customer as it now is.
func (s *Service) UpdateOrganization(ctx context.Context, in OrganizationUpdate) (*ent.Customer, error) {
	return s.update(ctx, updateRequest{
		id: in.CustomerID, version: in.ExpectedVersion, typ: schematype.CustomerTypeOrganization,
		customer: in.customer(), profile: in.profile(), organization: in.Organization,
	})
}

// updateRequest is what both updates carry.
type updateRequest struct {
	id           string
	version      int
	typ          schematype.CustomerType
	customer     CustomerChange
	profile      ProfileChanges
	person       *PersonChange
	documents    *DocumentChanges
	organization *OrganizationChange
}

func (s *Service) update(ctx context.Context, r updateRequest) (*ent.Customer, error) {
	if err := r.authorize(viewer.FromContext(ctx)); err != nil {
		return nil, err
	}
	idPath := apperr.Path{"customerId"}
	if !pulid.Valid(r.id, schematype.PrefixCustomer) {
		return nil, apperr.NotFoundf(idPath, "no customer with this id")
	}
	settings, err := s.settings(ctx)
	if err != nil {
		return nil, err
	}
	err = catalog.WithTx(ctx, s.Client, func(tx *ent.Tx) error {
		n, err := tx.Customer.Update().Where(customer.ID(r.id), customer.Version(r.version)).Save(ctx)
		if err != nil {
			return err
		}
		if n == 0 {
			return staleOrMissing(ctx, tx, r.id, r.version)
		}
		stored, err := loadCustomer(ctx, tx.Client(), r.id)
		if err != nil {
			return err
		}
		if stored.Type != r.typ {
			return apperr.NotFoundf(idPath, "no %s customer with this id", strings.ToLower(string(r.typ)))
		}
		if err := changeable(stored); err != nil {
			return err
		}
		p, err := s.planUpdate(ctx, tx, r, stored, settings)
		if err != nil {
			return err
		}
		if err := p.write(ctx, tx, stored); err != nil {
			return err
		}
		after, err := loadCustomer(ctx, tx.Client(), r.id)
		if err != nil {
			return err
		}
		changes := diff(customerSnapshot(stored), customerSnapshot(after))
		if len(changes) == 0 {
			return errNothingChanged
		}
		return history.Record(ctx, tx, history.Event{CustomerID: r.id, Type: schematype.EventCustomerUpdated, Changes: changes})
	})
	if err != nil && !errors.Is(err, errNothingChanged) {
		return nil, apperr.FromData(err, func(column string) apperr.Path {
			switch column {
			case "external_reference":
				return apperr.Path{"externalReference"}
			case "registration_number":
				return apperr.Path{"organization", "registrationNumber"}
			}
			return nil
		})
	}
	c, err := s.Client.Customer.Get(ctx, r.id)
	return c, notFoundOn(err, idPath, "customer")
}

// changeable refuses a change to a customer whose lifecycle has ended:
// an erased one (CONFLICT CUSTOMER_ERASED: a change would write personal
// data back onto it, undoing the erasure), and a REJECTED or CLOSED one
// (CONFLICT CUSTOMER_CLOSED: no decision leads out of those, so nothing
// more is to be onboarded). Updates and member changes both ask it, inside
// the transaction that holds the customer's or organization's row.
func changeable(c *ent.Customer) error {
	if c.ErasedAt != nil {
		return apperr.New(apperr.Conflict, vocab.ReasonCustomerErased,
			"the customer's personal data was erased: nothing more is recorded about it")
	}
	if c.Status == customer.StatusREJECTED || c.Status == customer.StatusCLOSED {
		e := apperr.New(apperr.Conflict, vocab.ReasonCustomerClosed,
			"the customer is "+string(c.Status)+": its lifecycle has ended and it no longer changes")
		e.Details = map[string]any{"status": string(c.Status)}
		return e
	}
	return nil
}

// staleOrMissing tells why the version-conditional UPDATE changed no row:
// the customer is not there (or another tenant's), or its version moved.
func staleOrMissing(ctx context.Context, tx *ent.Tx, id string, expected int) error {
	c, err := tx.Customer.Get(ctx, id)
	if err != nil {
		return notFoundOn(err, apperr.Path{"customerId"}, "customer")
	}
	e := apperr.New(apperr.Conflict, vocab.ReasonStaleWrite, "the customer changed since the version sent: read it again and retry")
	e.Field = apperr.Path{"expectedVersion"}
	e.Details = map[string]any{"expectedVersion": expected, "currentVersion": c.Version}
	return e
}

// loadCustomer reads a customer with everything an update may change.
func loadCustomer(ctx context.Context, client *ent.Client, id string) (*ent.Customer, error) {
	c, err := client.Customer.Query().Where(customer.ID(id)).
		WithCategory().
		WithFeatures(func(q *ent.CustomerFeatureQuery) { q.Order(customerfeature.ByCode()) }).
		WithPerson(func(q *ent.PersonQuery) {
			q.WithAddresses(func(q *ent.AddressQuery) { q.Order(address.ByID()) }).
				WithContacts(func(q *ent.ContactQuery) { q.Order(contact.ByID()) }).
				WithIdentityDocuments(func(q *ent.IdentityDocumentQuery) { q.Order(identitydocument.ByID()) })
		}).
		WithOrganization(func(q *ent.OrganizationQuery) {
			q.WithAddresses(func(q *ent.AddressQuery) { q.Order(address.ByID()) }).
				WithContacts(func(q *ent.ContactQuery) { q.Order(contact.ByID()) })
		}).
		Only(ctx)
	return c, notFoundOn(err, apperr.Path{"customerId"}, "customer")
}

// authorize lets a platform token with customers:manage change anything,
// and a customer session its own customer's profile fields only.
func (r updateRequest) authorize(v *viewer.Viewer) error {
	if !v.ActsFor(r.id, viewer.ScopeCustomersManage) {
		if v != nil && v.CustomerID != "" {
			return apperr.New(apperr.Forbidden, vocab.ReasonNotYourCustomer, "a customer session changes only its own customer")
		}
		return apperr.ForbiddenScope(string(viewer.ScopeCustomersManage))
	}
	if v.CustomerID == "" {
		return nil
	}
	var problems apperr.List
	deny := func(given bool, path ...any) {
		if given {
			problems.Add(&apperr.Error{Code: apperr.Forbidden, Field: apperr.Path(path), Reason: vocab.ReasonFieldNotSelfService,
				Message: "a customer session cannot change this field; the platform changes it"})
		}
	}
	ch := r.customer
	deny(ch.CustomerName != nil, "customerName")
	deny(ch.ExternalReference != nil, "externalReference")
	deny(ch.Tags != nil, "tags")
	deny(ch.Category != nil, "category")
	if p := r.person; p != nil {
		deny(p.FirstName != nil, "person", "firstName")
		deny(p.MiddleName != nil, "person", "middleName")
		deny(p.LastName != nil, "person", "lastName")
		deny(p.DateOfBirth != nil, "person", "dateOfBirth")
		deny(p.Gender != nil, "person", "gender")
		deny(p.Nationality != nil, "person", "nationality")
		deny(p.PlaceOfBirth != nil, "person", "placeOfBirth")
	}
	deny(r.documents != nil, "identityDocuments")
	if o := r.organization; o != nil {
		for _, f := range []struct {
			v    *string
			name string
		}{
			{o.LegalName, "legalName"}, {o.TradingName, "tradingName"}, {o.RegistrationNumber, "registrationNumber"},
			{o.TaxID, "taxId"}, {o.IncorporationDate, "incorporationDate"}, {o.LegalForm, "legalForm"},
			{o.Industry, "industry"}, {o.BusinessType, "businessType"}, {o.BusinessDescription, "businessDescription"},
			{o.Website, "website"},
		} {
			deny(f.v != nil, "organization", f.name)
		}
	}
	return problems.Err()
}

// updatePlan is a checked update: what to write.
type updatePlan struct {
	name              string
	externalReference string
	setReference      bool
	tags              []string
	setTags           bool
	recategorize      bool
	category          categorization
	person            *Person
	organization      *Organization
	addresses         listPlan[Address]
	contacts          listPlan[Contact]
	documents         listPlan[Document]
}

// listPlan is the outcome for one list of a customer's rows: the rows kept
// (stored ids, their validated values), the rows added, the ids removed.
type listPlan[T any] struct {
	keptIDs []string
	kept    []T
	added   []T
	removed []string
}

// planUpdate checks every rule of the update against the stored customer
// and returns all the problems at once.
func (s *Service) planUpdate(ctx context.Context, tx *ent.Tx, r updateRequest, stored *ent.Customer, settings Settings) (*updatePlan, error) {
	c := &checker{defaultCountry: settings.DefaultCountry}
	p := &updatePlan{name: stored.Name}
	ch := r.customer
	if ch.CustomerName != nil {
		if p.name = c.text(apperr.Path{"customerName"}, ch.CustomerName, schematype.MaxCustomerNameLen); p.name == "" && strings.TrimSpace(*ch.CustomerName) == "" {
			c.problems.Invalid(apperr.Path{"customerName"}, vocab.ReasonRequired, msgRequired)
		}
	}
	if ch.ExternalReference != nil {
		p.externalReference = c.text(apperr.Path{"externalReference"}, ch.ExternalReference, schematype.MaxReferenceLen)
		p.setReference = true
	}
	if ch.Tags != nil {
		p.tags, p.setTags = c.tags(apperr.Path{"tags"}, ch.Tags), true
	}

	var storedAddresses []*ent.Address
	var storedContacts []*ent.Contact
	region := ""
	switch r.typ {
	case schematype.CustomerTypeIndividual:
		sp := stored.Edges.Person
		storedAddresses, storedContacts = sp.Edges.Addresses, sp.Edges.Contacts
		person := c.personChange(apperr.Path{"person"}, sp, r.person, s.now(), settings.MinimumAge)
		p.addresses = c.addressChanges(apperr.Path{"addresses"}, storedAddresses, r.profile.Addresses, true, &person.Addresses)
		region = person.region(c.defaultCountry)
		if r.person != nil && r.person.Phone != nil {
			person.Phone = ""
			if nonBlank(r.person.Phone) {
				person.Phone = c.phone(apperr.Path{"person", "phone"}, *r.person.Phone, region)
			}
		}
		p.documents = c.documentChanges(apperr.Path{"identityDocuments"}, sp.Edges.IdentityDocuments, r.documents, &person)
		p.person = &person
	case schematype.CustomerTypeOrganization:
		so := stored.Edges.Organization
		storedAddresses, storedContacts = so.Edges.Addresses, so.Edges.Contacts
		org := &Organization{}
		c.organizationFields(apperr.Path{"organization"}, organizationOver(so, r.organization), s.now(), org)
		p.addresses = c.addressChanges(apperr.Path{"addresses"}, storedAddresses, r.profile.Addresses, true, &org.Addresses)
		region = c.addressRegion(org.Addresses)
		org.Phone = so.Phone
		if r.organization != nil && r.organization.Phone != nil {
			org.Phone = ""
			if nonBlank(r.organization.Phone) {
				org.Phone = c.phone(apperr.Path{"organization", "phone"}, *r.organization.Phone, region)
			}
		}
		p.organization = org
	}
	p.contacts = c.contactChanges(apperr.Path{"contacts"}, storedContacts, r.profile.Contacts, region)
	if ch.Category != nil {
		cat, err := categorize(ctx, tx.Client(), categoryRequest{Type: r.typ, Ref: ch.Category, RefPath: apperr.Path{"category"}}, &c.problems)
		if err != nil {
			return nil, err
		}
		p.category, p.recategorize = cat, true
	}
	return p, c.problems.Err()
}

// personChange is the stored person with the change applied, checked as
// registration checks a person's own fields; a stored date of birth is
// not checked again (the tenant's minimum age may have moved).
func (c *checker) personChange(path apperr.Path, stored *ent.Person, ch *PersonChange, now time.Time, minAge int) Person {
	in := PersonInput{
		FirstName: stored.FirstName, MiddleName: &stored.MiddleName, LastName: stored.LastName,
		Email: &stored.Email, Nationality: &stored.Nationality, PlaceOfBirth: &stored.PlaceOfBirth,
	}
	if stored.Gender != nil {
		in.Gender = string(*stored.Gender)
	}
	if ch == nil {
		ch = &PersonChange{}
	}
	if ch.FirstName != nil {
		in.FirstName = *ch.FirstName
	}
	if ch.LastName != nil {
		in.LastName = *ch.LastName
	}
	for _, f := range []struct{ change, into **string }{
		{&ch.MiddleName, &in.MiddleName}, {&ch.Email, &in.Email}, {&ch.Nationality, &in.Nationality}, {&ch.PlaceOfBirth, &in.PlaceOfBirth},
	} {
		if *f.change != nil {
			*f.into = *f.change
		}
	}
	if ch.Gender != nil {
		in.Gender = ch.Gender
	}
	in.DateOfBirth = ch.DateOfBirth
	p := c.personWith(path, in, personRules{now: now, minAge: minAge})
	if ch.DateOfBirth == nil {
		p.DateOfBirth = stored.DateOfBirth
	}
	p.Phone = stored.Phone
	return p
}

// organizationOver is the stored organization with the change applied, as
// registration input (its addresses, contacts and people left out).
func organizationOver(o *ent.Organization, ch *OrganizationChange) OrganizationDetails {
	in := OrganizationDetails{
		LegalName: o.LegalName, TradingName: &o.TradingName, RegistrationNumber: deref(o.RegistrationNumber),
		TaxID: &o.TaxID, LegalForm: textOf(o.LegalForm), Industry: textOf(o.Industry), BusinessType: textOf(o.BusinessType),
		BusinessDescription: &o.Description, Website: &o.Website, Email: &o.Email,
	}
	if ch == nil {
		return in
	}
	if ch.LegalName != nil {
		in.LegalName = *ch.LegalName
	}
	if ch.RegistrationNumber != nil {
		in.RegistrationNumber = *ch.RegistrationNumber
	}
	in.IncorporationDate = ch.IncorporationDate
	for _, f := range []struct{ change, into **string }{
		{&ch.TradingName, &in.TradingName}, {&ch.TaxID, &in.TaxID}, {&ch.LegalForm, &in.LegalForm},
		{&ch.Industry, &in.Industry}, {&ch.BusinessType, &in.BusinessType},
		{&ch.BusinessDescription, &in.BusinessDescription}, {&ch.Website, &in.Website}, {&ch.Email, &in.Email},
	} {
		if *f.change != nil {
			*f.into = *f.change
		}
	}
	return in
}

// references resolves a list change's ids among the stored rows' ids: an
// unknown id (or another customer's) is NOT_FOUND on its path, an id both
// changed and removed INVALID_VALUE on its change. It returns the indexes
// into stored of the changes (-1 when unknown) and the removed set.
func (c *checker) references(path apperr.Path, storedIDs []string, changeIDs, removeIDs []string, what string) ([]int, map[string]bool) {
	removed := map[string]bool{}
	for i, id := range removeIDs {
		if !slices.Contains(storedIDs, id) {
			c.problems.Add(apperr.NotFoundf(path.With("remove", i), "the customer has no %s with this id", what))
			continue
		}
		removed[id] = true
	}
	idx := make([]int, len(changeIDs))
	for i, id := range changeIDs {
		idx[i] = slices.Index(storedIDs, id)
		switch {
		case idx[i] < 0:
			c.problems.Add(apperr.NotFoundf(path.With("change", i, "id"), "the customer has no %s with this id", what))
		case removed[id]:
			c.problems.Invalid(path.With("change", i, "id"), vocab.ReasonInvalidValue, "the same "+what+" cannot be changed and removed")
		case slices.Index(changeIDs, id) < i:
			c.problems.Invalid(path.With("change", i, "id"), vocab.ReasonInvalidValue, "the same "+what+" is changed twice")
		}
	}
	return idx, removed
}

// addressChanges applies the address changes to the stored addresses and
// checks the result under registration's address rules, into into: the
// kept stored ones first, then the changed ones (at addresses.change.i),
// then the added ones (at addresses.add.i).
func (c *checker) addressChanges(path apperr.Path, stored []*ent.Address, ch *AddressChanges, required bool, into *[]Address) listPlan[Address] {
	if ch == nil {
		ch = &AddressChanges{}
	}
	ids := make([]string, len(stored))
	for i, a := range stored {
		ids[i] = a.ID
	}
	changeIDs := make([]string, len(ch.Change))
	for i, a := range ch.Change {
		changeIDs[i] = a.ID
	}
	idx, removed := c.references(path, ids, changeIDs, ch.Remove, "address")
	var plan listPlan[Address]
	keep := addressList{path: path}
	for _, a := range stored {
		if !removed[a.ID] && !slices.Contains(changeIDs, a.ID) {
			keep.in = append(keep.in, addressInputOf(a))
			keep.paths = append(keep.paths, path.With(a.ID))
			plan.keptIDs = append(plan.keptIDs, a.ID)
		}
	}
	changed := addressList{path: path.With("change")}
	for i, a := range ch.Change {
		if idx[i] < 0 || removed[a.ID] || slices.Index(changeIDs, a.ID) < i {
			continue
		}
		in := addressInputOf(stored[idx[i]])
		for _, f := range []struct{ change, into **string }{{&a.Type, &in.Type}, {&a.Line2, &in.Line2}, {&a.State, &in.State}, {&a.PostalCode, &in.PostalCode}} {
			if *f.change != nil {
				*f.into = *f.change
			}
		}
		for _, f := range []struct {
			change *string
			into   *string
		}{{a.Street, &in.Street}, {a.City, &in.City}, {a.Country, &in.Country}} {
			if f.change != nil {
				*f.into = *f.change
			}
		}
		if a.IsPrimary != nil {
			in.IsPrimary = *a.IsPrimary
		}
		switch {
		case a.Country != nil:
			in.source = "" // the client gives the country now
		case a.State != nil && in.source != schematype.CountrySourceGiven:
			// The country was completed from the old state or the
			// tenant's default: complete it again for the new state.
			in.Country, in.source = "", ""
		}
		changed.in = append(changed.in, in)
		changed.paths = append(changed.paths, path.With("change", i))
		plan.keptIDs = append(plan.keptIDs, a.ID)
	}
	if len(plan.keptIDs)+len(ch.Add) > schematype.MaxListLen {
		c.problems.Invalid(path.With("add"), vocab.ReasonTooMany, "too many addresses")
	}
	c.addresses(into, required, keep, changed, addressList{path: path.With("add"), in: ch.Add})
	kept := len(plan.keptIDs)
	if kept > len(*into) {
		kept = len(*into)
	}
	plan.kept, plan.added = (*into)[:kept], (*into)[kept:]
	for id := range removed {
		plan.removed = append(plan.removed, id)
	}
	slices.Sort(plan.removed)
	return plan
}

func addressInputOf(a *ent.Address) AddressInput {
	return AddressInput{Type: ptr(string(a.Type)), Street: a.Street, Line2: &a.Line2, City: a.City,
		State: history.Text(a.State), PostalCode: &a.PostalCode, Country: a.Country, IsPrimary: a.IsPrimary,
		AddressLine: &a.AddressLine, source: string(a.CountrySource)}
}

// contactChanges applies the contact changes to the stored contacts and
// checks the changed (contacts.change.i) and added (contacts.add.i) ones
// as registration does, the stored ones kept counting for the one primary
// contact per type. Phone numbers in national form are read in region.
func (c *checker) contactChanges(path apperr.Path, stored []*ent.Contact, ch *ContactChanges, region string) listPlan[Contact] {
	if ch == nil {
		ch = &ContactChanges{}
	}
	ids := make([]string, len(stored))
	for i, s := range stored {
		ids[i] = s.ID
	}
	changeIDs := make([]string, len(ch.Change))
	for i, s := range ch.Change {
		changeIDs[i] = s.ID
	}
	idx, removed := c.references(path, ids, changeIDs, ch.Remove, "contact")
	var plan listPlan[Contact]
	var into []Contact
	for _, s := range stored {
		if !removed[s.ID] && !slices.Contains(changeIDs, s.ID) {
			plan.keptIDs = append(plan.keptIDs, s.ID)
			into = append(into, Contact{Type: string(s.Type), Value: s.Value, IsPrimary: s.IsPrimary, Operator: s.Operator, Purpose: s.Purpose})
		}
	}
	for i, s := range ch.Change {
		if idx[i] < 0 || removed[s.ID] || slices.Index(changeIDs, s.ID) < i {
			continue
		}
		st := stored[idx[i]]
		in := ContactInput{Type: string(st.Type), Value: st.Value, IsPrimary: st.IsPrimary}
		if s.Type != nil {
			in.Type = *s.Type
		}
		if s.Value != nil {
			in.Value = *s.Value
		}
		if s.IsPrimary != nil {
			in.IsPrimary = *s.IsPrimary
		}
		c.contact(path.With("change", i), in, region, &into)
		into[len(into)-1].Operator, into[len(into)-1].Purpose = st.Operator, st.Purpose
		plan.keptIDs = append(plan.keptIDs, s.ID)
	}
	if len(plan.keptIDs)+len(ch.Add) > schematype.MaxListLen {
		c.problems.Invalid(path.With("add"), vocab.ReasonTooMany, "too many contacts")
	} else {
		for i, in := range ch.Add {
			c.contact(path.With("add", i), in, region, &into)
		}
	}
	plan.kept, plan.added = into[:len(plan.keptIDs)], into[len(plan.keptIDs):]
	for id := range removed {
		plan.removed = append(plan.removed, id)
	}
	slices.Sort(plan.removed)
	return plan
}

// documentChanges applies the identity document changes to the stored
// ones and checks the changed and added ones as registration does, into
// p's documents.
func (c *checker) documentChanges(path apperr.Path, stored []*ent.IdentityDocument, ch *DocumentChanges, p *Person) listPlan[Document] {
	if ch == nil {
		ch = &DocumentChanges{}
	}
	ids := make([]string, len(stored))
	for i, d := range stored {
		ids[i] = d.ID
	}
	changeIDs := make([]string, len(ch.Change))
	for i, d := range ch.Change {
		changeIDs[i] = d.ID
	}
	idx, removed := c.references(path, ids, changeIDs, ch.Remove, "identity document")
	var plan listPlan[Document]
	p.Documents = nil
	for _, d := range stored {
		if !removed[d.ID] && !slices.Contains(changeIDs, d.ID) {
			plan.keptIDs = append(plan.keptIDs, d.ID)
			p.Documents = append(p.Documents, documentOf(d))
		}
	}
	for i, d := range ch.Change {
		if idx[i] < 0 || removed[d.ID] || slices.Index(changeIDs, d.ID) < i {
			continue
		}
		st := stored[idx[i]]
		in := DocumentInput{Type: string(st.Type), Number: st.Number, IssuingCountry: &st.IssuingCountry, IsPrimary: st.IsPrimary}
		if d.IsPrimary != nil {
			in.IsPrimary = *d.IsPrimary
		}
		if d.Type != nil {
			in.Type = *d.Type
		}
		if d.Number != nil {
			in.Number = *d.Number
		}
		if d.IssuingCountry != nil {
			in.IssuingCountry = d.IssuingCountry
		}
		c.document(path.With("change", i), in, p)
		plan.keptIDs = append(plan.keptIDs, d.ID)
	}
	if len(plan.keptIDs)+len(ch.Add) > schematype.MaxListLen {
		c.problems.Invalid(path.With("add"), vocab.ReasonTooMany, "too many identity documents")
	} else {
		for i, in := range ch.Add {
			c.document(path.With("add", i), in, p)
		}
	}
	firstDocumentPrimary(p)
	plan.kept, plan.added = p.Documents[:len(plan.keptIDs)], p.Documents[len(plan.keptIDs):]
	for id := range removed {
		plan.removed = append(plan.removed, id)
	}
	slices.Sort(plan.removed)
	return plan
}
