// Package database opens the store (PostgreSQL through pgx, see
// postgres.go, or an embedded SQLite file through a pure-Go driver when no
// URL is configured) and migrates its schema.
package database

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	atlasmigrate "ariga.io/atlas/sql/migrate"
	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"
	_ "modernc.org/sqlite" // pure-Go SQLite driver "sqlite"

	"onboard/ent"
	"onboard/ent/migrate"
	_ "onboard/ent/runtime" // registers the schema hooks and privacy policies
)

// Config selects and sizes the store.
type Config struct {
	// URL is a postgres:// URL; empty selects SQLite in DataDir.
	URL string
	// ReadURL, when set, is a postgres:// URL of a read replica of URL:
	// the statements of contexts marked ReadOnly go there (see route.go).
	ReadURL string
	// DataDir holds the SQLite file.
	DataDir string
	// MaxConns bounds open connections; idle connections are kept up to the
	// same number so that a busy server does not reconnect all the time.
	// Zero or less is DefaultMaxConns.
	MaxConns int
	// Logger receives what Migrate repairs (see repairs.go); nil is
	// slog.Default().
	Logger *slog.Logger
}

// DefaultMaxConns is Config.MaxConns when none is set (DB_MAX_CONNS).
const DefaultMaxConns = 8

// DB is an open store.
type DB struct {
	Client  *ent.Client
	SQL     *sql.DB
	Dialect string
	// Replica is the read replica's pool, nil without Config.ReadURL.
	Replica *sql.DB
	logger  *slog.Logger
	// migrations replaces migrations/ in tests (export_test.go).
	migrations atlasmigrate.Dir
}

// Open connects to the store configured by cfg. wrap, when not nil, wraps
// the ent driver (the tests count statements with it).
func Open(cfg Config, wrap func(dialect.Driver) dialect.Driver) (*DB, error) {
	var (
		db   *sql.DB
		name string
		err  error
	)
	if cfg.URL != "" {
		if !strings.HasPrefix(cfg.URL, "postgres://") && !strings.HasPrefix(cfg.URL, "postgresql://") {
			return nil, errors.New("DATABASE_URL must be a postgres:// URL")
		}
		name = dialect.Postgres
		db, err = sql.Open("postgres", PostgresDSN(cfg.URL))
	} else {
		name = dialect.SQLite
		db, err = openSQLite(cfg.DataDir)
	}
	if err != nil {
		return nil, err
	}
	maxConns := cfg.MaxConns
	if maxConns <= 0 {
		maxConns = DefaultMaxConns
	}
	db.SetMaxOpenConns(maxConns)
	db.SetMaxIdleConns(maxConns)
	primary := entsql.OpenDB(name, db)
	var drv dialect.Driver = primary
	replica, err := openReplica(cfg, db)
	if err != nil {
		db.Close()
		return nil, err
	}
	if replica != nil {
		drv = routeDriver{primary: primary, replica: entsql.OpenDB(name, replica)}
	}
	if wrap != nil {
		drv = wrap(drv)
	}
	logger := cfg.Logger
	if logger == nil {
		logger = slog.Default()
	}
	client := ent.NewClient(ent.Driver(drv))
	client.Customer.Intercept(customerTypeWithName())
	return &DB{Client: client, SQL: db, Replica: replica, Dialect: name, logger: logger}, nil
}

// PostgresDSN is the connection string for DATABASE_URL: the URL with JIT
// compilation off and a plan made for each execution's values, unless the
// URL sets jit or plan_cache_mode itself, and TLS required unless the URL
// (or PGSSLMODE) sets sslmode.
//
// JIT: the API's queries are short; PostgreSQL's cost estimate for a
// filtered list (EXISTS … OR … ILIKE across four tables) passes
// jit_above_cost, and compiling then took ~620 ms for ~56 ms of execution
// (BenchmarkRead/FilteredList: p50 630 ms with JIT, ~100 ms without).
//
// Plans: pgx prepares each statement once per connection, and after five
// executions PostgreSQL may keep a generic plan for it, costed for an
// average tenant. Tenants differ by orders of magnitude: the generic plan
// of a first page (`WHERE tenant_id = $1 ORDER BY id LIMIT 21`, a walk of
// the primary key, right for a tenant of a million) took 347 ms for a
// tenant of 50 customers beside it, whose own plan takes 0.2 ms.
// force_custom_plan plans every execution for its values, as lib/pq's
// unnamed statements did; unless the URL sets plan_cache_mode.
//
// TLS: require was lib/pq's default, which the project had before pgx;
// pgx's own default (prefer) would fall back to plain text, unnoticed,
// when the server offers no TLS.
//
// lib/pq's own parameters (binary_parameters, disable_prepared_binary_result)
// are dropped: pgx would send them to PostgreSQL as settings, which refuses
// the connection, and what they asked for is what pgx does anyway.
func PostgresDSN(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return rawURL // the driver reports the malformed URL
	}
	q := u.Query()
	if !q.Has("jit") {
		q.Set("jit", "off")
	}
	if !q.Has("plan_cache_mode") {
		q.Set("plan_cache_mode", "force_custom_plan")
	}
	if !q.Has("sslmode") && os.Getenv("PGSSLMODE") == "" {
		q.Set("sslmode", "require")
	}
	q.Del("binary_parameters")
	q.Del("disable_prepared_binary_result")
	u.RawQuery = q.Encode()
	return u.String()
}

