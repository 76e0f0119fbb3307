package server_test

import (
	"fmt"
	"strings"
	"testing"

	"onboard/ent"
	"onboard/ent/customer"
	"onboard/ent/customerevent"
	"onboard/internal/testutil"
	"onboard/schema/schematype"
)

// events reads a customer's history straight from customer_events, oldest
// first (the history field is another part's).
func (e *registrationEnv) events(t *testing.T, customerID string) []*ent.CustomerEvent {
	t.Helper()
	return e.Client().CustomerEvent.Query().
		Where(customerevent.CustomerID(customerID)).
		Order(customerevent.ByID()).
		AllX(e.As(e.tenantID))
}

// version reads a customer's version.
func (e *registrationEnv) version(t *testing.T, customerID string) int {
	t.Helper()
	return e.Client().Customer.Query().Where(customer.ID(customerID)).OnlyX(e.As(e.tenantID)).Version
}

// changesOf renders an event's changes as "field: before → after", with
// " (personal)" on personal ones, one per line, for comparison.
func changesOf(ev *ent.CustomerEvent) string {
	var b strings.Builder
	for _, c := range ev.Changes {
		fmt.Fprintf(&b, "%s: %s → %s", c.Field, orNil(c.Before), orNil(c.After))
		if c.Personal {
			b.WriteString(" (personal)")
		}
		b.WriteString("\n")
	}
	return b.String()
}

func orNil(s *string) string {
	if s == nil {
		return "nil"
	}
	return *s
}

// TestRegistrationAppendsItsEvent: a registration appends one
// customer.registered event in its transaction, with its actor and request
// id, and leaves the version at 1; the idempotent replay appends nothing.
func TestRegistrationAppendsItsEvent(t *testing.T) {
	env := newRegistrationEnv(t)
	input := testutil.Fixture(t, "finhub-individual.json")
	var first, again registered
	env.register(input, "Idempotency-Key", "history-1").Into(t, &first)
	r := env.register(input, "Idempotency-Key", "history-1")
	r.Into(t, &again)
	id := first.RegisterIndividual.ID
	if id == "" || again.RegisterIndividual.ID != id {
		t.Fatalf("replay answered %q, first %q", again.RegisterIndividual.ID, id)
	}
	evs := env.events(t, id)
	if len(evs) != 1 {
		t.Fatalf("%d events after a registration and its replay, want 1", len(evs))
	}
	ev := evs[0]
	want(t, "type", ev.Type, schematype.EventCustomerRegistered)
	want(t, "actor", ev.Actor, "test")
	want(t, "request id set", ev.RequestID != "", true)
	want(t, "subject", ev.SubjectID, "")
	want(t, "changes", changesOf(ev), "type: nil → INDIVIDUAL\ncategory: nil → MEDIUM_RISK_INDIVIDUAL\nstatus: nil → PENDING_VERIFICATION\n")
	want(t, "version", env.version(t, id), 1)

	// A refused registration leaves no event behind.
	assertProblems(t, env.register(fixtureWith(t, "finhub-individual.json", map[string]any{"individualCustomer.user.status": "ACTIVE"})),
		map[string]string{"individualCustomer.user.status": "INVALID_VALUE"})
	want(t, "events in the tenant", env.Client().CustomerEvent.Query().CountX(env.As(env.tenantID)), 1)
}

// TestMemberChangesAppendTheirEvents: each member change appends its event
// with the member as subject and its fields before and after (personal
// ones flagged), and moves the customer's version; a change that changes
// nothing and a refused change append none.
func TestMemberChangesAppendTheirEvents(t *testing.T) {
	env := newRegistrationEnv(t)
	m := env.registerMembers(t)
	customerID := env.Client().Customer.Query().OnlyIDX(env.As(env.tenantID))
	want(t, "version after registration", env.version(t, customerID), 1)

	added := env.managed(t, "addRepresentative", map[string]any{"organizationId": m.orgID, "representative": map[string]any{
		"firstName": "Ada", "lastName": "Lovelace", "position": "CFO", "ownershipShare": 10.0, "dateOfBirth": "1980-12-10",
	}})
	env.managed(t, "updateRepresentative", map[string]any{"id": m.alice, "lastName": "Jones", "ownershipShare": 55.0})
	env.managed(t, "updateRepresentative", map[string]any{"id": m.alice, "lastName": "Jones"}) // changes nothing
	env.managed(t, "removeRepresentative", map[string]any{"id": m.john})
	emp := env.managed(t, "addEmployee", map[string]any{"organizationId": m.orgID, "employee": map[string]any{
		"person": map[string]any{"firstName": "Eve", "lastName": "Clerk"}, "department": "Ops",
	}})
	env.managed(t, "updateEmployee", map[string]any{"id": m.finance, "department": "Audit", "roles": []any{"USER"}})
	env.managed(t, "removeEmployee", map[string]any{"id": m.finance})
	// Refused: the last admin's ADMIN_USER.
	assertProblems(t, env.manage("removeEmployee", map[string]any{"id": m.admin}), map[string]string{"id": "MISSING_REQUIRED_ROLE"})

	evs := env.events(t, customerID)
	type row struct{ typ, subject string }
	wantRows := []row{
		{schematype.EventCustomerRegistered, ""},
		{schematype.EventMemberAdded, added.Representative.ID},
		{schematype.EventMemberUpdated, m.alice},
		{schematype.EventMemberRemoved, m.john},
		{schematype.EventMemberAdded, emp.Employee.ID},
		{schematype.EventMemberUpdated, m.finance},
		{schematype.EventMemberRemoved, m.finance},
	}
	if len(evs) != len(wantRows) {
		for _, ev := range evs {
			t.Logf("%s %s\n%s", ev.Type, ev.SubjectID, changesOf(ev))
		}
		t.Fatalf("%d events, want %d", len(evs), len(wantRows))
	}
	for i, w := range wantRows {
		want(t, fmt.Sprintf("event %d", i), row{evs[i].Type, evs[i].SubjectID}, w)
	}
	want(t, "version: one per recorded change", env.version(t, customerID), len(wantRows))

	want(t, "added representative", changesOf(evs[1]), strings.Join([]string{
		"position: nil → CFO", "ownershipShare: nil → 10", "isPrimaryOwner: nil → false", "isBeneficialOwner: nil → false",
		"person.firstName: nil → Ada (personal)", "person.lastName: nil → Lovelace (personal)",
		"person.dateOfBirth: nil → 1980-12-10 (personal)", ""}, "\n"))
	want(t, "updated representative", changesOf(evs[2]), "ownershipShare: 60 → 55\nperson.lastName: Shareholder → Jones (personal)\n")
	if c := changesOf(evs[3]); !strings.Contains(c, "position: MANAGING_DIRECTOR → nil\n") || !strings.Contains(c, "person.firstName: John → nil (personal)\n") {
		t.Errorf("removed representative: %s", c)
	}
	want(t, "added employee", changesOf(evs[4]), "department: nil → Ops\nroles: nil → EMPLOYEE\nperson.firstName: nil → Eve (personal)\nperson.lastName: nil → Clerk (personal)\n")
	want(t, "updated employee", changesOf(evs[5]), "department: Finance → Audit\nroles: EMPLOYEE,TRANSACTION_APPROVER → USER\n")
	if c := changesOf(evs[6]); !strings.Contains(c, "department: Audit → nil\n") || !strings.Contains(c, "roles: USER → nil\n") {
		t.Errorf("removed employee: %s", c)
	}
	for _, ev := range evs {
		want(t, ev.Type+" actor", ev.Actor, "test")
	}
}
