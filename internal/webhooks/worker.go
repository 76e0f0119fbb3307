package webhooks

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"time"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"

	"onboard/ent"
	"onboard/ent/predicate"
	"onboard/ent/privacy"
	"onboard/ent/tenant"
	"onboard/ent/webhookattempt"
	"onboard/ent/webhookdelivery"
	"onboard/ent/webhookendpoint"
	"onboard/ent/webhookendpointchange"
	"onboard/internal/catalog"
	"onboard/internal/database"
	"onboard/internal/events"
	"onboard/internal/observe"
	"onboard/internal/viewer"
	"onboard/schema/schematype"
)

// The delivery headers besides Onboard-Signature (SignatureHeader).
const (
	EventIDHeader    = "Onboard-Event-Id"
	EventTypeHeader  = "Onboard-Event-Type"
	DeliveryIDHeader = "Onboard-Delivery-Id"
)

// recordTimeout bounds the transaction that records an attempt. It runs
// on a context of its own: an attempt that ended during shutdown is still
// recorded.
const recordTimeout = 10 * time.Second

// recordContext is the context of a write that must happen even when ctx
// (the drain) has ended — recording an attempt, releasing leases — bounded
// by recordTimeout and by the shutdown's deadline (StopBy), so that the
// worker never holds a stop beyond SHUTDOWN_TIMEOUT.
func (w *Worker) recordContext(ctx context.Context) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), recordTimeout)
	if by, ok := w.stopBy.Load().(time.Time); ok {
		bounded, cancelBy := context.WithDeadline(ctx, by)
		return bounded, func() { cancelBy(); cancel() }
	}
	return ctx, cancel
}

// StopBy bounds the writes the worker still makes while it stops (the
// records of the attempts in flight, the release of unsent leases) by
// deadline, the end of the server's shutdown. Call it before stopping.
func (w *Worker) StopBy(deadline time.Time) { w.stopBy.Store(deadline) }

// queueDepthEvery is how often the worker counts the pending deliveries
// for onboard_webhook_queue_depth.
const queueDepthEvery = time.Second

// Worker claims due deliveries and sends them: on PostgreSQL with FOR
// UPDATE SKIP LOCKED and a lease, so that the workers of several servers
// share the queue and never send one delivery twice at once; on SQLite
// alone. Stopping it stops claiming and lets the attempts in flight end.
type Worker struct {
	db       *database.DB
	box      *Box
	settings Settings
	metrics  *observe.Metrics
	logger   *slog.Logger
	seq      *events.Sequencer
	client   *http.Client
	stopBy   atomic.Value // time.Time: see StopBy
}

// NewWorker returns a Worker over db, woken by seq (nil: polling only).
func NewWorker(db *database.DB, box *Box, settings Settings, seq *events.Sequencer, metrics *observe.Metrics, logger *slog.Logger) *Worker {
	if logger == nil {
		logger = slog.Default()
	}
	settings = settings.WithDefaults()
	return &Worker{db: db, box: box, settings: settings, seq: seq, metrics: metrics, logger: logger,
		client: newHTTPClient(settings)}
}

