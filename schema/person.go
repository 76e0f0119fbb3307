package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"onboard/schema/schematype"
)

// Person is a natural person: an individual customer, an organization's
// representative or employee.
type Person struct {
	ent.Schema
}

// Mixin of the Person.
func (Person) Mixin() []ent.Mixin {
	return []ent.Mixin{IDMixin{Prefix: schematype.PrefixPerson}, TimeMixin{}, TenantMixin{}}
}

// dateType stores a calendar date without time or zone where the database
// has such a type.
var dateType = map[string]string{dialect.Postgres: "date"}

// Fields of the Person.
func (Person) Fields() []ent.Field {
	return []ent.Field{
		field.String("first_name").NotEmpty().MaxRuneLen(schematype.MaxNameLen).Annotations(PersonalData()),
		field.String("middle_name").Optional().MaxRuneLen(schematype.MaxNameLen).Annotations(PersonalData()),
		field.String("last_name").NotEmpty().MaxRuneLen(schematype.MaxNameLen).Annotations(PersonalData()),
		field.String("email").Optional().MaxRuneLen(schematype.MaxEmailLen).Annotations(PersonalData()),
		field.String("phone").Optional().MaxRuneLen(schematype.MaxPhoneLen).Comment("E.164.").Annotations(PersonalData()),
		field.Time("date_of_birth").
			Optional().
			Nillable().
			SchemaType(dateType).
			Comment("Personal data: its GraphQL field, a formatted date (graph/read.graphqls), carries @personalData.").
			Annotations(entgql.Type("Date"), entgql.Skip(entgql.SkipType)),
		field.Enum("gender").
			Values(schematype.Genders...).
			Optional().
			Nillable(),
		field.String("nationality").Optional().MaxRuneLen(schematype.MaxCountryLen).Comment("ISO 3166-1 alpha-2."),
		field.String("place_of_birth").Optional().MaxRuneLen(schematype.MaxPlaceOfBirthLen).Annotations(PersonalData()),
	}
}

// Edges of the Person.
func (Person) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("addresses", Address.Type),
		edge.To("contacts", Contact.Type),
		edge.To("identity_documents", IdentityDocument.Type),
		edge.From("customer", Customer.Type).Ref("person").Unique(),
		edge.From("representatives", Representative.Type).Ref("person"),
		edge.From("employments", Employee.Type).Ref("person"),
	}
}

// Indexes of the Person.
func (Person) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("tenant_id", "email"),
		// Duplicate detection looks a person up by date of birth and by
		// phone (internal/registration, duplicates).
		index.Fields("tenant_id", "date_of_birth"),
		index.Fields("tenant_id", "phone"),
		searchIndex("person", "first_name"),
		searchIndex("person", "last_name"),
		searchIndex("person", "email"),
	}
}

// IdentityDocument is a passport, driving licence or national id of a person.
type IdentityDocument struct {
	ent.Schema
}

// Mixin of the IdentityDocument.
func (IdentityDocument) Mixin() []ent.Mixin {
	return []ent.Mixin{IDMixin{Prefix: schematype.PrefixIdentityDocument}, TimeMixin{}, TenantMixin{}}
}

// Fields of the IdentityDocument.
func (IdentityDocument) Fields() []ent.Field {
	return []ent.Field{
		field.Enum("type").Values(schematype.IdentityDocumentTypes...),
		field.String("number").NotEmpty().MaxRuneLen(schematype.MaxDocumentNumberLen).Annotations(PersonalData()),
		field.String("issuing_country").Optional().MaxRuneLen(schematype.MaxCountryLen).Comment("ISO 3166-1 alpha-2."),
		field.Bool("is_primary").Default(false).
			Comment("The person's main document; one per person."),
	}
}

// Edges of the IdentityDocument.
func (IdentityDocument) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("person", Person.Type).Ref("identity_documents").Unique().Required(),
	}
}

// Indexes of the IdentityDocument: its person, for eager loading and
// filters.
func (IdentityDocument) Indexes() []ent.Index {
	return []ent.Index{
		index.Edges("person"),
		index.Edges("person").Unique().
			Annotations(entsql.IndexWhere("is_primary")).
			StorageKey(IdentityDocumentOnePrimaryPerPersonIndex),
	}
}

// IdentityDocumentOnePrimaryPerPersonIndex keeps one primary document per
// person.
const IdentityDocumentOnePrimaryPerPersonIndex = "identity_document_one_primary_per_person"
