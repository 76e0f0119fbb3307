package database

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"strings"
	"time"

	"ariga.io/atlas/sql/migrate"
	"ariga.io/atlas/sql/postgres"
	atlasschema "ariga.io/atlas/sql/schema"
	"entgo.io/ent/dialect"
	entschema "entgo.io/ent/dialect/sql/schema"

	entmigrate "onboard/ent/migrate"
	"onboard/migrations"
)

// revisionsTable records, in the migrated schema itself, which migration
// files were applied. Its name and columns are those of the atlas CLI, so
// `atlas migrate status` can read it, though nothing here needs the CLI.
const revisionsTable = "atlas_schema_revisions"

// MigrationDir returns the migration files built into the binary
// (migrations/), ready for Atlas' executor.
func MigrationDir() (*migrate.MemDir, error) {
	dir := &migrate.MemDir{}
	names, err := fs.Glob(migrations.Files, "*")
	if err != nil {
		return nil, err
	}
	for _, name := range names {
		b, err := migrations.Files.ReadFile(name)
		if err != nil {
			return nil, err
		}
		if err := dir.WriteFile(name, b); err != nil {
			return nil, err
		}
	}
	return dir, nil
}

// DiffMigration replays dir on the empty PostgreSQL schema that devURL's
// search_path names and writes the statements that take it to the ent
// schema into a new file of dir (version: the UTC time; name: name),
// updating atlas.sum. It returns migrate.ErrNoPlan when dir already builds
// the ent schema. Drops are planned too, so that a removed field or index
// shows up: the file is for a person to review before it is committed.
func DiffMigration(ctx context.Context, devURL string, dir migrate.Dir, name string) error {
	return entmigrate.NamedDiff(ctx, devURL, name,
		entschema.WithDir(dir),
		entschema.WithMigrationMode(entschema.ModeReplay),
		entschema.WithDialect(dialect.Postgres),
		entschema.WithFormatter(migrate.DefaultFormatter),
		entschema.WithDropColumn(true),
		entschema.WithDropIndex(true),
		entschema.WithErrNoPlan(true),
	)
}

