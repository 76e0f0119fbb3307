package onboarding

import (
	"context"
	"math"
	"slices"
	"strings"
	"time"

	"onboard/ent"
	"onboard/ent/consent"
	"onboard/ent/consentdocument"
	"onboard/ent/customer"
	"onboard/ent/employee"
	"onboard/ent/role"
	"onboard/ent/verification"
	"onboard/schema/schematype"
)

// Requirement is one thing a customer needs or has wrong: a stable code,
// the path in the customer graph it concerns (person, organization,
// representatives.rep_…, consents.TERMS), why it is listed and what to do.
type Requirement struct {
	Code        string
	Field       string
	Reason      string
	Description string
}

// Requirements are a customer's requirements, as Stripe's accounts list
// them: due before activation, due eventually, awaiting a verification's
// result, and errors (a failed verification, shares over 100 %).
// PendingVerification and Errors hold only what is due before activation
// (and the shares): an eventually-due verification in review or failed is
// listed in EventuallyDue with its reason (NEEDS_REVIEW, FAILED), so that
// what blocks activation is exactly CurrentlyDue, PendingVerification and
// Errors, and an eventually-due need never does.
type Requirements struct {
	CurrentlyDue        []Requirement
	EventuallyDue       []Requirement
	PendingVerification []Requirement
	Errors              []Requirement
}

// Outstanding reports whether anything keeps the customer from activation.
func (r *Requirements) Outstanding() bool {
	return len(r.CurrentlyDue) > 0 || len(r.PendingVerification) > 0 || len(r.Errors) > 0
}

// The reasons a requirement is listed (Requirement.Reason). They are the
// requirement's own vocabulary, not API error reasons: a requirement is a
// state of the customer, not a refused request.
const (
	// ReasonMissing: nothing was recorded (no verification, no document,
	// no acceptance, no director, no admin user).
	ReasonMissing = "MISSING"
	// ReasonFailed: the latest verification failed; a new one is due.
	ReasonFailed = "FAILED"
	// ReasonExpired: the latest verification passed but its expires_at
	// is past.
	ReasonExpired = "EXPIRED"
	// ReasonInvalidated: the latest verification passed, but a verified
	// field of its subject changed since (the digests differ).
	ReasonInvalidated = "INVALIDATED"
	// ReasonNeedsReview: the latest verification awaits a review.
	ReasonNeedsReview = "NEEDS_REVIEW"
	// ReasonOutdated: an earlier version of the consent document was
	// accepted, not the one in force.
	ReasonOutdated = "OUTDATED"
	// ReasonUnpublished: the policy asks for a consent document of which
	// no version is published yet.
	ReasonUnpublished = "UNPUBLISHED"
	// ReasonIncomplete: the owner shares add up to less than the 100 %
	// the category's full disclosure asks for.
	ReasonIncomplete = "INCOMPLETE"
	// ReasonOverLimit: the owner shares add up to more than 100 %.
	ReasonOverLimit = "OVER_LIMIT"
)

// The codes of the intrinsic organization requirements; the others are
// verification.<KIND>, document.<TYPE> and consent.<CODE>.
const (
	CodeDirector       = "organization.director"
	CodeAdminUser      = "organization.adminUser"
	CodeOwnershipTotal = "organization.ownershipTotal"
)

// Verification kinds the intrinsic rules name.
const (
	kindIdentity        = "IDENTITY"
	kindBusiness        = "BUSINESS"
	kindBeneficialOwner = "BENEFICIAL_OWNER"
	kindDocument        = "DOCUMENT"
)

// adminRole is the role an organization's administrator holds: the one
// registration gives the registering user (registration.AdminRole, not
// imported so that registration may build on this package).
const adminRole = "ADMIN_USER"

// beneficialOwnerShare is the ownership share, in percent, from which a
// representative is a beneficial owner whose identity must be verified
// (the EU's AMLD threshold).
const beneficialOwnerShare = 25

// VerificationCode is the requirement code of a verification kind.
func VerificationCode(kind string) string { return "verification." + kind }

// DocumentCode is the requirement code of an identity document type.
func DocumentCode(docType string) string { return "document." + docType }

// ConsentCode is the requirement code of a consent document's code.
func ConsentCode(code string) string { return "consent." + code }

