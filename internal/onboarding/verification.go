package onboarding

import (
	"cmp"
	"context"
	"time"

	"onboard/ent"
	"onboard/ent/customer"
	"onboard/ent/organization"
	"onboard/ent/person"
	"onboard/ent/representative"
	"onboard/ent/verification"
	"onboard/internal/apperr"
	"onboard/internal/apperr/vocab"
	"onboard/internal/catalog"
	"onboard/internal/history"
	"onboard/internal/pulid"
	"onboard/internal/viewer"
	"onboard/schema/schematype"
)

// MaxCheckedAtSkew is how far in the future a verification's checkedAt
// may lie: the provider's clock and ours differ by a little, never by
// more (a result dated later is a mistake, and it would supersede every
// result recorded until then).
const MaxCheckedAtSkew = 5 * time.Minute

// VerificationInput is the result of a KYC/KYB check to record: gqlgen
// binds RecordVerificationInput to it (gqlgen.yml).
type VerificationInput struct {
	CustomerID string
	// SubjectID is the customer's person (per_…), its organization
	// (org_…) or one of its representatives (rep_…); the subject type
	// follows from it.
	SubjectID string
	Kind      verification.Kind
	Outcome   verification.Outcome
	Provider  string
	// Reference is the provider's id of the check.
	Reference *string
	CheckedAt time.Time
	ExpiresAt *time.Time
}

// VerificationResult is a recorded verification and its customer as the
// recording left it (its version and, after a NEEDS_REVIEW, its status).
type VerificationResult struct {
	Verification *ent.Verification
	Customer     *ent.Customer
}

// RecordVerification stores a provider's result about one of the
// customer's subjects, immutably: a later result for the same subject and
// kind supersedes it (VerificationsInForce), nothing is updated. With the
// result it stores the digest of the subject's verified fields as they are
// now, so that a later change to them shows the result no longer holds.
// In the same transaction it appends verification.recorded and, when the
// outcome is NEEDS_REVIEW and the customer awaits verification, moves the
// customer to IN_REVIEW.
func (s *Service) RecordVerification(ctx context.Context, in VerificationInput) (*VerificationResult, error) {
	now := s.now()
	var problems apperr.List
	if in.CustomerID == "" {
		problems.Invalid(apperr.Path{"customerId"}, vocab.ReasonRequired, "a customer id is required")
	}
	if in.SubjectID == "" {
		problems.Invalid(apperr.Path{"subjectId"}, vocab.ReasonRequired, "a subject id is required")
	}
	if verification.KindValidator(in.Kind) != nil {
		problems.Invalid(apperr.Path{"kind"}, vocab.ReasonInvalidValue, "not a verification kind")
	}
	if verification.OutcomeValidator(in.Outcome) != nil {
		problems.Invalid(apperr.Path{"outcome"}, vocab.ReasonInvalidValue, "not a verification outcome")
	}
	provider := catalog.RequiredText(&problems, apperr.Path{"provider"}, in.Provider, schematype.MaxProviderLen)
	reference := ""
	if r := catalog.OptionalText(&problems, apperr.Path{"reference"}, in.Reference, schematype.MaxProviderRefLen); r != nil {
		reference = *r
	}
	switch {
	case in.CheckedAt.IsZero():
		problems.Invalid(apperr.Path{"checkedAt"}, vocab.ReasonRequired, "the time of the check is required")
	case in.CheckedAt.After(now.Add(MaxCheckedAtSkew)):
		problems.Invalid(apperr.Path{"checkedAt"}, vocab.ReasonDateInFuture, "the check cannot have happened in the future")
	}
	if in.ExpiresAt != nil && !in.CheckedAt.IsZero() && !in.ExpiresAt.After(in.CheckedAt) {
		problems.Invalid(apperr.Path{"expiresAt"}, vocab.ReasonInvalidRange, "a result expires after it was checked")
	}
	if err := problems.Err(); err != nil {
		return nil, err
	}

	var out VerificationResult
	err := catalog.WithTx(ctx, s.Client, func(tx *ent.Tx) error {
		c, err := lockedCustomer(ctx, tx, in.CustomerID, apperr.Path{"customerId"})
		if err != nil {
			return err
		}
		subjectType, digest, err := subjectOf(ctx, tx, c.ID, in.SubjectID)
		if err != nil {
			return err
		}
		create := tx.Verification.Create().
			SetCustomerID(c.ID).
			SetSubjectType(subjectType).
			SetSubjectID(in.SubjectID).
			SetKind(in.Kind).
			SetOutcome(in.Outcome).
			SetProvider(provider).
			SetCheckedAt(in.CheckedAt.UTC()).
			SetSubjectDigest(digest).
			SetNillableExpiresAt(utc(in.ExpiresAt))
		if reference != "" {
			create.SetReference(reference)
		}
		if v := viewer.FromContext(ctx); v != nil && v.Subject != "" {
			create.SetRecordedBy(truncate(v.Subject, schematype.MaxActorLen))
		}
		if out.Verification, err = create.Save(ctx); err != nil {
			return err
		}
		kind, outcome, subject := string(in.Kind), string(in.Outcome), in.SubjectID
		if err := history.Record(ctx, tx, history.Event{
			CustomerID: c.ID,
			Type:       schematype.EventVerificationRecorded,
			SubjectID:  out.Verification.ID,
			Changes: history.Changes(
				history.Change("subject", nil, &subject, false),
				history.Change("kind", nil, &kind, false),
				history.Change("outcome", nil, &outcome, false),
			),
		}); err != nil {
			return err
		}
		if in.Outcome == verification.OutcomeNEEDS_REVIEW && c.Status == StatusPendingVerification {
			// The row is locked (PostgreSQL) or the transaction alone
			// (SQLite): the status read above is still the status.
			if err := transition(ctx, tx, now, c.ID, StatusPendingVerification, StatusInReview, "", ""); err != nil {
				return err
			}
		}
		out.Customer, err = tx.Customer.Get(ctx, c.ID)
		return err
	})
	if err != nil {
		return nil, apperr.FromData(err, nil)
	}
	// Read after the commit (their edges) through the client, not the
	// transaction.
	out.Verification, out.Customer = out.Verification.Unwrap(), out.Customer.Unwrap()
	return &out, nil
}