// migrateVersioned applies the pending files of migrations/ in one
// transaction on conn, which holds the migration lock: PostgreSQL's DDL is
// transactional, so a failing file leaves the schema, the repairs and the
// revisions as they were. The duplicate repairs run first, in the same
// transaction, as Go steps: each one only while its table exists and its
// index does not, that is right before the file that creates the index.
//
// A schema without revisions but with tables is one that ent's automatic
// migration created (every release before versioned migrations): when it
// equals the first file it is recorded as that file's baseline and only the
// later files run; any other schema is refused before anything changes.
func (d *DB) migrateVersioned(ctx context.Context, conn *sql.Conn) error {
	var dir migrate.Dir = d.migrations
	if dir == nil {
		mem, err := MigrationDir()
		if err != nil {
			return fmt.Errorf("reading the migration files: %w", err)
		}
		dir = mem
	}
	files, err := dir.Files()
	if err != nil || len(files) == 0 {
		return fmt.Errorf("reading the migration files: %d files, %v", len(files), err)
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback() //nolint:errcheck // after Commit it is a no-op
	if err := d.repairDuplicates(ctx, tx); err != nil {
		return fmt.Errorf("repairing duplicates before migrating: %w", err)
	}
	if _, err := tx.ExecContext(ctx, createRevisionsTable); err != nil {
		return fmt.Errorf("creating %s: %w", revisionsTable, err)
	}
	drv, err := postgres.Open(tx)
	if err != nil {
		return err
	}
	rrw := revisions{tx}
	revs, err := rrw.ReadRevisions(ctx)
	if err != nil {
		return err
	}
	opts := []migrate.ExecutorOption{migrate.WithLogger(execLogger{d.logger}), migrate.WithOperatorVersion("onboard")}
	if len(revs) == 0 {
		live, err := drv.InspectSchema(ctx, "", &atlasschema.InspectOptions{Exclude: []string{revisionsTable}})
		if err != nil {
			return err
		}
		if len(live.Tables) > 0 {
			if err := checkBaseline(ctx, tx, drv, live, files[0]); err != nil {
				return err
			}
			opts = append(opts, migrate.WithBaselineVersion(files[0].Version()))
			d.logger.Info("recorded the schema of automatic migration as the baseline", "version", files[0].Version())
		}
	}
	ex, err := migrate.NewExecutor(currentSchema{drv}, dir, rrw, opts...)
	if err != nil {
		return err
	}
	if err := ex.ExecuteN(ctx, 0); err != nil && !errors.Is(err, migrate.ErrNoPendingFiles) {
		return fmt.Errorf("migrating schema: %w", err)
	}
	return tx.Commit()
}

// checkBaseline replays the first migration file in a scratch schema
// inside tx and compares it with live, the unrecorded schema found: the
// scratch schema goes with the savepoint whatever the outcome.
func checkBaseline(ctx context.Context, tx *sql.Tx, drv migrate.Driver, live *atlasschema.Schema, first migrate.File) (err error) {
	const scratch = "onboard_migration_baseline"
	if _, err := tx.ExecContext(ctx, `SAVEPOINT baseline_check`); err != nil {
		return err
	}
	defer func() {
		if _, rerr := tx.ExecContext(ctx, `ROLLBACK TO SAVEPOINT baseline_check`); rerr != nil && err == nil {
			err = rerr
		}
	}()
	stmts, err := migrate.FileStmts(drv, first)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `CREATE SCHEMA `+scratch); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `SELECT set_config('search_path', '`+scratch+`', true)`); err != nil {
		return err
	}
	for _, s := range stmts {
		if _, err := tx.ExecContext(ctx, s); err != nil {
			return fmt.Errorf("replaying %s in a scratch schema: %w", first.Name(), err)
		}
	}
	want, err := drv.InspectSchema(ctx, scratch, nil)
	if err != nil {
		return err
	}
	want.Name = live.Name
	changes, err := drv.SchemaDiff(live, want)
	if err != nil || len(changes) == 0 {
		return err
	}
	plan, err := drv.PlanChanges(ctx, "baseline", changes)
	if err != nil {
		return err
	}
	var diff []string
	for _, c := range plan.Changes {
		diff = append(diff, c.Cmd)
	}
	return fmt.Errorf("the schema %q has tables but no migration revisions, and is not the one the previous "+
		"release's automatic migration created (migrations/%s): start that release once so that it migrates, then "+
		"this one. Nothing was changed. It differs by:\n%s", live.Name, first.Name(), strings.Join(diff, ";\n"))
}

// currentSchema binds Atlas' driver to the connection's current schema
// when it checks that a schema is empty: over a bare connection Atlas looks
// at every schema of the database, and a database may hold others.
type currentSchema struct{ migrate.Driver }

func (d currentSchema) CheckClean(ctx context.Context, revT *migrate.TableIdent) error {
	s, err := d.InspectSchema(ctx, "", &atlasschema.InspectOptions{Exclude: []string{revT.Name}})
	if err != nil {
		return err
	}
	if len(s.Tables) > 0 {
		return &migrate.NotCleanError{Reason: fmt.Sprintf("found table %q in schema %q", s.Tables[0].Name, s.Name)}
	}
	return nil
}

const createRevisionsTable = `CREATE TABLE IF NOT EXISTS ` + revisionsTable + ` (
	version varchar NOT NULL PRIMARY KEY,
	description varchar NOT NULL,
	type bigint NOT NULL DEFAULT 2,
	applied bigint NOT NULL DEFAULT 0,
	total bigint NOT NULL DEFAULT 0,
	executed_at timestamptz NOT NULL,
	execution_time bigint NOT NULL,
	error text NULL,
	error_stmt text NULL,
	hash varchar NOT NULL,
	partial_hashes jsonb NULL,
	operator_version varchar NOT NULL
)`

