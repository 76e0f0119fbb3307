package webhooks

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"entgo.io/ent/dialect"
	"entgo.io/ent/dialect/sql"
	"github.com/go-chi/chi/v5/middleware"

	"onboard/ent"
	"onboard/ent/customerevent"
	"onboard/ent/webhookdelivery"
	"onboard/ent/webhookendpoint"
	"onboard/ent/webhookendpointchange"
	"onboard/internal/apperr"
	"onboard/internal/apperr/vocab"
	"onboard/internal/catalog"
	"onboard/internal/pulid"
	"onboard/internal/viewer"
	"onboard/schema/schematype"
)

// Service manages a tenant's webhook endpoints: creation with a secret
// shown once, updates, enabling and disabling, secret rotation with an
// overlap, redeliveries, each written with its entry in the endpoint's
// log in one transaction.
type Service struct {
	Client   *ent.Client
	Box      *Box // nil without WEBHOOK_SECRET_KEY: endpoints cannot be created
	Settings Settings
}

// CreateInput is a new endpoint (createWebhookEndpoint's input).
type CreateInput struct {
	URL         string
	EventTypes  []string
	Description *string
}

// UpdateInput changes an endpoint; a nil field stays as it is, an empty
// (non-nil) EventTypes means every type, an empty Description clears it.
type UpdateInput struct {
	EndpointID  string
	URL         *string
	EventTypes  []string
	Description *string
	Enabled     *bool
	Reason      *string
}

// RotateInput is a rotation: the endpoint and how long, in seconds, its
// current secret keeps signing beside the new one (nil: DefaultOverlap).
type RotateInput struct {
	EndpointID     string
	OverlapSeconds *int
}

// RedeliverInput names the event to send again and the endpoint.
type RedeliverInput struct {
	EventID    string
	EndpointID string
}

// errNotConfigured is the answer of a write that needs the secret box on a
// server without WEBHOOK_SECRET_KEY: UNAVAILABLE, as the operation may
// work once the operator sets the key, and the client did nothing wrong.
var errNotConfigured = apperr.New(apperr.Unavailable, vocab.ReasonWebhooksNotConfigured,
	"webhooks are not configured on this server: its operator must set WEBHOOK_SECRET_KEY")

// Create validates in, every problem at once (url, eventTypes.<i>,
// description), makes a signing secret, and writes the endpoint with
// its secret sealed and a CREATED entry in one transaction. The secret is
// returned in clear this once: nothing reads it back for a client later.
func (s *Service) Create(ctx context.Context, in CreateInput) (*ent.WebhookEndpoint, string, error) {
	var problems apperr.List
	url := checkURL(&problems, apperr.Path{"url"}, in.URL, s.Settings.AllowLoopback)
	types := checkEventTypes(&problems, apperr.Path{"eventTypes"}, in.EventTypes)
	description := catalog.OptionalText(&problems, apperr.Path{"description"}, in.Description, schematype.MaxWebhookDescriptionLen)
	if err := problems.Err(); err != nil {
		return nil, "", err
	}
	secret, sealed, err := s.newSecret()
	if err != nil {
		return nil, "", err
	}
	actor, requestID := origin(ctx)
	var ep *ent.WebhookEndpoint
	err = catalog.WithTx(ctx, s.Client, func(tx *ent.Tx) error {
		create := tx.WebhookEndpoint.Create().SetURL(url).SetEventTypes(types).SetSecret(sealed).SetCreatedBy(actor)
		if description != nil {
			create.SetDescription(*description)
		}
		var err error
		if ep, err = create.Save(ctx); err != nil {
			return err
		}
		return logChange(ctx, tx, ep.ID, schematype.EndpointCreated, "", actor, requestID)
	})
	if err != nil {
		return nil, "", apperr.FromData(err, nil)
	}
	return ep.Unwrap(), secret, nil
}

