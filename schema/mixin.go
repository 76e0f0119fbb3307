package schema

import (
	"time"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/mixin"

	"onboard/internal/pulid"
)

// IDMixin gives an entity a prefixed, time-ordered string id (see pulid).
type IDMixin struct {
	mixin.Schema
	Prefix string
}

// Fields of the IDMixin.
func (m IDMixin) Fields() []ent.Field {
	return []ent.Field{
		field.String("id").
			Immutable().
			NotEmpty().
			MaxRuneLen(40).
			DefaultFunc(func() string { return pulid.New(m.Prefix) }),
	}
}

// PrefixAnnotation records an entity's id prefix, so that generated code can
// map an id to its table (node(id:) dispatch).
type PrefixAnnotation struct {
	Prefix string
}

// Name implements schema.Annotation.
func (PrefixAnnotation) Name() string { return "IDPrefix" }

// Annotations of the IDMixin.
func (m IDMixin) Annotations() []schema.Annotation {
	return []schema.Annotation{PrefixAnnotation{Prefix: m.Prefix}}
}

// TimeMixin adds created_at and updated_at, both orderable in GraphQL.
// updated_at moves on every update, which incremental sync relies on.
type TimeMixin struct {
	mixin.Schema
}

// Fields of the TimeMixin.
func (TimeMixin) Fields() []ent.Field {
	return []ent.Field{
		field.Time("created_at").
			Immutable().
			Default(now).
			Annotations(entgql.Type("DateTime"), entgql.OrderField("CREATED_AT"), entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
		field.Time("updated_at").
			Default(now).
			UpdateDefault(now).
			Annotations(entgql.Type("DateTime"), entgql.OrderField("UPDATED_AT"), entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)),
	}
}

// now is UTC with microsecond precision, which both PostgreSQL and SQLite
// keep exactly, so a value read back equals the value written.
func now() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }

// TenantMixin makes an entity tenant-owned: an immutable tenant_id set from
// the viewer on create (see tenantHook) and a privacy filter that confines
// every query and mutation to the viewer's tenant (see policy.go).
type TenantMixin struct {
	mixin.Schema
}

// Fields of the TenantMixin.
func (TenantMixin) Fields() []ent.Field {
	return []ent.Field{
		field.String("tenant_id").
			Immutable().
			NotEmpty().
			Annotations(entgql.Skip()),
	}
}

// Edges of the TenantMixin.
func (TenantMixin) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("tenant", Tenant.Type).
			Field("tenant_id").
			Unique().
			Required().
			Immutable().
			Annotations(entgql.Skip()),
	}
}
