package events

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"onboard/ent"
	"onboard/ent/customerevent"
	"onboard/ent/privacy"
	"onboard/internal/apperr"
	"onboard/internal/apperr/vocab"
	"onboard/internal/database"
	"onboard/internal/history"
	"onboard/internal/pulid"
	"onboard/schema/schematype"
)

// Filter chooses the events a subscription receives: of these types (all
// when empty), of this customer ("" for all).
type Filter struct {
	Types      []string
	CustomerID string
}

// Check refuses a filter no event could pass for a mistake rather than
// for the data: an unknown type (history's rule, INVALID_VALUE on
// types[i]) or a customerId that is not a customer's id (INVALID_VALUE on
// customerId).
func (f Filter) Check() error {
	if err := (history.PageQuery{Types: f.Types}).Check(); err != nil {
		return err
	}
	if f.CustomerID != "" && !pulid.Valid(f.CustomerID, schematype.PrefixCustomer) {
		return apperr.Invalid(apperr.Path{"customerId"}, vocab.ReasonInvalidValue, "customerId is not a customer id (cus_…)")
	}
	return nil
}

// takes reports whether f lets ev through.
func (f Filter) takes(ev *ent.CustomerEvent) bool {
	return (len(f.Types) == 0 || slices.Contains(f.Types, ev.Type)) &&
		(f.CustomerID == "" || f.CustomerID == ev.CustomerID)
}

// hubBatch bounds the events the hub reads in one statement; a full batch
// is followed by the next at once.
const hubBatch = 500

// SubscriberBuffer is how many events a subscription may fall behind
// before the hub ends it (ErrSubscriberTooSlow): the hub never waits for a
// subscriber, so that one slow connection delays no other. It is twice
// the hub's batch, so that a burst (a batch handed out at once) never
// ends a subscriber that keeps reading.
const SubscriberBuffer = 2 * hubBatch

// hubReadyWait bounds how long Subscribe waits for the hub's first read
// (its starting sequence) before it answers that the stream is not
// running.
const hubReadyWait = 5 * time.Second

var (
	// ErrSubscriberTooSlow ends a subscription that fell SubscriberBuffer
	// events behind: the client resumes from the feed (Query.events) and
	// subscribes again.
	ErrSubscriberTooSlow = apperr.New(apperr.Unavailable, vocab.ReasonSubscriberTooSlow,
		"the subscription fell too far behind the events and was ended: read what you missed from events and subscribe again")
	// ErrHubStopped ends the subscriptions of a server that is shutting
	// down; their channels are closed without another error.
	ErrHubStopped = errors.New("events: the hub has stopped")
	// errNotRunning answers a subscription on a server whose hub does not
	// run (or has not read its starting point in time).
	errNotRunning = apperr.New(apperr.Unavailable, vocab.ReasonEventStreamUnavailable,
		"the event stream is not running on this server: retry shortly")
)

// Hub streams sequenced events to this server's subscriptions: one reader
// follows the feed of every tenant from the highest sequence it has seen
// (waking on the local sequencer and polling for other servers' events)
// and hands each event to the subscriptions of its tenant whose filter
// takes it.
//
// A subscription receives the events sequenced after it began (after the
// highest sequence when Subscribe read it), each once, in sequence order. The hub reads with the
// privacy layer bypassed (it follows every tenant) and hands a row only
// to subscriptions of the row's tenant. Each subscription has a buffer of
// SubscriberBuffer events; a subscriber that lets it fill is ended with
// ErrSubscriberTooSlow rather than slowing the others.
type Hub struct {
	db       *database.DB
	settings Settings
	seq      *Sequencer
	logger   *slog.Logger

	// ready is closed once Run has read its starting sequence; stopped
	// once Run has returned and closed every subscription.
	ready, stopped chan struct{}
	readyOnce      sync.Once

	mu      sync.Mutex
	ended   bool
	tenants map[string]map[*Subscription]struct{}
}

// Subscription is one subscriber's stream: C delivers its events and is
// closed when the subscription ends, after which Err tells why.
type Subscription struct {
	C      <-chan *ent.CustomerEvent
	c      chan *ent.CustomerEvent
	tenant string
	filter Filter
	err    error // under Hub.mu; set before c is closed
	closed bool  // under Hub.mu
	hub    *Hub
	// after is the highest sequence when the subscription began: it
	// takes only later events. Until Subscribe has read it (started),
	// dispatched events wait in pending.
	after   int64
	started bool
	pending []*ent.CustomerEvent
}

