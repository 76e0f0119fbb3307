package schema

import (
	"context"
	"fmt"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/dialect/entsql"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"onboard/schema/schematype"
)

// The onboarding lifecycle's tables (internal/onboarding): verifications
// and consent acceptances, which are records of what happened and never
// change; the consent documents a tenant publishes; the history of every
// change to a customer, which is also the outbox events are delivered
// from; and the failed-login counters of customer sessions.

// Verification is the result of a KYC/KYB check by the provider the
// platform uses, about the customer's person, organization or one of its
// representatives. It is immutable: a later result for the same subject and
// kind supersedes it. subject_digest is a hash of the subject's verified
// fields when the result was recorded; when they change, the verification
// no longer holds (internal/onboarding compares the digests).
type Verification struct {
	ent.Schema
}

// Mixin of the Verification.
func (Verification) Mixin() []ent.Mixin {
	return []ent.Mixin{IDMixin{Prefix: schematype.PrefixVerification}, TimeMixin{}, TenantMixin{}}
}

// Fields of the Verification.
func (Verification) Fields() []ent.Field {
	return []ent.Field{
		field.String("customer_id").Immutable().Annotations(entgql.Skip(entgql.SkipType)),
		field.Enum("subject_type").Values(schematype.VerificationSubjectTypes...).Immutable().
			Annotations(entgql.Type("VerificationSubjectType")),
		field.String("subject_id").Immutable().NotEmpty().MaxRuneLen(schematype.MaxSubjectIDLen),
		field.Enum("kind").Values(schematype.VerificationKinds...).Immutable().
			Annotations(entgql.Type("VerificationKind"), entgql.OrderField("KIND")),
		field.Enum("outcome").Values(schematype.VerificationOutcomes...).Immutable().
			Annotations(entgql.Type("VerificationOutcome")),
		field.String("provider").Immutable().NotEmpty().MaxRuneLen(schematype.MaxProviderLen),
		field.String("reference").Immutable().Optional().MaxRuneLen(schematype.MaxProviderRefLen).
			Comment("The provider's id of the check; kept after an erasure."),
		field.Time("checked_at").Immutable().
			Annotations(entgql.Type("DateTime"), entgql.OrderField("CHECKED_AT")),
		field.Time("expires_at").Immutable().Optional().Nillable().
			Annotations(entgql.Type("DateTime")),
		field.String("subject_digest").Immutable().Optional().Sensitive().
			Comment("SHA-256 of the subject's verified fields when recorded.").
			Annotations(entgql.Skip()),
		field.String("recorded_by").Immutable().Optional().MaxRuneLen(schematype.MaxActorLen).
			Comment("The subject of the token that recorded the result."),
	}
}

// Edges of the Verification.
func (Verification) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("customer", Customer.Type).Ref("verifications").Field("customer_id").
			Unique().Required().Immutable(),
	}
}

// Indexes of the Verification: a customer's results, latest first per
// subject and kind.
func (Verification) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("customer_id", "subject_id", "kind", "checked_at"),
	}
}

// Hooks of the Verification.
func (Verification) Hooks() []ent.Hook { return []ent.Hook{appendOnly} }

// Annotations of the Verification.
func (Verification) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.RelayConnection()}
}

// ConsentDocument is a version of a document customers accept (terms,
// privacy notice) that the tenant publishes. The highest version of a code
// is the one in force: publishing a new one makes earlier acceptances
// insufficient.
type ConsentDocument struct {
	ent.Schema
}

// Mixin of the ConsentDocument.
func (ConsentDocument) Mixin() []ent.Mixin {
	return []ent.Mixin{IDMixin{Prefix: schematype.PrefixConsentDocument}, TimeMixin{}, TenantMixin{}}
}

