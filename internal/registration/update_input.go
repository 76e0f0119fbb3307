package registration

// The inputs of updateIndividual and updateOrganization (gqlgen binds
// them, gqlgen.yml). A nil field is left as it is; a text field given as
// "" is cleared where the field is optional and REQUIRED where it is not.

// IndividualUpdate is an updateIndividual request.
type IndividualUpdate struct {
	CustomerID      string
	ExpectedVersion int
	// CustomerName, ExternalReference, Tags, Category: see CustomerChange.
	CustomerName      *string
	ExternalReference *string
	Tags              []string
	Category          *CategoryRef
	Person            *PersonChange
	// Addresses, Contacts: see ProfileChanges.
	Addresses         *AddressChanges
	Contacts          *ContactChanges
	IdentityDocuments *DocumentChanges
}

// OrganizationUpdate is an updateOrganization request.
type OrganizationUpdate struct {
	CustomerID        string
	ExpectedVersion   int
	CustomerName      *string
	ExternalReference *string
	Tags              []string
	Category          *CategoryRef
	Organization      *OrganizationChange
	Addresses         *AddressChanges
	Contacts          *ContactChanges
}

// CustomerChange is what both updates change on the customer itself.
type CustomerChange struct {
	CustomerName      *string
	ExternalReference *string
	// Tags, when not nil, replace the customer's tags.
	Tags []string
	// Category, when given, re-categorizes the customer: its features are
	// frozen again from the category, with their sources.
	Category *CategoryRef
}

// ProfileChanges are the addresses and contacts added, changed (by id)
// or removed (by id): the profile a customer session may change itself.
type ProfileChanges struct {
	Addresses *AddressChanges
	Contacts  *ContactChanges
}

func (u IndividualUpdate) customer() CustomerChange {
	return CustomerChange{u.CustomerName, u.ExternalReference, u.Tags, u.Category}
}

func (u IndividualUpdate) profile() ProfileChanges { return ProfileChanges{u.Addresses, u.Contacts} }

func (u OrganizationUpdate) customer() CustomerChange {
	return CustomerChange{u.CustomerName, u.ExternalReference, u.Tags, u.Category}
}

func (u OrganizationUpdate) profile() ProfileChanges { return ProfileChanges{u.Addresses, u.Contacts} }

// PersonChange changes an individual's person.
type PersonChange struct {
	FirstName, MiddleName, LastName *string
	Email, Phone                    *string
	DateOfBirth                     *string
	// Gender is a name or an ISO 5218 code, as in PersonInput.
	Gender                    any
	Nationality, PlaceOfBirth *string
}

// OrganizationChange changes an organization's own fields.
type OrganizationChange struct {
	LegalName, TradingName, RegistrationNumber, TaxID *string
	IncorporationDate                                 *string
	LegalForm, Industry, BusinessType                 *string
	BusinessDescription, Website, Email, Phone        *string
}

// AddressChanges adds, changes and removes addresses.
type AddressChanges struct {
	Add    []AddressInput
	Change []AddressChange
	Remove []string
}

// AddressChange changes the address ID.
type AddressChange struct {
	ID                                           string
	Type, Street, Line2, City, State, PostalCode *string
	Country                                      *string
	IsPrimary                                    *bool
}

// ContactChanges adds, changes and removes contacts.
type ContactChanges struct {
	Add    []ContactInput
	Change []ContactChange
	Remove []string
}

// ContactChange changes the contact ID.
type ContactChange struct {
	ID          string
	Type, Value *string
	IsPrimary   *bool
}

// DocumentChanges adds, changes and removes identity documents.
type DocumentChanges struct {
	Add    []DocumentInput
	Change []DocumentChange
	Remove []string
}

// DocumentChange changes the identity document ID.
type DocumentChange struct {
	ID                           string
	Type, Number, IssuingCountry *string
	IsPrimary                    *bool
}
