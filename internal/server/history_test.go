package server_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"onboard/ent"
	"onboard/internal/catalog"
	"onboard/internal/history"
	"onboard/internal/testutil"
	"onboard/internal/viewer"
	"onboard/schema/schematype"
)

// Customer.history: newest first, keyset pages, the types filter, the
// changes masked without pii:read, refused arguments, and one statement
// for a page of customers whatever its size.

// recordEvents appends events to customerID's history as the other parts'
// changes do, each through history.Record in a transaction of its own.
func recordEvents(t testing.TB, env *testutil.Env, tenantID string, events ...history.Event) {
	t.Helper()
	ctx := env.As(tenantID)
	for _, ev := range events {
		err := catalog.WithTx(ctx, env.Client(), func(tx *ent.Tx) error { return history.Record(ctx, tx, ev) })
		if err != nil {
			t.Fatalf("recording %s: %v", ev.Type, err)
		}
	}
}

// sampleHistory is five events of customerID, oldest first: the second
// changes a personal field, the third carries a note.
func sampleHistory(customerID string) []history.Event {
	s := func(v string) *string { return &v }
	return []history.Event{
		{CustomerID: customerID, Type: schematype.EventCustomerUpdated,
			Changes: history.Changes(history.Change("tags", nil, s("vip"), false))},
		{CustomerID: customerID, Type: schematype.EventCustomerUpdated,
			Changes: history.Changes(history.Change("person.lastName", s("Jensen"), s("Jensen-Holm"), true),
				history.Change("externalReference", s("A-1"), s("A-2"), false))},
		{CustomerID: customerID, Type: schematype.EventCustomerStatusChanged, Reason: "DOCUMENTS_UNCLEAR",
			Note: "Called Marcus Jensen about the passport", Changes: history.Changes(
				history.Change("status", s("PENDING_VERIFICATION"), s("IN_REVIEW"), false))},
		{CustomerID: customerID, Type: schematype.EventVerificationRecorded, SubjectID: "ver_x"},
		{CustomerID: customerID, Type: schematype.EventConsentAccepted, SubjectID: "cns_x"},
	}
}

const historyQuery = `query History($id: ID!, $first: Int, $after: Cursor, $types: [String!]) {
  node(id: $id) { ... on Customer {
    history(first: $first, after: $after, types: $types) {
      totalCount
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      edges { cursor node { id type actor reason note subjectID changes { field before after personal } } }
    }
  } }
}`

type historyPage struct {
	Node struct {
		History struct {
			TotalCount int
			PageInfo   struct {
				HasNextPage, HasPreviousPage bool
				StartCursor, EndCursor       *string
			}
			Edges []struct {
				Cursor string
				Node   historyEvent
			}
		}
	}
}

type historyEvent struct {
	ID, Type, Actor string
	Reason, Note    *string
	SubjectID       *string
	Changes         []struct {
		Field         string
		Before, After *string
		Personal      bool
	}
}

func (p historyPage) types() []string {
	var out []string
	for _, e := range p.Node.History.Edges {
		out = append(out, e.Node.Type)
	}
	return out
}

// newHistoryEnv registers the FinHub individual and records its sample
// history; it returns the customer's id.
func newHistoryEnv(t *testing.T) (*registrationEnv, string) {
	env := newRegistrationEnv(t)
	var got registered
	env.register(testutil.Fixture(t, "finhub-individual.json")).Into(t, &got)
	id := got.RegisterIndividual.ID
	recordEvents(t, env.Env, env.tenantID, sampleHistory(id)...)
	return env, id
}

func (e *registrationEnv) history(t *testing.T, token string, vars map[string]any) (historyPage, *testutil.Response) {
	t.Helper()
	r := e.Do(testutil.Request{Token: token, TenantKey: "acme", Query: historyQuery, Variables: vars})
	var p historyPage
	if len(r.Errors) == 0 {
		r.Into(t, &p)
	}
	return p, r
}

