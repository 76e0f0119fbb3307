package registration

import (
	"slices"
	"time"

	"onboard/internal/apperr"
	"onboard/internal/apperr/vocab"
	"onboard/internal/values"
	"onboard/schema/schematype"
)

// Person is a validated, normalized person.
type Person struct {
	FirstName, MiddleName, LastName string
	Email, Phone                    string
	DateOfBirth                     *time.Time
	Gender                          string
	Nationality, PlaceOfBirth       string
	Addresses                       []Address
	Contacts                        []Contact
	Documents                       []Document
}

// Address is a validated address. CountrySource says where Country came
// from (schematype.CountrySources); AddressLine is the one-line address as
// the client sent it.
type Address struct {
	Type, Street, Line2, City, State, PostalCode, Country string
	IsPrimary                                             bool
	CountrySource, AddressLine                            string
}

// Contact is a validated contact with its value normalized. Operator and
// Purpose come only with an employee's telephone numbers.
type Contact struct {
	Type, Value       string
	IsPrimary         bool
	Operator, Purpose string
}

// Document is a validated identity document.
type Document struct {
	Type, Number, IssuingCountry string
	IsPrimary                    bool
}

// person validates a person at path; loginEmail is the default contact
// e-mail. The person needs at least one address.
func (c *checker) person(path apperr.Path, in PersonInput, loginEmail string, now time.Time, minAge int) Person {
	return c.personWith(path, in, personRules{loginEmail: loginEmail, now: now, minAge: minAge, requireAddress: true})
}

// personRules says how checker.personWith treats a person.
type personRules struct {
	// loginEmail is the contact e-mail when the person gives none.
	loginEmail string
	now        time.Time
	// minAge applies to a date of birth when one is given (no check when <= 0).
	minAge int
	// requireAddress makes "no address at all" a REQUIRED problem on the
	// person's addresses.
	requireAddress bool
	// moreAddresses are validated after the person's own addresses and
	// merged into them, under the same primary rules (an employee's
	// addresses sit next to the person).
	moreAddresses addressList
}

// personWith validates a person at path under rules. The date of birth,
// gender, nationality, addresses (unless required), contacts and documents
// are optional; names are required.
func (c *checker) personWith(path apperr.Path, in PersonInput, rules personRules) Person {
	p := Person{
		FirstName:    c.required(path.With("firstName"), in.FirstName, schematype.MaxNameLen),
		MiddleName:   c.text(path.With("middleName"), in.MiddleName, schematype.MaxNameLen),
		LastName:     c.required(path.With("lastName"), in.LastName, schematype.MaxNameLen),
		PlaceOfBirth: c.text(path.With("placeOfBirth"), in.PlaceOfBirth, schematype.MaxNameLen),
		Email:        rules.loginEmail,
	}
	// Checked, not stored: the first, middle and last names together.
	c.text(path.With("fullName"), in.FullName, maxFullNameLen)
	if nonBlank(in.Email) {
		p.Email = c.email(path.With("email"), *in.Email)
	}
	p.DateOfBirth = c.dateOfBirth(path.With("dateOfBirth"), in.DateOfBirth, rules.now, rules.minAge)
	if in.Gender != nil {
		if g, err := values.ParseGender(in.Gender); err != nil {
			c.fail(path.With("gender"), err)
		} else {
			p.Gender = g
		}
	}
	if nonBlank(in.Nationality) {
		p.Nationality = c.country(path.With("nationality"), *in.Nationality)
	}
	c.addresses(&p.Addresses, rules.requireAddress, addressList{path: path.With("addresses"), in: in.Addresses}, rules.moreAddresses)
	c.contacts(path.With("contacts"), in.Contacts, p.region(c.defaultCountry), &p.Contacts)
	c.documents(path.With("identityDocuments"), in.IdentityDocuments, &p)
	return p
}

// region is the country a person's national-format phone numbers are read
// in: the primary address's country when the client gave it, else the
// nationality, else fallback (the tenant's default country, or an
// employee's organization's region). A country completed from the state or
// the tenant's default says nothing about the phone: the wallet platform's
// Nigerian customer with a Californian address has a Nigerian number.
func (p *Person) region(fallback string) string {
	if a := primaryAddress(p.Addresses); a != nil && a.Country != "" && a.CountrySource == schematype.CountrySourceGiven {
		return a.Country
	}
	if p.Nationality != "" {
		return p.Nationality
	}
	return fallback
}

// addressRegion is the region of an organization's national-format phone
// numbers: its primary address's country when the client gave it, else
// the tenant's default country.
func (c *checker) addressRegion(addresses []Address) string {
	if a := primaryAddress(addresses); a != nil && a.Country != "" && a.CountrySource == schematype.CountrySourceGiven {
		return a.Country
	}
	return c.defaultCountry
}

// dateOfBirth checks an optional date of birth: a real date, not in the
// future, and at least minAge years ago.
func (c *checker) dateOfBirth(path apperr.Path, s *string, now time.Time, minAge int) *time.Time {
	if s == nil {
		return nil
	}
	dob, err := values.ParseDate(*s)
	if err == nil {
		err = values.CheckDateOfBirth(dob, now, minAge)
	}
	if err != nil {
		c.fail(path, err)
		return nil
	}
	return &dob
}

// addressList is a list of addresses as given at path: element i is
// reported at path.i, or at paths[i] when paths is set (an update's
// addresses, which come from its add and change lists and from storage).
type addressList struct {
	path  apperr.Path
	in    []AddressInput
	paths []apperr.Path
}

