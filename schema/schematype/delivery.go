package schematype

// The values of event delivery (internal/events, internal/webhooks): the
// states of webhook endpoints and deliveries, the outcomes of attempts and
// the changes an endpoint's log records. The ent schemas and the GraphQL
// enums take their lists from here.

// Webhook endpoint states: an endpoint is ENABLED until a run of failed
// attempts (or a tenant) disables it; a DISABLED endpoint is sent nothing
// and its pending deliveries wait until it is enabled again.
const (
	EndpointEnabled  = "ENABLED"
	EndpointDisabled = "DISABLED"
)

// EndpointStatuses lists WebhookEndpoint.status's values.
var EndpointStatuses = []string{EndpointEnabled, EndpointDisabled}

// Delivery states: PENDING until an attempt succeeds (SUCCEEDED) or the
// retries run out (FAILED).
const (
	DeliveryPending   = "PENDING"
	DeliverySucceeded = "SUCCEEDED"
	DeliveryFailed    = "FAILED"
)

// DeliveryStatuses lists WebhookDelivery.status's values.
var DeliveryStatuses = []string{DeliveryPending, DeliverySucceeded, DeliveryFailed}

// Attempt outcomes: the receiver answered 2xx (SUCCEEDED) or another
// status (HTTP_ERROR, a redirect included: redirects are not followed); no
// answer within the timeout (TIMEOUT); the connection failed
// (CONNECTION_ERROR); the URL resolved to an address deliveries may not
// reach (BLOCKED_ADDRESS).
const (
	AttemptSucceeded       = "SUCCEEDED"
	AttemptHTTPError       = "HTTP_ERROR"
	AttemptTimeout         = "TIMEOUT"
	AttemptConnectionError = "CONNECTION_ERROR"
	AttemptBlockedAddress  = "BLOCKED_ADDRESS"
)

// AttemptOutcomes lists WebhookAttempt.outcome's values.
var AttemptOutcomes = []string{AttemptSucceeded, AttemptHTTPError, AttemptTimeout, AttemptConnectionError, AttemptBlockedAddress}

// The changes of a webhook endpoint's own log (WebhookEndpointChange.type).
const (
	EndpointCreated       = "CREATED"
	EndpointUpdated       = "UPDATED"
	EndpointSecretRotated = "SECRET_ROTATED"
	EndpointWasDisabled   = "DISABLED"
	EndpointWasEnabled    = "ENABLED"
	EndpointRedelivery    = "REDELIVERY_REQUESTED"
)

// EndpointChangeTypes lists WebhookEndpointChange.type's values.
var EndpointChangeTypes = []string{EndpointCreated, EndpointUpdated, EndpointSecretRotated,
	EndpointWasDisabled, EndpointWasEnabled, EndpointRedelivery}

// The bounds of delivery's columns.
const (
	MaxWebhookDescriptionLen = 500
	MaxWebhookEventTypes     = 20
	MaxWebhookErrorLen       = 500
	// MaxWebhookResponseExcerptLen is how much of a receiver's answer an
	// attempt keeps: enough to tell why it failed.
	MaxWebhookResponseExcerptLen = 1024
)
