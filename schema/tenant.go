package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"

	"onboard/schema/schematype"
)

// Tenant is a client of the platform (a bank, a wallet, a BaaS client). Its
// key is the value callers send in X-Tenant-ID.
type Tenant struct {
	ent.Schema
}

// Mixin of the Tenant.
func (Tenant) Mixin() []ent.Mixin {
	return []ent.Mixin{IDMixin{Prefix: schematype.PrefixTenant}, TimeMixin{}}
}

// Fields of the Tenant.
func (Tenant) Fields() []ent.Field {
	return []ent.Field{
		field.String("key").
			Unique().
			Immutable().
			NotEmpty().
			MaxRuneLen(64).
			Comment("The value callers send in X-Tenant-ID."),
		field.String("name").
			NotEmpty().
			MaxRuneLen(200).
			Annotations(entgql.OrderField("NAME")),
		field.Int("minimum_age").
			Default(18).
			Min(0).
			Max(150).
			Comment("Youngest age at which an individual may register."),
		field.String("default_country").
			Optional().
			Nillable().
			MaxRuneLen(schematype.MaxCountryLen).
			Comment("ISO 3166-1 alpha-2: the country national phone numbers are read in when a customer's own country says nothing, and that completes an address sent without a country (recorded as the address's countrySource)."),
		field.Enum("duplicate_policy").
			Values(schematype.DuplicatePolicies...).
			Default(schematype.DuplicatePolicyFlag).
			Comment("What a registration that looks like an existing customer of the tenant does (schematype.DuplicatePolicies)."),
	}
}

// Edges of the Tenant.
func (Tenant) Edges() []ent.Edge {
	return []ent.Edge{
		// Reading customers needs customers:read however the tenant was
		// reached (createTenant's payload, say).
		edge.From("customers", Customer.Type).
			Ref("tenant").
			Annotations(entgql.RelayConnection(), entgql.Directives(readScope)),
	}
}

// Annotations of the Tenant.
func (Tenant) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.RelayConnection()}
}
