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

// Event delivery's tables (internal/events, internal/webhooks): a tenant's
// webhook endpoints with their signing secrets, one delivery per event and
// endpoint with its retry schedule, every attempt made, and each endpoint's
// own log of changes. The events themselves are the customers' history
// (CustomerEvent), sequenced in commit order after they commit.

// WebhookEndpoint is a URL of the tenant's to which the events of the
// chosen types are POSTed, signed with the endpoint's secret.
type WebhookEndpoint struct {
	ent.Schema
}

// Mixin of the WebhookEndpoint.
func (WebhookEndpoint) Mixin() []ent.Mixin {
	return []ent.Mixin{IDMixin{Prefix: schematype.PrefixWebhookEndpoint}, TimeMixin{}, TenantMixin{}}
}

// Fields of the WebhookEndpoint.
func (WebhookEndpoint) Fields() []ent.Field {
	return []ent.Field{
		field.String("url").NotEmpty().MaxRuneLen(schematype.MaxURLLen).
			Annotations(entgql.Type("String")),
		field.String("description").Optional().MaxRuneLen(schematype.MaxWebhookDescriptionLen),
		field.Strings("event_types").Optional().
			Comment("The event types sent to the endpoint; empty: every type.").
			Annotations(entgql.Skip()),
		field.Enum("status").Values(schematype.EndpointStatuses...).Default(schematype.EndpointEnabled).
			Annotations(entgql.Type("WebhookEndpointStatus")),
		field.String("disabled_reason").Optional().MaxRuneLen(schematype.MaxWebhookErrorLen).
			Comment("Why the endpoint was disabled: the run of failures, or the tenant's reason."),
		field.Time("disabled_at").Optional().Nillable().
			Annotations(entgql.Type("DateTime")),
		field.String("secret").Sensitive().NotEmpty().
			Comment("The signing secret, encrypted (internal/webhooks' secret box).").
			Annotations(entgql.Skip()),
		field.String("previous_secret").Optional().Sensitive().
			Comment("The secret before the last rotation, encrypted; it signs too until previous_secret_expires_at.").
			Annotations(entgql.Skip()),
		field.Time("previous_secret_expires_at").Optional().Nillable().
			Annotations(entgql.Type("DateTime")),
		field.Int("consecutive_failures").Default(0).
			Comment("Failed attempts since the last success."),
		field.Time("failing_since").Optional().Nillable().
			Comment("The first failed attempt since the last success; nil while the endpoint succeeds. An endpoint failing for long enough, and often enough, is disabled.").
			Annotations(entgql.Type("DateTime")),
		field.String("created_by").Immutable().Optional().MaxRuneLen(schematype.MaxActorLen),
	}
}

// Edges of the WebhookEndpoint.
func (WebhookEndpoint) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("deliveries", WebhookDelivery.Type).Annotations(entgql.Skip()),
		edge.To("changes", WebhookEndpointChange.Type).Annotations(entgql.Skip()),
	}
}

// Indexes of the WebhookEndpoint.
func (WebhookEndpoint) Indexes() []ent.Index {
	return []ent.Index{index.Fields("tenant_id", "status")}
}

// Annotations of the WebhookEndpoint.
func (WebhookEndpoint) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.RelayConnection(), entgql.Skip(entgql.SkipWhereInput, entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)}
}

// WebhookDelivery is one event to send to one endpoint: PENDING with the
// time of its next attempt until an attempt succeeds or its retries run
// out. A worker claims it by leasing it (leased_until), so that two workers
// never send it at once and a worker that dies lets it go when the lease
// ends.
type WebhookDelivery struct {
	ent.Schema
}

// Mixin of the WebhookDelivery.
func (WebhookDelivery) Mixin() []ent.Mixin {
	return []ent.Mixin{IDMixin{Prefix: schematype.PrefixWebhookDelivery}, TimeMixin{}, TenantMixin{}}
}

// Fields of the WebhookDelivery.
func (WebhookDelivery) Fields() []ent.Field {
	return []ent.Field{
		field.String("endpoint_id").Immutable().Annotations(entgql.Skip(entgql.SkipType)),
		field.String("event_id").Immutable().Annotations(entgql.Skip(entgql.SkipType)),
		field.String("event_type").Immutable().MaxRuneLen(schematype.MaxEventTypeLen),
		field.Enum("status").Values(schematype.DeliveryStatuses...).Default(schematype.DeliveryPending).
			Annotations(entgql.Type("WebhookDeliveryStatus")),
		field.Int("attempts").Default(0),
		field.Time("next_attempt_at").Optional().Nillable().
			Comment("When the next attempt is due; nil once the delivery ended.").
			Annotations(entgql.Type("DateTime")),
		field.Time("leased_until").Optional().Nillable().
			Comment("A worker's claim: no other worker takes the delivery before then.").
			Annotations(entgql.Skip()),
		field.Time("last_attempt_at").Optional().Nillable().
			Annotations(entgql.Type("DateTime")),
		field.Int("last_status_code").Optional().Nillable(),
		field.Time("delivered_at").Optional().Nillable().
			Annotations(entgql.Type("DateTime")),
		field.Bool("redelivery").Default(false).Immutable().
			Comment("Made by redeliverEvent rather than by the event's commit."),
	}
}

