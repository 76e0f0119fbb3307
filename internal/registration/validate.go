package registration

import "context"

// ValidateIndividual answers what RegisterIndividual would answer for in,
// short of writing: nil when the registration would be accepted, otherwise
// the same problems (see validate).
func (s *Service) ValidateIndividual(ctx context.Context, origin Origin, in IndividualInput) error {
	return s.validate(ctx, origin, newIndividualKind(in))
}

// ValidateOrganization answers what RegisterOrganization would answer for
// in, short of writing (see validate).
func (s *Service) ValidateOrganization(ctx context.Context, origin Origin, in OrganizationInput) error {
	return s.validate(ctx, origin, newOrganizationKind(in))
}

// validate is register without its effects, for front-ends that check a
// form step by step: the Idempotency-Key's format and the whole plan (every
// rule, those that read the tenant's settings, roles and catalog included,
// and the uniqueness check) run as in register, with the same problems and
// paths. It writes nothing, hashes no password (the password rules need
// none), neither replays nor claims an Idempotency-Key (a dry run answers
// for a fresh registration), and is counted by ObserveValidation, not by
// Observe: it registers nothing.
func (s *Service) validate(ctx context.Context, origin Origin, k kind) (err error) {
	if s.ObserveValidation != nil {
		defer func() { s.ObserveValidation(string(k.customerType()), Outcome(nil, err)) }()
	}
	if err := checkIdempotencyKey(origin.IdempotencyKey); err != nil {
		return err
	}
	_, err = s.plan(ctx, k)
	return err
}