// Err is nil while the subscription runs and after its context ended;
// ErrSubscriberTooSlow when it fell behind; ErrHubStopped when the server
// is shutting down. Read it once C is closed.
func (s *Subscription) Err() error {
	s.hub.mu.Lock()
	defer s.hub.mu.Unlock()
	return s.err
}

// NewHub returns a Hub over db, woken by seq (nil: polling only).
func NewHub(db *database.DB, settings Settings, seq *Sequencer, logger *slog.Logger) *Hub {
	return &Hub{db: db, settings: settings.WithDefaults(), seq: seq, logger: logger,
		ready: make(chan struct{}), stopped: make(chan struct{}),
		tenants: map[string]map[*Subscription]struct{}{}}
}

// Settings are the hub's settings, defaults filled in.
func (h *Hub) Settings() Settings { return h.settings }

// Stopped is closed once Run has returned and every subscription has
// been closed: a websocket connection ends with it.
func (h *Hub) Stopped() <-chan struct{} { return h.stopped }

// Run follows the feed until ctx ends, then closes every subscription
// (Err: ErrHubStopped). It runs once per Hub.
func (h *Hub) Run(ctx context.Context) {
	defer h.stop()
	var notify <-chan struct{}
	if h.seq != nil {
		n, stop := h.seq.Notify()
		defer stop()
		notify = n
	}
	tick := time.NewTicker(h.settings.PollInterval)
	defer tick.Stop()
	read := privacy.DecisionContext(ctx, privacy.Allow) // every tenant's events
	var last int64
	started := false
	for {
		if !started {
			max, err := h.maxSequence(read)
			if err == nil {
				last, started = max, true
				h.readyOnce.Do(func() { close(h.ready) })
			} else if ctx.Err() == nil {
				h.logger.Warn("events hub: reading the starting sequence", "error", err)
			}
		}
		if started {
			last = h.follow(read, last)
		}
		select {
		case <-ctx.Done():
			return
		case <-notify:
		case <-tick.C:
		}
	}
}

// follow hands out the events sequenced after last and returns the last
// sequence it read. With no subscription it reads only the highest
// sequence, so that an idle server does not read every event.
//
// Idle, it checks for subscriptions again after reading the highest
// sequence: a subscription that registered before that second check is
// served from last, as if it had been there all along; one that registers
// after it reads its starting point after the highest sequence was read,
// so it starts there or later and skipping to it loses that subscription
// nothing. (Checking only before the read would skip an event sequenced
// between a new subscriber's start and the read: it would never reach
// that subscriber.)
func (h *Hub) follow(ctx context.Context, last int64) int64 {
	for ctx.Err() == nil {
		if !h.hasSubscriptions() {
			if f := testHookIdle.Load(); f != nil {
				(*f)(h)
			}
			max, err := h.maxSequence(ctx)
			if err != nil {
				h.warn(ctx, err)
				return last
			}
			if !h.hasSubscriptions() {
				return max
			}
		}
		evs, err := h.db.Client.CustomerEvent.Query().
			Where(customerevent.SequenceGT(last)).
			Order(ent.Asc(customerevent.FieldSequence)).
			Limit(hubBatch).
			All(ctx)
		if err != nil {
			h.warn(ctx, err)
			return last
		}
		for _, ev := range evs {
			h.dispatch(ev)
			last = *ev.Sequence
		}
		if len(evs) < hubBatch {
			return last
		}
	}
	return last
}

func (h *Hub) warn(ctx context.Context, err error) {
	if ctx.Err() == nil {
		h.logger.Warn("events hub: reading events", "error", err)
	}
}

// maxSequence is the highest sequence given so far (0 for none).
func (h *Hub) maxSequence(ctx context.Context) (int64, error) {
	var rows []struct {
		Max *int64 `json:"max"`
	}
	err := h.db.Client.CustomerEvent.Query().
		Where(customerevent.SequenceNotNil()).
		Aggregate(ent.As(ent.Max(customerevent.FieldSequence), "max")).
		Scan(ctx, &rows)
	if err != nil || len(rows) == 0 || rows[0].Max == nil {
		return 0, err
	}
	return *rows[0].Max, nil
}

// Subscriptions is how many subscriptions tenantID has on this server
// that have read their starting point: each of them receives every event
// sequenced from now on (a test waits for it before it commits one). A
// subscription still reading its start is not counted, though it holds a
// place in SubscriptionsPerTenant.
func (h *Hub) Subscriptions(tenantID string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	n := 0
	for s := range h.tenants[tenantID] {
		if s.started {
			n++
		}
	}
	return n
}

// Test hooks, set only by tests (SetTestHookIdle, SetTestHookBeforeStart)
// to drive an interleaving of the hub and a subscriber deterministically;
// a hook is given the hub, so that a test acts on its own hub only.
var testHookIdle, testHookBeforeStart atomic.Pointer[func(*Hub)]