// Edges of the WebhookDelivery.
func (WebhookDelivery) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("endpoint", WebhookEndpoint.Type).Ref("deliveries").Field("endpoint_id").
			Unique().Required().Immutable(),
		edge.To("event", CustomerEvent.Type).Field("event_id").Unique().Required().Immutable(),
		edge.To("attempt_log", WebhookAttempt.Type).Annotations(entgql.Skip()),
	}
}

// Indexes of the WebhookDelivery: the due deliveries workers claim, an
// endpoint's deliveries newest first, an event's deliveries.
func (WebhookDelivery) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("status", "next_attempt_at"),
		index.Fields("endpoint_id", "id"),
		index.Fields("event_id"),
	}
}

// Annotations of the WebhookDelivery.
func (WebhookDelivery) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.RelayConnection(), entgql.Skip(entgql.SkipWhereInput, entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)}
}

// WebhookAttempt is one POST of a delivery: when, how long it took, and
// what came back. Rows are only ever added: they are the delivery log.
type WebhookAttempt struct {
	ent.Schema
}

// Mixin of the WebhookAttempt.
func (WebhookAttempt) Mixin() []ent.Mixin {
	return []ent.Mixin{IDMixin{Prefix: schematype.PrefixWebhookAttempt}, TimeMixin{}, TenantMixin{}}
}

// Fields of the WebhookAttempt.
func (WebhookAttempt) Fields() []ent.Field {
	return []ent.Field{
		field.String("delivery_id").Immutable().Annotations(entgql.Skip(entgql.SkipType)),
		field.String("endpoint_id").Immutable().Annotations(entgql.Skip()),
		field.String("event_id").Immutable().Annotations(entgql.Skip()),
		field.Int("number").Immutable().Comment("1 for the first attempt of the delivery."),
		field.Time("started_at").Immutable().Annotations(entgql.Type("DateTime")),
		field.Int("latency_ms").Immutable().Comment("From sending the request to the end of the answer (or the failure)."),
		field.Enum("outcome").Values(schematype.AttemptOutcomes...).Immutable().
			Annotations(entgql.Type("WebhookAttemptOutcome")),
		field.Int("status_code").Immutable().Optional().Nillable(),
		field.String("error").Immutable().Optional().MaxRuneLen(schematype.MaxWebhookErrorLen).
			Comment("Why the attempt failed, without the URL's query or credentials."),
		field.String("response_excerpt").Immutable().Optional().MaxRuneLen(schematype.MaxWebhookResponseExcerptLen).
			Comment("The start of the receiver's answer."),
	}
}

// Edges of the WebhookAttempt.
func (WebhookAttempt) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("delivery", WebhookDelivery.Type).Ref("attempt_log").Field("delivery_id").
			Unique().Required().Immutable().Annotations(entgql.Skip()),
	}
}

// Indexes of the WebhookAttempt.
func (WebhookAttempt) Indexes() []ent.Index {
	return []ent.Index{index.Fields("delivery_id", "id")}
}

// Hooks of the WebhookAttempt.
func (WebhookAttempt) Hooks() []ent.Hook { return []ent.Hook{appendOnly} }

// Annotations of the WebhookAttempt.
func (WebhookAttempt) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipWhereInput, entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)}
}

// WebhookEndpointChange is one entry of an endpoint's log: its creation,
// an update, a secret rotation, its disabling (by the worker, with the
// reason) or enabling, a redelivery asked for. Rows are only ever added.
type WebhookEndpointChange struct {
	ent.Schema
}

// Mixin of the WebhookEndpointChange.
func (WebhookEndpointChange) Mixin() []ent.Mixin {
	return []ent.Mixin{IDMixin{Prefix: schematype.PrefixWebhookChange}, TimeMixin{}, TenantMixin{}}
}

// Fields of the WebhookEndpointChange.
func (WebhookEndpointChange) Fields() []ent.Field {
	return []ent.Field{
		field.String("endpoint_id").Immutable().Annotations(entgql.Skip(entgql.SkipType)),
		field.Enum("type").Values(schematype.EndpointChangeTypes...).Immutable().
			Annotations(entgql.Type("WebhookEndpointChangeType")),
		field.String("actor").Immutable().Optional().MaxRuneLen(schematype.MaxActorLen).
			Comment("The subject of the token that made the change; empty for the delivery worker."),
		field.String("request_id").Immutable().Optional().MaxRuneLen(schematype.MaxRequestIDLen),
		field.String("reason").Immutable().Optional().MaxRuneLen(schematype.MaxWebhookErrorLen),
	}
}

// Edges of the WebhookEndpointChange.
func (WebhookEndpointChange) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("endpoint", WebhookEndpoint.Type).Ref("changes").Field("endpoint_id").
			Unique().Required().Immutable().Annotations(entgql.Skip()),
	}
}

// Indexes of the WebhookEndpointChange.
func (WebhookEndpointChange) Indexes() []ent.Index {
	return []ent.Index{index.Fields("endpoint_id", "id")}
}

// Hooks of the WebhookEndpointChange.
func (WebhookEndpointChange) Hooks() []ent.Hook { return []ent.Hook{appendOnly} }

// Annotations of the WebhookEndpointChange.
func (WebhookEndpointChange) Annotations() []schema.Annotation {
	return []schema.Annotation{entgql.Skip(entgql.SkipWhereInput, entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput)}
}
