package events

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"

	"onboard/ent"
	"onboard/ent/privacy"
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

// BatchSize is the most events one sequencing transaction numbers: a
// backlog (a server that was down, a bulk import) is worked off in
// transactions of this size one after the other, so that no transaction
// holds the lock, or the fan-out's deliveries, for long.
const BatchSize = 500

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
	// client is the sequencer's own ent client over the unwrapped pool:
	// its statements are background work, not a request's, and must not
	// show in a request's statement count (the tests wrap db.Client's
	// driver to count them).
	client *ent.Client
	wake   chan struct{}
	// run makes this process's runs take turns (SequenceOnce may be called
	// beside Run): on SQLite nothing else orders them.
	run sync.Mutex

	mu        sync.Mutex
	listeners map[chan struct{}]struct{}
}

// NewSequencer returns a Sequencer over db; fanout may be nil.
func NewSequencer(db *database.DB, settings Settings, fanout FanoutFunc, logger *slog.Logger) *Sequencer {
	if logger == nil {
		logger = slog.Default()
	}
	return &Sequencer{
		db: db, settings: settings.WithDefaults(), fanout: fanout, logger: logger,
		client:    ent.NewClient(ent.Driver(entsql.OpenDB(db.Dialect, db.SQL))),
		wake:      make(chan struct{}, 1),
		listeners: map[chan struct{}]struct{}{},
	}
}

// Run sequences until ctx ends: at once when woken, else every
// PollInterval. A full batch is followed at once by the next, so a backlog
// drains without waiting for ticks; a failed run is logged and tried again
// at the next wake-up or tick, never in a loop.
func (s *Sequencer) Run(ctx context.Context) {
	tick := time.NewTicker(s.settings.PollInterval)
	defer tick.Stop()
	for {
		for {
			n, err := s.SequenceOnce(ctx)
			if err != nil {
				if ctx.Err() == nil {
					// The error names statements and ids, never an
					// event's values.
					s.logger.ErrorContext(ctx, "sequencing events", slog.String("error", err.Error()))
				}
				break
			}
			if n < BatchSize {
				break
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-s.wake:
		case <-tick.C:
		}
	}
}

// Wake asks for a sequencing run now (it never blocks): history calls it
// after a transaction with events commits (history.WithCommitted). Wakes
// that come while one is pending make one run.
func (s *Sequencer) Wake() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// SequenceOnce sequences the events waiting (at most BatchSize, the
// oldest ids first) in one transaction, and reports how many. The
// listeners of Notify hear of it after the commit when there were any.
func (s *Sequencer) SequenceOnce(ctx context.Context) (int, error) {
	s.run.Lock()
	evs, err := s.sequence(ctx)
	s.run.Unlock()
	if err != nil {
		return 0, err
	}
	if len(evs) > 0 {
		s.notify()
	}
	return len(evs), nil
}

// sequence is one run: lock (PostgreSQL), number the batch in one
// statement, fan out, commit.
func (s *Sequencer) sequence(ctx context.Context) (evs []Sequenced, err error) {
	ctx = privacy.DecisionContext(ctx, privacy.Allow)
	tx, err := s.client.Tx(ctx)
	if err != nil {
		return nil, fmt.Errorf("beginning: %w", err)
	}
	defer func() {
		if err != nil {
			_ = tx.Rollback()
		}
	}()
	postgres := s.db.Dialect == dialect.Postgres
	if postgres {
		// Keyed by the schema, as the migration lock is: the servers of
		// one deployment take turns, the tests' schemas do not wait on
		// each other. The statement that follows takes its snapshot after
		// the lock is granted, so it sees every run before it committed.
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtext('onboard-sequence:' || current_schema()))`); err != nil {
			return nil, fmt.Errorf("sequencer lock: %w", err)
		}
	}
	evs, err = s.number(ctx, tx, postgres)
	if err != nil {
		return nil, err
	}
	if len(evs) == 0 {
		return nil, tx.Commit()
	}
	if s.fanout != nil {
		if err := s.fanout(ctx, tx, evs); err != nil {
			return nil, fmt.Errorf("fanout: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("committing: %w", err)
	}
	return evs, nil
}

// numberStatement numbers the oldest unsequenced events after the highest
// sequence given, in id order, and returns them: one statement for the
// whole batch, on PostgreSQL as on SQLite (3.35+: UPDATE … FROM and
// RETURNING). The inner select walks the partial index of unsequenced
// events; max(sequence) reads the end of the unique index on sequence.
// The outer `sequence IS NULL` (true of every row the subquery picked,
// under the lock) lets the join read the few unsequenced rows through
// their index too: without it PostgreSQL hash-joined the batch against a
// scan of the whole table, which grows with every event ever written. The
// subquery's columns are named apart from the table's so that RETURNING's
// names are unambiguous on both.
const numberStatement = `UPDATE customer_events SET sequence = n.seq, sequenced_at = %s
FROM (
  SELECT u.eid, (SELECT COALESCE(MAX(sequence), 0) FROM customer_events) + ROW_NUMBER() OVER (ORDER BY u.eid) AS seq
  FROM (SELECT id AS eid FROM customer_events WHERE sequence IS NULL ORDER BY id LIMIT %d) u
) n
WHERE customer_events.id = n.eid AND customer_events.sequence IS NULL
RETURNING id, tenant_id, customer_id, type, sequence`

func (s *Sequencer) number(ctx context.Context, tx *ent.Tx, postgres bool) ([]Sequenced, error) {
	placeholder := "?"
	if postgres {
		placeholder = "$1"
	}
	rows, err := tx.QueryContext(ctx, fmt.Sprintf(numberStatement, placeholder, BatchSize), time.Now().UTC())
	if err != nil {
		return nil, fmt.Errorf("numbering: %w", err)
	}
	defer rows.Close()
	var evs []Sequenced
	for rows.Next() {
		var ev Sequenced
		if err := rows.Scan(&ev.ID, &ev.TenantID, &ev.CustomerID, &ev.Type, &ev.Sequence); err != nil {
			return nil, fmt.Errorf("numbering: %w", err)
		}
		evs = append(evs, ev)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("numbering: %w", err)
	}
	// RETURNING's order is the database's; Fanout gets them in sequence.
	slices.SortFunc(evs, func(a, b Sequenced) int { return cmp.Compare(a.Sequence, b.Sequence) })
	return evs, nil
}

// Notify returns a channel that receives (without blocking the sequencer;
// a pending notice is not repeated) after each run that sequenced events,
// and a function that stops the notices: the hub and the webhook worker
// wake on it.
func (s *Sequencer) Notify() (<-chan struct{}, func()) {
	ch := make(chan struct{}, 1)
	s.mu.Lock()
	s.listeners[ch] = struct{}{}
	s.mu.Unlock()
	var once sync.Once
	return ch, func() {
		once.Do(func() {
			s.mu.Lock()
			delete(s.listeners, ch)
			s.mu.Unlock()
		})
	}
}

func (s *Sequencer) notify() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for ch := range s.listeners {
		select {
		case ch <- struct{}{}:
		default:
		}
	}
}