// RepresentativeField is the path of a representative in the customer
// graph.
func RepresentativeField(id string) string { return "representatives." + id }

// Compute returns the requirements of the customers customerIDs, keyed by
// id, read through client (a transaction's client inside one), at now.
// Ids the viewer cannot see (another tenant's, unknown) are left out.
//
// The rules, in the order the lists give them:
//
//   - an individual: a verified IDENTITY of its person;
//   - an organization: at least one director (schematype.DirectorPositions),
//     every beneficial owner (ownership share ≥ 25 %, or marked as one)
//     verified with BENEFICIAL_OWNER, the representative being its
//     subject; owner shares at most 100 % (an error), exactly 100 % when
//     the policy asks for full disclosure; an employee holding ADMIN_USER;
//     a verified BUSINESS of the organization;
//   - the category's policy (policyNeeds), and every consent document
//     whose customer types include the customer's and that the policy
//     does not name, due before activation (consentNeeds).
//
// A requirement named twice (the policy restating an intrinsic rule) is
// listed once, due before activation if either says so. A consent the
// policy names takes the policy's due: the policy is where the tenant
// says when a consent is due, the document's customer types only whom it
// concerns.
//
// Its statements do not grow with the number of customers: each table is
// read once for all of them (customers with their categories, persons and
// organizations eagerly, verifications, consents, consent documents and
// the organizations' admin employees in one statement each).
func Compute(ctx context.Context, client *ent.Client, now time.Time, customerIDs []string) (map[string]*Requirements, error) {
	out := make(map[string]*Requirements, len(customerIDs))
	if len(customerIDs) == 0 {
		return out, nil
	}
	ids := slices.Compact(slices.Sorted(slices.Values(customerIDs)))
	customers, err := client.Customer.Query().
		Where(customer.IDIn(ids...)).
		WithCategory().
		WithPerson(func(q *ent.PersonQuery) { q.WithIdentityDocuments() }).
		WithOrganization(func(q *ent.OrganizationQuery) {
			q.WithRepresentatives(func(q *ent.RepresentativeQuery) {
				q.WithPerson(func(q *ent.PersonQuery) { q.WithIdentityDocuments() })
			})
		}).
		All(ctx)
	if err != nil {
		return nil, err
	}
	var orgIDs []string
	for _, c := range customers {
		if o := c.Edges.Organization; o != nil {
			orgIDs = append(orgIDs, o.ID)
		}
	}
	admins := map[string]bool{}
	if len(orgIDs) > 0 {
		employees, err := client.Employee.Query().
			Where(employee.OrganizationIDIn(orgIDs...), employee.HasRolesWith(role.Code(adminRole))).
			Select(employee.FieldOrganizationID).
			All(ctx)
		if err != nil {
			return nil, err
		}
		for _, e := range employees {
			admins[e.OrganizationID] = true
		}
	}
	verifications, err := client.Verification.Query().
		Where(verification.CustomerIDIn(ids...)).
		Select(verification.FieldCustomerID, verification.FieldSubjectID, verification.FieldKind,
			verification.FieldOutcome, verification.FieldCheckedAt, verification.FieldExpiresAt,
			verification.FieldSubjectDigest).
		All(ctx)
	if err != nil {
		return nil, err
	}
	consents, err := client.Consent.Query().
		Where(consent.CustomerIDIn(ids...)).
		Select(consent.FieldCustomerID, consent.FieldCode, consent.FieldVersion).
		All(ctx)
	if err != nil {
		return nil, err
	}
	documents, err := client.ConsentDocument.Query().
		Select(consentdocument.FieldCode, consentdocument.FieldVersion, consentdocument.FieldCustomerTypes).
		All(ctx)
	if err != nil {
		return nil, err
	}

	latest := latestVerifications(verifications)
	accepted := map[string]map[string]int{} // customer → code → highest version accepted
	for _, c := range consents {
		if accepted[c.CustomerID] == nil {
			accepted[c.CustomerID] = map[string]int{}
		}
		accepted[c.CustomerID][c.Code] = max(accepted[c.CustomerID][c.Code], c.Version)
	}
	inForce := inForceDocuments(documents)
	for _, c := range customers {
		e := &evaluation{
			now:      now,
			latest:   latest[c.ID],
			accepted: accepted[c.ID],
			inForce:  inForce,
			out: &Requirements{
				CurrentlyDue: []Requirement{}, EventuallyDue: []Requirement{},
				PendingVerification: []Requirement{}, Errors: []Requirement{},
			},
		}
		var policy schematype.OnboardingPolicy
		if c.Edges.Category != nil {
			policy = c.Edges.Category.Policy
		}
		subjects := subjectsOf(c)
		intrinsicNeeds(e, c, subjects, policy, admins)
		policyNeeds(e, subjects, policy)
		consentNeeds(e, string(c.Type), inForce, policy)
		e.evaluate()
		out[c.ID] = e.out
	}
	return out, nil
}

