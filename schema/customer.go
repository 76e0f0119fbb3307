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

// Customer is the root of a registration: an individual (with a person) or
// an organization, its login user, its category and the features applied to
// it, and where the registration came from.
type Customer struct {
	ent.Schema
}

// Mixin of the Customer.
func (Customer) Mixin() []ent.Mixin {
	return []ent.Mixin{IDMixin{Prefix: schematype.PrefixCustomer}, TimeMixin{}, TenantMixin{}}
}

// Fields of the Customer.
func (Customer) Fields() []ent.Field {
	return []ent.Field{
		field.Enum("type").
			GoType(schematype.CustomerType("")).
			Immutable().
			Annotations(entgql.Type("CustomerType")),
		field.String("name").
			NotEmpty().
			MaxRuneLen(schematype.MaxCustomerNameLen).
			Annotations(entgql.OrderField("NAME"), PersonalDataOfIndividuals()),
		field.Enum("status").
			Values(schematype.CustomerStatuses...).
			Default("PENDING_VERIFICATION"),
		field.String("external_reference").
			Optional().
			Nillable().
			MaxRuneLen(schematype.MaxReferenceLen).
			Comment("The tenant's own reference for the customer; unique per tenant."),
		field.Strings("tags").
			Optional(),
		field.String("country").
			Optional().
			MaxRuneLen(schematype.MaxCountryLen).
			Comment("ISO 3166-1 alpha-2 of the primary address (the person's or the organization's), copied at registration (internal/registration, primaryCountry) so that the country filter and statistics read an index of customers instead of joining every customer to its addresses. Null without a primary address.").
			Annotations(entgql.Skip()),
		field.String("category_id").
			Optional().
			Nillable().
			Annotations(entgql.Skip(entgql.SkipType)),
		field.String("registration_ip").Optional().MaxRuneLen(schematype.MaxRegistrationIPLen).Annotations(PersonalData()),
		field.String("registration_user_agent").Optional().MaxRuneLen(schematype.MaxRegistrationUserAgentLen).Annotations(PersonalData()),
		field.String("registration_device_id").Optional().MaxRuneLen(schematype.MaxRegistrationDeviceIDLen).Annotations(PersonalData()),
		field.String("registration_platform").Optional().MaxRuneLen(schematype.MaxRegistrationPlatformLen),
		field.String("registration_source").Optional().MaxRuneLen(schematype.MaxRegistrationSourceLen).
			Comment("The X-Forwarded-From header: which front end or partner sent the registration."),
		field.String("registered_by").Optional().Immutable().MaxRuneLen(schematype.MaxRegisteredByLen).
			Comment("The subject of the token that registered the customer: which API client did."),
		field.String("invited_by").Optional().Immutable().MaxRuneLen(schematype.MaxReferenceLen).
			Comment("Who invited the customer: a user of the tenant's, by the tenant's own reference (PCXPay's invited_by_user_id)."),
		field.String("created_by").Optional().Immutable().MaxRuneLen(schematype.MaxReferenceLen).
			Comment("Who created the customer in the tenant's own system, by the tenant's reference (PCXPay's created_by); registeredBy is the API client."),
		field.String("segment").Optional().MaxRuneLen(schematype.MaxSegmentLen).
			Comment("The tenant's segment for the customer, such as retail or business (PCXPay's role)."),
		field.Int("version").Default(1).
			Comment("Moves by one with every change to the customer or what it holds; an update sends the version it read (optimistic concurrency, STALE_WRITE)."),
		field.String("status_reason").Optional().Nillable().MaxRuneLen(schematype.MaxReasonCodeLen).
			Comment("The reason code of the decision that set the status."),
		field.Time("status_changed_at").Optional().Nillable().
			Annotations(entgql.Type("DateTime")),
		field.Time("erased_at").Optional().Nillable().
			Comment("When its personal data was erased (GDPR art. 17).").
			Annotations(entgql.Type("DateTime")),
	}
}

// Edges of the Customer.
func (Customer) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("category", Category.Type).Field("category_id").Unique(),
		edge.To("user", User.Type).Unique(),
		edge.To("person", Person.Type).Unique(),
		edge.To("organization", Organization.Type).Unique(),
		edge.To("features", CustomerFeature.Type),
		// The lifecycle's records: GraphQL reaches them through resolvers
		// of internal/onboarding's (requirements, verifications, consents,
		// history), batched for a page of customers.
		edge.To("verifications", Verification.Type).Annotations(entgql.Skip(entgql.SkipAll)),
		edge.To("consents", Consent.Type).Annotations(entgql.Skip(entgql.SkipAll)),
		edge.To("history", CustomerEvent.Type).Annotations(entgql.Skip(entgql.SkipAll)),
		// Read through a batched resolver (graph: possibleDuplicates).
		edge.To("possible_duplicates", PossibleDuplicate.Type).Annotations(entgql.Skip(entgql.SkipAll)),
	}
}

// Indexes of the Customer.
func (Customer) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("tenant_id", "created_at", "id"),
		index.Fields("tenant_id", "updated_at", "id"),
		index.Fields("tenant_id", "name", "id"),
		index.Fields("tenant_id", "external_reference").Unique(),
		index.Fields("tenant_id", "category_id"),
		// customerStats by COUNTRY and the country filter (with a status)
		// read these as index-only scans; so do the TYPE and STATUS stats.
		index.Fields("tenant_id", "country", "status"),
		index.Fields("tenant_id", "type", "status"),
		searchIndex("customer", "name"),
	}
}

// Hooks of the Customer: the tallies customerStats reads (CustomerTally).
func (Customer) Hooks() []ent.Hook {
	return []ent.Hook{tallyCustomers}
}

// Annotations of the Customer.
func (Customer) Annotations() []schema.Annotation {
	return []schema.Annotation{
		entgql.RelayConnection(),
		entgql.MultiOrder(),
		entgql.QueryField("customers").Directives(readScope).
			Description("The tenant's customers, a keyset page at a time. `pageInfo` never counts: `hasNextPage` comes from the row read past the page. `totalCount` is the exact count of what `where` keeps and reads all of it (hundreds of milliseconds over a million customers): for a list header, `customerCount(where:, upTo:)` is bounded."),
	}
}
