package apperr

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"net"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"onboard/internal/apperr/vocab"
)

// realErrors produces the errors a real outage gives: a dial to a closed
// port, SQLite files that cannot be opened, a closed pool.
func realErrors(t *testing.T) (dial, cantOpen, closed, constraint error) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	_, dial = net.Dial("tcp", addr)

	db, err := sql.Open("sqlite", "file:"+filepath.Join(t.TempDir(), "missing", "x.db")+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	cantOpen = db.Ping()
	db.Close()

	db, err = sql.Open("sqlite", "file:"+filepath.Join(t.TempDir(), "x.db"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`CREATE TABLE t (k TEXT UNIQUE); INSERT INTO t VALUES ('a')`); err != nil {
		t.Fatal(err)
	}
	_, constraint = db.Exec(`INSERT INTO t VALUES ('a')`)
	db.Close()
	_, closed = db.Exec(`SELECT 1`)
	return
}

func TestUnavailability(t *testing.T) {
	dial, cantOpen, closed, constraint := realErrors(t)
	cases := []struct {
		name string
		err  error
		ok   bool
	}{
		{"nil", nil, false},
		{"other error", errors.New("boom"), false},
		{"context canceled", context.Canceled, false},
		{"postgres unique violation", &pgconn.PgError{Code: "23505"}, false},
		{"postgres serialization failure", &pgconn.PgError{Code: "40001"}, false},
		{"postgres connection failure", &pgconn.PgError{Code: "08006"}, true},
		{"postgres cannot connect now", fmt.Errorf("querying: %w", &pgconn.PgError{Code: "57P03"}), true},
		{"postgres admin shutdown", &pgconn.PgError{Code: "57P01"}, true},
		{"postgres too many connections", &pgconn.PgError{Code: "53300"}, true},
		{"bad connection", fmt.Errorf("ent: %w", driver.ErrBadConn), true},
		{"connection done", sql.ErrConnDone, true},
		{"pool deadline", fmt.Errorf("begin: %w", context.DeadlineExceeded), true},
		{"dial refused", dial, true},
		{"refused as text", errors.New("opening: dial tcp 10.0.0.1:5432: connect: connection refused"), true},
		{"sqlite cannot open", cantOpen, true},
		{"sqlite closed pool", closed, true},
		{"sqlite constraint", constraint, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.err == nil && tc.ok {
				t.Fatal("no error produced")
			}
			cause, ok := Unavailability(tc.err)
			if ok != tc.ok {
				t.Fatalf("Unavailability(%v) = %q, %t; want %t", tc.err, cause, ok, tc.ok)
			}
			ue := AsUnavailable(tc.err)
			if (ue != nil) != tc.ok {
				t.Fatalf("AsUnavailable = %v", ue)
			}
			if !ok {
				return
			}
			if ue.Code != Unavailable || ue.Reason != vocab.ReasonDatabaseUnavailable || ue.HTTPStatus() != 503 {
				t.Fatalf("AsUnavailable = %+v", ue)
			}
			for _, leak := range []string{"127.0.0.1", "10.0.0.1", "5432", "dial tcp", "x.db"} {
				if strings.Contains(cause, leak) || strings.Contains(LogText(tc.err), leak) {
					t.Fatalf("the log text %q holds %q", LogText(tc.err), leak)
				}
			}
		})
	}
}
