package vocab

import "net/http"

// The reasons, grouped by where they are given. Each one has exactly one
// entry in catalogue below (a test checks both directions).
const (
	// Refused before GraphQL runs: the HTTP front of /graphql.
	ReasonMethodNotAllowed     Reason = "METHOD_NOT_ALLOWED"
	ReasonMutationOverGET      Reason = "MUTATION_OVER_GET"
	ReasonUnsupportedMediaType Reason = "UNSUPPORTED_MEDIA_TYPE"
	ReasonBodyTooLarge         Reason = "BODY_TOO_LARGE"
	ReasonBodyTimeout          Reason = "BODY_TIMEOUT"
	ReasonBodyUnreadable       Reason = "BODY_UNREADABLE"
	ReasonInvalidJSON          Reason = "INVALID_JSON"
	ReasonBatchNotSupported    Reason = "BATCH_NOT_SUPPORTED"
	ReasonInvalidQueryString   Reason = "INVALID_QUERY_STRING"
	ReasonOriginNotAllowed     Reason = "ORIGIN_NOT_ALLOWED"

	// Refused before GraphQL runs: the token and the tenant.
	ReasonMissingToken             Reason = "MISSING_TOKEN"
	ReasonInvalidToken             Reason = "INVALID_TOKEN"
	ReasonTokenExpired             Reason = "TOKEN_EXPIRED"
	ReasonTokenNotYetValid         Reason = "TOKEN_NOT_YET_VALID"
	ReasonTokenTooLarge            Reason = "TOKEN_TOO_LARGE"
	ReasonTenantNotGranted         Reason = "TENANT_NOT_GRANTED"
	ReasonUnknownTenant            Reason = "UNKNOWN_TENANT"
	ReasonWildcardTenantNeedsAdmin Reason = "WILDCARD_TENANT_NEEDS_ADMIN"
	ReasonMissingTenant            Reason = "MISSING_TENANT"
	ReasonDatabaseUnavailable      Reason = "DATABASE_UNAVAILABLE"
	// API keys (Authorization: ApiKey, x-api-key, apiKey; internal/apikeys).
	ReasonAPIKeyInvalid Reason = "API_KEY_INVALID"
	ReasonAPIKeyRevoked Reason = "API_KEY_REVOKED"
	ReasonAPIKeyExpired Reason = "API_KEY_EXPIRED"

	// The document and the operation, before any resolver runs.
	ReasonGraphQLParseFailed      Reason = "GRAPHQL_PARSE_FAILED"
	ReasonGraphQLValidationFailed Reason = "GRAPHQL_VALIDATION_FAILED"
	ReasonPersistedQueryNotFound  Reason = "PERSISTED_QUERY_NOT_FOUND"
	ReasonQueryTooLarge           Reason = "QUERY_TOO_LARGE"
	ReasonQueryTooDeep            Reason = "QUERY_TOO_DEEP"
	ReasonQueryTooExpensive       Reason = "QUERY_TOO_EXPENSIVE"
	ReasonTooManyAliases          Reason = "TOO_MANY_ALIASES"
	ReasonWhereTooDeep            Reason = "WHERE_TOO_DEEP"
	ReasonWhereTooLarge           Reason = "WHERE_TOO_LARGE"
	ReasonEmptyFilter             Reason = "EMPTY_FILTER"
	ReasonPIIFilterForbidden      Reason = "PII_FILTER_FORBIDDEN"
	ReasonIntrospectionDisabled   Reason = "INTROSPECTION_DISABLED"
	ReasonPageSizeRequired        Reason = "PAGE_SIZE_REQUIRED"
	ReasonInvalidPageSize         Reason = "INVALID_PAGE_SIZE"
	ReasonPageSizeTooLarge        Reason = "PAGE_SIZE_TOO_LARGE"
	ReasonInvalidCursor           Reason = "INVALID_CURSOR"
	ReasonTooManyErrors           Reason = "TOO_MANY_ERRORS"

	// Scalars.
	ReasonInvalidDateTime Reason = "INVALID_DATE_TIME"
	ReasonInvalidNumber   Reason = "INVALID_NUMBER"
	ReasonNotFinite       Reason = "NOT_FINITE"

	// Access and the data layer.
	ReasonMissingScope        Reason = "MISSING_SCOPE"
	ReasonNotPlatformOperator Reason = "NOT_PLATFORM_OPERATOR"
	ReasonNotFound            Reason = "NOT_FOUND"
	ReasonAlreadyExists       Reason = "ALREADY_EXISTS"
	ReasonPossibleDuplicate   Reason = "POSSIBLE_DUPLICATE"

	// Values of a field (internal/values and the checks around it).
	ReasonRequired           Reason = "REQUIRED"
	ReasonTooLong            Reason = "TOO_LONG"
	ReasonTooMany            Reason = "TOO_MANY"
	ReasonContainsNUL        Reason = "CONTAINS_NUL"
	ReasonInvalidUTF8        Reason = "INVALID_UTF8"
	ReasonControlCharacter   Reason = "CONTROL_CHARACTER"
	ReasonInvisibleCharacter Reason = "INVISIBLE_CHARACTER"
	ReasonMixedScript        Reason = "MIXED_SCRIPT"
	ReasonInvalidEmail       Reason = "INVALID_EMAIL"
	ReasonInvalidPhone       Reason = "INVALID_PHONE"
	ReasonUnknownCountry     Reason = "UNKNOWN_COUNTRY"
	ReasonInvalidSubdivision Reason = "INVALID_SUBDIVISION"
	ReasonInvalidGender      Reason = "INVALID_GENDER"
	ReasonInvalidDate        Reason = "INVALID_DATE"
	ReasonDateInFuture       Reason = "DATE_IN_FUTURE"
	ReasonTooYoung           Reason = "TOO_YOUNG"
	ReasonPasswordTooShort   Reason = "PASSWORD_TOO_SHORT"
	ReasonPasswordTooLong    Reason = "PASSWORD_TOO_LONG"
	ReasonPasswordTooWeak    Reason = "PASSWORD_TOO_WEAK"
	ReasonInvalidURL         Reason = "INVALID_URL"
	ReasonInvalidValue       Reason = "INVALID_VALUE"
	ReasonInvalidFormat      Reason = "INVALID_FORMAT"
	ReasonOutOfRange         Reason = "OUT_OF_RANGE"
	ReasonDuplicate          Reason = "DUPLICATE"

	// The catalogue of categories, features and parameters.
	ReasonInactiveDefault          Reason = "INACTIVE_DEFAULT"
	ReasonDefaultCategoryExists    Reason = "DEFAULT_CATEGORY_EXISTS"
	ReasonCustomerTypeMismatch     Reason = "CUSTOMER_TYPE_MISMATCH"
	ReasonCycle                    Reason = "CYCLE"
	ReasonInvalidRange             Reason = "INVALID_RANGE"
	ReasonReferenceMismatch        Reason = "REFERENCE_MISMATCH"
	ReasonAmbiguousReference       Reason = "AMBIGUOUS_REFERENCE"
	ReasonUnknownParameter         Reason = "UNKNOWN_PARAMETER"
	ReasonInvalidParameterValue    Reason = "INVALID_PARAMETER_VALUE"
	ReasonParameterValueNotAllowed Reason = "PARAMETER_VALUE_NOT_ALLOWED"
	ReasonParameterOutOfRange      Reason = "PARAMETER_OUT_OF_RANGE"
	ReasonMissingParameter         Reason = "MISSING_PARAMETER"
	ReasonNoCategory               Reason = "NO_CATEGORY"
	ReasonCategoryMismatch         Reason = "CATEGORY_MISMATCH"
	ReasonCategoryTypeMismatch     Reason = "CATEGORY_TYPE_MISMATCH"
	ReasonCategoryInactive         Reason = "CATEGORY_INACTIVE"
	ReasonFeatureNotInCategory     Reason = "FEATURE_NOT_IN_CATEGORY"
	ReasonFeatureDisabled          Reason = "FEATURE_DISABLED"
	ReasonFeatureStateMismatch     Reason = "FEATURE_STATE_MISMATCH"

	// Registration and members.
	ReasonNameMismatch             Reason = "NAME_MISMATCH"
	ReasonPasswordMismatch         Reason = "PASSWORD_MISMATCH"
	ReasonEmailMismatch            Reason = "EMAIL_MISMATCH"
	ReasonMultiplePrimary          Reason = "MULTIPLE_PRIMARY"
	ReasonUnknownRole              Reason = "UNKNOWN_ROLE"
	ReasonOwnershipShareOutOfRange Reason = "OWNERSHIP_SHARE_OUT_OF_RANGE"
	ReasonOwnershipTotalExceeded   Reason = "OWNERSHIP_TOTAL_EXCEEDED"
	ReasonMultiplePrimaryOwners    Reason = "MULTIPLE_PRIMARY_OWNERS"
	ReasonMissingRequiredRole      Reason = "MISSING_REQUIRED_ROLE"
	ReasonLoginExists              Reason = "LOGIN_EXISTS"
	ReasonIdempotencyKeyTooLong    Reason = "IDEMPOTENCY_KEY_TOO_LONG"
	ReasonInvalidIdempotencyKey    Reason = "INVALID_IDEMPOTENCY_KEY"
	ReasonIdempotencyKeyReused     Reason = "IDEMPOTENCY_KEY_REUSED"
	ReasonTooManyRegistrations     Reason = "TOO_MANY_REGISTRATIONS"
	ReasonRoleNotSelfAssignable    Reason = "ROLE_NOT_SELF_ASSIGNABLE"
	ReasonStateNotInCountry        Reason = "STATE_NOT_IN_COUNTRY"
	ReasonPhoneMismatch            Reason = "PHONE_MISMATCH"

	// The onboarding lifecycle: updates, decisions, consents, sessions and
	// erasure (internal/onboarding).
	ReasonStaleWrite              Reason = "STALE_WRITE"
	ReasonRequirementsOutstanding Reason = "REQUIREMENTS_OUTSTANDING"
	ReasonInvalidTransition       Reason = "INVALID_TRANSITION"
	ReasonDecisionConflict        Reason = "DECISION_CONFLICT"
	ReasonUnknownConsent          Reason = "UNKNOWN_CONSENT"
	ReasonConsentVersionOutdated  Reason = "CONSENT_VERSION_OUTDATED"
	ReasonSubjectNotOfCustomer    Reason = "SUBJECT_NOT_OF_CUSTOMER"
	ReasonInvalidCredentials      Reason = "INVALID_CREDENTIALS"
	ReasonTooManyAttempts         Reason = "TOO_MANY_ATTEMPTS"
	ReasonNotErasable             Reason = "NOT_ERASABLE"
	ReasonAlreadyErased           Reason = "ALREADY_ERASED"
	ReasonNotYourCustomer         Reason = "NOT_YOUR_CUSTOMER"
	// ReasonCustomerSessionsDisabled: the server verifies tokens with a
	// public key (JWT_PUBLIC_KEY_FILE), so it holds no key to sign a
	// customer session with.
	ReasonCustomerSessionsDisabled Reason = "CUSTOMER_SESSIONS_DISABLED"
	ReasonFieldNotSelfService      Reason = "FIELD_NOT_SELF_SERVICE"
	ReasonCustomerErased           Reason = "CUSTOMER_ERASED"
	ReasonCustomerClosed           Reason = "CUSTOMER_CLOSED"

	// Webhook endpoints (internal/webhooks).
	ReasonHTTPSRequired         Reason = "HTTPS_REQUIRED"
	ReasonAddressNotAllowed     Reason = "ADDRESS_NOT_ALLOWED"
	ReasonWebhooksNotConfigured Reason = "WEBHOOKS_NOT_CONFIGURED"
	ReasonEventNotSequenced     Reason = "EVENT_NOT_SEQUENCED"
	ReasonEndpointDisabled      Reason = "ENDPOINT_DISABLED"
	// Managing API keys (createApiKey).
	ReasonScopeNotAllowed Reason = "SCOPE_NOT_ALLOWED"
	ReasonScopeNotHeld    Reason = "SCOPE_NOT_HELD"
	ReasonTooManyAPIKeys  Reason = "TOO_MANY_API_KEYS"
	// Subscriptions (Subscription.customerEvents over a websocket).
	ReasonTooManySubscriptions   Reason = "TOO_MANY_SUBSCRIPTIONS"
	ReasonSubscriberTooSlow      Reason = "SUBSCRIBER_TOO_SLOW"
	ReasonEventStreamUnavailable Reason = "EVENT_STREAM_UNAVAILABLE"
	ReasonWebsocketRequired      Reason = "WEBSOCKET_REQUIRED"
	ReasonSubscriptionOnly       Reason = "SUBSCRIPTION_ONLY"

	// The drop-in REST routes (internal/compat): a body field that is not
	// part of the API, or a JSON value of the wrong type for its field.
	ReasonUnknownField    Reason = "UNKNOWN_FIELD"
	ReasonInvalidJSONType Reason = "INVALID_JSON_TYPE"
)

