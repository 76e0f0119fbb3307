package database

import (
	"context"
	"database/sql"
	"errors"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"
)

// readOnlyKey marks a context whose statements may be answered by the read
// replica.
type readOnlyKey struct{}

// ReadOnly marks ctx as a read-only operation: with a read replica
// configured (Config.ReadURL), the statements run with it outside a
// transaction go to the replica. The GraphQL layer marks whole query
// operations, once; mutations, and their payloads, are never marked, so
// they read what they wrote.
func ReadOnly(ctx context.Context) context.Context {
	return context.WithValue(ctx, readOnlyKey{}, true)
}

// IsReadOnly reports whether ctx was marked by ReadOnly.
func IsReadOnly(ctx context.Context) bool {
	v, _ := ctx.Value(readOnlyKey{}).(bool)
	return v
}

// routeDriver is the ent driver of a primary with a read replica: the
// statements of a context marked ReadOnly go to the replica, everything
// else (unmarked statements, and every transaction, whatever its context)
// to the primary. Nothing falls back: when the replica is down, reads fail
// with the driver's connection error, which the API answers as
// UNAVAILABLE, while writes go on.
type routeDriver struct {
	primary, replica *entsql.Driver
}

func (d routeDriver) pick(ctx context.Context) *entsql.Driver {
	if IsReadOnly(ctx) {
		return d.replica
	}
	return d.primary
}

func (d routeDriver) Exec(ctx context.Context, query string, args, v any) error {
	return d.pick(ctx).Exec(ctx, query, args, v)
}

func (d routeDriver) Query(ctx context.Context, query string, args, v any) error {
	return d.pick(ctx).Query(ctx, query, args, v)
}

// Tx always runs on the primary: a transaction is there to write, or to
// read consistently with a write.
func (d routeDriver) Tx(ctx context.Context) (dialect.Tx, error) { return d.primary.Tx(ctx) }

// BeginTx is there because ent's generated client opens transactions with
// options through it.
func (d routeDriver) BeginTx(ctx context.Context, opts *sql.TxOptions) (dialect.Tx, error) {
	return d.primary.BeginTx(ctx, opts)
}

func (d routeDriver) Dialect() string { return d.primary.Dialect() }

func (d routeDriver) Close() error { return errors.Join(d.primary.Close(), d.replica.Close()) }

// openReplica opens the read replica at cfg.ReadURL with the pool settings
// of primary, or returns nil when none is configured. internal/config
// checks DATABASE_READ_URL for the operator; this only refuses what the
// route cannot do: an embedded SQLite file has no replica.
func openReplica(cfg Config, primary *sql.DB) (*sql.DB, error) {
	if cfg.ReadURL == "" {
		return nil, nil
	}
	if cfg.URL == "" {
		return nil, errors.New("a read replica needs a PostgreSQL primary (DATABASE_URL)")
	}
	db, err := sql.Open("postgres", PostgresDSN(cfg.ReadURL))
	if err != nil {
		return nil, err
	}
	maxConns := primary.Stats().MaxOpenConnections
	db.SetMaxOpenConns(maxConns)
	db.SetMaxIdleConns(maxConns)
	return db, nil
}

// PingReplica reports whether the read replica answers; nil when there is
// none.
func (d *DB) PingReplica(ctx context.Context) error {
	if d.Replica == nil {
		return nil
	}
	return d.Replica.PingContext(ctx)
}
