// Package pulid makes the API's identifiers: a short type prefix and a ULID,
// such as "cus_01JD3T2Z8Q9X4M5N6P7R8S9T0V". The prefix lets node(id:) find the
// table without a lookup; the ULID keeps ids time-ordered (index friendly and a
// stable tie-breaker for cursors) and unguessable, so nobody can enumerate
// customers by counting.
package pulid

import (
	"strings"

	"github.com/oklog/ulid/v2"
)

// Separator joins the type prefix and the ULID.
const Separator = "_"

// New returns a fresh identifier with the given prefix (without separator).
func New(prefix string) string {
	return prefix + Separator + ulid.Make().String()
}

// Prefix returns the type prefix of id, or "" when id has none.
func Prefix(id string) string {
	p, _, ok := strings.Cut(id, Separator)
	if !ok {
		return ""
	}
	return p
}

// Valid reports whether id is a prefixed ULID with the given prefix.
func Valid(id, prefix string) bool {
	p, rest, ok := strings.Cut(id, Separator)
	if !ok || p != prefix {
		return false
	}
	_, err := ulid.ParseStrict(rest)
	return err == nil
}
