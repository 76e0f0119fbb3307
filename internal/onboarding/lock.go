package onboarding

import (
	"context"

	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/sql"

	"onboard/ent"
	"onboard/ent/customer"
	"onboard/internal/apperr"
	"onboard/internal/apperr/vocab"
	"onboard/internal/pulid"
	"onboard/schema/schematype"
)

// lockedCustomer reads the customer id inside tx and, on PostgreSQL,
// locks its row until tx ends (FOR NO KEY UPDATE; SQLite runs one write
// transaction at a time already). Two changes to one customer then run
// one after the other: the second sees what the first committed (its
// status, its consents), so neither decides on a state that no longer
// holds. An id the tenant does not have is NOT_FOUND on field.
func lockedCustomer(ctx context.Context, tx *ent.Tx, id string, field apperr.Path) (*ent.Customer, error) {
	if !pulid.Valid(id, schematype.PrefixCustomer) {
		// Never sent to the database (PostgreSQL refuses a NUL in text).
		return nil, apperr.NotFoundf(field, "no customer with this id")
	}
	q := tx.Customer.Query().Where(customer.ID(id))
	q.Modify(func(s *sql.Selector) {
		if s.Dialect() == dialect.Postgres {
			s.For(sql.LockNoKeyUpdate)
		}
	})
	c, err := q.Only(ctx)
	if err != nil {
		return nil, apperr.FromLookup(err, field, "no customer with this id")
	}
	if c.ErasedAt != nil {
		return nil, apperr.New(apperr.Conflict, vocab.ReasonCustomerErased,
			"the customer's personal data was erased: nothing more is recorded about it")
	}
	return c, nil
}
