package events

import (
	"context"
	"log/slog"

	"onboard/ent"
	"onboard/internal/database"
)

// Sequenced is an event that has just been given its place in commit
// order, as the sequencer hands it to Fanout.
type Sequenced struct {
	ID         string
	TenantID   string
	CustomerID string
	Type       string
	Sequence   int64
}

// FanoutFunc is called inside the sequencer's transaction with the events
// it has just sequenced (webhooks makes their deliveries there, so that an
// event is sequenced exactly when its deliveries exist). tx may read and
// write any tenant's rows: the context bypasses the tenant policy.
type FanoutFunc func(ctx context.Context, tx *ent.Tx, evs []Sequenced) error

// Sequencer gives committed events their place in commit order: it takes
// the events without a sequence, in id order, numbers them after the
// highest sequence given so far and calls Fanout, all in one transaction,
// which on PostgreSQL holds an advisory lock so that servers sequencing at
// the same time take turns. An event that commits after others were
// sequenced gets a higher number than all of them, so a reader that
// resumes after the last sequence it read misses nothing.
type Sequencer struct {
	db       *database.DB
	settings Settings
	fanout   FanoutFunc
	logger   *slog.Logger
}

// NewSequencer returns a Sequencer over db; fanout may be nil.
func NewSequencer(db *database.DB, settings Settings, fanout FanoutFunc, logger *slog.Logger) *Sequencer {
	return &Sequencer{db: db, settings: settings.WithDefaults(), fanout: fanout, logger: logger}
}

// Run sequences until ctx ends: at once when woken, else every
// PollInterval.
func (s *Sequencer) Run(ctx context.Context) { <-ctx.Done() } // TODO(feed)

// Wake asks for a sequencing run now (it never blocks): history calls it
// after a transaction with events commits (history.WithCommitted).
func (s *Sequencer) Wake() {}

// SequenceOnce sequences the events waiting, and reports how many.
func (s *Sequencer) SequenceOnce(ctx context.Context) (int, error) {
	return 0, nil // TODO(feed)
}

// Notify returns a channel that receives (without blocking the sequencer;
// a pending notice is not repeated) after each run that sequenced events,
// and a function that stops the notices: the hub and the webhook worker
// wake on it.
func (s *Sequencer) Notify() (<-chan struct{}, func()) { return make(chan struct{}), func() {} } // TODO(feed)
