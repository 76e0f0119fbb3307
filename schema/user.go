package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"onboard/schema/schematype"
)

// User is a login of a customer (an individual, or an organization's admin
// or employee). The password hash is never exposed through the API.
type User struct {
	ent.Schema
}

// Mixin of the User.
func (User) Mixin() []ent.Mixin {
	return []ent.Mixin{IDMixin{Prefix: schematype.PrefixUser}, TimeMixin{}, TenantMixin{}}
}

// Fields of the User.
func (User) Fields() []ent.Field {
	return []ent.Field{
		field.String("username").
			NotEmpty().
			MaxRuneLen(schematype.MaxEmailLen).
			Annotations(PersonalData()),
		field.String("email").
			NotEmpty().
			MaxRuneLen(schematype.MaxEmailLen).
			Comment("Lower-cased; unique per tenant.").
			Annotations(PersonalData()),
		field.String("password_hash").
			Sensitive().
			Optional().
			Annotations(entgql.Skip()),
		field.Enum("status").
			Values(schematype.UserStatuses...).
			Default("PENDING_ACTIVATION"),
		field.Bool("is_active").Default(false),
		field.Bool("requires_password_change").Default(false),
		field.Bool("two_factor_enabled").Default(false),
	}
}

// Edges of the User.
func (User) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("roles", Role.Type),
		edge.From("customer", Customer.Type).Ref("user").Unique(),
		edge.From("employee", Employee.Type).Ref("user").Unique(),
	}
}

// Indexes of the User.
func (User) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("tenant_id", "email").Unique(),
		index.Fields("tenant_id", "username").Unique(),
		searchIndex("user", "email"),
	}
}