// Update applies in to the endpoint in one transaction, with one log
// entry per kind of change: UPDATED for the URL, event types or
// description, ENABLED or DISABLED for a change of status. A field sent
// with the value it has already, or enabled sent for the state the
// endpoint is in, changes nothing and writes no entry. Enabling resets
// the run of failures and clears why it was disabled, so the worker
// resumes its pending deliveries; disabling keeps reason (or "disabled by
// <actor>") as disabled_reason. Another tenant's endpoint, or an unknown
// id, is NOT_FOUND on endpointId.
func (s *Service) Update(ctx context.Context, in UpdateInput) (*ent.WebhookEndpoint, error) {
	var problems apperr.List
	var url *string
	if in.URL != nil {
		u := checkURL(&problems, apperr.Path{"url"}, *in.URL, s.Settings.AllowLoopback)
		url = &u
	}
	var types []string
	if in.EventTypes != nil {
		types = checkEventTypes(&problems, apperr.Path{"eventTypes"}, in.EventTypes)
	}
	var description *string
	if in.Description != nil {
		d := catalog.CleanText(&problems, apperr.Path{"description"}, *in.Description, schematype.MaxWebhookDescriptionLen)
		description = &d
	}
	reason := ""
	if in.Reason != nil {
		reason = catalog.CleanText(&problems, apperr.Path{"reason"}, *in.Reason, schematype.MaxWebhookErrorLen)
	}
	if err := problems.Err(); err != nil {
		return nil, err
	}
	actor, requestID := origin(ctx)
	var ep *ent.WebhookEndpoint
	err := catalog.WithTx(ctx, s.Client, func(tx *ent.Tx) error {
		var err error
		if ep, err = lockEndpoint(ctx, tx, in.EndpointID); err != nil {
			return err
		}
		update := tx.WebhookEndpoint.UpdateOne(ep)
		changed := false
		if url != nil && *url != ep.URL {
			update.SetURL(*url)
			changed = true
		}
		if types != nil && !slices.Equal(types, nonNil(ep.EventTypes)) {
			update.SetEventTypes(types)
			changed = true
		}
		if description != nil && *description != ep.Description {
			if *description == "" {
				update.ClearDescription()
			} else {
				update.SetDescription(*description)
			}
			changed = true
		}
		var status string
		if in.Enabled != nil {
			switch enabled := *in.Enabled; {
			case enabled && ep.Status == webhookendpoint.StatusDISABLED:
				update.SetStatus(webhookendpoint.StatusENABLED).SetConsecutiveFailures(0).ClearFailingSince().
					ClearDisabledReason().ClearDisabledAt()
				status = schematype.EndpointWasEnabled
			case !enabled && ep.Status == webhookendpoint.StatusENABLED:
				why := reason
				if why == "" {
					why = truncate("disabled by "+actor, schematype.MaxWebhookErrorLen)
				}
				update.SetStatus(webhookendpoint.StatusDISABLED).SetDisabledReason(why).SetDisabledAt(time.Now())
				status = schematype.EndpointWasDisabled
			}
		}
		if !changed && status == "" {
			return nil
		}
		if ep, err = update.Save(ctx); err != nil {
			return err
		}
		if changed {
			if err := logChange(ctx, tx, ep.ID, schematype.EndpointUpdated, reason, actor, requestID); err != nil {
				return err
			}
		}
		if status != "" {
			return logChange(ctx, tx, ep.ID, status, reason, actor, requestID)
		}
		return nil
	})
	if err != nil {
		return nil, apperr.FromData(err, nil)
	}
	return ep.Unwrap(), nil
}