// addresses validates the lists and appends their addresses to into, in
// order. Of all of into, at most one address may be primary (every later
// one is MULTIPLE_PRIMARY); when none is, the first appended becomes
// primary. With required, no address at all is REQUIRED on the first
// list's path. A list longer than schematype.MaxListLen is TOO_MANY and
// skipped.
func (c *checker) addresses(into *[]Address, required bool, lists ...addressList) {
	total := 0
	for _, l := range lists {
		total += len(l.in)
	}
	if total == 0 {
		if required && len(lists) > 0 {
			c.problems.Invalid(lists[0].path, vocab.ReasonRequired, "at least one address is required")
		}
		return
	}
	primaries := 0
	for _, a := range *into {
		if a.IsPrimary {
			primaries++
		}
	}
	start := len(*into)
	for _, l := range lists {
		if len(l.in) > schematype.MaxListLen {
			c.problems.Invalid(l.path, vocab.ReasonTooMany, "too many addresses")
			continue
		}
		for i, a := range l.in {
			ap := l.path.With(i)
			if l.paths != nil {
				ap = l.paths[i]
			}
			addr := c.address(ap, a)
			if a.IsPrimary {
				primaries++
				if primaries > 1 {
					c.problems.Invalid(ap.With("isPrimary"), vocab.ReasonMultiplePrimary, "only one address may be primary")
				}
			}
			*into = append(*into, addr)
		}
	}
	if primaries == 0 && len(*into) > start {
		(*into)[start].IsPrimary = true
	}
}

// contacts validates contacts at path and appends them to into; phone
// numbers in national form are read in region. At most one contact of each
// type may be primary, counting those already in into.
func (c *checker) contacts(path apperr.Path, in []ContactInput, region string, into *[]Contact) {
	if len(in) > schematype.MaxListLen {
		c.problems.Invalid(path, vocab.ReasonTooMany, "too many contacts")
		return
	}
	for i, ci := range in {
		c.contact(path.With(i), ci, region, into)
	}
}

// contact validates one contact at cp and appends it to into.
func (c *checker) contact(cp apperr.Path, ci ContactInput, region string, into *[]Contact) {
	{
		contact := Contact{Type: c.oneOf(cp.With("type"), ci.Type, schematype.ContactTypes, ""), IsPrimary: ci.IsPrimary}
		if contact.Type == "" {
			c.problems.Invalid(cp.With("type"), vocab.ReasonRequired, msgRequired)
		}
		switch contact.Type {
		case "EMAIL":
			contact.Value = c.email(cp.With("value"), ci.Value)
		case "PHONE", "MOBILE", "FAX":
			if c.required(cp.With("value"), ci.Value, schematype.MaxPhoneFieldLen) != "" {
				contact.Value = c.phone(cp.With("value"), ci.Value, region)
			}
		case "WEBSITE":
			if c.required(cp.With("value"), ci.Value, schematype.MaxContactValueLen) != "" {
				v, err := values.ParseWebsite(ci.Value)
				if err != nil {
					c.fail(cp.With("value"), err)
				}
				contact.Value = v
			}
		default:
			contact.Value = c.required(cp.With("value"), ci.Value, schematype.MaxContactValueLen)
		}
		c.appendContact(cp.With("isPrimary"), contact, into)
	}
}

// appendContact appends contact to into; a second primary contact of the
// same type is MULTIPLE_PRIMARY on primaryPath.
func (c *checker) appendContact(primaryPath apperr.Path, contact Contact, into *[]Contact) {
	if contact.IsPrimary && slices.ContainsFunc(*into, func(o Contact) bool { return o.IsPrimary && o.Type == contact.Type }) {
		c.problems.Invalid(primaryPath, vocab.ReasonMultiplePrimary, "only one "+contact.Type+" contact may be primary")
	}
	*into = append(*into, contact)
}

func (c *checker) documents(path apperr.Path, in []DocumentInput, p *Person) {
	if len(in) > schematype.MaxListLen {
		c.problems.Invalid(path, vocab.ReasonTooMany, "too many identity documents")
		return
	}
	for i, d := range in {
		c.document(path.With(i), d, p)
	}
	firstDocumentPrimary(p)
}

// firstDocumentPrimary makes p's first document primary when none is.
func firstDocumentPrimary(p *Person) {
	if len(p.Documents) > 0 && !slices.ContainsFunc(p.Documents, func(d Document) bool { return d.IsPrimary }) {
		p.Documents[0].IsPrimary = true
	}
}

// document validates one identity document at dp and appends it to p's.
// A document without a type is UNSPECIFIED (the wallet platform sends a
// bare identification number); a second primary one is MULTIPLE_PRIMARY.
func (c *checker) document(dp apperr.Path, d DocumentInput, p *Person) {
	{
		doc := Document{
			Type:      c.oneOf(dp.With("type"), d.Type, schematype.IdentityDocumentTypes, schematype.IdentityDocumentUnspecified),
			Number:    c.required(dp.With("number"), d.Number, schematype.MaxDocumentNumberLen),
			IsPrimary: d.IsPrimary,
		}
		if doc.IsPrimary && slices.ContainsFunc(p.Documents, func(o Document) bool { return o.IsPrimary }) {
			c.problems.Invalid(dp.With("isPrimary"), vocab.ReasonMultiplePrimary, "only one identity document may be primary")
		}
		if nonBlank(d.IssuingCountry) {
			doc.IssuingCountry = c.country(dp.With("issuingCountry"), *d.IssuingCountry)
		}
		p.Documents = append(p.Documents, doc)
	}
}

func primaryAddress(as []Address) *Address {
	for i := range as {
		if as[i].IsPrimary {
			return &as[i]
		}
	}
	return nil
}