func TestCustomerHistoryNewestFirstInPages(t *testing.T) {
	env, id := newHistoryEnv(t)
	ctx := env.As(env.tenantID)
	stored := env.Client().CustomerEvent.Query().AllX(ctx)
	var ids []string
	for _, ev := range stored {
		ids = append(ids, ev.ID)
	}
	slices.Sort(ids)
	slices.Reverse(ids) // newest first

	var seen []string
	var after any
	for page := 0; ; page++ {
		p, r := env.history(t, env.manager, map[string]any{"id": id, "first": 2, "after": after})
		if len(r.Errors) > 0 {
			t.Fatalf("page %d: %s", page, r.Raw)
		}
		h := p.Node.History
		want(t, fmt.Sprintf("page %d totalCount", page), h.TotalCount, len(ids))
		want(t, fmt.Sprintf("page %d hasPreviousPage", page), h.PageInfo.HasPreviousPage, page > 0)
		for _, e := range h.Edges {
			seen = append(seen, e.Node.ID)
			// The sample's events were recorded as the system; the
			// registration's by the test's token.
			if e.Cursor == "" || e.Node.Actor != "system" && e.Node.Actor != "test" {
				t.Errorf("event %s: cursor %q, actor %q", e.Node.ID, e.Cursor, e.Node.Actor)
			}
		}
		if !h.PageInfo.HasNextPage {
			want(t, "last page size", len(h.Edges), len(ids)-2*page)
			break
		}
		want(t, fmt.Sprintf("page %d size", page), len(h.Edges), 2)
		after = *h.PageInfo.EndCursor
		if page > 5 {
			t.Fatal("paging does not end")
		}
	}
	want(t, "events, newest first", seen, ids)

	// The first page, whole: the newest event is the consent, and the
	// third newest the decision with its reason and note.
	p, _ := env.history(t, env.manager, map[string]any{"id": id, "first": 5})
	want(t, "types newest first", p.types(), []string{schematype.EventConsentAccepted, schematype.EventVerificationRecorded,
		schematype.EventCustomerStatusChanged, schematype.EventCustomerUpdated, schematype.EventCustomerUpdated})
	decision := p.Node.History.Edges[2].Node
	want(t, "reason", *decision.Reason, "DOCUMENTS_UNCLEAR")
	want(t, "note in clear with pii:read", *decision.Note, "Called Marcus Jensen about the passport")
	personal := p.Node.History.Edges[3].Node.Changes
	want(t, "personal change in clear", fmt.Sprintf("%s %s %s %v", personal[0].Field, *personal[0].Before, *personal[0].After, personal[0].Personal),
		"person.lastName Jensen Jensen-Holm true")

	// Each registration, update and decision moved the version by one.
	c := env.Client().Customer.GetX(ctx, id)
	want(t, "version", c.Version, 6)
}

func TestCustomerHistoryTypesFilter(t *testing.T) {
	env, id := newHistoryEnv(t)
	p, r := env.history(t, env.manager, map[string]any{"id": id, "first": 10,
		"types": []string{schematype.EventCustomerUpdated, schematype.EventConsentAccepted}})
	if len(r.Errors) > 0 {
		t.Fatal(r.Raw)
	}
	want(t, "types", p.types(), []string{schematype.EventConsentAccepted, schematype.EventCustomerUpdated, schematype.EventCustomerUpdated})
	want(t, "totalCount of the filtered", p.Node.History.TotalCount, 3)

	// Paging inside the filter.
	p1, _ := env.history(t, env.manager, map[string]any{"id": id, "first": 1, "types": []string{schematype.EventCustomerUpdated}})
	p2, _ := env.history(t, env.manager, map[string]any{"id": id, "first": 1, "types": []string{schematype.EventCustomerUpdated},
		"after": *p1.Node.History.PageInfo.EndCursor})
	if !p1.Node.History.PageInfo.HasNextPage || p2.Node.History.PageInfo.HasNextPage ||
		p1.Node.History.Edges[0].Node.ID <= p2.Node.History.Edges[0].Node.ID {
		t.Errorf("filtered pages: %+v then %+v", p1.Node.History, p2.Node.History)
	}
}

func TestCustomerHistoryMasksPersonalValuesWithoutPIIRead(t *testing.T) {
	env, id := newHistoryEnv(t)
	reader := env.Token([]string{"acme"}, viewer.ScopeCustomersRead)
	p, r := env.history(t, reader, map[string]any{"id": id, "first": 5})
	if len(r.Errors) > 0 {
		t.Fatal(r.Raw)
	}
	update := p.Node.History.Edges[3].Node
	for _, c := range update.Changes {
		got := fmt.Sprint(c.Field, " ", *c.Before, " ", *c.After)
		switch c.Field {
		case "person.lastName":
			want(t, "masked personal change", got, "person.lastName ****en ****lm")
		case "externalReference":
			want(t, "non-personal change in clear", got, "externalReference A-1 A-2")
		default:
			t.Errorf("unexpected change %s", c.Field)
		}
	}
	want(t, "masked note", *p.Node.History.Edges[2].Node.Note, "****rt")
	if strings.Contains(r.Raw, "Jensen-Holm") || strings.Contains(r.Raw, "Marcus") {
		t.Errorf("personal data in clear without pii:read: %s", r.Raw)
	}
}

