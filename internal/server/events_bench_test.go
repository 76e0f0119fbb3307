package server_test

import (
	"context"
	"fmt"
	"testing"

	"onboard/ent"
	"onboard/internal/catalog"
	"onboard/internal/events"
	"onboard/internal/history"
	"onboard/internal/testutil"
	"onboard/schema/schematype"
)

// BenchmarkOutboxWrite sets what the outbox costs a change against the
// change: a whole registration through the handler (register, argon2id
// hash included), an event appended in a transaction of its own
// (tx+append: BEGIN, the INSERT, COMMIT) and the INSERT alone inside a
// transaction that many appends share (append: what the event adds to a
// change's transaction, which a registration already opens). Run on both
// databases (TEST_DATABASE_URL for PostgreSQL).
func BenchmarkOutboxWrite(b *testing.B) {
	env := newRegistrationEnv(b)
	ctx := env.As(env.tenantID)
	ids := seedCustomers(b, ctx, env.Client(), []customerSpec{{Name: "Bench Person", Country: "LT", Nationality: "LT"}})
	ev := history.Event{CustomerID: ids[0], Type: schematype.EventCustomerUpdated,
		Changes: history.Changes(history.Change("tags", nil, history.Text("vip"), false),
			history.Change("person.lastName", history.Text("Jensen"), history.Text("Jensen-Holm"), true))}

	b.Run("register", func(b *testing.B) {
		n := 0
		for b.Loop() {
			n++
			input := testutil.Fixture(b, "finhub-individual.json")
			email := fmt.Sprintf("outbox-%d-%d@example.com", b.N, n)
			for _, p := range []string{"email", "individualCustomer.user.email", "individualCustomer.user.username"} {
				set(b, input, p, email)
			}
			if r := env.register(input); len(r.Errors) > 0 {
				b.Fatalf("registration failed: %s", r.Raw)
			}
		}
	})
	b.Run("tx+append", func(b *testing.B) {
		for b.Loop() {
			err := catalog.WithTx(ctx, env.Client(), func(tx *ent.Tx) error { return history.Append(ctx, tx, ev) })
			if err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("append", func(b *testing.B) {
		const perTx = 100
		var tx *ent.Tx
		commit := func() {
			if tx != nil {
				if err := tx.Commit(); err != nil {
					b.Fatal(err)
				}
				tx = nil
			}
		}
		n := 0
		for b.Loop() {
			if tx == nil {
				b.StopTimer()
				var err error
				if tx, err = env.Client().Tx(ctx); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
			}
			if err := history.Append(ctx, tx, ev); err != nil {
				b.Fatal(err)
			}
			if n++; n%perTx == 0 {
				b.StopTimer()
				commit()
				b.StartTimer()
			}
		}
		commit()
	})
}

// BenchmarkSequencer measures one sequencing run over a batch of N
// committed events (the events are written with the timer stopped): the
// lock (PostgreSQL), the numbering statement and the commit, without a
// fan-out. ns/event is the run's cost per event.
func BenchmarkSequencer(b *testing.B) {
	env := testutil.NewWith(b, testutil.Options{})
	tenantID := env.Tenant("acme")
	ctx := env.As(tenantID)
	ids := seedCustomers(b, ctx, env.Client(), []customerSpec{{Name: "Bench Person", Country: "LT", Nationality: "LT"}})
	seq := events.NewSequencer(env.DB, events.Settings{}, nil, nil)
	for _, n := range []int{1, 50, events.BatchSize} {
		b.Run(fmt.Sprintf("batch-%d", n), func(b *testing.B) {
			creates := make([]*ent.CustomerEventCreate, n)
			for b.Loop() {
				b.StopTimer()
				err := catalog.WithTx(ctx, env.Client(), func(tx *ent.Tx) error {
					for i := range creates {
						creates[i] = tx.CustomerEvent.Create().SetCustomerID(ids[0]).
							SetType(schematype.EventCustomerUpdated).
							SetChanges(history.Changes(history.Change("tags", nil, history.Text("vip"), false)))
					}
					return tx.CustomerEvent.CreateBulk(creates...).Exec(ctx)
				})
				if err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				got, err := seq.SequenceOnce(context.Background())
				if err != nil || got != n {
					b.Fatalf("sequenced %d (%v), want %d", got, err, n)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/event")
		})
	}
}
