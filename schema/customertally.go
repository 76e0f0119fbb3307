package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// CustomerTally is how many of a tenant's customers share one group of the
// keys customerStats counts by (type, status, country, category, created
// month): a maintained aggregate, so that the statistics of a tenant of a
// million customers read a few hundred tallies instead of every customer
// (internal/customers/stats.go). Kept right by one rule, tallyCustomers, a
// hook on Customer mutations that runs in the mutation's transaction. Not
// in the GraphQL API. A missing country or category is "" (not null), so
// that the unique index holds every group once.
type CustomerTally struct {
	ent.Schema
}

// Mixin of the CustomerTally.
func (CustomerTally) Mixin() []ent.Mixin {
	return []ent.Mixin{TenantMixin{}}
}

// Fields of the CustomerTally.
func (CustomerTally) Fields() []ent.Field {
	return []ent.Field{
		// A row number, no id of the API (a tally is no node): stored as
		// tally_id so that nothing takes the table for one of entities.
		field.Int("id").StorageKey("tally_id"),
		field.String("type").Immutable(),
		field.String("status").Immutable(),
		field.String("country").Immutable().Default("").Comment(`The customer's country; "" for none.`),
		field.String("category_id").Immutable().Default("").Comment(`The customer's category; "" for none.`),
		field.String("created_month").Immutable().Comment(`The customer's created_at in UTC, "YYYY-MM".`),
		field.Int("count").Default(0),
	}
}

// Indexes of the CustomerTally.
func (CustomerTally) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields(tallyKeys...).Unique().StorageKey("customer_tally_group"),
	}
}

// Annotations of the CustomerTally.
func (CustomerTally) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipAll)}
}
