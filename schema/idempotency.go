package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"onboard/internal/pulid"
	"onboard/schema/schematype"
)

// IdempotencyRecord remembers a mutation done under an Idempotency-Key, so
// that a client retrying after a lost response gets the first result
// instead of a second customer. It is internal: not a GraphQL type and not
// a node (its id carries no node prefix annotation).
type IdempotencyRecord struct {
	ent.Schema
}

// Mixin of the IdempotencyRecord.
func (IdempotencyRecord) Mixin() []ent.Mixin {
	return []ent.Mixin{TenantMixin{}}
}

// Fields of the IdempotencyRecord.
func (IdempotencyRecord) Fields() []ent.Field {
	return []ent.Field{
		field.String("id").
			Immutable().
			NotEmpty().
			MaxRuneLen(40).
			DefaultFunc(func() string { return pulid.New(schematype.PrefixIdempotencyKey) }),
		field.String("key").Immutable().NotEmpty().MaxRuneLen(255),
		field.String("operation").Immutable().NotEmpty().MaxRuneLen(64),
		field.String("fingerprint").Immutable().NotEmpty().MaxRuneLen(64).
			Comment("SHA-256 of the request input without its passwords."),
		field.String("customer_id").Immutable().NotEmpty().MaxRuneLen(40).
			Comment("The customer the first request created."),
		field.Time("created_at").Immutable().Default(now),
		field.Time("expires_at").Immutable(),
	}
}

// Indexes of the IdempotencyRecord.
func (IdempotencyRecord) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("tenant_id", "key").Unique(),
		index.Fields("expires_at"),
	}
}

// Annotations of the IdempotencyRecord.
func (IdempotencyRecord) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipAll)}
}
