package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"onboard/schema/schematype"
)

// Category is a risk category for customers of one type. Its feature
// relations carry the default risk parameters a new customer gets. One
// category per customer type may be the tenant's default.
type Category struct {
	ent.Schema
}

// Mixin of the Category.
func (Category) Mixin() []ent.Mixin {
	return []ent.Mixin{IDMixin{Prefix: schematype.PrefixCategory}, TimeMixin{}, TenantMixin{}}
}

// Fields of the Category.
func (Category) Fields() []ent.Field {
	return []ent.Field{
		field.String("code").NotEmpty().MaxRuneLen(100).Annotations(entgql.OrderField("CODE")),
		field.String("external_id").Optional().Nillable().MaxRuneLen(255).
			Comment("The id the tenant's previous system used; unique per tenant."),
		field.String("name").NotEmpty().MaxRuneLen(200).Annotations(entgql.OrderField("NAME")),
		field.String("description").Optional().MaxRuneLen(2000),
		field.Enum("customer_type").
			GoType(schematype.CustomerType("")).
			Annotations(entgql.Type("CustomerType")),
		field.Enum("risk_level").Values("LOW", "MEDIUM", "HIGH").Default("MEDIUM"),
		field.Bool("is_active").Default(true),
		field.Bool("is_default").Default(false).
			Comment("Applied to registrations of its customer type that name no category."),
		field.String("parent_id").Optional().Nillable().Annotations(entgql.Skip(entgql.SkipType)),
		field.JSON("policy", schematype.OnboardingPolicy{}).Optional().
			Comment("What the category's customers need before activation and eventually (internal/onboarding).").
			Annotations(entgql.Skip()),
	}
}

// Edges of the Category.
func (Category) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("children", Category.Type).
			From("parent").
			Field("parent_id").
			Unique(),
		edge.To("feature_relations", FeatureRelation.Type),
		// Other customers, so reading them needs customers:read even when
		// the category was reached from a mutation's payload.
		edge.From("customers", Customer.Type).
			Ref("category").
			Annotations(entgql.RelayConnection(), entgql.Directives(readScope)),
	}
}

// Indexes of the Category.
func (Category) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("tenant_id", "code").Unique(),
		index.Fields("tenant_id", "external_id").Unique(),
		// Children are loaded by their parent.
		index.Fields("parent_id"),
		// One default per customer type: the guarantee under the catalog's
		// lock (internal/catalog), so that a writer that does not take it
		// fails instead of leaving a registration two defaults to pick from.
		index.Fields("tenant_id", "customer_type").
			Unique().
			Annotations(entsql.IndexWhere("is_default")).
			StorageKey(CategoryOneDefaultIndex),
	}
}

// CategoryOneDefaultIndex is the partial unique index that keeps one
// default category per tenant and customer type.
const CategoryOneDefaultIndex = "category_one_default_per_customer_type"

// Annotations of the Category.
func (Category) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.RelayConnection(), entgql.QueryField("categories").Directives(readScope)}
}

// Feature is a capability or risk rule (limits, checks, profile) with the
// parameters it takes.
type Feature struct {
	ent.Schema
}

// Mixin of the Feature.
func (Feature) Mixin() []ent.Mixin {
	return []ent.Mixin{IDMixin{Prefix: schematype.PrefixFeature}, TimeMixin{}, TenantMixin{}}
}

// Fields of the Feature.
func (Feature) Fields() []ent.Field {
	return []ent.Field{
		field.String("code").NotEmpty().MaxRuneLen(100).Annotations(entgql.OrderField("CODE")),
		field.String("external_id").Optional().Nillable().MaxRuneLen(255).
			Comment("The id the tenant's previous system used; unique per tenant."),
		field.String("name").NotEmpty().MaxRuneLen(200).Annotations(entgql.OrderField("NAME")),
		field.String("description").Optional().MaxRuneLen(2000),
		field.JSON("parameters", []schematype.ParameterDefinition{}).
			Optional().
			Annotations(entgql.Type("[ParameterDefinition!]")),
	}
}

// Edges of the Feature.
func (Feature) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("relations", FeatureRelation.Type).Ref("feature"),
	}
}

// Indexes of the Feature.
func (Feature) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("tenant_id", "code").Unique(),
		index.Fields("tenant_id", "external_id").Unique(),
	}
}

// Annotations of the Feature.
func (Feature) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.RelayConnection(), entgql.QueryField("features").Directives(readScope)}
}

// FeatureRelation attaches a feature to a category with the category's
// default parametrization.
type FeatureRelation struct {
	ent.Schema
}

// Mixin of the FeatureRelation.
func (FeatureRelation) Mixin() []ent.Mixin {
	return []ent.Mixin{IDMixin{Prefix: schematype.PrefixFeatureRelation}, TimeMixin{}, TenantMixin{}}
}

// Fields of the FeatureRelation.
func (FeatureRelation) Fields() []ent.Field {
	return []ent.Field{
		field.Bool("enabled").Default(true),
		field.JSON("parametrization", []schematype.Parameter{}).
			Optional().
			Annotations(entgql.Type("[Parameter!]")),
		field.String("category_id").Immutable().Annotations(entgql.Skip(entgql.SkipType)),
		field.String("feature_id").Immutable().Annotations(entgql.Skip(entgql.SkipType)),
	}
}

// Edges of the FeatureRelation.
func (FeatureRelation) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("category", Category.Type).
			Ref("feature_relations").
			Field("category_id").
			Unique().
			Required().
			Immutable(),
		edge.To("feature", Feature.Type).
			Field("feature_id").
			Unique().
			Required().
			Immutable(),
	}
}

// Indexes of the FeatureRelation.
func (FeatureRelation) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("category_id", "feature_id").Unique(),
		index.Fields("feature_id"),
	}
}

// CustomerFeature is the snapshot of a feature applied to a customer at
// registration, each parameter with its source, so that a later change to
// the category never silently rewrites the customer's risk profile.
type CustomerFeature struct {
	ent.Schema
}

// Mixin of the CustomerFeature.
func (CustomerFeature) Mixin() []ent.Mixin {
	return []ent.Mixin{IDMixin{Prefix: schematype.PrefixCustomerFeature}, TimeMixin{}, TenantMixin{}}
}

// Fields of the CustomerFeature.
func (CustomerFeature) Fields() []ent.Field {
	return []ent.Field{
		field.String("code").NotEmpty().MaxRuneLen(100).Comment("The feature's code when applied."),
		field.Bool("enabled").Default(true),
		field.JSON("parameters", []schematype.AppliedParameter{}).
			Optional().
			Annotations(entgql.Type("[AppliedParameter!]")),
		field.String("customer_id").Immutable().Annotations(entgql.Skip(entgql.SkipType)),
		field.String("feature_id").Optional().Nillable().Annotations(entgql.Skip(entgql.SkipType)),
	}
}

// Edges of the CustomerFeature.
func (CustomerFeature) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("customer", Customer.Type).
			Ref("features").
			Field("customer_id").
			Unique().
			Required().
			Immutable(),
		edge.To("feature", Feature.Type).
			Field("feature_id").
			Unique(),
	}
}

// Indexes of the CustomerFeature: a customer's features are loaded by
// customer.
func (CustomerFeature) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("customer_id"),
	}
}