// subject is what a verification is about, with the digest of its
// verified fields now.
type subject struct {
	id, field, noun string
	digest          string
	documents       []*ent.IdentityDocument
}

// subjects are a customer's verification subjects: the individual's
// person, or the organization and its representatives (by id, for a
// stable order), each representative standing for its person.
type subjects struct {
	person          *subject
	organization    *subject
	representatives []*subject
	// owners are the representatives that are beneficial owners.
	owners []*subject
	// directors counts the representatives in a director position;
	// shares sums the ownership shares.
	directors int
	shares    float64
}

func subjectsOf(c *ent.Customer) subjects {
	var s subjects
	if p := c.Edges.Person; p != nil {
		s.person = &subject{id: p.ID, field: "person", noun: "the person",
			digest: PersonDigest(p, p.Edges.IdentityDocuments), documents: p.Edges.IdentityDocuments}
	}
	o := c.Edges.Organization
	if o == nil {
		return s
	}
	s.organization = &subject{id: o.ID, field: "organization", noun: "the organization", digest: OrganizationDigest(o)}
	reps := slices.Clone(o.Edges.Representatives)
	slices.SortFunc(reps, func(a, b *ent.Representative) int { return strings.Compare(a.ID, b.ID) })
	for _, r := range reps {
		rs := &subject{id: r.ID, field: RepresentativeField(r.ID), noun: "representative " + r.ID}
		// A representative always has a person (person_id is required);
		// one that could not be read is its own subject without a digest,
		// so that no verification holds for it.
		if p := r.Edges.Person; p != nil {
			rs.digest = PersonDigest(p, p.Edges.IdentityDocuments)
			rs.documents = p.Edges.IdentityDocuments
		}
		s.representatives = append(s.representatives, rs)
		if r.OwnershipShare >= beneficialOwnerShare || r.IsBeneficialOwner {
			s.owners = append(s.owners, rs)
		}
		if slices.Contains(schematype.DirectorPositions, string(r.Position)) {
			s.directors++
		}
		s.shares += r.OwnershipShare
	}
	return s
}

// intrinsicNeeds are the rules every customer of its type meets, whatever
// its category.
func intrinsicNeeds(e *evaluation, c *ent.Customer, s subjects, policy schematype.OnboardingPolicy, admins map[string]bool) {
	if s.person != nil {
		e.verify(s.person, kindIdentity, true)
	}
	if s.organization == nil {
		return
	}
	if s.directors == 0 {
		e.fixed(CodeDirector, "representatives", ReasonMissing, true,
			"The organization needs at least one director among its representatives ("+
				strings.Join(schematype.DirectorPositions, ", ")+").")
	}
	for _, owner := range s.owners {
		e.verify(owner, kindBeneficialOwner, true)
	}
	// Shares are compared in hundredths of a percent, so that 33.33 × 3
	// is not 100 and 100.0000001 from float sums is.
	total := math.Round(s.shares * 100)
	switch {
	case total > 100*100:
		e.fail(CodeOwnershipTotal, "representatives", ReasonOverLimit,
			"The representatives' ownership shares add up to more than 100 %; correct them.")
	case policy.FullOwnershipDisclosure && total < 100*100:
		e.fixed(CodeOwnershipTotal, "representatives", ReasonIncomplete, true,
			"The category asks for full disclosure: the representatives' ownership shares must add up to 100 %.")
	}
	if !admins[s.organization.id] {
		e.fixed(CodeAdminUser, "employees", ReasonMissing, true,
			"The organization needs an employee holding the role "+adminRole+".")
	}
	e.verify(s.organization, kindBusiness, true)
}