// Fields of the ConsentDocument.
func (ConsentDocument) Fields() []ent.Field {
	return []ent.Field{
		field.String("code").Immutable().NotEmpty().MaxRuneLen(schematype.MaxConsentCodeLen).
			Annotations(entgql.OrderField("CODE")),
		field.Int("version").Immutable().Positive(),
		field.String("title").NotEmpty().MaxRuneLen(schematype.MaxConsentTitleLen),
		field.String("url").NotEmpty().MaxRuneLen(schematype.MaxURLLen),
		field.Strings("customer_types").Optional().
			Comment("The customer types that must accept it before activation (INDIVIDUAL, ORGANIZATION); a category's policy may ask for it too.").
			Annotations(entgql.Type("[CustomerType!]")),
	}
}

// Indexes of the ConsentDocument.
func (ConsentDocument) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("tenant_id", "code", "version").Unique(),
	}
}

// Annotations of the ConsentDocument.
func (ConsentDocument) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.RelayConnection(),
		entgql.QueryField("consentDocuments").Directives(readScope)}
}

// Consent is a customer's acceptance of one version of a consent document:
// who accepted, when, from which address and user agent. Immutable.
type Consent struct {
	ent.Schema
}

// Mixin of the Consent.
func (Consent) Mixin() []ent.Mixin {
	return []ent.Mixin{IDMixin{Prefix: schematype.PrefixConsent}, TimeMixin{}, TenantMixin{}}
}

// Fields of the Consent.
func (Consent) Fields() []ent.Field {
	return []ent.Field{
		field.String("customer_id").Immutable().Annotations(entgql.Skip(entgql.SkipType)),
		field.String("document_id").Immutable().Annotations(entgql.Skip(entgql.SkipType)),
		field.String("code").Immutable().NotEmpty().MaxRuneLen(schematype.MaxConsentCodeLen),
		field.Int("version").Immutable().Positive(),
		field.String("accepted_by").Immutable().Optional().MaxRuneLen(schematype.MaxActorLen).
			Comment("The subject of the token: the customer's session or the platform acting for it."),
		field.String("ip").Optional().MaxRuneLen(schematype.MaxRegistrationIPLen).Annotations(PersonalData()),
		field.String("user_agent").Optional().MaxRuneLen(schematype.MaxUserAgentLen).Annotations(PersonalData()),
	}
}

// Edges of the Consent.
func (Consent) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("customer", Customer.Type).Ref("consents").Field("customer_id").
			Unique().Required().Immutable(),
		edge.To("document", ConsentDocument.Type).Field("document_id").
			Unique().Required().Immutable(),
	}
}

// Indexes of the Consent.
func (Consent) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("customer_id", "code", "version"),
	}
}

// Hooks of the Consent: only an erasure rewrites (its ip and user agent).
func (Consent) Hooks() []ent.Hook { return []ent.Hook{appendOnly} }

// Annotations of the Consent.
func (Consent) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.RelayConnection()}
}

// CustomerEvent is one change to a customer — its registration, an update,
// a verification, a consent, a decision, a member change — appended in the
// transaction that made it, with who did it, in which request, and each
// field's before and after. It is the customer's history and the outbox
// from which events are delivered: rows are only ever added (an erasure
// redacts the personal values it holds), and a row exists exactly when its
// change committed.
type CustomerEvent struct {
	ent.Schema
}

// Mixin of the CustomerEvent.
func (CustomerEvent) Mixin() []ent.Mixin {
	return []ent.Mixin{IDMixin{Prefix: schematype.PrefixCustomerEvent}, TimeMixin{}, TenantMixin{}}
}

