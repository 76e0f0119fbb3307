package registration

// OrganizationInput is a registerOrganization request: FinHub's body
// (the admin user's login at the top level, the organization with its
// representatives, its employees and its categorization inside
// organizationCustomer).
type OrganizationInput struct {
	Email            string
	Password         string
	MatchingPassword string
	RoleIDs          []string
	CustomerCategory *CategoryRef
	// OrganizationID is the client's own reference for the organization,
	// stored as the customer's external reference.
	OrganizationID *string
	Tags           []string
	// Named in JSON as before the rename, for the fingerprint's sake.
	OrganizationCustomer *OrganizationCustomer `json:"Customer"`
	// Who: as on IndividualInput.
	InvitedBy *string `json:",omitempty"`
	CreatedBy *string `json:",omitempty"`
	Segment   *string `json:",omitempty"`
}

// OrganizationCustomer is the organizationCustomer object.
type OrganizationCustomer struct {
	CustomerName   *string
	Organization   *OrganizationDetails
	User           *UserInput
	Employees      []EmployeeInput
	Categorization *Categorization
}

// OrganizationDetails is the organization itself.
type OrganizationDetails struct {
	LegalName           string
	TradingName         *string
	RegistrationNumber  string
	TaxID               *string
	IncorporationDate   *string
	LegalForm           *string
	Industry            *string
	BusinessType        *string
	BusinessDescription *string
	Website             *string
	Email               *string
	Phone               *string
	Addresses           []AddressInput
	Contacts            []ContactInput
	Representatives     []RepresentativeInput
}

// RepresentativeInput is a director, officer or shareholder.
type RepresentativeInput struct {
	FirstName      string
	MiddleName     *string
	LastName       string
	Position       *string
	Email          *string
	Phone          *string
	DateOfBirth    *string
	Nationality    *string
	Gender         any
	IsPrimaryOwner *bool
	OwnershipShare *float64
}

// EmployeeInput is an employee with the roles they hold in the tenant.
type EmployeeInput struct {
	Person           *PersonInput
	Role             *string
	Roles            []string
	Department       *string
	Addresses        []AddressInput
	TelephoneNumbers []TelephoneInput
}

// TelephoneInput is a phone number as FinHub's employees carry them;
// PhoneType is a name (PHONE, MOBILE, FAX) or FinHub's numeric code.
type TelephoneInput struct {
	Number    string
	Country   *string
	PhoneType any
	Operator  *string
	Purpose   *string
	IsPrimary bool
}