// openSQLite opens dir/onboard.db in WAL mode: readers never block the
// writer, BEGIN IMMEDIATE takes the write lock up front and busy_timeout
// makes racing writers wait instead of failing with SQLITE_BUSY.
func openSQLite(dir string) (*sql.DB, error) {
	if dir == "" {
		dir = "data"
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("creating data directory: %w", err)
	}
	return sql.Open("sqlite", SQLiteDSN(filepath.Join(dir, "onboard.db")))
}

// SQLiteDSN is the connection string of the SQLite file at path. The path
// is escaped, since SQLite decodes %HH in a file: URI and the driver cuts
// the URI at its first "?": a data directory named "60 %" or "a?b" must
// still open.
func SQLiteDSN(path string) string {
	q := url.Values{}
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Set("_txlock", "immediate")
	return "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + q.Encode()
}

// Close closes the store.
func (d *DB) Close() error { return d.Client.Close() }

// Ping reports whether the database answers.
func (d *DB) Ping(ctx context.Context) error { return d.SQL.PingContext(ctx) }

// Migrate brings the schema up to date.
//
// PostgreSQL, in development as in production, applies the versioned
// migration files of migrations/ (see migrateVersioned), under an advisory
// lock keyed by the current schema, so that instances starting together
// migrate one after the other instead of racing: the second finds nothing
// pending.
//
// The embedded SQLite database, development only, keeps ent's automatic
// migration: the files are PostgreSQL's, and a local file can be deleted
// and recreated at will.
//
// Before a one-of-a-kind index is created, the duplicates an older version
// could leave are repaired (see repairDuplicates).
func (d *DB) Migrate(ctx context.Context) error {
	if d.Dialect != dialect.Postgres {
		return d.autoMigrate(ctx)
	}
	conn, err := d.SQL.Conn(ctx)
	if err != nil {
		return fmt.Errorf("migration lock: %w", err)
	}
	defer conn.Close()
	const lockKey = `hashtext('onboard-migrate:' || current_schema())`
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock(`+lockKey+`)`); err != nil {
		return fmt.Errorf("migration lock: %w", err)
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock(`+lockKey+`)`) //nolint:errcheck // the session ends with the connection anyway
	return d.migrateVersioned(ctx, conn)
}

// autoMigrate is ent's automatic migration, for SQLite.
func (d *DB) autoMigrate(ctx context.Context) error {
	if err := d.repairDuplicates(ctx, d.SQL); err != nil {
		return fmt.Errorf("repairing duplicates before migrating: %w", err)
	}
	backfills := []struct {
		table, column, stmt, what string
	}{
		{"organizations", "registration_number_key", sqliteDuplicateKeysBackfill, "the organizations' duplicate keys"},
		{"identity_documents", "is_primary", sqlitePrimaryDocumentBackfill, "the persons' primary identity documents"},
	}
	var due []int
	for i, b := range backfills {
		lacks, err := d.lacksColumn(ctx, b.table, b.column)
		if err != nil {
			return err
		}
		if lacks {
			due = append(due, i)
		}
	}
	if err := d.Client.Schema.Create(ctx, migrate.WithDropIndex(true)); err != nil {
		return fmt.Errorf("migrating schema: %w", err)
	}
	for _, i := range due {
		if _, err := d.SQL.ExecContext(ctx, backfills[i].stmt); err != nil {
			return fmt.Errorf("filling %s: %w", backfills[i].what, err)
		}
	}
	return nil
}
