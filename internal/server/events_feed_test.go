package server_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"entgo.io/ent/dialect"

	"onboard/ent"
	"onboard/internal/catalog"
	"onboard/internal/database"
	"onboard/internal/events"
	"onboard/internal/history"
	"onboard/internal/onboarding"
	"onboard/internal/pulid"
	"onboard/internal/testutil"
	"onboard/internal/viewer"
	"onboard/schema/schematype"
)

// Query.events: the tenant's events in commit order, resumable from a
// cursor without missing an event that committed late; filters, tenant
// isolation, the scope, refused arguments, statements that do not grow
// with the page, and the sequencer's guarantees under concurrency.

const feedQuery = `query Feed($first: Int, $after: Cursor, $types: [String!], $customerId: ID) {
  events(first: $first, after: $after, types: $types, customerId: $customerId) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { id type customer { id } } }
  }
}`

type feedEvent struct {
	ID, Type string
	Customer struct{ ID string }
}

type feedResult struct {
	TotalCount int
	PageInfo   struct {
		HasNextPage, HasPreviousPage bool
		StartCursor, EndCursor       *string
	}
	Edges []struct {
		Cursor string
		Node   feedEvent
	}
}

func (r feedResult) events() []feedEvent {
	out := make([]feedEvent, len(r.Edges))
	for i, e := range r.Edges {
		out[i] = e.Node
	}
	return out
}

// feedEnv is a decision env whose sequencer runs (polling every 50 ms
// besides the wake-ups), with a token that reads the feed.
type feedEnv struct {
	*decisionEnv
	reader string
}

func newFeedEnv(t *testing.T) *feedEnv {
	t.Helper()
	e := &decisionEnv{registrationEnv: newRegistrationEnvWith(t, testutil.Options{
		StartDelivery: true,
		Events:        events.Settings{PollInterval: 50 * time.Millisecond},
	})}
	e.decider = e.Token([]string{"acme"}, "customers:decide", "customers:read")
	return &feedEnv{decisionEnv: e, reader: e.Token([]string{"acme"}, viewer.ScopeEventsRead, viewer.ScopeCustomersRead)}
}

// feed asks for one page; vars holds the arguments (first defaults to
// 100).
func (e *feedEnv) feed(t *testing.T, token, tenantKey string, vars map[string]any) feedResult {
	t.Helper()
	if _, ok := vars["first"]; !ok {
		vars["first"] = 100
	}
	resp := e.Do(testutil.Request{Token: token, TenantKey: tenantKey, Query: feedQuery, Variables: vars})
	if len(resp.Errors) > 0 {
		t.Fatalf("events %v: %s", vars, resp.Raw)
	}
	var got struct{ Events feedResult }
	resp.Into(t, &got)
	return got.Events
}