func TestCustomerHistoryRefusesBadArguments(t *testing.T) {
	env, id := newHistoryEnv(t)
	var customers struct {
		Customers struct{ PageInfo struct{ EndCursor string } }
	}
	env.Do(testutil.Request{Token: env.manager, TenantKey: "acme",
		Query: `{ customers(first: 1) { pageInfo { endCursor } } }`}).Into(t, &customers)
	for name, tc := range map[string]struct {
		vars         map[string]any
		code, reason string
		field        string
	}{
		"no first":           {map[string]any{}, "BAD_USER_INPUT", "PAGE_SIZE_REQUIRED", ""},
		"first too large":    {map[string]any{"first": 501}, "BAD_USER_INPUT", "PAGE_SIZE_TOO_LARGE", "node.history.first"},
		"negative first":     {map[string]any{"first": -1}, "BAD_USER_INPUT", "INVALID_PAGE_SIZE", "node.history.first"},
		"garbage cursor":     {map[string]any{"first": 2, "after": "not-a-cursor"}, "BAD_USER_INPUT", "INVALID_CURSOR", "node.history.after"},
		"a customers cursor": {map[string]any{"first": 2, "after": customers.Customers.PageInfo.EndCursor}, "BAD_USER_INPUT", "INVALID_CURSOR", "after"},
		"unknown type":       {map[string]any{"first": 2, "types": []string{schematype.EventCustomerUpdated, "customer.deleted"}}, "BAD_USER_INPUT", "INVALID_VALUE", "types.1"},
	} {
		t.Run(name, func(t *testing.T) {
			tc.vars["id"] = id
			_, r := env.history(t, env.manager, tc.vars)
			if len(r.Errors) != 1 {
				t.Fatalf("want one error: %s", r.Raw)
			}
			e := r.Errors[0]
			want(t, "code/reason", e.Code()+"/"+e.Reason(), tc.code+"/"+tc.reason)
			if tc.field != "" {
				want(t, "field", e.Field(), tc.field)
			}
		})
	}
}

// TestCustomerHistoryStatementsDoNotGrowWithThePage: history(first: 5) on
// a page of 50 customers costs the statements it costs on a page of 5,
// every customer showing its own events.
func TestCustomerHistoryStatementsDoNotGrowWithThePage(t *testing.T) {
	counter := &sqlCounter{}
	env := testutil.NewWith(t, testutil.Options{WrapDriver: counter.Wrap})
	tenantID := env.Tenant("acme")
	ctx := env.As(tenantID)
	specs := make([]customerSpec, 60)
	for i := range specs {
		specs[i] = customerSpec{Name: fmt.Sprintf("Customer %02d", i), Organization: i%3 == 0, Country: "LT"}
	}
	ids := seedCustomers(t, ctx, env.Client(), specs)
	// Seven events each, in one bulk insert (seeding, not the code under test).
	var creates []*ent.CustomerEventCreate
	for _, id := range ids {
		for k := range 7 {
			creates = append(creates, env.Client().CustomerEvent.Create().SetCustomerID(id).
				SetType(schematype.EventCustomerUpdated).SetSubjectID(fmt.Sprintf("%s#%d", id, k)))
		}
	}
	env.Client().CustomerEvent.CreateBulk(creates...).ExecX(ctx)
	token := env.Token([]string{"acme"}, viewer.ScopeCustomersRead)
	const query = `query($first: Int!) { customers(first: $first) { edges { node { id
	  history(first: 5) { totalCount pageInfo { hasNextPage } edges { node { subjectID type changes { field } } } }
	} } } }`
	read := func(first int) (int64, []string) {
		var data struct {
			Customers struct {
				Edges []struct {
					Node struct {
						ID      string
						History struct {
							TotalCount int
							PageInfo   struct{ HasNextPage bool }
							Edges      []struct{ Node struct{ SubjectID string } }
						}
					}
				}
			}
		}
		var r *testutil.Response
		n, stmts := counter.Measure(func() {
			r = env.Do(testutil.Request{Token: token, TenantKey: "acme", Query: query, Variables: map[string]any{"first": first}})
		})
		r.Into(t, &data)
		if len(data.Customers.Edges) != first {
			t.Fatalf("first %d: %d customers", first, len(data.Customers.Edges))
		}
		for _, e := range data.Customers.Edges {
			h := e.Node.History
			if len(h.Edges) != 5 || h.TotalCount != 7 || !h.PageInfo.HasNextPage {
				t.Fatalf("customer %s: %d events of %d, hasNextPage %v", e.Node.ID, len(h.Edges), h.TotalCount, h.PageInfo.HasNextPage)
			}
			for k, ev := range h.Edges {
				if want := fmt.Sprintf("%s#%d", e.Node.ID, 6-k); ev.Node.SubjectID != want {
					t.Fatalf("customer %s event %d is %s, want %s", e.Node.ID, k, ev.Node.SubjectID, want)
				}
			}
		}
		return n, stmts
	}
	small, smallStmts := read(5)
	large, largeStmts := read(50)
	if small != large {
		t.Fatalf("history of 5 customers: %d statements, of 50: %d\n5:\n%s\n50:\n%s",
			small, large, statementSummary(smallStmts), statementSummary(largeStmts))
	}
	t.Logf("%d statements for 5 and for 50 customers with history(first: 5):\n%s", large, statementSummary(largeStmts))
}

// The history of another tenant's customer is not reachable: node(id:)
// finds no such customer.
func TestCustomerHistoryStaysInItsTenant(t *testing.T) {
	env, id := newHistoryEnv(t)
	env.Tenant("other")
	other := env.Token([]string{"other"}, viewer.ScopeCustomersRead, viewer.ScopePIIRead)
	r := env.Do(testutil.Request{Token: other, TenantKey: "other", Query: historyQuery, Variables: map[string]any{"id": id, "first": 5}})
	if strings.Contains(r.Raw, schematype.EventCustomerUpdated) || !strings.Contains(r.Raw, `"node":null`) {
		t.Errorf("another tenant reads the history: %s", r.Raw)
	}
}