// Run delivers until ctx ends, then returns once the attempts in flight
// have ended or drain has (their results are recorded either way: an
// attempt cut short by drain is recorded as a timeout and retried).
//
// One loop claims: it takes due deliveries a few per sender (claimAhead)
// when its queue runs short, starts one goroutine per delivery up to
// Settings.Workers at once, and waits for a sender to come free, the sequencer's notice of new deliveries, the next
// retry falling due or PollInterval, whichever comes first. The loop is
// the only claimer of its process, so SQLite, which has no SKIP LOCKED,
// needs no more; the sends themselves run side by side there too, their
// records taking turns on SQLite's write lock.
func (w *Worker) Run(ctx, drain context.Context) {
	if w.box == nil {
		w.logger.Warn("webhook deliveries wait: WEBHOOK_SECRET_KEY is not set, so nothing is signed or sent")
		<-ctx.Done()
		return
	}
	var wake <-chan struct{}
	if w.seq != nil {
		ch, stop := w.seq.Notify()
		defer stop()
		wake = ch
	}
	slots := w.settings.Workers
	ended := make(chan struct{}, slots) // never blocks: at most slots sends
	inFlight := 0
	var sends sync.WaitGroup
	defer sends.Wait()
	var queue []*ent.WebhookDelivery // claimed, not sent yet
	defer func() { w.release(queue) }()
	keys := &tenantKeys{keys: map[string]string{}}
	var depthAt time.Time
	for ctx.Err() == nil {
		for drained := false; !drained; {
			select {
			case <-ended:
				inFlight--
			default:
				drained = true
			}
		}
		if time.Since(depthAt) >= queueDepthEvery {
			w.refreshQueueDepth(ctx)
			depthAt = time.Now()
		}
		moreDue := false
		if free := slots - inFlight; free > 0 && len(queue) < free {
			want := claimAhead*slots - len(queue)
			claimed, err := w.claim(ctx, want)
			if err != nil && ctx.Err() == nil {
				w.logger.Error("claiming webhook deliveries", "error", err)
			}
			queue = append(queue, claimed...)
			moreDue = len(claimed) == want
		}
		for inFlight < slots && len(queue) > 0 {
			d := queue[0]
			queue = queue[1:]
			if d.LeasedUntil == nil || time.Until(*d.LeasedUntil) < w.settings.Timeout+leaseMargin(w.settings) {
				continue // its lease may run out mid-send: leave it to the next claim
			}
			inFlight++
			sends.Add(1)
			go func() {
				defer sends.Done()
				w.deliver(drain, d, keys)
				ended <- struct{}{}
			}()
		}
		if moreDue && inFlight < slots {
			continue
		}
		wait := w.settings.PollInterval
		if !moreDue && len(queue) == 0 {
			if next, ok := w.nextDue(ctx); ok {
				wait = min(wait, max(time.Until(next), time.Millisecond))
			}
		}
		timer := time.NewTimer(wait)
		select {
		case <-ctx.Done():
		case <-ended:
			inFlight--
		case <-wake:
		case <-timer.C:
		}
		timer.Stop()
	}
}

// claimAhead is how many deliveries per sender a claim takes: a claim is
// a transaction, and taking a few deliveries ahead spares one per
// delivery. A delivery waits in the worker's queue at most a few
// attempts' time, well within its lease; one whose lease would run out
// mid-send is not sent (another claim takes it).
const claimAhead = 4

// leaseMargin is the time a claimed delivery's lease must have left
// beyond an attempt's Timeout for the worker to send it: the recording
// must also fit before another worker may take it.
func leaseMargin(s Settings) time.Duration {
	return min(time.Second, (s.Lease-s.Timeout)/2)
}

// release gives up the leases of deliveries claimed but not sent (the
// worker is stopping), so that the next worker need not wait for them to
// run out.
func (w *Worker) release(queue []*ent.WebhookDelivery) {
	if len(queue) == 0 {
		return
	}
	ids := make([]string, len(queue))
	for i, d := range queue {
		ids[i] = d.ID
	}
	ctx, cancel := w.recordContext(context.Background())
	defer cancel()
	if err := w.db.Client.WebhookDelivery.Update().
		Where(webhookdelivery.IDIn(ids...), webhookdelivery.StatusEQ(webhookdelivery.StatusPENDING)).
		ClearLeasedUntil().Exec(allow(ctx)); err != nil {
		w.logger.Error("releasing unsent webhook deliveries", "error", err)
	}
}

// allow is ctx reading and writing across tenants: the worker serves them
// all. Rows it creates take a viewer of their tenant (asTenant).
func allow(ctx context.Context) context.Context {
	return privacy.DecisionContext(ctx, privacy.Allow)
}

// asTenant is ctx creating rows of tenantID, which the tenant hook stamps.
func asTenant(ctx context.Context, tenantID string) context.Context {
	return viewer.NewContext(allow(ctx), &viewer.Viewer{Subject: "webhooks", TenantID: tenantID})
}

