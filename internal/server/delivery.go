package server

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"onboard/internal/auth"
	"onboard/internal/database"
	"onboard/internal/events"
	"onboard/internal/observe"
	"onboard/internal/webhooks"
)

// Delivery is the server's event work beside its requests: the sequencer
// that puts committed events in order and makes their webhook deliveries,
// the hub that streams them to subscriptions, and the webhook worker.
type Delivery struct {
	Sequencer *events.Sequencer
	Hub       *events.Hub
	Worker    *webhooks.Worker
	Webhooks  *webhooks.Service

	stop    context.CancelFunc
	drain   context.CancelFunc
	running sync.WaitGroup
	// sockets counts the websocket connections being served: a stopped
	// hub ends their subscriptions, and each then closes (1000) on its
	// own goroutine, which http.Server.Shutdown does not wait for (the
	// connection is hijacked). SocketsClosed does.
	sockets sync.WaitGroup
}

// NewDelivery builds the event work over db. Without a webhook secret key
// endpoints cannot be created and the worker sends nothing; the feed and
// subscriptions work all the same.
func NewDelivery(db *database.DB, ev events.Settings, wh webhooks.Settings, metrics *observe.Metrics, logger *slog.Logger) (*Delivery, error) {
	box, err := webhooks.NewBox(wh.SecretKey)
	if errors.Is(err, webhooks.ErrNoSecretKey) {
		box, err = nil, nil
	}
	if err != nil {
		return nil, err
	}
	seq := events.NewSequencer(db, ev, webhooks.Fanout, logger)
	return &Delivery{
		Sequencer: seq,
		Hub:       events.NewHub(db, ev, seq, logger),
		Worker:    webhooks.NewWorker(db, box, wh, seq, metrics, logger),
		Webhooks:  &webhooks.Service{Client: db.Client, Box: box, Settings: wh.WithDefaults()},
	}, nil
}

// Start runs the sequencer, the hub and the worker until Stop.
func (d *Delivery) Start() {
	ctx, stop := context.WithCancel(context.Background())
	drain, cancelDrain := context.WithCancel(context.Background())
	d.stop, d.drain = stop, cancelDrain
	d.running.Add(3)
	go func() { defer d.running.Done(); d.Sequencer.Run(ctx) }()
	go func() { defer d.running.Done(); d.Hub.Run(ctx) }()
	go func() { defer d.running.Done(); d.Worker.Run(ctx, drain) }()
}

// Stop stops claiming new work and waits for the attempts in flight to
// end, at most until ctx ends (they are cut short then, and retried
// later). It returns an error when it had to cut them short.
//
// Everything the worker still writes — the records of the attempts cut
// short, the release of unsent leases — ends by ctx's deadline too
// (Worker.StopBy), so Stop never outlasts SHUTDOWN_TIMEOUT: the attempts
// are cut short a little before the deadline (a quarter of what remains,
// at most drainReserve), which leaves their records that time.
func (d *Delivery) Stop(ctx context.Context) error {
	if d.stop == nil {
		return nil
	}
	cut := ctx
	if deadline, ok := ctx.Deadline(); ok {
		if d.Worker != nil {
			d.Worker.StopBy(deadline)
		}
		reserve := min(drainReserve, time.Until(deadline)/4)
		var cancel context.CancelFunc
		cut, cancel = context.WithDeadline(ctx, deadline.Add(-reserve))
		defer cancel()
	}
	d.stop()
	done := make(chan struct{})
	go func() { d.running.Wait(); close(done) }()
	select {
	case <-done:
		d.drain()
		return nil
	case <-cut.Done():
		d.drain()
		<-done
		if err := ctx.Err(); err != nil {
			return err
		}
		return context.DeadlineExceeded
	}
}

// trackSockets counts the websocket upgrades served by next until their
// handler returns, which the transport's does when the connection has
// closed.
func (d *Delivery) trackSockets(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if auth.IsWebsocketUpgrade(r) {
			d.sockets.Add(1)
			defer d.sockets.Done()
		}
		next.ServeHTTP(w, r)
	})
}

// SocketsClosed waits, after Stop, for the subscriptions' connections to
// finish closing, at most until ctx ends: without it a server exiting on
// SIGTERM could cut them before their complete and close frames are sent,
// and clients would see an abnormal closure instead of 1000.
func (d *Delivery) SocketsClosed(ctx context.Context) error {
	done := make(chan struct{})
	go func() { d.sockets.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// drainReserve is the most of a shutdown's time kept for recording the
// attempts it cut short.
const drainReserve = time.Second