// policyNeeds are the category policy's requirements. A VERIFICATION's
// subject follows its kind: for an individual always its person; for an
// organization, BUSINESS, ADDRESS and DOCUMENT are the organization's,
// BENEFICIAL_OWNER each beneficial owner's, IDENTITY, SANCTIONS and PEP
// each representative's. A DOCUMENT asks the individual's person, or each
// representative's person, for an identity document of the type, and a
// DOCUMENT verification of it. A CONSENT asks for the document in force.
func policyNeeds(e *evaluation, s subjects, policy schematype.OnboardingPolicy) {
	for _, r := range policy.Requirements {
		before := r.Due != schematype.DueEventually
		switch r.Kind {
		case schematype.RequirementVerification:
			for _, sub := range verificationSubjects(s, r.Code) {
				e.verify(sub, r.Code, before)
			}
		case schematype.RequirementDocument:
			holders := s.representatives
			if s.person != nil {
				holders = []*subject{s.person}
			}
			for _, h := range holders {
				e.document(h, r.Code, before)
				e.verify(h, kindDocument, before)
			}
		case schematype.RequirementConsent:
			e.consent(r.Code, before)
		}
	}
}

// verificationSubjects are the subjects a policy's verification of kind
// asks about (see policyNeeds).
func verificationSubjects(s subjects, kind string) []*subject {
	if s.person != nil {
		if kind == kindBusiness || kind == kindBeneficialOwner {
			return nil // an individual has no business; the policy's check refuses it
		}
		return []*subject{s.person}
	}
	switch kind {
	case kindBeneficialOwner:
		return s.owners
	case kindIdentity, string(verification.KindSANCTIONS), string(verification.KindPEP):
		return s.representatives
	}
	if s.organization == nil {
		return nil
	}
	return []*subject{s.organization}
}

// consentNeeds are the consent documents in force whose customer types
// include the customer's, by code: due before activation, except those
// the policy names, which policyNeeds already added with the policy's due
// (a document the policy makes EVENTUALLY stays so).
func consentNeeds(e *evaluation, customerType string, inForce map[string]document, policy schematype.OnboardingPolicy) {
	named := map[string]bool{}
	for _, r := range policy.Requirements {
		if r.Kind == schematype.RequirementConsent {
			named[r.Code] = true
		}
	}
	codes := make([]string, 0, len(inForce))
	for code, d := range inForce {
		if slices.Contains(d.customerTypes, customerType) && !named[code] {
			codes = append(codes, code)
		}
	}
	slices.Sort(codes)
	for _, code := range codes {
		e.consent(code, true)
	}
}

// document is the version of a consent document in force (the highest
// published) and who must accept it.
type document struct {
	version       int
	customerTypes []string
}

func inForceDocuments(docs []*ent.ConsentDocument) map[string]document {
	out := map[string]document{}
	for _, d := range docs {
		if cur, ok := out[d.Code]; !ok || d.Version > cur.version {
			out[d.Code] = document{version: d.Version, customerTypes: d.CustomerTypes}
		}
	}
	return out
}

// latestVerifications keeps, per customer, subject and kind, the latest
// result: by checked_at, then by id (ids grow with time), so that two
// results checked at the same instant still have one latest.
func latestVerifications(vs []*ent.Verification) map[string]map[verificationKey]*ent.Verification {
	out := map[string]map[verificationKey]*ent.Verification{}
	for _, v := range vs {
		byKey := out[v.CustomerID]
		if byKey == nil {
			byKey = map[verificationKey]*ent.Verification{}
			out[v.CustomerID] = byKey
		}
		k := verificationKey{subject: v.SubjectID, kind: string(v.Kind)}
		cur := byKey[k]
		if cur == nil || v.CheckedAt.After(cur.CheckedAt) || (v.CheckedAt.Equal(cur.CheckedAt) && v.ID > cur.ID) {
			byKey[k] = v
		}
	}
	return out
}

type verificationKey struct{ subject, kind string }

// need is one requirement before it is evaluated: whether it is due
// before activation, and its check, which answers "" when it is met and
// otherwise the reason it is listed. Due before activation,
// ReasonNeedsReview puts it in pendingVerification and ReasonFailed in
// errors as well as in currentlyDue; due eventually, it is in
// eventuallyDue only, whatever its reason (see Requirements).
type need struct {
	code, field string
	before      bool
	check       func() string
	describe    string
}

