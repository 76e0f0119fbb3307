// Package graph is the GraphQL layer: the SDL, thin resolvers that map input
// to the domain and back, the error presenter and the directives.
package graph

import (
	"context"

	"onboard/ent"
	"onboard/internal/apikeys"
	"onboard/internal/apperr"
	"onboard/internal/events"
	"onboard/internal/onboarding"
	"onboard/internal/pulid"
	"onboard/internal/registration"
	"onboard/internal/sessions"
	"onboard/internal/webhooks"
)

// Resolver is the dependency root of the resolvers.
type Resolver struct {
	Client       *ent.Client
	Registration *registration.Service
	Onboarding   *onboarding.Service
	Sessions     *sessions.Service
	// Hub streams the tenant's events to subscriptions (customerEvents).
	Hub *events.Hub
	// Webhooks manages the tenant's webhook endpoints.
	Webhooks *webhooks.Service
	// Keys manages the tenant's API keys.
	Keys *apikeys.Service
}

// nodeType finds the table of a node id from its prefix. An id that names
// no type is simply not found.
func nodeType(ctx context.Context, id string) (string, error) {
	table, ok := ent.TableForID(id)
	if !ok || !pulid.Valid(id, pulid.Prefix(id)) {
		return "", apperr.NotFoundf(nil, "no node with this id")
	}
	if err := webhookNodeScope(ctx, table); err != nil {
		return "", err
	}
	if err := apiKeyNodeScope(ctx, table); err != nil {
		return "", err
	}
	return table, nil
}