// subjectOf finds the subject id among the customer's person,
// organization and representatives, and returns its type and the digest
// of its verified fields (a representative's are its person's). An id the
// tenant does not have is NOT_FOUND; one of another customer, or of a kind
// that is never a subject, is SUBJECT_NOT_OF_CUSTOMER.
func subjectOf(ctx context.Context, tx *ent.Tx, customerID, id string) (verification.SubjectType, string, error) {
	field := apperr.Path{"subjectId"}
	notOfCustomer := apperr.Invalid(field, vocab.ReasonSubjectNotOfCustomer,
		"the subject is not this customer's person, organization or representative")
	notFound := func(err error) error { return apperr.FromLookup(err, field, "no subject with this id") }
	prefix := pulid.Prefix(id)
	switch prefix {
	case schematype.PrefixPerson, schematype.PrefixOrganization, schematype.PrefixRepresentative:
		if !pulid.Valid(id, prefix) {
			// Never sent to the database (PostgreSQL refuses a NUL in text).
			return "", "", apperr.NotFoundf(field, "no subject with this id")
		}
	default:
		return "", "", notOfCustomer
	}
	switch prefix {
	case schematype.PrefixPerson:
		p, err := tx.Person.Query().Where(person.ID(id)).WithIdentityDocuments().Only(ctx)
		if err != nil {
			return "", "", notFound(err)
		}
		mine, err := tx.Person.Query().Where(person.ID(id), person.HasCustomerWith(customer.ID(customerID))).Exist(ctx)
		if err != nil || !mine {
			return "", "", cmp.Or(err, error(notOfCustomer))
		}
		return verification.SubjectTypePERSON, PersonDigest(p, p.Edges.IdentityDocuments), nil
	case schematype.PrefixOrganization:
		o, err := tx.Organization.Query().Where(organization.ID(id)).Only(ctx)
		if err != nil {
			return "", "", notFound(err)
		}
		mine, err := tx.Organization.Query().Where(organization.ID(id), organization.HasCustomerWith(customer.ID(customerID))).Exist(ctx)
		if err != nil || !mine {
			return "", "", cmp.Or(err, error(notOfCustomer))
		}
		return verification.SubjectTypeORGANIZATION, OrganizationDigest(o), nil
	case schematype.PrefixRepresentative:
		r, err := tx.Representative.Query().Where(representative.ID(id)).
			WithPerson(func(q *ent.PersonQuery) { q.WithIdentityDocuments() }).Only(ctx)
		if err != nil {
			return "", "", notFound(err)
		}
		mine, err := tx.Representative.Query().Where(representative.ID(id),
			representative.HasOrganizationWith(organization.HasCustomerWith(customer.ID(customerID)))).Exist(ctx)
		if err != nil || !mine {
			return "", "", cmp.Or(err, error(notOfCustomer))
		}
		p := r.Edges.Person
		if p == nil {
			return "", "", notOfCustomer
		}
		return verification.SubjectTypeREPRESENTATIVE, PersonDigest(p, p.Edges.IdentityDocuments), nil
	}
	return "", "", notOfCustomer
}

// VerificationsInForce returns, per customer id, the results in force: the
// latest (by checkedAt, then by recording) per subject and kind, expired or
// not (the requirements tell an expired one from a valid one). One
// statement for any number of customers.
func VerificationsInForce(ctx context.Context, client *ent.Client, customerIDs []string) (map[string][]*ent.Verification, error) {
	out := make(map[string][]*ent.Verification, len(customerIDs))
	if len(customerIDs) == 0 {
		return out, nil
	}
	all, err := client.Verification.Query().
		Where(verification.CustomerIDIn(customerIDs...)).
		Order(ent.Desc(verification.FieldCheckedAt), ent.Desc(verification.FieldCreatedAt), ent.Desc(verification.FieldID)).
		All(ctx)
	if err != nil {
		return nil, err
	}
	type key struct{ customer, subject, kind string }
	seen := make(map[key]bool, len(all))
	for _, v := range all {
		k := key{v.CustomerID, v.SubjectID, string(v.Kind)}
		if seen[k] {
			continue // superseded by a later result
		}
		seen[k] = true
		out[v.CustomerID] = append(out[v.CustomerID], v)
	}
	return out, nil
}

func utc(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

func truncate(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n])
	}
	return s
}
