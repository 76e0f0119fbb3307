package webhooks

import (
	"context"
	"log/slog"

	"onboard/ent"
	"onboard/internal/database"
	"onboard/internal/events"
	"onboard/internal/observe"
)

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
}

// NewWorker returns a Worker over db, woken by seq (nil: polling only).
func NewWorker(db *database.DB, box *Box, settings Settings, seq *events.Sequencer, metrics *observe.Metrics, logger *slog.Logger) *Worker {
	return &Worker{db: db, box: box, settings: settings.WithDefaults(), seq: seq, metrics: metrics, logger: logger}
}

// Run delivers until ctx ends, then returns once the attempts in flight
// have ended or drain has (their results are recorded either way: an
// attempt cut short by drain is recorded as a timeout and retried).
func (w *Worker) Run(ctx, drain context.Context) { <-ctx.Done() } // TODO(worker)

// Fanout makes the deliveries of freshly sequenced events: one per event
// and enabled endpoint of its tenant that takes its type, due now. It is
// the sequencer's FanoutFunc.
func Fanout(ctx context.Context, tx *ent.Tx, evs []events.Sequenced) error {
	return nil // TODO(worker)
}
