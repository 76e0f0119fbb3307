package registration

import (
	"onboard/internal/catalog"
	"onboard/schema/schematype"
)

// IndividualInput is a registerIndividual request (FinHub's shape plus the
// optional fields other platforms carry).
type IndividualInput struct {
	FirstName        *string
	LastName         *string
	Email            string
	Phone            *string
	Password         string
	MatchingPassword string
	RoleIDs          []string
	CustomerCategory *CategoryRef
	// The JSON names keep the Idempotency-Key fingerprint of a request
	// what it was before the field was renamed to bind to the schema.
	IndividualCustomer *IndividualCustomer `json:"Customer"`
	ExternalReference  *string
	Tags               []string

	// PhoneCountryCode and PhoneNationalNumber are the person's phone in
	// two parts (both or neither), as forms with a country-code drop-down
	// send it; with Phone too, the two must be the same number. Left out
	// of a fingerprint when absent, so that a request's stays as it was.
	PhoneCountryCode    *int    `json:",omitempty"`
	PhoneNationalNumber *string `json:",omitempty"`
	// Who: see Who. omitempty keeps the fingerprint of a request without
	// them what it was before they existed.
	InvitedBy *string `json:",omitempty"`
	CreatedBy *string `json:",omitempty"`
	Segment   *string `json:",omitempty"`
}

// IndividualCustomer is the individualCustomer object.
type IndividualCustomer struct {
	CustomerName   *string
	Person         *PersonInput
	User           *UserInput
	Categorization *Categorization
	// Organization puts the person into an organization (membership.go).
	Organization *MembershipInput `json:",omitempty"`
}

// PersonInput is a person as registrations send it.
type PersonInput struct {
	FirstName    string
	MiddleName   *string
	LastName     string
	Email        *string
	DateOfBirth  *string
	Gender       any
	Nationality  *string
	PlaceOfBirth *string
	// FullName is accepted as FinHub's employee bodies send it, checked
	// like any text, and not stored: the name is its three parts.
	FullName          *string
	Addresses         []AddressInput
	Contacts          []ContactInput
	IdentityDocuments []DocumentInput
}

// AddressInput is a postal address. Country is optional: without it the
// state or the tenant's default country completes it (checker.address).
type AddressInput struct {
	Type       *string
	Street     string
	Line2      *string
	City       string
	State      *string
	PostalCode *string
	Country    string
	IsPrimary  bool

	// AddressLine is the address in one line, kept verbatim and split
	// into the parts not given (splitAddressLine).
	AddressLine *string `json:",omitempty"`
	// source is a stored address's country source, set when an update
	// checks it again (addressInputOf): its country keeps its source and
	// its line is not split again.
	source string
}

// ContactInput is an e-mail, phone or other contact.
type ContactInput struct {
	Type      string
	Value     string
	IsPrimary bool
}

// DocumentInput is an identity document.
type DocumentInput struct {
	// Type is optional: absent, the document is UNSPECIFIED.
	Type           string
	Number         string
	IssuingCountry *string
	// IsPrimary marks the person's main document; at most one is, and the
	// first is when none is.
	IsPrimary bool `json:",omitempty"`
}

// UserInput is the login user's part of the request.
type UserInput struct {
	Username               *string
	Email                  *string
	Password               *string
	Status                 *string
	Roles                  []string
	IsActive               *bool
	RequiresPasswordChange *bool
	TwoFactorEnabled       *bool
}

// CategoryRef names a category by id/external id and/or code or name.
type CategoryRef struct {
	ID, Code, Name *string
}

// Categorization names the category again and may override its features'
// default parameters.
type Categorization struct {
	CategoryRef
	// Description and IsActive describe the category as the client knows
	// it; the description is checked like any text, neither is applied.
	Description              *string
	IsActive                 *bool           `json:",omitempty"`
	CategoryFeatureRelations []RelationInput `json:"Relations"`
	// Parametrization holds category-level parameters: each applies to
	// every feature of the category that defines a parameter of its name,
	// unless the feature's own relation gives a value.
	Parametrization []schematype.Parameter `json:",omitempty"`
}

// RelationInput overrides one feature's parameters. Enabled, when given,
// must agree with the category: whether a feature applies is the
// category's decision, not the applicant's.
type RelationInput struct {
	Feature         *catalog.FeatureRef
	Enabled         *bool
	Parametrization []schematype.Parameter
}

// withoutPasswords is the input as fingerprinted: every password removed.
func (in IndividualInput) withoutPasswords() IndividualInput {
	in.Password, in.MatchingPassword = "", ""
	in.IndividualCustomer = withoutUserPassword(in.IndividualCustomer, func(c *IndividualCustomer) **UserInput { return &c.User })
	return in
}

// withoutPassword is a copy of the user input without its password.
func (u *UserInput) withoutPassword() *UserInput {
	if u == nil {
		return nil
	}
	c := *u
	c.Password = nil
	return &c
}

// withoutPasswords is the input as fingerprinted: every password removed.
func (in OrganizationInput) withoutPasswords() OrganizationInput {
	in.Password, in.MatchingPassword = "", ""
	in.OrganizationCustomer = withoutUserPassword(in.OrganizationCustomer, func(c *OrganizationCustomer) **UserInput { return &c.User })
	return in
}

// withoutUserPassword is a copy of the customer object c whose user (as
// user finds it) has no password; nil stays nil.
func withoutUserPassword[C any](c *C, user func(*C) **UserInput) *C {
	if c == nil {
		return nil
	}
	cp := *c
	u := user(&cp)
	*u = (*u).withoutPassword()
	return &cp
}
