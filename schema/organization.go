package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"onboard/schema/schematype"
)

// Organization is a legal entity registered as a customer, with the people
// who represent and work for it.
type Organization struct {
	ent.Schema
}

// Mixin of the Organization.
func (Organization) Mixin() []ent.Mixin {
	return []ent.Mixin{IDMixin{Prefix: schematype.PrefixOrganization}, TimeMixin{}, TenantMixin{}}
}

// Fields of the Organization.
func (Organization) Fields() []ent.Field {
	return []ent.Field{
		field.String("legal_name").NotEmpty().MaxRuneLen(schematype.MaxLegalNameLen),
		field.String("trading_name").Optional().MaxRuneLen(schematype.MaxLegalNameLen),
		field.String("registration_number").Optional().Nillable().MaxRuneLen(schematype.MaxRegistrationNumberLen).
			Comment("Unique per tenant. Required to register an organization; none for an organization created by name with its first member (an individual's registration)."),
		field.String("tax_id").Optional().MaxRuneLen(schematype.MaxTaxIDLen).Annotations(PersonalData()),
		// The keys duplicate detection compares (internal/registration,
		// duplicates.go): the registration number and the tax id in their
		// normalized form, stored and indexed so that a registration looks
		// its candidates up by index instead of normalizing every
		// organization of the tenant. Written with their source column, by
		// the same function the search uses; NULL when the source is empty
		// (an empty key matches no one). Not part of the API (entgql.Skip):
		// the API shows the numbers as written. tax_id_key is personal
		// data as tax_id is, and erasure clears both.
		field.String("registration_number_key").Optional().Nillable().
			Annotations(entgql.Skip()),
		field.String("tax_id_key").Optional().Nillable().
			Annotations(entgql.Skip()),
		field.Time("incorporation_date").
			Optional().
			Nillable().
			SchemaType(dateType).
			Annotations(entgql.Type("Date")),
		field.Enum("legal_form").
			Values(schematype.LegalForms...).
			Optional().
			Nillable(),
		field.Enum("industry").
			Values(schematype.Industries...).
			Optional().
			Nillable(),
		field.Enum("business_type").
			Values(schematype.BusinessTypes...).
			Optional().
			Nillable(),
		field.String("description").Optional().MaxRuneLen(schematype.MaxDescriptionLen),
		field.String("website").Optional().MaxRuneLen(schematype.MaxWebsiteLen),
		field.String("email").Optional().MaxRuneLen(schematype.MaxEmailLen),
		field.String("phone").Optional().MaxRuneLen(schematype.MaxPhoneLen).Comment("E.164."),
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
		// Duplicate detection looks an organization up by its normalized
		// registration number and by its normalized tax id.
		index.Fields("tenant_id", "registration_number_key"),
		index.Fields("tenant_id", "tax_id_key"),
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
	return []ent.Mixin{IDMixin{Prefix: schematype.PrefixRepresentative}, TimeMixin{}, TenantMixin{}}
}

// Fields of the Representative.
func (Representative) Fields() []ent.Field {
	return []ent.Field{
		field.Enum("position").
			Values(schematype.RepresentativePositions...),
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
	return []ent.Mixin{IDMixin{Prefix: schematype.PrefixEmployee}, TimeMixin{}, TenantMixin{}}
}

// Fields of the Employee.
func (Employee) Fields() []ent.Field {
	return []ent.Field{
		field.String("department").Optional().MaxRuneLen(schematype.MaxDepartmentLen),
		field.Enum("member_role").Values(schematype.MemberRoles...).Default("MEMBER").
			Comment("The employee's standing in the organization's account."),
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
