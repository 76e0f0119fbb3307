package schematype

// The rules the ent schemas (package schema) and registration's validation
// share: enum values, length limits and id prefixes. Each is named here once;
// the ent schema builds its enum from the list and its length validator from
// the limit, and validation checks input against the same names, so the two
// cannot disagree (schema's TestEnumsMatchEnt checks the generated code).

// Gender values as stored and returned by the API: names rather than
// ISO/IEC 5218's numbers, so that payloads and rows explain themselves.
const (
	// GenderMale is ISO/IEC 5218 code 1.
	GenderMale = "MALE"
	// GenderFemale is ISO/IEC 5218 code 2.
	GenderFemale = "FEMALE"
	// GenderOther is ISO/IEC 5218 code 9 ("not applicable"): the person
	// identifies outside the binary, which KYC forms must allow.
	GenderOther = "OTHER"
	// GenderUnknown is ISO/IEC 5218 code 0 ("not known"): not given, so
	// onboarding doesn't force a customer to disclose it.
	GenderUnknown = "UNKNOWN"
)

// Enum values of the customer data. Every list is in the order the ent
// schema declares them, which is the order of the generated GraphQL enum.
var (
	// AddressTypes are Address.type's values.
	AddressTypes = []string{"HOME", "WORK", "MAILING", "BILLING", "REGISTERED", "REGISTERED_OFFICE",
		"BUSINESS", "TRADING", "OTHER"}
	// ContactTypes are Contact.type's values.
	ContactTypes = []string{"EMAIL", "PHONE", "MOBILE", "FAX", "WEBSITE", "OTHER"}
	// IdentityDocumentTypes are IdentityDocument.type's values.
	// UNSPECIFIED is a document whose kind the client does not know (a
	// previous system kept only its number).
	IdentityDocumentTypes = []string{"PASSPORT", "DRIVERS_LICENSE", "NATIONAL_ID", "OTHER", IdentityDocumentUnspecified}
	// Genders are Person.gender's values (ISO/IEC 5218 by name; see
	// values.ParseGender for the numeric codes).
	Genders = []string{GenderMale, GenderFemale, GenderOther, GenderUnknown}
	// LegalForms are Organization.legalForm's values.
	LegalForms = []string{"LIMITED_LIABILITY_COMPANY", "PUBLIC_LIMITED_COMPANY", "SOLE_PROPRIETORSHIP",
		"PARTNERSHIP", "LIMITED_PARTNERSHIP", "CORPORATION", "COOPERATIVE", "NON_PROFIT",
		"TRUST", "FOUNDATION", "GOVERNMENT", "OTHER"}
	// Industries are Organization.industry's values.
	Industries = []string{"TECHNOLOGY", "FINANCIAL_SERVICES", "RETAIL", "MANUFACTURING", "HEALTHCARE",
		"REAL_ESTATE", "CONSTRUCTION", "TRANSPORTATION", "HOSPITALITY", "EDUCATION",
		"PROFESSIONAL_SERVICES", "AGRICULTURE", "ENERGY", "MEDIA", "TELECOMMUNICATIONS",
		"GAMBLING", "CRYPTO", "NON_PROFIT", "GOVERNMENT", "OTHER"}
	// BusinessTypes are Organization.businessType's values.
	BusinessTypes = []string{"B2B", "B2C", "B2B2C", "C2C", "OTHER"}
	// DirectorPositions are the positions listed among an organization's
	// directors: the board and the executive officers. AUTHORIZED_SIGNATORY
	// (signing authority, not a seat), PARTNER, SHAREHOLDER,
	// BENEFICIAL_OWNER and OTHER are not.
	DirectorPositions = []string{"DIRECTOR", "MANAGING_DIRECTOR", "CEO", "CFO", "COO", "CHAIRMAN", "SECRETARY"}
	// RepresentativePositions are Representative.position's values: the
	// director positions first, then the others.
	RepresentativePositions = append(DirectorPositions[:len(DirectorPositions):len(DirectorPositions)],
		"SHAREHOLDER", "BENEFICIAL_OWNER", "PARTNER", "AUTHORIZED_SIGNATORY", "OTHER")
	// UserStatuses are User.status's values.
	UserStatuses = []string{"PENDING_ACTIVATION", "ACTIVE", "SUSPENDED", "LOCKED", "CLOSED"}
	// RegistrationUserStatuses are the user statuses a registration may
	// ask for: a login starts pending activation; the customer's
	// activation activates it (internal/onboarding).
	RegistrationUserStatuses = UserStatuses[:1:1]
	// CustomerStatuses are Customer.status's values; internal/onboarding
	// holds the transitions between them.
	CustomerStatuses = []string{"PENDING_VERIFICATION", "IN_REVIEW", "ACTIVE", "SUSPENDED", "REJECTED", "CLOSED"}
	// CountrySources are Address.countrySource's values: where an
	// address's country came from. GIVEN: the client sent it; STATE: the
	// address's state names a subdivision of exactly one country;
	// TENANT_DEFAULT: the tenant's defaultCountry completed it.
	CountrySources = []string{CountrySourceGiven, CountrySourceState, CountrySourceTenantDefault}
	// MemberRoles are Employee.memberRole's values: an employee's standing
	// in its organization's account (PCXPay's org_member_role).
	MemberRoles = []string{"OWNER", "ADMIN", "MEMBER"}
	// DuplicatePolicies are Tenant.duplicatePolicy's values: what a
	// registration that looks like an existing customer does. REJECT: it
	// is CONFLICT naming the customer; FLAG: it registers and the match is
	// kept as a possible duplicate.
	DuplicatePolicies = []string{DuplicatePolicyFlag, DuplicatePolicyReject}
	// DuplicateRules are PossibleDuplicate.rule's values: which likeness
	// matched.
	DuplicateRules = []string{"PERSON_NAME_BIRTH_DATE_DOCUMENT", "PERSON_NAME_BIRTH_DATE_PHONE",
		"ORGANIZATION_REGISTRATION_NUMBER_COUNTRY", "ORGANIZATION_TAX_ID"}
)