// waitFeed polls the feed after the cursor after ("" from the start)
// until it lists n events, and fails at the deadline (or when it lists
// more).
func (e *feedEnv) waitFeed(t *testing.T, token, tenantKey, after string, n int) feedResult {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		vars := map[string]any{}
		if after != "" {
			vars["after"] = after
		}
		got := e.feed(t, token, tenantKey, vars)
		if len(got.Edges) > n {
			t.Fatalf("the feed after %q lists %d events, want %d: %+v", after, len(got.Edges), n, got.events())
		}
		if len(got.Edges) == n {
			return got
		}
		if time.Now().After(deadline) {
			t.Fatalf("the feed after %q lists %d events after 10 s, want %d", after, len(got.Edges), n)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestEventsFeed(t *testing.T) {
	e := newFeedEnv(t)
	a, b, c := e.newCustomer(t), e.newCustomer(t), e.newCustomer(t)
	e.mustDecide(t, onboarding.ActionReview, a, nil)

	reg, status := schematype.EventCustomerRegistered, schematype.EventCustomerStatusChanged
	want := []feedEvent{{Type: reg}, {Type: reg}, {Type: reg}, {Type: status}}
	for i, id := range []string{a, b, c, a} {
		want[i].Customer.ID = id
	}
	all := e.waitFeed(t, e.reader, "acme", "", len(want))
	strip := func(evs []feedEvent) []feedEvent {
		out := slices.Clone(evs)
		for i := range out {
			out[i].ID = ""
		}
		return out
	}
	if got := strip(all.events()); !slices.Equal(got, want) {
		t.Fatalf("feed = %+v, want %+v (commit order)", got, want)
	}
	if all.TotalCount != 4 || all.PageInfo.HasNextPage || all.PageInfo.HasPreviousPage {
		t.Errorf("totalCount %d, pageInfo %+v", all.TotalCount, all.PageInfo)
	}

	t.Run("pages of two resume from endCursor", func(t *testing.T) {
		var (
			paged  []feedEvent
			after  any
			cursor string
		)
		for i := 0; ; i++ {
			p := e.feed(t, e.reader, "acme", map[string]any{"first": 2, "after": after})
			paged = append(paged, p.events()...)
			if p.PageInfo.HasPreviousPage != (after != nil) {
				t.Errorf("page %d: hasPreviousPage %t", i, p.PageInfo.HasPreviousPage)
			}
			if len(p.Edges) > 0 && (p.PageInfo.EndCursor == nil || *p.PageInfo.EndCursor != p.Edges[len(p.Edges)-1].Cursor) {
				t.Errorf("page %d: endCursor %v is not the last edge's cursor", i, p.PageInfo.EndCursor)
			}
			if !p.PageInfo.HasNextPage {
				if i != 1 {
					t.Errorf("hasNextPage false on page %d, want on page 1 (4 events by 2)", i)
				}
				if p.PageInfo.EndCursor != nil {
					cursor = *p.PageInfo.EndCursor
				}
				break
			}
			if i > 3 {
				t.Fatal("paging does not end")
			}
			after = *p.PageInfo.EndCursor
		}
		if !slices.Equal(paged, all.events()) {
			t.Errorf("paged = %+v, want %+v", paged, all.events())
		}
		if rest := e.feed(t, e.reader, "acme", map[string]any{"after": cursor}); len(rest.Edges) != 0 || rest.PageInfo.HasNextPage {
			t.Errorf("after the last cursor: %+v", rest)
		}
	})

	t.Run("filters", func(t *testing.T) {
		got := e.feed(t, e.reader, "acme", map[string]any{"types": []string{status}})
		if evs := strip(got.events()); !slices.Equal(evs, want[3:]) || got.TotalCount != 1 {
			t.Errorf("types [%s]: %+v (total %d)", status, evs, got.TotalCount)
		}
		got = e.feed(t, e.reader, "acme", map[string]any{"customerId": a})
		if evs := strip(got.events()); !slices.Equal(evs, []feedEvent{want[0], want[3]}) || got.TotalCount != 2 {
			t.Errorf("customerId a: %+v (total %d)", evs, got.TotalCount)
		}
		got = e.feed(t, e.reader, "acme", map[string]any{"customerId": b, "types": []string{status}})
		if len(got.Edges) != 0 || got.TotalCount != 0 {
			t.Errorf("customerId b, types [%s]: %+v", status, got.events())
		}
		// A customer id of another tenant, or none at all, is an empty
		// feed, not an error: the filter only narrows the tenant's feed.
		got = e.feed(t, e.reader, "acme", map[string]any{"customerId": pulid.New(schematype.PrefixCustomer)})
		if len(got.Edges) != 0 {
			t.Errorf("an unknown customer: %+v", got.events())
		}
	})

	t.Run("another tenant's events never appear", func(t *testing.T) {
		globexID := e.Tenant("globex")
		ctx := e.As(globexID)
		ids := seedCustomers(t, ctx, e.Client(), []customerSpec{{Name: "Globex Person", Country: "LT", Nationality: "LT"}})
		recordEvents(t, e.Env, globexID, history.Event{CustomerID: ids[0], Type: schematype.EventCustomerUpdated})
		globex := e.Token([]string{"globex"}, viewer.ScopeEventsRead, viewer.ScopeCustomersRead)
		theirs := e.waitFeed(t, globex, "globex", "", 1)
		if ev := theirs.Edges[0].Node; ev.Customer.ID != ids[0] {
			t.Errorf("globex's feed: %+v", ev)
		}
		mine := e.feed(t, e.reader, "acme", map[string]any{})
		if !slices.Equal(mine.events(), all.events()) || mine.TotalCount != 4 {
			t.Errorf("acme's feed changed with globex's event: %+v", mine.events())
		}
		// Even the other tenant's cursor only resumes within the reader's
		// own tenant.
		if got := e.feed(t, e.reader, "acme", map[string]any{"after": theirs.Edges[0].Cursor}); len(got.Edges) != 0 {
			t.Errorf("acme after globex's cursor: %+v", got.events())
		}
		// A token of both tenants reads the one it acts for.
		both := e.Token([]string{"acme", "globex"}, viewer.ScopeEventsRead, viewer.ScopeCustomersRead)
		if got := e.feed(t, both, "globex", map[string]any{}); len(got.Edges) != 1 || got.Edges[0].Node.Customer.ID != ids[0] {
			t.Errorf("globex's feed through a token of both: %+v", got.events())
		}
	})

	t.Run("refusals", func(t *testing.T) {
		var hist struct {
			Node struct {
				History struct{ PageInfo struct{ EndCursor string } }
			}
		}
		e.Do(testutil.Request{Token: e.manager, TenantKey: "acme",
			Query:     `query($id: ID!) { node(id: $id) { ... on Customer { history(first: 1) { pageInfo { endCursor } } } } }`,
			Variables: map[string]any{"id": a}}).Into(t, &hist)
		historyCursor := hist.Node.History.PageInfo.EndCursor
		if historyCursor == "" {
			t.Fatal("no history cursor")
		}
		var customers struct {
			Customers struct{ PageInfo struct{ EndCursor string } }
		}
		e.Do(testutil.Request{Token: e.manager, TenantKey: "acme",
			Query: `{ customers(first: 1) { pageInfo { endCursor } } }`}).Into(t, &customers)
		noEvents := e.Token([]string{"acme"}, testutil.AllScopes...)
		for _, tc := range []struct {
			name  string
			token string
			vars  map[string]any
			// want is "code reason field": the limits walker, which
			// refuses before execution, names the field from the root
			// (events.after); the resolver names its argument (after), as
			// on history.
			want string
		}{
			{"no events:read", noEvents, map[string]any{"first": 2}, "FORBIDDEN MISSING_SCOPE "},
			{"no first", e.reader, map[string]any{}, "BAD_USER_INPUT PAGE_SIZE_REQUIRED events"},
			{"first too large", e.reader, map[string]any{"first": 100000}, "BAD_USER_INPUT PAGE_SIZE_TOO_LARGE events.first"},
			{"a cursor that does not decode", e.reader, map[string]any{"first": 2, "after": "not-a-cursor"}, "BAD_USER_INPUT INVALID_CURSOR events.after"},
			{"a history cursor", e.reader, map[string]any{"first": 2, "after": historyCursor}, "BAD_USER_INPUT INVALID_CURSOR after"},
			{"a customers cursor", e.reader, map[string]any{"first": 2, "after": customers.Customers.PageInfo.EndCursor}, "BAD_USER_INPUT INVALID_CURSOR after"},
			{"a cursor of sequence 0", e.reader, map[string]any{"first": 2, "after": zeroCursor(t, all.Edges[0].Cursor)}, "BAD_USER_INPUT INVALID_CURSOR after"},
			{"an unknown type", e.reader, map[string]any{"first": 2, "types": []string{reg, "customer.exploded"}}, "BAD_USER_INPUT INVALID_VALUE types.1"},
			{"a customerId of another kind", e.reader, map[string]any{"first": 2, "customerId": pulid.New("per")}, "BAD_USER_INPUT INVALID_VALUE customerId"},
			{"a customerId that is no id", e.reader, map[string]any{"first": 2, "customerId": "robert'); DROP TABLE customers;--"}, "BAD_USER_INPUT INVALID_VALUE customerId"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				resp := e.Do(testutil.Request{Token: tc.token, TenantKey: "acme", Query: feedQuery, Variables: tc.vars})
				if len(resp.Errors) != 1 {
					t.Fatalf("want one error %q, got %s", tc.want, resp.Raw)
				}
				err := resp.Errors[0]
				if got := err.Code() + " " + err.Reason() + " " + err.Field(); got != tc.want {
					t.Errorf("got %q, want %q: %s", got, tc.want, resp.Raw)
				}
			})
		}
	})
}

// zeroCursor returns a cursor of the feed's encoding whose sequence is 0,
// built by decoding a real cursor and re-encoding it.
func zeroCursor(t *testing.T, real string) string {
	t.Helper()
	var c ent.Cursor
	if err := c.UnmarshalGQL(real); err != nil {
		t.Fatalf("decoding %q: %v", real, err)
	}
	c.ID = "0"
	var b strings.Builder
	c.MarshalGQL(&b)
	return strings.Trim(b.String(), `"`)
}

// TestEventsFeedLateCommit: an event whose transaction commits after a
// later event was sequenced and read still reaches the consumer that
// resumes from its cursor, though its id is smaller than the one read: a
// feed by id would have skipped it.
//
// On PostgreSQL the late event is appended by a transaction held open
// while another commits. SQLite lets one transaction write at a time (it
// takes the lock at BEGIN), so a transaction cannot commit under another;
// there the late event is an event whose id was taken before the other's
// and that is written after it, as a second server's late commit would
// arrive.
func TestEventsFeedLateCommit(t *testing.T) {
	e := newFeedEnv(t)
	first := e.newCustomer(t)
	start := e.waitFeed(t, e.reader, "acme", "", 1)
	c0 := *start.PageInfo.EndCursor
	ctx := e.As(e.tenantID)
	late := history.Event{CustomerID: first, Type: schematype.EventCustomerUpdated,
		Changes: history.Changes(history.Change("tags", nil, history.Text("late"), false))}

	var commitLate func()
	var lateID string
	if e.DB.Dialect == dialect.Postgres {
		tx, err := e.Client().Tx(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if err := history.Append(ctx, tx, late); err != nil {
			t.Fatal(err)
		}
		evs, err := tx.CustomerEvent.Query().All(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, ev := range evs {
			if ev.Type == late.Type {
				lateID = ev.ID
			}
		}
		t.Cleanup(func() { _ = tx.Rollback() })
		commitLate = func() {
			if err := tx.Commit(); err != nil {
				t.Fatal(err)
			}
		}
	} else {
		lateID = pulid.New(schematype.PrefixCustomerEvent)
		commitLate = func() {
			err := catalog.WithTx(ctx, e.Client(), func(tx *ent.Tx) error {
				return tx.CustomerEvent.Create().SetID(lateID).SetCustomerID(late.CustomerID).
					SetType(late.Type).SetChanges(late.Changes).Exec(ctx)
			})
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	if lateID == "" {
		t.Fatal("the held transaction's event has no id")
	}

	// Meanwhile another change commits, is sequenced and read.
	second := e.newCustomer(t)
	read := e.waitFeed(t, e.reader, "acme", c0, 1)
	earlier := read.Edges[0].Node
	if earlier.Customer.ID != second || earlier.Type != schematype.EventCustomerRegistered {
		t.Fatalf("read %+v, want the second registration", earlier)
	}
	c1 := *read.PageInfo.EndCursor

	commitLate()
	got := e.waitFeed(t, e.reader, "acme", c1, 1).Edges[0].Node
	if got.ID != lateID || got.Type != late.Type || got.Customer.ID != first {
		t.Fatalf("resumed with %+v, want the late event %s", got, lateID)
	}
	if !(lateID < earlier.ID) {
		t.Errorf("the late event's id %s is not smaller than the earlier-read %s: the test proves nothing", lateID, earlier.ID)
	}
	// Listed in full, the feed is in commit order, not id order.
	all := e.feed(t, e.reader, "acme", map[string]any{})
	var ids []string
	for _, ev := range all.events() {
		ids = append(ids, ev.ID)
	}
	if len(ids) != 3 || ids[1] != earlier.ID || ids[2] != lateID {
		t.Errorf("feed ids %v, want [_, %s, %s]", ids, earlier.ID, lateID)
	}
}

// TestEventsFeedRollback: an event appended in a transaction that rolls
// back is never listed (nor left to sequence).
func TestEventsFeedRollback(t *testing.T) {
	e := newFeedEnv(t)
	id := e.newCustomer(t)
	c0 := *e.waitFeed(t, e.reader, "acme", "", 1).PageInfo.EndCursor
	ctx := e.As(e.tenantID)
	tx, err := e.Client().Tx(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := history.Append(ctx, tx, history.Event{CustomerID: id, Type: schematype.EventConsentAccepted}); err != nil {
		t.Fatal(err)
	}
	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}
	// A marker commits after the rollback; once it is listed, the
	// sequencer has run past the moment the rolled-back event would have
	// been visible.
	recordEvents(t, e.Env, e.tenantID, history.Event{CustomerID: id, Type: schematype.EventCustomerUpdated})
	got := e.waitFeed(t, e.reader, "acme", c0, 1)
	if ev := got.Edges[0].Node; ev.Type != schematype.EventCustomerUpdated {
		t.Errorf("after the rollback the feed lists %+v, want only the marker", ev)
	}
	var n int
	if err := e.DB.SQL.QueryRow(`SELECT COUNT(*) FROM customer_events WHERE type = 'consent.accepted' OR sequence IS NULL`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Errorf("%d rolled-back or unsequenced events in the table", n)
	}
}

// TestSequencersTakeTurns: two sequencers over two pools of one database
// (two servers) run while writers commit events: every event gets exactly
// one sequence, and the sequences are 1..n without a gap or a repeat. On
// PostgreSQL the advisory lock makes them take turns; on SQLite the write
// lock does.
func TestSequencersTakeTurns(t *testing.T) {
	cfg := database.Config{DataDir: t.TempDir(), MaxConns: 4}
	if base := os.Getenv("TEST_DATABASE_URL"); base != "" {
		cfg.URL = testutil.FreshSchema(t, base)
	}
	open := func() *database.DB {
		db, err := database.Open(cfg, nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	}
	db1 := open()
	if err := db1.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	db2 := open()
	admin := viewer.NewContext(context.Background(), &viewer.Viewer{
		Subject: "test", Tenants: []string{viewer.AllTenants}, Scopes: []string{viewer.ScopeTenantsAdmin}})
	tenant, err := catalog.CreateTenant(admin, db1.Client, catalog.TenantInput{Key: "acme", Name: "acme"})
	if err != nil {
		t.Fatal(err)
	}
	ctx := viewer.ForTenant(context.Background(), tenant.ID)
	customers := seedCustomers(t, ctx, db1.Client, []customerSpec{
		{Name: "One", Country: "LT", Nationality: "LT"}, {Name: "Two", Country: "LT", Nationality: "LT"}})

	var (
		mu      sync.Mutex
		fanned  = map[string]int{}
		lastSeq int64
		ordered = true
	)
	fanout := func(ctx context.Context, tx *ent.Tx, evs []events.Sequenced) error {
		mu.Lock()
		defer mu.Unlock()
		for _, ev := range evs {
			fanned[ev.ID]++
			if ev.Sequence != lastSeq+1 {
				ordered = false
			}
			lastSeq = ev.Sequence
		}
		return nil
	}
	settings := events.Settings{PollInterval: 5 * time.Millisecond}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	seqs := []*events.Sequencer{
		events.NewSequencer(db1, settings, fanout, logger),
		events.NewSequencer(db2, settings, fanout, logger),
	}
	runCtx, stop := context.WithCancel(context.Background())
	var running sync.WaitGroup
	for _, s := range seqs {
		running.Add(1)
		go func() { defer running.Done(); s.Run(runCtx) }()
	}
	defer func() { stop(); running.Wait() }()

	const writers, perWriter = 4, 25
	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			db := []*database.DB{db1, db2}[w%2]
			for i := range perWriter {
				err := catalog.WithTx(ctx, db.Client, func(tx *ent.Tx) error {
					return history.Append(ctx, tx, history.Event{CustomerID: customers[i%2], Type: schematype.EventCustomerUpdated})
				})
				if err != nil {
					t.Errorf("writer %d: %v", w, err)
					return
				}
				seqs[i%2].Wake()
			}
		}()
	}
	wg.Wait()
	const n = writers * perWriter

	deadline := time.Now().Add(10 * time.Second)
	for {
		var waiting int
		if err := db1.SQL.QueryRow(`SELECT COUNT(*) FROM customer_events WHERE sequence IS NULL`).Scan(&waiting); err != nil {
			t.Fatal(err)
		}
		if waiting == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d events still unsequenced after 10 s", waiting)
		}
		time.Sleep(10 * time.Millisecond)
	}
	stop()
	running.Wait()

	var total, distinct, lo, hi int64
	err = db1.SQL.QueryRow(`SELECT COUNT(*), COUNT(DISTINCT sequence), COALESCE(MIN(sequence), 0), COALESCE(MAX(sequence), 0)
		FROM customer_events`).Scan(&total, &distinct, &lo, &hi)
	if err != nil {
		t.Fatal(err)
	}
	if total != n || distinct != n || lo != 1 || hi != n {
		t.Errorf("%d events, %d distinct sequences from %d to %d; want %d, 1..%d", total, distinct, lo, hi, n, n)
	}
	var unstamped int
	if err := db1.SQL.QueryRow(`SELECT COUNT(*) FROM customer_events WHERE sequenced_at IS NULL`).Scan(&unstamped); err != nil {
		t.Fatal(err)
	}
	if unstamped != 0 {
		t.Errorf("%d sequenced events without sequenced_at", unstamped)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(fanned) != n || !ordered {
		t.Errorf("fanout saw %d events (want %d), in sequence order: %t", len(fanned), n, ordered)
	}
	for id, times := range fanned {
		if times != 1 {
			t.Errorf("event %s fanned out %d times", id, times)
		}
	}
}

// TestEventsFeedStatementsAreFlat: a page of the feed with each node's
// customer and changes costs the same statements at 5 events as at 50.
// The sequencer runs by hand here, so no background work counts.
func TestEventsFeedStatementsAreFlat(t *testing.T) {
	counter := &sqlCounter{}
	env := testutil.NewWith(t, testutil.Options{WrapDriver: counter.Wrap})
	tenantID := env.Tenant("acme")
	specs := make([]customerSpec, 25)
	for i := range specs {
		specs[i] = customerSpec{Name: fmt.Sprintf("Customer %d", i), Country: "LT", Nationality: "LT"}
	}
	ids := seedCustomers(t, env.As(tenantID), env.Client(), specs)
	var evs []history.Event
	for round := range 2 {
		for _, id := range ids {
			evs = append(evs, history.Event{CustomerID: id, Type: schematype.EventCustomerUpdated,
				Changes: history.Changes(history.Change("tags", nil, history.Text(fmt.Sprint(round)), false))})
		}
	}
	recordEvents(t, env, tenantID, evs...)
	if n, err := env.Delivery.Sequencer.SequenceOnce(context.Background()); err != nil || n != len(evs) {
		t.Fatalf("sequenced %d (%v), want %d", n, err, len(evs))
	}
	token := env.Token([]string{"acme"}, viewer.ScopeEventsRead, viewer.ScopeCustomersRead)
	statements := func(first int) []string {
		_, stmts := counter.Measure(func() {
			resp := env.Do(testutil.Request{Token: token, TenantKey: "acme",
				Query:     `query($n: Int!) { events(first: $n) { pageInfo { hasNextPage } edges { node { id customer { id } changes { field } } } } }`,
				Variables: map[string]any{"n": first}})
			var got struct {
				Events struct {
					Edges []struct {
						Node struct {
							Customer struct{ ID string }
							Changes  []struct{ Field string }
						}
					}
				}
			}
			resp.Into(t, &got)
			if len(resp.Errors) > 0 || len(got.Events.Edges) != first {
				t.Fatalf("first %d: %s", first, resp.Raw)
			}
			for _, e := range got.Events.Edges {
				if e.Node.Customer.ID == "" || len(e.Node.Changes) != 1 || e.Node.Changes[0].Field != "tags" {
					t.Fatalf("first %d: a node without its customer or changes: %s", first, resp.Raw)
				}
			}
		})
		return stmts
	}
	small, large := statements(5), statements(50)
	if len(small) != len(large) {
		t.Errorf("first: 5 ran %d statements, first: 50 ran %d:\n%s", len(small), len(large), strings.Join(large, "\n"))
	}
	if len(large) > 3 {
		t.Errorf("first: 50 ran %d statements, want the page and its customers:\n%s", len(large), strings.Join(large, "\n"))
	}
}
