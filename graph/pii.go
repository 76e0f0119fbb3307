package graph

import (
	"context"
	"strings"
	"unicode/utf8"

	"onboard/internal/viewer"
)

// This file masks personal data (dates of birth, identity document
// numbers, tax ids, street lines) for viewers without the pii:read scope.
// Their resolvers are declared in gqlgen.yml; filters on the same fields
// are refused in limits.go.

// piiFields are the personal-data fields, as GraphQL and the where-inputs
// name them (Person.dateOfBirth, IdentityDocument.number,
// Organization.taxID, Address.street and line2): masked here, and refused
// as filter keys, with every predicate suffix, without pii:read.
var piiFields = []string{"dateOfBirth", "number", "taxID", "street", "line2"}

// visibleTail is how many trailing characters a masked value keeps: enough
// to tell two documents apart on a screen, too few to use.
const visibleTail = 2

// maskedPII is value as the viewer may see it: whole with pii:read, else
// every character but the last two hidden behind "****" ("****56").
func maskedPII(ctx context.Context, value string) *string {
	if viewer.FromContext(ctx).Has(viewer.ScopePIIRead) {
		return &value
	}
	masked := mask(value)
	return &masked
}

// optionalPII is maskedPII for an optional field: empty stays empty (null).
func optionalPII(ctx context.Context, value string) *string {
	if value == "" {
		return nil
	}
	return maskedPII(ctx, value)
}

// mask hides all of s but its last visibleTail characters (all of a short
// s), always behind the same four stars so the length is not given away.
func mask(s string) string {
	n := utf8.RuneCountInString(s)
	if n <= 2*visibleTail {
		return "****"
	}
	tail := s
	for range n - visibleTail {
		_, size := utf8.DecodeRuneInString(tail)
		tail = tail[size:]
	}
	return "****" + strings.TrimSpace(tail)
}
