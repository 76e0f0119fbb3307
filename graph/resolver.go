// Package graph is the GraphQL layer: the SDL, thin resolvers that map input
// to the domain and back, the error presenter and the directives.
package graph

import (
	"onboard/ent"
)

// Resolver is the dependency root of the resolvers.
type Resolver struct {
	Client *ent.Client
}
