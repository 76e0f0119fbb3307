package graph

import (
	"strconv"
	"testing"

	"onboard/internal/customers"
)

// The SDL's default upTo of customerCount is customers.MaxCountUpTo, the
// bound CountUpTo enforces: the schema cannot name the Go constant, so
// this test keeps the two one rule.
func TestCustomerCountDefaultIsItsBound(t *testing.T) {
	f := NewExecutableSchema(Config{}).Schema().Query.Fields.ForName("customerCount")
	if f == nil {
		t.Fatal("no customerCount in the schema")
	}
	arg := f.Arguments.ForName("upTo")
	if arg == nil || arg.DefaultValue == nil {
		t.Fatal("customerCount has no upTo default")
	}
	if got, want := arg.DefaultValue.Raw, strconv.Itoa(customers.MaxCountUpTo); got != want {
		t.Errorf("customerCount(upTo:) defaults to %s, customers.MaxCountUpTo is %s", got, want)
	}
}
