package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"onboard/schema/schematype"
)

// APIKey is a tenant's credential for a server-to-server client (the
// compat routes' x-api-key, or Authorization: ApiKey on /graphql). The key
// is shown once, at creation; only its SHA-256 is stored.
type APIKey struct {
	ent.Schema
}

// Mixin of the APIKey.
func (APIKey) Mixin() []ent.Mixin {
	return []ent.Mixin{IDMixin{Prefix: schematype.PrefixAPIKey}, TimeMixin{}, TenantMixin{}}
}

// Fields of the APIKey.
func (APIKey) Fields() []ent.Field {
	return []ent.Field{
		field.String("name").NotEmpty().MaxRuneLen(schematype.MaxAPIKeyNameLen),
		field.Strings("scopes").
			Comment("The scopes a request with the key holds.").
			Annotations(entgql.Skip()),
		field.String("hash").Sensitive().NotEmpty().Immutable().
			Comment("SHA-256 of the key's secret part, hex.").
			Annotations(entgql.Skip()),
		field.String("hint").NotEmpty().Immutable().MaxRuneLen(32).
			Comment("The key's last characters, to tell keys apart in a list."),
		field.Time("expires_at").Optional().Nillable().Immutable().
			Annotations(entgql.Type("DateTime")),
		field.Time("revoked_at").Optional().Nillable().
			Annotations(entgql.Type("DateTime")),
		field.Time("last_used_at").Optional().Nillable().
			Annotations(entgql.Type("DateTime")),
		field.String("created_by").Immutable().Optional().MaxRuneLen(schematype.MaxActorLen),
	}
}

// Indexes of the APIKey.
func (APIKey) Indexes() []ent.Index {
	return []ent.Index{index.Fields("tenant_id", "created_at")}
}

// Annotations of the APIKey.
func (APIKey) Annotations() []schema.Annotation {
	// The GraphQL type is ApiKey (the contract, GraphQL's usual
	// casing); the Go type and the table keep their names.
	return []schema.Annotation{entgql.Type("ApiKey"), entgql.RelayConnection(),
		entgql.Skip(entgql.SkipWhereInput, entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)}
}

// PossibleDuplicate records, at a registration under the FLAG policy, an
// existing customer the new one looks like, and by which rule.
type PossibleDuplicate struct {
	ent.Schema
}

// Mixin of the PossibleDuplicate.
func (PossibleDuplicate) Mixin() []ent.Mixin {
	return []ent.Mixin{IDMixin{Prefix: schematype.PrefixPossibleDup}, TimeMixin{}, TenantMixin{}}
}

// Fields of the PossibleDuplicate.
func (PossibleDuplicate) Fields() []ent.Field {
	return []ent.Field{
		field.String("customer_id").Immutable().Annotations(entgql.Skip()),
		field.String("existing_customer_id").Immutable().
			Comment("The customer registered before that the new one looks like.").
			Annotations(entgql.Skip()),
		field.Enum("rule").Values(schematype.DuplicateRules...).Immutable(),
	}
}

// Edges of the PossibleDuplicate.
func (PossibleDuplicate) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("customer", Customer.Type).Ref("possible_duplicates").Field("customer_id").
			Unique().Required().Immutable().Annotations(entgql.Skip()),
	}
}

// Indexes of the PossibleDuplicate.
func (PossibleDuplicate) Indexes() []ent.Index {
	return []ent.Index{
		// A name of its own: the default one is longer than PostgreSQL's
		// 63 bytes, and ent shortens it per dialect in place, so a process
		// that migrated SQLite first shortened it again for PostgreSQL
		// (TestMigrationsMatchTheEntSchema saw a different index).
		index.Fields("tenant_id", "customer_id", "existing_customer_id", "rule").Unique().
			StorageKey("possibleduplicate_tenant_customer_existing_rule"),
		index.Fields("tenant_id", "existing_customer_id"),
	}
}

// Annotations of the PossibleDuplicate.
func (PossibleDuplicate) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipAll)}
}
