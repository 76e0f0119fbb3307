package registration

import (
	"context"
	"errors"
	"time"

	"onboard/ent"
	"onboard/ent/customer"
	"onboard/internal/apperr"
	"onboard/internal/apperr/vocab"
	"onboard/internal/catalog"
	"onboard/internal/history"
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
	// ObserveValidation, when set, learns each dry run's customer type and
	// outcome (see Outcome; never REPLAY), apart from the registrations.
	ObserveValidation func(customerType, outcome string)
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

// kind is what differs between registering an individual and an
// organization; the plan and its execution are the same for both.
type kind interface {
	// operation names the mutation, for Idempotency-Key records.
	operation() string
	customerType() schematype.CustomerType
	// fingerprint identifies the input, passwords removed.
	fingerprint() string
	// password is the login password as sent: hashed once the plan
	// holds, and checked against the stored hash on a replay.
	password() string
	// normalize checks every rule that needs no database, under the
	// tenant's settings.
	normalize(now time.Time, settings Settings) apperr.List
	// matchRoles resolves the normalized role references among the
	// tenant's roles; an error is a tenant without a role it must have.
	// backOffice (grantsAll) lets it grant roles that are not
	// self-assignable.
	matchRoles(roles []*ent.Role, backOffice bool, problems *apperr.List) error
	// category is the categorization part of the request.
	category() categoryRequest
	// write creates the customer customerID and its rows inside tx.
	write(ctx context.Context, tx *ent.Tx, w customerWrite) error
	// fieldOf names the input field behind a violated unique column.
	fieldOf(column string) apperr.Path
	// uniques are the values write puts into columns unique per tenant,
	// in the order it writes them (see checkUnique).
	uniques() []uniqueValue
}

// request is what every kind carries from its input: the operation, the
// customer type, the password, the fingerprint and the categorization.
type request struct {
	op    string
	typ   schematype.CustomerType
	pass  string
	print string
	cat   categoryRequest
}

// newRequest fingerprints input, which has its passwords removed, and
// places its categorization: the top-level customerCategory (ref), and the
// categorization object (detail, nil when absent) of the customer object
// at customerField.
func newRequest(op string, typ schematype.CustomerType, password string, input any, ref *CategoryRef, detail *Categorization, customerField string) request {
	return request{op: op, typ: typ, pass: password, print: fingerprint(op, input), cat: categoryRequest{
		Type: typ, Ref: ref, RefPath: apperr.Path{"customerCategory"},
		Detail: detail, DetailPath: apperr.Path{customerField, "categorization"},
	}}
}

func (r request) operation() string                     { return r.op }
func (r request) customerType() schematype.CustomerType { return r.typ }
func (r request) fingerprint() string                   { return r.print }
func (r request) password() string                      { return r.pass }
func (r request) category() categoryRequest             { return r.cat }

// customerWrite is what writing a planned customer needs besides its kind.
type customerWrite struct {
	customerID, passwordHash string
	category                 categorization
	origin                   Origin
}

// plan is a registration that passed every check, the database's
// included: what is left is to hash the password and write it.
type plan struct {
	kind     kind
	category categorization
	// searchedIn is the dialect its duplicate search ran in, "" when it
	// had nothing to compare (checkDuplicates, recheckDuplicates).
	searchedIn string
}

// register is the pipeline every customer type shares: the Idempotency-Key
// replay, the plan (every check), and its execution (hashing, then the
// transaction).
func (s *Service) register(ctx context.Context, origin Origin, k kind) (res *Result, err error) {
	if s.Observe != nil {
		defer func() { s.Observe(string(k.customerType()), Outcome(res, err)) }()
	}
	key := origin.IdempotencyKey
	if err := checkIdempotencyKey(key); err != nil {
		return nil, err
	}
	if key != "" {
		if res, err := s.replay(ctx, key, k); res != nil || err != nil {
			return res, err
		}
	}
	p, err := s.plan(ctx, k)
	if err != nil && key != "" && mayBeOwnFirstAttempt(err) {
		// The first attempt with this key may have committed since the
		// replay above looked (a client that timed out and retried): its
		// values are then taken by itself (ALREADY_EXISTS), or, under
		// REJECT, it is the customer the retry looks like
		// (POSSIBLE_DUPLICATE, the only conflict of a body without a
		// unique value), and the answer is its result.
		if res, rerr := s.replay(ctx, key, k); res != nil || rerr != nil {
			return res, rerr
		}
	}
	if err != nil {
		return nil, err
	}
	return s.execute(ctx, origin, p)
}

// mayBeOwnFirstAttempt reports whether err is a conflict with a stored
// customer that an earlier attempt with the same Idempotency-Key could have
// caused: the uniqueness check's ALREADY_EXISTS or the duplicate search's
// POSSIBLE_DUPLICATE (a List, one problem per match).
func mayBeOwnFirstAttempt(err error) bool {
	for _, e := range apperr.Flatten(err) {
		if e.Reason == vocab.ReasonAlreadyExists || e.Reason == vocab.ReasonPossibleDuplicate {
			return true
		}
	}
	return false
}

// plan runs every check of a registration and returns all the problems
// at once: the rules that need no database, then the tenant's roles and
// the category with its features, then whether a unique value is taken
// (so that a registration bound to conflict costs no password hash), then
// whether it looks like an existing customer (checkDuplicates). It
// hashes nothing and writes nothing, so a dry run (validate) stops here
// and answers what the registration would.
func (s *Service) plan(ctx context.Context, k kind) (*plan, error) {
	settings, err := s.settings(ctx)
	if err != nil {
		return nil, err
	}
	problems := k.normalize(s.now(), settings)
	roles, err := tenantRoles(ctx, s.Client)
	if err != nil {
		return nil, err
	}
	if err := k.matchRoles(roles, grantsAll(ctx), &problems); err != nil {
		return nil, err
	}
	cat, err := categorize(ctx, s.Client, k.category(), &problems)
	if err != nil {
		return nil, err
	}
	if r, ok := k.(referencesStored); ok {
		if err := r.resolve(ctx, s.Client, &problems); err != nil {
			return nil, err
		}
	}
	if err := problems.Err(); err != nil {
		return nil, err
	}
	if err := s.checkUnique(ctx, k); err != nil {
		return nil, err
	}
	_, searched, err := s.checkDuplicates(ctx, s.Client, k)
	if err != nil {
		return nil, err
	}
	return &plan{kind: k, category: cat, searchedIn: searched}, nil
}

// execute hashes the plan's password and writes it in one transaction.
// The idempotency record is written first inside the transaction, so a
// concurrent request with the same key waits for it and then replays.
func (s *Service) execute(ctx context.Context, origin Origin, p *plan) (*Result, error) {
	k, key := p.kind, origin.IdempotencyKey
	hash, err := s.hash(ctx, k.password())
	if err != nil {
		return nil, err
	}
	customerID := pulid.New(schematype.PrefixCustomer)
	err = catalog.WithTx(ctx, s.Client, func(tx *ent.Tx) error {
		if key != "" {
			if err := claimKey(ctx, tx, key, k.operation(), k.fingerprint(), customerID, s.now()); err != nil {
				return err
			}
		}
		dups, err := s.recheckDuplicates(ctx, tx, p)
		if err != nil {
			return err
		}
		if err := k.write(ctx, tx, customerWrite{customerID: customerID, passwordHash: hash, category: p.category, origin: origin}); err != nil {
			return err
		}
		if err := recordDuplicates(ctx, tx, customerID, dups); err != nil {
			return err
		}
		// The registration is the customer's first event; its version
		// stays 1 (history.Append). A replay writes none.
		return history.Append(ctx, tx, history.Event{CustomerID: customerID, Type: schematype.EventCustomerRegistered,
			Changes: registeredChanges(k, p.category)})
	})
	if errors.Is(err, errKeyClaimed) {
		res, rerr := s.replay(ctx, key, k)
		if res == nil && rerr == nil {
			rerr = apperr.New(apperr.Conflict, vocab.ReasonIdempotencyKeyReused, "the Idempotency-Key is in use; retry")
		}
		return res, rerr
	}
	if err != nil {
		return nil, apperr.FromData(err, k.fieldOf)
	}
	if key != "" {
		s.purgeExpiredKeys(ctx)
	}
	return s.load(ctx, customerID, false)
}

// hash hashes a login's password; "" (a customer without a login) is
// no password and costs nothing.
func (s *Service) hash(ctx context.Context, password string) (string, error) {
	if password == "" {
		return "", nil
	}
	hash, err := s.Hasher.Hash(ctx, password)
	if errors.Is(err, context.DeadlineExceeded) {
		// Waiting for a free hashing slot outlasted the request.
		return "", apperr.New(apperr.RateLimited, vocab.ReasonTooManyRegistrations, "too many registrations at once; retry shortly")
	}
	return hash, err
}

// referencesStored is a kind whose input names stored objects besides the
// category (an individual's organization): resolve looks them up during
// the plan, adding a reference that names nothing to problems; the error
// is a look-up that failed.
type referencesStored interface {
	resolve(ctx context.Context, client *ent.Client, problems *apperr.List) error
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

// Settings are the current tenant's settings that registration applies.
type Settings struct {
	// MinimumAge is the minimum age of individuals (no check when <= 0).
	MinimumAge int
	// DefaultCountry (alpha-2, "" for none) reads national phone numbers
	// of people with no other region and completes addresses without a
	// country (see checker.addresses).
	DefaultCountry string
}

// settings reads the current tenant's settings, in one query.
func (s *Service) settings(ctx context.Context) (Settings, error) {
	t, err := s.Client.Tenant.Get(ctx, viewer.FromContext(ctx).TenantID)
	if err != nil {
		return Settings{}, err
	}
	out := Settings{MinimumAge: t.MinimumAge}
	if t.DefaultCountry != nil {
		out.DefaultCountry = *t.DefaultCountry
	}
	return out, nil
}