// revisions is Atlas' revision store on revisionsTable, read and written
// in the migration's transaction.
type revisions struct{ q *sql.Tx }

func (revisions) Ident() *migrate.TableIdent { return &migrate.TableIdent{Name: revisionsTable} }

const revisionColumns = `version, description, type, applied, total, executed_at, execution_time,
	coalesce(error, ''), coalesce(error_stmt, ''), hash, partial_hashes, operator_version`

func (r revisions) ReadRevisions(ctx context.Context) ([]*migrate.Revision, error) {
	rows, err := r.q.QueryContext(ctx, `SELECT `+revisionColumns+` FROM `+revisionsTable+` ORDER BY version`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var revs []*migrate.Revision
	for rows.Next() {
		rev, err := scanRevision(rows)
		if err != nil {
			return nil, err
		}
		revs = append(revs, rev)
	}
	return revs, rows.Err()
}

func (r revisions) ReadRevision(ctx context.Context, version string) (*migrate.Revision, error) {
	rev, err := scanRevision(r.q.QueryRowContext(ctx, `SELECT `+revisionColumns+` FROM `+revisionsTable+` WHERE version = $1`, version))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, migrate.ErrRevisionNotExist
	}
	return rev, err
}

func scanRevision(row interface{ Scan(...any) error }) (*migrate.Revision, error) {
	var (
		rev    migrate.Revision
		exec   int64
		hashes []byte
	)
	if err := row.Scan(&rev.Version, &rev.Description, &rev.Type, &rev.Applied, &rev.Total, &rev.ExecutedAt, &exec,
		&rev.Error, &rev.ErrorStmt, &rev.Hash, &hashes, &rev.OperatorVersion); err != nil {
		return nil, err
	}
	rev.ExecutionTime = time.Duration(exec)
	if len(hashes) > 0 {
		if err := json.Unmarshal(hashes, &rev.PartialHashes); err != nil {
			return nil, fmt.Errorf("%s %s: partial_hashes: %w", revisionsTable, rev.Version, err)
		}
	}
	return &rev, nil
}

func (r revisions) WriteRevision(ctx context.Context, rev *migrate.Revision) error {
	var hashes any // NULL unless partially applied
	if rev.PartialHashes != nil {
		b, err := json.Marshal(rev.PartialHashes)
		if err != nil {
			return err
		}
		hashes = b
	}
	_, err := r.q.ExecContext(ctx, `INSERT INTO `+revisionsTable+` (version, description, type, applied, total,
		executed_at, execution_time, error, error_stmt, hash, partial_hashes, operator_version)
		VALUES ($1, $2, $3, $4, $5, $6, $7, nullif($8, ''), nullif($9, ''), $10, $11, $12)
		ON CONFLICT (version) DO UPDATE SET description = excluded.description, type = excluded.type,
		applied = excluded.applied, total = excluded.total, executed_at = excluded.executed_at,
		execution_time = excluded.execution_time, error = excluded.error, error_stmt = excluded.error_stmt,
		hash = excluded.hash, partial_hashes = excluded.partial_hashes, operator_version = excluded.operator_version`,
		rev.Version, rev.Description, rev.Type, rev.Applied, rev.Total, rev.ExecutedAt, int64(rev.ExecutionTime),
		rev.Error, rev.ErrorStmt, rev.Hash, hashes, rev.OperatorVersion)
	return err
}

func (r revisions) DeleteRevision(ctx context.Context, version string) error {
	_, err := r.q.ExecContext(ctx, `DELETE FROM `+revisionsTable+` WHERE version = $1`, version)
	return err
}

// execLogger logs each migration file as the executor starts it, so a
// start shows what it applies (never the statements: they are in the file).
type execLogger struct{ l *slog.Logger }

func (e execLogger) Log(entry migrate.LogEntry) {
	if f, ok := entry.(migrate.LogFile); ok {
		e.l.Info("applying migration", "file", f.File.Name())
	}
}
