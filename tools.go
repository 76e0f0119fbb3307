//go:build tools

// Package tools pins the code generators' versions in go.mod so that
// `go generate ./...` produces the same output on every machine.
package tools

import (
	_ "github.com/99designs/gqlgen"
	_ "github.com/99designs/gqlgen/graphql/introspection"
)
