package server_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"onboard/ent/webhookdelivery"
	"onboard/ent/webhookendpoint"
	"onboard/internal/testutil"
	"onboard/internal/webhooks"
	"onboard/schema/schematype"
)

// The review's fixes of the webhook worker (internal/webhooks/worker.go),
// each driven through the real worker against a real receiver and read
// back from the database.

// An attempt whose lease passed to another worker while it was in flight
// (the receiver, standing in for that worker, writes a new lease before it
// answers) is not recorded: the delivery keeps the other worker's lease
// and no attempt, the endpoint counts no failure.
func TestWebhookWorkerStaleRecordLeavesTheOtherLease(t *testing.T) {
	env, tenantID := deliveryEnv(t, nil)
	taken := time.Now().UTC().Add(time.Hour).Truncate(time.Microsecond)
	rc := newReceiver(t, func(_ int, r *http.Request) int {
		id := r.Header.Get(webhooks.DeliveryIDHeader)
		env.Client().WebhookDelivery.UpdateOneID(id).SetLeasedUntil(taken).ExecX(all())
		return http.StatusInternalServerError
	})
	epID, _ := createEndpoint(t, env, "acme", rc.URL)
	evID := appendEvents(t, env, tenantID, newBareCustomer(t, env, tenantID), 1, env.Delivery.Sequencer.Wake)[0]

	waitUntil(t, 10*time.Second, "the worker notices its lease was lost", func() bool {
		return strings.Contains(env.Logs(), "lease had passed to another worker")
	})
	d := deliveryOf(t, env, evID)
	if d.Attempts != 0 || d.LeasedUntil == nil || !d.LeasedUntil.Equal(taken) || d.LastAttemptAt != nil ||
		d.Status != webhookdelivery.StatusPENDING || len(attemptsOf(env, d.ID)) != 0 {
		t.Errorf("the stale record touched the delivery: %+v, %d attempts", d, len(attemptsOf(env, d.ID)))
	}
	ep := env.Client().WebhookEndpoint.GetX(all(), epID)
	if ep.ConsecutiveFailures != 0 || ep.FailingSince != nil {
		t.Errorf("the stale record counted against the endpoint: %d failures since %v", ep.ConsecutiveFailures, ep.FailingSince)
	}
	if n := len(rc.requests()); n != 1 {
		t.Errorf("the receiver saw %d requests, want 1", n)
	}
}

// An endpoint whose secret does not open with the server's key (the key
// changed) gets no request; each try is recorded as a failed attempt with
// a fixed message, retried with backoff, and the delivery is FAILED after
// RetryFor instead of being claimed again forever.
func TestWebhookWorkerUnopenableSecretFailsTheDelivery(t *testing.T) {
	env, tenantID := deliveryEnv(t, func(o *testutil.Options) { o.Webhooks.RetryFor = 400 * time.Millisecond })
	rc := newReceiver(t, nil)
	epID, _ := createEndpoint(t, env, "acme", rc.URL)
	other, err := webhooks.NewBox([]byte(strings.Repeat("k", 32)))
	if err != nil {
		t.Fatal(err)
	}
	sealed, err := other.Seal("whsec_" + testutil.RandomHex(24))
	if err != nil {
		t.Fatal(err)
	}
	env.Client().WebhookEndpoint.UpdateOneID(epID).SetSecret(sealed).ExecX(all())
	evID := appendEvents(t, env, tenantID, newBareCustomer(t, env, tenantID), 1, env.Delivery.Sequencer.Wake)[0]

	waitUntil(t, 10*time.Second, "the delivery fails", func() bool {
		return env.Client().WebhookDelivery.Query().
			Where(webhookdelivery.EventID(evID), webhookdelivery.StatusEQ(webhookdelivery.StatusFAILED)).ExistX(all())
	})
	d := deliveryOf(t, env, evID)
	as := attemptsOf(env, d.ID)
	if d.Attempts < 2 || d.Attempts != len(as) || d.NextAttemptAt != nil {
		t.Fatalf("failed delivery: %+v with %d attempts", d, len(as))
	}
	for i, a := range as {
		if a.Number != i+1 || a.Outcome != schematype.AttemptConnectionError ||
			a.Error != "the endpoint's secret does not open with WEBHOOK_SECRET_KEY" {
			t.Errorf("attempt %d: %+v", i+1, a)
		}
		// Half of BackoffBase at least, but for the last: its wait is
		// cut to the RetryFor deadline.
		if i > 0 && i < len(as)-1 && a.StartedAt.Sub(as[i-1].StartedAt) < 25*time.Millisecond {
			t.Errorf("attempt %d came %s after the previous one: no backoff", i+1, a.StartedAt.Sub(as[i-1].StartedAt))
		}
	}
	if n := len(rc.requests()); n != 0 {
		t.Errorf("the receiver got %d requests without a signature", n)
	}
	if ep := env.Client().WebhookEndpoint.GetX(all(), epID); ep.ConsecutiveFailures != len(as) {
		t.Errorf("endpoint counted %d failures, want %d", ep.ConsecutiveFailures, len(as))
	}
}