// Named enum values the code refers to.
const (
	IdentityDocumentUnspecified = "UNSPECIFIED"
	CountrySourceGiven          = "GIVEN"
	CountrySourceState          = "STATE"
	CountrySourceTenantDefault  = "TENANT_DEFAULT"
	DuplicatePolicyFlag         = "FLAG"
	DuplicatePolicyReject       = "REJECT"
)

// Length limits, in characters (runes): generous for real data, small enough
// that nothing oversized reaches the database (where it would be INTERNAL).
// The ent schema's MaxRuneLen uses the same names, so a value validation lets
// through is never refused by the data layer.
const (
	MaxNameLen               = 100 // a person's first, middle and last name
	MaxEmailLen              = 254 // an e-mail address or username (RFC 5321's path limit)
	MaxPhoneLen              = 20  // an E.164 phone number as stored
	MaxStreetLen             = 200 // an address's street and line2
	MaxAddressLineLen        = 500 // a one-line address as the client sent it
	MaxCityLen               = 100
	MaxStateLen              = 100
	MaxPostalCodeLen         = 20
	MaxCountryLen            = 2   // ISO 3166-1 alpha-2
	MaxPlaceOfBirthLen       = 200 // the column; registration checks MaxNameLen, which is stricter
	MaxDocumentNumberLen     = 64
	MaxContactValueLen       = 2048
	MaxPhoneDetailLen        = 100 // a contact's operator and purpose
	MaxPhoneFieldLen         = 64  // a telephone number as an employee's input gives it, before normalization
	MaxTagLen                = 64
	MaxReferenceLen          = 255 // a tenant's own reference (externalReference, organizationId)
	MaxCustomerNameLen       = 300
	MaxLegalNameLen          = 300 // an organization's legal and trading name
	MaxRegistrationNumberLen = 100
	MaxTaxIDLen              = 100
	MaxDescriptionLen        = 2000
	MaxWebsiteLen            = 2048
	MaxDepartmentLen         = 200
	MaxParameterValueLen     = 1000
	MaxRoleCodeLen           = 64 // also bounds a role reference, a code or a role's id
	MaxSegmentLen            = 64 // a customer's segment (PCXPay's role: retail, business)
	MaxAPIKeyNameLen         = 100

	// The registration context, from the request's headers: cut to fit
	// rather than refused (registration's clip), being metadata.
	MaxRegistrationIPLen        = 64
	MaxRegistrationUserAgentLen = 512
	MaxRegistrationDeviceIDLen  = 255
	MaxRegistrationPlatformLen  = 64
	MaxRegistrationSourceLen    = 255
	MaxRegisteredByLen          = 255
)

// Count limits.
const (
	// MaxTags is how many tags a customer carries at most.
	MaxTags = 50
	// MaxListLen bounds every list of a registration input (addresses,
	// contacts, documents, roles, telephone numbers).
	MaxListLen = 20
	// MaxMembers bounds an organization's representatives and employees
	// (besides the registering admin), at registration and after: they are
	// plain lists in the API, read whole.
	MaxMembers = 100
)

// Id prefixes: an entity's ids are the prefix, "_", and a time-ordered
// random part (internal/pulid). node(id:) dispatches on the prefix, and
// registration tells a role's id from its code by PrefixRole
// (pulid.Prefix(ref) == PrefixRole).
const (
	PrefixAddress          = "adr"
	PrefixCategory         = "cat"
	PrefixContact          = "con"
	PrefixCustomer         = "cus"
	PrefixCustomerFeature  = "cft"
	PrefixEmployee         = "emp"
	PrefixFeature          = "fea"
	PrefixFeatureRelation  = "frl"
	PrefixIdempotencyKey   = "idk"
	PrefixIdentityDocument = "doc"
	PrefixOrganization     = "org"
	PrefixPerson           = "per"
	PrefixRepresentative   = "rep"
	PrefixRole             = "rol"
	PrefixTenant           = "ten"
	PrefixUser             = "usr"
	PrefixVerification     = "vrf"
	PrefixConsentDocument  = "cdc"
	PrefixConsent          = "cns"
	PrefixCustomerEvent    = "evt"
	PrefixLoginThrottle    = "lth"
	PrefixWebhookEndpoint  = "whe"
	PrefixWebhookDelivery  = "whd"
	PrefixWebhookAttempt   = "wha"
	PrefixWebhookChange    = "whc"
	PrefixAPIKey           = "key"
	PrefixPossibleDup      = "dup"
)