// evaluation collects a customer's needs (deduplicated by code and field,
// in the order they were named) and turns them into Requirements.
type evaluation struct {
	now      time.Time
	latest   map[verificationKey]*ent.Verification
	accepted map[string]int
	inForce  map[string]document
	needs    []*need
	index    map[[2]string]*need
	errors   []Requirement
	out      *Requirements
}

func (e *evaluation) add(n *need) {
	if e.index == nil {
		e.index = map[[2]string]*need{}
	}
	k := [2]string{n.code, n.field}
	if cur, ok := e.index[k]; ok {
		cur.before = cur.before || n.before
		return
	}
	e.index[k] = n
	e.needs = append(e.needs, n)
}

// verify needs a holding verification of kind about sub: the latest
// result PASSED, not expired, its digest the subject's current one.
func (e *evaluation) verify(sub *subject, kind string, before bool) {
	e.add(&need{
		code: VerificationCode(kind), field: sub.field, before: before,
		describe: "A passed " + kind + " verification of " + sub.noun + " is needed.",
		check: func() string {
			v := e.latest[verificationKey{subject: sub.id, kind: kind}]
			switch {
			case v == nil:
				return ReasonMissing
			case v.Outcome == verification.OutcomeNEEDS_REVIEW:
				return ReasonNeedsReview
			case v.Outcome == verification.OutcomeFAILED:
				return ReasonFailed
			case v.SubjectDigest != sub.digest:
				return ReasonInvalidated
			case v.ExpiresAt != nil && !v.ExpiresAt.After(e.now):
				return ReasonExpired
			}
			return ""
		},
	})
}

// document needs an identity document of docType held by sub's person.
func (e *evaluation) document(sub *subject, docType string, before bool) {
	e.add(&need{
		code: DocumentCode(docType), field: sub.field, before: before,
		describe: "An identity document of type " + docType + " of " + sub.noun + " is needed on file.",
		check: func() string {
			for _, d := range sub.documents {
				if string(d.Type) == docType {
					return ""
				}
			}
			return ReasonMissing
		},
	})
}

// consent needs an acceptance of the version in force of code.
func (e *evaluation) consent(code string, before bool) {
	e.add(&need{
		code: ConsentCode(code), field: "consents." + code, before: before,
		describe: "The consent document " + code + " must be accepted in its version in force.",
		check: func() string {
			d, published := e.inForce[code]
			v, accepted := e.accepted[code]
			switch {
			case !published:
				return ReasonUnpublished
			case !accepted:
				return ReasonMissing
			case v < d.version:
				return ReasonOutdated
			}
			return ""
		},
	})
}

// fixed is a requirement the customer's data already decided is unmet.
func (e *evaluation) fixed(code, field, reason string, before bool, description string) {
	e.add(&need{code: code, field: field, before: before, describe: description,
		check: func() string { return reason }})
}

// fail is an error that is not a due requirement (shares over 100 %).
func (e *evaluation) fail(code, field, reason, description string) {
	e.errors = append(e.errors, Requirement{Code: code, Field: field, Reason: reason, Description: description})
}

// reasonText completes a need's description with why it is listed.
var reasonText = map[string]string{
	ReasonMissing:     "",
	ReasonFailed:      " The latest result failed; a new check is due.",
	ReasonExpired:     " The latest passed result has expired.",
	ReasonInvalidated: " A verified field changed since the latest passed result.",
	ReasonNeedsReview: " The latest result awaits a review.",
	ReasonOutdated:    " An earlier version was accepted; the version in force must be.",
	ReasonUnpublished: " No version of it is published yet.",
}

func (e *evaluation) evaluate() {
	r := e.out
	for _, n := range e.needs {
		reason := n.check()
		if reason == "" {
			continue
		}
		req := Requirement{Code: n.code, Field: n.field, Reason: reason, Description: n.describe + reasonText[reason]}
		if !n.before {
			r.EventuallyDue = append(r.EventuallyDue, req)
			continue
		}
		switch reason {
		case ReasonNeedsReview:
			r.PendingVerification = append(r.PendingVerification, req)
			continue
		case ReasonFailed:
			r.Errors = append(r.Errors, req)
		}
		r.CurrentlyDue = append(r.CurrentlyDue, req)
	}
	r.Errors = append(r.Errors, e.errors...)
}
