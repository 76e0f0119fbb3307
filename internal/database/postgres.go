package database

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
)

// PostgreSQL is reached through pgx's database/sql driver, registered
// under the name "postgres" that every sql.Open of the project (and of its
// tests) uses. It replaced lib/pq because it caches each connection's
// prepared statements, so that a statement is one round trip (bind and
// execute) instead of lib/pq's parse, bind and execute, and it decodes rows
// with fewer allocations: BenchmarkQ4 used 22 % less CPU per request (see
// README "Database connections").
func init() { sql.Register("postgres", postgresDriver{}) }

// postgresDriver is pgx's driver with one rule of lib/pq's kept: a
// statement that finds its session ended by the server (a failover, a
// restart, pg_terminate_backend) reports driver.ErrBadConn, so that
// database/sql retries it on another connection, a new one if need be,
// instead of failing the request. pgx reports the server's FATAL error
// instead, and only the next use of the connection finds it closed.
type postgresDriver struct{}

func (postgresDriver) Open(dsn string) (driver.Conn, error) {
	c, err := stdlib.GetDefaultDriver().Open(dsn)
	if err != nil {
		return nil, err
	}
	return postgresConn{c.(*stdlib.Conn)}, nil
}

func (d postgresDriver) OpenConnector(dsn string) (driver.Connector, error) {
	c, err := stdlib.GetDefaultDriver().(driver.DriverContext).OpenConnector(dsn)
	if err != nil {
		return nil, err
	}
	return postgresConnector{Connector: c, driver: d}, nil
}

type postgresConnector struct {
	driver.Connector
	driver postgresDriver
}

func (c postgresConnector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.Connector.Connect(ctx)
	if err != nil {
		return nil, err
	}
	return postgresConn{conn.(*stdlib.Conn)}, nil
}

func (c postgresConnector) Driver() driver.Driver { return c.driver }

// postgresConn is pgx's connection (every optional interface of
// database/sql comes from it) with the errors of a session the server
// ended turned into driver.ErrBadConn where a retry is safe.
type postgresConn struct{ *stdlib.Conn }

// QueryContext retries only a SELECT: an INSERT … RETURNING outside a
// transaction may have committed before the FATAL error reached us, and
// running it again would answer a create that succeeded as a conflict.
// Every other statement keeps pgx's own rule (ErrBadConn only when nothing
// was sent).
func (c postgresConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	r, err := c.Conn.QueryContext(ctx, query, args)
	if readOnlyStatement(query) {
		err = badIfSessionEnded(err)
	}
	return r, err
}

// readOnlyStatement reports whether query is a SELECT, which has no effect
// to repeat.
func readOnlyStatement(query string) bool {
	q := strings.TrimLeft(query, " \t\r\n(")
	return len(q) >= 6 && strings.EqualFold(q[:6], "SELECT")
}

func (c postgresConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	tx, err := c.Conn.BeginTx(ctx, opts)
	return tx, badIfSessionEnded(err)
}

// badIfSessionEnded turns the FATAL errors with which PostgreSQL ends a
// session (SQLSTATE 57P01 admin_shutdown, 57P02 crash_shutdown, 57P03
// cannot_connect_now) into driver.ErrBadConn, so that database/sql runs
// the statement again on another connection. Only for what is safe to run
// twice: BEGIN, and a SELECT (inside a transaction database/sql never
// retries).
func badIfSessionEnded(err error) error {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Severity == "FATAL" && strings.HasPrefix(pgErr.Code, "57P0") {
		return driver.ErrBadConn
	}
	return err
}
