package schematype

import "context"

// The onboarding lifecycle's values (internal/onboarding): verifications,
// consents, requirements and the history of a customer. The ent schemas
// and the GraphQL enums take their lists from here.

// VerificationKinds are what a verification checks: a person's identity,
// an address, a business, the beneficial owners, a sanctions or a
// politically-exposed-person screening, an identity document.
var VerificationKinds = []string{"IDENTITY", "ADDRESS", "BUSINESS", "BENEFICIAL_OWNER", "SANCTIONS", "PEP", "DOCUMENT"}

// VerificationOutcomes are a verification's results. NEEDS_REVIEW moves a
// customer awaiting verification into review.
var VerificationOutcomes = []string{"PASSED", "FAILED", "NEEDS_REVIEW"}

// VerificationSubjectTypes are what a verification is about: the
// individual's person, the organization, or one of its representatives.
var VerificationSubjectTypes = []string{"PERSON", "ORGANIZATION", "REPRESENTATIVE"}

// Requirement kinds and dues of a category's onboarding policy.
const (
	RequirementVerification = "VERIFICATION"
	RequirementDocument     = "DOCUMENT"
	RequirementConsent      = "CONSENT"

	DueBeforeActivation = "BEFORE_ACTIVATION"
	DueEventually       = "EVENTUALLY"
)

// RequirementKinds and RequirementDues are PolicyRequirement's lists.
var (
	RequirementKinds = []string{RequirementVerification, RequirementDocument, RequirementConsent}
	RequirementDues  = []string{DueBeforeActivation, DueEventually}
)

// OnboardingPolicy is what a category asks of its customers before
// activation and eventually, beyond the rules every customer of its type
// meets (internal/onboarding's intrinsic requirements). It is data the
// tenant edits with createCategory and updateCategory; a change applies to
// the category's existing customers at their next read.
type OnboardingPolicy struct {
	Requirements []PolicyRequirement `json:"requirements,omitempty"`
	// FullOwnershipDisclosure asks that an organization's owner shares
	// add up to exactly 100 %.
	FullOwnershipDisclosure bool `json:"fullOwnershipDisclosure,omitempty"`
}

// PolicyRequirement is one requirement of a policy: a verification kind
// (VerificationKinds), an identity document type (IdentityDocumentTypes)
// or a consent document's code, due before activation or eventually.
type PolicyRequirement struct {
	Kind string `json:"kind"`
	Code string `json:"code"`
	Due  string `json:"due"`
}

// FieldChange is one field's before and after in a history event. Field is
// the path in the customer graph (person.lastName,
// representatives.rep_….ownershipShare); Personal marks personal data,
// masked on read without pii:read and redacted by an erasure.
type FieldChange struct {
	Field    string  `json:"field"`
	Before   *string `json:"before,omitempty"`
	After    *string `json:"after,omitempty"`
	Personal bool    `json:"personal,omitempty"`
}

// The types of history events (CustomerEvent.type), in the dotted form
// webhooks carry.
const (
	EventCustomerRegistered    = "customer.registered"
	EventCustomerUpdated       = "customer.updated"
	EventCustomerStatusChanged = "customer.status_changed"
	EventVerificationRecorded  = "verification.recorded"
	EventConsentAccepted       = "consent.accepted"
	EventMemberAdded           = "member.added"
	EventMemberUpdated         = "member.updated"
	EventMemberRemoved         = "member.removed"
	EventPersonalDataErased    = "customer.personal_data_erased"
	// EventCustomerLoginAdded: a login user given to a customer
	// registered without one (addCustomerLogin).
	EventCustomerLoginAdded = "customer.login_added"
)

// EventTypes lists every event type.
var EventTypes = []string{EventCustomerRegistered, EventCustomerUpdated, EventCustomerStatusChanged,
	EventVerificationRecorded, EventConsentAccepted, EventMemberAdded, EventMemberUpdated,
	EventMemberRemoved, EventPersonalDataErased, EventCustomerLoginAdded}

// Length limits of the lifecycle's texts.
const (
	MaxProviderLen      = 100
	MaxProviderRefLen   = 255
	MaxConsentCodeLen   = 100
	MaxConsentTitleLen  = 200
	MaxURLLen           = 2048
	MaxReasonCodeLen    = 64
	MaxDecisionNoteLen  = 2000
	MaxActorLen         = 255
	MaxRequestIDLen     = 64
	MaxThrottleKeyLen   = 128
	MaxSubjectIDLen     = 40
	MaxEventFieldLen    = 200
	MaxEventTypeLen     = 64
	MaxUserAgentLen     = MaxRegistrationUserAgentLen
	MaxConsentsAccepted = 50
)

type rewriteKey struct{}

// AllowHistoryRewrite returns ctx in which the append-only tables
// (verifications, consents, history events) may be updated: only an
// erasure of personal data (internal/onboarding) does so, to redact what
// they hold of a person.
func AllowHistoryRewrite(ctx context.Context) context.Context {
	return context.WithValue(ctx, rewriteKey{}, true)
}

// HistoryRewriteAllowed reports whether ctx came from AllowHistoryRewrite.
func HistoryRewriteAllowed(ctx context.Context) bool {
	ok, _ := ctx.Value(rewriteKey{}).(bool)
	return ok
}
