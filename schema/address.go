package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"onboard/schema/schematype"
)

// Address is a postal address of a person or an organization.
type Address struct {
	ent.Schema
}

// Mixin of the Address.
func (Address) Mixin() []ent.Mixin {
	return []ent.Mixin{IDMixin{Prefix: schematype.PrefixAddress}, TimeMixin{}, TenantMixin{}}
}

// Fields of the Address.
func (Address) Fields() []ent.Field {
	return []ent.Field{
		field.Enum("type").
			Values(schematype.AddressTypes...),
		field.String("street").NotEmpty().MaxRuneLen(schematype.MaxStreetLen).Annotations(PersonalData()),
		field.String("line2").Optional().MaxRuneLen(schematype.MaxStreetLen).Annotations(PersonalData()),
		field.String("city").NotEmpty().MaxRuneLen(schematype.MaxCityLen),
		field.String("state").Optional().MaxRuneLen(schematype.MaxStateLen).Comment("ISO 3166-2 where known."),
		field.String("postal_code").Optional().MaxRuneLen(schematype.MaxPostalCodeLen).Annotations(PersonalData()),
		field.String("country").NotEmpty().MaxRuneLen(schematype.MaxCountryLen).Comment("ISO 3166-1 alpha-2."),
		field.Enum("country_source").Values(schematype.CountrySources...).Default(schematype.CountrySourceGiven).
			Comment("Where the country came from: sent, read from the state, or the tenant's defaultCountry."),
		field.String("address_line").Optional().MaxRuneLen(schematype.MaxAddressLineLen).
			Comment("The address as one line, verbatim, when the client sent it so; the other fields hold its parsed parts.").
			Annotations(PersonalData()),
		field.Bool("is_primary").Default(false),
	}
}

// Edges of the Address.
func (Address) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("person", Person.Type).Ref("addresses").Unique(),
		edge.From("organization", Organization.Type).Ref("addresses").Unique(),
	}
}

// Indexes of the Address.
func (Address) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("tenant_id", "country"),
		// The foreign keys: eager loading and the has-edge filters look
		// addresses up by their owner.
		index.Edges("person"),
		index.Edges("organization"),
		// One primary address per person and per organization
		// (registration's MULTIPLE_PRIMARY rule, kept by the database).
		index.Edges("person").Unique().
			Annotations(entsql.IndexWhere("is_primary")).
			StorageKey(AddressOnePrimaryPerPersonIndex),
		index.Edges("organization").Unique().
			Annotations(entsql.IndexWhere("is_primary")).
			StorageKey(AddressOnePrimaryPerOrganizationIndex),
	}
}

// The partial unique indexes that keep one primary address per owner.
const (
	AddressOnePrimaryPerPersonIndex       = "address_one_primary_per_person"
	AddressOnePrimaryPerOrganizationIndex = "address_one_primary_per_organization"
)

// Contact is a way to reach a person or an organization (e-mail, phone, …),
// its value normalized (lower-cased e-mail, E.164 phone).
type Contact struct {
	ent.Schema
}

// Mixin of the Contact.
func (Contact) Mixin() []ent.Mixin {
	return []ent.Mixin{IDMixin{Prefix: schematype.PrefixContact}, TimeMixin{}, TenantMixin{}}
}

// Fields of the Contact.
func (Contact) Fields() []ent.Field {
	return []ent.Field{
		field.Enum("type").Values(schematype.ContactTypes...),
		field.String("value").NotEmpty().MaxRuneLen(schematype.MaxContactValueLen).Annotations(PersonalData()),
		field.Bool("is_primary").Default(false),
		field.String("operator").Optional().MaxRuneLen(schematype.MaxPhoneDetailLen).Comment("Phone operator, where given."),
		field.String("purpose").Optional().MaxRuneLen(schematype.MaxPhoneDetailLen).Comment("What the contact is for, e.g. personal."),
	}
}

// Edges of the Contact.
func (Contact) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("person", Person.Type).Ref("contacts").Unique(),
		edge.From("organization", Organization.Type).Ref("contacts").Unique(),
	}
}

// Indexes of the Contact: its foreign keys, for eager loading and
// filters, and one primary contact of each type per person and per
// organization (registration's MULTIPLE_PRIMARY rule, kept by the
// database).
func (Contact) Indexes() []ent.Index {
	return []ent.Index{
		index.Edges("person"),
		index.Edges("organization"),
		index.Fields("type").Edges("person").Unique().
			Annotations(entsql.IndexWhere("is_primary")).
			StorageKey(ContactOnePrimaryPerPersonIndex),
		index.Fields("type").Edges("organization").Unique().
			Annotations(entsql.IndexWhere("is_primary")).
			StorageKey(ContactOnePrimaryPerOrganizationIndex),
	}
}

// The partial unique indexes that keep one primary contact of each type
// per owner.
const (
	ContactOnePrimaryPerPersonIndex       = "contact_one_primary_per_type_per_person"
	ContactOnePrimaryPerOrganizationIndex = "contact_one_primary_per_type_per_organization"
)