// Fields of the CustomerEvent.
func (CustomerEvent) Fields() []ent.Field {
	return []ent.Field{
		field.String("customer_id").Immutable().Annotations(entgql.Skip(entgql.SkipType)),
		field.String("type").Immutable().NotEmpty().MaxRuneLen(schematype.MaxEventTypeLen).
			Comment("One of schematype.EventTypes."),
		field.String("subject_id").Immutable().Optional().MaxRuneLen(schematype.MaxSubjectIDLen).
			Comment("The object the change concerns when not the customer itself: a representative, an employee, a verification, a consent."),
		field.String("actor").Immutable().Optional().MaxRuneLen(schematype.MaxActorLen).
			Comment("The subject of the token that made the change."),
		field.String("request_id").Immutable().Optional().MaxRuneLen(schematype.MaxRequestIDLen),
		field.JSON("changes", []schematype.FieldChange{}).Optional().
			Annotations(entgql.Skip()),
		field.String("reason").Immutable().Optional().MaxRuneLen(schematype.MaxReasonCodeLen).
			Comment("A decision's reason code."),
		field.String("note").Optional().MaxRuneLen(schematype.MaxDecisionNoteLen).
			Comment("A decision's note: free text that may name a person.").
			Annotations(PersonalData()),
		field.Int64("sequence").Optional().Nillable().
			Comment("The event's place in commit order, given by internal/events' sequencer after the change committed; nil until then. The feed and deliveries read only sequenced events, so an event that commits late still comes after every event already read.").
			Annotations(entgql.Skip()),
		field.Time("sequenced_at").Optional().Nillable().
			Comment("When the sequencer gave the event its place.").
			Annotations(entgql.Skip()),
	}
}

// Edges of the CustomerEvent.
func (CustomerEvent) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("customer", Customer.Type).Ref("history").Field("customer_id").
			Unique().Required().Immutable(),
	}
}

// Indexes of the CustomerEvent: a customer's history newest first; the
// tenant's events in commit order (the feed, subscriptions and deliveries
// read it); the events still to sequence.
func (CustomerEvent) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("customer_id", "id"),
		index.Fields("tenant_id", "id"),
		// The sequence is one order across tenants, which the hub's cursor
		// and the sequencer's max(sequence) rely on, so the database keeps
		// it unique by itself (an exception to tenant-first unique indexes
		// that row sharding would have to revisit).
		index.Fields("sequence").Unique(),
		index.Fields("tenant_id", "sequence"),
		index.Fields("id").Annotations(entsql.IndexWhere("sequence IS NULL")).
			StorageKey("customerevent_unsequenced"),
	}
}

// Hooks of the CustomerEvent.
func (CustomerEvent) Hooks() []ent.Hook { return []ent.Hook{appendOnly} }

// Annotations of the CustomerEvent.
func (CustomerEvent) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.RelayConnection()}
}

// appendOnly refuses to update or delete a record of what happened, except
// where schematype.AllowHistoryRewrite says an erasure is redacting it.
func appendOnly(next ent.Mutator) ent.Mutator {
	return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
		if !m.Op().Is(ent.OpCreate) && !schematype.HistoryRewriteAllowed(ctx) {
			return nil, fmt.Errorf("%s rows are append-only", m.Type())
		}
		return next.Mutate(ctx, m)
	})
}

// LoginThrottle counts the failed customer-session attempts of one key (a
// username or a client address, hashed) in the database, so that the limit
// holds across server instances.
type LoginThrottle struct {
	ent.Schema
}

// Mixin of the LoginThrottle.
func (LoginThrottle) Mixin() []ent.Mixin {
	return []ent.Mixin{IDMixin{Prefix: schematype.PrefixLoginThrottle}, TimeMixin{}, TenantMixin{}}
}

// Fields of the LoginThrottle.
func (LoginThrottle) Fields() []ent.Field {
	return []ent.Field{
		field.String("key").Immutable().NotEmpty().MaxRuneLen(schematype.MaxThrottleKeyLen).
			Comment("SHA-256 of the kind and the username or address: no personal data in clear."),
		field.Int("failures").Default(0),
		field.Time("window_started_at"),
		field.Time("locked_until").Optional().Nillable(),
	}
}

// Indexes of the LoginThrottle.
func (LoginThrottle) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("tenant_id", "key").Unique(),
	}
}

// Annotations of the LoginThrottle.
func (LoginThrottle) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipAll)}
}
