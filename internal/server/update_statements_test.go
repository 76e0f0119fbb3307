package server_test

import (
	"fmt"
	"strings"
	"testing"

	"onboard/internal/testutil"
)

// TestRegistrationEventCostsOneStatement measures what the history costs a
// registration: exactly one INSERT into customer_events, in its
// transaction (the version stays 1, so no UPDATE of the customer). The
// whole registration's count is logged, for the record of before and after.
func TestRegistrationEventCostsOneStatement(t *testing.T) {
	counter := &sqlCounter{}
	env := newRegistrationEnvWith(t, testutil.Options{WrapDriver: counter.Wrap})
	counter.Record(true)
	n, stmts := counter.Measure(func() {
		env.register(testutil.Fixture(t, "finhub-individual.json")).Into(t, &registered{})
	})
	inserts, updates := 0, 0
	for _, s := range stmts {
		switch {
		case strings.Contains(s, "INSERT INTO") && strings.Contains(s, "customer_events"):
			inserts++
		case strings.HasPrefix(strings.TrimSpace(s), "UPDATE") && strings.Contains(s, `"customers"`):
			updates++
		}
	}
	want(t, "event inserts", inserts, 1)
	want(t, "customer updates", updates, 0)
	t.Logf("registerIndividual: %d statements, of which 1 is the event", n)
}

// TestUpdateStatementsDoNotGrowWithTheChange: an update reads the customer
// with all its rows in a fixed number of statements, whatever the number
// of addresses; each written row costs its own statement.
func TestUpdateStatementsDoNotGrowWithTheChange(t *testing.T) {
	counter := &sqlCounter{}
	env := newRegistrationEnvWith(t, testutil.Options{WrapDriver: counter.Wrap})
	measure := func(addresses int) int64 {
		var got registered
		login := fmt.Sprintf("u%d@example.com", addresses)
		env.register(fixtureWith(t, "finhub-individual.json", map[string]any{
			"email": login, "individualCustomer.user.email": login, "individualCustomer.user.username": login,
		})).Into(t, &got)
		c := env.storedCustomer(t, got.RegisterIndividual.ID)
		if addresses > 0 {
			var add []any
			for range addresses {
				add = append(add, map[string]any{"street": "s", "city": "c", "country": "LT"})
			}
			env.update(updateIndividual, map[string]any{"customerId": c.ID, "expectedVersion": 1,
				"addresses": map[string]any{"add": add}}).Into(t, &struct{}{})
		}
		v := env.storedCustomer(t, c.ID).Version
		n, _ := counter.Measure(func() {
			env.update(updateIndividual, map[string]any{"customerId": c.ID, "expectedVersion": v,
				"person": map[string]any{"lastName": "Other"}}).Into(t, &struct{}{})
		})
		return n
	}
	few, many := measure(0), measure(8)
	if few != many {
		t.Errorf("updating a last name: %d statements with 1 address, %d with 9", few, many)
	}
	t.Logf("updateIndividual of one field: %d statements", few)
}
