package apperr

import (
	"errors"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
)

func TestUniqueViolation(t *testing.T) {
	cases := []struct {
		name   string
		err    error
		column string
		ok     bool
	}{
		{"no error", nil, "", false},
		{"other error", errors.New("boom"), "", false},
		{"sqlite", errors.New("constraint failed: UNIQUE constraint failed: users.tenant_id, users.email (2067)"), "email", true},
		{"postgres", &pgconn.PgError{Code: "23505", Detail: "Key (tenant_id, registration_number)=(t, 1) already exists."}, "registration_number", true},
		{"postgres other code", &pgconn.PgError{Code: "23503"}, "", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			column, ok := UniqueViolation(tc.err)
			if column != tc.column || ok != tc.ok {
				t.Fatalf("got (%q, %t), want (%q, %t)", column, ok, tc.column, tc.ok)
			}
		})
	}
}