// SetTestHookIdle installs f as the hook the hub's reader calls when it
// found no subscription, before it reads the highest sequence to skip to
// it. For tests only.
func SetTestHookIdle(f func(*Hub)) (remove func()) {
	testHookIdle.Store(&f)
	return func() { testHookIdle.Store(nil) }
}

// SetTestHookBeforeStart installs f as the hook Subscribe calls once the
// subscription is registered, before it reads its starting point. For
// tests only.
func SetTestHookBeforeStart(f func(*Hub)) (remove func()) {
	testHookBeforeStart.Store(&f)
	return func() { testHookBeforeStart.Store(nil) }
}

func (h *Hub) hasSubscriptions() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.tenants) > 0
}

// dispatch hands ev to the subscriptions of its tenant that take it,
// never waiting: a full buffer ends its subscription.
func (h *Hub) dispatch(ev *ent.CustomerEvent) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for s := range h.tenants[ev.TenantID] {
		if !s.filter.takes(ev) {
			continue
		}
		if !s.started {
			s.pending = append(s.pending, ev)
			continue
		}
		h.sendLocked(s, ev)
	}
}

// sendLocked hands ev to s unless s began after it; h.mu is held.
func (h *Hub) sendLocked(s *Subscription, ev *ent.CustomerEvent) {
	if s.closed || *ev.Sequence <= s.after {
		return
	}
	select {
	case s.c <- ev:
	default:
		h.endLocked(s, ErrSubscriberTooSlow)
	}
}

// endLocked closes s with err and forgets it; h.mu is held.
func (h *Hub) endLocked(s *Subscription, err error) {
	if s.closed {
		return
	}
	s.closed, s.err = true, err
	close(s.c)
	subs := h.tenants[s.tenant]
	delete(subs, s)
	if len(subs) == 0 {
		delete(h.tenants, s.tenant)
	}
}

func (h *Hub) stop() {
	h.mu.Lock()
	h.ended = true
	for _, subs := range h.tenants {
		for s := range subs {
			h.endLocked(s, ErrHubStopped)
		}
	}
	h.mu.Unlock()
	close(h.stopped)
}

// Subscribe returns the events of tenantID that f takes, from the next
// one the hub reads on, until ctx ends (C is closed then). It is
// RATE_LIMITED (TOO_MANY_SUBSCRIPTIONS) when the tenant has
// SubscriptionsPerTenant on this server already, and UNAVAILABLE
// (EVENT_STREAM_UNAVAILABLE) when the hub does not run.
func (h *Hub) Subscribe(ctx context.Context, tenantID string, f Filter) (*Subscription, error) {
	wait := time.NewTimer(hubReadyWait)
	defer wait.Stop()
	select {
	case <-h.ready:
	case <-h.stopped:
		return nil, errNotRunning
	case <-wait.C:
		return nil, errNotRunning
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	c := make(chan *ent.CustomerEvent, SubscriberBuffer)
	s := &Subscription{C: c, c: c, tenant: tenantID, filter: f, hub: h}
	h.mu.Lock()
	if h.ended {
		h.mu.Unlock()
		return nil, errNotRunning
	}
	subs := h.tenants[tenantID]
	if len(subs) >= h.settings.SubscriptionsPerTenant {
		h.mu.Unlock()
		return nil, apperr.New(apperr.RateLimited, vocab.ReasonTooManySubscriptions,
			"the tenant has as many subscriptions on this server as it may hold: end one first")
	}
	if subs == nil {
		subs = map[*Subscription]struct{}{}
		h.tenants[tenantID] = subs
	}
	subs[s] = struct{}{}
	h.mu.Unlock()
	context.AfterFunc(ctx, func() {
		h.mu.Lock()
		defer h.mu.Unlock()
		h.endLocked(s, nil)
	})
	// Registered first, then the starting point read: an event the hub
	// reads meanwhile waits in pending, so none sequenced after the start
	// is missed, and none before it is sent.
	if f := testHookBeforeStart.Load(); f != nil {
		(*f)(h)
	}
	after, err := h.maxSequence(privacy.DecisionContext(ctx, privacy.Allow))
	h.mu.Lock()
	defer h.mu.Unlock()
	if err != nil {
		h.endLocked(s, nil)
		if ue := apperr.AsUnavailable(err); ue != nil {
			return nil, ue
		}
		return nil, apperr.InternalError(err)
	}
	s.after, s.started = after, true
	for _, ev := range s.pending {
		h.sendLocked(s, ev)
	}
	s.pending = nil
	return s, nil
}