// due are the deliveries a worker may claim at now: pending, due, not
// leased by a live worker, to an enabled endpoint (a disabled endpoint's
// deliveries wait until it is enabled again).
func due(now time.Time) []predicate.WebhookDelivery {
	return []predicate.WebhookDelivery{
		webhookdelivery.StatusEQ(webhookdelivery.StatusPENDING),
		webhookdelivery.NextAttemptAtLTE(now),
		webhookdelivery.Or(webhookdelivery.LeasedUntilIsNil(), webhookdelivery.LeasedUntilLT(now)),
		webhookdelivery.HasEndpointWith(webhookendpoint.StatusEQ(webhookendpoint.StatusENABLED)),
	}
}

// claim leases up to n due deliveries, oldest due first, and returns them
// with their endpoint and event. On PostgreSQL the rows are locked FOR
// UPDATE SKIP LOCKED while the lease is written, so that two servers
// claiming at once take different deliveries; the lease then keeps them
// this worker's after the short transaction, until it records the attempt
// or the lease runs out (the worker died: another one takes them).
func (w *Worker) claim(ctx context.Context, n int) ([]*ent.WebhookDelivery, error) {
	ctx = allow(ctx)
	now := time.Now().UTC().Truncate(time.Microsecond)
	var claimed []*ent.WebhookDelivery
	err := catalog.WithTx(ctx, w.db.Client, func(tx *ent.Tx) error {
		q := tx.WebhookDelivery.Query().Where(due(now)...).
			Order(ent.Asc(webhookdelivery.FieldNextAttemptAt), ent.Asc(webhookdelivery.FieldID)).
			Limit(n)
		if w.db.Dialect == dialect.Postgres {
			q.ForUpdate(entsql.WithLockAction(entsql.SkipLocked))
		}
		ids, err := q.IDs(ctx)
		if err != nil || len(ids) == 0 {
			return err
		}
		lease := now.Add(w.settings.Lease)
		if err := tx.WebhookDelivery.Update().Where(webhookdelivery.IDIn(ids...)).
			SetLeasedUntil(lease).Exec(ctx); err != nil {
			return err
		}
		claimed, err = tx.WebhookDelivery.Query().Where(webhookdelivery.IDIn(ids...)).
			WithEvent().
			Order(ent.Asc(webhookdelivery.FieldNextAttemptAt), ent.Asc(webhookdelivery.FieldID)).
			All(ctx)
		for _, d := range claimed {
			// The value written, not the one read back: record and
			// releaseOne match it as the token of this claim.
			d.LeasedUntil = &lease
		}
		return err
	})
	return claimed, err
}

// nextDue is when the next pending delivery that is not due yet falls due
// (a retry), so that the worker wakes for it rather than at the next poll.
func (w *Worker) nextDue(ctx context.Context) (time.Time, bool) {
	d, err := w.db.Client.WebhookDelivery.Query().
		Where(webhookdelivery.StatusEQ(webhookdelivery.StatusPENDING),
			webhookdelivery.NextAttemptAtGT(time.Now().UTC()),
			webhookdelivery.HasEndpointWith(webhookendpoint.StatusEQ(webhookendpoint.StatusENABLED))).
		Order(ent.Asc(webhookdelivery.FieldNextAttemptAt)).
		Select(webhookdelivery.FieldNextAttemptAt).
		First(allow(ctx))
	if err != nil || d.NextAttemptAt == nil {
		return time.Time{}, false
	}
	return *d.NextAttemptAt, true
}

