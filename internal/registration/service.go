package registration

import (
	"context"
	"errors"
	"time"

	"onboard/ent"
	"onboard/ent/customer"
	"onboard/internal/apperr"
	"onboard/internal/catalog"
	"onboard/internal/pulid"
	"onboard/internal/values"
	"onboard/internal/viewer"
	"onboard/schema/schematype"
)

// Service runs registrations: normalize → validate everything → categorize
// → hash the password → write every row in one transaction (DESIGN §6).
type Service struct {
	Client *ent.Client
	// Hasher bounds how many argon2id hashes run at once.
	Hasher *values.Hasher
	// Now is the clock; nil means time.Now. Tests pin it.
	Now func() time.Time
	// Observe, when set, learns each registration's customer type
	// (INDIVIDUAL, ORGANIZATION) and outcome (see Outcome) for metrics.
	Observe func(customerType, outcome string)
}

// Result is a registered customer with its user and its person (for an
// individual) or organization loaded.
type Result struct {
	Customer     *ent.Customer
	User         *ent.User
	Person       *ent.Person
	Organization *ent.Organization
	// Replay is true when the result is that of an earlier request with the
	// same Idempotency-Key; nothing was written this time.
	Replay bool
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// pending is a validated registration, ready to be written.
type pending struct {
	password string
	// write creates the rows of the customer customerID inside tx.
	write func(ctx context.Context, tx *ent.Tx, customerID, passwordHash string) error
	// fieldOf names the input field behind a violated unique column.
	fieldOf func(column string) apperr.Path
	// unique are the values write puts into columns unique per tenant, in
	// the order it writes them (see checkUnique).
	unique []uniqueValue
}

// register is the pipeline every customer type shares: the Idempotency-Key
// replay, validation (prepare), the uniqueness pre-check, hashing, and the
// transaction. The
// idempotency record is written first inside the transaction, so a
// concurrent request with the same key waits for it and then replays.
func (s *Service) register(ctx context.Context, op, fingerprint, password string, prepare func(context.Context) (*pending, error)) (res *Result, err error) {
	if s.Observe != nil {
		defer func() { s.Observe(customerTypeOf(op), Outcome(res, err)) }()
	}
	key := RequestFrom(ctx).IdempotencyKey
	if err := checkIdempotencyKey(key); err != nil {
		return nil, err
	}
	if key != "" {
		if res, err := s.replay(ctx, key, op, fingerprint, password); res != nil || err != nil {
			return res, err
		}
	}
	p, err := prepare(ctx)
	if err != nil {
		return nil, err
	}
	if err := s.checkUnique(ctx, p); err != nil {
		return nil, err
	}
	hash, err := s.Hasher.Hash(ctx, p.password)
	if errors.Is(err, context.DeadlineExceeded) {
		// Waiting for a free hashing slot outlasted the request.
		return nil, apperr.New(apperr.RateLimited, "TOO_MANY_REGISTRATIONS", "too many registrations at once; retry shortly")
	}
	if err != nil {
		return nil, err
	}
	customerID := pulid.New("cus")
	err = catalog.WithTx(ctx, s.Client, func(tx *ent.Tx) error {
		if key != "" {
			if err := claimKey(ctx, tx, key, op, fingerprint, customerID, s.now()); err != nil {
				return err
			}
		}
		return p.write(ctx, tx, customerID, hash)
	})
	if errors.Is(err, errKeyClaimed) {
		res, rerr := s.replay(ctx, key, op, fingerprint, password)
		if res == nil && rerr == nil {
			rerr = apperr.New(apperr.Conflict, "IDEMPOTENCY_KEY_REUSED", "the Idempotency-Key is in use; retry")
		}
		return res, rerr
	}
	if err != nil {
		return nil, apperr.FromData(err, p.fieldOf)
	}
	if key != "" {
		s.purgeExpiredKeys(ctx)
	}
	return s.load(ctx, customerID, false)
}

// customerTypeOf names the customer type a registration operation creates.
func customerTypeOf(op string) string {
	if op == opRegisterOrganization {
		return string(schematype.CustomerTypeOrganization)
	}
	return string(schematype.CustomerTypeIndividual)
}

// Outcome is how a registration ended: OK, REPLAY (an Idempotency-Key
// answered with the earlier result), or the first error's code.
func Outcome(res *Result, err error) string {
	switch {
	case err == nil && res != nil && res.Replay:
		return "REPLAY"
	case err == nil:
		return "OK"
	}
	if problems := apperr.Flatten(err); len(problems) > 0 {
		return string(problems[0].Code)
	}
	if apperr.AsUnavailable(err) != nil {
		return string(apperr.Unavailable)
	}
	return string(apperr.Internal)
}

// load reads a registered customer with its user and person.
func (s *Service) load(ctx context.Context, customerID string, replay bool) (*Result, error) {
	c, err := s.Client.Customer.Query().
		Where(customer.ID(customerID)).
		WithUser().
		WithPerson().
		WithOrganization().
		Only(ctx)
	if err != nil {
		return nil, apperr.FromData(err, nil)
	}
	return &Result{Customer: c, User: c.Edges.User, Person: c.Edges.Person, Organization: c.Edges.Organization, Replay: replay}, nil
}

// minimumAge is the current tenant's minimum age for individuals.
func (s *Service) minimumAge(ctx context.Context) (int, error) {
	t, err := s.Client.Tenant.Get(ctx, viewer.FromContext(ctx).TenantID)
	if err != nil {
		return 0, err
	}
	return t.MinimumAge, nil
}
