package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// Organization is a legal entity registered as a customer, with the people
// who represent and work for it.
type Organization struct {
	ent.Schema
}

// Mixin of the Organization.
func (Organization) Mixin() []ent.Mixin {
	return []ent.Mixin{IDMixin{Prefix: "org"}, TimeMixin{}, TenantMixin{}}
}

// Fields of the Organization.
func (Organization) Fields() []ent.Field {
	return []ent.Field{
		field.String("legal_name").NotEmpty().MaxRuneLen(300),
		field.String("trading_name").Optional().MaxRuneLen(300),
		field.String("registration_number").NotEmpty().MaxRuneLen(100).Comment("Unique per tenant."),
		field.String("tax_id").Optional().MaxRuneLen(100),
		field.Time("incorporation_date").
			Optional().
			Nillable().
			SchemaType(dateType).
			Annotations(entgql.Type("Date")),
		field.Enum("legal_form").
			Values("LIMITED_LIABILITY_COMPANY", "PUBLIC_LIMITED_COMPANY", "SOLE_PROPRIETORSHIP",
				"PARTNERSHIP", "LIMITED_PARTNERSHIP", "CORPORATION", "COOPERATIVE", "NON_PROFIT",
				"TRUST", "FOUNDATION", "GOVERNMENT", "OTHER").
			Optional().
			Nillable(),
		field.Enum("industry").
			Values("TECHNOLOGY", "FINANCIAL_SERVICES", "RETAIL", "MANUFACTURING", "HEALTHCARE",
				"REAL_ESTATE", "CONSTRUCTION", "TRANSPORTATION", "HOSPITALITY", "EDUCATION",
				"PROFESSIONAL_SERVICES", "AGRICULTURE", "ENERGY", "MEDIA", "TELECOMMUNICATIONS",
				"GAMBLING", "CRYPTO", "NON_PROFIT", "GOVERNMENT", "OTHER").
			Optional().
			Nillable(),
		field.Enum("business_type").
			Values("B2B", "B2C", "B2B2C", "C2C", "OTHER").
			Optional().
			Nillable(),
		field.String("description").Optional().MaxRuneLen(2000),
		field.String("website").Optional().MaxRuneLen(2048),
		field.String("email").Optional().MaxRuneLen(254),
		field.String("phone").Optional().MaxRuneLen(20).Comment("E.164."),
	}
}

// Edges of the Organization.
func (Organization) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("addresses", Address.Type),
		edge.To("contacts", Contact.Type),
		edge.To("representatives", Representative.Type),
		edge.To("employees", Employee.Type),
		edge.From("customer", Customer.Type).Ref("organization").Unique(),
	}
}

// Indexes of the Organization.
func (Organization) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("tenant_id", "registration_number").Unique(),
		searchIndex("organization", "legal_name"),
		searchIndex("organization", "trading_name"),
		searchIndex("organization", "email"),
	}
}

// Representative links a person to an organization in a position (director,
// shareholder, …) with an ownership share. Anyone owning 25 % or more is a
// beneficial owner; the flag is derived on write so it can be filtered on.
type Representative struct {
	ent.Schema
}

// Mixin of the Representative.
func (Representative) Mixin() []ent.Mixin {
	return []ent.Mixin{IDMixin{Prefix: "rep"}, TimeMixin{}, TenantMixin{}}
}

// Fields of the Representative.
func (Representative) Fields() []ent.Field {
	return []ent.Field{
		field.Enum("position").
			Values("DIRECTOR", "MANAGING_DIRECTOR", "CEO", "CFO", "COO", "CHAIRMAN", "SECRETARY",
				"SHAREHOLDER", "BENEFICIAL_OWNER", "PARTNER", "AUTHORIZED_SIGNATORY", "OTHER"),
		field.Bool("is_primary_owner").Default(false),
		field.Float("ownership_share").Default(0).Min(0).Max(100),
		field.Bool("is_beneficial_owner").Default(false),
		field.String("organization_id").Immutable().Annotations(entgql.Skip(entgql.SkipType)),
		field.String("person_id").Immutable().Annotations(entgql.Skip(entgql.SkipType)),
	}
}

// Edges of the Representative.
func (Representative) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("organization", Organization.Type).
			Ref("representatives").
			Field("organization_id").
			Unique().
			Required().
			Immutable(),
		edge.To("person", Person.Type).
			Field("person_id").
			Unique().
			Required().
			Immutable(),
	}
}

// Indexes of the Representative.
func (Representative) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("organization_id", "person_id").Unique(),
		// A person's representative roles are looked up by person.
		index.Fields("person_id"),
		// One primary owner per organization (MULTIPLE_PRIMARY_OWNERS,
		// checked under the organization's lock, kept by the database).
		index.Fields("organization_id").Unique().
			Annotations(entsql.IndexWhere("is_primary_owner")).
			StorageKey(RepresentativeOnePrimaryOwnerIndex),
	}
}

// RepresentativeOnePrimaryOwnerIndex is the partial unique index that keeps
// one primary owner per organization.
const RepresentativeOnePrimaryOwnerIndex = "representative_one_primary_owner"

// Employee is a person working for an organization, with roles and possibly
// a login user. The registering user is the first employee and holds
// ADMIN_USER.
type Employee struct {
	ent.Schema
}

// Mixin of the Employee.
func (Employee) Mixin() []ent.Mixin {
	return []ent.Mixin{IDMixin{Prefix: "emp"}, TimeMixin{}, TenantMixin{}}
}

// Fields of the Employee.
func (Employee) Fields() []ent.Field {
	return []ent.Field{
		field.String("department").Optional().MaxRuneLen(200),
		field.String("organization_id").Immutable().Annotations(entgql.Skip(entgql.SkipType)),
		field.String("person_id").Optional().Nillable().Immutable().
			Comment("The employee's person; none for the registering admin, whom the body describes only by login.").
			Annotations(entgql.Skip(entgql.SkipType)),
	}
}

// Edges of the Employee.
func (Employee) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("organization", Organization.Type).
			Ref("employees").
			Field("organization_id").
			Unique().
			Required().
			Immutable(),
		edge.To("person", Person.Type).
			Field("person_id").
			Unique().
			Immutable(),
		edge.To("user", User.Type).Unique(),
		edge.To("roles", Role.Type),
	}
}

// Indexes of the Employee.
func (Employee) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("organization_id", "person_id").Unique(),
		index.Fields("person_id"),
	}
}
