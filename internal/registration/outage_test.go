package registration_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"entgo.io/ent/dialect"

	"onboard/internal/testutil"
)

// closingDriver closes the database when the first statement reading a
// table goes out, once armed: an outage that begins at a chosen point of
// a request, met by the real driver.
type closingDriver struct {
	dialect.Driver
	mu    sync.Mutex
	table string
	close func()
}

// arm makes the next statement that reads table run close first.
func (d *closingDriver) arm(table string, close func()) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.table, d.close = table, close
}

func (d *closingDriver) Query(ctx context.Context, query string, args, v any) error {
	d.mu.Lock()
	if d.close != nil && strings.HasPrefix(query, "SELECT") && strings.Contains(query, d.table) {
		d.close()
		d.close = nil
	}
	d.mu.Unlock()
	return d.Driver.Query(ctx, query, args, v)
}

// TestOutageDuringCategorizationAborts makes the database go away when the
// registration looks up its category, on an input that also has a problem
// of its own: the answer is the outage alone (UNAVAILABLE, 503, no
// field), as for any other step, not an entry among the input's problems,
// which would tell the client to change its input when it should retry.
// The dry run shares the plan and answers the same.
func TestOutageDuringCategorizationAborts(t *testing.T) {
	for _, mutation := range []string{"registerIndividual(input: $input) { id }", "validateIndividualRegistration(input: $input) { valid }"} {
		name, _, _ := strings.Cut(mutation, "(")
		t.Run(name, func(t *testing.T) {
			drv := &closingDriver{}
			env := testutil.NewWith(t, testutil.Options{WrapDriver: func(d dialect.Driver) dialect.Driver {
				drv.Driver = d
				return drv
			}})
			env.Tenant("acme")
			input := testutil.Fixture(t, "finhub-individual.json")
			if input["customerCategory"] == nil {
				t.Fatal("the fixture names no category: categorization would look nothing up")
			}
			input["tags"] = []any{" "} // REQUIRED on tags.0
			drv.arm("categories", func() { env.DB.SQL.Close() })
			r := env.Do(testutil.Request{
				Token: env.Token([]string{"acme"}, "customers:register"), TenantKey: "acme",
				Query:     "mutation($input: RegisterIndividualInput!) { " + mutation + " }",
				Variables: map[string]any{"input": input},
			})
			if drv.close != nil {
				t.Fatal("the registration read no category: the outage never began")
			}
			if r.Status != 503 || len(r.Errors) != 1 {
				t.Fatalf("status %d with %d errors, want 503 with the outage alone: %s", r.Status, len(r.Errors), r.Raw)
			}
			if e := r.Errors[0]; e.Code() != "UNAVAILABLE" || e.Reason() != "DATABASE_UNAVAILABLE" || e.Field() != "" {
				t.Errorf("%s/%s on %q, want UNAVAILABLE/DATABASE_UNAVAILABLE on no field: %s", e.Code(), e.Reason(), e.Field(), r.Raw)
			}
		})
	}
}
