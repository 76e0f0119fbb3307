package server_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"onboard/ent"
	"onboard/ent/customerevent"
	"onboard/ent/webhookdelivery"
	"onboard/internal/history"
	"onboard/internal/testutil"
	"onboard/internal/webhooks"
	"onboard/schema/schematype"
)

// BenchmarkWebhookWorker measures the worker's throughput: b.N pending
// deliveries (made by the real sequencer and Fanout) drained to a loopback
// receiver that answers 200 at once, at Workers=1 and 4. The timer runs
// from the worker's start until every delivery is recorded SUCCEEDED.
//
//	go test ./internal/server/ -run '^$' -bench WebhookWorker -benchtime 500x
func BenchmarkWebhookWorker(b *testing.B) {
	for _, workers := range []int{1, 4} {
		b.Run(fmt.Sprintf("workers=%d", workers), func(b *testing.B) {
			ev, wh := deliverySettings()
			wh.Workers = workers
			env := testutil.NewWith(b, testutil.Options{Events: ev, Webhooks: wh})
			tenantID := env.Tenant("acme")
			var got atomic.Int64
			rc := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				got.Add(1)
				w.WriteHeader(http.StatusNoContent)
			}))
			b.Cleanup(rc.Close)
			key := env.Delivery.Webhooks.Settings.SecretKey
			createEndpoint(b, env, "acme", rc.URL)
			appendEvents(b, env, tenantID, newBareCustomer(b, env, tenantID), b.N, func() {})
			for {
				n, err := env.Delivery.Sequencer.SequenceOnce(context.Background())
				if err != nil {
					b.Fatal(err)
				}
				if n == 0 {
					break
				}
			}
			if n := env.Client().WebhookDelivery.Query().CountX(all()); n != b.N {
				b.Fatalf("%d deliveries pending, want %d", n, b.N)
			}
			box, err := webhooks.NewBox(key)
			if err != nil {
				b.Fatal(err)
			}
			worker := webhooks.NewWorker(env.DB, box, wh, nil, nil, nil)
			ctx, stop := context.WithCancel(context.Background())
			done := make(chan struct{})
			b.ResetTimer()
			start := time.Now()
			go func() { defer close(done); worker.Run(ctx, context.Background()) }()
			waitUntil(b, 5*time.Minute, "the receiver gets every delivery", func() bool { return got.Load() >= int64(b.N) })
			waitUntil(b, time.Minute, "every delivery is recorded", func() bool {
				return env.Client().WebhookDelivery.Query().
					Where(webhookdelivery.StatusEQ(webhookdelivery.StatusSUCCEEDED)).CountX(all()) == b.N
			})
			elapsed := time.Since(start)
			b.StopTimer()
			stop()
			<-done
			if got.Load() != int64(b.N) {
				b.Errorf("the receiver got %d requests for %d deliveries", got.Load(), b.N)
			}
			b.ReportMetric(float64(b.N)/elapsed.Seconds(), "deliveries/s")
		})
	}
}

// BenchmarkWebhookLatency measures an event's way from its commit to the
// receiver: b.N events committed one by one at about 50 a second through
// history.Append in a transaction that wakes the sequencer when it
// commits (the server's path), with the sequencer and worker running as a
// server runs them. It reports the median and the 99th percentile.
//
//	go test ./internal/server/ -run '^$' -bench WebhookLatency -benchtime 200x
func BenchmarkWebhookLatency(b *testing.B) {
	ev, wh := deliverySettings()
	ev.PollInterval, wh.PollInterval = time.Second, time.Second // the production default: wake-ups, not polls, carry events
	env := testutil.NewWith(b, testutil.Options{Events: ev, Webhooks: wh, StartDelivery: true})
	tenantID := env.Tenant("acme")
	var mu sync.Mutex
	arrived := map[string]time.Time{}
	rc := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		at := time.Now()
		mu.Lock()
		arrived[r.Header.Get(webhooks.EventIDHeader)] = at
		mu.Unlock()
		w.WriteHeader(http.StatusOK)
	}))
	b.Cleanup(rc.Close)
	createEndpoint(b, env, "acme", rc.URL)
	cus := newBareCustomer(b, env, tenantID)
	ctx := history.WithCommitted(env.As(tenantID), env.Delivery.Sequencer.Wake)
	committed := map[string]time.Time{}
	b.ResetTimer()
	for i := range b.N {
		tx, err := env.Client().Tx(ctx)
		if err != nil {
			b.Fatal(err)
		}
		if err := history.Append(ctx, tx, history.Event{CustomerID: cus, Type: schematype.EventCustomerUpdated,
			Changes: []schematype.FieldChange{{Field: "externalRef", After: history.Text(fmt.Sprint(i))}}}); err != nil {
			b.Fatal(err)
		}
		if err := tx.Commit(); err != nil {
			b.Fatal(err)
		}
		at := time.Now()
		id := env.Client().CustomerEvent.Query().Where(customerevent.CustomerID(cus)).
			Order(ent.Desc(customerevent.FieldID)).FirstIDX(env.As(tenantID))
		committed[id] = at
		time.Sleep(20 * time.Millisecond) // pacing: a modest, steady rate
	}
	waitUntil(b, time.Minute, "every event arrives", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(arrived) >= b.N
	})
	b.StopTimer()
	mu.Lock()
	defer mu.Unlock()
	var lat []time.Duration
	for id, at := range committed {
		a, ok := arrived[id]
		if !ok {
			b.Fatalf("event %s did not arrive", id)
		}
		lat = append(lat, a.Sub(at))
	}
	slices.Sort(lat)
	p := func(q float64) time.Duration { return lat[min(len(lat)-1, int(q*float64(len(lat))))] }
	b.ReportMetric(float64(p(0.5).Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(p(0.99).Microseconds())/1000, "p99-ms")
	b.ReportMetric(0, "ns/op")
}
