package catalog

import (
	"errors"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"onboard/internal/apperr"
	"onboard/internal/apperr/vocab"
)

// TestCategoryErrorNamesTheDefaultConflict maps the unique violations of
// both drivers: the one-default index (tenant_id, customer_type) is
// CONFLICT DEFAULT_CATEGORY_EXISTS on isDefault, the code index stays
// ALREADY_EXISTS on code.
func TestCategoryErrorNamesTheDefaultConflict(t *testing.T) {
	for _, tc := range []struct {
		name   string
		err    error
		field  string
		reason vocab.Reason
	}{
		{"postgres default", &pgconn.PgError{Code: "23505", Detail: "Key (tenant_id, customer_type)=(ten_1, INDIVIDUAL) already exists."},
			"isDefault", vocab.ReasonDefaultCategoryExists},
		{"sqlite default", errors.New("constraint failed: UNIQUE constraint failed: categories.tenant_id, categories.customer_type (2067)"),
			"isDefault", vocab.ReasonDefaultCategoryExists},
		{"postgres code", &pgconn.PgError{Code: "23505", Detail: "Key (tenant_id, code)=(ten_1, LOW) already exists."},
			"code", "ALREADY_EXISTS"},
		{"sqlite code", errors.New("constraint failed: UNIQUE constraint failed: categories.tenant_id, categories.code (2067)"),
			"code", "ALREADY_EXISTS"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var ae *apperr.Error
			if !errors.As(categoryError(tc.err), &ae) {
				t.Fatalf("not an API error: %v", categoryError(tc.err))
			}
			if ae.Code != apperr.Conflict || ae.Field.String() != tc.field || ae.Reason != tc.reason {
				t.Errorf("got %s %s on %s, want CONFLICT %s on %s", ae.Code, ae.Reason, ae.Field, tc.reason, tc.field)
			}
		})
	}
}