// Rotate gives the endpoint a new signing secret, returned in clear this
// once, and keeps the current one as the previous secret for the overlap
// (OverlapSeconds, 0 to MaxOverlap; DefaultOverlap when nil): deliveries
// are signed by both until then (SigningSecrets), so a receiver can
// switch at its pace. An overlap of 0 ends the old secret at once. A
// rotation during another's overlap drops the secret before the current
// one: only the last two ever sign. It writes a SECRET_ROTATED entry.
func (s *Service) Rotate(ctx context.Context, in RotateInput) (*ent.WebhookEndpoint, string, error) {
	overlap := DefaultOverlap
	if in.OverlapSeconds != nil {
		n := *in.OverlapSeconds
		if n < 0 || time.Duration(n)*time.Second > MaxOverlap {
			return nil, "", apperr.Invalid(apperr.Path{"overlapSeconds"}, vocab.ReasonOutOfRange,
				fmt.Sprintf("overlapSeconds is from 0 to %d (seven days)", int(MaxOverlap/time.Second)))
		}
		overlap = time.Duration(n) * time.Second
	}
	secret, sealed, err := s.newSecret()
	if err != nil {
		return nil, "", err
	}
	actor, requestID := origin(ctx)
	var ep *ent.WebhookEndpoint
	err = catalog.WithTx(ctx, s.Client, func(tx *ent.Tx) error {
		var err error
		if ep, err = lockEndpoint(ctx, tx, in.EndpointID); err != nil {
			return err
		}
		update := tx.WebhookEndpoint.UpdateOne(ep).SetSecret(sealed)
		if overlap > 0 {
			update.SetPreviousSecret(ep.Secret).SetPreviousSecretExpiresAt(time.Now().Add(overlap))
		} else {
			update.ClearPreviousSecret().ClearPreviousSecretExpiresAt()
		}
		if ep, err = update.Save(ctx); err != nil {
			return err
		}
		return logChange(ctx, tx, ep.ID, schematype.EndpointSecretRotated,
			fmt.Sprintf("the previous secret signs for %d more seconds", int(overlap/time.Second)), actor, requestID)
	})
	if err != nil {
		return nil, "", apperr.FromData(err, nil)
	}
	return ep.Unwrap(), secret, nil
}

// Redeliver makes a new PENDING delivery of the event to the endpoint,
// due now and marked as a redelivery, whatever became of the earlier
// ones, and writes a REDELIVERY_REQUESTED entry naming the event and the
// delivery. The event must be the tenant's (else NOT_FOUND on eventId)
// and sequenced (else CONFLICT EVENT_NOT_SEQUENCED: it has no place in
// the order yet, and the sequencer makes its deliveries in a moment); the
// endpoint the tenant's (NOT_FOUND on endpointId) and ENABLED (CONFLICT
// ENDPOINT_DISABLED: a disabled endpoint is sent nothing, so a redelivery
// would wait unseen; enable it first, which resumes its pending
// deliveries). The endpoint's event types are not consulted: a
// redelivery is asked for one event by name.
func (s *Service) Redeliver(ctx context.Context, in RedeliverInput) (*ent.WebhookDelivery, error) {
	actor, requestID := origin(ctx)
	var d *ent.WebhookDelivery
	err := catalog.WithTx(ctx, s.Client, func(tx *ent.Tx) error {
		if !pulid.Valid(in.EventID, schematype.PrefixCustomerEvent) {
			return eventNotFound()
		}
		ev, err := tx.CustomerEvent.Query().Where(customerevent.ID(in.EventID)).Only(ctx)
		if err != nil {
			return apperr.FromLookup(err, apperr.Path{"eventId"}, "the tenant has no event with this id")
		}
		if ev.Sequence == nil {
			return &apperr.Error{Code: apperr.Conflict, Field: apperr.Path{"eventId"}, Reason: vocab.ReasonEventNotSequenced,
				Message: "the event is not in the event order yet: retry in a moment"}
		}
		ep, err := lockEndpoint(ctx, tx, in.EndpointID)
		if err != nil {
			return err
		}
		if ep.Status != webhookendpoint.StatusENABLED {
			return &apperr.Error{Code: apperr.Conflict, Field: apperr.Path{"endpointId"}, Reason: vocab.ReasonEndpointDisabled,
				Message: "the endpoint is disabled: enable it (updateWebhookEndpoint) before asking for a redelivery"}
		}
		d, err = tx.WebhookDelivery.Create().SetEndpointID(ep.ID).SetEventID(ev.ID).SetEventType(ev.Type).
			SetStatus(webhookdelivery.StatusPENDING).SetNextAttemptAt(time.Now()).SetRedelivery(true).Save(ctx)
		if err != nil {
			return err
		}
		return logChange(ctx, tx, ep.ID, schematype.EndpointRedelivery,
			fmt.Sprintf("event %s, delivery %s", ev.ID, d.ID), actor, requestID)
	})
	if err != nil {
		return nil, apperr.FromData(err, nil)
	}
	return d.Unwrap(), nil
}