// catalogue is the one table of reasons: code, the status of a refusal
// before GraphQL runs (0 for every other reason, whose status, if the
// whole answer is refused, is its code's: see StatusOf), and meaning.
var catalogue = []Entry{
	{ReasonMethodNotAllowed, BadUserInput, http.StatusMethodNotAllowed, "a method other than GET, POST and OPTIONS"},
	{ReasonMutationOverGET, BadUserInput, http.StatusMethodNotAllowed, "a mutation sent with GET, which runs queries only"},
	{ReasonUnsupportedMediaType, BadUserInput, http.StatusUnsupportedMediaType, "a POST body that is not application/json (UTF-8)"},
	{ReasonBodyTooLarge, BadUserInput, http.StatusRequestEntityTooLarge, "a body over MAX_BODY_BYTES, declared or chunked"},
	{ReasonBodyTimeout, BadUserInput, http.StatusRequestTimeout, "a body that did not arrive within REQUEST_TIMEOUT"},
	{ReasonBodyUnreadable, BadUserInput, http.StatusBadRequest, "a body whose framing the client broke, or that it stopped sending"},
	{ReasonInvalidJSON, BadUserInput, http.StatusBadRequest, "a body, or a GET's variables or extensions, that is not one JSON object of the GraphQL shape"},
	{ReasonBatchNotSupported, BadUserInput, http.StatusBadRequest, "a JSON array of operations: send one per request"},
	{ReasonInvalidQueryString, BadUserInput, http.StatusBadRequest, "a GET query string that does not decode"},
	{ReasonOriginNotAllowed, Forbidden, http.StatusForbidden, "a CORS preflight from an origin not in CORS_ALLOWED_ORIGINS"},

	{ReasonMissingToken, Unauthenticated, http.StatusUnauthorized, "no Authorization: Bearer token (nor API key)"},
	{ReasonInvalidToken, Unauthenticated, http.StatusUnauthorized, "a token that is malformed, badly signed or breaks a rule of its header or claims"},
	{ReasonTokenExpired, Unauthenticated, http.StatusUnauthorized, "a token past its exp"},
	{ReasonTokenNotYetValid, Unauthenticated, http.StatusUnauthorized, "a token before its nbf"},
	{ReasonTokenTooLarge, Unauthenticated, http.StatusUnauthorized, "an Authorization header over 8 KiB"},
	{ReasonTenantNotGranted, Forbidden, http.StatusForbidden, "an X-Tenant-ID the token does not grant"},
	{ReasonUnknownTenant, Forbidden, http.StatusForbidden, "an X-Tenant-ID that names no tenant (answered like one not granted)"},
	{ReasonWildcardTenantNeedsAdmin, Forbidden, http.StatusForbidden, "a token granting every tenant (\"*\") without tenants:admin"},
	{ReasonMissingTenant, BadUserInput, http.StatusBadRequest, "no X-Tenant-ID where the operation needs one"},
	{ReasonAPIKeyInvalid, Unauthenticated, http.StatusUnauthorized, "an API key that is malformed, names no key or has the wrong secret (one answer for the three)"},
	{ReasonAPIKeyRevoked, Unauthenticated, http.StatusUnauthorized, "an API key that was revoked (revokeApiKey)"},
	{ReasonAPIKeyExpired, Unauthenticated, http.StatusUnauthorized, "an API key past its expiresAt"},
	{ReasonDatabaseUnavailable, Unavailable, http.StatusServiceUnavailable, "the database cannot be reached or refused to serve: retry after Retry-After"},

	{ReasonGraphQLParseFailed, BadUserInput, 0, "the document does not parse"},
	{ReasonGraphQLValidationFailed, BadUserInput, 0, "the document does not validate against the schema, or a variable has the wrong type"},
	{ReasonPersistedQueryNotFound, BadUserInput, 0, "an automatic persisted query's hash the server does not hold: send the query with it"},
	{ReasonQueryTooLarge, QueryTooComplex, 0, "a document over the bounds on tokens, operations, expanded fields, merges or name length"},
	{ReasonQueryTooDeep, QueryTooComplex, 0, "selections nested deeper than MAX_QUERY_DEPTH"},
	{ReasonQueryTooExpensive, QueryTooComplex, 0, "an operation whose estimated cost is over MAX_QUERY_COMPLEXITY"},
	{ReasonTooManyAliases, QueryTooComplex, 0, "more aliased fields than MAX_ALIASES"},
	{ReasonWhereTooDeep, QueryTooComplex, 0, "a where nested too deep, or holding too many objects"},
	{ReasonWhereTooLarge, QueryTooComplex, 0, "too many list values across an operation's where arguments"},
	{ReasonEmptyFilter, BadUserInput, 0, "a where object inside another that holds no condition"},
	{ReasonPIIFilterForbidden, Forbidden, 0, "a where or orderBy on personal data without the scope pii:read"},
	{ReasonIntrospectionDisabled, Forbidden, 0, "__schema or __type while introspection is off"},
	{ReasonPageSizeRequired, BadUserInput, 0, "a connection without first or last"},
	{ReasonInvalidPageSize, BadUserInput, 0, "a negative first or last"},
	{ReasonPageSizeTooLarge, BadUserInput, 0, "first, last or ids over MAX_PAGE_SIZE"},
	{ReasonInvalidCursor, BadUserInput, 0, "a cursor that does not decode, or that belongs to another ordering"},
	{ReasonTooManyErrors, "", 0, "the last errors[] entry of an answer that had more than 100: extensions.more says how many"},

	{ReasonInvalidDateTime, BadUserInput, 0, "a DateTime that is not an RFC 3339 date-time"},
	{ReasonInvalidNumber, BadUserInput, 0, "a Float that is not a number"},
	{ReasonNotFinite, BadUserInput, 0, "a Float that is NaN or infinite"},

	{ReasonMissingScope, Forbidden, 0, "a field whose @hasScope the token lacks"},
	{ReasonNotPlatformOperator, Forbidden, 0, "createTenant with a token that does not grant every tenant"},
	{ReasonNotFound, NotFound, 0, "an id or reference the tenant does not have (another tenant's objects do not exist for it)"},
	{ReasonAlreadyExists, Conflict, 0, "a value that must be unique (an e-mail, a code) is taken; extensions.field names it"},
	{ReasonPossibleDuplicate, Conflict, 0, "a registration that looks like an existing customer under the tenant's REJECT duplicate policy; extensions.existingCustomerId names it"},

	{ReasonRequired, BadUserInput, 0, "a mandatory value is missing or blank"},
	{ReasonTooLong, BadUserInput, 0, "a text with more characters than its field allows"},
	{ReasonTooMany, BadUserInput, 0, "a list with more elements than allowed"},
	{ReasonContainsNUL, BadUserInput, 0, "a text holding a NUL character"},
	{ReasonInvalidUTF8, BadUserInput, 0, "a text that is not valid UTF-8 (a lone surrogate, a U+FFFD replacement character too)"},
	{ReasonControlCharacter, BadUserInput, 0, "a C0 or C1 control character, or a tab or line break in a single-line field"},
	{ReasonInvisibleCharacter, BadUserInput, 0, "an invisible or formatting character (zero-width, bidi, soft hyphen, BOM)"},
	{ReasonMixedScript, BadUserInput, 0, "an e-mail or username mixing writing systems in one part"},
	{ReasonInvalidEmail, BadUserInput, 0, "not a single plain e-mail address"},
	{ReasonInvalidPhone, BadUserInput, 0, "not a valid, dialable phone number"},
	{ReasonUnknownCountry, BadUserInput, 0, "not an assigned ISO 3166-1 country"},
	{ReasonInvalidSubdivision, BadUserInput, 0, "an ISO 3166-2 subdivision of another country than the one given"},
	{ReasonInvalidGender, BadUserInput, 0, "not an accepted gender name or ISO/IEC 5218 code"},
	{ReasonInvalidDate, BadUserInput, 0, "not a real calendar date in an accepted format"},
	{ReasonDateInFuture, BadUserInput, 0, "a date that must be in the past (birth, incorporation) is after today"},
	{ReasonTooYoung, BadUserInput, 0, "a person below the tenant's minimum age"},
	{ReasonPasswordTooShort, BadUserInput, 0, "a password under the minimum length"},
	{ReasonPasswordTooLong, BadUserInput, 0, "a password over the maximum length"},
	{ReasonPasswordTooWeak, BadUserInput, 0, "a password lacking a required character class"},
	{ReasonInvalidURL, BadUserInput, 0, "not an absolute http(s) URL with a domain name; for a webhook, a URL with credentials, a fragment or no usable host"},
	{ReasonInvalidValue, BadUserInput, 0, "a value outside the field's accepted set (an enum given as text)"},
	{ReasonInvalidFormat, BadUserInput, 0, "a key or code with characters its format does not allow"},
	{ReasonOutOfRange, BadUserInput, 0, "a number outside the range its argument allows"},
	{ReasonDuplicate, BadUserInput, 0, "the same feature, parameter or policy requirement given twice"},

	{ReasonInactiveDefault, BadUserInput, 0, "an inactive category made the default"},
	{ReasonDefaultCategoryExists, Conflict, 0, "a second default category for one customer type"},
	{ReasonCustomerTypeMismatch, BadUserInput, 0, "a parent category, or a policy requirement, for another customer type; addCustomerLogin for an organization customer (its logins are its employees')"},
	{ReasonCycle, BadUserInput, 0, "a category made to descend from itself"},
	{ReasonInvalidRange, BadUserInput, 0, "a parameter's min above its max, a range on a type that takes none, or an expiry not after its start (a verification's expiresAt), an API key's expiresAt not in the future"},
	{ReasonReferenceMismatch, BadUserInput, 0, "the parts of a reference (id, code, name) name different objects"},
	{ReasonAmbiguousReference, BadUserInput, 0, "a category name several categories share, or an organization to join named both by id and by name"},
	{ReasonUnknownParameter, BadUserInput, 0, "a parameter its feature does not define"},
	{ReasonInvalidParameterValue, BadUserInput, 0, "a parameter value not of its type (integer, decimal, boolean)"},
	{ReasonParameterValueNotAllowed, BadUserInput, 0, "a parameter value outside its allowed values"},
	{ReasonParameterOutOfRange, BadUserInput, 0, "a parameter value outside its min and max"},
	{ReasonMissingParameter, BadUserInput, 0, "a mandatory parameter with no value from the request or a default"},
	{ReasonNoCategory, BadUserInput, 0, "feature relations given while no category applies"},
	{ReasonCategoryMismatch, BadUserInput, 0, "two category references of one registration name different categories"},
	{ReasonCategoryTypeMismatch, BadUserInput, 0, "a category for the other customer type"},
	{ReasonCategoryInactive, BadUserInput, 0, "a category that is not active"},
	{ReasonFeatureNotInCategory, BadUserInput, 0, "a feature the category does not attach"},
	{ReasonFeatureDisabled, BadUserInput, 0, "a feature the category attaches disabled"},
	{ReasonFeatureStateMismatch, BadUserInput, 0, "a feature's enabled flag that contradicts the category's"},

	{ReasonNameMismatch, BadUserInput, 0, "a name given twice with two values"},
	{ReasonPasswordMismatch, BadUserInput, 0, "a repetition of the password that differs from it"},
	{ReasonEmailMismatch, BadUserInput, 0, "the user's e-mail differs from the login e-mail"},
	{ReasonMultiplePrimary, BadUserInput, 0, "more than one primary address or identity document, or primary contact of a type"},
	{ReasonStateNotInCountry, BadUserInput, 0, "the state of an address completed with the tenant's default country, sent or read from its address line, is not a subdivision of that country"},
	{ReasonPhoneMismatch, BadUserInput, 0, "a phone given both whole and as country code and national number, with two values"},
	{ReasonUnknownRole, NotFound, 0, "a role the tenant does not have"},
	{ReasonOwnershipShareOutOfRange, BadUserInput, 0, "an ownership share outside 0 to 100"},
	{ReasonOwnershipTotalExceeded, BadUserInput, 0, "ownership shares adding up to more than 100"},
	{ReasonMultiplePrimaryOwners, BadUserInput, 0, "more than one representative marked primary owner"},
	{ReasonMissingRequiredRole, BadUserInput, 0, "a change that would leave an organization without a member holding a required role"},
	{ReasonLoginExists, Conflict, 0, "addCustomerLogin for a customer that already has a login user"},
	{ReasonIdempotencyKeyTooLong, BadUserInput, 0, "an Idempotency-Key over 255 characters"},
	{ReasonInvalidIdempotencyKey, BadUserInput, 0, "an Idempotency-Key with characters other than printable ASCII"},
	{ReasonIdempotencyKeyReused, Conflict, 0, "an Idempotency-Key sent with another input, or still in use"},
	{ReasonTooManyRegistrations, RateLimited, 0, "more registrations at once than the server takes: retry shortly"},
	{ReasonRoleNotSelfAssignable, BadUserInput, 0, "a registration granting a role the tenant marks as not self-assignable (ADMIN_USER, TRANSACTION_APPROVER)"},

	{ReasonStaleWrite, Conflict, 0, "an update or decision sent with a version of the customer that is no longer current: read it again"},
	{ReasonRequirementsOutstanding, Conflict, 0, "an activation while requirements are due: extensions.requirements lists them"},
	{ReasonInvalidTransition, Conflict, 0, "a status change the lifecycle does not allow from the current status: extensions.from and extensions.to name it"},
	{ReasonDecisionConflict, Conflict, 0, "a decision that lost a race with another decision on the same customer"},
	{ReasonUnknownConsent, NotFound, 0, "a consent code and version the tenant has not published"},
	{ReasonConsentVersionOutdated, BadUserInput, 0, "an acceptance of a consent version that a newer one replaces"},
	{ReasonSubjectNotOfCustomer, BadUserInput, 0, "a verification subject that is not the customer's person, organization or representative"},
	{ReasonInvalidCredentials, Unauthenticated, 0, "a customer session asked for with an unknown username or a wrong password (the same answer for both)"},
	{ReasonTooManyAttempts, RateLimited, 0, "too many failed customer-session attempts for the username or the address: locked for a while"},
	{ReasonNotErasable, Conflict, 0, "an erasure of a customer that is not CLOSED or REJECTED"},
	{ReasonAlreadyErased, Conflict, 0, "an erasure of a customer whose personal data is already erased"},
	{ReasonNotYourCustomer, Forbidden, 0, "a customer session acting on another customer than its own"},
	{ReasonCustomerSessionsDisabled, Forbidden, 0, "createCustomerSession on a server that verifies tokens with a public key: it has no secret to sign sessions with"},
	{ReasonFieldNotSelfService, Forbidden, 0, "a customer session changing a field only the platform changes (names, date of birth, documents, category, tags, reference): extensions.field names it"},
	{ReasonCustomerErased, Conflict, 0, "a verification, consent, update or member change for a customer whose personal data was erased"},
	{ReasonCustomerClosed, Conflict, 0, "an update or member change of a REJECTED or CLOSED customer: its lifecycle has ended"},

	{ReasonHTTPSRequired, BadUserInput, 0, "a webhook URL that is not https (http only on loopback, with WEBHOOK_ALLOW_LOOPBACK)"},
	{ReasonAddressNotAllowed, BadUserInput, 0, "a webhook URL whose host is an address deliveries may not reach: private, loopback, link-local (169.254.169.254), reserved"},
	{ReasonWebhooksNotConfigured, Unavailable, 0, "a webhook endpoint created or rotated on a server without WEBHOOK_SECRET_KEY"},
	{ReasonEventNotSequenced, Conflict, 0, "a redelivery of an event not yet put in order (sequenced): retry in a moment"},
	{ReasonEndpointDisabled, Conflict, 0, "a redelivery to a DISABLED webhook endpoint: enable it first"},
	{ReasonScopeNotAllowed, BadUserInput, 0, "an API key given tenants:admin, customer:self or apikeys:manage, which no key may hold"},
	{ReasonScopeNotHeld, Forbidden, 0, "an API key given a scope the token creating it lacks"},
	{ReasonTooManyAPIKeys, Conflict, 0, "a new API key while the tenant holds 100 live (neither revoked nor expired) ones"},
	{ReasonTooManySubscriptions, RateLimited, 0, "a subscription beyond SUBSCRIPTIONS_PER_CONNECTION on its websocket, or beyond SUBSCRIPTIONS_PER_TENANT for its tenant on one server"},
	{ReasonSubscriberTooSlow, Unavailable, 0, "a subscription that fell too far behind the events and was ended: read the missed events from the feed and subscribe again"},
	{ReasonWebsocketRequired, BadUserInput, 0, "a subscription sent over HTTP (GET or POST): subscriptions are served over a websocket at /graphql"},
	{ReasonSubscriptionOnly, BadUserInput, 0, "a query or a mutation sent over the websocket, which serves subscriptions only: send it over HTTP"},
	{ReasonEventStreamUnavailable, Unavailable, 0, "a subscription on a server whose event stream is not running (starting or shutting down): retry shortly"},
	{ReasonUnknownField, BadUserInput, 0, "a drop-in route's body field that the API does not have (nothing is silently dropped)"},
	{ReasonInvalidJSONType, BadUserInput, 0, "a drop-in route's body value of the wrong JSON type for its field (a number for a string)"},
}
