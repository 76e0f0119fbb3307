package apperr

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"strings"
	"syscall"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"onboard/internal/apperr/vocab"
)

// RetryAfterSeconds is the Retry-After every 503 answer carries: long
// enough for a pool to reconnect or a failover to finish, short enough
// that a client does not give up.
const RetryAfterSeconds = 5

// AsUnavailable returns the UNAVAILABLE error (status 503, DATABASE_UNAVAILABLE) when err says
// the database cannot be reached or refused to serve, and nil for any
// other error, which stays INTERNAL (or whatever it is).
//
// A registration that fails this way has written nothing: its
// Idempotency-Key is claimed inside the failed transaction, so a retry
// with the same key runs normally.
func AsUnavailable(err error) *Error {
	if _, ok := Unavailability(err); !ok {
		return nil
	}
	return &Error{
		Code:    Unavailable,
		Reason:  vocab.ReasonDatabaseUnavailable,
		Message: "the database is unavailable; retry shortly",
		cause:   err,
	}
}

// Unavailability reports whether err is a database outage and, if so, a
// short description for the log that never holds the driver's text (which
// can carry socket addresses, SQL or values): e.g. "network: connection
// refused", "postgres 57P01", "sqlite SQLITE_BUSY".
func Unavailability(err error) (cause string, ok bool) {
	if err == nil {
		return "", false
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgUnavailability(pgErr)
	}
	var sqliteErr *sqlite.Error
	if errors.As(err, &sqliteErr) {
		return sqliteUnavailability(sqliteErr)
	}
	switch {
	case errors.Is(err, driver.ErrBadConn):
		return "driver: bad connection", true
	case errors.Is(err, sql.ErrConnDone):
		return "driver: connection already closed", true
	case errors.Is(err, context.DeadlineExceeded):
		// The request's deadline passed while it waited for a pooled
		// connection or for the database to answer.
		return "deadline exceeded waiting for the database", true
	case errors.Is(err, syscall.ECONNREFUSED):
		return "network: connection refused", true
	case errors.Is(err, syscall.ECONNRESET):
		return "network: connection reset", true
	case errors.Is(err, syscall.EPIPE):
		return "network: broken pipe", true
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		// Only drivers return EOF to a resolver: the server hung up.
		return "network: connection closed by the database", true
	}
	var netErr net.Error
	if errors.As(err, &netErr) {
		if netErr.Timeout() {
			return "network: timeout", true
		}
		return "network: " + netOp(err), true
	}
	// Errors flattened to text by a layer that did not wrap them.
	msg := err.Error()
	for _, m := range []string{"sql: database is closed", "connection refused", "connection reset by peer", "broken pipe", "bad connection"} {
		if strings.Contains(msg, m) {
			return m, true
		}
	}
	return "", false
}

// pgUnavailability classifies PostgreSQL's SQLSTATEs: class 08 (connection
// exception), 57P01–57P05 (the server is shutting down, restarting, or
// dropped the session or database) and 53300 (too many connections).
func pgUnavailability(e *pgconn.PgError) (string, bool) {
	switch code := e.Code; {
	case strings.HasPrefix(code, "08"),
		strings.HasPrefix(code, "57P0"),
		code == "53300":
		return "postgres " + code, true
	}
	return "", false
}

// sqliteUnavailability classifies SQLite's primary result codes (the low
// byte of an extended code): the file is locked past busy_timeout, cannot
// be opened or read, the disk is full, or memory ran out.
func sqliteUnavailability(e *sqlite.Error) (string, bool) {
	switch e.Code() & 0xff {
	case sqlite3.SQLITE_BUSY:
		return "sqlite SQLITE_BUSY", true
	case sqlite3.SQLITE_IOERR:
		return "sqlite SQLITE_IOERR", true
	case sqlite3.SQLITE_CANTOPEN:
		return "sqlite SQLITE_CANTOPEN", true
	case sqlite3.SQLITE_FULL:
		return "sqlite SQLITE_FULL", true
	case sqlite3.SQLITE_NOMEM:
		return "sqlite SQLITE_NOMEM", true
	case sqlite3.SQLITE_PROTOCOL:
		return "sqlite SQLITE_PROTOCOL", true
	}
	return "", false
}

// netOp names the failing network operation (dial, read, write) without
// its addresses.
func netOp(err error) string {
	var op *net.OpError
	if errors.As(err, &op) && op.Op != "" {
		return op.Op + " failed"
	}
	return "error"
}
