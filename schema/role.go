package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"onboard/schema/schematype"
)

// Role is a named permission set a user or an employee holds, such as
// ACCOUNT_OWNER or ADMIN_USER. Codes are unique per tenant.
type Role struct {
	ent.Schema
}

// Mixin of the Role.
func (Role) Mixin() []ent.Mixin {
	return []ent.Mixin{IDMixin{Prefix: schematype.PrefixRole}, TimeMixin{}, TenantMixin{}}
}

// Fields of the Role.
func (Role) Fields() []ent.Field {
	return []ent.Field{
		field.String("code").
			NotEmpty().
			MaxRuneLen(schematype.MaxRoleCodeLen).
			Annotations(entgql.OrderField("CODE")),
		field.String("name").
			NotEmpty().
			MaxRuneLen(200),
		field.Bool("self_assignable").Default(true).
			Comment("Whether a registration may grant it; ADMIN_USER and TRANSACTION_APPROVER are not, by default."),
	}
}

// Edges of the Role.
func (Role) Edges() []ent.Edge {
	return []ent.Edge{
		// Not in the GraphQL type: a role's holders are every user of the
		// tenant, an unbounded list that would bypass paging (reach them
		// through customers instead).
		edge.From("users", User.Type).Ref("roles").Annotations(entgql.Skip(entgql.SkipType)),
		edge.From("employees", Employee.Type).Ref("roles").Annotations(entgql.Skip(entgql.SkipType)),
	}
}

// Indexes of the Role.
func (Role) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("tenant_id", "code").Unique(),
	}
}