// Endpoint returns the tenant's endpoint id, or NOT_FOUND on field.
func (s *Service) Endpoint(ctx context.Context, field apperr.Path, id string) (*ent.WebhookEndpoint, error) {
	if !pulid.Valid(id, schematype.PrefixWebhookEndpoint) {
		return nil, apperr.NotFoundf(field, "the tenant has no webhook endpoint with this id")
	}
	ep, err := s.Client.WebhookEndpoint.Get(ctx, id)
	if err != nil {
		return nil, apperr.FromLookup(err, field, "the tenant has no webhook endpoint with this id")
	}
	return ep, nil
}

// lockEndpoint reads the tenant's endpoint id inside tx, locked on
// PostgreSQL (FOR UPDATE) so that a change and the worker's count of
// failures, or two changes, do not overwrite each other's columns;
// SQLite runs one write transaction at a time. NOT_FOUND on endpointId.
func lockEndpoint(ctx context.Context, tx *ent.Tx, id string) (*ent.WebhookEndpoint, error) {
	if !pulid.Valid(id, schematype.PrefixWebhookEndpoint) {
		return nil, endpointNotFound()
	}
	q := tx.WebhookEndpoint.Query().Where(webhookendpoint.ID(id))
	q.Modify(func(s *sql.Selector) {
		if s.Dialect() == dialect.Postgres {
			s.For(sql.LockUpdate)
		}
	})
	eps, err := q.All(ctx)
	if err != nil {
		return nil, apperr.FromLookup(err, apperr.Path{"endpointId"}, "the tenant has no webhook endpoint with this id")
	}
	if len(eps) == 0 {
		return nil, endpointNotFound()
	}
	return eps[0], nil
}

func endpointNotFound() *apperr.Error {
	return apperr.NotFoundf(apperr.Path{"endpointId"}, "the tenant has no webhook endpoint with this id")
}

func eventNotFound() *apperr.Error {
	return apperr.NotFoundf(apperr.Path{"eventId"}, "the tenant has no event with this id")
}

// newSecret makes a signing secret and seals it with the box.
func (s *Service) newSecret() (secret, sealed string, err error) {
	if s.Box == nil {
		return "", "", errNotConfigured
	}
	if secret, err = NewSecret(); err != nil {
		return "", "", err
	}
	if sealed, err = s.Box.Seal(secret); err != nil {
		if errors.Is(err, ErrNoSecretKey) {
			return "", "", errNotConfigured
		}
		return "", "", err
	}
	return secret, sealed, nil
}

// origin is who makes a change (the token's subject) and the request's
// id, as the endpoint's log keeps them.
func origin(ctx context.Context) (actor, requestID string) {
	if v := viewer.FromContext(ctx); v != nil {
		actor = truncate(v.Subject, schematype.MaxActorLen)
	}
	return actor, truncate(middleware.GetReqID(ctx), schematype.MaxRequestIDLen)
}

// logChange appends an entry to the endpoint's log inside tx.
func logChange(ctx context.Context, tx *ent.Tx, endpointID, typ, reason, actor, requestID string) error {
	create := tx.WebhookEndpointChange.Create().SetEndpointID(endpointID).SetType(webhookendpointchange.Type(typ))
	if actor != "" {
		create.SetActor(actor)
	}
	if requestID != "" {
		create.SetRequestID(requestID)
	}
	if reason != "" {
		create.SetReason(truncate(reason, schematype.MaxWebhookErrorLen))
	}
	return create.Exec(ctx)
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
