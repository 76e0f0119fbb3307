package events

import (
	"context"
	"errors"
	"log/slog"

	"onboard/ent"
	"onboard/internal/database"
)

// Filter chooses the events a subscription receives: of these types (all
// when empty), of this customer ("" for all).
type Filter struct {
	Types      []string
	CustomerID string
}

// Hub streams sequenced events to this server's subscriptions: one reader
// follows the feed of every tenant from the highest sequence it has seen
// (waking on the local sequencer and polling for other servers' events)
// and hands each event to the subscriptions of its tenant whose filter
// takes it.
type Hub struct {
	db       *database.DB
	settings Settings
	seq      *Sequencer
	logger   *slog.Logger
}

// NewHub returns a Hub over db, woken by seq (nil: polling only).
func NewHub(db *database.DB, settings Settings, seq *Sequencer, logger *slog.Logger) *Hub {
	return &Hub{db: db, settings: settings.WithDefaults(), seq: seq, logger: logger}
}

// Run follows the feed until ctx ends.
func (h *Hub) Run(ctx context.Context) { <-ctx.Done() } // TODO(subscriptions)

// Subscribe returns the events of tenantID that f takes, from the next
// one sequenced on, until ctx ends (the channel is closed then). It is
// RESOURCE_EXHAUSTED when the tenant has SubscriptionsPerTenant already.
func (h *Hub) Subscribe(ctx context.Context, tenantID string, f Filter) (<-chan *ent.CustomerEvent, error) {
	return nil, errors.New("TODO(subscriptions)")
}