// Deliveries claimed together wait in the worker's queue; an endpoint
// disabled meanwhile is read again before each send, so those still
// queued are not sent and their leases are released.
func TestWebhookWorkerDisabledEndpointStopsClaimedDeliveries(t *testing.T) {
	env, tenantID := deliveryEnv(t, func(o *testutil.Options) { o.Webhooks.Workers = 1 })
	var epID string
	rc := newReceiver(t, func(n int, _ *http.Request) int {
		switch n {
		case 1: // hold the only sender until the other four deliveries exist: one claim takes them
			deadline := time.Now().Add(10 * time.Second)
			for env.Client().WebhookDelivery.Query().Where(webhookdelivery.EndpointID(epID)).CountX(all()) < 5 &&
				time.Now().Before(deadline) {
				time.Sleep(10 * time.Millisecond)
			}
		case 2:
			env.Client().WebhookEndpoint.UpdateOneID(epID).SetStatus(webhookendpoint.StatusDISABLED).ExecX(all())
		}
		return http.StatusOK
	})
	epID, _ = createEndpoint(t, env, "acme", rc.URL)
	cus := newBareCustomer(t, env, tenantID)
	appendEvents(t, env, tenantID, cus, 1, env.Delivery.Sequencer.Wake)
	appendEvents(t, env, tenantID, cus, 4, env.Delivery.Sequencer.Wake)

	waitUntil(t, 10*time.Second, "two delivered, three released unsent", func() bool {
		ds := env.Client().WebhookDelivery.Query().Where(webhookdelivery.EndpointID(epID)).AllX(all())
		done, waiting := 0, 0
		for _, d := range ds {
			switch {
			case d.Status == webhookdelivery.StatusSUCCEEDED:
				done++
			case d.Attempts == 0 && d.LeasedUntil == nil:
				waiting++
			}
		}
		return done == 2 && waiting == 3
	})
	if n := len(rc.requests()); n != 2 {
		t.Errorf("the receiver saw %d requests, want 2", n)
	}
}

// A run of quick failures disables the endpoint only once it has also
// lasted DisableFailingFor since its first failure.
func TestWebhookWorkerDisablesOnlyAfterFailingFor(t *testing.T) {
	for _, c := range []struct {
		failingFor time.Duration
		disabled   bool
	}{{time.Hour, false}, {5 * time.Millisecond, true}} {
		t.Run(c.failingFor.String(), func(t *testing.T) {
			env, tenantID := deliveryEnv(t, func(o *testutil.Options) {
				o.Webhooks.DisableAfter = 5
				o.Webhooks.DisableFailingFor = c.failingFor
			})
			rc := newReceiver(t, func(int, *http.Request) int { return http.StatusInternalServerError })
			epID, _ := createEndpoint(t, env, "acme", rc.URL)
			appendEvents(t, env, tenantID, newBareCustomer(t, env, tenantID), 1, env.Delivery.Sequencer.Wake)
			start := time.Now().UTC()

			waitUntil(t, 10*time.Second, "five failures", func() bool {
				return env.Client().WebhookEndpoint.GetX(all(), epID).ConsecutiveFailures >= 5
			})
			ep := env.Client().WebhookEndpoint.GetX(all(), epID)
			if ep.FailingSince == nil || ep.FailingSince.Before(start.Add(-time.Second)) {
				t.Errorf("failing since %v, want the first failure's time (after %s)", ep.FailingSince, start)
			}
			if got := ep.Status == webhookendpoint.StatusDISABLED; got != c.disabled {
				t.Errorf("after %d failures with DisableFailingFor %s: %s (%q)", ep.ConsecutiveFailures, c.failingFor, ep.Status, ep.DisabledReason)
			}
			if c.disabled && ep.ConsecutiveFailures != 5 {
				t.Errorf("disabled at %d failures, want 5", ep.ConsecutiveFailures)
			}
		})
	}
}

// Stop ends by its context's deadline even when the record of the attempt
// it cut short cannot get at the delivery (another transaction holds the
// row): the record gives up at the deadline, and the lease brings the
// delivery back later.
func TestWebhookWorkerStopKeepsTheShutdownDeadline(t *testing.T) {
	env, tenantID := deliveryEnv(t, nil)
	arrived := make(chan string, 1)
	rc := newReceiver(t, func(_ int, r *http.Request) int {
		arrived <- r.Header.Get(webhooks.DeliveryIDHeader)
		<-r.Context().Done() // until the worker hangs up
		return http.StatusServiceUnavailable
	})
	createEndpoint(t, env, "acme", rc.URL)
	appendEvents(t, env, tenantID, newBareCustomer(t, env, tenantID), 1, env.Delivery.Sequencer.Wake)
	var id string
	select {
	case id = <-arrived:
	case <-time.After(10 * time.Second):
		t.Fatal("the attempt did not arrive")
	}
	tx, err := env.Client().Tx(all())
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	tx.WebhookDelivery.UpdateOneID(id).SetUpdatedAt(time.Now()).ExecX(all()) // holds the row (and SQLite's write lock)

	const window = 500 * time.Millisecond
	ctx, cancel := context.WithTimeout(context.Background(), window)
	defer cancel()
	began := time.Now()
	err = env.Delivery.Stop(ctx)
	if took := time.Since(began); took > window+300*time.Millisecond {
		t.Errorf("Stop took %s with a %s deadline", took, window)
	}
	if err == nil {
		t.Error("Stop did not report the attempt it cut short")
	}
}