func (w *Worker) refreshQueueDepth(ctx context.Context) {
	if w.metrics == nil {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	n, err := w.db.Client.WebhookDelivery.Query().
		Where(webhookdelivery.StatusEQ(webhookdelivery.StatusPENDING)).Count(allow(ctx))
	if err == nil {
		w.metrics.WebhookQueueDepth(n)
	}
}

// tenantKeys caches the tenant keys that event bodies name (a tenant's
// key does not change).
type tenantKeys struct {
	mu   sync.Mutex
	keys map[string]string
}

func (k *tenantKeys) get(ctx context.Context, client *ent.Client, id string) (string, error) {
	k.mu.Lock()
	key, ok := k.keys[id]
	k.mu.Unlock()
	if ok {
		return key, nil
	}
	key, err := client.Tenant.Query().Where(tenant.IDEQ(id)).Select(tenant.FieldKey).String(allow(ctx))
	if err != nil {
		return "", err
	}
	k.mu.Lock()
	k.keys[id] = key
	k.mu.Unlock()
	return key, nil
}

// Messages of the attempts that failed before anything was sent: they are
// recorded as CONNECTION_ERROR attempts, so that backoff, RetryFor and
// disabling apply to them as to any failure (otherwise the delivery would
// be claimed again every lease, forever). They name no secret or value.
const (
	errTenantUnread  = "the event's tenant could not be read"
	errBodyUnencoded = "the event could not be encoded"
	errSecretSealed  = "the endpoint's secret does not open with WEBHOOK_SECRET_KEY"
)

// errLeaseLost is record's answer when the delivery's lease is no longer
// the one this worker claimed: another worker took the delivery after the
// lease ran out, and that worker's attempt is the one that counts.
var errLeaseLost = errors.New("the delivery's lease was lost to another worker")

// deliver makes one attempt of d and records it. ctx is the drain: it
// ends only when the server stops waiting for the attempts in flight.
// The endpoint is read again right before the send: d may have waited in
// the worker's queue (claimAhead) while the endpoint was disabled, moved
// or given a new secret.
func (w *Worker) deliver(ctx context.Context, d *ent.WebhookDelivery, keys *tenantKeys) {
	ev := d.Edges.Event
	if ev == nil {
		w.logger.Error("a webhook delivery lacks its event", "delivery", d.ID)
		return
	}
	ep, err := w.db.Client.WebhookEndpoint.Get(allow(ctx), d.EndpointID)
	if err != nil {
		w.logger.Error("reading a webhook delivery's endpoint", "delivery", d.ID, "error", err)
		return // the lease runs out and the delivery is claimed again
	}
	if ep.Status != webhookendpoint.StatusENABLED {
		w.releaseOne(d) // it waits for the endpoint to be enabled again
		return
	}
	started := time.Now().UTC()
	res, ok := w.send(ctx, d, ep, ev, keys, started)
	if ok {
		w.metrics.WebhookAttempt(res.outcome, res.latency)
		if res.outcome == schematype.AttemptSucceeded {
			w.metrics.WebhookDelivered(time.Since(ev.CreatedAt))
		}
	}
	rctx, cancel := w.recordContext(ctx)
	defer cancel()
	switch err := w.record(rctx, d, ep, ev, started, res, ctx.Err() != nil); {
	case errors.Is(err, errLeaseLost):
		w.logger.Warn("a webhook attempt ended after its lease had passed to another worker; it is not recorded",
			"delivery", d.ID, "outcome", res.outcome)
	case err != nil:
		w.logger.Error("recording a webhook attempt", "delivery", d.ID, "error", err)
	}
}

// send signs and POSTs d's event to ep. ok is false when it failed before
// sending (res is then the CONNECTION_ERROR to record).
func (w *Worker) send(ctx context.Context, d *ent.WebhookDelivery, ep *ent.WebhookEndpoint, ev *ent.CustomerEvent, keys *tenantKeys, started time.Time) (res result, ok bool) {
	unsent := func(msg string, err error, args ...any) (result, bool) {
		w.logger.Error("a webhook attempt failed before sending: "+msg, append(args, "delivery", d.ID, "error", err)...)
		return result{outcome: schematype.AttemptConnectionError, err: msg}, false
	}
	key, err := keys.get(ctx, w.db.Client, ev.TenantID)
	if err != nil {
		return unsent(errTenantUnread, err)
	}
	body, err := Body(ev, key)
	if err != nil {
		return unsent(errBodyUnencoded, err)
	}
	secrets, err := w.box.SigningSecrets(ep, started)
	if err != nil {
		return unsent(errSecretSealed, err, "endpoint", ep.ID)
	}
	header := http.Header{}
	header.Set("Content-Type", "application/json")
	header.Set("User-Agent", UserAgent)
	header.Set(SignatureHeader, Signature(secrets, started, body))
	header.Set(EventIDHeader, ev.ID)
	header.Set(EventTypeHeader, ev.Type)
	header.Set(DeliveryIDHeader, d.ID)
	return post(ctx, w.client, w.settings, ep.URL, header, body), true
}

// releaseOne gives up d's lease if it is still this worker's.
func (w *Worker) releaseOne(d *ent.WebhookDelivery) {
	if d.LeasedUntil == nil {
		return
	}
	ctx, cancel := w.recordContext(context.Background())
	defer cancel()
	if err := w.db.Client.WebhookDelivery.Update().
		Where(webhookdelivery.IDEQ(d.ID), webhookdelivery.StatusEQ(webhookdelivery.StatusPENDING),
			webhookdelivery.LeasedUntilEQ(*d.LeasedUntil)).
		ClearLeasedUntil().Exec(allow(ctx)); err != nil {
		w.logger.Error("releasing a webhook delivery", "delivery", d.ID, "error", err)
	}
}

// record writes one attempt, the delivery's new state and the endpoint's
// run of failures in one transaction. A failed attempt is retried after a
// backoff, until RetryFor has passed since the event was sequenced (or
// the redelivery asked for); the endpoint is disabled once DisableAfter
// attempts in a row have failed and the run has lasted DisableFailingFor.
// An attempt cut short by the shutdown (shutdown) is due again at once
// and does not count against the endpoint: the receiver did nothing wrong.
//
// The lease this worker claimed (d.LeasedUntil) is the token of the
// write: if the delivery's lease is another now (the lease ran out and
// another worker claimed it), nothing is written and record returns
// errLeaseLost — neither the delivery's state nor the endpoint's counters
// take a stale attempt, and the attempt row is not written either, so that
// the delivery's attempts and its attempt log keep agreeing (numbers 1…n,
// once each); the other worker's attempt of the same event is recorded.
// The attempt's number comes from the row (attempts + 1 in the update),
// not from what the claim read.
func (w *Worker) record(ctx context.Context, d *ent.WebhookDelivery, ep *ent.WebhookEndpoint, ev *ent.CustomerEvent, started time.Time, res result, shutdown bool) error {
	ctx = allow(ctx)
	if d.LeasedUntil == nil {
		return errLeaseLost
	}
	now := time.Now().UTC().Truncate(time.Microsecond)
	return catalog.WithTx(ctx, w.db.Client, func(tx *ent.Tx) error {
		tctx := asTenant(ctx, d.TenantID)
		ours := []predicate.WebhookDelivery{webhookdelivery.IDEQ(d.ID),
			webhookdelivery.StatusEQ(webhookdelivery.StatusPENDING), webhookdelivery.LeasedUntilEQ(*d.LeasedUntil)}
		n, err := tx.WebhookDelivery.Update().Where(ours...).
			AddAttempts(1).SetLastAttemptAt(started.Truncate(time.Microsecond)).ClearLeasedUntil().Save(ctx)
		if err != nil {
			return err
		}
		if n == 0 {
			return errLeaseLost
		}
		number, err := tx.WebhookDelivery.Query().Where(webhookdelivery.IDEQ(d.ID)).
			Select(webhookdelivery.FieldAttempts).Int(ctx)
		if err != nil {
			return err
		}
		attempt := tx.WebhookAttempt.Create().
			SetDeliveryID(d.ID).SetEndpointID(ep.ID).SetEventID(ev.ID).
			SetNumber(number).
			SetStartedAt(started.Truncate(time.Microsecond)).
			SetLatencyMs(int(res.latency.Milliseconds())).
			SetOutcome(webhookattempt.Outcome(res.outcome))
		if res.statusCode != 0 {
			attempt.SetStatusCode(res.statusCode)
		}
		if res.err != "" {
			attempt.SetError(res.err)
		}
		if res.excerpt != "" {
			attempt.SetResponseExcerpt(res.excerpt)
		}
		if err := attempt.Exec(tctx); err != nil {
			return err
		}

		upd := tx.WebhookDelivery.Update().Where(webhookdelivery.IDEQ(d.ID))
		if res.statusCode != 0 {
			upd.SetLastStatusCode(res.statusCode)
		} else {
			upd.ClearLastStatusCode()
		}
		succeeded := res.outcome == schematype.AttemptSucceeded
		switch deadline := w.retryDeadline(d, ev); {
		case succeeded:
			upd.SetStatus(webhookdelivery.StatusSUCCEEDED).SetDeliveredAt(now).ClearNextAttemptAt()
		case shutdown:
			upd.SetNextAttemptAt(now)
		case !now.Before(deadline):
			upd.SetStatus(webhookdelivery.StatusFAILED).ClearNextAttemptAt()
		default:
			upd.SetNextAttemptAt(minTime(now.Add(w.backoff(number)), deadline))
		}
		if err := upd.Exec(ctx); err != nil {
			return err
		}

		switch {
		case succeeded:
			return tx.WebhookEndpoint.Update().
				Where(webhookendpoint.IDEQ(ep.ID), webhookendpoint.Or(webhookendpoint.ConsecutiveFailuresGT(0),
					webhookendpoint.FailingSinceNotNil())).
				SetConsecutiveFailures(0).ClearFailingSince().Exec(ctx)
		case shutdown:
			return nil
		}
		after, err := tx.WebhookEndpoint.UpdateOneID(ep.ID).AddConsecutiveFailures(1).Save(ctx)
		if err != nil {
			return err
		}
		if after.FailingSince == nil { // the first failure of a run
			if err := tx.WebhookEndpoint.Update().
				Where(webhookendpoint.IDEQ(ep.ID), webhookendpoint.FailingSinceIsNil()).
				SetFailingSince(now).Exec(ctx); err != nil {
				return err
			}
			after.FailingSince = &now
		}
		if after.Status != webhookendpoint.StatusENABLED || after.ConsecutiveFailures < w.settings.DisableAfter ||
			now.Sub(*after.FailingSince) < w.settings.DisableFailingFor {
			return nil
		}
		reason := truncate(fmt.Sprintf("%d consecutive failed attempts; last: %s", after.ConsecutiveFailures, lastFailure(res)),
			schematype.MaxWebhookErrorLen)
		n, err = tx.WebhookEndpoint.Update().
			Where(webhookendpoint.IDEQ(ep.ID), webhookendpoint.StatusEQ(webhookendpoint.StatusENABLED)).
			SetStatus(webhookendpoint.StatusDISABLED).SetDisabledReason(reason).SetDisabledAt(now).
			Save(ctx)
		if err != nil || n == 0 {
			return err
		}
		w.logger.Warn("webhook endpoint disabled after consecutive failures",
			"endpoint", ep.ID, "url", redacted(ep.URL), "failures", after.ConsecutiveFailures)
		return tx.WebhookEndpointChange.Create().
			SetEndpointID(ep.ID).
			SetType(webhookendpointchange.TypeDISABLED).
			SetReason(reason).
			Exec(tctx)
	})
}

// retryDeadline is when a delivery stops being retried: RetryFor after
// its event was sequenced, or after the delivery was made when that is
// later (a redelivery of an old event gets its own RetryFor).
func (w *Worker) retryDeadline(d *ent.WebhookDelivery, ev *ent.CustomerEvent) time.Time {
	from := ev.CreatedAt
	if ev.SequencedAt != nil {
		from = *ev.SequencedAt
	}
	if d.CreatedAt.After(from) {
		from = d.CreatedAt
	}
	return from.Add(w.settings.RetryFor)
}

// backoff is the wait before the retry that follows failed attempt n (1
// for the first): BackoffBase·2ⁿ⁻¹ capped at BackoffMax, taken at random
// between half of it and all of it, so that the deliveries of an endpoint
// that failed together do not all come back at the same instant.
func (w *Worker) backoff(n int) time.Duration {
	wait := w.settings.BackoffMax
	if n-1 < 32 {
		if d := w.settings.BackoffBase << (n - 1); d > 0 && d < wait {
			wait = d
		}
	}
	half := wait / 2
	return half + rand.N(wait-half+1)
}

// lastFailure names a failed attempt in an endpoint's disabled_reason.
func lastFailure(res result) string {
	if res.err != "" {
		return res.err
	}
	return res.outcome
}

// redacted is a URL as logs show it (RedactURL).
func redacted(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable)"
	}
	return RedactURL(u)
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
